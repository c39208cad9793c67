"""A magnified detail (``inset:`` in pose data): a ring round a place on the body, two lines
to a circle beside it, and the place drawn larger in the circle, cut at its edge; the same
place in every panel, so the change between them shows (the pelvic tilt's hollow)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from reportlab.graphics.shapes import Circle, Group, Line, Polygon, PolyLine

from generator.figures.draw import FigureInks, panel_figure, panel_geometry
from generator.figures.scene import build_scene
from generator.figures.spec import FigureSpec
from generator.resources import default_pack

STYLES = yaml.safe_load((Path(__file__).resolve().parents[2] / "templates" / "styles.yaml")
                        .read_text(encoding="utf-8"))
INKS = FigureInks(**STYLES["figure"])
TILT = yaml.safe_load((default_pack() / "exercises" / "pelvic-tilt.yaml").read_text(encoding="utf-8"))["figure"]
INSET = {"at": "low_back", "shift": [-8, -8], "radius": 18, "zoom": 2.2, "offset": [-120, 19]}


def _spec(**update: object) -> FigureSpec:
    data = {key: value for key, value in TILT.items() if key not in ("inset", "frame")}
    data.update({"moving": ["low_back"], "arrow": "press", "inset": INSET})
    data.update(update)
    return FigureSpec.model_validate(data)


def _leaves(node: object) -> list[object]:
    out = []
    for shape in node.getContents():  # type: ignore[attr-defined]
        out += _leaves(shape) if isinstance(shape, Group) else [shape]
    return out


def _points(shape: object) -> list[tuple[float, float]]:
    if isinstance(shape, Circle):
        return [(shape.cx + dx * shape.r, shape.cy + dy * shape.r) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))]
    if isinstance(shape, Line):
        return [(shape.x1, shape.y1), (shape.x2, shape.y2)]
    flat = shape.points  # type: ignore[attr-defined]
    return list(zip(flat[::2], flat[1::2]))


def test_every_panel_shows_one_place_in_a_circle_that_the_box_holds() -> None:
    spec = _spec()
    scene = build_scene(spec)
    insets = [scene.inset(i) for i in range(len(scene.panels))]
    assert all(insets) and len({inset.source for inset in insets}) == 1  # one place in every panel
    inset = insets[0]
    assert inset.target_radius == pytest.approx(18 * 2.2)
    assert inset.target == pytest.approx((inset.source[0] - 120, inset.source[1] + 19))
    x0, y0, x1, y1 = scene.boxes[0]
    (cx, cy), r = inset.target, inset.target_radius
    assert x0 <= cx - r and x1 >= cx + r and y0 <= cy - r and y1 >= cy + r
    assert build_scene(_spec(inset=None)).inset(0) is None


@pytest.mark.parametrize(("width", "height"), [(482.0, 66.0), (227.0, None), (482.0, 40.0)])
def test_the_magnified_place_is_drawn_inside_its_circle_and_the_figure_inside_its_frame(
        width: float, height: float | None) -> None:
    spec = _spec()
    drawing = panel_figure(spec, width, INKS, height)
    geometry = panel_geometry(build_scene(spec), width, height)
    bx0, by0, bx1, by1 = drawing.getBounds()
    assert bx0 >= 0 and by0 >= 0 and bx1 <= width + 1e-6 and by1 <= geometry.height + 1e-6
    leaves = _leaves(drawing)
    white = colours = INKS.colour("paper")
    # The circles' white grounds: after each, the magnified marks up to the circle's outline.
    discs = [i for i, s in enumerate(leaves) if isinstance(s, Circle) and s.fillColor == white
             and s.strokeColor is None]
    grounds = sorted(discs, key=lambda i: -leaves[i].r)[:2]  # the largest white discs (the eyes are small)
    assert len(grounds) == 2 and leaves[grounds[1]].r > 4 * min(leaves[i].r for i in discs)
    for start in grounds:
        ground = leaves[start]
        end = next(i for i in range(start + 1, len(leaves)) if isinstance(leaves[i], Circle)
                   and leaves[i].fillColor is None and leaves[i].r == pytest.approx(ground.r))
        inside = leaves[start + 1:end]
        assert any(getattr(s, "fillColor", None) == INKS.colour("near") or
                   getattr(s, "strokeColor", None) == INKS.colour("near") for s in inside)
        for shape in inside:
            width_of = getattr(shape, "strokeWidth", 0) if getattr(shape, "strokeColor", None) is not None else 0
            reach = (shape.r if isinstance(shape, Circle) else 0) + width_of / 2
            for point in _points(shape):
                assert math.dist(point, (ground.cx, ground.cy)) <= ground.r + reach + 0.2, (shape, point)
    assert colours is white


def test_the_arrow_is_drawn_on_the_body_in_the_circle_or_both() -> None:
    arrow = INKS.colour("arrow")

    def arrows(where: str) -> tuple[int, int]:
        drawing = panel_figure(_spec(inset={**INSET, "arrow": where}), 482.0, INKS, 66.0)
        leaves = _leaves(drawing)
        ground = max((s for s in leaves if isinstance(s, Circle) and s.fillColor == INKS.colour("paper")
                      and s.strokeColor is None and s.cx > 241), key=lambda s: s.r)  # panel 2's circle
        shafts = [s for s in leaves if isinstance(s, PolyLine) and s.strokeColor == arrow]
        near = [s for s in shafts if all(math.dist(p, (ground.cx, ground.cy)) < ground.r for p in _points(s))]
        return len(shafts) - len(near), len(near)

    assert arrows("body") == (1, 0)
    assert arrows("circle") == (0, 1)
    assert arrows("both") == (1, 1)


@pytest.mark.parametrize(("field", "value"), [("zoom", 1.0), ("zoom", 6.0), ("radius", 2.0), ("radius", 80.0)])
def test_an_inset_out_of_range_is_refused(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        _spec(inset={**INSET, field: value})


def test_a_figure_with_an_inset_spans_the_card(resources: object) -> None:
    """Panels with a magnified detail are given the card's whole width, as three panels are."""
    from generator.i18n import Translator
    from generator.prescription import PrescribedExercise
    from generator.view import _exercise

    tilt = resources.pack.exercise("pelvic-tilt")  # type: ignore[attr-defined]
    wide = lambda e: _exercise(1, PrescribedExercise(e, e.dose), Translator())["figure_wide"]  # noqa: E731
    with_inset = tilt.model_copy(update={"figure": _spec()})
    without = tilt.model_copy(update={"figure": _spec(inset=None)})
    assert wide(with_inset) and not wide(without)


