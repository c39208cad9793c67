"""The handout in Swedish (--lang sv), read back from the PDF as a Swedish patient reads it;
the batch language column, presets in a language, and how a missing translation is reported."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfread import ReadPdf, assert_valid_pdf
from test_design import logo, personal  # noqa: F401  (logo is a fixture)

from generator.build import BuildOptions, Resources, render_handout
from generator.cli import main
from generator.loading import check_all, load_pack
from generator.model import Exercise, Pack
from generator.resources import bundled, default_pack
from generator.templating import Templates

DATE = dt.date(2026, 12, 2)
THREE = ("knee-to-chest", "glute-bridge", "bird-dog")


@pytest.fixture(scope="module")
def sv_pack() -> Pack:
    return load_pack(default_pack(), language="sv")


@pytest.fixture(scope="module")
def sv_resources() -> Resources:
    return Resources.load(default_pack(), language="sv")


@pytest.fixture(scope="module")
def sv_pdf(sv_resources: Resources) -> bytes:
    return render_handout(BuildOptions(date=DATE, language="sv"), sv_resources)


@pytest.fixture(scope="module")
def sv_read(sv_pdf: bytes) -> ReadPdf:
    return ReadPdf.from_bytes(sv_pdf)


def page_texts(pdf: ReadPdf) -> list[str]:
    """Each page's text with line-end hyphenation undone ("könsor-\\nganen" -> "könsorganen")
    and white space collapsed."""
    pages = []
    for page in pdf.reader.pages:
        text = re.sub(r"(\w)-\n(\w)", r"\1\2", page.extract_text())
        pages.append(" ".join(text.split()))
    return pages


def reading_text(pdf: ReadPdf) -> str:
    """Everything a patient reads, up to the source list (citations are not prose)."""
    text = " ".join(page_texts(pdf))
    return text[:text.rindex("Källor")]


def squeeze(text: str) -> str:
    """Text without spaces and hyphens, to compare wrapped and hyphenated lines."""
    return re.sub(r"[\s\-\u00ad]", "", text)


def test_every_swedish_name_step_and_heading_is_printed(sv_read: ReadPdf, sv_pack: Pack) -> None:
    text = squeeze(" ".join(page_texts(sv_read)))
    for exercise in sv_pack.exercises:
        for part in (exercise.name, *exercise.steps, exercise.start_position, exercise.feel):
            assert squeeze(part) in text, (exercise.id, part)
    for section in sv_pack.sections:
        assert squeeze(section.title) in text
    headings = [title for _, title, _ in sv_read.outline()]
    for heading in ("Min träningsplan", "Hur mycket får det göra ont?", "Om ischias",
                    "Innan du börjar", "Ner på golvet och upp igen",
                    "Annat som hjälper",
                    "Sök vård direkt", "Kontakta vården snart", "Din träningsdagbok", "Källor",
                    "1. Stående stretch av baksida lår", "8. Kobran"):
        assert heading in headings


def test_swedish_doses_use_swedish_words_and_plurals(sv_read: ReadPdf) -> None:
    text = " ".join(page_texts(sv_read))
    assert "Håll 30 sekunder, 3 gånger, varje sida" in text
    assert "10 gånger, 2 set, vila en minut mellan seten, varje sida" in text  # clamshell
    assert "Håll 3 sekunder, 10 gånger, 2 set" in text  # glute bridge
    assert "Gör varje övning en gång om dagen, 4 dagar i veckan." in text  # the plan
    assert text.count("En gång om dagen, 4 dagar i veckan") == 8  # every card
    assert "Vecka 1" in text and "Sida 1 av" in text


def test_red_flags_send_to_112_and_1177_never_to_999_111_or_a_and_e(sv_read: ReadPdf) -> None:
    pages = page_texts(sv_read)
    text = " ".join(pages)  # the boxes after the cards; the amber one may run on a page
    urgent_box = text[text.rindex("Sök vård direkt"):text.index("Kontakta vården snart")]
    assert "Ring 112" in urgent_box and "akutmottagning" in urgent_box
    soon = text[text.index("Kontakta vården snart"):text.index("Om ischias")]
    assert "vårdcentral i dag, eller 1177" in soon and "vårdcentralen" in soon
    for number in ("999", "111"):
        assert not re.search(rf"(?<!\d){number}(?!\d)", " ".join(pages)), number
    assert "A&E" not in " ".join(pages) and "A&amp;E" not in " ".join(pages)


def test_the_safety_net_is_complete_in_swedish(sv_read: ReadPdf) -> None:
    """The design issue's safety net: sex problems and walking in the urgent box; foot drop the
    same day, a fall, osteoporosis or steroids; heat, the pharmacy, no heat on numb skin."""
    text = " ".join(page_texts(sv_read))
    for fact in ("Nya problem med sexlivet", "Du har börjat gå på ett annat sätt", "droppfot",
                 "Svaghet eller domningar i ena benet eller foten blir värre",
                 "Smärtan började när du ramlade", "benskörhet (osteoporos)", "kortison",
                 "Fråga på apoteket", "Lägg aldrig en värmekudde på domnad hud",
                 "upp till 5 av 10", "lagt sig till nästa morgon", "värre från vecka till vecka",
                 "Sluta med övningen i dag", "fast säng", "vila en minut mellan seten",
                 "Ring din vårdcentral i dag", "inom några dagar"):
        assert fact in text, fact


def test_swedish_date_language_tag_and_metadata(sv_read: ReadPdf) -> None:
    assert "Datum 2 december 2026" in page_texts(sv_read)[0]
    assert str(sv_read.reader.trailer["/Root"]["/Lang"]) == "sv-SE"
    meta = sv_read.reader.metadata
    assert meta.title == "Övningar vid ischias"
    assert meta.subject == "Ischias: övningar och råd"
    assert "ischias" in meta["/Keywords"]


def english_phrases() -> list[str]:
    """The literal pieces of every English message (placeholders cut out), long enough to be
    recognisable, that the Swedish catalogue translates differently."""
    templates = Templates()
    catalog, _ = templates.catalog("sv")
    phrases = set()
    for message in templates.messages():
        translated = catalog.get(message.text)
        if isinstance(translated, str) and translated == message.text:
            continue  # the same word in both languages ("Stretch")
        phrases.update(part.strip() for part in re.split(r"%\(\w+\)s", message.text)
                       if len(part.strip()) >= 4)
    return sorted(phrases)


def assert_no_english(text: str) -> None:
    phrases = english_phrases()
    assert len(phrases) > 40  # the whole catalogue, not a few words
    left = [phrase for phrase in phrases if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]
    assert left == []


def test_no_english_fixed_wording_is_left(sv_read: ReadPdf, pack: Pack) -> None:
    text = reading_text(sv_read)
    assert_no_english(text)
    for english in (*(s.title for s in pack.sections), *(e.name for e in pack.exercises),
                    pack.red_flags.emergency_intro, pack.title):
        assert english not in text


def lix(text: str) -> float:
    """Läsbarhetsindex: words per sentence plus the percentage of words over six letters."""
    words = re.findall(r"[^\W\d_]+", text)
    sentences = max(1, len(re.findall(r"[.!?:]+(?:\s|$)", text)))
    long_words = [word for word in words if len(word) > 6]
    return len(words) / sentences + 100 * len(long_words) / len(words)


def test_lix_readability_of_the_whole_text_and_the_steps(sv_read: ReadPdf) -> None:
    text = reading_text(sv_read)
    assert lix(text) <= 40, lix(text)
    steps = []
    for page in page_texts(sv_read):  # on a card, the numbered steps follow the start position
        for card in page.split("Så börjar du:")[1:]:
            block = card[:card.index("Det här ska du känna")]
            steps.append(re.sub(r"(?<!\d)\d+\.\s", " ", block[block.index("1. "):]))
    assert len(steps) == 8
    assert lix(" ".join(steps)) <= 30, lix(" ".join(steps))


def test_lix_tells_plain_swedish_from_officialese() -> None:
    plain = "Ligg på rygg. Böj knäna. Lyft ena knät mot bröstet. Håll kvar och andas lugnt."
    official = ("Patienten rekommenderas genomföra rörelseträningsprogrammet regelbundet "
                "eftersom ländryggsbesvärens symtomutveckling annars riskerar försämring.")
    assert lix(plain) < 30 < 55 < lix(official)


def card_heading(number: int, exercise: Exercise) -> str:
    """A card's heading band, squeezed: its number, name and kind (the My plan page has the
    number and name only)."""
    return squeeze(f"{number}. {exercise.name}{'Stretch' if exercise.kind == 'stretch' else 'Styrka'}")


@pytest.mark.parametrize(("page_size", "large_print"),
                         [("a4", False), ("letter", False), ("a4", True), ("letter", True)],
                         ids=["a4", "letter", "a4-large", "letter-large"])
@pytest.mark.parametrize("exercises", [(), THREE], ids=["all", "three"])
def test_every_card_is_whole_in_swedish(
        sv_resources: Resources, sv_pack: Pack, page_size: str, large_print: bool,
        exercises: tuple[str, ...]) -> None:
    data = render_handout(BuildOptions(date=DATE, page_size=page_size, large_print=large_print,  # type: ignore[arg-type]
                                       exercises=exercises, language="sv"), sv_resources)
    assert_valid_pdf(data)
    swedish = ReadPdf.from_bytes(data)
    pages = [squeeze(page) for page in page_texts(swedish)]
    chosen = [e for e in sv_pack.exercises if not exercises or e.id in exercises]
    chosen.sort(key=lambda e: exercises.index(e.id) if exercises else 0)
    for number, exercise in enumerate(chosen, start=1):
        title = card_heading(number, exercise)
        page = next(page for page in pages if title in page)
        card = page[page.index(title):]
        for part in (exercise.steps[0], exercise.steps[-1], exercise.easier, exercise.harder):
            assert squeeze(part) in card, (exercise.id, part)


# The design's page budgets (A4, with a name, a 60-word note and a logo) hold in Swedish too,
# though Swedish runs 10-20% longer than English.

def sv_build(sv_resources: Resources, logo: Path, **options: object) -> ReadPdf:
    return ReadPdf.from_bytes(render_handout(BuildOptions(  # type: ignore[arg-type]
        date=DATE, language="sv", details=personal(logo), **options), sv_resources))


def test_three_exercises_and_a_two_week_log_fit_five_pages_in_swedish(
        sv_resources: Resources, logo: Path) -> None:
    pdf = sv_build(sv_resources, logo, exercises=THREE, weeks=2)
    assert len(pdf.pages) <= 5
    assert "Vecka 2" in pdf.text and "Vecka 3" not in pdf.text


def test_all_eight_exercises_fit_nine_pages_in_swedish(sv_resources: Resources,
                                                       logo: Path) -> None:
    assert len(sv_build(sv_resources, logo).pages) <= 9


def test_the_brief_edition_of_three_fits_two_pages_in_swedish(sv_resources: Resources,
                                                             logo: Path) -> None:
    pdf = sv_build(sv_resources, logo, exercises=THREE, brief=True)
    assert len(pdf.pages) <= 2
    assert "Sök vård direkt" in pdf.text and "Ring 112" in pdf.text  # never left out


@pytest.mark.xfail(strict=True, reason="15 large-print pages for 8: normal print shrank to 8 "
                   "pages (see test_design.test_large_print_is_at_most_1_7_times_as_long)")
def test_swedish_large_print_is_at_most_1_7_times_as_long(sv_resources: Resources,
                                                          logo: Path) -> None:
    """All eight, as English meets it (English's three-exercise case does not yet: see
    test_design.test_large_print_is_at_most_1_7_times_as_long)."""
    normal = sv_build(sv_resources, logo)
    large = sv_build(sv_resources, logo, large_print=True)
    assert len(large.pages) <= 1.7 * len(normal.pages)


def test_two_whole_cards_share_a_normal_print_page_in_swedish(sv_resources: Resources,
                                                              sv_pack: Pack, logo: Path) -> None:
    pages = [squeeze(page) for page in page_texts(sv_build(sv_resources, logo))]
    per_page = [sum(card_heading(n, e) in page for n, e in enumerate(sv_pack.exercises, 1))
                for page in pages]
    assert max(per_page) == 2 and per_page.count(2) >= 3


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    return path


def test_batch_language_column(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "day.csv", ["patient", "exercises", "language", "date", "output"],
                       [["Anna Svensson", "cobra;bird-dog", "sv", "2026-12-02", "anna"],
                        ["John Smith", "cobra;bird-dog", "", "2026-12-02", "john"],
                        ["Erik Berg", "cobra", "de", "2026-12-02", "erik"]])
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(tmp_path), "-j", "1"])
    assert result.exit_code == 1
    assert (f"error: {source}:4:3: language: the pack 'sciatica' has no text in 'de'; "
            "its languages: en, sv") in result.output
    anna = ReadPdf.from_bytes((tmp_path / "anna.pdf").read_bytes())
    text = reading_text(anna)
    assert "2 december 2026" in text and "Ring 112" in text and "1. Kobran" in text
    assert str(anna.reader.trailer["/Root"]["/Lang"]) == "sv-SE"
    assert not re.search(r"(?<!\d)999(?!\d)", text)
    assert_no_english(text)
    john = ReadPdf.from_bytes((tmp_path / "john.pdf").read_bytes())
    assert "2 December 2026" in john.text and "1. Cobra" in john.text
    assert str(john.reader.trailer["/Root"]["/Lang"]) == "en-GB"


def test_presets_work_in_swedish_and_may_name_their_language(tmp_path: Path) -> None:
    out = tmp_path / "gentle.pdf"
    result = CliRunner().invoke(main, ["build", "--lang", "sv", "--preset", "gentle-start",
                                       "--date", "2026-12-02", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(ReadPdf.from_bytes(out.read_bytes())))
    assert "Börja med 20 sekunder. Öka sedan till 30 sekunder." in text  # the preset's notes
    assert "Håll 20 sekunder" in text  # the preset's dose, the same in every language
    preset = tmp_path / "svensk.yaml"
    preset.write_text("name: Svensk\ndescription: Två övningar.\nlanguage: sv\n"
                      "exercises: [cobra, clamshell]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--preset", str(preset), "--date", "2026-12-02",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(ReadPdf.from_bytes(out.read_bytes())))
    assert "1. Kobran" in text and "2. Musslan" in text and "Sök vård direkt" in text
    result = CliRunner().invoke(main, ["build", "--preset", str(preset), "--lang", "en",
                                       "--date", "2026-12-02", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1. Cobra" in ReadPdf.from_bytes(out.read_bytes()).text  # --lang wins


@pytest.mark.parametrize("command", [["build"], ["list"], ["validate"], ["figures", "-o", "x.pdf"]])
def test_a_language_the_pack_lacks_is_a_usage_error_listing_its_languages(
        command: list[str]) -> None:
    result = CliRunner().invoke(main, [*command, "--lang", "fi"])
    assert result.exit_code == 2
    assert "the pack 'sciatica' has no text in 'fi'; its languages: en, sv" in result.output


def test_list_and_figures_in_swedish(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["list", "--lang", "sv"])
    assert result.exit_code == 0
    assert "bird-dog            Diagonallyft på alla fyra  (strengthen)" in result.output
    out = tmp_path / "figures.pdf"
    result = CliRunner().invoke(main, ["figures", "--lang", "sv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = ReadPdf.from_bytes(out.read_bytes())
    assert "Övningarnas bilder: granskningsblad" in sheet.text and "Musslan" in sheet.text
    assert str(sheet.reader.trailer["/Root"]["/Lang"]) == "sv-SE"


def test_the_bundled_swedish_is_complete() -> None:
    assert check_all(default_pack(), "sv") == []
    assert Templates().untranslated("sv") == []


def test_the_swedish_catalogue_has_no_entry_nothing_prints() -> None:
    templates = Templates()
    catalog, problems = templates.catalog("sv")
    assert problems == []
    assert sorted(set(catalog) - {message.text for message in templates.messages()}) == []


@pytest.fixture()
def broken_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the pack and a template folder with one of each translation mistake."""
    pack_dir = tmp_path / "pack"
    shutil.copytree(default_pack(), pack_dir)
    (pack_dir / "sv" / "exercises" / "cobra.yaml").unlink()
    clamshell = pack_dir / "sv" / "exercises" / "clamshell.yaml"
    clamshell.write_text(clamshell.read_text(encoding="utf-8").replace("feel:", "kind: stretch\nfeal:"),
                         encoding="utf-8")
    templates = tmp_path / "templates"
    (templates / "messages").mkdir(parents=True)
    catalog = (bundled("templates") / "messages" / "sv.yaml").read_text(encoding="utf-8")
    catalog = catalog.replace('"Vecka %(num)s"', '"Vecka %(nummer)s"')
    (templates / "messages" / "sv.yaml").write_text(catalog, encoding="utf-8")
    # A message no catalog has (the folder's file cascades over the bundled one, so a
    # message left out of it is still translated there).
    notes = (bundled("templates") / "notes.xml.j2").read_text(encoding="utf-8")
    (templates / "notes.xml.j2").write_text(notes.replace("_('Notes for you:')", "_('Your notes:')"),
                                            encoding="utf-8")
    return pack_dir, templates


