"""The skeleton behind the figures: segment lengths, forward kinematics, reach, resting.

Pure Python and free of pydantic and ReportLab; ``spec.py`` holds the models that feed it.
Rotation matrices are 3x3 tuples of rows; positions are (x, y, z) tuples.
"""

from __future__ import annotations

import math
from typing import Any

Vec = tuple[float, float, float]


class FigureBug(RuntimeError):
    """A figure would compute or write a number that is not finite (NaN, infinity): a bug,
    never the user's mistake, since pose data is range-checked when it is loaded."""


def check_finite(points: dict[str, Vec]) -> dict[str, Vec]:
    """``points``, or a FigureBug naming the first that is not finite."""
    for name, point in points.items():
        if not all(math.isfinite(c) for c in point):
            raise FigureBug(f"the figure's point {name} is not finite: {point}")
    return points
Mat = tuple[Vec, Vec, Vec]

# Half the thickness of every limb and of the trunk, and the head: the drawing uses the
# same numbers, so "touching the floor" means the drawn outline touches it.
LIMB_RADIUS = 6.5
HEAD_RADIUS = 12.0
HEAD_GAP = 3.0  # the pictogram gap between the trunk's round end and the head

HIP_HALF, WAIST_HALF, SHOULDER_HALF = 8.0, 10.0, 15.0
LUMBAR, THORACIC = 24.0, 28.0
THIGH, SHIN = 43.0, 43.0
UPPER_ARM, FOREARM = 30.0, 29.0
HEEL, TOE = (-2.0, -3.0, 0.0), (14.0, -3.0, 0.0)  # in the foot's frame, from the ankle

# The trunk is a stack of cross-sections (hips, waist, chest, shoulders), each an oval
# deeper in front than behind: seen from the side it shows the chest and the buttocks, so
# lying on the back reads apart from lying on the front. The back is never deeper than a
# limb's radius, so a body on its back rests as before; the drawing joins neighbouring
# sections. (name, spine point, frame, height along it, half-width, front, back)
TRUNK_BACK = 6.5  # every section's depth behind the spine
TRUNK_SECTIONS: tuple[tuple[str, str, str, float, float, float, float], ...] = (
    ("hips", "pelvis", "root", -3.0, 11.0, 9.5, TRUNK_BACK),
    ("waist", "low_back", "lumbar", 0.0, 10.5, 7.5, TRUNK_BACK),
    ("chest", "low_back", "thoracic", 17.0, 13.0, 10.5, TRUNK_BACK),
    ("shoulders", "chest", "thoracic", -2.0, 12.0, 8.0, TRUNK_BACK),
)
# A keyframe with ``back: straight`` (a standing hinge) draws the back as one straight line
# from the hips to the back of the head: a trunk as deep at the chest as at the waist (the
# deep chest tipped forward read as a curled upper back), its top at the shoulders, the neck
# as thick as the trunk's back (drawn by the scene) and the head moved forward so its back is
# on the line (on the spine, the neck's notch and the head left the line). Same names.
STRAIGHT_SECTIONS: tuple[tuple[str, str, str, float, float, float, float], ...] = (
    ("hips", "pelvis", "root", -3.0, 11.0, 8.0, TRUNK_BACK),
    ("waist", "low_back", "lumbar", 0.0, 10.5, 7.5, TRUNK_BACK),
    ("chest", "low_back", "thoracic", 17.0, 13.0, 8.0, TRUNK_BACK),
    ("shoulders", "chest", "thoracic", 2.0, 12.0, 7.5, TRUNK_BACK),
)
TRUNK_SAMPLES = 16  # points around each section
NOSE = HEAD_RADIUS + 3.5  # the tip of the nose, from the head's centre
CHAINS: dict[str, tuple[str, ...]] = {
    "trunk": ("pelvis", "low_back", "chest"),
    "left_leg": ("left_hip", "left_knee", "left_ankle", "left_heel", "left_toe"),
    "right_leg": ("right_hip", "right_knee", "right_ankle", "right_heel", "right_toe"),
    "left_arm": ("left_shoulder", "left_elbow", "left_hand"),
    "right_arm": ("right_shoulder", "right_elbow", "right_hand"),
}
POINTS: tuple[str, ...] = ("pelvis", "low_back", "chest", "head") + tuple(
    f"{side}_{part}" for side in ("left", "right")
    for part in ("hip", "knee", "ankle", "heel", "toe", "shoulder", "elbow", "hand", "waist")
)
SEGMENT_LENGTHS: dict[tuple[str, str], float] = {
    ("pelvis", "low_back"): LUMBAR, ("low_back", "chest"): THORACIC,
    ("left_hip", "right_hip"): 2 * HIP_HALF, ("left_shoulder", "right_shoulder"): 2 * SHOULDER_HALF,
    ("chest", "head"): LIMB_RADIUS + HEAD_GAP + HEAD_RADIUS,
    **{pair: length for side in ("left", "right") for pair, length in (
        ((f"{side}_hip", f"{side}_knee"), THIGH), ((f"{side}_knee", f"{side}_ankle"), SHIN),
        ((f"{side}_ankle", f"{side}_toe"), math.dist((0, 0, 0), TOE)),
        ((f"{side}_ankle", f"{side}_heel"), math.dist((0, 0, 0), HEEL)),
        ((f"{side}_shoulder", f"{side}_elbow"), UPPER_ARM), ((f"{side}_elbow", f"{side}_hand"), FOREARM),
    )},
}


