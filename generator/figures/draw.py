"""Exercise figures as ReportLab vector drawings: two numbered panels, start and end.

Pictogram style: thick round-capped strokes, a head with a nose on a neck, hands as
knobs. One tone rule in every drawing: the near side's limbs, the trunk and the head in
the near ink, the far side's limbs in a lighter far ink, the movement in an accent
colour, props as grey outlines. The inks come from the ``figure:`` section of
``templates/styles.yaml``. The layout asks for a width; the figure decides its height,
never more than half the width.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect
from reportlab.lib import colors
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from ..cache import cached_result
from ..images import print_ready
from ..layout.replay import replayed_figure
from .clipping import cut_box, cut_round, tangents
from .kinematics import FigureBug
from .spec import FigureSpec

if TYPE_CHECKING:
    from ..model import Exercise
    from .scene import Inset, Mark, Scene

__all__ = ["DRAWINGS", "FigureBug", "FigureInks", "MAX_HEIGHT", "check_operators", "exercise_figure",
           "floor_transfer_figure", "floor_transfer_spec", "panel_figure", "panel_geometry"]

Variant = Literal["main", "easier"]
MAX_HEIGHT = 0.5  # of the width (the contract with the layout is at most 0.5): a card can budget for it
MARGIN = 0.04  # of a panel's width, kept clear all round
PANEL_GAP = 0.04  # of the figure's width, between the panels
BADGE = 0.075  # the panel number's disc, of the figure's width (at least MIN_BADGE points)
MIN_BADGE = 12.0
PANEL_RULE = 0.75  # points: the outline of each panel


@dataclass(frozen=True)
class FigureInks:
    """The figure's colours, by role (``figure:`` in styles.yaml), as #rrggbb."""

    near: str
    far: str
    arrow: str
    prop: str
    number: str

    def colour(self, role: str) -> colors.Color:
        """The colour for a mark's ink role (``paper`` is the page's white)."""
        return colors.white if role == "paper" else colors.HexColor(getattr(self, role))


class _Figure(Drawing):
    """A Drawing whose PDF operators are made once per process and replayed on every page.

    A figure is pure vector graphics with no text, images or other page resources, so
    its operators do not depend on the document: rendering them again for every handout
    was a tenth of a build. They are made on a scratch canvas whose font is the drawing's
    own, so ReportLab's renderer emits no setFont (which would pull an unembedded
    Helvetica into the PDF).
    """

    _operators: str | None = None

    def draw(self, showBoundary: object = None) -> None:  # noqa: D102, N803
        if self._operators is None:
            self._operators = _operators_of(self)
        self.canv.addLiteral(self._operators)


def _operators_of(drawing: Drawing) -> str:
    from reportlab.graphics import renderPDF
    from reportlab.pdfgen.canvas import Canvas

    scratch = Canvas(io.BytesIO())
    drawing.initialFontName, drawing.initialFontSize = scratch._fontname, scratch._fontsize
    renderPDF.draw(drawing, scratch, 0, 0)
    # The renderer sets the font around groups even with no text in them: drop those, as
    # they name the scratch document's font.
    operators = "\n".join(line for line in scratch._code if not _SET_FONT.fullmatch(line))
    if "/" in operators:  # a named resource (font, image, transparency): not replayable
        raise ValueError("a figure's drawing refers to page resources and cannot be replayed")
    check_operators(operators)
    return operators


_SET_FONT = re.compile(r"BT /\S+ [\d.]+ Tf [\d.]+ TL ET")
_NOT_A_NUMBER = re.compile(r"(?i)(?<![a-z])-?(nan|inf)")


def check_operators(operators: str) -> None:
    """The guard at the drawing layer: no NaN or infinity reaches a PDF operator.

    Poppler drops the rest of a page after a ``-nan`` operator, steps and dose included,
    so this is checked on every figure and raised as a bug, not a user error.
    """
    found = _NOT_A_NUMBER.search(operators)
    if found:
        raise FigureBug(f"a figure's PDF operators contain {found.group(0)!r}: "
                        "a number that is not finite reached the drawing")


def _finite(*values: float) -> None:
    if not all(math.isfinite(value) for value in values):
        raise FigureBug(f"a figure's size or position is not finite: {values}")


