"""Refuse text no embedded font can draw, before it becomes a silent empty box on paper."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any


from .errors import Problem, UserError
from .fonts import FontFamily
from .model import Pack
from .prescription import Prescription


_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unprintable(text: str, fonts: FontFamily) -> str | None:
    """What is wrong with ``text`` for printing (control characters, characters the fonts
    lack, characters beyond U+FFFF), or None when all of it prints."""
    messages = []
    controls = list(dict.fromkeys(_NOT_TEXT.findall(text)))
    if controls:
        codes = ", ".join(f"U+{ord(char):04X}" for char in controls)
        messages.append(f"contains the control character{'s' if len(controls) > 1 else ''} "
                        f"{codes}, which cannot be printed")
    missing = fonts.missing_characters(_NOT_TEXT.sub("", text))
    if missing:
        listed = ", ".join(f"{char!r} (U+{ord(char):04X} "
                           f"{unicodedata.name(char, 'unnamed character')})"
                           for char in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        them = "it" if len(missing) == 1 else "them"
        if any(ord(char) > 0xFFFF for char in missing):
            messages.append(f"cannot print {listed}{more}: emoji and other characters "
                            f"beyond U+FFFF are not supported; remove {them}")
        else:
            messages.append(f"the font cannot print {listed}{more}; remove {them} or "
                            f"choose a font that has {them} with --font")
    return "; ".join(messages) or None


def check_printable(prescription: Prescription, fonts: FontFamily,
                    pack: Pack | None = None) -> None:
    """UserError naming each field with text that will not print, one problem per field.

    The pack's own text is checked, with file and line, when it is loaded; pass ``pack``
    only when printing with another font than the pack's (``--font``).
    """
    problems = []
    for field, text in _texts(prescription, pack):
        message = unprintable(text, fonts)
        if message:
            problems.append(Problem(message, field=field))
    if problems:
        raise UserError.from_problems(problems)


def _texts(prescription: Prescription, pack: Pack | None) -> Iterator[tuple[str, str]]:
    details = prescription.details
    for name in ("patient", "clinician", "clinic", "contact", "notes"):
        value = getattr(details, name)
        if value:
            yield f"--{name}", value
    if prescription.preset_notes:
        yield "preset.notes", prescription.preset_notes
    for item in prescription.exercises:
        if item.dose.note:
            yield f"{item.exercise.id}.note", item.dose.note
    if pack is not None:
        yield from _model_texts(pack.model_dump(exclude={"exercises"}), "pack")
        for item in prescription.exercises:
            yield from _model_texts(item.exercise.model_dump(exclude={"figure", "image"}),
                                    item.exercise.id)


def _model_texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _model_texts(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _model_texts(item, f"{path}.{index}")
