"""Pose data for exercise figures: the YAML models, and solving them into 3-D points.

Pure Python and ignorant of PDF. World axes, in body-length units (a standing adult
is about 175 tall): X runs to the right of the picture, Y up, Z toward the viewer.
Standing upright at rest the body faces +X, so its right side faces +Z.

Angles are in degrees. A keyframe lists only the joints that differ from standing
with the arms hanging; the skeleton then rests on the floor and props (unless the
pelvis height is given), so a pose author never has to compute a height.
"""

from __future__ import annotations

import math
from functools import lru_cache
from types import SimpleNamespace
from collections.abc import Mapping
from dataclasses import field
from typing import Annotated, Any, Literal

from ..limits import MAX_CONTACTS, MAX_PROPS
from ..rules import Record, Rule, record

from .kinematics import (
    check_finite,
    LIMB_RADIUS,
    CHAINS,
    POINTS,
    Vec,
    drop_offset,
    pose_points,
    project_point,
    reach_target,
    surface_height,
)

__all__ = [
    "Camera", "FigureSpec", "Hip", "Inset", "Keyframe", "LIMB_RADIUS", "LimbName", "POINTS", "POSITION_LIMIT",
    "Pelvis", "PointName", "Prop", "Reach", "Shoulder", "Vec", "interpolate", "panel_cameras", "project",
    "prop_boxes", "solve", "surface_height",
]

# Positions and offsets are body units (a standing adult is about 175 tall): a pose or a
# prop further than this from the origin is a typing mistake, and NaN or infinity would
# reach the PDF. docs/figures.md lists every range.
POSITION_LIMIT = 400.0
OFFSET_LIMIT = 100.0
# Numbers are strict: YAML's true or a quoted '65' is not taken for 1 or 65 (attack 3).
Position = Annotated[float, Rule(ge=-POSITION_LIMIT, le=POSITION_LIMIT, allow_inf_nan=False,
                                 strict=True)]
Offset = Annotated[float, Rule(ge=-OFFSET_LIMIT, le=OFFSET_LIMIT, allow_inf_nan=False, strict=True)]


# `arrow: reach` runs along an arm or a leg from its root (shoulder, hip) to the moving
# point: only a point out along a limb has one (the trunk's points and the roots do not).
REACH_PARTS = ("left_hand", "right_hand", "left_ankle", "right_ankle")  # what a Reach places
REACH_POINTS = tuple(point for chain, points in CHAINS.items() if chain != "trunk"
                     for point in points[1:])


class _Base(Record):
    """Pose data: plain frozen records (``rules.py``) that pydantic checks when a pack loads."""


def _about(description: str, **rules: object) -> dict[str, object]:
    """A field's metadata: its description and the bounds pydantic checks (ge, le, ...)."""
    return {"description": description, **rules}


def _one_or_more(value: object) -> object:
    """One name as a tuple of one: pose data may write ``moving: knee`` or a list."""
    return (value,) if isinstance(value, str) else value


