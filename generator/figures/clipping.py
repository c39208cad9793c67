"""Cutting flat marks to a window: a framed panel's edge (a box) or a magnified detail's
circle, and the lines that join two circles. Plain geometry on points, no drawing."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .scene import Mark

__all__ = ["Window", "cut_box", "cut_convex", "cut_round", "ring", "tangents"]

Window = tuple[float, float, float, float]  # x0, y0, x1, y1
CIRCLE_SIDES = 32  # a magnified circle is cut as a polygon of this many sides


def tangents(a: tuple[float, float], ra: float, b: tuple[float, float],
             rb: float) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The two outer tangent lines of two circles (none when one holds the other)."""
    d = math.dist(a, b)
    if d <= abs(rb - ra) + 1e-6:
        return []
    ux, uy = (b[0] - a[0]) / d, (b[1] - a[1]) / d
    cos = (ra - rb) / d
    sin = math.sqrt(max(0.0, 1 - cos * cos))
    lines = []
    for sign in (1, -1):
        nx, ny = ux * cos - sign * uy * sin, uy * cos + sign * ux * sin
        lines.append(((a[0] + nx * ra, a[1] + ny * ra), (b[0] + nx * rb, b[1] + ny * rb)))
    return lines


def ring(centre: tuple[float, float], radius: float, sides: int = CIRCLE_SIDES) -> list[tuple[float, float]]:
    """A circle as a counter-clockwise polygon of ``sides`` corners."""
    return [(centre[0] + radius * math.cos(math.tau * i / sides), centre[1] + radius * math.sin(math.tau * i / sides))
            for i in range(sides)]


def cut_round(mark: Mark, points: list[tuple[float, float]], centre: tuple[float, float], radius: float,
               scale: float) -> list[list[tuple[float, float]] | tuple[tuple[float, float], ...]]:
    """As ``cut_box``, for a round window (the magnified circle): a line or band cut into the
    runs inside, each cut end squared off at the circle; a shape or a disc cut to it."""
    reach = mark.radius * scale
    inner = radius - reach
    outline = ring(centre, radius)
    if inner <= 0:
        return []
    if all(math.dist(p, centre) <= inner for p in points):
        return [points]
    if mark.kind in ("head", "hand", "eye"):
        (cx, cy), r = points[0], mark.radius * scale
        inside = cut_convex(ring((cx, cy), r, 24), outline)
        return [inside] if len(inside) >= 3 else []
    if mark.kind in ("trunk", "nose", "prop"):
        inside = cut_convex(points, ring(centre, inner))
        return [inside] if len(inside) >= 3 else []
    return _cut_line(points, lambda a, b: _segment_in_circle(a, b, centre, inner), reach, 4 * radius,
                     lambda strip: cut_convex(strip, outline))


def _segment_in_circle(a: tuple[float, float], b: tuple[float, float], centre: tuple[float, float],
                       radius: float) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the segment a-b inside the circle, or None."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    fx, fy = a[0] - centre[0], a[1] - centre[1]
    qa, qb, qc = dx * dx + dy * dy, 2 * (fx * dx + fy * dy), fx * fx + fy * fy - radius * radius
    if qa == 0:
        return (a, b) if qc <= 0 else None
    disc = qb * qb - 4 * qa * qc
    if disc <= 0:
        return None
    root = math.sqrt(disc)
    low, high = max(0.0, (-qb - root) / (2 * qa)), min(1.0, (-qb + root) / (2 * qa))
    if low >= high:
        return None
    at = lambda t: (a[0] + dx * t, a[1] + dy * t)  # noqa: E731
    return (a if low == 0 else at(low), b if high == 1 else at(high))


def cut_convex(points: list[tuple[float, float]], window: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A polygon cut to a convex, counter-clockwise ``window`` (Sutherland-Hodgman)."""
    for (x0, y0), (x1, y1) in zip(window, window[1:] + window[:1]):
        if not points:
            break
        side = lambda p: (x1 - x0) * (p[1] - y0) - (y1 - y0) * (p[0] - x0)  # noqa: E731
        kept = []
        for a, b in zip(points[-1:] + points[:-1], points):
            sa, sb = side(a), side(b)
            if sb >= 0:
                if sa < 0:
                    kept.append(_meet(a, b, sa, sb))
                kept.append(b)
            elif sa >= 0:
                kept.append(_meet(a, b, sa, sb))
        points = kept
    return points


def _meet(a: tuple[float, float], b: tuple[float, float], sa: float, sb: float) -> tuple[float, float]:
    t = sa / (sa - sb)
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def cut_box(mark: Mark, points: list[tuple[float, float]], window: Window,
            scale: float) -> list[list[tuple[float, float]] | tuple[tuple[float, float], ...]]:
    """The parts of a mark inside ``window`` (x0, y0, x1, y1), its stroke or disc included:
    a line or a band cut into the runs inside, each cut end squared off at the window's
    edge (a filled strip: a list is drawn as the mark, a tuple filled in its ink); a shape
    cut to the window's edge; a disc kept whole, cut to a polygon or dropped."""
    reach = mark.radius * scale  # a stroke's half width, or a disc's radius
    x0, y0, x1, y1 = window[0] + reach, window[1] + reach, window[2] - reach, window[3] - reach
    if x0 >= x1 or y0 >= y1:
        return []
    if all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points):
        return [points]
    if mark.kind in ("head", "hand", "eye"):
        (cx, cy), radius = points[0], mark.radius * scale
        disc = [(cx + radius * math.cos(a * math.pi / 12), cy + radius * math.sin(a * math.pi / 12))
                for a in range(24)]
        inside = _cut_polygon(disc, window)
        return [inside] if len(inside) >= 3 else []
    if mark.kind in ("trunk", "nose", "prop"):
        inside = _cut_polygon(points, (x0, y0, x1, y1))
        return [inside] if len(inside) >= 3 else []
    inner = (x0, y0, x1, y1)
    return _cut_line(points, lambda a, b: _cut_segment(a, b, inner), reach,
                     4 * reach + (window[2] - window[0]) + (window[3] - window[1]),
                     lambda strip: _cut_polygon(strip, window))


