"""Read a PDF back as a patient (text, order) and as a printer (fonts, sizes, pages) would."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

import pypdf
from pypdf.generic import ContentStream, FloatObject, NumberObject


def collapse(text: str) -> str:
    """Whitespace folded to single spaces, so wrapped lines compare equal to the source."""
    return " ".join(text.split())


@dataclass
class ReadPdf:
    reader: pypdf.PdfReader

    @classmethod
    def from_bytes(cls, data: bytes) -> ReadPdf:
        return cls(pypdf.PdfReader(io.BytesIO(data)))

    @property
    def pages(self) -> list[str]:
        """Each page's text, whitespace collapsed."""
        return [collapse(page.extract_text()) for page in self.reader.pages]

    @property
    def text(self) -> str:
        return " ".join(self.pages)

    @property
    def body(self) -> str:
        """The text without the page footers, so a paragraph that runs on to the next page
        reads as one."""
        return " ".join(re.split(r" ?Page \d+ of \d+", page)[0] for page in self.pages)

    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, 1-based page) for every bookmark, in order."""
        entries: list[tuple[int, str, int]] = []

        def walk(items: list, level: int) -> None:
            for item in items:
                if isinstance(item, list):
                    walk(item, level + 1)
                else:
                    entries.append((level, item.title,
                                    self.reader.get_destination_page_number(item) + 1))

        walk(self.reader.outline, 0)
        return entries

    def font_sizes(self) -> list[tuple[float, str]]:
        """(effective size in points, text) for every run of visible text."""
        runs: list[tuple[float, str]] = []
        for page in self.reader.pages:
            def visit(text: str, cm: list, tm: list, font: dict, size: float) -> None:
                if text.strip():
                    scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1])
                    runs.append((round(size * scale, 2), text.strip()))
            page.extract_text(visitor_text=visit)
        return runs

    def base_fonts(self) -> set[str]:
        """The /BaseFont of every font any page or form uses."""
        names: set[str] = set()

        def scan(resources: object) -> None:
            resources = resources.get_object() if resources is not None else None
            if not resources:
                return
            for font in resources.get("/Font", {}).values():
                names.add(str(font.get_object()["/BaseFont"]))
            for xobject in resources.get("/XObject", {}).values():
                xobject = xobject.get_object()
                if xobject.get("/Subtype") == "/Form":
                    scan(xobject.get("/Resources"))

        for page in self.reader.pages:
            scan(page.get("/Resources"))
        return names

    def unembedded_fonts(self) -> set[str]:
        """Fonts with no embedded font program (FontFile, FontFile2 or FontFile3)."""
        missing: set[str] = set()
        for obj_ref in self._all_fonts():
            font = obj_ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font["/BaseFont"]))
        return missing

    def _all_fonts(self) -> list:
        fonts = []
        for page in self.reader.pages:
            resources = page.get("/Resources").get_object()
            fonts.extend(resources.get("/Font", {}).values())
        return fonts


    def drawn_text(self) -> str:
        """All text in the order it is drawn, decoded through each font's ToUnicode map.

        Readers' extract_text reorders right-to-left runs by guesswork; this is what the
        PDF really holds, in the order it was typed. Text objects are joined by a space.
        """
        parts: list[str] = []
        for page in self.reader.pages:
            fonts = page["/Resources"].get_object().get("/Font", {})
            maps = {name: _to_unicode(font.get_object()) for name, font in fonts.items()}
            current: dict[int, str] = {}
            for operands, operator in ContentStream(page.get_contents(), self.reader).operations:
                if operator == b"Tf":
                    current = maps.get(operands[0], {})
                elif operator == b"Tj":
                    parts.append(_decode(operands[0], current))
                elif operator == b"TJ":
                    parts.extend(_decode(item, current) for item in operands[0]
                                 if not isinstance(item, (int, float, FloatObject, NumberObject)))
                elif operator in (b"T*", b"Td", b"TD", b"Tm", b"ET"):
                    parts.append(" ")
        return "".join(parts)


def _to_unicode(font: dict) -> dict[int, str]:
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    cmap = stream.get_object().get_data().decode("latin-1")
    pairs = "".join(re.findall(r"beginbfchar(.*?)endbfchar", cmap, flags=re.S))
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
            for code, text in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]+)>", pairs)}


def _decode(value: object, cmap: dict[int, str]) -> str:
    raw = value.original_bytes if hasattr(value, "original_bytes") else bytes(value)
    return "".join(cmap.get(byte, "") for byte in raw)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def assert_valid_pdf(data: bytes) -> None:
    """What every PDF we write must pass: qpdf's structural check with no warnings, only
    embedded fonts (no bare Helvetica), and a clean render of every page in PDFium."""
    import pikepdf
    import pypdfium2 as pdfium

    with pikepdf.open(io.BytesIO(data)) as pdf:
        check = getattr(pdf, "check_pdf_syntax", None) or pdf.check
        assert list(check()) == []
        # the dictionaries are compressed (an object stream): look at each object
        assert not any(b"/Helvetica" in item.unparse() for item in pdf.objects)
    read = ReadPdf.from_bytes(data)
    assert read.unembedded_fonts() == set()
    assert not any("Helvetica" in name for name in read.base_fonts())
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            document[index].render(scale=0.25)
    finally:
        document.close()


def page_fills(data: bytes, top: float, bottom: float) -> list[float]:
    """How full each page is: from the top of the text frame (``top`` points below the
    page's top edge) down to the lowest drawn ink above ``bottom`` points from the page's
    bottom edge (where the footer starts), as a share of that height. Measured from the
    rendered page, so text, boxes, tables and figures all count, and white space does not."""
    import pypdfium2 as pdfium

    scale = 1.0  # 72 dpi: one pixel a point
    fills = []
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            image = document[index].render(scale=scale).to_pil().convert("L")
            width, height = image.size
            first, last = int(top * scale), int(height - bottom * scale)
            pixels = image.load()
            lowest = first
            for y in range(last - 1, first - 1, -1):
                if any(pixels[x, y] < 200 for x in range(0, width, 2)):
                    lowest = y
                    break
            fills.append((lowest - first) / (last - first))
    finally:
        document.close()
    return fills
