"""A figure as flat 2-D marks in body units: what to draw, in which panel and ink.

The step between the skeleton (``spec``, ``kinematics``) and ReportLab (``draw``): it
projects the start and end keyframes into two panels, with the props and the motion
arrow, and knows nothing of PDF or colours. Each mark names its ink by role: ``near``
(limbs on the viewer's side, trunk and head), ``far`` (the other side's limbs), ``arrow``,
``prop`` or ``paper`` (the white gaps that keep crossing limbs apart).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from .kinematics import (CHAINS, HEAD_RADIUS, LIMB_RADIUS, TRUNK_BACK, TRUNK_SAMPLES, TRUNK_SECTIONS, Vec,
                         point_radius, straight_back)
from .spec import Camera, FigureSpec, interpolate, panel_cameras, project, prop_boxes, solve

Point = tuple[float, float]

ARROW_WIDTH = 0.42  # of the limb width: clearly a sign, not a limb
ARROW_GAP = LIMB_RADIUS + 5.0  # arrows run this far outside the moving point
MIN_ARROW = 26.0
HEAD_CLEAR = HEAD_RADIUS + 3 * LIMB_RADIUS * ARROW_WIDTH  # an arrow's path keeps this far from a head
LIFT_GAP = 9.0  # from a lifted part's outline to the tail of its lift arrow (casing included)
RIM = 1.2  # half the width of a prop's outline: a mat's top edge drawn again (its round ends inside)
CASING = 2.2  # the white gap around a limb that crosses another
NECK_RADIUS = 4.5
EYE_RADIUS = 2.0
HAND_RADIUS = 7.5  # a hand is a knob wider than the forearm, so it reads as a hand
TOWEL_RADIUS = 6.0  # a band as wide as a limb
TOWEL_OUTLINE = 2.0  # its grey edge; the inside is white
TOWEL_EDGE = 1.4
TOWEL_BAND = 5.5  # a solid band (``band: solid`` or ``edged``)
TOWEL_DARK_EDGE = 1.3  # an edged band's dark edge
TOWEL_FIST = 2.0  # a tapered band (``band: tapered``): its half width at each fist, the cloth gathered
TOWEL_WRAP = 8.5  # and round the limb, the cloth spread where it wraps
TAPER_STEPS = 8  # pieces along each strand: the width grows in steps too small to see
TOWEL_STEPS = 8
HOLD_REACH = 16.0  # a hand reaching within this of a body point holds it
ARROW_STEPS = 10  # samples along the path: smooth enough at handout sizes
TILT_RADIUS = 30.0  # a tilt arrow's arc round the turning part: clear of the buttock, under the thighs
TILT_SPAN = 75.0  # degrees of arc
TURN_RADIUS = 15.0  # a turn arrow's arc round the part itself: on the pelvis, short of the low back
TURN_SPAN = 270.0  # degrees of arc: a turning sign
TURN_LEAN = 75.0  # degrees its middle sits back from the part's far end, against the turn
KNEE_ARROW = 33.0  # a knee's arc keeps this much of its end: it starts by the knee, not over the foot
RAIL_BRACKET = 9.0  # a handrail's brackets below its bar
REACH_GAP = HAND_RADIUS + 4.0  # from a held-out limb's tip to its reach arrow
FRAME_MARGIN = LIMB_RADIUS  # round a framed view's points: the floor or mat under them shows
INKS = ("near", "far", "arrow", "prop", "paper")


@dataclass(frozen=True)
class Mark:
    """One thing to draw: a stroked polyline, a filled disc or polygon, or an arrow."""

    kind: str  # "limb", "casing", "trunk", "head", "nose", "eye", "hand", "foot", "prop", "towel",
    # "stripe", "floor", "rim", "arrow"
    points: tuple[Point, ...]
    ink: str = "near"  # one of INKS
    radius: float = LIMB_RADIUS  # half the stroke width, or the disc radius
    cased: bool = True  # an arrow's white casing (off where it runs down into the body)


Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Scene:
    """Panels of marks in drawing order (1: start, 2: end with the arrow; or start, middle,
    end), each panel's box (x0, y0, x1, y1) and floor height (None: seen from above), and
    which panels share a camera. Panels that share a camera share one box, so the body
    stays in place between them; a panel with its own camera has its own."""

    panels: tuple[tuple[Mark, ...], ...]
    boxes: tuple[Box, ...]
    floor_ys: tuple[float | None, ...]
    views: tuple[int, ...]  # per panel: the index of its camera among the figure's distinct ones
    framed: bool = False  # boxes frame part of the body (spec.frame): cut marks at the panel's edge
    insets: tuple[Inset | None, ...] = ()  # per panel: a magnified detail (spec.inset), or none

    def inset(self, panel: int) -> Inset | None:
        """Panel ``panel``'s magnified detail (0-based), if it has one."""
        return self.insets[panel] if panel < len(self.insets) else None

    @property
    def marks(self) -> tuple[Mark, ...]:
        """Every mark of every panel."""
        return tuple(mark for panel in self.panels for mark in panel)


