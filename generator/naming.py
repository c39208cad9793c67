"""File names for handouts: safe, readable, and never a path outside ``out/``."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build import BuildOptions

OUTPUT_DIR = Path("out")

# Letters that do not decompose into a base letter plus accents.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe",
                       "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "þ": "th"})


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII letters and digits joined by hyphens ('Zoë O'Brien' -> 'zoe-o-brien').

    Never a path separator, never a leading dot; empty when nothing is left.
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))[:limit].strip("-")


def default_output(options: BuildOptions, pack_id: str) -> Path:
    """``out/<pack>-handout.pdf``, or ``out/<pack>-<patient>-<date>.pdf`` for a patient."""
    pack = slug(pack_id) or "handout"
    patient = options.details.patient
    if not patient:
        return OUTPUT_DIR / f"{pack}-handout.pdf"
    day = (options.date or dt.date.today()).isoformat()
    return OUTPUT_DIR / f"{pack}-{slug(patient) or 'patient'}-{day}.pdf"