def _cut_segment(a: tuple[float, float], b: tuple[float, float],
                 window: Window) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the segment a-b inside ``window`` (Liang-Barsky), or None."""
    low, high = 0.0, 1.0
    dx, dy = b[0] - a[0], b[1] - a[1]
    for p, q in ((-dx, a[0] - window[0]), (dx, window[2] - a[0]), (-dy, a[1] - window[1]), (dy, window[3] - a[1])):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
    if low > high:
        return None
    at = lambda t: (a[0] + dx * t, a[1] + dy * t)  # noqa: E731
    return (a if low == 0 else at(low), b if high == 1 else at(high))


def _cut_polygon(points: list[tuple[float, float]], window: Window) -> list[tuple[float, float]]:
    """A convex or simple polygon cut to ``window`` (Sutherland-Hodgman)."""
    x0, y0, x1, y1 = window
    edges = ((lambda p: p[0] >= x0, 0, x0), (lambda p: p[0] <= x1, 0, x1),
             (lambda p: p[1] >= y0, 1, y0), (lambda p: p[1] <= y1, 1, y1))
    for inside, axis, value in edges:
        if not points:
            break
        kept = []
        for a, b in zip(points[-1:] + points[:-1], points):
            if inside(b):
                if not inside(a):
                    kept.append(_crossing(a, b, axis, value))
                kept.append(b)
            elif inside(a):
                kept.append(_crossing(a, b, axis, value))
        points = kept
    return points


def _crossing(a: tuple[float, float], b: tuple[float, float], axis: int, value: float) -> tuple[float, float]:
    t = (value - a[axis]) / (b[axis] - a[axis])
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


Segment = tuple[tuple[float, float], tuple[float, float]]


def _cut_line(points: list[tuple[float, float]], cut_segment: Callable[[tuple[float, float], tuple[float, float]],
              Segment | None], reach: float, long: float,
              cut_shape: Callable[[list[tuple[float, float]]], list[tuple[float, float]]],
              ) -> list[list[tuple[float, float]] | tuple[tuple[float, float], ...]]:
    """A line or band ``reach`` wide cut into the runs ``cut_segment`` keeps, each cut end
    squared off: past it, where its round cap would run over the edge, a square strip
    ``long`` long cut by ``cut_shape`` to the window (a list is drawn as the mark, a tuple
    filled in its ink)."""
    runs: list[list[tuple[float, float]]] = []
    ends: list[tuple[tuple[float, float], tuple[float, float]]] = []  # (cut end, the way out)
    for a, b in zip(points, points[1:]):
        part = cut_segment(a, b)
        if part is None:
            continue
        if part[0] is not a:
            ends.append((part[0], (a[0] - b[0], a[1] - b[1])))
        if part[1] is not b:
            ends.append((part[1], (b[0] - a[0], b[1] - a[1])))
        if runs and runs[-1][-1] == part[0]:
            runs[-1].append(part[1])
        else:
            runs.append(list(part))
    strips = []
    for (ex, ey), (dx, dy) in ends:
        norm = math.hypot(dx, dy) or 1.0
        ux, uy = dx / norm, dy / norm
        strip = [(ex - uy * reach, ey + ux * reach), (ex + uy * reach, ey - ux * reach),
                 (ex + uy * reach + ux * long, ey - ux * reach + uy * long),
                 (ex - uy * reach + ux * long, ey + ux * reach + uy * long)]
        inside = cut_shape(strip)
        if len(inside) >= 3:
            strips.append(tuple(inside))
    # Cut points to a hundredth of a point (0.04 px at 300 dpi): ReportLab writes seven
    # digits, and the default handout has a byte budget (60,000).
    return [*([_hundredths(p) for p in run] for run in runs),
            *(tuple(_hundredths(p) for p in strip) for strip in strips)]


def _hundredths(point: tuple[float, float]) -> tuple[float, float]:
    return (round(point[0], 2), round(point[1], 2))
