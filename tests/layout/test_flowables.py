"""The layout's own flowables: balanced columns found by counting lines."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Spacer

from generator.build import BuildOptions, Resources
from generator.fonts import register_fonts
from generator.layout.flowables import Keep, ProseColumns, TextBlock, flattened
from generator.layout.story import StoryBuilder, parse_story
from generator.layout.styles import make_styles

WORDS = "pain walk rest stretch gently back leg knee hip slowly breathe hold".split()


@pytest.fixture(scope="module")
def font() -> str:
    return register_fonts().regular


class FilledColumns(ProseColumns):
    """Balanced columns searched for by trial fills only, as before counting lines."""

    def _lines(self) -> None:
        return None


class CountedColumns(ProseColumns):
    """Balanced columns that count their real fills."""

    fills = 0

    def _fill(self, width: float, height: float) -> tuple[list[list[Flowable]], list[Flowable]]:
        self.fills += 1
        return super()._fill(width, height)


def columns_of(paragraphs: list[tuple[int, int]], font: str, count: int, gap: float,
               widows: bool, kind: type[ProseColumns] = ProseColumns) -> ProseColumns:
    """Balanced columns of paragraphs given as (words, space after)."""
    parts = []
    for number, (words, space_after) in enumerate(paragraphs):
        style = ParagraphStyle(f"p{number}", fontName=font, fontSize=12, leading=17,
                               spaceAfter=space_after, allowWidows=int(widows))
        text = " ".join(WORDS[(number + word) % len(WORDS)] for word in range(words))
        parts.append(TextBlock(text, style))
    return kind(parts, count, gap)


def laid_out(columns: ProseColumns, width: float, height: float) -> tuple[float, list[list[str]]]:
    canvas = Canvas(io.BytesIO())
    _, reported = columns.wrapOn(canvas, width, height)
    texts = [[part.getPlainText() for part in column] for column in columns._balanced]
    return reported, texts


@settings(max_examples=60, deadline=None)
@given(paragraphs=st.lists(st.tuples(st.integers(1, 90), st.sampled_from([0, 6, 11.5])),
                           min_size=1, max_size=6),
       count=st.integers(2, 3), width=st.sampled_from([300.0, 483.0]),
       height=st.sampled_from([120.0, 400.0, 700.0]), widows=st.booleans())
def test_counting_lines_balances_as_filling_the_columns_does(
        font: str, paragraphs: list[tuple[int, int]], count: int, width: float, height: float,
        widows: bool) -> None:
    """The same height and the same lines in each column as the search by trial fills."""
    columns = columns_of(paragraphs, font, count, 12, widows, CountedColumns)
    counted = laid_out(columns, width, height)
    assert columns.fills <= 1  # only the height found is filled: the count was right
    filled = laid_out(columns_of(paragraphs, font, count, 12, widows, FilledColumns), width,
                      height)
    assert counted == filled


def test_keep_measures_its_content_as_keeptogether_does(resources: Resources) -> None:
    """Every group of the default handout: the same height, first height and width."""
    from generator.build import render_story

    styles = make_styles(resources.styles, register_fonts(), large_print=False)
    xml = render_story(resources, resources.prescribe(BuildOptions(date=dt.date(2026, 11, 24))))
    story = StoryBuilder(styles, lambda *args: Spacer(100, 50), None).build(
        parse_story(xml), 483.0)
    canvas = Canvas(io.BytesIO())
    groups = [part for part in story if isinstance(part, Keep)]
    assert len(groups) > 10
    spaced = [ParagraphStyle(f"s{n}", fontName=styles.fonts.regular, spaceBefore=before,
                             spaceAfter=after)
              for n, (before, after) in enumerate([(3, 4), (20, 0)])]
    groups.append(Keep([TextBlock("Above.", spaced[0]), Spacer(10, 0),
                        Keep([TextBlock("Below, spaced.", spaced[1])])]))
    for group in groups:
        ours = group.wrapOn(canvas, 483.0, 700.0), group._H, group._H0
        plain = KeepTogether(flattened(group._content))
        assert ours == (plain.wrapOn(canvas, 483.0, 700.0), plain._H, plain._H0)


def test_lists_measure_as_reportlab_measures_them(resources: Resources) -> None:
    from reportlab.platypus.flowables import _listWrapOn

    from generator.build import render_story
    from generator.layout.flowables import Items

    styles = make_styles(resources.styles, register_fonts(), large_print=False)
    xml = render_story(resources, resources.prescribe(BuildOptions(date=dt.date(2026, 11, 24))))
    root = parse_story(xml)
    builder = StoryBuilder(styles, lambda *args: Spacer(100, 50), None)
    lists = [builder._list(element, 483.0, numbered=element.tag == "ol")
             for element in root.iter() if element.tag in ("ul", "ol")]
    assert len(lists) > 10
    canvas = Canvas(io.BytesIO())
    for items in lists:
        assert isinstance(items, Items)
        assert items.wrapOn(canvas, 300.0, 700.0) == _listWrapOn(items._content, 300.0, canvas)