def exercise_figure(exercise: Exercise, width: float, inks: FigureInks,
                    variant: Variant = "main", max_height: float | None = None) -> Flowable | None:
    """The exercise's figure ``width`` points wide, its height at most half that and at
    most ``max_height`` (a figure across a whole card is kept low).

    ``main``: the numbered start and end panels, the exercise's own picture, or an empty
    slot. ``easier``: the easier version's panels, or None when it has none drawn.
    """
    width = float(width)
    height = width * MAX_HEIGHT if max_height is None else min(float(max_height), width * MAX_HEIGHT)
    _finite(width, height)
    if variant == "easier":
        if exercise.figure is None or exercise.figure.easier is None:
            return None
        return _replayed(exercise.figure.easier, width, inks, height)
    if exercise.figure is not None:
        return _replayed(exercise.figure, width, inks, height)
    if exercise.image is not None:
        return _FramedImage(Path(exercise.image), width, height * 0.8)
    return _empty_slot(width, height * 0.6, inks)


FLOOR_TRANSFER = Path(__file__).with_name("floor-transfer.yaml")


@lru_cache(maxsize=1)
def floor_transfer_spec() -> FigureSpec:
    """The pose data of getting down to the floor (``floor-transfer.yaml``), checked once
    for these bytes and then kept in the disk cache, as a pack is (a cached build neither
    parses YAML nor builds a validator)."""
    raw = FLOOR_TRANSFER.read_bytes()
    return cached_result("figure-spec", f"{FLOOR_TRANSFER}\n", raw, lambda: _checked_spec(raw))


def _checked_spec(raw: bytes) -> FigureSpec:
    import yaml  # only when the cache has not seen these bytes

    return FigureSpec.model_validate(yaml.safe_load(raw.decode("utf-8")))


def floor_transfer_figure(width: float, inks: FigureInks) -> Flowable:
    """Getting down to the floor, ``width`` points wide (its height at most half that):
    three numbered panels, kneeling on one knee at a chair, on hands and knees, lying on
    the side."""
    width = float(width)
    _finite(width)
    return _replayed(floor_transfer_spec(), width, inks, width * MAX_HEIGHT)


DRAWINGS: dict[str, Callable[[float, FigureInks], Flowable]] = {"floor-transfer": floor_transfer_figure}
"""The drawings that are not an exercise's, by the name a template gives them
(``<figure drawing="floor-transfer"/>``)."""


def _replayed(spec: FigureSpec, width: float, inks: FigureInks, height: float) -> Flowable:
    """``panel_figure``'s drawing, drawn once (then kept in memory and on disk) and given
    to each handout as a flowable of its own (layout/replay.py): a shared Drawing holds
    the canvas it is drawn on, so threads building at once must not share one."""

    if spec.inset is not None and width < INSET_MIN_WIDTH:  # a thumbnail: no magnified detail
        spec = spec.model_copy(update={"inset": None})

    def draw() -> tuple[float, float, str]:
        drawing = panel_figure(spec, width, inks, height)
        return float(drawing.width), float(drawing.height), _operators_of(drawing)

    # The height enters the key only where it limits the figure: the keys (and the disk
    # cache) of figures at most half as tall as wide are as before.
    limit = "" if height == width * MAX_HEIGHT else f" {height!r}"
    return replayed_figure(f"panels {_spec_text(spec)} {width!r}{limit} {inks!r}", draw)


# repr() of a figure's whole pose data, once per spec (a frozen model: hashing it is a
# fifteenth of the repr's cost): it was 2% of a warm build, for sixteen figures.
_spec_text = lru_cache(maxsize=256)(repr)


@dataclass(frozen=True)
class PanelGeometry:
    """Where the panels sit in a figure: the panel size, each panel's left edge, the
    badge's radius, and each panel's scene (scale, dx, dy) inside it: panels that share a
    camera share a scale."""

    panel_width: float
    lefts: tuple[float, ...]
    badge: float
    scales: tuple[float, ...]
    dxs: tuple[float, ...]
    dys: tuple[float, ...]
    height: float


