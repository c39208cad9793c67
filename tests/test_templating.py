"""Templates: the rendered story (golden file), overrides file by file, the translation hook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pdfread import ReadPdf

from generator.build import BuildOptions, Resources, render_handout, render_story
from generator.errors import UserError
from generator.resources import default_pack
from generator.templating import Templates

GOLDEN = Path(__file__).parent / "golden" / "story-default.xml"


def test_rendered_story_matches_the_golden_file(resources: Resources,
                                                update_golden: bool) -> None:
    """The whole handout as text before layout; run pytest --update-golden after a wanted change."""
    story = render_story(resources, resources.prescribe(
                                              BuildOptions(date=dt.date(2026, 11, 24))))
    if update_golden:
        GOLDEN.write_text(story, encoding="utf-8")
    assert story == GOLDEN.read_text(encoding="utf-8")


def test_own_template_overrides_one_file_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "faq.xml.j2").write_text(
        "<h1 id=\"faq\">{{ _('Your questions') }}</h1><p>Ask us anything.</p>", encoding="utf-8")
    resources = Resources.load(default_pack(), tmp_path)
    pdf = ReadPdf.from_bytes(render_handout(BuildOptions(date=dt.date(2026, 11, 24)), resources))
    assert "Your questions" in pdf.text and "Ask us anything." in pdf.text
    assert "Questions people often ask" not in pdf.text
    assert "Get help urgently" in pdf.text  # bundled templates still used for the rest


def test_fixed_wording_goes_through_the_translation_hook(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "en.yaml").write_text(
        '"Your exercises, in this order": "Dina övningar, i den här ordningen"\n'
        '"Page %(page)s of %(pages)s": "Sida %(page)s av %(pages)s"\n'
        '"hold %(num)s second": "håll %(num)s sekunder"\n"November": "november"\n',
        encoding="utf-8")
    resources = Resources.load(default_pack(), tmp_path)
    pdf = ReadPdf.from_bytes(render_handout(BuildOptions(date=dt.date(2026, 11, 24)), resources))
    assert "Dina övningar" in pdf.text and "Your exercises" not in pdf.text
    assert "Sida 1 av" in pdf.pages[0]
    assert "Håll 30 sekunder, 3 times" in pdf.text  # Python's own wording uses the same hook
    assert "24 November 2026" in pdf.pages[0]  # dates are the language's own (CLDR), en-GB here


def test_values_are_escaped_and_never_evaluated(resources: Resources) -> None:
    from generator.prescription import PatientDetails

    options = BuildOptions(date=dt.date(2026, 11, 24), details=PatientDetails(
        patient="<b>Bo</b> & {{ 7*7 }} {% raw %}"))
    story = render_story(resources, resources.prescribe(options))
    assert "&lt;b&gt;Bo&lt;/b&gt; &amp; {{ 7*7 }} {% raw %}" in story


def test_misspelt_variable_is_an_error_with_file_and_line(tmp_path: Path,
                                                          resources: Resources) -> None:
    (tmp_path / "sources.xml.j2").write_text("<p>ok</p>\n<p>{{ sorces }}</p>", encoding="utf-8")
    own = Resources.load(default_pack(), tmp_path)
    with pytest.raises(UserError) as raised:
        render_story(own, own.prescribe(BuildOptions(date=dt.date(2026, 11, 24))))
    problem = raised.value.problems[0]
    assert problem.message == "template error: 'sorces' is undefined"
    assert (problem.path, problem.line) == (tmp_path / "sources.xml.j2", 2)


def test_translation_with_other_placeholders_is_refused(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "en.yaml").write_text(
        '"Week %(num)s": "Woche %(nummer)s"\n', encoding="utf-8")
    with pytest.raises(UserError) as raised:
        Resources.load(default_pack(), tmp_path)
    problem = raised.value.problems[0]
    assert problem.field == "Week %(num)s"
    assert "placeholders ['num'], not ['nummer']" in problem.message


def test_translation_the_font_cannot_print_is_refused(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "en.yaml").write_text(
        '"Your exercises, in this order": "练习"\n', encoding="utf-8")
    resources = Resources.load(default_pack(), tmp_path)
    with pytest.raises(UserError) as raised:
        render_handout(BuildOptions(date=dt.date(2026, 11, 24)), resources)
    assert "the font cannot print '练'" in str(raised.value)


@pytest.mark.parametrize("cached", [False, True])
def test_a_styles_mistake_only_large_print_makes_is_reported_at_its_file_every_time(
        cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large print's own values are checked with the styles (not on every load): a mistake
    only the large-print styles meet stops every load, the first and one from the cache,
    naming the user's styles.yaml; the same sheet fixed loads and prints large."""
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache") if cached else "")
    own = tmp_path / "own"
    own.mkdir()
    styles = own / "styles.yaml"
    styles.write_text("large_print:\n  page: 5\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(UserError) as raised:
            Resources.load(templates_dir=own)
        assert raised.value.problems[0].path == styles
        assert "large_print.page: expected a mapping of the page's settings" in str(raised.value)
    styles.write_text("large_print:\n  page:\n    margin_left: 20\n", encoding="utf-8")
    resources = Resources.load(templates_dir=own)
    pdf = render_handout(BuildOptions(date=dt.date(2026, 11, 24), large_print=True), resources)
    assert pdf.startswith(b"%PDF-")

def test_checked_styles_come_from_the_cache_until_a_styles_file_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """read_styles keeps the merged, checked styles by both files' bytes: an unchanged pair
    is not checked again; a changed file is (its new value used, its mistake reported at
    its line as before), and a file that is not a regular file is never read for a hash."""
    import os

    from generator import templating
    from generator.templating import Templates

    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    checked: list[list[Path]] = []
    check = templating._checked_styles

    def counted(files: list[Path]) -> dict[str, object]:
        checked.append(files)
        return check(files)

    monkeypatch.setattr(templating, "_checked_styles", counted)
    own = tmp_path / "own"
    own.mkdir()
    styles = own / "styles.yaml"
    styles.write_text('colours:\n  card_band: "#7a1f5c"\n', encoding="utf-8")
    first = Templates(own).read_styles()
    again = Templates(own).read_styles()
    assert len(checked) == 1 and again == first and first["colours"]["card_band"] == "#7a1f5c"
    assert first["paragraph"] == Templates().read_styles()["paragraph"]  # merged over the bundled
    styles.write_text('colours:\n  card_band: "#123456"\n', encoding="utf-8")
    assert Templates(own).read_styles()["colours"]["card_band"] == "#123456"
    styles.write_text('colours:\n  accent: "#1d3557"\n  card_band: pink\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(UserError, match="styles.yaml:3:3: colours.card_band: 'pink' is not"):
            Templates(own).read_styles()
    assert len(checked) == 5  # the bundled file alone once, the broken pair each time
    styles.unlink()
    os.mkfifo(styles)  # a FIFO with no writer: reading it would wait for ever
    with pytest.raises(UserError, match="not a regular file|cannot read"):
        Templates(own).read_styles()


def test_the_bundled_templates_compile() -> None:
    """validate checks only a user's template folder (the bundled one is checked here)."""
    assert Templates().compile_problems() == []


def test_a_folder_s_broken_template_is_named_at_its_own_file(tmp_path: Path) -> None:
    (tmp_path / "faq.xml.j2").write_text("ok\n{% for %}", encoding="utf-8")
    nested = "{% if true %}" * 120 + "{% endif %}" * 120  # Python compiles 100 levels at most
    (tmp_path / "title.xml.j2").write_text(nested, encoding="utf-8")
    problems = Templates(tmp_path).compile_problems()
    assert [(p.path, p.line) for p in problems] == [(tmp_path / "faq.xml.j2", 2),
                                                    (tmp_path / "title.xml.j2", None)]
    assert "nested too deeply" in problems[1].message


def test_a_percent_sign_in_a_message_with_nothing_to_fill_in_prints_once(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "en.yaml").write_text('"Stay safe": "Stay 100% safe"\n', encoding="utf-8")
    templates = Templates(tmp_path)
    assert templates.catalog("en")[1] == []
    own = Resources.load(default_pack(), tmp_path)
    story = render_story(own, own.prescribe(BuildOptions(date=dt.date(2026, 11, 24))))
    assert "Stay 100% safe" in story and "100%%" not in story


def test_a_folder_s_catalog_is_laid_over_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "sv.yaml").write_text('"Stay safe": "Var försiktig"\n', encoding="utf-8")
    swedish = Templates(tmp_path).translator("sv")
    assert swedish.gettext("Stay safe") == "Var försiktig"  # the folder's
    assert swedish.gettext("Get help urgently") == "Sök vård direkt"  # the bundled file's, not English