def _rot(axis: int, degrees: float) -> Mat:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    if axis == 0:
        return ((1, 0, 0), (0, c, -s), (0, s, c))
    if axis == 1:
        return ((c, 0, s), (0, 1, 0), (-s, 0, c))
    return ((c, -s, 0), (s, c, 0), (0, 0, 1))


def _mul(a: Mat, b: Mat) -> Mat:
    # Written out: the solvers call this thousands of times per figure.
    (a0, a1, a2), (b0, b1, b2) = a, b
    return tuple(
        (r[0] * b0[0] + r[1] * b1[0] + r[2] * b2[0],
         r[0] * b0[1] + r[1] * b1[1] + r[2] * b2[1],
         r[0] * b0[2] + r[1] * b1[2] + r[2] * b2[2]) for r in (a0, a1, a2))  # type: ignore[return-value]


def _apply(m: Mat, v: Vec) -> Vec:
    x, y, z = v
    return (m[0][0] * x + m[0][1] * y + m[0][2] * z,
            m[1][0] * x + m[1][1] * y + m[1][2] * z,
            m[2][0] * x + m[2][1] * y + m[2][2] * z)


def _add(a: Vec, b: Vec, scale: float = 1.0) -> Vec:
    return (a[0] + b[0] * scale, a[1] + b[1] * scale, a[2] + b[2] * scale)


def _chain(*mats: Mat) -> Mat:
    out = mats[0]
    for m in mats[1:]:
        out = _mul(out, m)
    return out