def panel_geometry(scene: Scene, width: float, height: float | None = None) -> PanelGeometry:
    """The panels laid out in ``width``: as large as they fit, at most ``height`` tall
    (by default, and at most, half the width).

    Each camera's view gets the largest scale that fits its box; a view shorter than the
    tallest sits in the middle of the space under the number."""
    count = len(scene.panels)
    limit = width * MAX_HEIGHT if height is None else min(height, width * MAX_HEIGHT)
    gap = PANEL_GAP * min(width, 2 * limit)
    panel_width = (width - gap * (count - 1)) / count
    margin = MARGIN * panel_width
    badge = max(MIN_BADGE, BADGE * min(width, 3 * limit)) / 2  # a low, wide figure: a badge of its height
    # The number sits above the drawing; in a low, wide figure it sits beside it, so the
    # drawing gets the whole height.
    beside = limit < width * MAX_HEIGHT
    top = 0 if beside else 2 * badge + margin
    side = 2 * badge + margin if beside else 0
    # A framed view in a low, wide figure is cut at its panel's outline anyway: half the margin
    # above and below it, so the drawing is larger.
    vmargin = margin / 2 if beside and scene.framed else margin
    room = limit - top - 2 * vmargin
    scales = tuple(min((panel_width - side - 2 * margin) / (x1 - x0), room / (y1 - y0))
                   for x0, y0, x1, y1 in scene.boxes)
    if min(scales) <= 0:  # the styles' ranges keep every figure roomier than this
        raise FigureBug(f"a figure {width:g} x {limit:g} pt leaves its drawings no room "
                        f"under or beside their numbers")
    drawn = [(box[3] - box[1]) * scale for box, scale in zip(scene.boxes, scales)]
    height = max(max(drawn) + top + 2 * vmargin, 2 * badge + 2 * vmargin)
    dxs = tuple(side + (panel_width - side - (x1 - x0) * scale) / 2 - x0 * scale
                for (x0, _, x1, _), scale in zip(scene.boxes, scales))
    dys = tuple(vmargin + (max(drawn) - size) / 2 - box[1] * scale
                for box, scale, size in zip(scene.boxes, scales, drawn))
    lefts = tuple(i * (panel_width + gap) for i in range(count))
    return PanelGeometry(panel_width, lefts, badge, scales, dxs, dys, height)


@lru_cache(maxsize=256)
def panel_figure(spec: FigureSpec, width: float, inks: FigureInks, height: float | None = None) -> Drawing:
    """The panels of ``spec`` in a figure ``width`` points wide and at most ``height`` tall
    (by default half the width; cached: drawn once per size and inks). The numbers are
    drawn as strokes, not text: no font, and nothing stray in the page's text for a screen
    reader or a search."""
    from .scene import build_scene  # not imported when every figure is replayed from the cache

    width = float(width)
    scene = build_scene(spec)
    geometry = panel_geometry(scene, width, height)
    drawing = _Figure(width, geometry.height)
    # In a low row across the card (the lying figure 4's) the drawing fills the height and an
    # arrow's white casing reaches the panel's outline: the outline is drawn over the drawing
    # there. Elsewhere it is drawn first, as before (the same bytes).
    low = height is not None and height < width * MAX_HEIGHT
    rule = inks.colour("prop")
    for number, (left, marks) in enumerate(zip(geometry.lefts, scene.panels), start=1):
        scale, dx, dy = geometry.scales[number - 1], left + geometry.dxs[number - 1], geometry.dys[number - 1]

        def at(point: tuple[float, float], scale: float = scale, dx: float = dx,
               dy: float = dy) -> tuple[float, float]:
            return (round(point[0] * scale + dx, 1), round(point[1] * scale + dy, 1))

        inset = PANEL_RULE / 2
        outline = Rect(left + inset, inset, geometry.panel_width - 2 * inset, geometry.height - 2 * inset,
                       rx=geometry.badge * 0.6, ry=geometry.badge * 0.6, fillColor=None,
                       strokeColor=rule, strokeWidth=PANEL_RULE)
        if not low:
            drawing.add(outline)
        floor_y = scene.floor_ys[number - 1]
        if floor_y is not None:
            y = round(floor_y * scale + dy, 1)
            margin = MARGIN * geometry.panel_width
            drawing.add(Line(left + margin, y, left + geometry.panel_width - margin, y, strokeColor=rule,
                             strokeWidth=round(1.5 * scale, 2), strokeLineCap=1))
        # A framed view (spec.frame) is cut at the panel's outline: the body runs on past it.
        # Cut as geometry, not by a clip path: the replayed operators stay plain paths.
        edge = PANEL_RULE + geometry.badge * 0.6 * (1 - math.sqrt(0.5))  # clear of the round corners
        window = (left + edge, edge, left + geometry.panel_width - edge, geometry.height - edge)
        inset = scene.inset(number - 1)
        if inset is not None:  # the lines to the magnified circle run under the body
            for shape in _inset_lines(inset, at, scale, inks):
                drawing.add(shape)
        places = iter(inset.arrows if inset is not None else ())
        for mark in marks:
            if inset is not None and mark.kind == "arrow" and next(places, "body") == "circle":
                continue  # drawn in the magnified circle instead
            pieces = ([[at(p) for p in mark.points]] if not scene.framed or mark.kind == "arrow"
                      else cut_box(mark, [at(p) for p in mark.points], window, scale))
            for piece in pieces:
                shape = (_shape(mark, piece, scale, inks) if isinstance(piece, list) else
                         Polygon([c for p in piece for c in p], fillColor=inks.colour(mark.ink), strokeColor=None))
                if shape is not None:
                    drawing.add(shape)
        if inset is not None:
            for shape in _inset_shapes(inset, marks, floor_y, at, scale, inks):
                drawing.add(shape)
        if low:  # over the drawing: an arrow near the top cut a notch in it (s10, round 436)
            drawing.add(outline)
        pad = geometry.badge * 0.35 + PANEL_RULE
        drawing.add(_badge(left + pad + geometry.badge, geometry.height - pad - geometry.badge,
                           geometry.badge, number, inks))
    return drawing


