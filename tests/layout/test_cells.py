"""Cells draw exactly what the equivalent ReportLab Tables draw, and cards stay whole."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError
from story_strategies import CONTAINERS, nested_stories

from generator.build import Resources
from generator.errors import UserError
from generator.fonts import register_fonts
from generator.layout.cells import Cells
from generator.layout.flowables import ProseColumns
from generator.layout.story import StoryBuilder, parse_story
from generator.layout.styles import Styles, make_styles

WIDTH = 451.0


@pytest.fixture(scope="module")
def styles(resources: Resources) -> Styles:
    return make_styles(resources.styles, register_fonts(), large_print=False)


def figure(exercise_id: str, width: float, variant: str, max_height: float | None = None) -> Flowable | None:
    return Spacer(width, width / 3)


def story(styles: Styles, body: str) -> list[Flowable]:
    return StoryBuilder(styles, figure, None).build(parse_story(f"<story>{body}</story>"), WIDTH)


def as_tables(flowable: Flowable) -> Flowable:
    """The flowable with every Cells in it, however deep, replaced by ReportLab's Table."""
    if isinstance(flowable, Cells):
        rows = [[cell if isinstance(cell, str) else [as_tables(part) for part in cell]
                 for cell in row] for row in flowable.rows]
        return Table(rows, colWidths=flowable.col_widths, rowHeights=flowable.row_heights,
                     minRowHeights=flowable.min_row_heights, repeatRows=flowable.repeat_rows,
                     splitInRow=int(flowable.split_in_row), hAlign=flowable.hAlign,
                     spaceAfter=flowable.spaceAfter, style=TableStyle(flowable.commands))
    if isinstance(flowable, KeepTogether):
        flowable._content = [as_tables(part) for part in flowable._content]
    if isinstance(flowable, ProseColumns):
        flowable.content = [as_tables(part) for part in flowable.content]
    return flowable


def pdf(flowables: list[Flowable]) -> bytes:
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build(flowables)
    return out.getvalue()


CARD = ("<card><band><h1 id='c{n}' style='card_title'>{n}. Card</h1><p style='card_kind'>Kind</p>"
        "</band><columns><column><figure exercise='cobra'/></column><column><dose>"
        "<p style='dose'>Hold 5 seconds</p></dose><p style='field'>{text}</p></column></columns>"
        "<grid columns='2' style='card'><cell><p>You should feel it.</p></cell>"
        "<cell><p>Stop if it hurts.</p></cell><cell><p>{text}</p></cell></grid></card>")


def log(weeks: int, rows: int) -> str:
    days = "".join(f"<day name='D{n}'>{n + 1}/12</day>" for n in range(7))
    return ("<log label='Day'>" + "".join(f"<week title='Week {w + 1}'>{days}</week>"
                                          for w in range(weeks))
            + "".join(f"<row>Exercise {r} with a longer name</row>" for r in range(rows))
            + "<row kind='score'>Pain today (0 to 10)</row></log>")


PAIN_SCALE = ("<painscale><zone colour='green' low='0' high='3'>Mild</zone>"
              "<zone colour='amber' low='4' high='4'>Middle</zone>"
              "<zone colour='red' low='5' high='10'>Severe: call us today</zone></painscale>")
DETAILS = ("<details columns='{columns}'><row label='For' writein='yes'></row>"
           "<row label='Date'>24 November 2026</row><row label='Physio or doctor' writein='yes'>"
           "</row><row label='Phone' writein='yes'>0123 456</row><row label='Clinic'>"
           "The Clinic</row></details>")


def cards(count: int, words: int) -> str:
    text = " ".join(["Move slowly and gently, never force it."] * words)
    return "".join(CARD.format(n=n, text=text) for n in range(1, count + 1))


@pytest.mark.parametrize("body", [
    cards(5, 3),
    cards(2, 40),  # a card taller than a page: split as the Table splits it
    "<p>Lead in.</p>" * 30 + cards(3, 6),  # cards at the foot of a page move on whole
    "<box style='danger'><h2 outline='no'>Help</h2><grid columns='2' style='list'>"
    + "<cell><ul><li>Both legs numb.</li></ul></cell>" * 5 + "</grid></box>",
    "<box keep='no'>" + "<p>A long note that runs on over the page.</p>" * 70 + "</box>",
    "<grid columns='3' style='plan'>" + "<cell><p>Plan cell with some words.</p></cell>" * 90
    + "</grid>",
    log(2, 6),  # the tick log: texts, spans, a grid, tinted rows
    "<p>Lead in.</p>" * 38 + log(2, 8),  # at the foot of a page: moves on whole
    log(12, 60),  # longer than a page: split as the Table splits it, header rows repeated
    PAIN_SCALE,  # spans, middle-aligned texts, lines after, a one-cell background
    DETAILS.format(columns=2) + DETAILS.format(columns=1),  # bottom-aligned, write-in lines
    "<box><h2 outline='no'>Scale</h2>" + PAIN_SCALE + DETAILS.format(columns=2) + "</box>",
])
def test_cells_draw_the_same_bytes_as_tables(styles: Styles, body: str) -> None:
    assert pdf(story(styles, body)) == pdf([as_tables(part) for part in story(styles, body)])


