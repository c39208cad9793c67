"""File names for handouts: readable in every script, never a path, never a collision.

A default name says whose handout it is: ``out/<pack>-<patient>-<date>.pdf``. Names
keep letters of every script ("Μαρία" stays "μαρία"), so patients whose names differ
only outside ASCII never share a file. When a name is taken (by another patient whose
name folds to the same slug, or by an earlier handout), :func:`alternatives` gives the
next names to try: first one with a short stable tag from the full name, then numbers.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from .limits import MAX_NAME_BYTES
from .prescription import Prescription

OUTPUT_DIR = Path("out")


def slug(text: str, limit: int = 60) -> str:
    """Letters, marks and digits of any script, case-folded, words joined by hyphens
    ("Zoë O'Brien" -> "zoë-o-brien", "Μαρία" -> "μαρία").

    Never a path separator, never a leading dot; empty when nothing is left.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(char if unicodedata.category(char)[0] in "LMN" else " " for char in folded)
    return "-".join(kept.split())[:limit].strip("-")


def default_output(prescription: Prescription, pack_id: str) -> Path:
    """``out/<pack>-handout.pdf``, or ``out/<pack>-<patient>-<date>.pdf`` for a patient,
    from the cleaned details the page prints."""
    pack = slug(pack_id) or "handout"
    patient = prescription.details.patient
    if not patient:
        return OUTPUT_DIR / f"{pack}-handout.pdf"
    day = prescription.issued.isoformat()
    return OUTPUT_DIR / fitted_name(f"{pack}-", slug(patient) or "patient", f"-{day}.pdf")


def fitted_name(head: str, middle: str, tail: str) -> str:
    """``head + middle + tail``, ``middle`` shortened so the name stays within
    MAX_NAME_BYTES of UTF-8 (file systems allow 255; we leave room for a tag)."""
    room = MAX_NAME_BYTES - len((head + tail).encode("utf-8"))
    while len(middle.encode("utf-8")) > room:
        middle = middle[:-1]
    return head + middle.strip("-") + tail


def name_tag(text: str) -> str:
    """A short tag, stable for the same text, different for different texts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:6]


def alternatives(path: Path, owner: str | None = None) -> Iterator[Path]:
    """Names to try after ``path`` is taken: ``<stem>-<tag of owner>`` first (so two
    patients whose names fold alike each keep one stable name), then ``<stem>-2``, ``-3``..."""
    if owner:
        yield path.with_name(f"{path.stem}-{name_tag(owner)}{path.suffix}")
    number = 2
    while True:
        yield path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
