"""The PDF's dictionaries packed into an object stream: the same objects, fewer bytes."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfread import ReadPdf, assert_valid_pdf

from generator.build import BuildOptions, Resources, render_handout
from generator.layout import document
from generator.layout.packing import pack_objects

ISSUE_DATE = dt.date(2026, 11, 24)  # as conftest.py builds default_pdf



def objects(pdf: bytes) -> dict[tuple[int, int], tuple[bytes, bytes | None]]:
    """Every object by number: its dictionary or value, and a stream's decoded data."""
    found = {}
    with pikepdf.open(io.BytesIO(pdf)) as read:
        for item in read.objects:
            if item.objgen == (0, 0) or item.get("/Type") in ("/ObjStm", "/XRef"):
                continue
            data = item.read_bytes() if isinstance(item, pikepdf.Stream) else None
            found[item.objgen] = (item.unparse(), data)
        found[(0, 0)] = (read.trailer.get("/ID").unparse(), None)
        found[(-1, 0)] = (read.Root.objgen.__repr__().encode() + repr(
            read.trailer.Info.objgen).encode(), None)
    return found


def unpacked(resources: Resources, options: BuildOptions,
             monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(document, "pack_objects", lambda pdf: pdf)
        return render_handout(options, resources)


def test_the_handout_keeps_every_object_and_draws_the_same(
        default_pdf: bytes, resources: Resources, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = unpacked(resources, BuildOptions(date=ISSUE_DATE), monkeypatch)
    assert plain.startswith(b"%PDF-1.4") and default_pdf.startswith(b"%PDF-1.5")
    assert objects(default_pdf) == objects(plain)
    assert len(default_pdf) < 0.92 * len(plain)
    assert b"/Type /ObjStm" in default_pdf and b"/Type /XRef" in default_pdf
    assert_valid_pdf(default_pdf)
    assert ReadPdf.from_bytes(default_pdf).pages == ReadPdf.from_bytes(plain).pages
    assert pack_objects(plain) == default_pdf  # the same bytes every time


def canvas_pdf(title: str, encrypt: str | None = None) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    document.use_binary_streams()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, encrypt=encrypt)
    canvas.setTitle(title)
    canvas.bookmarkPage("p1")
    canvas.addOutlineEntry(title, "p1")
    canvas.drawString(72, 72, "x")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@settings(max_examples=40, deadline=None)
@given(st.text(st.sampled_from("ab )(\\\nendobj stream0123456789R<>%"), max_size=40))
def test_any_title_keeps_its_objects(title: str) -> None:
    # a title can hold "endobj", "stream", brackets and newlines: objects are found by
    # the cross-reference table's offsets, never by searching the text
    plain = canvas_pdf(title)
    packed = pack_objects(plain)
    assert packed != plain
    assert objects(packed) == objects(plain)


@pytest.mark.parametrize("pdf", [
    b"%PDF-1.4\nnot a file ReportLab wrote\n",
    b"",
    canvas_pdf("a title")[:-40],  # cut short
])
def test_anything_else_comes_back_as_it_was(pdf: bytes) -> None:
    assert pack_objects(pdf) == pdf


def test_an_encrypted_file_comes_back_as_it_was() -> None:
    plain = canvas_pdf("secret", encrypt="password")
    assert pack_objects(plain) == plain
