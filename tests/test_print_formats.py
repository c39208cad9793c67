"""Every card whole on one page and nothing lost, in every print format."""

from __future__ import annotations

import datetime as dt

import pytest

from PIL import Image
from pdfread import ReadPdf, assert_valid_pdf, collapse

from generator.build import BuildOptions, Resources, render_handout
from generator.model import Pack
from generator.prescription import PatientDetails

FORMATS = [("a4", False, False), ("letter", False, False), ("a4", True, False),
           ("letter", True, False), ("letter", True, True)]
NAME = "Maria-Josefina Przybyszewska-Wójcikiewicz de la Fuente Ölund"  # 60 characters
NOTES = "\n\n".join(" ".join(["Walk a little further each day and keep moving."] * 11)
                     for _ in range(3))  # about 300 words


def format_id(spec: tuple[str, bool, bool]) -> str:
    page_size, large, busy = spec
    return f"{page_size}-{'large' if large else 'normal'}{'-name-logo-notes' if busy else ''}"


@pytest.fixture(scope="module", params=FORMATS, ids=format_id)
def printed(request: pytest.FixtureRequest, resources: Resources,
            tmp_path_factory: pytest.TempPathFactory) -> ReadPdf:
    page_size, large, busy = request.param
    details = PatientDetails()
    if busy:  # the worst case: long name, a logo and 300 words of notes
        logo = tmp_path_factory.mktemp("logo") / "logo.png"
        Image.new("RGB", (600, 200), "#2a7a4a").save(logo)
        details = PatientDetails(patient=NAME, clinician="Dr Sam Lee", logo=logo, notes=NOTES)
    data = render_handout(BuildOptions(page_size=page_size, large_print=large, details=details,
                                       date=dt.date(2026, 11, 24)), resources)
    assert_valid_pdf(data)
    return ReadPdf.from_bytes(data)


def page_of(pdf: ReadPdf, needle: str, after_page: int = 0) -> int:
    for number, page in enumerate(pdf.pages, start=1):
        if number >= after_page and needle in page:
            return number
    raise AssertionError(f"{needle!r} not found")


def test_every_card_is_whole_on_one_page(printed: ReadPdf, pack: Pack) -> None:
    for number, exercise in enumerate(pack.exercises, start=1):
        heading = f"{number}. {exercise.name} {exercise.kind.capitalize()}"  # not My plan's
        first = page_of(printed, heading)
        page = printed.pages[first - 1]
        card = page[page.index(heading):]
        for part in (exercise.steps[0], exercise.steps[-1], exercise.easier, exercise.harder):
            assert collapse(part) in card, (exercise.id, part)


def test_no_heading_is_the_last_thing_on_a_page(printed: ReadPdf) -> None:
    headings = [title for _, title, _ in printed.outline()]
    for page in printed.pages:
        body = page.rsplit("Page ", 1)[0].strip()  # drop the footer
        for heading in headings:
            assert not body.endswith(heading), heading


def test_every_exercise_and_step_survives(printed: ReadPdf, pack: Pack) -> None:
    text = printed.text
    for exercise in pack.exercises:
        for step in exercise.steps:
            assert collapse(step) in text


def test_long_name_and_notes_print_whole(printed: ReadPdf) -> None:
    text = printed.text
    if NAME in text:
        assert " ".join(NOTES.split()[:40]) in text
        assert all(NAME[:20] in page for page in printed.pages)  # the footer names the patient