@dataclass(frozen=True)
class Inset:
    """A magnified detail in a panel, in the panel's body units: the place shown (its centre
    and radius), the circle it is drawn in (its centre; its radius is ``radius * zoom``)."""

    source: Point
    radius: float
    target: Point
    zoom: float
    arrows: tuple[str, ...] = ()  # where each of the last panel's arrows is drawn: body, circle or both
    ground: str = "line"  # what the body rests on in the circle: a line, or a line hatched under it

    @property
    def target_radius(self) -> float:
        """The magnified circle's radius."""
        return self.radius * self.zoom

    def magnified(self, point: Point) -> Point:
        """Where ``point`` of the body is drawn in the magnified circle."""
        return (self.target[0] + (point[0] - self.source[0]) * self.zoom,
                self.target[1] + (point[1] - self.source[1]) * self.zoom)


@lru_cache(maxsize=128)
def build_scene(spec: FigureSpec) -> Scene:
    """Project ``spec`` into its panels (two, or three with a middle position); cached
    because FigureSpec is frozen and hashable."""
    frames = [spec.start, *([spec.middle] if spec.middle is not None else []), spec.end]
    cameras = panel_cameras(spec)
    poses = [{name: _flat(camera, p) for name, p in solve(spec, frame).items()}
             for frame, camera in zip(frames, cameras)]
    # A hand placed on the body (not set off from it, like a palm on the floor) holds it; an
    # ankle placed there rests on it (the figure 4's ankle on the other knee).
    placed = lambda frame, end: tuple(r.part for r in frame.reach  # noqa: E731
                                      if r.part.endswith(end) and math.hypot(*r.offset) < HOLD_REACH)
    arrows = _arrow_marks(spec, cameras[-1], poses[-1], (poses[-1]["head"][:2],)) if spec.moving else ()
    panels = tuple(_prop_marks(spec, camera) + _with_towel(spec, pose, _on_the_mat(spec, camera, _body_marks(
        pose, spec.emphasis, placed(frame, "hand"), placed(frame, "ankle"), spec.touching,
        straight_back(frame))))
                   for frame, pose, camera in zip(frames, poses, cameras))
    panels = panels[:-1] + (panels[-1] + arrows,)
    distinct = list(dict.fromkeys(cameras))
    views = tuple(distinct.index(camera) for camera in cameras)
    if spec.frame:  # a closer view: the named points (each panel's), the arrow and a margin
        view_boxes = [_frame_box([(pose[name], point_radius(name)) for pose, view in zip(poses, views)
                                  if view == index for name in spec.frame], arrows if views[-1] == index else ())
                      for index in range(len(distinct))]
    else:
        view_boxes = [_mark_box(tuple(mark for panel, view in zip(panels, views) if view == index
                                      for mark in panel)) for index in range(len(distinct))]
    insets: tuple[Inset | None, ...] = ()
    if spec.inset is not None:
        places = [_inset(spec, [pose for pose, v in zip(poses, views) if v == index])
                  for index in range(len(distinct))]
        insets = tuple(places[view] for view in views)
        view_boxes = [_with_circle(box, places[index]) for index, box in enumerate(view_boxes)]
    return Scene(panels, tuple(view_boxes[view] for view in views),
                 tuple(_floor_y(spec, camera) for camera in cameras), views, bool(spec.frame), insets)


CIRCLE_ROOM = 3.0  # body units kept clear round a magnified circle, for its outline (draw.INSET_RIM)


def _inset(spec: FigureSpec, poses: list[dict[str, Vec]]) -> Inset:
    """The magnified detail of one view: the place round the inset's point (the mean of the
    view's panels, so it is one place in every panel), shifted, and its circle."""
    inset = spec.inset
    assert inset is not None
    x, y = _centroid([pose[inset.at][:2] for pose in poses])
    source = (x + inset.shift[0], y + inset.shift[1])
    return Inset(source, inset.radius, (source[0] + inset.offset[0], source[1] + inset.offset[1]), inset.zoom,
                 inset.arrow_places(len(spec.moving)), inset.ground)


def _with_circle(box: Box, inset: Inset) -> Box:
    """The box grown to hold the magnified circle and its outline."""
    reach = inset.target_radius + CIRCLE_ROOM
    (cx, cy) = inset.target
    return (min(box[0], cx - reach), min(box[1], cy - reach), max(box[2], cx + reach), max(box[3], cy + reach))


def _on_the_mat(spec: FigureSpec, camera: Camera, body: tuple[Mark, ...]) -> tuple[Mark, ...]:
    """The body with a side-on mat's top edge drawn again over the near limbs' white
    casings, under the trunk and the near limbs: a body lying on the mat touches its edge.
    The casings (which part near limbs from far ones) cut a white gap in the mat under the
    legs and hips, read as "the hips are not clearly on the floor" (session 8's final
    reading of the cobra)."""
    if _floor_y(spec, camera) is None or camera.pitch:
        return body
    rims = tuple(Mark("rim", (_flat(camera, (low[0] + RIM, high[1], high[2]))[:2],
                              _flat(camera, (high[0] - RIM, high[1], high[2]))[:2]), "prop", RIM)
                 for kind, low, high in prop_boxes(spec) if kind == "mat")
    first = next((i for i, mark in enumerate(body) if mark.kind == "trunk"), None)
    if not rims or first is None:
        return body
    return body[:first] + rims + body[first:]


