"""The story: the XML the templates render, turned into ReportLab flowables.

The vocabulary (documented in docs/templates.md) is small: headings, paragraphs, lists,
boxes, exercise cards with a figure slot, a details table, the tick log. Inline markup is
only ``<b>``, ``<br/>`` and ``<a href>``; all other text is escaped again for ReportLab,
so what a user typed prints literally.
"""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (Flowable, Image, KeepTogether, ListFlowable, ListItem, PageBreak,
                                Spacer)

from ..errors import UserError
from ..images import print_ready
from .cells import Cells
from .escaping import escape, quoteattr
from .flowables import (Heading, Items, Keep, ProseColumns, TextBlock, boxed, card, cards_in, flattened,
                        side_by_side)
from .styles import Styles

# (exercise id, width, variant, max height) -> the figure, its height decided by the figure
# (at most half the width, and at most the max height unless None); None when there is nothing
# to draw (an exercise with no easier version drawn). Raises KeyError(id) for an id not in the
# pack. Variants: "main", "easier"; "drawing": the id names a drawing of its own
# (<figure drawing="floor-transfer"/>), not an exercise.
FigureFactory = Callable[[str, float, str, "float | None"], "Flowable | None"]
ElementMethod = Callable[[ET.Element, float], Iterator[Flowable]]

_BOX_COLOURS = {  # style -> (border colour, tint) names in styles.yaml
    "info": ("rule", "info_tint"),
    "safety": ("safety", "safety_tint"),
    "danger": ("danger", "danger_tint"),
    "green": ("green", "green_tint"),
    "amber": ("amber", "amber_tint"),
    "red": ("red", "red_tint"),
}

_PARENTS = {  # element -> where it belongs, for a clearer message when it is misplaced
    "li": "<ul> or <ol>",
    "row": "<details> or <log>",
    "week": "<log>",
    "day": "<week>",
    "band": "<card>",
    "column": "<columns>",
    "cell": "<grid>",
    "zone": "<painscale>",
}

_MAX_SPACER = 300  # points: a spacer taller than a page would stop the layout
_MAX_DEPTH = 40  # elements inside elements: far more than a handout needs
_MIN_WIDTH = 12.0  # points: the narrowest room an element may be laid out in
# Elements whose content is laid out in a table cell.
_CELLS = "a <box>, <card>, <dose>, <column> or <cell>"
_MAX_COUNT = 12  # columns of a grid or a details table, numbers on a scale
_DAYS_A_WEEK = 7


def parse_story(xml: str) -> ET.Element:
    """Parse the rendered story; a broken template gives a user error, not a traceback."""
    try:
        return ET.fromstring(xml)
    except ET.ParseError as error:
        line, column = error.position
        raise UserError(f"the rendered templates are not well-formed XML: {error}",
                        field="story", line=line, column=column) from None


