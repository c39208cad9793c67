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
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (Flowable, Image, KeepTogether, ListFlowable, ListItem, PageBreak,
                                Spacer, Table, TableStyle)

from ..errors import UserError
from ..images import print_ready
from .escaping import escape, quoteattr
from .flowables import Heading, Keep, TextBlock, boxed, card, side_by_side
from .styles import Styles

# (exercise id, width, height) -> the figure; raises KeyError(id) for an id not in the pack.
FigureFactory = Callable[[str, float, float], Flowable]
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
}

_MAX_SPACER = 300  # points: a spacer taller than a page would stop the layout


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

    def __init__(self, styles: Styles, figure: FigureFactory, logo: Path | None) -> None:
        self.styles = styles
        self.figure = figure
        self.logo = logo
        # An explicit table, so no tag can reach a helper method by its name.
        self.elements: dict[str, ElementMethod] = {
            "p": self._p, "title": self._title, "h1": self._h1, "h2": self._h2,
            "ul": self._ul, "ol": self._ol, "box": self._box, "keep": self._keep,
            "pagebreak": self._pagebreak, "spacer": self._spacer, "header": self._header,
            "logo": self._logo, "details": self._details, "card": self._card,
            "columns": self._columns, "figure": self._figure, "dose": self._dose,
            "log": self._log,
        }

    def build(self, root: ET.Element, width: float) -> list[Flowable]:
        """The flowables for the story's root element."""
        return keep_headings_with_next(list(self._children(root, width)))

    def _children(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        for child in element:
            method = self.elements.get(child.tag)
            if method is None:
                where = _PARENTS.get(child.tag)
                raise UserError(f"<{child.tag}> belongs inside {where}" if where else
                                f"unknown element <{child.tag}> in the templates", field="story")
            yield from method(child, width)

    # text

    def _p(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        yield TextBlock(self._inline(element), self.styles.paragraph(element.get("style", "body")))

    def _inline(self, element: ET.Element) -> str:
        return inline(element, "#" + self.styles.colour("link").hexval()[2:])

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

    def _ul(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        yield self._list(element, width, numbered=False)

    def _ol(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        yield self._list(element, width, numbered=True)

    def _list(self, element: ET.Element, width: float, numbered: bool) -> ListFlowable:
        style = self.styles.paragraph(element.get("style", "item"))
        for child in element:
            if child.tag != "li":
                raise UserError(f"<{element.tag}> holds only <li> elements, not <{child.tag}>",
                                field="story")
        items = [ListItem(TextBlock(self._inline(li), style)) for li in element]
        font = self.styles.fonts.bold if numbered else self.styles.fonts.regular
        # Room for the widest label ("12." in a long numbered list) and a gap after it.
        widest = f"{len(items)}." if numbered else "\u2022"
        indent = max(style.fontSize * 1.8,
                     stringWidth(widest, font, style.fontSize) + style.fontSize * 0.6)
        return ListFlowable(
            items, bulletType="1" if numbered else "bullet", start=None if numbered else "\u2022",
            bulletFontName=font, bulletFontSize=style.fontSize, bulletColor=style.textColor,
            leftIndent=indent, bulletDedent="auto", spaceAfter=style.spaceAfter * 2,
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
        table = boxed(list(self._children(element, inner)), width, font=self.styles.fonts.regular,
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
        yield from self._children(element, width)

    def _logo(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        if self.logo is None:
            return
        height = 60 * self.styles.scale
        image = Image(io.BytesIO(print_ready(self.logo)))
        scale = min(height / image.imageHeight, width * 0.4 / image.imageWidth)
        image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
        image.hAlign = "RIGHT"
        yield image

    def _details(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        label_style = self.styles.paragraph("label")
        body = self.styles.paragraph("body")
        rows = [[TextBlock(escape(row.get("label", "")), label_style), TextBlock(self._inline(row), body)]
                for row in element]
        if not rows:
            return
        label_width = max(body.fontSize * 8, width * 0.2)
        yield Table(rows, colWidths=[label_width, width - label_width], hAlign="LEFT",
                    splitInRow=1, spaceAfter=body.spaceAfter * 2,
                    style=TableStyle([("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.regular),
                                      ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                      ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("TOPPADDING", (0, 0), (-1, -1), 1),
                                      ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                      ("LINEBELOW", (0, -1), (-1, -1), 1,
                                       self.styles.colour("rule"))]))

    # exercise cards

    def _card(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        spec = self.styles.card
        inner = width - 2 * spec["padding"] - 2 * spec["border"]
        band_element = element.find("band")
        band = list(self._band(band_element, inner)) if band_element is not None else []
        body = [child for child in element if child.tag != "band"]
        holder = ET.Element("body")
        holder.extend(body)
        yield card(band, list(self._children(holder, inner)), width,
                   font=self.styles.fonts.regular, padding=spec["padding"], band_padding=spec["band_padding"],
                   border=spec["border"], colour=self.styles.colour("card_band"),
                   space_after=spec["space_after"])

    def _band(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        parts = list(self._children(element, width))
        kind_width = width * 0.25
        yield side_by_side(parts[:1], parts[1:], [width - kind_width, kind_width],
                           font=self.styles.fonts.regular, gap=6)

    def _columns(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        spec = self.styles.card
        columns = list(element)
        if len(columns) != 2 or any(column.tag != "column" for column in columns):
            raise UserError("<columns> needs exactly two <column> elements and nothing else; "
                            f"found {len(columns)}", field="story")
        left, right = columns
        left_width = spec["figure_width"]
        right_width = width - left_width - spec["column_gap"]
        yield side_by_side(list(self._children(left, left_width)),
                           list(self._children(right, right_width)),
                           [left_width + spec["column_gap"], right_width],
                           font=self.styles.fonts.regular, gap=spec["column_gap"],
                           space_after=self.styles.paragraph("body").spaceAfter)

    def _figure(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        height = self.styles.card["figure_height"]
        exercise_id = element.get("exercise", "")
        try:
            figure = self.figure(exercise_id, width, height)
        except KeyError as error:
            if error.args != (exercise_id,):  # a bug inside the factory, not a bad id
                raise
            raise UserError(f"<figure exercise=\"{exercise_id}\">: the pack has no exercise "
                            f"'{exercise_id}'", field="story") from None
        yield figure
        yield Spacer(width, 6 * self.styles.scale)

    def _dose(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        padding = self.styles.box["padding"] * 0.6
        yield boxed(list(self._children(element, width - 2 * padding - 2)), width,
                    font=self.styles.fonts.regular, padding=padding, border=1, border_colour=self.styles.colour("safety"),
                    background=self.styles.colour("safety_tint"))

    # the tick log

    def _log(self, element: ET.Element, width: float) -> Iterator[Flowable]:
        spec = self.styles.log
        weeks = element.findall("week")
        rows = element.findall("row")
        per_table = max(1, int(spec["weeks_per_table"]))
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
        spans = []
        column = 1
        for week in weeks:
            count = len(week.findall("day"))
            header_weeks += [TextBlock(escape(week.get("title", "")), label)] + [""] * (count - 1)
            spans.append(("SPAN", (column, 0), (column + count - 1, 0)))
            column += count
        header_days = [""] + [" ".join(day.itertext()).strip() for day in days]
        body = [[TextBlock(self._inline(row), cell)] + [""] * len(days) for row in rows]
        grid = self.styles.colour("log_grid")
        tint = self.styles.colour("info_tint")
        # Body rows start at table row 2, under the two header rows.
        score_rows = [("BACKGROUND", (0, number + 2), (-1, number + 2), tint)
                      for number, row in enumerate(rows) if row.get("kind") == "score"]
        table = Table([header_weeks, header_days, *body],
                      colWidths=[name_width] + [day_width] * len(days),
                      minRowHeights=[0, 0] + [spec["row_height"]] * len(body),
                      repeatRows=2, hAlign="LEFT", spaceAfter=12 * self.styles.scale,
                      style=TableStyle([
                          *spans,
                          ("FONTNAME", (0, 0), (-1, -1), self.styles.fonts.regular),
                          ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
                          ("LEADING", (0, 0), (-1, -1), cell.leading),
                          ("GRID", (1, 1), (-1, -1), 0.8, grid),
                          ("LINEBELOW", (0, 1), (0, -1), 0.8, grid),
                          ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                          ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 2),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                          ("TOPPADDING", (0, 0), (-1, -1), 3),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                          *score_rows,
                      ]))
        return Keep([table])


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


def inline(element: ET.Element, link_colour: str) -> str:
    """ReportLab paragraph markup for an element's content: text escaped, few tags kept."""
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