def _frame_box(points: list[tuple[Vec, float]], arrows: tuple[Mark, ...]) -> Box:
    """The box round framed points (each with its drawn radius and FRAME_MARGIN more) and
    round the arrow, which is never cut."""
    xs = [x + d * (r + FRAME_MARGIN) for (x, _, _), r in points for d in (-1, 1)]
    ys = [y + d * (r + FRAME_MARGIN) for (_, y, _), r in points for d in (-1, 1)]
    if arrows:
        x0, y0, x1, y1 = _mark_box(arrows)
        xs += [x0, x1]
        ys += [y0, y1]
    return (min(xs), min(ys), max(xs), max(ys))


def _flat(camera: Camera, point: Vec) -> Vec:
    return project(point, camera)


def _body_marks(points: dict[str, Vec], emphasis: tuple[str, ...] = (),
                holding: tuple[str, ...] = (), resting: tuple[str, ...] = (),
                touching: tuple[str, ...] = (), straight: bool = False) -> tuple[Mark, ...]:
    """The far side's limbs, then the trunk, neck and head, then the near side's limbs.

    A side clearly behind the other is drawn in the far ink. Near limbs carry a white
    casing (starting just past the joint, so they stay attached) that parts them from
    what they cross. An emphasised limb keeps the near ink wherever it is and is drawn on
    top (the cobra's near arm over the trunk). A hand that holds
    something is drawn last, over what it holds; so is the foot of a far leg whose ankle
    rests on the body (``resting``): the end of its shin and the foot, in its own far ink,
    cased in white, over the near knee it lies on (the lying figure 4 seen from the held
    leg's side: drawn under that knee, the crossing was hidden, round 31). A near leg
    that is ``touching`` (its foot on the far foot) is cased only to the middle of its
    shin: the white line between the feet read as "do the feet touch?" (the clamshell).
    """
    far: list[Mark] = []
    near: list[tuple[float, tuple[Mark, ...], tuple[Mark, ...], Mark]] = []
    hands: list[tuple[bool, Mark, Mark]] = []  # (near, white rim, hand)
    for name, chain in CHAINS.items():
        if name == "trunk":
            continue
        side = name.split("_")[0]
        ink = "far" if _is_far(points, name) and name not in emphasis else "near"
        line = tuple(points[p][:2] for p in chain)
        hand = ()
        if name.endswith("arm"):
            disc = Mark("hand", (points[f"{side}_hand"][:2],), ink, HAND_RADIUS)
            if f"{side}_hand" in holding:
                hands.append((ink == "near", Mark("hand", disc.points, "paper", HAND_RADIUS + CASING), disc))
            else:
                hand = (disc,)
        if ink == "far":
            far += [Mark("limb", line, ink), *hand]
            continue
        depth = sum(points[p][2] for p in chain) / len(chain) + (1000 if name in emphasis else 0)
        cased = Mark("casing", _to_mid_shin(_past_joint(line)) if name in touching else _past_joint(line),
                     "paper", LIMB_RADIUS + CASING)
        near.append((depth, (cased,) if name in emphasis else (), (Mark("limb", line, ink),) + hand,
                     cased))
    near.sort(key=lambda item: item[0])
    # The near limbs' white casings part them from the far limbs; the trunk is drawn over
    # the casings, so an arm along the body shows no white seam on it.
    casings = tuple(item[3] for item in near if not item[1])
    ordered = [mark for _, first, marks, _ in near for mark in first + marks]
    # Holding hands, the far one first: where both hold one place, the near hand shows.
    held = tuple(mark for _, rim, disc in sorted(hands, key=lambda item: item[0]) for mark in (rim, disc))
    return tuple(far) + casings + _trunk_marks(points, straight) + tuple(ordered) + _resting_feet(
        points, resting, emphasis) + held


RESTING_SHIN = 0.5  # of the shin, above the ankle: how much of a resting leg is drawn again on top


def _resting_feet(points: dict[str, Vec], resting: tuple[str, ...],
                  emphasis: tuple[str, ...]) -> tuple[Mark, ...]:
    """A far leg's foot that rests on the body, drawn again over it: the last part of the
    shin, the ankle and the foot, cased in white, in the far ink (the far side's limbs are
    drawn first, so without this the foot lay hidden under the knee it rests on)."""
    marks: list[Mark] = []
    for ankle in resting:
        side = ankle.split("_")[0]
        if not _is_far(points, f"{side}_leg") or f"{side}_leg" in emphasis:
            continue  # a near or emphasised leg is drawn on top already
        knee, at = points[f"{side}_knee"][:2], points[ankle][:2]
        start = (at[0] + (knee[0] - at[0]) * RESTING_SHIN, at[1] + (knee[1] - at[1]) * RESTING_SHIN)
        line = (start, at, points[f"{side}_heel"][:2], points[f"{side}_toe"][:2])
        marks += [Mark("casing", line, "paper", LIMB_RADIUS + CASING), Mark("foot", line, "far")]
    return tuple(marks)