def pose_points(frame: Any) -> dict[str, Vec]:
    """Forward kinematics: every named point of a keyframe (a ``pose.Keyframe``)."""
    pelvis = frame.pelvis
    root = _chain(_rot(1, pelvis.yaw), _rot(2, pelvis.pitch), _rot(1, pelvis.roll))
    origin: Vec = (pelvis.x, pelvis.y or 0.0, pelvis.z)
    # Half of each bend at each spine joint, so a bent back is a curve.
    bend = _mul(_rot(2, -frame.spine / 2), _rot(0, frame.side_bend / 2))
    lumbar = _mul(root, bend)
    # The upper back's own bend: a lying body's hollow low back (pelvis tipped, chest down).
    thoracic = _chain(lumbar, bend, _rot(2, -getattr(frame, "upper_back", 0.0)))
    points: dict[str, Vec] = {"pelvis": origin}
    points["low_back"] = _add(origin, _apply(lumbar, (0, LUMBAR, 0)))
    points["chest"] = _add(points["low_back"], _apply(thoracic, (0, THORACIC, 0)))
    neck = _mul(thoracic, _rot(2, -frame.neck))
    straight = straight_back(frame)
    forward, length = (HEAD_RADIUS - TRUNK_BACK) if straight else 0.0, SEGMENT_LENGTHS["chest", "head"]
    points["head"] = _add(points["chest"], _apply(neck, (forward, math.sqrt(length ** 2 - forward ** 2), 0)))
    # Not body points a pose can name: the face cue and the trunk's outline.
    points["nose"] = _add(points["head"], _apply(neck, (NOSE, -2.0, 0)))
    for side, sign in (("left", -1.0), ("right", 1.0)):
        points[f"{side}_eye"] = _add(points["head"], _apply(neck, (0.8 * HEAD_RADIUS, 0.25 * HEAD_RADIUS,
                                                                  sign * 0.45 * HEAD_RADIUS)))
    frames = {"root": root, "lumbar": lumbar, "thoracic": thoracic}
    for name, at, frame_name, height, half_width, front, back in (STRAIGHT_SECTIONS if straight
                                                                   else TRUNK_SECTIONS):
        centre = _add(points[at], _apply(frames[frame_name], (0, height, 0)))
        for i in range(TRUNK_SAMPLES):
            angle = 2 * math.pi * i / TRUNK_SAMPLES
            forward = math.cos(angle) * (front if math.cos(angle) > 0 else back)
            points[f"trunk_{name}_{i}"] = _add(
                centre, _apply(frames[frame_name], (forward, 0, half_width * math.sin(angle))))
    for side, sign in (("left", -1.0), ("right", 1.0)):
        hip_angles = getattr(frame, f"{side}_hip")
        hip = _add(origin, _apply(root, (0, 0, sign * HIP_HALF)))
        thigh = _chain(root, _rot(2, hip_angles.flex), _rot(0, -sign * hip_angles.abduct),
                       _rot(1, -sign * hip_angles.rotate))
        knee = _add(hip, _apply(thigh, (0, -THIGH, 0)))
        shin = _mul(thigh, _rot(2, -getattr(frame, f"{side}_knee")))
        ankle = _add(knee, _apply(shin, (0, -SHIN, 0)))
        foot = _mul(shin, _rot(2, getattr(frame, f"{side}_ankle")))
        shoulder_angles = getattr(frame, f"{side}_shoulder")
        shoulder = _add(points["chest"], _apply(thoracic, (0, 0, sign * SHOULDER_HALF)))
        upper = _chain(thoracic, _rot(2, shoulder_angles.flex), _rot(0, -sign * shoulder_angles.abduct))
        elbow = _add(shoulder, _apply(upper, (0, -UPPER_ARM, 0)))
        fore = _mul(upper, _rot(2, getattr(frame, f"{side}_elbow")))
        points.update({
            f"{side}_waist": _add(points["low_back"], _apply(lumbar, (0, 0, sign * WAIST_HALF))),
            f"{side}_hip": hip, f"{side}_knee": knee, f"{side}_ankle": ankle,
            f"{side}_heel": _add(ankle, _apply(foot, HEEL)), f"{side}_toe": _add(ankle, _apply(foot, TOE)),
            f"{side}_shoulder": shoulder, f"{side}_elbow": elbow,
            f"{side}_hand": _add(elbow, _apply(fore, (0, -FOREARM, 0))),
        })
    return points


def straight_back(frame: Any) -> bool:
    """Whether ``frame`` (a keyframe, or a blend of two) draws the back as one straight line."""
    return getattr(frame, "back", "natural") == "straight"


LIMBS: dict[str, tuple[str, str, float, float]] = {
    f"{side}_{tip}": (f"{side}_{root}", f"{side}_{mid}", upper, lower)
    for side in ("left", "right")
    for tip, root, mid, upper, lower in (("hand", "shoulder", "elbow", UPPER_ARM, FOREARM),
                                         ("ankle", "hip", "knee", THIGH, SHIN))
}


def reach_target(points: dict[str, Vec], part: str, to: str, toward: str | None, t: float,
                 offset: Vec = (0.0, 0.0, 0.0)) -> dict[str, Vec]:
    """Points with one limb bent so its hand or ankle lands on a target (two-bone IK).

    The middle joint (elbow, knee) stays on the side where the plain angles put it,
    so the author's angles choose "elbow out" or "knee up"; a foot keeps its angle
    to the shin.
    """
    root_name, mid_name, a, b = LIMBS[part]
    root, mid, tip = points[root_name], points[mid_name], points[part]
    target = points[to]
    if toward is not None:
        target = _add(target, _add(points[toward], target, -1.0), t)
    target = _add(target, offset)
    gap = math.dist(root, target)
    axis = _unit(_add(target, root, -1.0)) if gap > 1e-9 else (0.0, -1.0, 0.0)
    gap = min(max(gap, abs(a - b) + 1e-6), a + b - 1e-6)
    pole = _add(mid, root, -1.0)
    pole = _add(pole, axis, -_dot(pole, axis))
    if math.hypot(*pole) < 1e-6:  # a straight limb along the target line: any side will do
        pole = _add((0.0, 0.0, 1.0), axis, -axis[2])
    along = (a * a - b * b + gap * gap) / (2 * gap)
    new_mid = _add(_add(root, axis, along), _unit(pole), math.sqrt(max(a * a - along * along, 0.0)))
    new_tip = _add(root, axis, gap)
    out = dict(points)
    out[mid_name], out[part] = new_mid, new_tip
    if part.endswith("ankle"):
        turn = _turn(_unit(_add(tip, mid, -1.0)), _unit(_add(new_tip, new_mid, -1.0)))
        for foot in ("heel", "toe"):
            name = part.replace("ankle", foot)
            out[name] = _add(new_tip, _apply(turn, _add(points[name], tip, -1.0)))
    return out


