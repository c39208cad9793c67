"""Refuse text no embedded font can draw, before it becomes a silent empty box on paper."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TypeVar

from .errors import Problem, UserError
from .fonts import FontFamily

Key = TypeVar("Key")

_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unprintable(text: str, fonts: FontFamily) -> str | None:
    """What is wrong with ``text`` for printing (control characters, characters the fonts
    lack, characters beyond U+FFFF), or None when all of it prints."""
    messages = []
    if text and not has_visible_text(text):
        messages.append("has no visible characters (only spaces, joiners or other "
                        "invisible marks): it would print as a blank")
    controls = list(dict.fromkeys(_NOT_TEXT.findall(text)))
    if controls:
        codes = ", ".join(f"U+{ord(char):04X}" for char in controls)
        messages.append(f"contains the control character{'s' if len(controls) > 1 else ''} "
                        f"{codes}, which cannot be printed")
    missing = fonts.missing_characters(_NOT_TEXT.sub("", text) if controls else text)
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


# Marks that print nothing by themselves: spaces, format characters (zero-width space and
# joiners, soft hyphen, invisible operators, BOM), combining marks and control characters.
_INVISIBLE = {"Zs", "Zl", "Zp", "Cf", "Mn", "Me", "Cc"}


def has_visible_text(text: str) -> bool:
    """Whether any character of ``text`` prints something a reader can see."""
    return any(unicodedata.category(char) not in _INVISIBLE for char in text)


def unprintable_texts(texts: Iterable[tuple[Key, str]], fonts: FontFamily,
                      ) -> list[tuple[Key, str]]:
    """The one printability check: (where, what is wrong) for each (where, text) pair that
    will not print. ``where`` is whatever locates the text for its caller: an option
    name, a location in a YAML file."""
    found = []
    for where, text in texts:
        message = unprintable(text, fonts)
        if message:
            found.append((where, message))
    return found


def check_printable(texts: Iterable[tuple[str, str]], fonts: FontFamily) -> None:
    """UserError naming each field (an option, ``preset.notes``, ``story``) with text that
    will not print, one problem per field."""
    problems = [Problem(message, field=field)
                for field, message in unprintable_texts(texts, fonts)]
    if problems:
        raise UserError.from_problems(problems)