def _is_far(points: dict[str, Vec], limb: str) -> bool:
    side = limb.split("_")[0]
    other = "right" if side == "left" else "left"
    root = "hip" if limb.endswith("leg") else "shoulder"
    return points[f"{side}_{root}"][2] < points[f"{other}_{root}"][2] - 4


def _to_mid_shin(line: tuple[Point, ...]) -> tuple[Point, ...]:
    """A leg's polyline (hip, knee, ankle, heel, toe) cut at the middle of the shin."""
    (x1, y1), (x2, y2) = line[1], line[2]
    return line[:2] + (((x1 + x2) / 2, (y1 + y2) / 2),)


def _past_joint(line: tuple[Point, ...], fraction: float = 0.45) -> tuple[Point, ...]:
    """The polyline without the first part of its first segment: a casing that does not
    cut the limb off the trunk at the hip or shoulder."""
    (x0, y0), (x1, y1) = line[0], line[1]
    return ((x0 + (x1 - x0) * fraction, y0 + (y1 - y0) * fraction),) + line[1:]


def _trunk_marks(points: dict[str, Vec], straight: bool = False) -> tuple[Mark, ...]:
    """The trunk (neighbouring cross-sections joined), the neck, the head and the nose; with
    a straight back the neck is as thick as the trunk's back, so the back runs on into it."""
    sections = [[points[f"trunk_{name}_{i}"][:2] for i in range(TRUNK_SAMPLES)]
                for name, *_ in TRUNK_SECTIONS]
    marks = [Mark("trunk", tuple(_hull(a + b)), "near", 0.5) for a, b in zip(sections, sections[1:])]
    head, chest = points["head"][:2], points["chest"][:2]
    marks.append(Mark("limb", (chest, head), "near", TRUNK_BACK if straight else NECK_RADIUS))
    marks.append(Mark("head", (head,), "near", HEAD_RADIUS))
    nose = points["nose"][:2]
    dx, dy = nose[0] - head[0], nose[1] - head[1]
    length = math.hypot(dx, dy)
    if length > HEAD_RADIUS + 1.5:  # seen face-on or from behind, a nose would not show
        ux, uy = dx / length, dy / length
        base = HEAD_RADIUS - 1.0
        spread = 0.5
        left = (head[0] + base * (ux * math.cos(spread) - uy * math.sin(spread)),
                head[1] + base * (uy * math.cos(spread) + ux * math.sin(spread)))
        right = (head[0] + base * (ux * math.cos(spread) + uy * math.sin(spread)),
                 head[1] + base * (uy * math.cos(spread) - ux * math.sin(spread)))
        marks.append(Mark("nose", (left, nose, right), "near", 0.8))
    # The eyes that face the viewer: white dots, so the face reads at a glance (both when
    # the person faces the viewer, one from the side, none from behind).
    for side in ("left", "right"):
        eye = points[f"{side}_eye"]
        if eye[2] > points["head"][2] + 0.3 * HEAD_RADIUS:
            marks.append(Mark("eye", (eye[:2],), "paper", EYE_RADIUS))
    return tuple(marks)


def _with_towel(spec: FigureSpec, points: dict[str, Vec], body: tuple[Mark, ...]) -> tuple[Mark, ...]:
    """The body with any towel: a long band (a grey outline, white inside) from one hand
    round a thigh to the other hand, its ends a little past each fist, drawn over the
    body, the thigh drawn again through its loop, and the hands drawn again over it."""
    marks: list[Mark] = []
    for prop in spec.props:
        if prop.kind != "towel" or prop.around is None:
            continue
        knee = points[prop.around][:2]
        around = knee
        if prop.toward is not None:
            toward = points[prop.toward][:2]
            around = (knee[0] + (toward[0] - knee[0]) * prop.t, knee[1] + (toward[1] - knee[1]) * prop.t)
        # The band ends in the fists: rounds 8-13 hung loose striped ends below the hands
        # (read as a bottle, fingers or a second fist), and round 15's ends past the fists
        # hid the forearms, so the hands seemed to float.
        path = _towel_loop(points["left_hand"][:2], points["right_hand"][:2], around)
        # A grey outline round a white band (the tone rule's props are grey outlines): solid
        # grey read as the floor, an arm or a dumbbell (rounds 12-15), white dashes as zips.
        # Round 20: an outline read as a ball, a cushion or motion lines; a solid band, a
        # little narrower than a limb, reads as a strap (with a dark edge, apart from the mat).
        if prop.band == "edged":
            marks += [Mark("casing", path, "paper", TOWEL_BAND + CASING), Mark("towel", path, "near", TOWEL_BAND),
                      Mark("towel", path, "prop", TOWEL_BAND - TOWEL_DARK_EDGE)]
        elif prop.band == "tapered":
            marks += _tapered_band(path)
        elif prop.band == "solid":
            marks += [Mark("casing", path, "paper", TOWEL_BAND + CASING), Mark("towel", path, "prop", TOWEL_BAND)]
        else:
            marks += [Mark("casing", path, "paper", TOWEL_RADIUS + CASING), Mark("towel", path, "prop", TOWEL_RADIUS),
                      Mark("casing", path, "paper", TOWEL_RADIUS - TOWEL_OUTLINE)]
        # The thigh passes through the loop (round 9 read a loop drawn over the knee as a
        # ring or a bubble): its stretch inside the loop is drawn again over the towel.
        # No white casing: round 11 read a cased stretch as "a rolling pin", not a leg.
        through = _towel_thigh(prop.around, points, around, body)
        if through is not None:
            marks.append(through)
    if not marks:
        return body
    hands = tuple(mark for mark in body if mark.kind == "hand" and mark.ink != "paper")
    return body + tuple(marks) + hands


