"""The story builder: headings kept with what follows, the log's score row, clean errors."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, SimpleDocTemplate, Spacer

from story_strategies import CONTAINERS, nested_stories

from generator.build import Resources
from generator.errors import UserError
from generator.fonts import register_fonts
from generator.layout.cells import Cells
from generator.layout.flowables import Heading
from generator.layout.story import StoryBuilder, parse_story
from generator.layout.styles import Styles, make_styles

WIDTH = 400.0


@pytest.fixture(scope="module")
def styles(resources: Resources) -> Styles:
    return make_styles(resources.styles, register_fonts(), large_print=False)


def figure(exercise_id: str, width: float, variant: str, max_height: float | None = None) -> Flowable | None:
    if exercise_id != "cobra":
        raise KeyError(exercise_id)
    return Spacer(width, min(width / 2, max_height or width)) if variant == "main" else None


def build(styles: Styles, body: str) -> list[Flowable]:
    return StoryBuilder(styles, figure, None).build(parse_story(f"<story>{body}</story>"), WIDTH)


def test_a_heading_is_kept_with_the_first_item_of_a_list(styles: Styles) -> None:
    story = build(styles, '<h1 id="s">Sources</h1><ol><li>one</li><li>two</li><li>three</li></ol>')
    group, *rest = story
    assert isinstance(group, KeepTogether)
    heading, first = group._content
    assert isinstance(heading, Heading)
    assert "one" in first._flowable.text
    assert [item._flowable.text for item in rest] == ["two", "three"]


def test_a_heading_before_a_keep_joins_it_without_nesting(styles: Styles) -> None:
    story = build(styles, '<h1 id="faq">FAQ</h1><keep><h2 outline="no">Q?</h2><p>A.</p></keep>'
                          '<keep><h2 outline="no">Q2?</h2><p>A2.</p></keep>')
    assert len(story) == 2
    texts = [[flowable.text for flowable in group._content] for group in story]
    assert texts == [["FAQ", "Q?", "A."], ["Q2?", "A2."]]


def test_headings_and_boxes_chain_and_a_page_break_is_left_alone(styles: Styles) -> None:
    story = build(styles, '<h1 id="a">A</h1><h2 id="b">B</h2><box><p>x</p></box>'
                          '<h1 id="c">C</h1><pagebreak/><p>y</p>')
    group = story[0]
    assert isinstance(group, KeepTogether)
    assert [type(flowable) for flowable in group._content] == [Heading, Heading, Cells]
    assert isinstance(story[1], Heading)  # nothing to keep it with before the page break


def pages_of_headings(story: list[Flowable]) -> dict[str, int]:
    """Lay the story out on A4 and say on which page each heading was drawn."""
    pages: dict[str, int] = {}

    class Doc(SimpleDocTemplate):
        def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
            if isinstance(flowable, Heading):
                pages[flowable.text] = self.page

    Doc(io.BytesIO(), pagesize=A4).build(story)
    return pages


def test_a_heading_moves_to_the_next_page_with_its_box(styles: Styles) -> None:
    box = "<box>" + "<p>Some text in the box.</p>" * 8 + "</box>"
    story = [Spacer(WIDTH, 600), *build(styles, f'<h1 id="x">Heading</h1>{box}')]
    assert pages_of_headings(story) == {"Heading": 2}


def test_a_group_taller_than_a_page_still_splits(styles: Styles) -> None:
    keep = "<keep>" + "<p>A paragraph of text that fills the page.</p>" * 200 + "</keep>"
    assert pages_of_headings(build(styles, f'<h1 id="x">Heading</h1>{keep}')) == {"Heading": 1}


def test_the_score_row_is_tinted_wherever_it_is(styles: Styles) -> None:
    log = ('<log><week title="Week 1"><day>1</day><day>2</day></week>'
           '<row>Cobra</row><row kind="score">Pain</row><row>Bird dog</row></log>')
    (keep,) = build(styles, log)
    table = keep._content[0]
    assert isinstance(table, Cells)
    tinted = [(start, end) for name, start, end, *_ in table.commands if name == "BACKGROUND"]
    assert tinted == [((0, 3), (-1, 3))]  # two header rows, then Cobra, then Pain


def test_a_log_without_a_score_row_tints_nothing(styles: Styles) -> None:
    (keep,) = build(styles, '<log><week title="W"><day>1</day></week><row>Cobra</row></log>')
    assert not [command for command in keep._content[0].commands if command[0] == "BACKGROUND"]


@pytest.mark.parametrize(("body", "message"), [
    ("<heading/>", "unknown element <heading>"),
    ("<list/>", "unknown element <list>"),
    ("<inline/>", "unknown element <inline>"),
    ("<log-table/>", "unknown element <log-table>"),
    ("<week/>", "<week> belongs inside <log>"),
    ("<ul><p>x</p></ul>", "<ul> holds only <li> elements, not <p>"),
    ("<card><columns><column/><column/><column/></columns></card>", "found 3"),
    ('<spacer height="big"/>', "the height must be a number"),
    ('<spacer height="-3"/>', "the height must be a number"),
    ('<spacer height="nan"/>', "the height must be a number"),
    ('<spacer height="1e9"/>', "the height must be a number"),
    ('<figure exercise="nope"/>', "the pack has no exercise 'nope'"),
    ('<figure drawing="nope"/>', "there is no drawing 'nope'"),
    ('<figure exercise="cobra" variant="harder"/>', "the variants are main and easier"),
    ('<figure exercise="cobra" size="huge"/>', "the sizes are column and wide"),
    ('<flow columns="2"><box><p>short</p></box></flow>', "cannot be split to fill them"),
    ('<flow columns="2"><p>a</p><keep><p>b</p></keep></flow>', "cannot be split to fill them"),
    ('<box style="sparkly"/>', "valid styles: amber, danger, green, info, red, safety"),
])
def test_a_mistake_in_a_template_is_a_clean_error(styles: Styles, body: str, message: str) -> None:
    with pytest.raises(UserError, match="story: .*" + re.escape(message)) as error:
        build(styles, body)
    assert error.value.problems[0].field == "story"


def test_a_figure_is_as_wide_as_its_place_and_an_undrawn_variant_is_skipped(styles: Styles) -> None:
    main = build(styles, '<figure exercise="cobra"/>')
    assert main[0].wrap(WIDTH, 1000) == (WIDTH, WIDTH / 2)
    assert build(styles, '<figure exercise="cobra" variant="easier"/>') == []
    wide = build(styles, '<figure exercise="cobra" size="wide"/>')  # kept low: card.wide_figure_height
    assert wide[0].wrap(WIDTH, 1000) == (WIDTH, styles.card["wide_figure_height"]) and WIDTH / 2 > 66


def test_an_empty_list_prints_nothing(resources: Resources) -> None:
    from generator.layout.story import StoryBuilder, parse_story
    from generator.layout.styles import make_styles

    styles = make_styles(resources.styles, register_fonts(), large_print=False)
    builder = StoryBuilder(styles, lambda *args: None, None)
    root = parse_story("<story><h1 id='x'>Title</h1><ul></ul><ol/><p>After</p></story>")
    story = builder.build(root, 400)
    assert story and not any(isinstance(f, ListFlowable) for f in story)


# Nesting: every container element of the story inside every other, as a template might.
NESTINGS = [
    "<box><box><p>hi</p></box></box>",
    "<box><keep><p>a</p><p>b</p></keep></box>",
    '<box><log label="Day"><week title="W"><day name="Mo">1</day></week><row>Ex</row></log></box>',
    "<dose><box><p>a</p></box></dose>",
    "<card><band><p>x</p><p>y</p></band><box><p>z</p></box></card>",
    "<columns><column><keep><p>a</p></keep></column><column><box><p>b</p></box></column></columns>",
    '<box keep="no"><box><p>a</p></box></box>',
    '<box><flow columns="2"><p>a</p><p>b</p></flow></box>',
]


def lay_out(story: list[Flowable]) -> bytes:
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


@pytest.mark.parametrize("body", NESTINGS)
def test_containers_nest_inside_each_other(styles: Styles, body: str) -> None:
    pdf = lay_out(build(styles, body))
    text = pypdf_text(pdf)
    words = re.findall(r">(\w+)<", body)
    assert words and all(word in text for word in words)


def pypdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize(("body", "message"), [
    ('<box keep="no"><p>a</p><pagebreak/><p>b</p></box>', "<pagebreak/> inside <box>"),
    ("<card><band><p>x</p></band><p>a</p><pagebreak/></card>", "<pagebreak/> inside <card>"),
    ("<columns><column><pagebreak/></column><column/></columns>", "<pagebreak/> inside <column>"),
    # A card in a cell would be split inside the cell's row over pages (attack 4).
    ("<box><card><band><p>x</p><p>y</p></band><p>z</p></card></box>", "<card> inside <box>"),
    ("<card><band><p>x</p><p>y</p></band><card><band><p>x</p><p>y</p></band><p>z</p></card></card>",
     "<card> inside <card>"),
    ('<grid columns="2"><cell><card><band><p>x</p><p>y</p></band><p>z</p></card></cell><cell/></grid>',
     "<card> inside <cell>"),
    ("<box>" * 35 + "<p>deep</p>" + "</box>" * 35, "is nested too deeply"),
    ("<keep>" * 60 + "<p>deep</p>" + "</keep>" * 60, "nested more than 40 elements deep"),
])
def test_a_nesting_that_cannot_print_is_a_clean_error(styles: Styles, body: str,
                                                       message: str) -> None:
    with pytest.raises(UserError, match="story: .*" + re.escape(message)):
        build(styles, body)


def story_elements() -> st.SearchStrategy[str]:
    """Random nestings of the story's container elements around short text."""
    return nested_stories(
        ["<p>word</p>", '<h2 outline="no">head</h2>', "<ul><li>item</li></ul>", "<pagebreak/>",
         '<spacer height="4"/>', '<figure exercise="cobra"/>',
         '<log label="D"><week title="W"><day>1</day></week><row>r</row></log>'],
        list(CONTAINERS), max_leaves=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(story_elements(), min_size=1, max_size=3))
def test_any_nesting_prints_or_is_a_clean_error(styles: Styles, parts: list[str]) -> None:
    """A PDF or a story error naming the element, never a ReportLab exception."""
    try:
        story = build(styles, "".join(parts))
    except UserError as error:
        assert error.problems[0].field == "story"
        return
    assert lay_out(story).startswith(b"%PDF")


def test_plain_text_markup_is_remembered_within_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.layout import story as story_module

    monkeypatch.setattr(story_module, "_PLAIN_MARKUP", {})
    monkeypatch.setattr(story_module, "_PLAIN_MARKUP_LIMIT", 5)
    for number in range(12):
        element = parse_story(f"<p>  Rest &amp; walk\n {number} &lt;b&gt; </p>")
        assert story_module.inline(element, "#000000") == f"Rest &amp; walk {number} &lt;b&gt;"
        assert len(story_module._PLAIN_MARKUP) <= 5
    marked = parse_story("<p>Rest <b>now</b> &amp; <a href='https://x.org'>read</a></p>")
    assert story_module.inline(marked, "#0b4f9c") == (
        "Rest <b>now</b> &amp; <a href=\"https://x.org\" color=\"#0b4f9c\">read</a>")
