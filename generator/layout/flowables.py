"""Small ReportLab building blocks: headings that bookmark themselves, boxes and cards.

Every table names its font: ReportLab's table cells otherwise set Helvetica, a font
that would then be referenced, unembedded, in the PDF.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, cast

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, Paragraph
from reportlab.platypus.paragraph import _SplitFrag
from reportlab.rl_config import _FUZZ, listWrapOnFakeWidth

from . import linebreaks
from .cells import Cells


_PARSED: dict[tuple[object, ...], list[Any]] = {}
_PARSED_LIMIT = 20_000
_UNBOUNDED = 0xFFFFFF  # the height offered to measure something's natural height
_SET_BY_BREAKING = ("_width_max", "_splitLongWordCount", "_hyphenations")
_WIDOW_LINES = 3  # Paragraph.split moves a line down to a widow from this many lines up


class TextBlock(Paragraph):
    """A paragraph that parses its markup once per process and breaks its lines once per width.

    Most text is the same in every handout a process builds (the pack's), and tables and
    KeepTogether wrap the same paragraph several times at the same width: both caches
    together halve a build's time. Parsed fragments are shared until ReportLab breaks
    lines from them (then cloned: breaking may edit them); line breaks are shared through
    :mod:`generator.layout.linebreaks`, read only (see :meth:`split`).
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None
    _line_key: tuple[object, ...] | None = None  # None: not remembered
    _broken_at: tuple[tuple[object, ...], Any] | None = None  # the last breaks' key, lines
    _shared_lines = False
    _frags_shared = False  # self.frags is the parsed text's own list, not a clone

    def __init__(self, text: str | None, style: ParagraphStyle, bulletText: Any = None,
                 frags: list[Any] | None = None, **kwargs: Any) -> None:
        if frags is not None or text is None:  # Paragraph.split makes its parts this way
            super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)
            return
        key = (text, linebreaks.fingerprint(style))
        # ReportLab reverses a right-to-left paragraph's lines when it draws them.
        remembered = (bulletText is None and not kwargs
                      and getattr(style, "wordWrap", None) in (None, "", "LTR"))
        parsed = _PARSED.get(key)
        if parsed is None:
            super().__init__(text, style)
            if len(_PARSED) < _PARSED_LIMIT:
                parsed = _PARSED[key] = [frag.clone() for frag in self.frags]
        elif remembered:  # shared, only read, until breakLines needs its own (a miss)
            super().__init__(text, style, frags=parsed)
            self._frags_shared = True
        else:
            super().__init__(text, style, frags=[frag.clone() for frag in parsed])
        if parsed is not None and remembered:
            self._line_key = key

    def breakLines(self, width: Any) -> Any:  # noqa: N802
        if self._line_key is None:
            return super().breakLines(width)
        key = (*self._line_key, tuple(width) if isinstance(width, (list, tuple)) else width)
        found = linebreaks.remembered(key)
        if found is None:
            if self._frags_shared:
                self.frags = [frag.clone() for frag in self.frags]
                self._frags_shared = False
            lines = super().breakLines(width)
            found = (lines, self.frags if lines.kind == 1 else None,
                     {name: vars(self)[name] for name in _SET_BY_BREAKING if name in vars(self)})
            linebreaks.remember(key, found)
        lines, frags, attributes = found
        if frags is not None:  # breakLines replaces a marked-up paragraph's fragments
            self.frags = frags
        vars(self).update(attributes)
        self._shared_lines = True
        self._broken_at = (key, lines)
        return lines

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if self._shared_lines and "blPara" in vars(self) and self.blPara.kind == 1:
            # Splitting marked-up lines turns a hyphenated word's fragment at the split
            # into another class, in place: those fragments are copied first. Plain lines
            # (kind 0) are only read.
            self.frags = [copy.copy(frag) if isinstance(frag, _SplitFrag) else frag
                          for frag in self.frags]
            self._shared_lines = False
        parts = super().split(availWidth, availHeight)
        broken = self._broken_at
        if (len(parts) == 2 and broken is not None and broken[1] is vars(self).get("blPara")
                and all(isinstance(part, TextBlock) for part in parts)):
            # The parts' text follows from this one's lines and where they were split:
            # their own line breaks are remembered under that (balanced columns split the
            # same pack text at the same lines for every patient).
            head, tail = cast(list[TextBlock], parts)
            count = len(head.blPara.lines)
            head._line_key = (*broken[0], "head", count)
            tail._line_key = (*broken[0], "tail", count)
        return parts

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # split() may delete blPara (an orphan it refused): then break the lines again.
        if self._wrapped is not None and self._wrapped[0] == availWidth and "blPara" in vars(self):
            return self._wrapped[1]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, size)
        return size