def _turn(u: Vec, v: Vec) -> Mat:
    """The smallest rotation taking unit vector u onto unit vector v (Rodrigues)."""
    axis = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
    sin, cos = math.hypot(*axis), _dot(u, v)
    if sin < 1e-9:
        return ((1, 0, 0), (0, 1, 0), (0, 0, 1))
    x, y, z = (c / sin for c in axis)
    k = 1 - cos
    return ((cos + x * x * k, x * y * k - z * sin, x * z * k + y * sin),
            (y * x * k + z * sin, cos + y * y * k, y * z * k - x * sin),
            (z * x * k - y * sin, z * y * k + x * sin, cos + z * z * k))


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _unit(v: Vec) -> Vec:
    norm = math.hypot(*v)
    return (v[0] / norm, v[1] / norm, v[2] / norm)


_EDGES = tuple([pair for chain in CHAINS.values() for pair in zip(chain, chain[1:])]
               + [("left_hip", "right_hip"), ("left_shoulder", "right_shoulder")])


def surface_height(x: float, z: float, boxes: list[tuple[Vec, Vec]]) -> float:
    """Height of whatever is under (x, z): the floor (0) or the top of a prop."""
    top = 0.0
    for low, high in boxes:
        if low[0] <= x <= high[0] and low[2] <= z <= high[2]:
            top = max(top, high[1])
    return top


def drop_offset(points: dict[str, Vec], boxes: list[tuple[Vec, Vec]], step: float = 4.0) -> float:
    """How far to move the body up (+) or down (-) so it just rests on the surfaces.

    Samples along every segment (at a limb's radius), the head and the trunk's outline,
    in one tight loop: the arrow paths place the body a dozen times per figure, so this
    is the figures' hot spot. The tests sample the same surface the slow way.
    """
    lowest = points["head"][1] - HEAD_RADIUS - surface_height(points["head"][0],
                                                              points["head"][2], boxes)
    for name in TRUNK_POINTS:
        x, y, z = points[name]
        gap = y - surface_height(x, z, boxes)
        if gap < lowest:
            lowest = gap
    for first, second in _EDGES:
        ax, ay, az = points[first]
        bx, by, bz = points[second]
        count = max(1, math.ceil(math.dist((ax, ay, az), (bx, by, bz)) / step))
        for i in range(count + 1):
            t = i / count
            x, y, z = ax + (bx - ax) * t, ay + (by - ay) * t, az + (bz - az) * t
            top = 0.0
            for low, high in boxes:
                if low[0] <= x <= high[0] and low[2] <= z <= high[2] and high[1] > top:
                    top = high[1]
            if y - top < lowest + LIMB_RADIUS:
                lowest = y - top - LIMB_RADIUS
    return -lowest


TRUNK_POINTS = tuple(f"trunk_{section[0]}_{i}" for section in TRUNK_SECTIONS for i in range(TRUNK_SAMPLES))


def point_radius(name: str) -> float:
    """The drawn radius around a named point."""
    return HEAD_RADIUS if name == "head" else LIMB_RADIUS


def project_point(point: Vec, yaw: float, pitch: float, mirror: bool) -> Vec:
    """Orthographic view: camera yawed around Y, then raised by ``pitch``; depth toward it."""
    x, y, z = point
    view = _chain(_rot(0, pitch), _rot(1, -yaw))
    return _apply(view, (x, y, -z if mirror else z))
