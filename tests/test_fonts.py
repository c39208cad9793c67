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


def test_a_parsed_font_is_reportlabs_own_and_read_again_only_when_its_bytes_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk cache keeps ReportLab's parsed font (fonts._parsed): what it gives back is
    the TTFont ReportLab makes of the same bytes, attribute for attribute, and a font file
    whose bytes changed is parsed again (never the old glyphs under a new file)."""
    import io

    from reportlab.pdfbase.ttfonts import TTFont

    from generator import fonts

    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(tmp_path / "cache"))
    parsed: list[bytes] = []
    parse = fonts._parse

    def counted(path: Path, data: bytes) -> fonts.ParsedFont:
        parsed.append(data)
        return parse(path, data)

    monkeypatch.setattr(fonts, "_parse", counted)
    data = BUNDLED_REGULAR.read_bytes()
    first, drawn = fonts._parsed("Ftest-first", BUNDLED_REGULAR, data)
    again, drawn_again = fonts._parsed("Ftest-again", BUNDLED_REGULAR, data)
    assert len(parsed) == 1  # the second came from the disk cache
    own = TTFont("Ftest-again", io.BytesIO(data))
    for made in (first, again):
        assert type(made) is TTFont and type(made.face) is type(own.face)
        assert attributes(made, {"fontName", "face", "state"}) == attributes(
            own, {"fontName", "face", "state"})
        assert attributes(made.face, {"_pdfScale"}) == attributes(own.face, {"_pdfScale"})
        assert [made.face._pdfScale(value) for value in (0, 1, 2048, -517)] == [
            own.face._pdfScale(value) for value in (0, 1, 2048, -517)]
        assert not made.state and made.state is not own.state
    assert again.fontName == "Ftest-again" and again.face is not first.face
    assert drawn == drawn_again and ord("G") in drawn
    assert again.stringWidth("Get help urgently", 12) == own.stringWidth("Get help urgently", 12)
    blank = blank_font(tmp_path / "blank.ttf").read_bytes()
    changed, drawn_changed = fonts._parsed("Ftest-blank", BUNDLED_REGULAR, blank)
    assert len(parsed) == 2 and ord("G") not in drawn_changed
    assert changed.face._ttf_data == blank
    # The bundled font by its name alone (the code version hashes its bytes): read once.
    for _ in range(2):
        bundled, drawn_bundled = fonts._parsed("Ftest-bundled", BUNDLED_REGULAR, None)
        assert attributes(bundled.face, {"_pdfScale"}) == attributes(own.face, {"_pdfScale"})
        assert drawn_bundled == drawn
    assert len(parsed) == 3 and parsed[-1] == data


def attributes(thing: object, left_out: set[str]) -> dict[str, object]:
    """An object's attributes, ReportLab's own objects in them as their attributes."""
    return {name: (type(value), vars(value)) if type(value).__module__.startswith("reportlab")
            else value for name, value in vars(thing).items() if name not in left_out}


def test_a_font_that_is_not_truetype_is_refused_with_or_without_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import fonts

    broken = tmp_path / "broken.ttf"
    broken.write_bytes(BUNDLED_REGULAR.read_bytes()[:5000])
    for setting in (str(tmp_path / "cache"), str(tmp_path / "cache"), ""):
        monkeypatch.setenv("HANDOUT_CACHE_DIR", setting)
        with pytest.raises(UserError) as raised:
            fonts._parsed("Ftest-broken", broken, broken.read_bytes())
        assert "cannot use font" in str(raised.value) and str(broken) in str(raised.value)