INSET_MIN_WIDTH = 200.0  # points: a narrower figure (the My plan page's) is drawn without its magnified detail
INSET_RING = 0.5  # points: the ring round the place shown and the lines to the circle, half their width
INSET_RIM = 0.75  # points: the magnified circle's outline, half its width


def _inset_shapes(inset: Inset, marks: tuple[Mark, ...], floor_y: float | None,
                  at: Callable[[tuple[float, float]], tuple[float, float]], scale: float,
                  inks: FigureInks) -> list[object]:
    """A panel's magnified detail, over the body: a ring round the place shown and, in the
    circle (white under it), the panel's marks enlarged and cut at its edge (the lines
    joining the two are ``_inset_lines``, under the body)."""
    from .scene import Mark as SceneMark

    rule = inks.colour("prop")
    source, target = at(inset.source), at(inset.target)
    # Radii to a hundredth of a point, as every disc's: ReportLab writes seven digits, and the
    # replay's compaction knows a circle only when its points agree to that.
    small, large = round(inset.radius * scale, 2), round(inset.target_radius * scale, 2)
    shapes: list[object] = []
    shapes.append(Circle(*source, small, fillColor=None, strokeColor=rule, strokeWidth=2 * INSET_RING))
    shapes.append(Circle(*target, large, fillColor=colors.white, strokeColor=None))
    # What the body rests on, as one line: the top of whatever is under the place shown (a
    # mat), else the floor. Round 327: the mat's outline and the floor, two lines in the
    # circle, read as "a step or a towel".
    x = inset.source[0]
    tops = [max(p[1] for p in mark.points) for mark in marks if mark.kind == "prop"
            and min(p[0] for p in mark.points) <= x <= max(p[0] for p in mark.points)]
    ground = max(tops) if tops else floor_y
    enlarged = [mark for mark in marks if mark.kind not in ("prop", "rim")]  # the mat, its edge included, is one line below
    if ground is not None:
        enlarged.insert(0, SceneMark("limb", ((x - 2 * inset.radius, ground), (x + 2 * inset.radius, ground)),
                                     "prop", 0.75))
        if inset.ground == "hatched":  # short slanted strokes under the line, a drawing's sign for the ground
            # Only strokes wholly inside the circle: one cut at its edge costs the PDF a
            # squared end each, and the default handout has a byte budget (60,000).
            step = inset.radius / 4
            for i in range(-4, 5):
                stroke = ((x + i * step, ground), (x + i * step - step, ground - step))
                if all(math.dist(p, inset.source) < inset.radius for p in stroke):
                    enlarged.insert(0, SceneMark("limb", stroke, "prop", 0.3))
    places = iter(inset.arrows)
    for mark in enlarged:
        points = [at(inset.magnified(p)) for p in mark.points]
        # The body is drawn larger; the mat's and the floor's lines keep their weight (drawn
        # larger, the mat's outline was a thick grey slab).
        zoomed = scale * (1 if mark.ink == "prop" else inset.zoom)
        if mark.kind == "arrow":  # at its own width, ending where it ends on the body, fitted in
            if next(places, "body") == "body":
                continue
            tip, end = at(mark.points[-1]), points[-1]
            drawn = [at(p) for p in mark.points]
            keep = large - mark.radius * scale * 2.5  # the head's half width inside the outline
            placed = lambda fit: [(end[0] + (x - tip[0]) * fit, end[1] + (y - tip[1]) * fit)  # noqa: E731
                                  for x, y in drawn]
            fit = 1.0
            while fit > 0.3 and any(math.dist(p, target) > keep for p in placed(fit)):
                fit -= 0.05  # shortened, from its tip, until it is inside the circle
            shapes.append(_shape(mark, placed(fit), scale, inks))
            continue
        for piece in cut_round(mark, points, target, large, zoomed):
            shape = (_shape(mark, piece, zoomed, inks) if isinstance(piece, list) else
                     Polygon([c for p in piece for c in p], fillColor=inks.colour(mark.ink), strokeColor=None))
            if shape is not None:
                shapes.append(shape)
    shapes.append(Circle(*target, large, fillColor=None, strokeColor=rule, strokeWidth=2 * INSET_RIM))
    return shapes


