"""styles.yaml checked as data: contrast (attack finding 3) and figure inks at their line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.layout.style_check import contrast, style_problems
from generator.resources import bundled

BUNDLED = yaml.safe_load((bundled("templates") / "styles.yaml").read_text(encoding="utf-8"))


def test_contrast_is_wcag_s_ratio() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WCAG's example
    assert contrast("#1d3557", "#ffffff") == contrast("#ffffff", "#1d3557")


def test_the_bundled_styles_pass_every_contrast_check() -> None:
    assert style_problems(BUNDLED) == []


def build_with_styles(tmp_path: Path, text: str) -> tuple[int, str, Path]:
    (tmp_path / "styles.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--templates", str(tmp_path), "-o",
                                       str(tmp_path / "out.pdf")])
    return result.exit_code, result.output, tmp_path / "styles.yaml"


def test_white_body_text_and_red_flag_box_are_refused_at_their_lines(tmp_path: Path) -> None:
    code, output, path = build_with_styles(
        tmp_path, 'colours:\n  ink: "#ffffff"\n  danger: "#ffffff"\n  danger_tint: "#ffffff"\n')
    assert code == 1
    assert (f"error: {path}:2:3: colours.ink: '#ffffff' on colours.page ('#ffffff') has a "
            "contrast of 1.00:1; text needs at least 4.5:1") in output
    assert not (tmp_path / "out.pdf").exists()
    result = CliRunner().invoke(main, ["validate", "--templates", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{path}:3:3: colours.danger: '#ffffff' on colours.danger_tint" in result.output


@pytest.mark.parametrize("ink", ["near", "far", "arrow", "prop", "number"])
def test_an_invisible_figure_ink_is_refused(tmp_path: Path, ink: str) -> None:
    code, output, path = build_with_styles(tmp_path, f'figure:\n  {ink}: "#eeeeee"\n')
    assert code == 1
    assert (f"error: {path}:2:3: figure.{ink}: '#eeeeee' on colours.page ('#ffffff') has a "
            "contrast of 1.16:1; a figure's ink needs at least 3:1") in output


@pytest.mark.parametrize(("text", "ground"), [("card_band_text", "card_band"),
                                              ("page", "amber"), ("link", "safety_tint"),
                                              ("muted", "info_tint"), ("accent", "red_tint")])
def test_text_is_checked_on_the_ground_it_is_printed_on(text: str, ground: str) -> None:
    colours = {**BUNDLED["colours"], text: "#777777", ground: "#777777"}
    problems = style_problems({**BUNDLED, "colours": colours})
    assert any(location == ("colours", text) and f"on colours.{ground} " in message
               and "1.00:1" in message for location, message in problems), problems


@settings(max_examples=60, deadline=None)
@given(grey=st.integers(0, 255))
def test_body_ink_is_refused_exactly_below_4_5_to_1(grey: int) -> None:
    ink = f"#{grey:02x}{grey:02x}{grey:02x}"
    problems = style_problems({**BUNDLED, "colours": {**BUNDLED["colours"], "ink": ink}})
    worst = min(contrast(ink, BUNDLED["colours"][ground]) for ground in
                ("page", "info_tint", "safety_tint", "danger_tint", "green_tint",
                 "amber_tint", "red_tint"))
    assert any(location == ("colours", "ink") for location, _ in problems) == (worst < 4.5)


def test_an_unknown_figure_ink_names_the_file_once_with_its_line(tmp_path: Path) -> None:
    code, output, path = build_with_styles(tmp_path, 'figure:\n  glow: "#1d3557"\n')
    assert code == 1
    assert output.startswith(f"error: {path}:2:3: figure.glow: unknown ink 'glow' (the inks "
                             "are near, far, arrow, prop, number)")
    assert output.count("styles.yaml") == 1


def test_a_large_print_scale_that_outgrows_the_leading_is_refused_at_its_line(
        tmp_path: Path) -> None:
    """Attack 3: scale 3 with the bundled leading_scale made every large-print line overprint,
    exit 0; a scale the leading keeps up with still builds."""
    code, output, path = build_with_styles(tmp_path, "large_print:\n  scale: 3\n")
    assert code == 1
    assert f"error: {path}:2:3: large_print.scale: large print makes" in output
    assert "lines would print over each other" in output
    assert not (tmp_path / "out.pdf").exists()
    kept_up = {**BUNDLED, "large_print": {**BUNDLED["large_print"], "scale": 3, "leading_scale": 3}}
    assert style_problems(kept_up) == []


def with_styles(**sections: object) -> dict[str, object]:
    return {**BUNDLED, **sections}


def test_an_unknown_page_or_large_print_setting_is_refused_at_its_key() -> None:
    large = {**BUNDLED["large_print"], "page": {"margin_left": 13, "bogus": 3}, "scael": 2}
    page = {**BUNDLED["page"], "margin": 10}
    found = style_problems(with_styles(large_print=large, page=page))
    page_keys = ("margin_left, margin_right, margin_top, margin_bottom, footer_size, "
                 "footer_gap, footer_room, footer_rule")
    assert found == [
        (("page", "margin"), f"unknown setting (the settings here are {page_keys})"),
        (("large_print", "scael"), "unknown setting (the settings here are scale, "
                                   "leading_scale, space_scale, figure_scale, page)"),
        (("large_print", "page", "bogus"), f"unknown setting (the settings here are {page_keys})")]


@pytest.mark.parametrize(("value", "shown"), [(None, "null"), (2, "2"), ("big", "'big'")])
def test_large_print_that_is_not_a_mapping_says_what_it_wants(value: object, shown: str) -> None:
    assert style_problems(with_styles(large_print=value)) == [
        (("large_print",), "expected a mapping of settings (scale, leading_scale, space_scale, "
                           f"figure_scale, page), not {shown}")]


def test_large_prints_page_that_is_not_a_mapping_says_what_it_wants() -> None:
    found = style_problems(with_styles(large_print={**BUNDLED["large_print"], "page": 5}))
    assert found == [(("large_print", "page"), "expected a mapping of the page's settings "
                      "(margin_left, margin_right, margin_top, margin_bottom, footer_size, "
                      "footer_gap, footer_room, footer_rule), not 5")]


def test_a_key_named_page_in_another_section_is_checked_as_a_number() -> None:
    """Attack 4: ``card: {page: abc}`` skipped the number check (only large_print.page is a
    mapping of its own)."""
    assert style_problems(with_styles(card={**BUNDLED["card"], "page": "abc"})) == [
        (("card", "page"), "'abc' is not a number")]


def test_large_prints_page_left_empty_keeps_the_normal_page(tmp_path: Path) -> None:
    """Attack 4: ``large_print: {page: null}`` (an empty ``page:``) ended in "missing or bad
    value" with no line; it means no large-print page settings."""
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "styles.yaml").write_text("large_print:\n  page:\n", encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", "--templates", str(tmp_path / "tpl"), "--large-print",
                                       "-e", "cobra", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_the_footer_rule_stays_in_the_footer(tmp_path: Path) -> None:
    """Attack 4: ``page: {footer_rule: 30}`` (footer lines above the baseline) drew the rule
    through the first card's text."""
    from generator.layout.styles import check_style_values
    from generator.yaml_files import read_yaml

    (tmp_path / "styles.yaml").write_text("page:\n  footer_rule: 30\n", encoding="utf-8")
    document, _ = read_yaml(tmp_path / "styles.yaml")
    assert document is not None
    problems = check_style_values(document)
    assert [(p.field, p.line, p.message) for p in problems] == [
        ("page.footer_rule", 2, "30 is out of range; use a number from 0 to 2")]


def test_a_typo_in_a_section_or_a_grid_style_is_refused_at_its_key() -> None:
    # Attack 4: `card: {figur_width: 300}` and a grid style's `rul:` were ignored without a word.
    card = {**BUNDLED["card"], "figur_width": 300}
    grid = {**BUNDLED["grid"], "mine": {"gap": 3, "rul": 1}}
    found = style_problems(with_styles(card=card, grid=grid, cards={"padding": 1}), BUNDLED)
    assert found == [
        (("card", "figur_width"), "unknown setting (the settings here are "
                                  f"{', '.join(BUNDLED['card'])})"),
        (("grid", "mine", "rul"), "unknown setting (the settings of a grid style are gap, row_gap, "
                                  "rule, space_after, middle_share, min_column_width)"),
        (("cards",), f"unknown section (the sections are {', '.join(BUNDLED)})")]


def test_new_colours_paragraph_styles_and_grid_styles_are_welcome() -> None:
    colours = {**BUNDLED["colours"], "clinic_teal": "#0b5d5e"}
    paragraph = {**BUNDLED["paragraph"], "clinic_note": {"parent": "body", "colour": "clinic_teal"}}
    grid = {**BUNDLED["grid"], "mine": {"gap": 3, "rule": 1, "row_gap": 0, "space_after": 2}}
    assert style_problems(with_styles(colours=colours, paragraph=paragraph, grid=grid), BUNDLED) == []
