"""Geometry the figure tests measure with (the slow, obvious way; the engine has fast ones)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from generator.figures.kinematics import (CHAINS, HEAD_RADIUS, LIMB_RADIUS, TRUNK_POINTS, TRUNK_SAMPLES,
                                          TRUNK_SECTIONS, Vec, point_radius, surface_height)

# Where each spine point's own part of the trunk outline is.
_SECTIONS_AT = {"pelvis": ("hips",), "low_back": ("waist",), "chest": ("chest", "shoulders")}


def edges() -> list[tuple[str, str]]:
    return ([pair for chain in CHAINS.values() for pair in zip(chain, chain[1:])]
            + [("left_hip", "right_hip"), ("left_shoulder", "right_shoulder")])


def body_samples(points: dict[str, Vec], step: float = 4.0) -> Iterator[tuple[str, Vec, float]]:
    """Points along every segment with the body's radius there, the head, the trunk's outline."""
    for first, second in edges():
        a, b = points[first], points[second]
        count = max(1, math.ceil(math.dist(a, b) / step))
        for i in range(count + 1):
            t = i / count
            yield first, tuple(a[k] + (b[k] - a[k]) * t for k in range(3)), LIMB_RADIUS  # type: ignore[misc]
    yield "head", points["head"], HEAD_RADIUS
    for name in TRUNK_POINTS:
        yield name, points[name], 0.0


def clearance(point: Vec, radius: float, boxes: list[tuple[Vec, Vec]]) -> float:
    """Gap between the drawn outline around ``point`` and the surface under it (< 0: sunk)."""
    return point[1] - radius - surface_height(point[0], point[2], boxes)


def contact_gap(points: dict[str, Vec], name: str, boxes: list[tuple[Vec, Vec]]) -> float:
    """The gap under a named contact; for a spine point, under its part of the trunk."""
    gaps = [clearance(points[name], point_radius(name), boxes)]
    for section in _SECTIONS_AT.get(name, ()):
        gaps += [clearance(points[f"trunk_{section}_{i}"], 0.0, boxes) for i in range(TRUNK_SAMPLES)]
    return min(gaps)


def angle_between(a: Vec, b: Vec, c: Vec) -> float:
    """Angle ABC in degrees (180 for a straight limb)."""
    u = [a[i] - b[i] for i in range(3)]
    v = [c[i] - b[i] for i in range(3)]
    dot = sum(p * q for p, q in zip(u, v))
    norm = math.dist(a, b) * math.dist(c, b)
    return math.degrees(math.acos(max(-1.0, min(1.0, dot / norm))))


assert {section[0] for section in TRUNK_SECTIONS} >= {s for v in _SECTIONS_AT.values() for s in v}