class StoryBuilder:
    """Builds flowables for one document; each element kind has one method."""

    def __init__(self, styles: Styles, figure: FigureFactory, logo: Path | bytes | None) -> None:
        self.styles = styles
        self.figure = figure
        self.logo = logo
        self._link_colour = "#" + styles.colour("link").hexval()[2:]
        # An explicit table, so no tag can reach a helper method by its name.
        self.elements: dict[str, ElementMethod] = {
            "p": self._p, "title": self._title, "h1": self._h1, "h2": self._h2,
            "ul": self._ul, "ol": self._ol, "box": self._box, "keep": self._keep,
            "pagebreak": self._pagebreak, "spacer": self._spacer, "header": self._header,
            "logo": self._logo, "details": self._details, "card": self._card,
            "columns": self._columns, "figure": self._figure, "dose": self._dose,
            "log": self._log, "grid": self._grid, "painscale": self._painscale,
            "flow": self._flow,
        }

    def build(self, root: ET.Element, width: float) -> list[Flowable]:
        """The flowables for the story's root element."""
        _check_depth(root)
        return keep_headings_with_next(list(self._children(root, width)))

    def _children(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        for child in element:
            if width < _MIN_WIDTH:
                raise UserError(f"<{child.tag}> inside <{element.tag}> is nested too deeply: "
                                f"it has {max(width, 0):.0f} points of width left",
                                field="story")
            method = self.elements.get(child.tag)
            if method is None:
                where = _PARENTS.get(child.tag)
                raise UserError(f"<{child.tag}> belongs inside {where}" if where else
                                f"unknown element <{child.tag}> in the templates", field="story")
            yield from method(child, width)

    def _cell(self, element: ET.Element, width: float) -> list[Flowable]:
        """The flowables of an element laid out in a table cell (a box, a card, a column).

        A cell is laid out as a whole, so what is kept together inside it (a nested box or
        card, ``<keep>``, a log) is kept by the cell; balanced columns print as one column
        there. A page break cannot go inside a cell: it is refused here, at its element.
        """
        children = list(self._children(element, width))
        if cards_in(children):
            # A cell is split inside its row where it must: a card in one would be split over
            # pages without a word (attack 4), its Stop if apart from its steps.
            raise UserError(f"<card> inside <{element.tag}>: an exercise card is kept whole on "
                            f"a page, which {_CELLS} cannot promise; put the card between them",
                            field="story")
        content: list[Flowable] = []
        for flowable in flattened(children):
            if isinstance(flowable, ProseColumns):
                content.extend(flattened(flowable.content))
            elif isinstance(flowable, PageBreak) or getattr(flowable, "locChanger", False):
                raise UserError(f"<pagebreak/> inside <{element.tag}>: a page break cannot go "
                                f"inside {_CELLS}; put it between them", field="story")
            else:
                content.append(flowable)
        return content

    # text

    def _p(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        yield TextBlock(self._inline(element), self.styles.paragraph(element.get("style", "body")))

    def _inline(self, element: ET.Element) -> str:
        return inline(element, self._link_colour)

    def _title(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        yield TextBlock(self._inline(element), self.styles.paragraph("title"))

    def _h1(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        yield self._heading(element, level=0, default_style="h1")

    def _h2(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        yield self._heading(element, level=1, default_style="h2")

    def _heading(self, element: ET.Element, level: int, default_style: str) -> Heading:
        text = " ".join("".join(element.itertext()).split())
        outline = None if element.get("outline") == "no" else text
        return Heading.make(self._inline(element),
                            self.styles.paragraph(element.get("style", default_style)),
                            level=level, key=element.get("id", text), title=outline)

    # An empty list prints nothing (ReportLab cannot lay one out).
    def _ul(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        if len(element):
            yield self._list(element, width, numbered=False)

    def _ol(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        if len(element):
            yield self._list(element, width, numbered=True)

    def _list(self, element: ET.Element, width: float, numbered: bool) -> Items:
        style = self.styles.paragraph(element.get("style", "item"))
        for child in element:
            if child.tag != "li":
                raise UserError(f"<{element.tag}> holds only <li> elements, not <{child.tag}>",
                                field="story")
        items = [ListItem(TextBlock(self._inline(li), style)) for li in element]
        font = self.styles.fonts.bold if numbered else self.styles.fonts.regular
        # Room for the widest label ("12." in a long numbered list) and a gap after it.
        widest = f"{len(items)}." if numbered else "\u2022"
        spec = self.styles.section("list")
        indent = max(style.fontSize * spec["min_indent_em"],
                     stringWidth(widest, font, style.fontSize) + style.fontSize * spec["label_gap_em"])
        return Items(
            items, bulletType="1" if numbered else "bullet", start=None if numbered else "\u2022",
            bulletFontName=font, bulletFontSize=style.fontSize, bulletColor=style.textColor,
            leftIndent=indent, bulletDedent="auto", spaceAfter=spec["space_after"],
            bulletFormat="%s." if numbered else None)

    # blocks

    def _box(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        kind = element.get("style", "info")
        if kind not in _BOX_COLOURS:
            raise UserError(f"unknown box style '{kind}'; valid styles: "
                            + ", ".join(sorted(_BOX_COLOURS)), field="story")
        border_name, tint_name = _BOX_COLOURS[kind]
        box = self.styles.box
        border = box["danger_border"] if kind == "danger" else box["border"]
        inner = width - 2 * box["padding"] - 2 * border
        table = boxed(self._cell(element, inner), width, font=self.styles.fonts.regular,
                      padding=box["padding"], border=border,
                      border_colour=self.styles.colour(border_name),
                      background=self.styles.colour(tint_name), space_after=box["space_after"])
        # keep="no" lets a long box (free-text notes) start on the current page and split.
        yield table if element.get("keep") == "no" else Keep([table])

    def _keep(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        content = keep_headings_with_next(list(self._children(element, width)))
        if len(content) == 1 and isinstance(content[0], KeepTogether):
            yield content[0]
        else:
            yield Keep(content)

    def _pagebreak(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        yield PageBreak()

    def _spacer(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        text = element.get("height", "6")
        try:
            height = float(text)
        except ValueError:
            height = math.nan
        if not 0 <= height <= _MAX_SPACER:  # also false for nan
            raise UserError(f"<spacer height=\"{text}\">: the height must be a number of points "
                            f"from 0 to {_MAX_SPACER}", field="story")
        yield Spacer(width, height * self.styles.scale)

    def _header(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        """The title block; with a logo, the logo sits at the right of the title."""
        logos = list(self._logo(element, width)) if element.find("logo") is not None else []
        rest = ET.Element("header")
        rest.extend(child for child in element if child.tag != "logo")
        if not logos:
            yield from self._children(rest, width)
            return
        logo_width = logos[0].drawWidth
        gap = self.styles.section("logo")["gap"]
        yield side_by_side(self._cell(rest, width - logo_width - gap), logos,
                           [width - logo_width, logo_width], font=self.styles.fonts.regular,
                           gap=gap)

    def _logo(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        if self.logo is None:
            return
        spec = self.styles.section("logo")
        image = Image(io.BytesIO(print_ready(self.logo)))
        scale = min(spec["height"] / image.imageHeight,
                    width * spec["max_width_share"] / image.imageWidth)
        image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
        image.hAlign = "RIGHT"
        yield image

    def _details(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        """Label-and-value pairs, ``columns`` pairs to a row, labels aligned in each column;
        a ``writein="yes"`` row with no value is a line to write on."""
        spec = self.styles.section("details")
        label_style = self.styles.paragraph("label")
        body = self.styles.paragraph("body")
        columns = _count(element.get("columns", "1"), "details columns")
        rows = list(element)
        for row in rows:
            if row.tag != "row":
                raise UserError(f"<details> holds only <row> elements, not <{row.tag}>",
                                field="story")
        if not rows:
            return
        gap = spec["column_gap"]
        labels, values = _pair_widths(rows, columns, width, spec, label_style, body)
        words = ((n, word) for n, row in enumerate(rows) for word in "".join(row.itertext()).split())
        if columns > 1 and any(stringWidth(word, body.fontName, body.fontSize) > values[n % columns]
                               for n, word in words):
            # A word would break in the middle: one pair to a row instead.
            one = ET.Element("details", columns="1")
            one.extend(rows)
            yield from self._details(one, width)
            return
        # Columns: label, value, then an empty gap column before the next pair (so a
        # write-in line stops short of the next label).
        widths: list[float] = []
        for column in range(columns):
            widths += [labels[column], values[column]] + ([gap] if column < columns - 1 else [])
        table_rows: list[list[object]] = []
        commands: list[tuple[object, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.regular),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), spec["row_gap"]),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
        heights: list[float] = []
        for start in range(0, len(rows), columns):
            cells: list[object] = []
            height = 0.0
            for column, row in enumerate(rows[start:start + columns]):
                cells += [TextBlock(escape(row.get("label", "")), label_style),
                          TextBlock(self._inline(row), body)]
                at, line = len(cells) - 1, len(table_rows)  # the value's cell
                if column < columns - 1:
                    cells.append("")
                if row.get("writein") == "yes" and not "".join(row.itertext()).strip():
                    commands.append(("LINEBELOW", (at, line), (at, line), spec["writein_rule"],
                                     self.styles.colour("ink")))
                    height = spec["writein_height"]
            cells += [""] * (len(widths) - len(cells))
            table_rows.append(cells)
            heights.append(height)
        yield Cells(table_rows, widths, commands, h_align="LEFT", min_row_heights=heights,
                    space_after=spec["space_after"], split_in_row=False)

    def _grid(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        """Cells side by side, ``columns`` to a row: short fields in a compact grid."""
        spec = self.styles.section("grid", element.get("style", "card"))
        columns = _count(element.get("columns", "2"), "grid columns")
        cells = list(element)
        if any(cell.tag != "cell" for cell in cells):
            raise UserError("<grid> holds only <cell> elements", field="story")
        if not cells:
            return
        gap = spec["gap"]
        # Fewer columns where they would be narrower than min_column_width (large print:
        # a box's two columns of 16 pt type held three or four words a line).
        minimum = spec.get("min_column_width", 0)
        if minimum:
            columns = max(1, min(columns, int((width + gap) // (minimum + gap))))
        # Equal columns, or with ``middle_share``, a middle column (a small figure) that
        # takes that share of the width and the others sharing the rest.
        usable = width - gap * (columns - 1)
        middle = spec.get("middle_share", 0) if columns > 2 else 0
        widths = [usable * (1 - middle) / (columns - 1 if middle else columns)] * columns
        if middle:
            widths[columns // 2] = usable * middle
        # A table cell cannot hold a KeepTogether (it reports a huge height): a row is kept
        # whole anyway.
        content = [self._cell(cell, widths[n % columns]) for n, cell in enumerate(cells)]
        rows = [content[start:start + columns] for start in range(0, len(content), columns)]
        rows[-1] += [[] for _ in range(columns - len(rows[-1]))]
        commands = [("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.regular),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), gap),
                    ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), spec["row_gap"]),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]
        if spec["rule"]:
            commands.append(("LINEABOVE", (0, 0), (-1, -1), spec["rule"],
                             self.styles.colour("rule")))
        # A grid at the foot of a page splits as a Table, inside its row if need be.
        yield Cells(rows, [w + gap for w in widths[:-1]] + [widths[-1]], commands,
                    h_align="LEFT", space_after=spec["space_after"])

    def _flow(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        """Prose in ``columns`` balanced columns, read down each in turn: shorter lines than
        the page's full width, at about the same height. Fewer columns where they would be
        too narrow."""
        spec = self.styles.section("flow")
        columns = _count(element.get("columns", "2"), "flow columns")
        # No narrower than min_column_width (large print: one column of its own short lines)
        columns = max(1, min(columns, math.floor((width + spec["gap"])
                                                 / (spec["min_column_width"] + spec["gap"]))))
        inner = width if columns == 1 else (width - spec["gap"] * (columns - 1)) / columns
        content = list(self._children(element, inner))
        if any(isinstance(flowable, KeepTogether) for flowable in content):
            # Balanced columns split their content to fill them; a group kept whole cannot be
            # (attack 4: a long box was a ReportLab traceback, a short one "taller than a page").
            raise UserError("<flow> balances prose over columns: its <box>, <keep> or <card> "
                            "cannot be split to fill them; put it before or after the <flow>",
                            field="story")
        if columns == 1:  # refused above in one column too: a template works in both prints or neither
            yield from content
        elif content:
            yield ProseColumns(content, columns, spec["gap"], spec["space_after"])

    def _painscale(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        """The 0-10 pain scale drawn as a bar of numbered cells, coloured by band, with each
        band's label under it."""
        spec = self.styles.section("painscale")
        zones = element.findall("zone")
        if not zones or len(zones) != len(list(element)):
            raise UserError("<painscale> holds one or more <zone> elements and nothing else",
                            field="story")
        number_style = self.styles.paragraph("scale_number")
        cells: list[object] = []
        labels: list[object] = []
        commands: list[tuple[object, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.regular),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"), ("VALIGN", (0, 1), (-1, 1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 1), ("RIGHTPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (-1, 0), 0), ("BOTTOMPADDING", (0, 0), (-1, 0), 0),
            ("TOPPADDING", (0, 1), (-1, 1), spec["label_gap"]),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 0),
            ("LINEAFTER", (0, 0), (-2, 0), spec["divider"], self.styles.colour("page")),
        ]
        for zone in zones:
            low, high = (_count(zone.get(key, ""), f"zone {key}", minimum=0)
                         for key in ("low", "high"))
            colour = self.styles.colour(zone.get("colour", "ink"))
            first = len(cells)
            for number in range(low, high + 1):
                cells.append(TextBlock(str(number), number_style))
            label_style = self.styles.paragraph("scale_label").clone(
                f"scale_label_{zone.get('colour')}", textColor=colour)
            labels += [TextBlock(self._inline(zone), label_style)] + [""] * (high - low)
            commands += [("BACKGROUND", (first, 0), (len(cells) - 1, 0), colour),
                         ("SPAN", (first, 1), (len(cells) - 1, 1))]
        cell_width = min(width / len(cells), spec["max_cell_width"])
        yield Cells([cells, labels], [cell_width] * len(cells), commands,
                    row_heights=[spec["height"], None], h_align="LEFT",
                    space_after=spec["space_after"], split_in_row=False)

    # exercise cards

    def _card(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        spec = self.styles.card
        inner = width - 2 * spec["padding"] - 2 * spec["border"]
        band_element = element.find("band")
        band = list(self._band(band_element, inner)) if band_element is not None else []
        body = [child for child in element if child.tag != "band"]
        holder = ET.Element("card")
        holder.extend(body)
        yield card(band, self._cell(holder, inner), width,
                   font=self.styles.fonts.regular, padding=spec["padding"], band_padding=spec["band_padding"],
                   border=spec["border"], colour=self.styles.colour("card_band"),
                   space_after=spec["space_after"], exercise=element.get("exercise"))

    def _band(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        parts = self._cell(element, width)
        kind_width = width * self.styles.card["kind_share"]
        yield side_by_side(parts[:1], parts[1:], [width - kind_width, kind_width],
                           font=self.styles.fonts.regular, gap=self.styles.card["band_gap"])

    def _columns(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        """A figure column and a text column; ``kind`` names the styles section with the
        figure column's width (``card`` or ``plan``)."""
        kind = element.get("kind", "card")
        if kind not in ("card", "plan"):
            raise UserError(f"<columns kind=\"{kind}\">: the kinds are card and plan",
                            field="story")
        spec = self.styles.section(kind)
        columns = list(element)
        if len(columns) != 2 or any(column.tag != "column" for column in columns):
            raise UserError("<columns> needs exactly two <column> elements and nothing else; "
                            f"found {len(columns)}", field="story")
        left, right = columns
        left_width = min(spec["figure_width"], width * spec["max_figure_share"])
        right_width = width - left_width - spec["column_gap"]
        yield side_by_side(self._cell(left, left_width), self._cell(right, right_width),
                           [left_width + spec["column_gap"], right_width],
                           font=self.styles.fonts.regular, gap=spec["column_gap"],
                           space_after=self.styles.paragraph("body").spaceAfter)

    def _figure(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        exercise_id = element.get("exercise", "")
        variant = element.get("variant", "main")
        if element.get("drawing") is not None:  # a drawing of its own, not an exercise's
            exercise_id, variant = element.get("drawing", ""), "drawing"
        elif variant not in ("main", "easier"):
            raise UserError(f"<figure variant=\"{variant}\">: the variants are main and easier",
                            field="story")
        size = element.get("size", "column")
        if size not in ("column", "wide"):
            raise UserError(f"<figure size=\"{size}\">: the sizes are column and wide", field="story")
        # A wide figure spans what it is given (a whole card), kept low: card.wide_figure_height.
        max_height = self.styles.card["wide_figure_height"] if size == "wide" else None
        try:
            figure = self.figure(exercise_id, width, variant, max_height)
        except KeyError as error:
            if error.args != (exercise_id,):  # a bug inside the factory, not a bad id
                raise
            if variant == "drawing":
                raise UserError(f"<figure drawing=\"{exercise_id}\">: there is no drawing "
                                f"'{exercise_id}'", field="story") from None
            raise UserError(f"<figure exercise=\"{exercise_id}\">: the pack has no exercise "
                            f"'{exercise_id}'", field="story") from None
        if figure is None:
            return
        yield figure
        yield Spacer(width, self.styles.card["figure_space_after"])

    def _dose(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        spec = self.styles.section("dose")
        padding, border = spec["padding"], spec["border"]
        yield boxed(self._cell(element, width - 2 * padding - 2 * border), width,
                    font=self.styles.fonts.regular, padding=padding, border=border,
                    border_colour=self.styles.colour("safety"),
                    background=self.styles.colour("safety_tint"), space_after=spec["space_after"])

    # the tick log

    def _log(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        spec = self.styles.log
        self._log_label = element.get("label", "")
        weeks = element.findall("week")
        rows = element.findall("row")
        # As many weeks side by side as fit the width beside the narrowest names (large
        # print: fewer); the names then take what is left, up to name_width.
        room = (width - spec["min_name_width"]) // (_DAYS_A_WEEK * spec["day_width"])
        per_table = max(1, min(int(spec["weeks_per_table"]), int(room)))
        for start in range(0, len(weeks), per_table):
            yield self._log_table(weeks[start:start + per_table], rows, width)

    def _log_table(self, weeks: list[ET.Element], rows: list[ET.Element], width: float) -> Keep:
        spec = self.styles.log
        cell = self.styles.paragraph("cell")
        label = self.styles.paragraph("label")
        days = [day for week in weeks for day in week.findall("day")]
        day_width = spec["day_width"]
        name_width = min(spec["name_width"], width - day_width * len(days))
        header_weeks: list[object] = [""]
        day_label = TextBlock(escape(self._log_label), label)
        spans = []
        column = 1
        for week in weeks:
            count = len(week.findall("day"))
            header_weeks += [TextBlock(escape(week.get("title", "")), label)] + [""] * (count - 1)
            spans.append(("SPAN", (column, 0), (column + count - 1, 0)))
            column += count
        header_days = [day_label] + ["\n".join(part for part in (day.get("name", ""),
                                                                     " ".join(day.itertext()).strip())
                                                   if part) for day in days]
        body = [[TextBlock(self._inline(row), cell)] + [""] * len(days) for row in rows]
        grid = self.styles.colour("log_grid")
        tint = self.styles.colour("info_tint")
        # Body rows start at table row 2, under the two header rows.
        score_rows = [("BACKGROUND", (0, number + 2), (-1, number + 2), tint)
                      for number, row in enumerate(rows) if row.get("kind") == "score"]
        table = Cells([header_weeks, header_days, *body],
                      [name_width] + [day_width] * len(days),
                      min_row_heights=[0, 0] + [spec["row_height"]] * len(body),
                      repeat_rows=2, h_align="LEFT", space_after=spec["space_after"],
                      split_in_row=False, commands=[
                          *spans,
                          ("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.regular),
                          ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
                          ("LEADING", (0, 0), (-1, -1), cell.leading),
                          ("GRID", (1, 1), (-1, -1), spec["rule"], grid),
                          ("LINEBELOW", (0, 1), (0, -1), spec["rule"], grid),
                          ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                          ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                          ("LEFTPADDING", (0, 0), (-1, -1), spec["padding"]),
                          ("RIGHTPADDING", (0, 0), (-1, -1), spec["padding"]),
                          ("TOPPADDING", (0, 0), (-1, -1), spec["padding"]),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), spec["padding"]),
                          *score_rows,
                      ])
        return Keep([table])


def _pair_widths(rows: Sequence[ET.Element], columns: int, width: float,
                 spec: Mapping[str, float], label_style: ParagraphStyle,
                 body: ParagraphStyle) -> tuple[list[float], list[float]]:
    """The label and value widths of each pair of a details table.

    Each pair is as wide as its content needs (labels and values on one line where they
    can be), the spare width shared out; when there is none, the widest pair gives way.
    Labels are never wider than ``max_label_share`` of their pair.
    """
    def natural(text: str, style: ParagraphStyle) -> float:
        return stringWidth(text, style.fontName, style.fontSize)

    def value_width(row: ET.Element) -> float:
        text = " ".join("".join(row.itertext()).split())
        if not text and row.get("writein") == "yes":
            return spec["writein_width"]
        return natural(text, body)

    usable = width - spec["column_gap"] * (columns - 1)
    labels = [max(natural(row.get("label", ""), label_style) for row in rows[c::columns])
              + spec["label_gap"] for c in range(columns)]
    values = [max(value_width(row) for row in rows[c::columns]) + spec["value_slack"]
              for c in range(columns)]
    needs = [label + value for label, value in zip(labels, values)]
    spare = usable - sum(needs)
    if spare >= 0:
        pairs = [need + spare / columns for need in needs]
    else:
        widest = needs.index(max(needs))
        pairs = [min(need, usable / columns) for need in needs]
        pairs[widest] = usable - sum(pairs) + pairs[widest]
    labels = [min(label, pair * spec["max_label_share"]) for label, pair in zip(labels, pairs)]
    return labels, [pair - label for label, pair in zip(labels, pairs)]


def _check_depth(root: ET.Element) -> None:
    """Refuse elements nested more deeply than any handout needs (the builder recurses)."""
    level = [root]
    for _ in range(_MAX_DEPTH):
        level = [child for element in level for child in element]
        if not level:
            return
    raise UserError(f"<{level[0].tag}> is nested more than {_MAX_DEPTH} elements deep",
                    field="story")


def _count(text: str, what: str, minimum: int = 1) -> int:
    """A whole-number attribute of the story (columns, a scale's numbers)."""
    if not text.strip().isdigit() or int(text) < minimum or int(text) > _MAX_COUNT:
        raise UserError(f"{what} must be a whole number from {minimum} to {_MAX_COUNT}, "
                        f"not {text!r}",
                        field="story")
    return int(text)


def keep_headings_with_next(flowables: Sequence[Flowable]) -> list[Flowable]:
    """Each run of keep-with-next flowables (headings, labels) in one Keep with what follows.

    ReportLab's own keepWithNext does not join a heading to a KeepTogether (a box, a
    card, ``<keep>``) or to a list, so a heading could end a page. A following
    KeepTogether is merged into the group rather than nested. A list is replaced by its
    items (as ReportLab does when it splits one) and only the first joins the group:
    a long list then starts under its heading instead of leaving a gap. A run followed
    by a page break, or by nothing, stays alone.
    """
    grouped: list[Flowable] = []
    run: list[Flowable] = []
    for flowable in flowables:
        if flowable.getKeepWithNext() and not getattr(flowable, "locChanger", False):
            run.append(flowable)
            continue
        if run and not getattr(flowable, "locChanger", False):
            following: list[Flowable] = [flowable]
            rest: list[Flowable] = []
            if isinstance(flowable, KeepTogether):
                following = list(flowable._content)
            elif isinstance(flowable, ListFlowable):
                items = list(flowable._content)
                following, rest = items[:1], items[1:]
            grouped.append(Keep([*run, *following]))
            grouped.extend(rest)
        else:
            grouped.extend(run)
            grouped.append(flowable)
        run = []
    grouped.extend(run)
    return grouped


# An element's text without inline tags -> its markup: the pack's text is the same in every
# handout. Bounded; a dictionary's single look-ups and stores are safe under threads.
_PLAIN_MARKUP: dict[str, str] = {}
_PLAIN_MARKUP_LIMIT = 8192


def inline(element: ET.Element, link_colour: str) -> str:
    """ReportLab paragraph markup for an element's content: text escaped, few tags kept."""
    if not len(element):
        text = element.text or ""
        markup = _PLAIN_MARKUP.get(text)
        if markup is None:
            markup = " ".join(escape(text).split())
            if len(_PLAIN_MARKUP) >= _PLAIN_MARKUP_LIMIT:
                _PLAIN_MARKUP.clear()
            _PLAIN_MARKUP[text] = markup
        return markup
    parts = [escape(element.text or "")]
    for child in element:
        if child.tag == "b":
            parts.append(f"<b>{inline(child, link_colour)}</b>")
        elif child.tag == "br":
            parts.append("<br/>")
        elif child.tag == "a":
            href = child.get("href", "")
            parts.append(f"<a href={quoteattr(href)} color={quoteattr(link_colour)}>"
                         f"{inline(child, link_colour)}</a>")
        else:
            raise UserError(f"unknown inline element <{child.tag}> in the templates", field="story")
        parts.append(escape(child.tail or ""))
    return " ".join("".join(parts).split())
