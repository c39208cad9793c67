"""Remembered line breaks: a warm process prints the same bytes as a cold one."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest

from generator.build import BuildOptions, Resources, render_handout
from generator.layout import linebreaks
from generator.prescription import PatientDetails
from generator.resources import default_pack

DATE = dt.date(2026, 11, 24)
# A note long enough to split over pages: split paragraphs must not change what is shared.
NOTE = "\n\n".join(["Walk a little further each day; rest when you need to, then go on."
                    " Keep a note of how far you got."] * 3 + ["Sit less. " * 300])
OPTIONS = [
    BuildOptions(date=DATE),
    BuildOptions(date=DATE, exercises=("cobra", "clamshell", "bird-dog"), weeks=2,
                 details=PatientDetails(patient="Ann Example", clinician="Dr Bo Nilsson",
                                        contact="0123 456 789", notes=NOTE)),
    BuildOptions(date=DATE + dt.timedelta(days=3), large_print=True,
                 details=PatientDetails(patient="Per Olsson", notes=NOTE)),
    BuildOptions(date=DATE, page_size="letter", brief=True),
]


@pytest.fixture(scope="module")
def cold(resources: Resources) -> list[bytes]:
    """Each handout built with nothing remembered."""
    pdfs = []
    for options in OPTIONS:
        linebreaks.forget()
        pdfs.append(render_handout(options, resources))
    return pdfs


def test_warm_builds_in_any_order_match_cold_ones(resources: Resources, cold: list[bytes]) -> None:
    linebreaks.forget()
    for _ in range(2):
        for number in reversed(range(len(OPTIONS))):
            assert render_handout(OPTIONS[number], resources) == cold[number], number


def test_builds_in_threads_match_cold_ones(resources: Resources, cold: list[bytes]) -> None:
    linebreaks.forget()
    order = list(range(len(OPTIONS))) * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        pdfs = list(pool.map(lambda number: render_handout(OPTIONS[number], resources), order))
    assert pdfs == [cold[number] for number in order]


def test_the_memo_is_bounded(resources: Resources, monkeypatch: pytest.MonkeyPatch) -> None:
    linebreaks.forget()
    monkeypatch.setattr(linebreaks, "LIMIT", 50)
    render_handout(OPTIONS[1], resources)
    assert len(linebreaks._memo) == 50


def test_swedish_with_hyphenated_words_warm_matches_cold() -> None:
    """Swedish breaks long compounds with a hyphen: splitting those lines edits them."""
    resources = Resources.load(default_pack(), language="sv")
    words = "Ryggmärgskanalförträngning och nervrotsinklämningssymtom förbättras långsamt. "
    options = BuildOptions(date=DATE, language="sv", details=PatientDetails(
        patient="Åsa Öberg", notes="\n\n".join([words * 30] * 4)))
    linebreaks.forget()
    cold = render_handout(options, resources)
    assert render_handout(options, resources) == cold
    assert render_handout(options, resources) == cold


def test_parts_of_split_paragraphs_are_remembered_too(resources: Resources,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Balanced columns split the pack's paragraphs at the same lines for every patient:
    the parts' line breaks come from the memo, and the bytes are those of a cold build."""
    from reportlab.platypus.paragraph import Paragraph

    first = BuildOptions(date=DATE, details=PatientDetails(patient="Ann Example"))
    second = BuildOptions(date=DATE + dt.timedelta(days=1),
                          details=PatientDetails(patient="Per Olsson"))
    linebreaks.forget()
    cold = render_handout(second, resources)
    linebreaks.forget()
    render_handout(first, resources)
    broken: list[Paragraph] = []
    breaking = Paragraph.breakLines

    def counted(self: Paragraph, width: object) -> object:
        broken.append(self)
        return breaking(self, width)

    monkeypatch.setattr(Paragraph, "breakLines", counted)
    assert render_handout(second, resources) == cold
    texts = ["".join(getattr(frag, "text", "") for frag in paragraph.frags)
             for paragraph in broken]
    assert broken and all("Per Olsson" in text or "25 November" in text for text in texts), texts