class Heading(TextBlock):
    """A heading paragraph that adds itself to the PDF outline (bookmarks) when drawn.

    Drawing time, not ``afterFlowable``, so headings inside boxes and cards count too.
    The outline entry is a class default of None, so the parts of a split heading
    (made by Paragraph.split with the plain constructor) do not bookmark twice.
    """

    outline: tuple[str, str, int] | None = None  # (key, title, level)

    @classmethod
    def make(cls, markup: str, style: ParagraphStyle, *, level: int, key: str,
             title: str | None) -> Heading:
        heading = cls(markup, style)
        if title:
            heading.outline = (key, title, level)
        return heading

    def draw(self) -> None:
        if self.outline is not None:
            key, title, level = self.outline
            self.canv.bookmarkHorizontal(key, 0, self.height)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)
        super().draw()


class Keep(KeepTogether):
    """KeepTogether that may hold other KeepTogethers.

    ReportLab's KeepTogether reports a huge height from ``wrap`` to force a ``split``, so
    one nested inside another would always look taller than the page and be pushed to
    the next. Keep measures nested ones by their content instead; when it is split,
    the nested ones flow on and still keep their own content together.
    """

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        content = flattened(self._content)
        stacked = stacked_size(content, availWidth, self.canv)
        if stacked is None:
            nested = self._content
            self._content = content
            try:
                return super().wrap(availWidth, availHeight)
            finally:
                self._content = nested
        width, self._H, self._H0 = stacked
        self._wrapInfo = availWidth, availHeight
        return width, 0xFFFFFF

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        # The page template adds the first part as it is, unsplit; a KeepTogether, whose
        # wrap reports a huge height, would not fit: let it come back through the queue.
        if parts and isinstance(parts[0], KeepTogether):
            parts.insert(0, self.NullActionFlowable())
        return parts


