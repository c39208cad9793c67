"""Bounded work: the worst input within every limit builds, and layout grows linearly.

Time is never asserted (docs/robustness.md records it: about 2 s for the worst pack);
pages are counted instead.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from pdfread import ReadPdf, assert_valid_pdf

from generator import limits
from generator.build import BuildOptions, Resources, render_handout
from generator.prescription import PatientDetails
from generator.resources import default_pack

DATE = dt.date(2026, 11, 24)
SENTENCE = "Walk a little further each day and keep moving gently. "


def text(length: int) -> str:
    return (SENTENCE * (length // len(SENTENCE) + 1))[:length].strip()


def pack_copy(folder: Path, name: str) -> tuple[Path, dict[str, object]]:
    pack = folder / name
    shutil.copytree(default_pack(), pack)
    return pack, yaml.safe_load((pack / "pack.yaml").read_text(encoding="utf-8"))


def save(pack: Path, data: dict[str, object]) -> Path:
    (pack / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return pack


def worst_pack(folder: Path) -> Path:
    """60 exercises of 12 long steps, every list full, as much text as a pack may hold."""
    pack, data = pack_copy(folder, "worst")
    exercise = yaml.safe_load((pack / "exercises" / "cobra.yaml").read_text(encoding="utf-8"))
    ids, held = [], 0
    for number in range(limits.MAX_EXERCISES):
        ids.append(f"cobra-{number}")
        card = {**exercise, "id": ids[-1], "figure": None,
                "steps": [text(80) for _ in range(limits.MAX_STEPS)]}
        held += characters(card)
        card["figure"] = exercise["figure"]
        (pack / "exercises" / f"cobra-{number}.yaml").write_text(yaml.safe_dump(card),
                                                                 encoding="utf-8")
    data["exercises"] = ids
    data["safety"] = [text(400) for _ in range(limits.MAX_ITEMS)]
    data["faq"] = [{"question": "Why?", "answer": text(400)} for _ in range(limits.MAX_ITEMS)]
    data["sections"] = []
    room = limits.MAX_PACK_TEXT - held - characters(data) - 2_000
    paragraph = room // (limits.MAX_SECTIONS * limits.MAX_PARAGRAPHS) - 20
    data["sections"] = [{"id": f"part-{n}", "title": f"Part {n}",
                         "paragraphs": [text(paragraph)] * limits.MAX_PARAGRAPHS,
                         "points": ["Rest."] * limits.MAX_POINTS}
                        for n in range(limits.MAX_SECTIONS)]
    return save(pack, data)


def characters(value: object) -> int:
    """Characters of text in parsed YAML, as the pack's limit counts them."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(characters(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(characters(item) for item in value)
    return 0


def test_the_worst_pack_within_every_limit_builds(tmp_path: Path) -> None:
    resources = Resources.load(worst_pack(tmp_path))
    held = characters(resources.pack.model_dump(exclude={"exercises"})) + sum(
        characters(exercise.model_dump(exclude={"figure"})) for exercise in resources.pack.exercises)
    assert held > 0.9 * limits.MAX_PACK_TEXT  # near the pack's text limit, not a token pack
    notes = "\n\n".join([text(290)] * limits.MAX_NOTE_PARAGRAPHS)[:limits.MAX_NOTES]
    options = BuildOptions(large_print=True, weeks=limits.MAX_WEEKS, date=DATE,
                           details=PatientDetails(patient="A" * limits.MAX_SHORT, notes=notes))
    pdf = render_handout(options, resources)
    assert_valid_pdf(pdf)
    read = ReadPdf.from_bytes(pdf)
    assert len(read.pages) >= limits.MAX_EXERCISES  # a card a page at least
    assert read.text.count("Walk a little further") > 1_000


def pages(pdf: bytes) -> int:
    return len(ReadPdf.from_bytes(pdf).pages)


@pytest.mark.parametrize("count", [8, 15])
def test_twice_the_safety_text_takes_twice_the_pages(tmp_path: Path, count: int) -> None:
    options = BuildOptions(date=DATE, exercises=("cobra",), weeks=0)
    counts = []
    for items in (0, count, 2 * count):
        pack, data = pack_copy(tmp_path, f"safety-{items}")
        data["safety"] = [text(3_000) for _ in range(items)] or ["Move gently."]
        counts.append(pages(render_handout(options, Resources.load(save(pack, data)))))
    single, double = counts[1] - counts[0], counts[2] - counts[0]
    assert single >= 3
    assert abs(double - 2 * single) <= 1, counts


def test_twice_the_notes_take_twice_the_pages(resources: Resources) -> None:
    counts = []
    for paragraphs in (0, 100, 200):
        notes = "\n\n".join([text(280)] * paragraphs) or None
        options = BuildOptions(date=DATE, exercises=("cobra",), weeks=0,
                               details=PatientDetails(notes=notes))
        counts.append(pages(render_handout(options, resources)))
    single, double = counts[1] - counts[0], counts[2] - counts[0]
    assert single >= 3
    assert abs(double - 2 * single) <= 1, counts