def test_validate_lang_reports_every_gap_with_file_and_line(broken_copy: tuple[Path, Path]) -> None:
    pack_dir, templates = broken_copy
    result = CliRunner().invoke(main, ["validate", "--data", str(pack_dir), "--templates",
                                       str(templates), "--lang", "sv"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    catalog = templates / "messages" / "sv.yaml"
    own_message = next(m for m in Templates(templates).messages() if m.text == "Your notes:")
    clamshell = pack_dir / "sv" / "exercises" / "clamshell.yaml"
    kind_line = clamshell.read_text(encoding="utf-8").splitlines().index("kind: stretch") + 1
    expected = [
        f"error: {pack_dir / 'sv' / 'exercises' / 'cobra.yaml'}: missing exercise text: no file "
        "sv/exercises/cobra.yaml",
        f"{clamshell}:{kind_line}:1: kind: comes from the base pack and is the same in every "
        "language: remove it here",
        f"{clamshell}:1:1: feel: not translated",
        "is 'feal' a misspelling?",
        f"{own_message.path}:{own_message.line}: untranslated message 'Your notes:'",
        f"{catalog}:",  # the placeholder, at its line
    ]
    for start in expected:
        assert any(start in line for line in lines), (start, result.output)
    placeholder = next(line for line in lines if "placeholders ['num'], not ['nummer']" in line)
    line_number = next(n for n, text in enumerate(catalog.read_text(encoding="utf-8").splitlines(), 1)
                       if "nummer" in text)
    assert f"{catalog}:{line_number}:" in placeholder


def test_build_refuses_a_half_translated_pack(broken_copy: tuple[Path, Path]) -> None:
    pack_dir, _ = broken_copy
    result = CliRunner().invoke(main, ["build", "--data", str(pack_dir), "--lang", "sv",
                                       "-o", "never.pdf"])
    assert result.exit_code == 1
    assert any(problem in result.output for problem in (  # the first, then how many more
        "missing exercise text", "not translated", "comes from the base pack"))
    assert "more problems; 'handout validate' lists them all" in result.output
    assert not Path("never.pdf").exists()


def test_ids_and_doses_come_only_from_the_base(tmp_path: Path) -> None:
    pack_dir = tmp_path / "pack"
    shutil.copytree(default_pack(), pack_dir)
    translation = pack_dir / "sv" / "exercises" / "cobra.yaml"
    translation.write_text(translation.read_text(encoding="utf-8") + "dose: {reps: 99}\n",
                           encoding="utf-8")
    problems = check_all(pack_dir, "sv")
    assert [(p.path, p.field) for p in problems] == [(translation, "dose")]
    stray = pack_dir / "sv" / "exercises" / "kobra.yaml"
    stray.write_text("name: Kobra\n", encoding="utf-8")
    assert any(p.path == stray and "no exercise 'kobra'" in p.message
               for p in check_all(pack_dir, "sv"))


def test_pain_bands_and_section_places_come_only_from_the_base(tmp_path: Path) -> None:
    """One drawn pain scale and one order of the handout in every language."""
    pack_dir = tmp_path / "pack"
    shutil.copytree(default_pack(), pack_dir)
    base = pack_dir / "pack.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("amber_max: 5", "amber_max: 4"),
                    encoding="utf-8")
    english, swedish = load_pack(pack_dir), load_pack(pack_dir, language="sv")
    assert swedish.pain_guide.amber_max == 4 and swedish.pain_guide.green_max == 2
    assert [s.place for s in swedish.sections] == [s.place for s in english.sections]
    assert "before" in [s.place for s in swedish.sections]
    translation = pack_dir / "sv" / "pack.yaml"
    text = translation.read_text(encoding="utf-8").replace("pain_guide:\n",
                                                           "pain_guide:\n  green_max: 3\n")
    translation.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  green_max: 3") + 1
    problems = [p for p in check_all(pack_dir, "sv") if "comes from the base pack" in p.message]
    assert [(p.path, p.line) for p in problems] == [(translation, line)]


TEXT_FIELDS = ("name", "start_position", "steps", "benefit", "caution", "areas", "feel",
               "stop_if", "easier", "harder")


@settings(max_examples=25, deadline=None)
@given(removed=st.sets(st.sampled_from(TEXT_FIELDS), min_size=1),
       exercise=st.sampled_from(("cobra", "clamshell", "bird-dog")))
def test_each_untranslated_field_is_reported_once_at_its_file(
        tmp_path_factory: pytest.TempPathFactory, removed: set[str], exercise: str) -> None:
    from generator.loading import check_pack

    pack_dir = tmp_path_factory.mktemp("pack") / "pack"
    shutil.copytree(default_pack(), pack_dir)
    path = pack_dir / "sv" / "exercises" / f"{exercise}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({k: v for k, v in data.items() if k not in removed},
                                   allow_unicode=True), encoding="utf-8")
    pack, problems = check_pack(pack_dir, language="sv")
    assert pack is None
    reported = sorted(p.field for p in problems)
    assert reported == sorted(removed)
    assert all(p.path == path and "not translated" in p.message for p in problems)


