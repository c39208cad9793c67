"""The clinicians' review sheet: every exercise's panels large and labelled, two a row.

It goes through the handout's own document writer (``layout.document``), so fonts,
metadata and page furniture are the same as in a handout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from ..layout.document import DocumentInfo, frame_width, render_pdf
from ..layout.escaping import escape
from ..layout.flowables import TextBlock
from .draw import DRAWINGS, FigureInks, exercise_figure

if TYPE_CHECKING:
    from ..i18n import Translator
    from ..layout.styles import Styles
    from ..model import Exercise

REVIEW_DATE = dt.date(2026, 1, 1)  # a fixed date: the same pack gives the same bytes


def render_review_sheet(exercises: Sequence[Exercise], styles: Styles, inks: FigureInks,
                        translator: Translator, page_size: str = "a4") -> bytes:
    """A PDF with every exercise's figure drawn large, its easier version beside its name,
    then the drawings that are not an exercise's, its wording in the translator's language."""
    _ = translator.gettext
    width = frame_width(styles, page_size)
    gap = 14.0
    cell = (width - gap) / 2
    # An exercise drawn in three panels gets a row of its own, as on its card.
    cells = [(_cell(exercise, width - gap / 2 if _wide(exercise) else cell, cell * 0.62, styles, inks,
                    _("Easier version:")), _wide(exercise)) for exercise in exercises]
    # The drawings that are not an exercise's (getting down to the floor), labelled by name.
    # (Getting down to the floor is three panels too: a row of its own.)
    cells += [([DRAWINGS[name](width - gap / 2, inks), TextBlock(
        f"{escape(_('Getting down to the floor'))} <font name='{styles.fonts.regular}'>({escape(name)})</font>",
        styles.paragraph("label"))], True) for name in DRAWINGS]
    rows: list[list[object]] = []
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    right_free = False  # the last row has a drawing on its left only
    for content, wide in cells:
        if wide:
            spans.append(("SPAN", (0, len(rows)), (1, len(rows))))
            rows.append([content, ""])
            right_free = False
        elif right_free:
            rows[-1][1] = content
            right_free = False
        else:
            rows.append([content, ""])
            right_free = True
    table = Table(rows, colWidths=[cell + gap / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), gap / 2),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 12),
                               ("FONTNAME", (0, 0), (-1, -1), styles.fonts.regular), *spans]))
    heading = _("Exercise figures: review sheet")
    legend = _("1 = start, last = end, arrow = movement. Dark: the near side; lighter: the far side.")
    story: list[Flowable] = [TextBlock(escape(heading), styles.paragraph("h1")),
                             TextBlock(escape(legend), styles.paragraph("small")), Spacer(1, 6), table]
    info = DocumentInfo(title=heading, author="handout", subject=heading, keywords=(),
                        language=translator.language, creator="handout", date=REVIEW_DATE,
                        footer=heading, page_label=_("Page %(page)s of %(pages)s"))
    return render_pdf(story, styles, info, page_size)


def _wide(exercise: Exercise) -> bool:
    """Three panels, or panels with a magnified detail: a row of its own, as on the card."""
    return exercise.figure is not None and exercise.figure.spans_card()


def _cell(exercise: Exercise, width: float, easier_width: float, styles: Styles, inks: FigureInks,
          easier_label: str) -> list[Flowable]:
    label = styles.paragraph("label")
    parts: list[Flowable] = [
        exercise_figure(exercise, width, inks) or Spacer(width, 1),
        TextBlock(f"{escape(exercise.name)} <font name='{styles.fonts.regular}'>({escape(exercise.id)})</font>",
                  label),
    ]
    easier = exercise_figure(exercise, easier_width, inks, "easier")
    if easier is not None:
        parts += [TextBlock(escape(easier_label), styles.paragraph("small")), easier]
    return parts
