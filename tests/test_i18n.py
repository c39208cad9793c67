"""The translation hook: CLDR plural rules, dates and numbers through Babel, catalog checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import UserError
from generator.fonts import register_fonts
from generator.i18n import Translator, plural_categories
from generator.layout.styles import make_styles
from generator.templating import Templates

POLISH = {"%(num)s second": {"one": "%(num)s sekunda", "few": "%(num)s sekundy",
                             "many": "%(num)s sekund", "other": "%(num)s sekundy"}}


def test_plural_forms_follow_each_languages_cldr_rule() -> None:
    polish = Translator("pl", POLISH)
    forms = {n: polish.ngettext("%(num)s second", "%(num)s seconds", n) for n in (1, 2, 5, 22, 25)}
    assert forms == {1: "1 sekunda", 2: "2 sekundy", 5: "5 sekund", 22: "22 sekundy",
                     25: "25 sekund"}
    swedish = Translator("sv-SE", {"%(num)s second": {"one": "%(num)s sekund",
                                                      "other": "%(num)s sekunder"}})
    assert [swedish.ngettext("%(num)s second", "%(num)s seconds", n) for n in (1, 30)] == [
        "1 sekund", "30 sekunder"]
    assert Translator("en-GB").ngettext("%(num)s day", "%(num)s days", 1) == "1 day"


@given(st.integers(0, 10_000))
def test_an_untranslated_plural_keeps_englishs_rule(count: int) -> None:
    text = Translator("sv").ngettext("%(num)s day", "%(num)s days", count)
    assert text.endswith(" day" if count == 1 else " days")


def test_dates_and_numbers_are_written_as_each_language_writes_them() -> None:
    day = dt.date(2026, 12, 2)
    assert Translator("sv-SE").date(day) == "2 december 2026"
    assert Translator("en-GB").date(day) == "2 December 2026"
    assert Translator("pl").date(day) == "2 grudnia 2026"
    assert Translator("sv-SE").number(1234.5) == "1\u00a0234,5"
    assert Translator("en-GB").number(1234.5) == "1,234.5"
    assert Translator("sv-SE").gettext("%(num)s s", num=1500) == "1\u00a0500 s"


def test_plural_categories_come_from_cldr() -> None:
    assert plural_categories("sv-SE") == {"one", "other"}
    assert plural_categories("pl") == {"one", "few", "many", "other"}


def test_a_plural_entry_missing_a_form_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "pl.yaml").write_text(
        '"Hold": "Trzymaj"\n"%(num)s second":\n  one: "%(num)s sekunda"\n'
        '  other: "%(num)s sekundy"\n', encoding="utf-8")
    with pytest.raises(UserError) as raised:
        Templates(tmp_path).translator("pl")
    problem = raised.value.problems[0]
    assert (problem.path, problem.line) == (tmp_path / "messages" / "pl.yaml", 2)
    assert "missing ['few', 'many']" in problem.message


def test_every_message_in_code_and_templates_is_found_with_its_place() -> None:
    messages = Templates().messages()
    found = {message.text: message for message in messages}
    # Printed on the My plan page and in the full red box: every place is found.
    assert {(m.path.name, m.line > 1) for m in messages if m.text == "Get help urgently"} == {
        ("plan.xml.j2", True), ("red-flags-box.xml.j2", True)}
    assert found["hold %(num)s second"].plural
    assert found["hold %(num)s second"].path.name == "view.py"
    assert found["Mo"].path.name == "view.py"  # the log's weekdays
    assert found["Easier version:"].path.name == "review.py"  # through _ = tr.gettext
    assert found["Page %(page)s of %(pages)s"].line > 1


def test_swedish_hyphenates_long_compounds_and_english_does_not() -> None:
    from reportlab.platypus import Paragraph

    data = Templates().read_yaml("styles.yaml")
    text = "Ryggmärgskanalen och ischiasnervens nervrötter " * 3
    swedish = make_styles(data, register_fonts(), False, "sv-SE").paragraph("body")
    english = make_styles(data, register_fonts(), False, "en-GB").paragraph("body")
    assert swedish.hyphenationLang == "sv" and not english.hyphenationLang

    def line_ends(style: object) -> list[str]:
        paragraph = Paragraph(text, style)
        paragraph.wrap(150, 1000)
        return [" ".join(line.words if hasattr(line, "words") else line[1])
                .rstrip()[-1:] for line in paragraph.blPara.lines]

    assert "-" in line_ends(swedish)
    assert "-" not in line_ends(english)


@pytest.mark.parametrize("language", ["en", "en-GB", "sv-SE", "pl", "de-CH"])
def test_babel_s_answers_are_kept_and_are_babel_s(language: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from babel import Locale
    from babel.dates import format_date
    from babel.numbers import format_decimal

    from generator import i18n

    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    locale = i18n.locale_for(language)
    numbers, days, counts = (0, 3, 1234, 1234.5, 2.0), (dt.date(2026, 11, 24),
                                                          dt.date(2027, 2, 1)), (0, 1, 2, 5, 22)
    forms = {"one": "o", "two": "t", "few": "f", "many": "m", "zero": "z", "other": "x"}
    expected = ([format_decimal(n, locale=locale) for n in numbers]
                + [format_date(d, format="long", locale=locale) for d in days]
                + [forms[locale.plural_form(c)] for c in counts]
                + ["one" if Locale("en").plural_form(c) == "one" else "many" for c in counts]
                + [sorted(locale.plural_form.tags | {"other"})])

    def answers() -> list[object]:
        translator = Translator(language, {"%(num)s": forms})
        return ([translator.number(n) for n in numbers] + [translator.date(d) for d in days]
                + [translator.ngettext("%(num)s", "", c).replace(str(c), "") for c in counts]
                + [Translator(language).ngettext("one", "many", c) for c in counts]
                + [sorted(plural_categories(language))])

    monkeypatch.setattr(i18n, "_answers", {})
    assert answers() == expected  # asked of Babel, and stored
    monkeypatch.setattr(i18n, "_answers", {})  # a new process: from the disk cache
    monkeypatch.setattr(i18n, "locale_for", None)  # Babel is not asked again
    assert answers() == expected
    assert {("number", "int", 3), ("number", "float", 2.0), ("plural", "int", 22)} <= set(
        i18n._answers[language])
