"""A figure as flat 2-D marks in body units: what to draw, in which order and tone.

The step between the skeleton (``pose``) and ReportLab (``figures``): it projects both
keyframes, the props and the motion arrows, and knows nothing of PDF or colours.
A tone is a fraction of the ink: 1 is solid, small numbers are light tints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from .pose import FigureSpec, interpolate, project, prop_boxes, solve
from .skeleton import CHAINS, HEAD_RADIUS, LIMB_RADIUS, TORSO, Vec, point_radius

Point = tuple[float, float]

# Tones (fraction of ink). The faded start must stay lighter than the far limbs of the
# end pose, or in greyscale the two poses blur into one.
END_NEAR, END_FAR, START_NEAR, START_FAR = 1.0, 0.55, 0.3, 0.22
ARROW_WIDTH = 0.42  # of the limb width: clearly a sign, not a limb
ARROW_GAP = LIMB_RADIUS + 5.0  # arrows run this far outside the moving point
MIN_ARROW = 26.0
HEAD_CLEAR = HEAD_RADIUS + 3 * LIMB_RADIUS * ARROW_WIDTH  # an arrow's path keeps this far from a head
LIFT_GAP = 9.0  # from a lifted part's outline to the tail of its lift arrow (casing included)
PANEL_GAP = 34.0
CASING = 2.0  # the white edge around an emphasised limb
ARROW_STEPS = 10  # samples along the path: smooth enough at handout sizes


@dataclass(frozen=True)
class Mark:
    """One thing to draw: a stroked polyline, a filled disc or polygon, or an arrow."""

    kind: str  # "limb", "casing", "torso", "head", "prop", "floor", "arrow", "halo", "chevron"
    points: tuple[Point, ...]
    tone: float = 1.0
    radius: float = LIMB_RADIUS  # half the stroke width, or the disc radius


@dataclass(frozen=True)
class Scene:
    """Marks in drawing order, and the box (x0, y0, x1, y1) they cover."""

    marks: tuple[Mark, ...]
    box: tuple[float, float, float, float]
    floor_y: float | None


@lru_cache(maxsize=128)
def build_scene(spec: FigureSpec) -> Scene:
    """Project ``spec`` into marks; cached because FigureSpec is frozen and hashable."""
    start, end = solve(spec, "start"), solve(spec, "end")
    flat = lambda points: {name: _flat(spec, p) for name, p in points.items()}  # noqa: E731
    start2, end2 = flat(start), flat(end)
    props = _prop_marks(spec)
    floor_y = _floor_y(spec)
    arrows = _arrow_marks(spec, end2, (end2["head"][:2],))
    halo: tuple[Mark, ...] = ()
    if spec.highlight is not None:
        halo = (_halo(spec.highlight, end2),)
    if spec.layout == "panels":
        shift = _extent(list(start2.values()) + list(end2.values()))
        dx = shift[2] - shift[0] + PANEL_GAP
        moved = {name: (p[0] + dx, p[1], p[2]) for name, p in end2.items()}
        marks = (props + _body_marks(start2, START_NEAR * 2.5, START_FAR * 2.5, spec.emphasis)
                 + _shifted(props + halo, dx) + _body_marks(moved, END_NEAR, END_FAR, spec.emphasis)
                 + _shifted(arrows, dx) + (_chevron(shift),))
    else:
        marks = (props + halo + _body_marks(start2, START_NEAR, START_FAR, spec.emphasis)
                 + _body_marks(end2, END_NEAR, END_FAR, spec.emphasis) + arrows)
    return Scene(marks, _mark_box(marks), floor_y)


def _halo(name: str, points: dict[str, Vec]) -> Mark:
    """A wide pale band under a body part (the low back: along the lumbar spine)."""
    if name == "low_back":
        chest, low = points["chest"], points["low_back"]
        upper = tuple((low[i] + chest[i]) / 2 for i in range(2))
        path = (points["pelvis"][:2], low[:2], upper)
    else:
        path = (points[name][:2], points[name][:2])
    return Mark("halo", path, 1.0, LIMB_RADIUS + 5)


def _flat(spec: FigureSpec, point: Vec) -> Vec:
    return project(point, spec.camera)


def _extent(points: list[Vec]) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _body_marks(points: dict[str, Vec], near_tone: float, far_tone: float,
                emphasis: tuple[str, ...] = ()) -> tuple[Mark, ...]:
    """Limbs far-to-near; a side clearly behind the other gets the lighter tone.

    An emphasised limb keeps the near tone wherever it is, is drawn over the other limbs
    and is cased in white, so it stays distinct where it rests across them (the crossed
    leg of a figure 4).
    """
    roots = ("left_hip", "right_hip", "left_shoulder", "right_shoulder")
    # Trunk and head sit at the body's mid-depth, between the two sides.
    mid = sum(points[p][2] for p in roots) / 4
    items: list[tuple[bool, float, tuple[Mark, ...]]] = []
    for quad in TORSO:
        items.append((False, mid, (Mark("torso", tuple(points[p][:2] for p in quad), near_tone),)))
    for name, chain in CHAINS.items():
        if name == "trunk":  # inside the torso quads
            continue
        side = name.split("_")[0]
        tone, depth = near_tone, mid
        if side in ("left", "right"):
            other = "right" if side == "left" else "left"
            root = "hip" if name.endswith("leg") else "shoulder"
            if points[f"{side}_{root}"][2] < points[f"{other}_{root}"][2] - 4 and name not in emphasis:
                tone = far_tone
            depth = sum(points[p][2] for p in chain) / len(chain)
        line = tuple(points[p][:2] for p in chain)
        marks = (Mark("limb", line, tone),)
        if name in emphasis:
            marks = (Mark("casing", line, 1.0, LIMB_RADIUS + CASING),) + marks
        items.append((tone == far_tone, depth + (1000 if name in emphasis else 0), marks))
    items.append((False, mid, (Mark("head", (points["head"][:2],), near_tone, HEAD_RADIUS),)))
    ordered = sorted(items, key=lambda item: (not item[0], item[1]))
    return tuple(mark for _, _, marks in ordered for mark in marks)


def _prop_marks(spec: FigureSpec) -> tuple[Mark, ...]:
    marks = []
    for kind, low, high in prop_boxes(spec):
        for box_low, box_high in _prop_parts(kind, low, high):
            corners = [(x, y, z) for x in (box_low[0], box_high[0]) for y in (box_low[1], box_high[1])
                       for z in (box_low[2], box_high[2])]
            hull = _hull([_flat(spec, c)[:2] for c in corners])
            marks.append(Mark("prop", tuple(hull), 0.0, 1.2))
    if spec.floor and _floor_y(spec) is not None:
        marks.insert(0, Mark("floor", (), 0.0, 1.5))
    return tuple(marks)


def _prop_parts(kind: str, low: Vec, high: Vec) -> list[tuple[Vec, Vec]]:
    """A chair is a seat slab, a back and legs; other props are one box."""
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


def _floor_y(spec: FigureSpec) -> float | None:
    """Screen height of the floor line; None when seen from above (the mat shows it)."""
    if not spec.floor or spec.camera.pitch > 12:
        return None
    return _flat(spec, (0.0, 0.0, 0.0))[1]


def _arrow_marks(spec: FigureSpec, end2: dict[str, Vec], heads: tuple[Point, ...]) -> tuple[Mark, ...]:
    centre = _centroid([p[:2] for p in end2.values()])
    marks = []
    frames = [interpolate(spec, i / ARROW_STEPS) for i in range(ARROW_STEPS + 1)]
    floor = _floor_y(spec)
    for name in spec.moving:
        if spec.arrow == "lift":
            marks.append(Mark("arrow", _lift_path(end2[name][:2], point_radius(name)), 1.0,
                              LIMB_RADIUS * ARROW_WIDTH))
            continue
        path = _arrow_path([_flat(spec, frame[name])[:2] for frame in frames], centre, spec.arrow,
                           ARROW_GAP + 2 * (point_radius(name) - LIMB_RADIUS))
        if floor is not None:  # an arc swept out from a hand on the floor must not dip under it
            path = [(x, max(y, floor + ARROW_GAP / 2)) for x, y in path]
        path = _clear_of(path, heads, HEAD_CLEAR)
        marks.append(Mark("arrow", tuple(path), 1.0, LIMB_RADIUS * ARROW_WIDTH))
    return tuple(marks)


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
    """Cut ``amount`` off the start so the arrow does not begin on the faded limb."""
    while len(path) > 2 and math.dist(path[0], path[1]) < amount:
        amount -= math.dist(path[0], path[1])
        path = path[1:]
    return path


def _chevron(extent: tuple[float, float, float, float]) -> Mark:
    x = extent[2] + PANEL_GAP / 2
    y = (extent[1] + extent[3]) / 2
    return Mark("chevron", ((x - 5, y + 9), (x + 5, y), (x - 5, y - 9)), 1.0, LIMB_RADIUS * ARROW_WIDTH)


def _shifted(marks: tuple[Mark, ...], dx: float) -> tuple[Mark, ...]:
    return tuple(Mark(m.kind, tuple((x + dx, y) for x, y in m.points), m.tone, m.radius) for m in marks)


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