def _tapered_band(path: tuple[Point, ...]) -> list[Mark]:
    """A towel narrow in each fist (the path's ends) and widening along its strand to the
    loop (the path's middle), wide round the limb: a cloth gathered in the hands and spread
    where it wraps. Round 113's thinner band and round 52's band as wide as a limb were
    both read as "a towel, or the forearms?"; this band was named a towel by both readers
    blind in rounds 115 and 118 (a forearm is wide at the elbow, narrow at the hand: the
    opposite way).
    Drawn in pieces, each cased in white, every casing under every piece."""
    pieces: list[tuple[tuple[Point, ...], float]] = []
    for fist, loop in ((path[0], path[1]), (path[-1], path[-2])):
        for i in range(TAPER_STEPS):
            middle = (i + 0.5) / TAPER_STEPS
            pieces.append(((_between(fist, loop, i / TAPER_STEPS), _between(fist, loop, (i + 1) / TAPER_STEPS)),
                           TOWEL_FIST + (TOWEL_WRAP - TOWEL_FIST) * middle))
    pieces.append((path[1:-1], TOWEL_WRAP))
    return ([Mark("casing", line, "paper", width + CASING) for line, width in pieces]
            + [Mark("towel", line, "prop", width) for line, width in pieces])


def _between(start: Point, end: Point, fraction: float) -> Point:
    """The point ``fraction`` of the way from ``start`` to ``end``."""
    return (start[0] + (end[0] - start[0]) * fraction, start[1] + (end[1] - start[1]) * fraction)


def _towel_thigh(around: str, points: dict[str, Vec], at: Point, body: tuple[Mark, ...]) -> Mark | None:
    """The stretch of the thigh (hip to knee) that runs through a towel's loop at ``at``,
    in the thigh's own ink; None when ``around`` is not a knee."""
    if not around.endswith("knee"):
        return None
    hip = points[around.replace("knee", "hip")][:2]
    knee = points[around][:2]
    ink = next((mark.ink for mark in body if mark.kind == "limb" and mark.points[:2] == (hip, knee)), "near")
    length = math.dist(hip, knee) or 1.0
    ux, uy = (knee[0] - hip[0]) / length, (knee[1] - hip[1]) / length
    reach = LIMB_RADIUS + CASING + 2 * TOWEL_RADIUS
    ends = [(at[0] + ux * d, at[1] + uy * d) for d in (-reach, reach)]
    return Mark("limb", tuple(ends), ink)