def _inset_lines(inset: Inset, at: Callable[[tuple[float, float]], tuple[float, float]], scale: float,
                 inks: FigureInks) -> list[object]:
    """The two lines from the ring round the place shown to the magnified circle (drawn
    under the body, so they show only where nothing else is)."""
    rule = inks.colour("prop")
    return [Line(*a, *b, strokeColor=rule, strokeWidth=2 * INSET_RING, strokeLineCap=1)
            for a, b in tangents(at(inset.source), inset.radius * scale, at(inset.target),
                                  inset.target_radius * scale)]


# Digits as strokes in a box 0.6 wide and 1 tall (origin at the bottom left).
_DIGITS: dict[int, tuple[tuple[tuple[float, float], ...], ...]] = {
    1: (((0.12, 0.78), (0.38, 1.0), (0.38, 0.0)),),
    2: (tuple((0.3 + 0.26 * math.cos(math.radians(a)), 0.72 + 0.26 * math.sin(math.radians(a)))
              for a in range(165, -46, -15)) + ((0.02, 0.0), (0.6, 0.0)),),
    3: (tuple((0.3 + 0.25 * math.cos(math.radians(a)), 0.75 + 0.25 * math.sin(math.radians(a)))
              for a in range(160, -91, -25)) + tuple(
        (0.3 + 0.27 * math.cos(math.radians(a)), 0.27 + 0.27 * math.sin(math.radians(a)))
        for a in range(90, -181, -30)),),
}


def _badge(x: float, y: float, radius: float, number: int, inks: FigureInks) -> Group:
    """A panel's number: a digit in the paper's white, drawn with strokes, on a disc."""
    group = Group(Circle(x, y, radius, fillColor=inks.colour("number"), strokeColor=None))
    size = radius * 1.05
    left, bottom = x - 0.3 * size, y - 0.5 * size
    for stroke in _DIGITS[number]:
        flat = [round(v, 2) for px, py in stroke for v in (left + px * size, bottom + py * size)]
        group.add(PolyLine(flat, strokeColor=inks.colour("paper"), strokeWidth=radius * 0.26,
                           strokeLineCap=1, strokeLineJoin=1))
    return group


