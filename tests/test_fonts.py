"""Fonts: each file prints with its own glyphs, and a font that draws nothing is refused."""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import pytest
from pdfread import ReadPdf

from generator.build import BuildOptions, Resources, render_handout
from generator.errors import UserError
from generator.fonts import BUNDLED_REGULAR, register_fonts

OPTIONS = BuildOptions(date=dt.date(2026, 11, 24), exercises=("cobra",))


def blank_font(path: Path) -> Path:
    """The bundled DejaVu Sans with every glyph's outline emptied (its name unchanged)."""
    data = bytearray(BUNDLED_REGULAR.read_bytes())
    (tables,) = struct.unpack(">H", data[4:6])
    for record in range(12, 12 + 16 * tables, 16):
        if bytes(data[record:record + 4]) == b"loca":
            offset, length = struct.unpack(">II", data[record + 8:record + 16])
            data[offset:offset + length] = bytes(length)
    path.write_bytes(bytes(data))
    return path


def test_a_font_whose_letters_draw_nothing_is_refused(tmp_path: Path,
                                                      resources: Resources) -> None:
    with pytest.raises(UserError) as raised:
        render_handout(BuildOptions(date=OPTIONS.date, exercises=("cobra",),
                                    font=blank_font(tmp_path / "blank.ttf")), resources)
    assert "the font cannot print 'G' (U+0047 LATIN CAPITAL LETTER G)" in str(raised.value)


def test_a_font_named_like_the_bundled_one_keeps_its_own_glyphs(tmp_path: Path) -> None:
    # Registered first in this process under DejaVu Sans's own internal name, it must not
    # stand in for the bundled font (ReportLab maps a name to the first face of its name).
    blank = register_fonts(blank_font(tmp_path / "first.ttf"))
    bundled = register_fonts()
    assert blank.missing_characters("Get help") == ["G", "e", "t", "h", "l", "p"]
    assert bundled.missing_characters("Get help") == []
    pdf = ReadPdf.from_bytes(render_handout(OPTIONS, Resources.load()))
    assert "Get help urgently" in pdf.text
    # The bundled faces keep their own names, so their PDFs are the bytes they always were.
    assert {name.split("+")[-1] for name in pdf.base_fonts()} == {"DejaVuSans", "DejaVuSans-Bold"}