def _human(low: float, high: float, what: str) -> Rule:
    """A range check whose message says which joint and why, not just a bound."""

    def check(value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(f"{what}: needs a finite number of degrees, not {value}")
        if not low <= value <= high:
            raise ValueError(
                f"{value:g} degrees is outside the human range {low:g}..{high:g} for {what}"
            )
        return value

    return Rule(strict=True, after=check)


def _number_means(name: str) -> Rule:
    """Let YAML write ``left_hip: 90`` for ``left_hip: {flex: 90}``."""
    return Rule(before=lambda value: {name: value} if isinstance(value, (int, float)) else value,
                short_form="number")


PointName = Literal[POINTS]  # type: ignore[valid-type]
ArrowKind = Literal["outside", "inside", "pointer", "lift", "press", "reach", "tilt", "turn"]
InsetArrow = Literal["body", "circle", "both"]
InsetGround = Literal["line", "hatched"]
LimbName = Literal["left_leg", "right_leg", "left_arm", "right_arm"]
Degrees = Annotated[float, _human(-180, 180, "an orientation")]
Knee = Annotated[float, _human(0, 150, "a knee (0 is straight; it cannot bend backwards)")]
Elbow = Annotated[float, _human(0, 150, "an elbow (0 is straight; it cannot bend backwards)")]
Ankle = Annotated[float, _human(-60, 30, "an ankle (+ toes up, - toes pointed)")]
Spine = Annotated[float, _human(-60, 90, "the spine (+ bends forward, - arches back)")]
Neck = Annotated[float, _human(-50, 70, "the neck (+ chin down, - head back)")]


@record
class Pelvis(_Base):
    """Where the body is and how it lies: the root of the skeleton."""

    x: Position = field(default=0, metadata=_about("Position along the picture, centre of the hips."))
    y: Position | None = field(default=None, metadata=_about("Height; omit to rest on the floor/props."))
    z: Position = 0
    pitch: Degrees = field(default=0, metadata=_about("90: on the back, head left; -90: face down, head right."))
    roll: Degrees = field(default=0, metadata=_about("Turn about the body's long axis (side-lying: 90)."))
    yaw: Degrees = field(default=0, metadata=_about("Turn about the vertical axis."))


@record
class Hip(_Base):
    flex: Annotated[float, _human(-30, 135, "hip flexion (+ thigh forward)")] = 0
    abduct: Annotated[float, _human(-30, 70, "hip abduction (+ thigh out to the side)")] = 0
    rotate: Annotated[float, _human(-45, 60, "hip rotation (+ outward)")] = 0


@record
class Shoulder(_Base):
    flex: Annotated[float, _human(-60, 180, "shoulder flexion (+ arm forward/up)")] = 0
    abduct: Annotated[float, _human(-10, 180, "shoulder abduction (+ arm out to the side)")] = 0


@record
class Reach(_Base):
    """A hand or ankle placed on a body point; the elbow or knee bends to get there."""

    part: Literal[REACH_PARTS]  # type: ignore[valid-type]
    to: PointName  # type: ignore[valid-type]
    toward: PointName | None = field(  # type: ignore[valid-type]
        default=None, metadata=_about("Slide from `to` toward this point by `t`, e.g. down the shin.")
    )
    t: float = field(default=0, metadata={"ge": 0, "le": 1, "allow_inf_nan": False, "strict": True})
    offset: tuple[Offset, Offset, Offset] = field(
        default=(0, 0, 0), metadata=_about("Added to the target in world units, e.g. a palm beside the chest.")
    )


@record
class Camera(_Base):
    """An orthographic view of the world."""

    yaw: Degrees = field(default=0, metadata=_about("Walk around the figure: 90 looks from the +X end."))
    pitch: Annotated[float, _human(0, 90, "camera elevation (0 side-on, 90 from above)")] = 0
    near: Literal["left", "right"] = field(default="right", metadata=_about("Side of the body toward the viewer."))


def _once_each(points: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({point for point in points if points.count(point) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} listed more than once: name each point once")
    return points


@record
class Keyframe(_Base):
    """One pose: joint angles, and which points rest on a surface."""

    # Defaults made without a check (model_construct): the classes' own defaults.
    pelvis: Pelvis = Pelvis.model_construct()
    spine: Spine = 0
    side_bend: Annotated[float, _human(-35, 35, "side bending of the spine (+ toward the right)")] = 0
    upper_back: Annotated[float, _human(-70, 45, "the upper back's own bend, added to the spine's at "
                                                  "the chest (- arches back)")] = field(
        default=0, metadata=_about("A bend at the upper back only: with the pelvis tipped, it draws "
        "the hollow under an arched low back while the shoulders stay down."))
    neck: Neck = 0
    back: Literal["natural", "straight"] = field(default="natural", metadata=_about(
        "(straight) the back drawn as one straight line from the hips to the back of the head: "
        "a trunk as deep at the chest as at the waist, a thick neck along the back, the head's "
        "back on the line (a standing hinge: the deep chest tipped forward read as a rounded back)."))
    left_shoulder: Annotated[Shoulder, _number_means("flex")] = Shoulder.model_construct()
    right_shoulder: Annotated[Shoulder, _number_means("flex")] = Shoulder.model_construct()
    left_elbow: Elbow = 0
    right_elbow: Elbow = 0
    left_hip: Annotated[Hip, _number_means("flex")] = Hip.model_construct()
    right_hip: Annotated[Hip, _number_means("flex")] = Hip.model_construct()
    left_knee: Knee = 0
    right_knee: Knee = 0
    left_ankle: Ankle = 0
    right_ankle: Ankle = 0
    reach: tuple[Reach, ...] = field(default=(), metadata=_about(
        "Hands and ankles placed on body points, each at most once.", max_length=len(REACH_PARTS)))
    contacts: Annotated[tuple[PointName, ...], Rule(after=_once_each)] = field(  # type: ignore[valid-type]
        default=(), metadata=_about("Points that rest on the floor, mat or a prop (tests check them), "
                                    "each once.", max_length=MAX_CONTACTS)
    )
    camera: Camera | None = field(default=None, metadata=_about(
        "This panel's own camera (omitted: the figure's): e.g. the lying figure 4's crossing "
        "seen from above, its pull from the side. Panels that share a camera share a scale."))


PROP_SIZES: dict[str, tuple[float, float, float]] = {
    "mat": (200, 70, 3), "step": (36, 40, 20), "chair": (44, 44, 46), "rail": (50, 4, 95),
    "towel": (3, 3, 3),
}


# What each kind of prop reads: a box (mat, step, chair, rail) is placed and sized; a towel
# runs from the hands round a body point. A field the kind does not read would be ignored
# without a word, so it is refused (a towel with no `around` was silently not drawn). Its
# default is let through: a record dumped with every field loads again.
BOX_PROPS = ("mat", "step", "chair", "rail")
_BOX_FIELDS = "x, z, width, depth and height"
_TOWEL_FIELDS = "around, toward, t and band"


def _towel_only(name: str, default: object = None) -> Rule:
    """``name`` is a towel's field: refused on a box, whose drawing never reads it."""
    def check(value: Any, data: Mapping[str, Any]) -> Any:
        kind = data.get("kind")
        if kind in BOX_PROPS and value != default:
            raise ValueError(f"a {kind} has no {name} (only a towel has {_TOWEL_FIELDS}); "
                             f"a {kind} is placed and sized by {_BOX_FIELDS}")
        if kind == "towel" and name == "around" and value is None:
            raise ValueError("a towel needs around: the body point it loops round, e.g. "
                             "around: right_knee (the hands hold its ends)")
        if kind == "towel" and name == "t" and value != default and data.get("toward", ...) is None:
            raise ValueError("t slides the loop from around toward the point named by "
                             "toward: give toward too, or leave t out")
        return value
    return Rule(after_with_data=check)


def _box_only(name: str, default: object = None) -> Rule:
    """``name`` places or sizes a box: refused on a towel, which runs from the hands."""
    def check(value: Any, data: Mapping[str, Any]) -> Any:
        if data.get("kind") == "towel" and value != default:
            raise ValueError(f"a towel has no {name}: it runs from the hands round the body "
                             f"point named by around (only a mat, step, chair or rail has "
                             f"{_BOX_FIELDS})")
        return value
    return Rule(after_with_data=check)


def _rail_rise(value: Any, data: Mapping[str, Any]) -> Any:
    if data.get("kind") != "rail" and value != 0:
        raise ValueError(f"a {data.get('kind')} has no rise: only a rail slopes (a stair's handrail)")
    return value


@record
class Prop(_Base):
    """A box the body can rest on (a mat, a low step, a chair seat with a back), a rail
    to hold (a wall rail, a stair's handrail rising with the steps, or a worktop's edge: its
    top is where a hand rests), or a towel: a strap drawn from the hands round ``around``
    (a body point)."""

    kind: Literal["mat", "step", "chair", "rail", "towel"]
    around: Annotated[PointName | None, _towel_only("around")] = field(  # type: ignore[valid-type]
        default=None, metadata=_about("towel (required): the body point it loops round (the hands "
        "hold its ends).", validate_default=True))
    toward: Annotated[PointName | None, _towel_only("toward")] = field(  # type: ignore[valid-type]
        default=None, metadata=_about("towel: slide the loop from `around` toward this point by `t` "
        "(round the middle of the thigh, not the knee)."))
    t: Annotated[float, _towel_only("t", 0)] = field(
        default=0, metadata={"ge": 0, "le": 1, "allow_inf_nan": False, "strict": True})
    band: Annotated[Literal["outline", "solid", "edged", "tapered"], _towel_only("band", "outline")] = field(
        default="outline", metadata=_about("towel: a grey outline with white inside; (solid) a grey "
        "band; (edged) a grey band with a dark edge; (tapered) a grey band narrow in each fist, "
        "widening to the loop round the limb."))
    x: Annotated[Position | PointName | None, _box_only("x")] = field(  # type: ignore[valid-type]
        default=None,
        metadata=_about("Centre along X, or a point of the start pose to centre under; "
                        "omitted, a mat spans both poses and other props stand at 0."),
    )
    z: Annotated[Position, _box_only("z", 0)] = 0
    width: Annotated[float | None, _box_only("width")] = field(
        default=None, metadata=_about("Along X.", gt=0, le=400, allow_inf_nan=False, strict=True))
    depth: Annotated[float | None, _box_only("depth")] = field(
        default=None, metadata=_about("Along Z.", gt=0, le=200, allow_inf_nan=False, strict=True))
    height: Annotated[float | None, _box_only("height")] = field(
        default=None, metadata={"gt": 0, "le": 120, "allow_inf_nan": False, "strict": True})
    # Only the drawing slopes: as something to rest on, the rail's box stays level at its
    # height, so a hand on a rising rail is placed by reach, not listed as a contact.
    rise: Annotated[float, Rule(after_with_data=_rail_rise)] = field(default=0, metadata=_about(
        "rail: the bar rises along X by this angle (a stair's handrail), its middle at `height`.",
        ge=-60, le=60, allow_inf_nan=False, strict=True))

    def size(self) -> tuple[float, float, float]:
        """(width, depth, height), the kind's defaults filling what is not given."""
        width, depth, height = PROP_SIZES[self.kind]
        return (self.width or width, self.depth or depth, self.height or height)


@record
class Inset(_Base):
    """A magnified detail drawn in every panel: the body round ``at`` enlarged in a circle
    beside it, with a ring round the place it shows and two lines joining them (the pelvic
    tilt's hollow under the low back, about a millimetre at card size)."""

    at: PointName = field(metadata=_about(  # type: ignore[valid-type]
        "The body point the detail shows; its place is the mean of the panels' (one place "
        "for every panel, so the change shows)."))
    shift: tuple[Offset, Offset] = field(default=(0, 0), metadata=_about(
        "Move the place shown by this much (x, y, body units), e.g. down to take in the floor."))
    radius: float = field(default=15, metadata=_about(
        "The radius of the place shown (body units).", ge=4, le=60, allow_inf_nan=False, strict=True))
    zoom: float = field(default=2.5, metadata=_about(
        "How many times larger the detail is drawn.", ge=1.2, le=5, allow_inf_nan=False, strict=True))
    offset: tuple[Position, Position] = field(default=(0, 60), metadata=_about(
        "Where the magnified circle's centre sits (x, y, body units from the place shown's centre): "
        "in the panel's empty space, clear of the body."))
    arrow: InsetArrow | tuple[InsetArrow, ...] = field(default="body", metadata=_about(
        "Where the last panel's arrow is drawn: on the body, in the magnified circle (at its "
        "own width, ending where it ends on the body), or both; a list gives each moving "
        "point's arrow its own place, in order (press in the circle, turn on the body)."))
    ground: InsetGround = field(default="line", metadata=_about(
        "What the body rests on, in the circle: a line (the top of the mat, else the floor), "
        "or that line with short slanted strokes under it (hatched, a drawing's sign for the "
        "ground), so a gap between the body and it reads as air."))

    def arrow_places(self, count: int) -> tuple[str, ...]:
        """Where each of ``count`` arrows is drawn, in the order of ``moving``."""
        return _kinds(self.arrow, count)


@record
class FigureSpec(_Base):
    """Everything needed to draw one exercise: the camera, two keyframes, props, what moves.

    It is drawn as two numbered panels, 1 the start and 2 the end with the movement arrow;
    ``easier`` may hold a second, smaller pair for the easier version.
    """

    camera: Camera = Camera.model_construct()
    layout: Literal["overlay", "panels"] = field(
        default="panels", metadata=_about("Kept so older pose data loads: every figure is now "
        "drawn as two numbered panels, start and end.")
    )
    start: Annotated[Keyframe, Rule(after_with_data=_view_fits)]
    middle: Annotated[Keyframe | None, Rule(after_with_data=_view_fits)] = field(
        default=None, metadata=_about("A middle position that matters, drawn as a third panel "
        "between start and end (a sequence, e.g. getting down to the floor)."))
    end: Annotated[Keyframe, Rule(after_with_data=_view_fits)]
    props: tuple[Prop, ...] = field(default=(), metadata=_about(
        "The mat, step, chair, rail or towel drawn with the body: a handful at most.",
        max_length=MAX_PROPS))
    floor: bool = True
    moving: Annotated[
        tuple[PointName, ...],  # type: ignore[valid-type]
        Rule(before=_one_or_more, short_form="string",
             max_length=2, after_with_data=lambda moving, data: _path_shows(moving, data),
             description="Point(s) whose path gets an arrow; a sequence with a "
             "middle position may have none (its numbers give the order)."),
    ]
    arrow: Annotated[ArrowKind | tuple[ArrowKind, ...],
                     Rule(after_with_data=lambda arrow, data: _arrow_fits_moving(arrow, data))] = field(
        default="outside",
        metadata=_about("Run the arrow outside or inside the moving part's sweep, point straight at its "
        "end, (lift) rise straight up from just over the part's end position, or (press) point "
        "straight down through the part to its underside (a low back pressing on the floor), or "
        "(reach) run on from the limb's tip, in line with it (an arm held out: reach long), "
        "or (tilt) curve round the part's far end the way it turns (the pelvis rocking: the tail "
        "bone curls up), or (turn) a short arc round the part itself, the way it turns (the pelvis "
        "tipping, beside a press at the low back). A list gives each moving point its own kind, "
        "in order (moving: [low_back, pelvis], arrow: [press, turn])."),
    )
    arrow_gap: float = field(default=0, metadata=_about(
        "Run an outside or inside arrow this much further off the moving part's sweep (body "
        "units), so it clears a limb beside the part (the lying figure 4's held shin and the "
        "crossed foot); stand a lift arrow this much further back toward the body's middle "
        "(the cobra's, clear of the head).", ge=0, le=40, allow_inf_nan=False, strict=True))
    highlight: PointName | None = field(  # type: ignore[valid-type]
        default=None, metadata=_about("A point the movement is about (e.g. low_back); kept so older "
        "pose data loads, and no longer drawn: an unexplained patch confused readers.")
    )
    emphasis: Annotated[
        tuple[LimbName, ...],
        Rule(before=_one_or_more, short_form="string",
             max_length=2, description="Limbs drawn in full ink even on the far side, "
             "e.g. the crossed leg of a figure-4 stretch; cased in white where they cross."),
    ] = ()
    touching: Annotated[
        tuple[Literal["left_leg", "right_leg"], ...],
        Rule(before=_one_or_more, short_form="string",
             max_length=2, description="Near legs whose foot rests on the far foot (the "
             "clamshell's feet together): the white casing that parts a near limb from what "
             "it crosses stops at the middle of the shin, so the feet touch with no white "
             "line between them."),
    ] = ()
    frame: tuple[PointName, ...] = field(  # type: ignore[valid-type]
        default=(), metadata=_about(
        "Points every panel is framed on (e.g. head, pelvis, knees): a closer view, scaled to "
        "fit them, the arrow and a margin, the body beyond cut at the panel's edge (the pelvic "
        "tilt's low back, small in a whole lying body). Empty: the whole figure.",
        max_length=len(POINTS)))
    inset: Inset | None = field(default=None, metadata=_about(
        "A magnified detail in every panel (a circle beside the body showing the place round "
        "a body point enlarged); the figure then spans the card, as one with a middle position."))
    easier: FigureSpec | None = field(
        default=None, metadata=_about("The easier version, where it is another position (its own "
        "camera, keyframes and props); drawn small beside the \"Too hard?\" line."))

    def arrow_kinds(self) -> tuple[str, ...]:
        """Each moving point's arrow kind, in the order of ``moving``."""
        return _kinds(self.arrow, len(self.moving))

    def spans_card(self) -> bool:
        """Three panels, or panels with a magnified detail: drawn across the whole card."""
        return self.middle is not None or self.inset is not None

    def __post_init__(self) -> None:
        if self.easier is not None and self.easier.easier is not None:
            raise ValueError("an easier version cannot have an easier version of its own")
        if self.easier is not None and self.easier.middle is not None:
            # Three panels in the small space beside "Too hard?" were 11 mm each (attack 4).
            raise ValueError("an easier version is drawn small beside \"Too hard?\": two panels, "
                             "start and end; leave out its middle")
        if self.inset is not None and not isinstance(self.inset.arrow, str) \
                and len(self.inset.arrow) != len(self.moving):
            raise ValueError(f"inset.arrow: a list gives one place per moving point, in order: "
                             f"{len(self.inset.arrow)} places for {len(self.moving)} moving point(s)")
        if not self.moving and self.middle is None:
            raise ValueError("moving: name the point whose path gets the arrow (only a sequence "
                             "with a middle position may leave it empty)")
        for frame in (self.start, self.middle, self.end):
            if frame is None:
                continue
            parts = [reach.part for reach in frame.reach]
            if len(parts) != len(set(parts)):
                raise ValueError("a hand or ankle can reach only one place per keyframe")


# A panel is scaled to fit its view of the body, so a keyframe's own camera that sees the
# body much smaller (from above a standing figure, end-on to a lying one) drew that panel
# 2 to 4 times the scale of the others: a dark blob (attack 3; the bundled views are at
# most 1x). And the arrow runs along the moving point's path as the last panel sees it: a
# last panel's own camera that sees it end-on left a bare head (the bundled: 77% or more
# of the path shows). Checked when pose data is read, not when code makes a record.
MAX_VIEW_ZOOM = 1.5
MIN_PATH_SHOWN = 0.5


_FRAMES = ("start", "middle", "end")


def _view_fits(frame: Keyframe | None, data: Mapping[str, Any]) -> Keyframe | None:
    """Every panel seen so far (this keyframe's and the ones before it), from the camera it
    is drawn with, shows its body at most MAX_VIEW_ZOOM times smaller than the figure's
    camera or another of those panels' cameras would: each panel gets the largest scale its
    box allows, so a view that makes the body small (a standing person from above) is drawn
    as a blob, whichever of the two cameras (the figure's or the keyframe's) is the odd one."""
    figure_camera = data.get("camera")
    if frame is None or not isinstance(figure_camera, Camera):
        return frame
    frames = [(name, data[name]) for name in _FRAMES if isinstance(data.get(name), Keyframe)]
    frames.append((next((name for name in _FRAMES if name not in data), "end"), frame))
    cameras = [frame_of.camera or figure_camera for _, frame_of in frames]
    if len({*cameras, figure_camera}) < 2:
        return frame
    for (name, shown), camera in zip(frames, cameras):
        alone = FigureSpec.model_construct(camera=figure_camera, start=shown, end=shown, moving=())
        points = solve(alone, shown)
        own = max(_extent(points, camera), 1e-9)
        zoom = max(_extent(points, other) for other in (*cameras, figure_camera)) / own
        if zoom > MAX_VIEW_ZOOM:
            whose = "its own camera" if shown.camera is not None else "the figure's camera"
            raise ValueError(
                f"{name}'s panel, seen from {whose}, shows the body {zoom:.1f} times smaller than "
                f"another panel's camera would, so it would be drawn {zoom:.1f} times larger "
                f"than the others; choose views nearer each other (at most {MAX_VIEW_ZOOM:g} "
                "times smaller)")
    return frame


def _path_shows(moving: tuple[str, ...], data: Mapping[str, Any]) -> tuple[str, ...]:
    """Moving points whose path the last panel's camera does not see end-on, when the
    panels have cameras of their own (one camera for every panel is the author's view)."""
    last, figure_camera = data.get("end"), data.get("camera")
    if not isinstance(last, Keyframe) or not isinstance(data.get("start"), Keyframe) \
            or not isinstance(figure_camera, Camera):
        return moving
    camera = last.camera or figure_camera
    others = [data[name].camera or figure_camera for name in ("start", "middle")
              if isinstance(data.get(name), Keyframe)]
    if all(other == camera for other in others):
        return moving
    spec = FigureSpec.model_construct(**{name: data[name] for name in
                                         ("camera", "start", "middle", "end", "props", "floor")
                                         if name in data}, moving=moving)
    for point in moving:
        path = [interpolate(spec, step / 8)[point] for step in range(9)]
        length = sum(math.dist(a, b) for a, b in zip(path, path[1:]))
        flat = [project(p, camera)[:2] for p in path]
        shown = sum(math.dist(a, b) for a, b in zip(flat, flat[1:]))
        if length > 1 and shown < MIN_PATH_SHOWN * length:
            whose = "own camera (end.camera)" if last.camera is not None else "camera (the figure's)"
            raise ValueError(
                f"the last panel's {whose} sees {point}'s movement end-on "
                f"(only {shown / length:.0%} of its path shows), so its arrow would be a bare "
                "head; turn that camera (yaw, pitch) to see the movement from the side")
    return moving


def _extent(points: Mapping[str, Vec], camera: Camera) -> float:
    """The diagonal of the body's outline as ``camera`` sees it."""
    flat = [project(point, camera) for point in points.values()]
    xs, ys = [p[0] for p in flat], [p[1] for p in flat]
    return math.hypot(max(xs) - min(xs), max(ys) - min(ys))


def _kinds(arrow: str | tuple[str, ...], count: int) -> tuple[str, ...]:
    return (arrow,) * count if isinstance(arrow, str) else arrow


def _arrow_fits_moving(arrow: str | tuple[str, ...], data: Mapping[str, Any]) -> str | tuple[str, ...]:
    moving = data.get("moving", ())
    if not isinstance(arrow, str) and len(arrow) != len(moving):
        raise ValueError(f"a list of arrow kinds gives one kind per moving point, in order: "
                         f"{len(arrow)} kinds for {len(moving)} moving point(s)")
    wrong = [point for point, kind in zip(moving, _kinds(arrow, len(moving)))
             if kind == "reach" and point not in REACH_POINTS]
    if wrong:
        raise ValueError(f"reach draws an arrow along an arm or a leg, so moving must be a "
                         f"point out along one (an elbow, hand, knee, ankle, heel or toe), "
                         f"not {wrong[0]!r}; use outside, lift or tilt for {wrong[0]!r}")
    return arrow


def solve(spec: FigureSpec, keyframe: Keyframe | Literal["start", "middle", "end"]) -> dict[str, Vec]:
    """World positions of every named point of ``keyframe``, resting on the props."""
    frame = getattr(spec, keyframe) if isinstance(keyframe, str) else keyframe
    return _place(spec, frame, tuple(frame.reach))


def interpolate(spec: FigureSpec, t: float) -> dict[str, Vec]:
    """The pose a fraction ``t`` of the way from start to end (angles blend linearly)."""
    blended = _blend(spec.start.model_dump(), spec.end.model_dump(), t)
    # Both ends are validated, so their blend is too: skip pydantic, this runs per arrow step.
    frame = _namespace(blended)
    return _place(spec, frame, tuple((spec.start if t < 0.5 else spec.end).reach))


def _namespace(value: object) -> object:
    if isinstance(value, dict):
        return SimpleNamespace(**{key: _namespace(item) for key, item in value.items()})
    return value


def panel_cameras(spec: FigureSpec) -> tuple[Camera, ...]:
    """Each panel's camera, in panel order (start, middle if any, end): the keyframe's own
    or the figure's."""
    frames = (spec.start, *((spec.middle,) if spec.middle is not None else ()), spec.end)
    return tuple(frame.camera or spec.camera for frame in frames)


def project(point: Vec, camera: Camera) -> Vec:
    """(screen x, screen y, depth toward the viewer) of a world point."""
    return project_point(point, camera.yaw, camera.pitch, camera.near == "left")


@lru_cache(maxsize=256)
def prop_boxes(spec: FigureSpec) -> tuple[tuple[str, Vec, Vec], ...]:
    """Each prop as (kind, low corner, high corner) in world coordinates."""
    start = _place(spec, spec.start, tuple(spec.start.reach), props=False)
    boxes = []
    for prop in spec.props:
        if prop.kind == "towel":  # a strap in the hands, not something to rest on
            continue
        width, depth, height = prop.size()
        x = prop.x
        if isinstance(x, str):
            x = start[x][0]
        elif x is None and prop.kind == "mat":
            end = _place(spec, spec.end, tuple(spec.end.reach), props=False)
            xs = [p[0] for p in (*start.values(), *end.values())]
            x = (min(xs) + max(xs)) / 2
            width = prop.width or max(xs) - min(xs) + 2 * LIMB_RADIUS + 24
        x = x or 0.0
        boxes.append((prop.kind, (x - width / 2, 0.0, prop.z - depth / 2),
                      (x + width / 2, height, prop.z + depth / 2)))
    return tuple(boxes)


def _blend(a: object, b: object, t: float) -> object:
    if isinstance(a, dict) and isinstance(b, dict):
        return {key: _blend(a[key], b[key], t) for key in a}
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return a + (b - a) * t
    if a is None or b is None:  # a free height against a fixed one: keep it free
        return None
    return a if t < 0.5 else b


def _place(spec: FigureSpec, frame: Keyframe | SimpleNamespace, reach: tuple[Reach, ...],
           props: bool = True) -> dict[str, Vec]:
    points = check_finite(pose_points(frame))
    # Feet first: a hand may hold a leg that a foot reach has just moved.
    for item in sorted(reach, key=lambda item: item.part.endswith("hand")):
        points = reach_target(points, item.part, item.to, item.toward, item.t, item.offset)
    if frame.pelvis.y is not None:
        return points
    boxes = [(low, high) for _, low, high in prop_boxes(spec)] if props else []
    dy = drop_offset(points, boxes)
    return {name: (x, y + dy, z) for name, (x, y, z) in points.items()}


