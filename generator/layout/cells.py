"""Cells: flowables in rows and columns, measured once, drawn as ReportLab's Table draws them.

Cards, boxes, grids and side-by-side columns are tables of flowables nested in each
other (a card holds a row of columns, which holds a dose box). ReportLab's Table measures
every cell again on each ``wrap`` (a KeepTogether, the frame and the enclosing table each
ask) and once more when it draws, so nested tables are measured many times over.
:class:`Cells` lays out the same cells, for the few style commands the layout uses, to
the same positions, with the same canvas operators in the same order (the PDF's bytes do
not change), and measures each cell once. It never splits itself: ``split`` hands over to
the equivalent Table (a card taller than a page, a grid at the foot of a page), so what
splits, splits exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from reportlab.lib import colors
from reportlab.platypus import Flowable, Table, TableStyle

# Commands Cells draws itself; anything else is a programming error (use a Table).
_PADDINGS = {"LEFTPADDING": 0, "RIGHTPADDING": 1, "TOPPADDING": 2, "BOTTOMPADDING": 3}
_LINES = ("BOX", "LINEABOVE")
_DEFAULT_PADDING = (6.0, 6.0, 3.0, 3.0)  # ReportLab's CellStyle: left, right, top, bottom
_CELL_FONT_SIZE, _CELL_LEADING, _CELL_COLOUR = 10, 12, "black"  # CellStyle's, set when drawn
_MEASURE_HEIGHT = 72000  # the height Table offers a cell's flowables when it measures them

Command = tuple[object, ...]


class Cells(Flowable):
    """Rows of cells, each a list of flowables, top-aligned, in columns of fixed widths.

    ``commands`` are TableStyle commands: FONTNAME (one font for every cell), the four
    paddings, VALIGN TOP, BACKGROUND with a colour, BOX and LINEABOVE.
    """

    def __init__(self, rows: Sequence[Sequence[Sequence[Flowable]]], col_widths: Sequence[float],
                 commands: Sequence[Command], *, h_align: str = "CENTER",
                 space_after: float = 0) -> None:
        super().__init__()
        self.rows = [[list(cell) for cell in row] for row in rows]
        self.col_widths = list(col_widths)
        self.commands = list(commands)
        self.hAlign = h_align
        self.spaceAfter = space_after
        count = len(self.col_widths)
        if not self.rows or any(len(row) != count for row in self.rows):
            raise ValueError("every row needs one cell for each column")
        self._paddings = [[list(_DEFAULT_PADDING) for _ in range(count)] for _ in self.rows]
        self._backgrounds: list[tuple[int, int, int, int, colors.Color]] = []
        self._lines: list[tuple[str, int, int, int, int, float, colors.Color]] = []
        self._font = ""
        for command in self.commands:
            self._apply(command)
        if not self._font:
            raise ValueError("Cells needs a FONTNAME for every cell")
        self._measured: list[list[list[tuple[float, float]]]] | None = None

    def _apply(self, command: Command) -> None:
        name, start, end, *values = command
        columns, rows = self._range(start, end)  # type: ignore[arg-type]
        if name == "FONTNAME":
            if (columns, rows) != ((0, len(self.col_widths) - 1), (0, len(self.rows) - 1)):
                raise ValueError("Cells draws every cell in one font")
            self._font = str(values[0])
        elif name in _PADDINGS:
            for row in range(rows[0], rows[1] + 1):
                for column in range(columns[0], columns[1] + 1):
                    self._paddings[row][column][_PADDINGS[name]] = cast(float, values[0])
        elif name == "VALIGN":
            if values[0] != "TOP":
                raise ValueError("Cells aligns cells to the top only")
        elif name == "BACKGROUND":
            colour = colors.toColorOrNone(values[0])
            if colour is not None:
                self._backgrounds.append((*columns, *rows, colour))
        elif name in _LINES and len(values) == 2:
            weight, colour = cast(float, values[0]), cast(colors.Color, values[1])
            self._lines.append((name, *columns, *rows, weight, colour))
        else:
            raise ValueError(f"Cells does not draw {name} (use a Table)")

    def _range(self, start: tuple[int, int], end: tuple[int, int],
               ) -> tuple[tuple[int, int], tuple[int, int]]:
        """((first, last) column, (first, last) row), negative indices counted from the end."""
        columns, rows = len(self.col_widths), len(self.rows)
        (first_column, first_row), (last_column, last_row) = start, end
        return ((first_column % columns if first_column < 0 else first_column,
                 last_column % columns if last_column < 0 else last_column),
                (first_row % rows if first_row < 0 else first_row,
                 last_row % rows if last_row < 0 else last_row))

    def table(self) -> Table:
        """The equivalent ReportLab Table (it splits, where Cells does not)."""
        return Table(self.rows, colWidths=self.col_widths, splitInRow=1, hAlign=self.hAlign,
                     spaceAfter=self.spaceAfter, style=TableStyle(self.commands))

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # Fixed column widths and no spans: the layout does not depend on the space offered.
        if self._measured is None:
            self._measure()
        return self._width, self._height

    def _measure(self) -> None:
        """Row heights and positions as Table._calc_height and _calc_width work them out."""
        canvas = getattr(self, "canv", None)  # a table splitting its cells calls split() bare
        measured: list[list[list[tuple[float, float]]]] = []
        heights: list[float] = []
        for row, paddings in zip(self.rows, self._paddings):
            sizes_of_row = []
            tallest = 0.0
            for cell, width, (left, right, top, bottom) in zip(row, self.col_widths, paddings):
                sizes = [part.wrapOn(canvas, width - left - right, _MEASURE_HEIGHT - top - bottom)
                         for part in cell]
                sizes_of_row.append(sizes)
                height = _stacked(cell, sizes) + (bottom + top)
                if height > tallest:
                    tallest = height
            measured.append(sizes_of_row)
            heights.append(tallest)
        positions: list[float] = []
        height = carry = 0.0
        for row_height in reversed(heights):  # Table's compensated sum, to the last bit
            positions.append(height)
            step = row_height - carry
            total = height + step
            carry = (total - height) - step
            height = total
        positions.append(height)
        positions.reverse()
        width = 0.0
        columns = [0.0]
        for column_width in self.col_widths:
            width = width + column_width
            columns.append(width)
        self._row_heights, self._row_positions, self._column_positions = heights, positions, columns
        # A Table splitting a cell reads its flowables' height attribute.
        self._width = self.width = width
        self._height = self.height = height
        self._measured = measured

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return self.table().splitOn(getattr(self, "canv", None), availWidth, availHeight)

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        columns, rows = self._column_positions, self._row_positions
        for first_column, last_column, first_row, last_row, colour in self._backgrounds:
            x0, y0 = columns[first_column], rows[first_row]
            x1 = columns[min(last_column + 1, len(self.col_widths))]
            y1 = rows[min(last_row + 1, len(self.rows))]
            canvas.setFillColor(colour)
            canvas.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)
        canvas.setFillColor(_CELL_COLOUR)
        canvas.setFont(self._font, _CELL_FONT_SIZE, _CELL_LEADING)
        for number, (row, paddings) in enumerate(zip(self.rows, self._paddings)):
            row_height, row_position = self._row_heights[number], rows[number + 1]
            for cell, width, x, (left, right, top, bottom) in zip(row, self.col_widths, columns,
                                                                 paddings):
                # Measured again (a paragraph that refused a split forgot its lines):
                # cheap, each part remembers its size.
                sizes = [part.wrapOn(canvas, width - left - right, row_height - top - bottom)
                         for part in cell]
                y = row_position + row_height - top
                if cell:
                    y += cell[0].getSpaceBefore()
                for part, (_, height) in zip(cell, sizes):
                    y -= part.getSpaceBefore()
                    y -= height
                    part.drawOn(canvas, x + left, y)
                    y -= part.getSpaceAfter()
        self._draw_lines()
        canvas.restoreState()

    def _draw_lines(self) -> None:
        """BOX and LINEABOVE as Table._drawLines draws them (round caps and joins)."""
        canvas = self.canv
        canvas.saveState()
        columns, rows = self._column_positions, self._row_positions
        state: dict[str, object] = {}

        def line_style(weight: float, colour: colors.Color) -> None:
            if colour and colour != state.get("colour"):
                canvas.setStrokeColor(colour)
                state["colour"] = colour
            if weight and weight != state.get("weight"):
                canvas.setLineWidth(weight)
                state["weight"] = weight

        def across(first: int, last: int, row_from: int, row_to: int, weight: float,
                   colour: colors.Color) -> None:
            xs, ys = columns[first:last + 2], rows[row_from:row_to + 1]
            if len(xs) <= 1 or not ys:
                return
            line_style(weight, colour)
            for y in ys:
                canvas.line(xs[0], y, xs[-1], y)

        def down(first: int, last: int, row_from: int, row_to: int, weight: float,
                 colour: colors.Color) -> None:
            ys, xs = rows[row_from:row_to + 2], columns[first:last + 1]
            if len(ys) <= 1 or not xs:
                return
            line_style(weight, colour)
            for x in xs:
                canvas.line(x, ys[-1], x, ys[0])

        for number, (name, first, last, top, bottom, weight, colour) in enumerate(self._lines):
            if number == 0:
                canvas.setLineCap(1)
                canvas.setLineJoin(1)
            if name == "BOX":
                across(first, last, top, top, weight, colour)
                across(first, last, bottom + 1, bottom + 1, weight, colour)
                down(first, first, top, bottom, weight, colour)
                down(last + 1, last + 1, top, bottom, weight, colour)
            else:  # LINEABOVE
                across(first, last, top, bottom, weight, colour)
        canvas.restoreState()


def _stacked(cell: Sequence[Flowable], sizes: Sequence[tuple[float, float]]) -> float:
    """The height of a cell's flowables stacked, as Table._listCellGeom adds it up."""
    if not cell:
        return 0
    total = 0.0
    first_space = None
    space_after = 0.0
    for part, (_, height) in zip(cell, sizes):
        space_before = part.getSpaceBefore()
        space_after = part.getSpaceAfter()
        total += height + space_after + space_before
        if first_space is None:
            first_space = space_before
    return total - (first_space or 0) - space_after
