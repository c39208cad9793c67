"""The PDF document: page size, frame, footer with "Page X of Y", outline and metadata."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Sequence

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from ..errors import UserError
from ..limits import MAX_PAGES
from ..rules import Frozen, frozen
from .packing import pack_objects
from .styles import Styles

_EPOCH = dt.datetime(1970, 1, 1)
PAGE_SIZES = {"a4": A4, "letter": LETTER}


def use_binary_streams() -> None:
    """Flate-only streams instead of ReportLab's default ASCII85 on top: every PDF is a
    tenth smaller and quicker to write. ReportLab offers this only as a process-wide
    setting; every PDF this program writes wants it, so each writer calls this first."""
    rl_config.useA85 = 0


@frozen
class DocumentInfo(Frozen):
    """What the PDF says about itself, and the footer text."""

    title: str
    author: str
    subject: str
    keywords: Sequence[str]
    language: str
    creator: str
    date: dt.date
    footer: str
    page_label: str  # e.g. "Page %(page)s of %(pages)s", already translated


def frame_width(styles: Styles, page_size: str) -> float:
    """The width text and boxes can use on a page."""
    return PAGE_SIZES[page_size][0] - styles.page["margin_left"] - styles.page["margin_right"]


class TooManyPages(Exception):
    """Layout stopped: the story would print more pages than any handout needs."""


def check_source_date_epoch() -> None:
    """Refuse a SOURCE_DATE_EPOCH that is not a whole number of seconds: ReportLab reads
    the reproducible-builds variable in every canvas it makes, and ended in a ValueError."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch and not re.fullmatch(r"-?\d{1,12}", epoch):
        raise UserError(f"SOURCE_DATE_EPOCH={epoch[:40]!r} is not a whole number of seconds; "
                        "unset it, or give one (the handout's own date is --date)")


def render_pdf(story: list[Flowable], styles: Styles, info: DocumentInfo, page_size: str) -> bytes:
    """Lay the story out and return the PDF's bytes."""
    use_binary_streams()
    buffer = io.BytesIO()
    document = _HandoutDocument(buffer, styles, info, page_size)
    document.build(story, canvasmaker=_canvas_maker(styles, info))
    return pack_objects(buffer.getvalue())


class _HandoutDocument(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, styles: Styles, info: DocumentInfo,
                 page_size: str) -> None:
        page = styles.page
        width, height = PAGE_SIZES[page_size]
        super().__init__(
            buffer, pagesize=(width, height), title=info.title, author=info.author,
            subject=info.subject, keywords=list(info.keywords), creator=info.creator,
            producer=info.creator, lang=info.language, invariant=1, displayDocTitle=1,
            leftMargin=page["margin_left"], rightMargin=page["margin_right"],
            topMargin=page["margin_top"], bottomMargin=page["margin_bottom"],
            initialFontName=styles.fonts.regular, initialFontSize=12)
        footer_room = page["footer_gap"] + page["footer_size"] * page["footer_room"]
        frame = Frame(self.leftMargin, max(self.bottomMargin, footer_room), self.width,
                      height - self.topMargin - max(self.bottomMargin, footer_room),
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])


def _canvas_maker(styles: Styles, info: DocumentInfo) -> type[Canvas]:
    """A canvas with the handout's date and a footer on every page.

    The page count is a form XObject drawn on every page and defined once at the end,
    when the count is known: one layout pass, and bookmarks keep their pages.
    """
    before_total, _, after_total = info.page_label.partition("%(pages)s")

    class FooterCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self._doc._timeStamp = _timestamp(info.date)

        def showPage(self) -> None:
            if self.getPageNumber() > MAX_PAGES:
                raise TooManyPages(f"the handout would run to more than {MAX_PAGES} pages "
                                   "(a template that repeats without end?)")
            self._draw_footer()
            super().showPage()

        def save(self) -> None:
            self.beginForm("pageCount")
            self.setFont(styles.fonts.regular, styles.page["footer_size"])
            self.setFillColor(styles.colour("muted"))
            self.drawString(0, 0, f"{self.getPageNumber() - 1}{after_total}")
            self.endForm()
            super().save()

        def _draw_footer(self) -> None:
            page = styles.page
            size, font = page["footer_size"], styles.fonts.regular
            width = self._pagesize[0]
            left, right = page["margin_left"], width - page["margin_right"]
            self.saveState()
            self.setFont(font, size)
            self.setFillColor(styles.colour("muted"))
            self.setStrokeColor(styles.colour("rule"))
            line_y = page["footer_gap"] + size * page["footer_rule"]
            self.line(left, line_y, right, line_y)
            label = before_total % {"page": self.getPageNumber()}
            label_width = self.stringWidth(label + "999" + after_total, font, size)
            self.drawString(left, page["footer_gap"], label)
            self.saveState()
            self.translate(left + self.stringWidth(label, font, size), page["footer_gap"])
            self.doForm("pageCount")
            self.restoreState()
            room = right - left - label_width - 2 * size
            self.drawRightString(right, page["footer_gap"], _fit(info.footer, room, font, size))
            self.restoreState()

    return FooterCanvas


def _fit(text: str, width: float, font: str, size: float) -> str:
    """``text``, shortened with an ellipsis if it is wider than ``width``."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def _timestamp(day: dt.date) -> TimeStamp:
    """ReportLab's invariant timestamp moved to 00:00 UTC on the handout's date."""
    stamp = TimeStamp(invariant=1)
    # calendar.timegm(day.timetuple()), without importing calendar
    seconds = (dt.datetime(*day.timetuple()[:6]) - _EPOCH) // dt.timedelta(seconds=1)
    stamp.t = seconds
    stamp.lt = dt.datetime.fromtimestamp(seconds, dt.timezone.utc).timetuple()
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp
