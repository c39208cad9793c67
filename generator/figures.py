"""Exercise figures as ReportLab vector drawings, and a review sheet for clinicians.

Pictogram style: one ink, thick round-capped strokes, a round head set apart from the
trunk, far limbs and the start pose in light tints of the same ink, props in grey.
"""

from __future__ import annotations

import io
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable

from .images import print_ready
from .layout.replay import replayed_figure
from .pose import FigureSpec
from .scene import Mark, Scene, build_scene

if TYPE_CHECKING:
    from .fonts import FontFamily
    from .model import Exercise

PROP_GREY = colors.HexColor("#9aa0a6")
PROP_FILL = colors.HexColor("#e3e5e8")
HALO = colors.HexColor("#f4a261")  # an amber accent; at a light tint it reads as pale grey in print
SLOT_FILL, SLOT_LINE = colors.HexColor("#f5f6f7"), colors.HexColor("#d0d4d9")
MARGIN = 0.05  # of the frame's shorter side, kept clear all round


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
    return operators


_SET_FONT = re.compile(r"BT /\S+ [\d.]+ Tf [\d.]+ TL ET")


def exercise_figure(exercise: Exercise, width: float, height: float, ink: str = "#1d3557") -> Flowable:
    """A width x height flowable: the pose drawing, the exercise's own picture, or an empty slot."""
    if exercise.figure is not None:  # drawn once, then replayed (layout/replay.py)
        spec, width, height = exercise.figure, float(width), float(height)
        return replayed_figure(f"pose {spec!r} {width!r} {height!r} {ink}",
                               lambda: _drawn(pose_drawing(spec, width, height, ink)))
    if exercise.image is not None:
        return _FramedImage(Path(exercise.image), float(width), float(height))
    return _empty_slot(float(width), float(height))


def _drawn(drawing: Drawing) -> tuple[float, float, str]:
    return float(drawing.width), float(drawing.height), _operators_of(drawing)


@lru_cache(maxsize=256)
def pose_drawing(spec: FigureSpec, width: float, height: float, ink: str = "#1d3557") -> Drawing:
    """The figure for ``spec`` fitted into width x height points (cached: drawn once per size)."""
    scene = build_scene(spec)
    scale, dx, dy = fit(scene, width, height)
    solid = colors.HexColor(ink)
    drawing = _Figure(width, height)

    def at(point: tuple[float, float]) -> tuple[float, float]:
        return (round(point[0] * scale + dx, 1), round(point[1] * scale + dy, 1))

    if scene.floor_y is not None:
        y = round(scene.floor_y * scale + dy, 1)
        margin = MARGIN * min(width, height)
        drawing.add(Line(margin, y, width - margin, y, strokeColor=PROP_GREY,
                         strokeWidth=round(1.5 * scale, 2), strokeLineCap=1))
    for mark in scene.marks:
        shape = _shape(mark, [at(p) for p in mark.points], scale, solid)
        if shape is not None:
            drawing.add(shape)
    return drawing


def fit(scene: Scene, width: float, height: float) -> tuple[float, float, float]:
    """(scale, dx, dy) mapping scene units into the frame, centred, with a margin."""
    x0, y0, x1, y1 = scene.box
    margin = MARGIN * min(width, height)
    scale = min((width - 2 * margin) / (x1 - x0), (height - 2 * margin) / (y1 - y0))
    dx = (width - (x1 - x0) * scale) / 2 - x0 * scale
    dy = (height - (y1 - y0) * scale) / 2 - y0 * scale
    return scale, dx, dy


def tint(color: colors.Color, tone: float) -> colors.Color:
    """``color`` mixed with white: tone 1 is the colour itself, 0 is white."""
    return colors.Color(*(1 - tone * (1 - c) for c in (color.red, color.green, color.blue)))