def _towel_loop(first: Point, second: Point, around: Point) -> tuple[Point, ...]:
    """Hand, a U round the far side of ``around`` (its two sides apart by a limb), hand.

    Round 1 drew hand, point, hand: seen from the side the hands coincide, so the towel
    was one straight bar and read as a stick. The U's two strands show a loop.
    """
    mid = ((first[0] + second[0]) / 2, (first[1] + second[1]) / 2)
    dx, dy = around[0] - mid[0], around[1] - mid[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    px, py = -uy, ux
    radius = LIMB_RADIUS + TOWEL_EDGE  # the strands hug the limb it goes round
    side = lambda p: (p[0] - mid[0]) * px + (p[1] - mid[1]) * py  # noqa: E731
    plus, minus = (first, second) if side(first) >= side(second) else (second, first)
    arc = []
    for i in range(TOWEL_STEPS + 1):
        phi = math.pi / 2 - math.pi * i / TOWEL_STEPS
        arc.append((around[0] + radius * (math.sin(phi) * px + math.cos(phi) * ux),
                    around[1] + radius * (math.sin(phi) * py + math.cos(phi) * uy)))
    return (plus, *arc, minus)


def _prop_marks(spec: FigureSpec, camera: Camera) -> tuple[Mark, ...]:
    marks = []
    boxes = [prop for prop in spec.props if prop.kind != "towel"]  # prop_boxes' order
    for prop, (kind, low, high) in zip(boxes, prop_boxes(spec)):
        # A rail that rises (a stair's handrail) is sheared: each part lifted by its X.
        slope, centre = math.tan(math.radians(prop.rise)), (low[0] + high[0]) / 2
        for box_low, box_high in _prop_parts(kind, low, high):
            corners = [(x, y + (x - centre) * slope, z) for x in (box_low[0], box_high[0])
                       for y in (box_low[1], box_high[1]) for z in (box_low[2], box_high[2])]
            hull = _hull([_flat(camera, c)[:2] for c in corners])
            marks.append(Mark("prop", tuple(hull), "prop", RIM))
    if spec.floor and _floor_y(spec, camera) is not None:
        marks.insert(0, Mark("floor", (), "prop", 1.5))
    return tuple(marks)


def _prop_parts(kind: str, low: Vec, high: Vec) -> list[tuple[Vec, Vec]]:
    """A chair is a seat slab, a back and legs; a rail a bar on two brackets; other props one box."""
    if kind == "rail":
        # A bar on two short brackets, fixed to a wall: a handrail. Round 19 read a bar on
        # two posts as a tall stool or a table, round 21 a railing as a table or a bed end.
        (x0, _, z0), (x1, top, z1) = low, high
        bracket = 3.0
        return [((x0, top - 5, z0), (x1, top, z1)),
                ((x0 + 8, top - 5 - RAIL_BRACKET, z0), (x0 + 8 + bracket, top - 5, z1)),
                ((x1 - 8 - bracket, top - 5 - RAIL_BRACKET, z0), (x1 - 8, top - 5, z1))]
    if kind != "chair":
        return [(low, high)]
    x0, seat, z0 = low
    x1, top, z1 = high
    slab, leg = 5.0, 3.0
    return [
        ((x0, top - slab, z0), (x1, top, z1)),
        ((x0, top, z0), (x0 + leg, top + 44, z1)),
        ((x0, 0, z0), (x0 + leg, top, z0 + leg)), ((x1 - leg, 0, z0), (x1, top, z0 + leg)),
        ((x0, 0, z1 - leg), (x0 + leg, top, z1)), ((x1 - leg, 0, z1 - leg), (x1, top, z1)),
    ]


def _floor_y(spec: FigureSpec, camera: Camera) -> float | None:
    """Screen height of the floor line; None when seen from above (the mat shows it)."""
    if not spec.floor or camera.pitch > 12:
        return None
    return _flat(camera, (0.0, 0.0, 0.0))[1]


def _arrow_marks(spec: FigureSpec, camera: Camera, end2: dict[str, Vec],
                 heads: tuple[Point, ...]) -> tuple[Mark, ...]:
    """The movement's arrow in the last panel, seen by that panel's ``camera``."""
    centre = _centroid([p[:2] for p in end2.values()])
    marks = []
    frames = [interpolate(spec, i / ARROW_STEPS) for i in range(ARROW_STEPS + 1)]
    floor = _floor_y(spec, camera)
    for name, kind in zip(spec.moving, spec.arrow_kinds()):
        if kind == "reach":
            marks.append(Mark("arrow", _reach_path(end2, name), "arrow", LIMB_RADIUS * ARROW_WIDTH))
            continue
        if kind == "turn":  # on the body, round the part: no white casing to cut into it (round 4)
            marks.append(Mark("arrow", _turn_path(spec, camera, name), "arrow", LIMB_RADIUS * ARROW_WIDTH,
                              cased=False))
            continue
        if kind == "tilt":
            marks.append(Mark("arrow", _tilt_path(spec, camera, name, floor), "arrow", LIMB_RADIUS * ARROW_WIDTH))
            continue
        if kind in ("lift", "press"):
            make = _lift_path if kind == "lift" else _press_path
            part = end2[name][:2]
            if kind == "lift" and spec.arrow_gap:  # back toward the body's middle: the
                # cobra's lift over the shoulders, clear of the head (rounds 19, 21: "lift your head")
                part = (part[0] + math.copysign(spec.arrow_gap, centre[0] - part[0]), part[1])
            # A press runs down into the body: a white casing there cut a notch in it that
            # read as "a break in the body" (round 4); orange on the dark ink reads alone.
            marks.append(Mark("arrow", make(part, point_radius(name)), "arrow",
                              LIMB_RADIUS * ARROW_WIDTH, cased=kind != "press"))
            continue
        clear = ARROW_GAP + 2 * (point_radius(name) - LIMB_RADIUS) + spec.arrow_gap
        path = _arrow_path([_flat(camera, frame[name])[:2] for frame in frames], centre, kind, clear)
        if floor is not None:  # an arc swept out from a hand on the floor must not dip under it
            path = [(x, max(y, floor + ARROW_GAP / 2)) for x, y in path]
        path = _clear_of(path, heads, HEAD_CLEAR)
        if name.endswith("knee"):  # round 5: a knee's arc from over the foot read as "pull the foot"
            path = _last_stretch(path, KNEE_ARROW)
            toe = end2[name.replace("knee", "toe")][:2]
            path = _clear_of(path, (toe,), 3 * LIMB_RADIUS)
        marks.append(Mark("arrow", tuple(path), "arrow", LIMB_RADIUS * ARROW_WIDTH))
    return tuple(marks)


def _last_stretch(path: list[Point], length: float) -> list[Point]:
    """The last ``length`` of ``path`` (all of it if shorter): an arrow that ends where the
    part ends and starts near it, not back over another limb."""
    kept = [path[-1]]
    for a, b in zip(path[-2::-1], path[:0:-1]):  # walking back from the tip: a before b
        step = math.dist(a, b)
        if step >= length:
            t = length / step
            kept.append((b[0] + (a[0] - b[0]) * t, b[1] + (a[1] - b[1]) * t))
            break
        kept.append(a)
        length -= step
    return kept[::-1]


def _clear_of(path: list[Point], centres: tuple[Point, ...], keep: float) -> list[Point]:
    """The longest stretch of ``path`` at least ``keep`` from every centre (the heads).

    An arrow along the chest's arc would otherwise end on the head that rides above the
    chest (the cobra); cutting it where it meets the head's circle keeps its shape.
    """
    inside = lambda p: any(math.dist(p, c) < keep for c in centres)  # noqa: E731
    runs: list[list[Point]] = []
    run: list[Point] = []
    for a, b in zip([path[0]] + path, path):
        if inside(b):
            if run:
                run.append(_boundary(run[-1], b, inside))
                runs.append(run)
                run = []
        else:
            if not run and a != b and inside(a):
                run.append(_boundary(b, a, inside))
            run.append(b)
    if run:
        runs.append(run)
    if not runs:
        return path
    return max(runs, key=lambda part: sum(math.dist(p, q) for p, q in zip(part, part[1:])))


def _boundary(clear: Point, blocked: Point, inside: object) -> Point:
    """Where the segment from a clear point to a blocked one crosses the boundary (bisection)."""
    at = lambda t: (clear[0] + (blocked[0] - clear[0]) * t, clear[1] + (blocked[1] - clear[1]) * t)  # noqa: E731
    lo, hi = 0.0, 1.0
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if inside(at(mid)) else (mid, hi)  # type: ignore[operator]
    return at(lo)


def _lift_path(last: Point, radius: float) -> tuple[Point, ...]:
    """A straight arrow rising from just above the part's end position: the lift of a
    bridge, in the open space over the hips rather than the narrow gap under them."""
    base = last[1] + radius + LIFT_GAP
    return ((last[0], base), (last[0], base + MIN_ARROW))


def _reach_path(points: dict[str, Vec], name: str) -> tuple[Point, ...]:
    """A straight arrow in line with a limb held out, just past its tip, pointing on:
    "reach long". The bird dog's arcs swept up from the floor and were read as "lift
    high"; round 19 read an arrow under the held-out arm, beside the supporting arm, as
    "move that hand"."""
    side = name.split("_")[0]
    root = points[f"{side}_shoulder" if name.endswith(("hand", "elbow")) else f"{side}_hip"][:2]
    tip = points[name][:2]
    dx, dy = tip[0] - root[0], tip[1] - root[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    start = (tip[0] + ux * REACH_GAP, tip[1] + uy * REACH_GAP)
    return (start, (start[0] + ux * MIN_ARROW, start[1] + uy * MIN_ARROW))


def _turning(spec: FigureSpec, camera: Camera, name: str) -> tuple[float, Point, float]:
    """How the part ``name`` turns from start to end on the page: the sense (1: counter-
    clockwise, -1: clockwise), its place in the end pose, and its heading toward the low back
    there (radians)."""
    start, end = solve(spec, "start"), solve(spec, "end")
    flat = lambda points, p: _flat(camera, points[p])[:2]  # noqa: E731
    heading = lambda points: math.atan2(*reversed([b - a for a, b in zip(  # noqa: E731
        flat(points, name), flat(points, "low_back"))]))
    turn = 1.0 if math.remainder(heading(end) - heading(start), math.tau) > 0 else -1.0
    return turn, flat(end, name), heading(end)


def _tilt_path(spec: FigureSpec, camera: Camera, name: str, floor: float | None) -> tuple[Point, ...]:
    """An arc round the turning part's far end (away from the low back: the tail bone),
    the way the part turns from start to end, starting just above the floor: "rock the
    pelvis, tail bone up". Round 2's straight arrow landed on the belly and read as
    "push your stomach down"."""
    turn, centre, heading = _turning(spec, camera, name)
    tail = heading + math.pi  # the far end, away from the low back
    first = tail - turn * math.radians(TILT_SPAN) / 2
    if floor is not None:  # start on the floor's side no lower than just above it
        lowest = math.asin(max(-1.0, min(1.0, (floor + ARROW_GAP / 2 - centre[1]) / TILT_RADIUS)))
        if math.sin(first) < math.sin(lowest):
            first = lowest if math.cos(lowest) * math.cos(tail) > 0 else math.pi - lowest
    steps = [first + turn * math.radians(TILT_SPAN) * i / ARROW_STEPS for i in range(ARROW_STEPS + 1)]
    return tuple((centre[0] + TILT_RADIUS * math.cos(a), centre[1] + TILT_RADIUS * math.sin(a)) for a in steps)


def _turn_path(spec: FigureSpec, camera: Camera, name: str) -> tuple[Point, ...]:
    """A short arc round the turning part itself (TURN_RADIUS from it), the way it turns
    from start to end, round its far end (the pelvis's tail): a sign that the part tips in
    place, drawn beside a press arrow that says where it presses.
    Rounds 41-42 read a long arc over the belly (to the low back) as "curl up" and asked
    for "a short rotation arrow at the pelvis plus a press-down arrow at the low back"."""
    turn, centre, heading = _turning(spec, camera, name)
    # Its middle on the part's far end (away from the low back: the tail bone), moved back
    # against the turn, so the arc scoops round that end the way it turns.
    middle = heading + math.pi - turn * math.radians(TURN_LEAN)
    first, span = middle - turn * math.radians(TURN_SPAN) / 2, math.radians(TURN_SPAN)
    steps = [first + turn * span * i / ARROW_STEPS for i in range(ARROW_STEPS + 1)]
    return tuple((centre[0] + TURN_RADIUS * math.cos(a), centre[1] + TURN_RADIUS * math.sin(a)) for a in steps)


def _press_path(last: Point, radius: float) -> tuple[Point, ...]:
    """A straight arrow down through the part to its underside: "press this onto the
    floor" (the pelvic tilt's low back), not "push on the stomach", which an arrow that
    stops above the body was read as."""
    tip = last[1] - radius + 1.5
    top = last[1] + radius + LIFT_GAP + MIN_ARROW
    return ((last[0], top), (last[0], tip))


def _arrow_path(path: list[Point], centre: Point, how: str, clear: float = ARROW_GAP) -> list[Point]:
    """The path moved ``clear`` off the limb (outside or inside its sweep); a short one becomes a pointer.

    ``clear`` grows with the moving part, so an arrow swept by the head runs outside the head.
    """
    length = sum(math.dist(a, b) for a, b in zip(path, path[1:]))
    first, last = path[0], path[-1]
    side = -1.0 if how == "inside" else 1.0
    if length < MIN_ARROW or how == "pointer":
        dx, dy = last[0] - first[0], last[1] - first[1]
        norm = math.hypot(dx, dy) or 1.0
        ux, uy = dx / norm, dy / norm
        tip = (last[0] - ux * (clear + 2), last[1] - uy * (clear + 2))
        return [(tip[0] - ux * MIN_ARROW, tip[1] - uy * MIN_ARROW), tip]
    pivot = _pivot(path)
    if pivot is None:
        nx, ny = _away(path, centre)
        gap = clear * side
        shifted = [(x + nx * gap, y + ny * gap) for x, y in path]
    else:  # an arc: widen its radius so the arrow runs just outside the limb's sweep
        shifted = []
        for x, y in path:
            r = (math.hypot(x - pivot[0], y - pivot[1]) or 1.0) / (clear * side)
            shifted.append((x + (x - pivot[0]) / r, y + (y - pivot[1]) / r))
    return _trim(shifted, 3.0)


def _pivot(path: list[Point]) -> Point | None:
    """Centre of the circle through the path's ends and middle, if it is a real arc."""
    first, mid, last = path[0], path[len(path) // 2], path[-1]
    pivot = _circle_centre(first, mid, last)
    if pivot is None or math.dist(pivot, mid) > 3 * math.dist(first, last):
        return None
    return pivot


def _away(path: list[Point], centre: Point) -> Point:
    """Unit normal to a straight path, on the side away from the body's centre."""
    first, mid, last = path[0], path[len(path) // 2], path[-1]
    dx, dy = -(last[1] - first[1]), last[0] - first[0]
    if (mid[0] - centre[0]) * dx + (mid[1] - centre[1]) * dy < 0:
        dx, dy = -dx, -dy
    norm = math.hypot(dx, dy) or 1.0
    return dx / norm, dy / norm


def _circle_centre(a: Point, b: Point, c: Point) -> Point | None:
    d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]))
    if abs(d) < 1e-9:
        return None
    sa, sb, sc = (a[0] ** 2 + a[1] ** 2), (b[0] ** 2 + b[1] ** 2), (c[0] ** 2 + c[1] ** 2)
    return ((sa * (b[1] - c[1]) + sb * (c[1] - a[1]) + sc * (a[1] - b[1])) / d,
            (sa * (c[0] - b[0]) + sb * (a[0] - c[0]) + sc * (b[0] - a[0])) / d)


def _trim(path: list[Point], amount: float) -> list[Point]:
    """Cut ``amount`` off the start so the arrow does not begin on the limb it follows."""
    while len(path) > 2 and math.dist(path[0], path[1]) < amount:
        amount -= math.dist(path[0], path[1])
        path = path[1:]
    return path


def _centroid(points: list[Point]) -> Point:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _mark_box(marks: tuple[Mark, ...]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for mark in marks:
        pad = mark.radius + (mark.radius * 2.5 if mark.kind == "arrow" else 0)
        for x, y in mark.points:
            xs += [x - pad, x + pad]
            ys += [y - pad, y + pad]
    return (min(xs), min(ys), max(xs), max(ys))


def _hull(points: list[Point]) -> list[Point]:
    """Convex hull (monotone chain), counter-clockwise."""
    pts = sorted(set((round(x, 3), round(y, 3)) for x, y in points))
    if len(pts) < 3:
        return pts

    def half(seq: list[Point]) -> list[Point]:
        out: list[Point] = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    return lower[:-1] + upper[:-1]


__all__ = ["Mark", "Scene", "build_scene"]
