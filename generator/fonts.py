"""TrueType fonts: register them with ReportLab once per process and check glyph coverage.

The bundled font is DejaVu Sans (Latin, Greek, Cyrillic, Vietnamese, Hebrew, Arabic
letters), so patients' names in most scripts print without any system font.
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from .cache import cached_result
from .errors import UserError
from .files import read_bytes
from .limits import MAX_FONT_BYTES
from .rules import Frozen, frozen

FONT_DIR = Path(__file__).parent / "fonts"
BUNDLED_REGULAR = FONT_DIR / "DejaVuSans.ttf"
BUNDLED_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"


@frozen
class FontFamily(Frozen):
    """The ReportLab names of the two faces the handout uses."""

    regular: str
    bold: str

    def missing_characters(self, text: str) -> list[str]:
        """Characters in ``text`` that either face cannot draw (in order of first use)."""
        drawable = _drawable(self.regular, self.bold)
        if drawable.issuperset(text):
            return []
        return [char for char in dict.fromkeys(text)
                if char not in drawable and not char.isspace() and ord(char) >= 0x20]


_registering = threading.RLock()


def register_fonts(regular: Path | None = None, bold: Path | None = None) -> FontFamily:
    """Register a regular and a bold face (the bundled DejaVu Sans by default)."""
    regular = regular or BUNDLED_REGULAR
    bold = bold or (BUNDLED_BOLD if regular == BUNDLED_REGULAR else regular)
    with _registering:  # threads of a server: each font is read and registered once
        return _register(regular.resolve(), bold.resolve())


@lru_cache(maxsize=64)
def _register(regular: Path, bold: Path) -> FontFamily:
    # Registration is process-wide in ReportLab; the cache makes it happen once per file.
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    names = []
    for path in (regular, bold):
        name = "F" + hashlib.sha1(str(path).encode()).hexdigest()[:10]
        if path in (BUNDLED_REGULAR, BUNDLED_BOLD):
            font, outlined = _parsed(name, path, None)
        else:
            data = read_bytes(path, MAX_FONT_BYTES, "font")  # regular files only, bounded
            font, outlined = _parsed(name, path, data)
            # ReportLab hands a new font's name to the first font registered under the
            # same internal name: a clinic's "DejaVuSans" would print in the bundled one,
            # or a broken one of that name blank every later handout of the process.
            digest = hashlib.sha1(data).hexdigest()[:8].upper()
            font.face.name = font.face.name + b"-" + digest.encode()
        pdfmetrics.registerFont(font)
        _outlined_by_name[name] = outlined
        names.append(name)
    family = FontFamily(regular=names[0], bold=names[1])
    for bold_flag, italic_flag, face in ((0, 0, family.regular), (1, 0, family.bold),
                                         (0, 1, family.regular), (1, 1, family.bold)):
        addMapping(family.regular, bold_flag, italic_flag, face)
    return family


# The code points each registered font draws (its name: what _drawable is asked by).
_outlined_by_name: dict[str, frozenset[int]] = {}

# ReportLab's parsed font, as plain data: the TTFont's and its face's attributes (all but
# the few that cannot be pickled, made again by _parsed) and the code points it draws.
ParsedFont = tuple[dict[str, Any], dict[str, Any], frozenset[int]]


def _parsed(name: str, path: Path, data: bytes | None) -> tuple[Any, frozenset[int]]:
    """ReportLab's TTFont of the font ``data`` (None: the bundled font at ``path``) named
    ``name``, and the code points it draws.

    Parsing a font's tables and reading every glyph's outline took two fonts about 20 ms,
    a fifteenth of a cold build: the result is kept in the disk cache by the file's exact
    bytes (and the code version, which names ReportLab's), as a pack is. A bundled font's
    bytes are hashed by the code version itself, so its entry is found by its name alone
    and the file is read only to parse it.
    """
    from reportlab import Version
    from reportlab.pdfbase.ttfonts import TTFont, TTFontFace

    def parse() -> ParsedFont:
        return _parse(path, data if data is not None else read_bytes(path, MAX_FONT_BYTES,
                                                                     "font"))

    origin = f"bundled {path.name}\n" if data is None else ""
    font_state, face_state, outlined = cached_result(
        "fonts", f"{origin}reportlab {Version}\n", data or b"", parse)
    face = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(face_state)
    units = face.unitsPerEm  # the scale ReportLab's parser sets (a lambda: not pickled)
    face._pdfScale = (lambda x: x) if units == 1000 else (lambda x, m=1000 / units: x * m)
    font = TTFont.__new__(TTFont)
    font.__dict__.update(font_state)
    font.fontName, font.face, font.state = name, face, WeakKeyDictionary()
    return font, outlined


def _parse(path: Path, data: bytes) -> ParsedFont:
    """The font in ``data`` parsed by ReportLab, as plain data (UserError if it is not a
    TrueType font ReportLab can embed)."""
    from reportlab.pdfbase.ttfonts import TTFont, TTFError

    try:
        font = TTFont("", io.BytesIO(data))
    except TTFError as error:
        # ReportLab's messages may quote the file's bytes: only its own wording is kept.
        reason = ("its outlines are PostScript (CFF, as in most .otf fonts), which "
                  "cannot be embedded" if "postscript" in str(error).lower()
                  else "not a TrueType font, or a damaged one")
        raise UserError(f"cannot use font: {reason}; use a .ttf file", path=path) from None
    except (struct.error, IndexError, KeyError, ValueError, OverflowError, AssertionError,
            ZeroDivisionError):
        # A truncated or damaged file trips the parser wherever it ends.
        raise UserError("cannot use font: a damaged or truncated TrueType file",
                        path=path) from None
    font_state = {key: value for key, value in vars(font).items()
                  if key not in ("fontName", "face", "state")}
    face_state = {key: value for key, value in vars(font.face).items() if key != "_pdfScale"}
    return font_state, face_state, _outlined(font.face)


@lru_cache(maxsize=64)
def _drawable(regular: str, bold: str) -> frozenset[str]:
    """Characters both faces have, plus the white space that is never drawn (characters,
    not code points: a whole story is checked without an ord() for each of its letters)."""
    # Only the Basic Multilingual Plane: for a character beyond U+FFFF (most emoji)
    # ReportLab writes a malformed ToUnicode entry, so the PDF's text could not be read,
    # copied or spoken. Such characters are refused with a clear error instead.
    faces = [_outlined_by_name[name] for name in (regular, bold)]
    return frozenset(map(chr, faces[0] & faces[1])) | frozenset(" \t\n\r")


def _outlined(face: Any) -> frozenset[int]:
    """The face's code points whose glyph draws something: a font whose letters have no
    outlines (damaged, or made so) would print a blank page that still reads back as text.
    Spaces and format characters draw nothing by design."""
    positions = face.glyphPos  # glyph n's outline runs from positions[n] to positions[n + 1]
    return frozenset(
        code for code, glyph in face.charToGlyph.items() if code <= 0xFFFF and (
            glyph + 1 < len(positions) and positions[glyph + 1] > positions[glyph]
            or unicodedata.category(chr(code)) in ("Zs", "Zl", "Zp", "Cf", "Cc")))