def _shape(mark: Mark, points: list[tuple[float, float]], scale: float, inks: FigureInks) -> object:
    flat = [c for p in points for c in p]
    _finite(*flat)
    width = round(2 * mark.radius * scale, 2)
    color = inks.colour(mark.ink)
    if mark.kind in ("limb", "casing", "towel", "stripe", "foot", "rim"):
        if len(points) == 1 or all(p == points[0] for p in points):
            return Circle(*points[0], width / 2, fillColor=color, strokeColor=None)
        return PolyLine(flat, strokeColor=color, strokeWidth=width, strokeLineCap=1, strokeLineJoin=1)
    if mark.kind in ("trunk", "nose"):
        return Polygon(flat, fillColor=color, strokeColor=color, strokeWidth=width, strokeLineJoin=1)
    if mark.kind in ("head", "hand", "eye") and len(points) > 1:  # a disc cut at a framed panel's edge
        return Polygon(flat, fillColor=color, strokeColor=None)
    if mark.kind in ("head", "hand", "eye"):
        return Circle(*points[0], round(mark.radius * scale, 2), fillColor=color, strokeColor=None)
    if mark.kind == "prop":
        return Polygon(flat, fillColor=colors.white, strokeColor=color, strokeWidth=width, strokeLineJoin=1)
    if mark.kind == "arrow":
        return _arrow(points, width, color, mark.cased)
    return None


def _arrow(points: list[tuple[float, float]], width: float, ink: colors.Color, cased: bool = True) -> Group:
    """A shaft with a filled head, cased in white so it reads where it crosses a limb
    (unless ``cased`` is off)."""
    group = Group()
    tip, before = points[-1], points[-2]
    size = width * 2.2
    ux, uy = tip[0] - before[0], tip[1] - before[1]
    norm = math.hypot(ux, uy) or 1.0
    ux, uy = ux / norm, uy / norm
    # The shaft stops inside the head so its round cap does not poke out of the point.
    shaft = [c for p in points[:-1] + [(tip[0] - ux * size, tip[1] - uy * size)] for c in p]
    base = (tip[0] - ux * size * 1.3, tip[1] - uy * size * 1.3)
    head_points = [round(v, 1) for v in (
        tip[0] + ux * width * 0.3, tip[1] + uy * width * 0.3,
        base[0] - uy * size * 0.7, base[1] + ux * size * 0.7,
        base[0] + uy * size * 0.7, base[1] - ux * size * 0.7)]
    casing = width * 1.6
    for color, extra in ((colors.white, casing), (ink, 0.0))[0 if cased else 1:]:
        group.add(PolyLine(shaft, strokeColor=color, strokeWidth=width + extra, strokeLineCap=1, strokeLineJoin=1))
        group.add(Polygon(head_points, fillColor=color, strokeColor=color, strokeWidth=width * 0.4 + extra,
                          strokeLineJoin=1))
    return group


def _empty_slot(width: float, height: float, inks: FigureInks) -> Drawing:
    drawing = _Figure(width, height)
    inset = MARGIN * min(width, height)
    drawing.add(Rect(inset, inset, width - 2 * inset, height - 2 * inset, rx=inset, ry=inset,
                     fillColor=colors.white, strokeColor=inks.colour("prop"), strokeWidth=1,
                     strokeDashArray=[3, 3]))
    return drawing


class _FramedImage(Flowable):
    """A picture scaled to fit a fixed frame, aspect ratio kept, centred.

    The picture is checked and shrunk to print size first (``images.print_ready``), the
    same way as a clinic's logo: a broken, truncated or huge file is a clear error.
    """

    def __init__(self, path: Path, width: float, height: float) -> None:
        super().__init__()
        self.path, self.width, self.height = path, width, height
        self.reader = ImageReader(io.BytesIO(print_ready(path)))
        pixels_w, pixels_h = (int(side) for side in self.reader.getSize())
        margin = MARGIN * min(width, height)
        scale = min((width - 2 * margin) / pixels_w, (height - 2 * margin) / pixels_h)
        self.image_size = (pixels_w * scale, pixels_h * scale)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        w, h = self.image_size
        self.canv.drawImage(self.reader, (self.width - w) / 2, (self.height - h) / 2, w, h,
                            mask="auto")