def _shape(mark: Mark, points: list[tuple[float, float]], scale: float, ink: colors.Color) -> object:
    flat = [c for p in points for c in p]
    width = round(2 * mark.radius * scale, 2)
    if mark.kind == "limb":
        color = tint(ink, mark.tone)
        if len(points) == 1 or all(p == points[0] for p in points):
            return Circle(*points[0], width / 2, fillColor=color, strokeColor=None)
        return PolyLine(flat, strokeColor=color, strokeWidth=width, strokeLineCap=1, strokeLineJoin=1)
    if mark.kind == "casing":
        return PolyLine(flat, strokeColor=colors.white, strokeWidth=width, strokeLineCap=1, strokeLineJoin=1)
    if mark.kind == "torso":
        color = tint(ink, mark.tone)
        return Polygon(flat, fillColor=color, strokeColor=color, strokeWidth=width, strokeLineJoin=1)
    if mark.kind == "head":
        return Circle(*points[0], round(mark.radius * scale, 2), fillColor=tint(ink, mark.tone), strokeColor=None)
    if mark.kind == "prop":
        return Polygon(flat, fillColor=PROP_FILL, strokeColor=PROP_GREY, strokeWidth=width, strokeLineJoin=1)
    if mark.kind == "halo":
        return PolyLine(flat, strokeColor=tint(HALO, 0.6), strokeWidth=width, strokeLineCap=1, strokeLineJoin=1)
    if mark.kind in ("arrow", "chevron"):
        return _arrow(points, width, ink, head=mark.kind == "arrow")
    return None


def _arrow(points: list[tuple[float, float]], width: float, ink: colors.Color, head: bool) -> Group:
    """A shaft with a filled head, cased in white so it reads where it crosses a limb."""
    group = Group()
    if not head:
        group.add(PolyLine([c for p in points for c in p], strokeColor=tint(ink, 0.5), strokeWidth=width * 1.4,
                           strokeLineCap=1, strokeLineJoin=1))
        return group
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
    for color, extra in ((colors.white, casing), (ink, 0.0)):
        group.add(PolyLine(shaft, strokeColor=color, strokeWidth=width + extra, strokeLineCap=1, strokeLineJoin=1))
        group.add(Polygon(head_points, fillColor=color, strokeColor=color, strokeWidth=width * 0.4 + extra,
                          strokeLineJoin=1))
    return group


def _empty_slot(width: float, height: float) -> Drawing:
    drawing = _Figure(width, height)
    inset = MARGIN * min(width, height)
    drawing.add(Rect(inset, inset, width - 2 * inset, height - 2 * inset, rx=inset, ry=inset,
                     fillColor=SLOT_FILL, strokeColor=SLOT_LINE, strokeWidth=1))
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


def render_review_sheet(exercises: Sequence[Exercise], fonts: FontFamily) -> bytes:
    """An A4 PDF with every exercise's figure drawn large and labelled, two to a row."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from .layout.document import use_binary_streams

    use_binary_streams()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, initialFontName=fonts.regular,
                            leftMargin=36, rightMargin=36, topMargin=40, bottomMargin=36,
                            title="Figure review sheet", author="handout", creator="handout")
    label = ParagraphStyle("label", fontName=fonts.bold, fontSize=10, leading=13)
    heading = ParagraphStyle("heading", fontName=fonts.bold, fontSize=14, leading=18, spaceAfter=8)
    cell_w = (doc.width - 12) / 2
    cell_h = cell_w * 0.57  # eight figures, two a row, fit one A4 page
    cells = [[exercise_figure(exercise, cell_w, cell_h),
              Paragraph(f"{escape(exercise.name)} <font name='{fonts.regular}'>({escape(exercise.id)})</font>",
                        label)] for exercise in exercises]
    rows = [cells[i:i + 2] + ([""] if i + 1 == len(cells) else []) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[cell_w + 6] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                               ("FONTNAME", (0, 0), (-1, -1), fonts.regular)]))
    doc.build([Paragraph("Exercise figures: review sheet", heading), table])
    return buffer.getvalue()