def test_the_lines_to_the_circle_touch_both_rings() -> None:
    from generator.figures.clipping import tangents

    a, ra, b, rb = (0.0, 0.0), 5.0, (50.0, 10.0), 20.0
    lines = tangents(a, ra, b, rb)
    assert len(lines) == 2
    for p, q in lines:
        assert math.dist(p, a) == pytest.approx(ra) and math.dist(q, b) == pytest.approx(rb)
        # Tangent: the line is at right angles to each radius it meets.
        d = (q[0] - p[0], q[1] - p[1])
        assert abs(d[0] * (p[0] - a[0]) + d[1] * (p[1] - a[1])) < 1e-6 * math.hypot(*d) * ra
    assert tangents(a, 30.0, (1.0, 0.0), 5.0) == []  # one circle holds the other


def test_a_polygon_is_cut_to_a_convex_window() -> None:
    from generator.figures.clipping import cut_convex, ring

    square = [(-10.0, -10.0), (10.0, -10.0), (10.0, 10.0), (-10.0, 10.0)]
    cut = cut_convex(square, ring((0.0, 0.0), 5.0))
    assert cut and all(math.hypot(*p) <= 5.0 + 1e-9 for p in cut)
    assert cut_convex(square, ring((40.0, 0.0), 5.0)) == []
    assert len(cut_convex([(-1.0, -1.0), (1.0, -1.0), (0.0, 1.0)], ring((0.0, 0.0), 5.0))) == 3
    assert isinstance(Polygon(), Polygon)