def test_resources_in_another_language_are_a_callers_bug(resources: Resources) -> None:
    with pytest.raises(ValueError, match="resources in 'en-GB' were passed for a handout in 'sv'"):
        render_handout(BuildOptions(date=DATE, language="sv"), resources)


# Every list a translation must give item for item: (file, path to the list in the YAML).
COUNTED = [("pack.yaml", ("safety",)), ("pack.yaml", ("red_flags", "emergency")),
           ("pack.yaml", ("red_flags", "emergency_short")), ("pack.yaml", ("red_flags", "today")),
           ("pack.yaml", ("red_flags", "soon")), ("pack.yaml", ("sections", 1, "points")),
           ("exercises/cobra.yaml", ("steps",)), ("exercises/bird-dog.yaml", ("steps",))]


@pytest.mark.parametrize(("file", "where"), COUNTED)
@pytest.mark.parametrize("change", ["drop", "add"])
def test_a_translation_that_drops_or_adds_a_red_flag_or_step_is_refused(
        tmp_path: Path, file: str, where: tuple[str | int, ...], change: str) -> None:
    """A dropped emergency sign or step would print with no error (attack finding 2)."""
    pack_dir = tmp_path / "pack"
    shutil.copytree(default_pack(), pack_dir)
    path = pack_dir / "sv" / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = data
    for key in where:
        items = items[key]
    base_count = len(items)
    if change == "drop":
        items.pop(0)
    else:
        items.append("En punkt till.")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    field = ".".join(str(key) for key in where)
    expected = (f"{field}: has {len(items)} items and the base has {base_count}: translate "
                "every item")
    for command in (["validate", "--data", str(pack_dir)],
                    ["build", "--data", str(pack_dir), "--lang", "sv", "-o",
                     str(tmp_path / "never.pdf")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        line = next(line for line in result.output.splitlines() if expected in line)
        assert line.startswith(f"error: {path}:")  # at the translation's own file and line
        assert re.match(rf"error: {re.escape(str(path))}:\d+:\d+: ", line)
    assert not (tmp_path / "never.pdf").exists()


@pytest.mark.parametrize(("code", "lang", "note"), [
    ("sv", "sv-SE", None), ("SV", "sv-SE", None), ("sv-se", "sv-SE", None),
    ("sv-FI", "sv-SE", "the pack has no text for 'sv-FI'; printing its 'sv-SE' text"),
    ("en-US", "en-GB", "the pack has no text for 'en-US'; printing its 'en-GB' text"),
    ("EN-gb", "en-GB", None)])
def test_language_codes_are_read_case_insensitively_and_a_missing_region_is_noted(
        tmp_path: Path, code: str, lang: str, note: str | None) -> None:
    """Attack finding 4: sv-FI printed sv-SE silently, en-US and SV were refused."""
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", "--lang", code, "-e", "cobra", "--weeks", "0",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(ReadPdf.from_bytes(out.read_bytes()).reader.trailer["/Root"]["/Lang"]) == lang
    notes = [line for line in result.output.splitlines() if line.startswith("note:")]
    assert notes == ([f"note: {note} (its dates and the services it names)"] if note else [])


def test_a_batch_row_in_another_region_is_built_with_a_note(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path / "day.csv", ["patient", "language", "exercises"],
                         [["Ann", "SV", "cobra"], ["Bo", "sv-FI", "cobra"]])
    result = CliRunner().invoke(main, ["batch", str(csv_path), "-o", str(tmp_path / "out"),
                                       "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "note: line 3: the pack has no text for 'sv-FI'; printing its 'sv-SE'" in result.output
    assert "line 2" not in result.output


def test_a_presets_language_is_read_the_same_way(tmp_path: Path) -> None:
    preset = tmp_path / "mine.yaml"
    preset.write_text("name: Mine\ndescription: Mine.\nlanguage: SV-fi\nexercises: [cobra]\n",
                      encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(main, ["build", "--preset", str(preset), "--weeks", "0",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "note: the pack has no text for 'sv-FI'; printing its 'sv-SE' text" in result.output
    assert "1. Kobran" in ReadPdf.from_bytes(out.read_bytes()).text
