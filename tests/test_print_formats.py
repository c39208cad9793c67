"""Every card whole on one page and nothing lost, in every print format."""

from __future__ import annotations

import datetime as dt

import pytest
from pdfread import ReadPdf, collapse

from generator.build import BuildOptions, Resources, render_handout
from generator.model import Pack

FORMATS = [("a4", False), ("letter", False), ("a4", True), ("letter", True)]


@pytest.fixture(scope="module", params=FORMATS, ids=lambda f: f"{f[0]}-{'large' if f[1] else 'normal'}")
def printed(request: pytest.FixtureRequest, resources: Resources) -> ReadPdf:
    page_size, large = request.param
    return ReadPdf.from_bytes(render_handout(
        BuildOptions(page_size=page_size, large_print=large, date=dt.date(2026, 11, 24)),
        resources))


def page_of(pdf: ReadPdf, needle: str, after_page: int = 0) -> int:
    for number, page in enumerate(pdf.pages, start=1):
        if number >= after_page and needle in page:
            return number
    raise AssertionError(f"{needle!r} not found")


def test_every_card_is_whole_on_one_page(printed: ReadPdf, pack: Pack) -> None:
    for number, exercise in enumerate(pack.exercises, start=1):
        first = page_of(printed, f"{number}. {exercise.name}")
        page = printed.pages[first - 1]
        card = page[page.index(f"{number}. {exercise.name}"):]
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
