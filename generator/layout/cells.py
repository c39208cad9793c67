"""Cells: flowables in rows and columns, measured once, drawn as ReportLab's Table draws them.

Cards, boxes, grids and side-by-side columns are tables of flowables nested in each
other (a card holds a row of columns, which holds a dose box); the tick log, the pain
scale and the details are tables of short texts. ReportLab's Table measures every cell
again on each ``wrap`` (a KeepTogether, the frame and the enclosing table each ask) and
once more when it draws, and builds a style object for every cell (the log's are 1,700).
:class:`Cells` lays out the same cells, for the few style commands the layout uses, to
the same positions, with the same canvas operators in the same order (the PDF's bytes do
not change), and measures each cell once. It never splits itself: ``split`` hands over to
the equivalent Table (a card taller than a page, a grid at the foot of a page, a log
longer than a page), so what splits, splits exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from reportlab.lib import colors
from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.rl_config import _FUZZ

# Commands Cells draws itself; anything else is a programming error (use a Table).
_PADDINGS = {"LEFTPADDING": 0, "RIGHTPADDING": 1, "TOPPADDING": 2, "BOTTOMPADDING": 3}
_LINES = ("BOX", "GRID", "LINEABOVE", "LINEBELOW", "LINEBEFORE", "LINEAFTER")
_DEFAULT_PADDING = (6.0, 6.0, 3.0, 3.0)  # ReportLab's CellStyle: left, right, top, bottom
_CELL_FONT_SIZE, _CELL_LEADING, _CELL_COLOUR = 10, 12, "black"  # CellStyle's, set when drawn
_DEFAULT_ALIGN, _DEFAULT_VALIGN = "LEFT", "BOTTOM"  # CellStyle's
_VALIGNS = ("TOP", "MIDDLE", "BOTTOM")
_MEASURE_HEIGHT = 72000  # the height Table offers a cell's flowables when it measures them

Command = tuple[object, ...]
# (rows, columns, commands) -> what the commands set, shared read-only by every Cells with
# them: a handout makes about 60 Cells from a few layouts. Bounded; a dictionary's single
# look-ups and stores are safe under threads.
_STYLE_ATTRIBUTES = ("_paddings", "_aligns", "_valigns", "_spans", "_covered", "_backgrounds",
                     "_lines", "_font", "_font_size", "_leading")
_STYLED: dict[tuple[object, ...], dict[str, object]] = {}
_STYLED_LIMIT = 1024
# A cell: flowables stacked, or a text of one or more lines ("\n") in the cells' font.
Cell = Sequence[Flowable] | str | Flowable


class Cells(Flowable):
    """Rows of cells in columns of fixed widths; a cell is a list of flowables or a text.

    ``commands`` are TableStyle commands: FONTNAME, FONTSIZE and LEADING (each the same for
    every cell), the four paddings, ALIGN (LEFT, CENTER), VALIGN (TOP, MIDDLE, BOTTOM),
    SPAN within one row, BACKGROUND with a colour, and the lines BOX, GRID, LINEABOVE,
    LINEBELOW, LINEBEFORE and LINEAFTER. ``row_heights``: a fixed height or None
    (measured) for each row; ``min_row_heights``: the least height of each measured row;
    ``repeat_rows`` and ``split_in_row`` are the Table's, for when it splits.
    """

    def __init__(self, rows: Sequence[Sequence[Cell]], col_widths: Sequence[float],
                 commands: Sequence[Command], *, h_align: str = "CENTER",
                 space_after: float = 0, row_heights: Sequence[float | None] | None = None,
                 min_row_heights: Sequence[float] | None = None, repeat_rows: int = 0,
                 split_in_row: bool = True) -> None:
        super().__init__()
        self.rows: list[list[list[Flowable] | str]] = [
            [cell if isinstance(cell, str) else [cell] if isinstance(cell, Flowable)
             else list(cell) for cell in row] for row in rows]
        self.col_widths = list(col_widths)
        self.commands = list(commands)
        self.hAlign = h_align
        self.spaceAfter = space_after
        self.row_heights = None if row_heights is None else list(row_heights)
        self.min_row_heights = None if min_row_heights is None else list(min_row_heights)
        self.repeat_rows = repeat_rows
        self.split_in_row = split_in_row
        count = len(self.col_widths)
        if not self.rows or any(len(row) != count for row in self.rows):
            raise ValueError("every row needs one cell for each column")
        for heights in (self.row_heights, self.min_row_heights):
            if heights is not None and len(heights) != len(self.rows):
                raise ValueError("row heights need one height for each row")
        self._measured: list[list[list[tuple[float, float]]]] | None = None
        try:
            key: tuple[object, ...] | None = (len(self.rows), count, *self.commands)
            styled = _STYLED.get(key)  # type: ignore[arg-type]
        except TypeError:  # a command with a list in it: not remembered
            key = styled = None
        if styled is not None:
            vars(self).update(styled)
            return
        self._paddings = [[list(_DEFAULT_PADDING) for _ in range(count)] for _ in self.rows]
        self._aligns = [[_DEFAULT_ALIGN] * count for _ in self.rows]
        self._valigns = [[_DEFAULT_VALIGN] * count for _ in self.rows]
        # (column, row) of a span's first cell -> its last column; cells a span covers
        self._spans: dict[tuple[int, int], int] = {}
        self._covered: set[tuple[int, int]] = set()
        self._backgrounds: list[tuple[int, int, int, int, colors.Color]] = []
        self._lines: list[tuple[str, int, int, int, int, float, colors.Color]] = []
        self._font = ""
        self._font_size: float = _CELL_FONT_SIZE
        self._leading: float = _CELL_LEADING
        for command in self.commands:
            self._apply(command)
        if not self._font:
            raise ValueError("Cells needs a FONTNAME for every cell")
        if key is not None:
            if len(_STYLED) >= _STYLED_LIMIT:
                _STYLED.clear()
            _STYLED[key] = {name: vars(self)[name] for name in _STYLE_ATTRIBUTES}

    def _apply(self, command: Command) -> None:
        name, start, end, *values = command
        columns, rows = self._range(start, end)  # type: ignore[arg-type]
        every = (columns, rows) == ((0, len(self.col_widths) - 1), (0, len(self.rows) - 1))
        if name in ("FONTNAME", "FONTSIZE", "LEADING"):
            if not every:
                raise ValueError(f"Cells sets {name} for every cell or none")
            if name == "FONTNAME":
                self._font = str(values[0])
            elif name == "FONTSIZE":
                self._font_size = cast(float, values[0])
            else:
                self._leading = cast(float, values[0])
        elif name in _PADDINGS:
            for row in range(rows[0], rows[1] + 1):
                for column in range(columns[0], columns[1] + 1):
                    self._paddings[row][column][_PADDINGS[name]] = cast(float, values[0])
        elif name in ("ALIGN", "VALIGN"):
            if values[0] not in (("LEFT", "CENTER") if name == "ALIGN" else _VALIGNS):
                raise ValueError(f"Cells does not draw {name} {values[0]} (use a Table)")
            cells = self._aligns if name == "ALIGN" else self._valigns
            for row in range(rows[0], rows[1] + 1):
                for column in range(columns[0], columns[1] + 1):
                    cells[row][column] = str(values[0])
        elif name == "SPAN":
            first, last = sorted(columns)
            if rows[0] != rows[1]:
                raise ValueError("Cells spans columns within one row only (use a Table)")
            if first == last:
                return  # one cell: no span (as in Table)
            self._spans[first, rows[0]] = last
            self._covered.update((column, rows[0]) for column in range(first + 1, last + 1))
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
        return Table(self.rows, colWidths=self.col_widths, rowHeights=self.row_heights,
                     minRowHeights=self.min_row_heights, repeatRows=self.repeat_rows,
                     splitInRow=int(self.split_in_row), hAlign=self.hAlign,
                     spaceAfter=self.spaceAfter, style=TableStyle(self.commands))

    def _span_width(self, column: int, row: int) -> float:
        """The width of the cell at (column, row), over the columns its span covers."""
        last = self._spans.get((column, row))
        if last is None:
            return self.col_widths[column]
        return max(self._column_positions[last + 1] - self._column_positions[column],
                   self.col_widths[column])

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # Fixed column widths and no spans: the layout does not depend on the space offered.
        if self._measured is None:
            self._measure()
        return self._width, self._height

    def _measure(self) -> None:
        """Row heights and positions as Table._calc_height and _calc_width work them out."""
        canvas = getattr(self, "canv", None)  # a table splitting its cells calls split() bare
        width = 0.0
        columns = [0.0]
        for column_width in self.col_widths:
            width = width + column_width
            columns.append(width)
        self._column_positions = columns
        measured: list[list[list[tuple[float, float]]]] = []
        heights: list[float] = []
        for number, (row, paddings) in enumerate(zip(self.rows, self._paddings)):
            sizes_of_row: list[list[tuple[float, float]]] = []
            measured.append(sizes_of_row)
            fixed = self.row_heights[number] if self.row_heights is not None else None
            if fixed is not None:  # Table does not measure a row of a fixed height
                heights.append(fixed)
                continue
            tallest = 0.0
            for column, (cell, (left, right, top, bottom)) in enumerate(zip(row, paddings)):
                if isinstance(cell, str):  # Table counts a text even where a span covers it
                    height = self._leading * len(cell.split("\n")) + (bottom + top)
                elif (column, number) in self._covered:
                    continue
                else:
                    cell_width = self._span_width(column, number)
                    sizes = [part.wrapOn(canvas, cell_width - left - right,
                                         _MEASURE_HEIGHT - top - bottom) for part in cell]
                    sizes_of_row.append(sizes)
                    height = _stacked(cell, sizes) + (bottom + top)
                if height > tallest:
                    tallest = height
            if self.min_row_heights is not None:
                tallest = max(self.min_row_heights[number], tallest)
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
        self._row_heights, self._row_positions = heights, positions
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
        column_count, row_count = len(self.col_widths), len(self.rows)
        for first_column, last_column, first_row, last_row, colour in self._backgrounds:
            x0, y0 = columns[first_column], rows[first_row]
            x1 = columns[min(last_column + 1, column_count)]
            y1 = rows[min(last_row + 1, row_count)]
            width, height = x1 - x0, y1 - y0
            if self._spans and first_column == last_column and first_row == last_row:
                if (first_column, first_row) not in self._covered:  # Table: the cell's rect
                    x0, y0, width, height = self._rect(first_column, first_row)
            canvas.setFillColor(colour)
            canvas.rect(x0, y0, width, height, stroke=0, fill=1)
        canvas.setFillColor(_CELL_COLOUR)
        canvas.setFont(self._font, self._font_size, self._leading)
        for number, (row, paddings) in enumerate(zip(self.rows, self._paddings)):
            for column, (cell, padding) in enumerate(zip(row, paddings)):
                if self._spans:  # Table draws from each cell's rect, spans or not
                    if (column, number) in self._covered:
                        continue
                    x, y, width, height = self._rect(column, number)
                else:
                    x, y = columns[column], rows[number + 1]
                    width, height = self.col_widths[column], self._row_heights[number]
                if isinstance(cell, str):
                    self._draw_text(cell, column, number, x, y, width, height, padding)
                else:
                    self._draw_flowables(cell, column, number, x, y, width, height, padding)
        self._draw_lines()
        canvas.restoreState()

    def _rect(self, column: int, row: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) of a cell as Table._calcSpanRects works it out."""
        columns, rows = self._column_positions, self._row_positions
        last = self._spans.get((column, row), column)
        x, y = columns[column], rows[row + 1]
        return x, y, columns[last + 1] - x, rows[row] - y

    def _draw_flowables(self, cell: list[Flowable], column: int, row: int, x: float, y: float,
                        width: float, height: float, padding: list[float]) -> None:
        """A cell's flowables as Table._drawCell draws them."""
        left, right, top, bottom = padding
        # Measured again (a paragraph that refused a split forgot its lines): cheap, each
        # part remembers its size.
        sizes = [part.wrapOn(self.canv, width - left - right, height - top - bottom)
                 for part in cell]
        valign = self._valigns[row][column]
        if valign == "TOP":
            at = y + height - top
        elif valign == "BOTTOM":
            at = y + bottom + _stacked(cell, sizes)
        else:
            at = y + (height + bottom - top + _stacked(cell, sizes)) / 2.0
        if cell:
            at += cell[0].getSpaceBefore()
        centred = self._aligns[row][column] == "CENTER"
        for part, (part_width, part_height) in zip(cell, sizes):
            at -= part.getSpaceBefore()
            at -= part_height
            part.drawOn(self.canv, x + (width + left - right - part_width) / 2.0 if centred
                        else x + left, at)
            at -= part.getSpaceAfter()

    def _draw_text(self, text: str, column: int, row: int, x: float, y: float, width: float,
                   height: float, padding: list[float]) -> None:
        """A cell's text as Table._drawCell draws a string, line by line."""
        left, right, top, bottom = padding
        if self._aligns[row][column] == "CENTER":
            draw, x = self.canv.drawCentredString, x + (width + left - right) * 0.5
        else:
            draw, x = self.canv.drawString, x + left
        lines = text.split("\n")
        leading, size = self._leading, self._font_size
        valign = self._valigns[row][column]
        if valign == "BOTTOM":
            at = y + bottom + len(lines) * leading - size
        elif valign == "TOP":
            at = y + height - top - size
        else:
            at = y + (bottom + height - top + len(lines) * leading) / 2.0 - size
        for line in lines:
            draw(x, at, line)
            at -= leading

    def _draw_lines(self) -> None:
        """The lines as Table._drawLines draws them (round caps and joins), in order."""
        canvas = self.canv
        canvas.saveState()
        columns, rows = self._column_positions, self._row_positions
        state: dict[str, object] = {}
        # Table does not draw a vertical line through a span: x -> (bottom, top) of each
        blocks: dict[float, list[tuple[float, float]]] = {}
        for (first, row), last in self._spans.items():
            for column in range(first + 1, last + 1):
                blocks.setdefault(columns[column], []).append((rows[row + 1], rows[row]))
        for spans in blocks.values():
            spans.sort()

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
                _vertical(canvas, x, ys[-1], ys[0], blocks.get(x))

        for number, (name, first, last, top, bottom, weight, colour) in enumerate(self._lines):
            if number == 0:
                canvas.setLineCap(1)
                canvas.setLineJoin(1)
            if name in ("BOX", "GRID"):
                across(first, last, top, top, weight, colour)
                across(first, last, bottom + 1, bottom + 1, weight, colour)
                down(first, first, top, bottom, weight, colour)
                down(last + 1, last + 1, top, bottom, weight, colour)
            if name == "GRID":  # and the inner lines
                across(first, last, top + 1, bottom, weight, colour)
                down(first + 1, last, top, bottom, weight, colour)
            elif name == "LINEABOVE":
                across(first, last, top, bottom, weight, colour)
            elif name == "LINEBELOW":
                across(first, last, top + 1, bottom + 1, weight, colour)
            elif name == "LINEBEFORE":
                down(first, last, top, bottom, weight, colour)
            elif name == "LINEAFTER":
                down(first + 1, last + 1, top, bottom, weight, colour)
        canvas.restoreState()


def _vertical(canvas: Any, x: float, bottom: float, top: float,
              blocks: list[tuple[float, float]] | None) -> None:
    """A vertical line from ``bottom`` to ``top``, around ``blocks`` (spans), as
    ReportLab's tables._hLine draws it."""
    if not blocks or bottom >= blocks[-1][1] - _FUZZ or top <= blocks[0][0] + _FUZZ:
        canvas.line(x, bottom, x, top)
        return
    start, number = bottom, 0
    while start < top - _FUZZ and number < len(blocks):
        low, high = blocks[number]
        if high <= start + _FUZZ or low >= top - _FUZZ:
            number += 1
            continue
        if max(start, low) > start:
            canvas.line(x, start, x, max(start, low))
        start = min(top, high)
    if start < top - _FUZZ:
        canvas.line(x, start, x, top)


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
