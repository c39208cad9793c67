"""Styles made once per style sheet and options, and shared read-only."""

from __future__ import annotations

import copy
from concurrent.futures import ThreadPoolExecutor

import pytest
from reportlab.lib.styles import ParagraphStyle

from generator.build import Resources
from generator.fonts import register_fonts
from generator.layout import linebreaks, styles as styles_module
from generator.layout.styles import make_styles


def test_the_same_sheet_and_options_give_the_same_styles(resources: Resources) -> None:
    fonts = register_fonts()
    first = make_styles(resources.styles, fonts, large_print=False, language="en")
    assert make_styles(copy.deepcopy(resources.styles), fonts, False, "en") is first
    large = make_styles(resources.styles, fonts, large_print=True, language="en")
    assert large is not first
    assert large.paragraph("body").fontSize > first.paragraph("body").fontSize


def test_a_sheet_changed_in_place_makes_new_styles(resources: Resources) -> None:
    fonts = register_fonts()
    sheet = copy.deepcopy(resources.styles)
    before = make_styles(sheet, fonts, large_print=False)
    sheet["paragraph"]["body"]["size"] = before.paragraph("body").fontSize + 3
    after = make_styles(sheet, fonts, large_print=False)
    assert after.paragraph("body").fontSize == before.paragraph("body").fontSize + 3


def test_shared_styles_are_read_only(resources: Resources) -> None:
    made = make_styles(resources.styles, register_fonts(), large_print=False)
    with pytest.raises(TypeError):
        made.page["margin_left"] = 0  # type: ignore[index]
    with pytest.raises(TypeError):
        made.section("grid", "card")["gap"] = 0  # type: ignore[index]
    with pytest.raises(TypeError):
        made.paragraphs["body"] = made.paragraph("title")  # type: ignore[index]


def test_the_made_styles_are_bounded(resources: Resources, monkeypatch: pytest.MonkeyPatch,
                                     ) -> None:
    monkeypatch.setattr(styles_module, "_MADE_LIMIT", 3)
    fonts = register_fonts()
    for size in range(10, 16):
        sheet = copy.deepcopy(resources.styles)
        sheet["paragraph"]["body"]["size"] = size
        assert make_styles(sheet, fonts, large_print=False).paragraph("body").fontSize == size
    assert len(styles_module._MADE) == 3


def test_styles_made_in_threads_are_one(resources: Resources) -> None:
    fonts = register_fonts()
    sheet = copy.deepcopy(resources.styles)
    sheet["paragraph"]["body"]["size"] = 13.5  # a sheet no other test made
    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(lambda _: make_styles(sheet, fonts, False), range(8)))
    assert {style.paragraph("body").fontSize for style in made} == {13.5}
    assert make_styles(sheet, fonts, False) in made


def test_equal_paragraph_styles_share_a_fingerprint() -> None:
    one = ParagraphStyle("a", fontSize=12, leading=15)
    same = ParagraphStyle("a", fontSize=12, leading=15)
    other = ParagraphStyle("a", fontSize=12, leading=16)
    assert linebreaks.fingerprint(one) == linebreaks.fingerprint(same)
    assert linebreaks.fingerprint(one) != linebreaks.fingerprint(other)
    child = ParagraphStyle("b", parent=one)
    assert linebreaks.fingerprint(child) != linebreaks.fingerprint(ParagraphStyle("b", parent=other))