class Items(ListFlowable):
    """ReportLab's ListFlowable, measured as it measures itself, without the copy of the
    whole frame it makes on every wrap (see :func:`stacked_size`)."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._dims != availWidth:
            stacked = stacked_size(self._content, availWidth, self.canv)
            if stacked is None:
                return super().wrap(availWidth, availHeight)
            self.width, self.height, _ = stacked
            self._dims = availWidth
        return self.width, self.height


def stacked_size(content: Sequence[Flowable], width: float, canvas: Any,
                 ) -> tuple[float, float, float] | None:
    """(width, height, first part's height) of flowables stacked, added up as ReportLab's
    _listWrapOn adds them up, without the copy of the whole frame it makes on every call
    for content that adds to the frame (none does here); None for content with frame
    actions, which only _listWrapOn handles."""
    if any(hasattr(part, "frameAction") for part in content):
        return None
    widest = height = after = 0.0
    first = None
    at_top = True
    for part in content:
        part_width, part_height = part.wrapOn(canvas, width, 0xFFFFFFF)
        if first is None:
            first = part_height
        if part_height <= _FUZZ:
            continue
        widest = max(widest, min(part_width, width) if listWrapOnFakeWidth else part_width)
        height += part_height
        if not at_top:
            before = after if getattr(part, "_SPACETRANSFER", False) else part.getSpaceBefore()
            height += max(before - after, 0)
        at_top = False
        after = after if getattr(part, "_SPACETRANSFER", False) else part.getSpaceAfter()
        height += after
    return widest, height - after, first or 0


def flattened(content: Sequence[Flowable]) -> list[Flowable]:
    """The flowables with every KeepTogether replaced by its content, recursively."""
    flat: list[Flowable] = []
    for flowable in content:
        if isinstance(flowable, KeepTogether):
            flat.extend(flattened(flowable._content))
        else:
            flat.append(flowable)
    return flat


def boxed(content: Sequence[Flowable], width: float, *, font: str, padding: float,
          border: float, border_colour: colors.Color, background: colors.Color | None = None,
          space_after: float = 0) -> Cells:
    """Content in a bordered, optionally tinted box that may split across pages."""
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("BOX", (0, 0), (-1, -1), border, border_colour),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if background is not None:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), background))
    return Cells([[list(content)]], [width], commands, space_after=space_after)


def card(band: Sequence[Flowable], body: Sequence[Flowable], width: float, *,
         font: str, padding: float, band_padding: float, border: float, colour: colors.Color,
         space_after: float, exercise: str | None = None) -> Card:
    """An exercise card: a coloured band on top, the body below, kept on one page.

    KeepTogether moves the card whole to the next page when it does not fit; only a
    card taller than a whole page (extreme user content) is split, inside its rows.
    """
    rows = [[list(band)], [list(body)]]
    table = Cells(rows, [width], [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("BOX", (0, 0), (-1, -1), border, colour),
        ("BACKGROUND", (0, 0), (-1, 0), colour),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, 0), band_padding),
        ("BOTTOMPADDING", (0, 0), (-1, 0), band_padding),
        ("TOPPADDING", (0, 1), (-1, 1), padding),
        ("BOTTOMPADDING", (0, 1), (-1, 1), padding),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ], space_after=space_after)
    return Card([table], exercise)


class Card(Keep):
    """An exercise card (of the exercise with id ``exercise``, when the template names it):
    a Keep that notes when it was taller than a whole page and so was split, which a build
    refuses (build.py)."""

    taller_than_page = False

    def __init__(self, content: list[Flowable], exercise: str | None = None) -> None:
        super().__init__(content)
        self.exercise = exercise

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts = super().split(availWidth, availHeight)  # measures the card (_H) if need be
        frame = getattr(self, "_frame", None)
        if frame is not None and self._H > frame._height + _FUZZ:
            self.taller_than_page = True
        return parts


def cards_in(flowables: Sequence[Flowable]) -> list[Card]:
    """The exercise cards among ``flowables`` and what they keep together, in order."""
    found: list[Card] = []
    for flowable in flowables:
        if isinstance(flowable, Card):
            found.append(flowable)
        elif isinstance(flowable, KeepTogether):
            found += cards_in(flowable._content)
    return found


def side_by_side(left: Sequence[Flowable], right: Sequence[Flowable], widths: Sequence[float],
                 *, font: str, gap: float, space_after: float = 0) -> Cells:
    """Two columns of flowables, top-aligned, with a gap between them."""
    return Cells([[list(left), list(right)]], list(widths), [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (0, -1), gap),
        ("RIGHTPADDING", (1, 0), (1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ], space_after=space_after)


class ProseColumns(Flowable):
    """Flowables in ``columns`` columns of equal width, read down each in turn, the columns
    as short as the content allows (balanced). Shorter lines than the page's width, at about
    the same height. Splits over pages: the part on this page fills its columns.

    ReportLab's own BalancedColumns searches the height with a golden section, which is
    not monotonic for paragraphs and often leaves a few lines of slack; this one bisects.
    When the content is plain paragraphs, each trial height is tried by counting their
    lines (each paragraph broken once, at the column width) instead of filling the
    columns, which split paragraphs and break their lines again; only the height found
    is filled for real.
    """

    def __init__(self, content: Sequence[Flowable], columns: int, gap: float,
                 space_after: float = 0, filled: list[list[Flowable]] | None = None) -> None:
        super().__init__()
        self.content = list(content)
        self.columns = columns
        self.gap = gap
        self.spaceAfter = space_after
        self._filled = filled
        self._balanced: list[list[Flowable]] = []
        self._column_width = 0.0
        self._height = 0.0
        # The frame and a KeepTogether ask again at the same size: the bisection (ten
        # fills, each splitting paragraphs anew) is then not run again.
        self._wrapped: dict[tuple[float, float], tuple[float, list[list[Flowable]], float]] = {}

    def _fill(self, width: float, height: float) -> tuple[list[list[Flowable]], list[Flowable]]:
        """Columns of at most ``height`` filled in order, and what does not fit."""
        rest = list(self.content)
        filled: list[list[Flowable]] = []
        for _ in range(self.columns):
            column: list[Flowable] = []
            used = 0.0
            while rest:
                part = rest[0]
                _, needed = part.wrapOn(self.canv, width, height - used)
                if used + needed <= height:
                    column.append(rest.pop(0))
                    used += needed + part.getSpaceAfter()
                    continue
                pieces = part.splitOn(self.canv, width, height - used)
                if len(pieces) > 1:
                    column.append(pieces[0])
                    rest[0:1] = pieces[1:]
                break
            filled.append(column)
        return filled, rest

    def _column_height(self, column: list[Flowable]) -> float:
        heights = [part.wrapOn(self.canv, self._column_width, self._height)[1]
                   for part in column]
        spaces = [part.getSpaceAfter() for part in column[:-1]]
        return sum(heights) + sum(spaces)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self._column_width = (availWidth - self.gap * (self.columns - 1)) / self.columns
        known = self._wrapped.get((availWidth, availHeight))
        if known is not None:
            self._height, self._balanced, reported = known
            return availWidth, reported
        reported = self._wrap_columns(availWidth, availHeight)
        self._wrapped[(availWidth, availHeight)] = (self._height, self._balanced, reported)
        return availWidth, reported

    def _fits(self, height: float, lines: list[tuple[int, float, float, bool, bool]] | None,
              ) -> bool:
        """Whether the content fits columns of ``height``: counted from ``lines`` (see
        :meth:`_lines`) when given, else by filling the columns."""
        if lines is None:
            return not self._fill(self._column_width, height)[1]
        return _counted_fill(lines, self.columns, height)

    def _lines(self) -> list[tuple[int, float, float, bool, bool]] | None:
        """For each part, its lines at the column width, leading, space after, and whether
        it allows orphans and widows; None unless every part is a plain paragraph."""
        counted = []
        for part in self.content:
            style = getattr(part, "style", None)
            if (not isinstance(part, Paragraph) or not part.frags or style is None
                    or getattr(part, "autoLeading", getattr(style, "autoLeading", ""))
                    not in ("", "off") or not style.leading > 0):
                return None
            part.wrapOn(self.canv, self._column_width, _UNBOUNDED)
            lines = len(part.blPara.lines)
            if not lines or part.height != lines * style.leading:
                return None
            counted.append((lines, style.leading, part.getSpaceAfter(),
                            bool(getattr(part, "allowOrphans", getattr(style, "allowOrphans", 0))),
                            bool(getattr(part, "allowWidows", getattr(style, "allowWidows", 1)))))
        return counted

    def _wrap_columns(self, availWidth: float, availHeight: float) -> float:  # noqa: N803
        if self._filled is None:
            lines = self._lines()
            while True:
                low, high = 0.0, max(availHeight, 1.0)
                if not self._fits(high, lines):
                    # too tall for the space left: say so, and split() divides it
                    self._height = high
                    self._balanced = []
                    return high + 1
                while high - low > 1:
                    middle = (low + high) / 2
                    if self._fits(middle, lines):
                        high = middle
                    else:
                        low = middle
                filled, rest = self._fill(self._column_width, high)
                if not rest or lines is None:
                    break
                lines = None  # the count was wrong (never seen): search by filling instead
            self._height = high
            self._balanced = filled
        else:
            self._balanced = self._filled
            self._height = max(self._column_height(column) for column in self._filled)
        return self._height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self._column_width = (availWidth - self.gap * (self.columns - 1)) / self.columns
        filled, rest = self._fill(self._column_width, availHeight)
        if not rest:
            return [self]
        if not filled[0]:
            return []
        return [ProseColumns([], self.columns, self.gap, filled=filled),
                ProseColumns(rest, self.columns, self.gap, self.spaceAfter)]

    def draw(self) -> None:
        for number, column in enumerate(self._balanced):
            x = number * (self._column_width + self.gap)
            y = self._height
            for part in column:
                _, height = part.wrapOn(self.canv, self._column_width, self._height)
                part.drawOn(self.canv, x, y - height)
                y -= height + part.getSpaceAfter()


def _counted_fill(lines: Sequence[tuple[int, float, float, bool, bool]], columns: int,
                  height: float) -> bool:
    """Whether paragraphs of these line counts fill ``columns`` columns of ``height`` with
    nothing left over, each column filled in order as :meth:`ProseColumns._fill` does and
    each paragraph split where ReportLab's Paragraph.split would split it."""
    index, left = 0, 0  # the paragraph to place next, and its lines left after a split
    for _ in range(columns):
        used = 0.0
        while index < len(lines):
            count, leading, space_after, orphans, widows = lines[index]
            count = left or count
            if used + count * leading <= height:
                used += count * leading + space_after
                index, left = index + 1, 0
                continue
            room = height - used
            fit = int(room / leading)
            if room < _FUZZ or (not orphans and fit <= 1) or fit == 0 or count <= fit:
                break  # not split here: the paragraph starts the next column
            if not widows and count == fit + 1:
                if not ((orphans and count == _WIDOW_LINES) or count > _WIDOW_LINES):
                    break
                fit -= 1
            left = count - fit
            break
    return index == len(lines)