def story_parts() -> st.SearchStrategy[str]:
    return nested_stories(
        ["<p>word</p>", "<p>" + "a longer line of words " * 12 + "</p>",
         "<ul><li>item</li><li>other</li></ul>", '<figure exercise="cobra"/>'],
        ["box", "box-split", "dose", "columns", "grid"], max_leaves=10).flatmap(
        # A card is never inside a cell (a story error): some parts are cards round the rest.
        lambda inner: st.sampled_from([inner, CONTAINERS["card"].format(inner=inner)]))


def _columns_around(inner: str, depth: int) -> str:
    for _ in range(depth):
        inner = CONTAINERS["columns"].format(inner=inner)
    return inner


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(story_parts(), min_size=1, max_size=4), st.integers(0, 650))
@example(parts=[_columns_around("<p>word</p>", 4)], lead=0)  # found by Hypothesis: 11 pt left
def test_any_nesting_draws_the_same_bytes_as_tables(styles: Styles, parts: list[str],
                                                     lead: int) -> None:
    """Nested cards, boxes, grids and columns, starting anywhere on the page."""
    body = "".join(parts)
    try:
        story(styles, body)
    except UserError as error:
        # Columns in columns in columns... leave a cell no width: the story builder refuses the
        # nest with a clean story error (Hypothesis found four nested column sets, 11 pt left).
        assert "nested too deeply" in str(error) and error.problems[0].field == "story"
        return
    ours = [Spacer(WIDTH, lead), *story(styles, body)]
    tables = [Spacer(WIDTH, lead), *[as_tables(part) for part in story(styles, body)]]
    assert _pdf_or_too_large(ours) == _pdf_or_too_large(tables)


def _pdf_or_too_large(flowables: list[Flowable]) -> bytes | str:
    """The PDF, or the layout error's class when a drawn nesting is taller than a page
    (deep nests of full-width figures can be): both ways must agree on that too."""
    try:
        return pdf(flowables)
    except LayoutError:
        return "too large for a page"


def test_a_card_that_does_not_fit_moves_whole_to_the_next_page(styles: Styles) -> None:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf(
        story(styles, "<p>Lead in.</p>" * 34 + cards(3, 6))))).pages]
    for number in (1, 2, 3):
        (page,) = [text for text in pages if f"{number}. Card" in text]
        assert page.count("Stop if it hurts.") == 1  # its last row is on the same page
    assert "Card" not in pages[0]  # the first card did not fit under the lead-in


def test_cells_with_the_same_commands_share_what_they_set(monkeypatch: pytest.MonkeyPatch,
                                                          ) -> None:
    from generator.layout import cells as cells_module

    monkeypatch.setattr(cells_module, "_STYLED", {})
    monkeypatch.setattr(cells_module, "_STYLED_LIMIT", 2)
    commands = [("FONTNAME", (0, 0), (-1, -1), "Helvetica"),
                ("LEFTPADDING", (1, 0), (1, -1), 9)]
    first = Cells([["a", "b"]], [50, 50], commands)
    second = Cells([["c", "d"]], [60, 40], commands)
    assert second._paddings is first._paddings and second._paddings[0][1][0] == 9
    other = Cells([["a", "b"]], [50, 50], [*commands, ("TOPPADDING", (0, 0), (0, 0), 1)])
    assert other._paddings[0][0][2] == 1 and first._paddings[0][0][2] == 3.0
    Cells([["a"]], [50], [("FONTNAME", (0, 0), (-1, -1), "Helvetica")])
    assert len(cells_module._STYLED) <= 2  # bounded
    listed = Cells([["a"]], [50], [("FONTNAME", (0, 0), (-1, -1), ["Helvetica"][0]),
                                   ("LINEABOVE", (0, 0), (-1, -1), 1, [0, 0, 0])])
    assert listed._lines  # a command with a list in it is applied, not remembered
