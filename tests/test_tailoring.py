"""One patient's handout: chosen exercises, doses, details, log and print format, read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from pdfread import ReadPdf, assert_valid_pdf

from generator.build import BuildOptions, Resources, render_handout
from generator.model import Pack
from generator.naming import default_output, slug
from generator.prescription import PatientDetails, Prescription, prescribe

NOTES = "Walk for ten minutes after lunch.\n\nCall me if the tingling\nspreads."


@pytest.fixture(scope="module")
def logo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logo") / "logo.png"
    Image.new("RGB", (300, 100), "#1d7a4a").save(path)
    return path


@pytest.fixture(scope="module")
def tailored(resources: Resources, logo: Path) -> ReadPdf:
    options = BuildOptions(
        preset="strength", exclude=("pelvic-tilt",), exercises=(),
        doses=("bird-dog=3x6,hold4", "clamshell=left,2/day,note:Only your left side for now."),
        weeks=3,
        details=PatientDetails(patient="Zoë Łukasiewicz", clinician="Sam Lee",
                               clinic="Riverside Physio", contact="020 7946 0000",
                               notes=NOTES, logo=logo),
        date=dt.date(2026, 11, 24), review_date=dt.date(2026, 12, 8), page_size="letter")
    return ReadPdf.from_bytes(render_handout(options, resources))


def test_tailored_pdf_is_valid(resources: Resources, logo: Path) -> None:
    assert_valid_pdf(render_handout(BuildOptions(
        exercises=("cobra", "clamshell"), details=PatientDetails(patient="Zoë", logo=logo),
        date=dt.date(2026, 11, 24)), resources))


def test_only_the_chosen_exercises_in_order(tailored: ReadPdf, pack: Pack) -> None:
    cards = [title for level, title, _ in tailored.outline() if title[0].isdigit()]
    assert cards == ["1. Bird dog", "2. Clamshell", "3. Glute bridge"]
    text = tailored.text
    for exercise in pack.exercises:
        if exercise.id in {"knee-to-chest", "cobra", "pelvic-tilt", "piriformis"}:
            assert exercise.steps[0] not in text, exercise.id


def test_doses_as_written(tailored: ReadPdf) -> None:
    text = tailored.text
    cards = text[text.index("1. Bird dog Strengthen"):]
    bird = cards[:cards.index("2. Clamshell")]
    assert "Hold 4 seconds, 6 times, 3 sets, rest a minute between sets, each side" in bird
    clam = cards[cards.index("2. Clamshell"):cards.index("3. Glute bridge")]
    assert "10 times, left side only" in clam  # 1 set (preset) of 10 (pack)
    assert "Twice a day, 4 days a week" in clam
    assert "Note: Only your left side for now." in clam
    glute = cards[cards.index("3. Glute bridge"):]
    assert "Note: Start with 1 set." in glute  # the preset's note


def test_personal_fields_and_notes(tailored: ReadPdf) -> None:
    first = tailored.pages[0]
    for label, value in (("For", "Zoë Łukasiewicz"), ("Physio or doctor", "Sam Lee"),
                         ("Clinic", "Riverside Physio"), ("Phone", "020 7946 0000"),
                         ("Date", "24 November 2026"), ("Next review", "8 December 2026")):
        assert f"{label} {value}" in first
    text = tailored.body  # the notes close the plan and may run on to the next page
    assert "Walk for ten minutes after lunch. Call me if the tingling spreads." in text
    assert "Start with fewer repetitions" in text  # the preset's notes
    assert all("Zoë Łukasiewicz" in page for page in tailored.pages)  # footer


def test_logo_is_drawn_on_the_first_page(tailored: ReadPdf) -> None:
    images = tailored.reader.pages[0].images
    assert len(images) == 1 and images[0].image.size == (300, 100)


def test_log_has_a_row_per_exercise_and_a_column_per_day(tailored: ReadPdf) -> None:
    text = tailored.text
    log = text[text.index("Your exercise log"):text.index("Get help urgently",
                                                            text.index("Your exercise log"))]
    for week in ("Week 1", "Week 2", "Week 3"):
        assert week in log
    assert "Week 4" not in log
    assert "Tu 24 We 25 Th 26 Fr 27 Sa 28 Su 29 Mo 30" in log  # days with their dates
    assert "Tu 8 We 9 Th 10 Fr 11 Sa 12 Su 13 Mo 14" in log  # week 3
    for row in ("Glute bridge", "Clamshell", "Bird dog", "Pain today (0 to 10)"):
        assert row in log
    assert "Pelvic tilt" not in log
    assert "Pain rule: While you exercise" in log  # the pain rule with the log


def test_letter_page_size(tailored: ReadPdf) -> None:
    for page in tailored.reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_only_write_in_labels_when_fields_are_not_given(default_read: ReadPdf) -> None:
    first = default_read.pages[0]
    # a line to write on for who it is for, who to call and when to come back
    assert "For Date 24 November 2026 Physio or doctor Phone Next review" in first
    for label in ("Clinic", "Notes for you"):  # nothing to write in: left out
        assert label not in first
    assert "Your exercise log" in default_read.text  # two weeks by default
    assert "Week 2" in default_read.text and "Week 3" not in default_read.text


def test_no_log_with_zero_weeks(resources: Resources) -> None:
    pdf = ReadPdf.from_bytes(render_handout(
        BuildOptions(exercises=("cobra",), weeks=0, date=dt.date(2026, 11, 24)), resources))
    assert "Your exercise log" not in pdf.text
    assert "Your exercise log" not in [title for _, title, _ in pdf.outline()]


def test_large_print_body_is_16pt_or_more(resources: Resources) -> None:
    pdf = ReadPdf.from_bytes(render_handout(
        BuildOptions(large_print=True, date=dt.date(2026, 11, 24)), resources))
    sizes = pdf.font_sizes()
    assert min(size for size, _ in sizes) >= 16
    assert [size for size, text in sizes if text.startswith("Slowly lift one knee")] == [16.08]


@pytest.mark.parametrize(("name", "expected"), [
    ("Zoë O'Brien", "zoë-o-brien"),
    ("Zoe\u0308", "zoë"),              # combining diaeresis: composed (NFKC)
    ("Łucja Żółć", "łucja-żółć"),
    ("../../etc/passwd", "etc-passwd"),
    (".hidden", "hidden"),
    ("Straße 5", "strasse-5"),         # case-folded
    ("ﬁona", "fiona"),                 # a ligature: compatibility-folded
    ("李小龍", "李小龍"),
    ("Μαρία", "μαρία"),
    ("Иван", "иван"),
    ("דוד כהן", "דוד-כהן"),
    ("राम", "राम"),                    # vowel signs are marks, kept with their letters
    ("<>:\"|?*\\/", ""),
])
def test_slug_keeps_letters_of_every_script(name: str, expected: str) -> None:
    assert slug(name) == expected


def prescription_for(patient: str | None, pack: Pack) -> Prescription:
    return prescribe(pack, BuildOptions(details=PatientDetails(patient=patient),
                                        date=dt.date(2026, 11, 24)), None)


def test_output_name_comes_from_the_cleaned_prescription(pack: Pack) -> None:
    assert default_output(prescription_for("Zoë  O'Brien", pack), "sciatica") == Path(
        "out/sciatica-zoë-o-brien-2026-11-24.pdf")
    assert default_output(prescription_for("!!!", pack), "sciatica") == Path(
        "out/sciatica-patient-2026-11-24.pdf")
    # White space only is no patient: the page names none, and nor does the file.
    assert default_output(prescription_for("   ", pack), "low-back") == Path(
        "out/low-back-handout.pdf")
    long_name = default_output(prescription_for("Μαρία " * 50, pack), "sciatica").name
    assert len(long_name.encode("utf-8")) <= 200 and long_name.endswith("-2026-11-24.pdf")


def test_names_that_differ_keep_different_files(pack: Pack) -> None:
    names = ["Μαρία", "Иван", "דוד כהן", "Zoë", "Zoe"]
    paths = {default_output(prescription_for(name, pack), "sciatica") for name in names}
    assert len(paths) == len(names)


@given(st.text(max_size=400))
def test_any_name_gives_a_safe_short_file_name(name: str) -> None:
    made = slug(name)
    assert "/" not in made and "\\" not in made and "\x00" not in made
    assert not made.startswith((".", "-")) and not made.endswith("-")
    path = default_output(Prescription(exercises=(), issued=dt.date(2026, 11, 24),
                                       details=PatientDetails(patient=name or None)), "sciatica")
    assert path.parent == Path("out") and len(path.name.encode("utf-8")) <= 200
    assert path.name.endswith(".pdf")