def test_each_arrow_may_have_its_own_place() -> None:
    """The pelvic tilt's press arrow in the circle and a turn arc on the body, or the other way."""
    arrow = INKS.colour("arrow")
    spec = _spec(moving=["low_back", "pelvis"], arrow=["press", "turn"], inset={**INSET, "arrow": ["circle", "body"]})
    drawing = panel_figure(spec, 482.0, INKS, 66.0)
    shafts = [s for s in _leaves(drawing) if isinstance(s, PolyLine) and s.strokeColor == arrow]
    assert len(shafts) == 2
    with pytest.raises(ValueError, match="one place per moving point"):
        _spec(inset={**INSET, "arrow": ["circle", "body"]})


def test_what_the_body_rests_on_is_one_line_in_the_circle() -> None:
    """Round 327: the mat's outline and the floor line, two lines in the circle, read as "a
    step or a towel"; the circle draws one line, the top of the mat under the place shown."""
    spec = _spec()
    drawing = panel_figure(spec, 482.0, INKS, 66.0)
    leaves = _leaves(drawing)
    paper, prop = INKS.colour("paper"), INKS.colour("prop")
    ground = max((i for i, s in enumerate(leaves) if isinstance(s, Circle) and s.fillColor == paper
                  and s.strokeColor is None and s.cx < 241), key=lambda i: leaves[i].r)
    end = next(i for i in range(ground + 1, len(leaves)) if isinstance(leaves[i], Circle)
               and leaves[i].fillColor is None)
    inside = leaves[ground + 1:end]
    assert not [s for s in inside if isinstance(s, Polygon) and s.strokeColor == prop]  # no mat outline
    lines = [s for s in inside if isinstance(s, PolyLine) and s.strokeColor == prop]
    assert len(lines) == 1 and len({round(y, 1) for _, y in _points(lines[0])}) == 1  # one level line
    scene = build_scene(spec)
    inset, scale = scene.inset(0), panel_geometry(scene, 482.0, 66.0).scales[0]
    mat_top = max(p[1] for m in scene.panels[0] if m.kind == "prop" for p in m.points)
    dy = panel_geometry(scene, 482.0, 66.0).dys[0]
    assert _points(lines[0])[0][1] == pytest.approx(inset.magnified((0.0, mat_top))[1] * scale + dy, abs=0.2)


def test_the_ground_in_the_circle_may_be_hatched_under_its_line() -> None:
    """Session 10: "the circle's content an abstract dark blob with a wedge cut out"; with
    ``ground: hatched`` short slanted strokes under the line (a drawing's sign for the
    ground) say what the body rests on, inside the circle and below the line; the plain
    line stays the default."""
    prop = INKS.colour("prop")

    def inside(ground: str) -> tuple[list[PolyLine], Circle]:
        leaves = _leaves(panel_figure(_spec(inset={**INSET, "ground": ground}), 482.0, INKS, 66.0))
        start = max((i for i, s in enumerate(leaves) if isinstance(s, Circle) and s.fillColor == INKS.colour("paper")
                     and s.strokeColor is None and s.cx < 241), key=lambda i: leaves[i].r)
        end = next(i for i in range(start + 1, len(leaves)) if isinstance(leaves[i], Circle)
                   and leaves[i].fillColor is None)
        return [s for s in leaves[start + 1:end] if isinstance(s, PolyLine) and s.strokeColor == prop], leaves[start]

    plain, _ = inside("line")
    assert len(plain) == 1
    hatched, disc = inside("hatched")
    line = next(s for s in hatched if len({round(y, 1) for _, y in _points(s)}) == 1)
    level = _points(line)[0][1]
    strokes = [s for s in hatched if s is not line]
    assert len(strokes) >= 5  # whole strokes only: none cut at the circle's edge
    for stroke in strokes:
        points = _points(stroke)
        assert all(y <= level + 0.01 for _, y in points)
        assert all(math.dist(p, (disc.cx, disc.cy)) <= disc.r + 0.01 for p in points)
        assert stroke.strokeWidth < line.strokeWidth  # thinner than the line itself
    with pytest.raises(ValueError, match="ground"):
        _spec(inset={**INSET, "ground": "grass"})
