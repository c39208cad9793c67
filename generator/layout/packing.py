"""ReportLab's PDF with its dictionaries packed into one compressed object stream.

ReportLab writes every object as plain text (PDF 1.4): the pages, fonts, bookmarks and
links are a sixth of a handout's bytes, uncompressed. PDF 1.5 lets a file keep such
objects in an *object stream*, compressed like the pages, and its cross-reference table
as a compressed stream too. :func:`pack_objects` rewrites ReportLab's output that way:
the same objects with the same numbers and contents, so every page draws the same.
Streams (pages, fonts) stay where they were, as the format requires. Output it does not
recognise is returned as it came.
"""

from __future__ import annotations

import re
import zlib

_VERSION = re.compile(rb"%PDF-1\.[0-4]\n")  # object streams came with 1.5
_XREF = re.compile(rb"\nxref\n0 (\d+)\n")
_TRAILER = re.compile(rb"trailer\n<<(.*?)>>\nstartxref\n(\d+)\n%%EOF\n?$", re.S)
_REFERENCE = re.compile(rb"/(Root|Info) (\d+) 0 R")
_ID = re.compile(rb"/ID\s*(\[<[0-9a-fA-F]*><[0-9a-fA-F]*>\])")


def pack_objects(pdf: bytes) -> bytes:
    """``pdf`` (as ReportLab writes it) with its non-stream objects in an object stream."""
    objects = _objects(pdf)
    trailer = _TRAILER.search(pdf)
    if objects is None or trailer is None or b"/Encrypt" in trailer.group(1):
        return pdf
    references = dict(_REFERENCE.findall(trailer.group(1)))
    identifier = _ID.search(trailer.group(1))
    if set(references) != {b"Root", b"Info"} or identifier is None:
        return pdf
    if not _VERSION.match(pdf):
        return pdf
    header_end = pdf.index(b"\n", 9) + 1  # the version line and the binary comment line
    out = bytearray(b"%PDF-1.5" + pdf[8:header_end])
    packed_number = len(objects) + 1
    xref_number = packed_number + 1
    rows: list[tuple[int, int, int]] = [(0, 0, 0)]  # (type, offset or stream, generation or index)
    packed: list[tuple[int, bytes]] = []
    for number, body in enumerate(objects, start=1):
        if body.endswith(b"endstream"):
            rows.append((1, len(out), 0))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        else:
            rows.append((2, packed_number, len(packed)))
            packed.append((number, body))
    index, data, position = [], bytearray(), 0
    for number, body in packed:
        index.append(b"%d %d" % (number, position))
        data += body + b"\n"
        position = len(data)
    head = b" ".join(index) + b"\n"
    contents = zlib.compress(head + bytes(data))
    rows.append((1, len(out), 0))
    out += (b"%d 0 obj\n<< /Filter /FlateDecode /First %d /Length %d /N %d /Type /ObjStm >>\n"
            b"stream\n" % (packed_number, len(head), len(contents), len(packed)))
    out += contents + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows.append((1, xref_offset, 0))
    width = max(1, (xref_offset.bit_length() + 7) // 8)
    table = zlib.compress(b"".join(kind.to_bytes(1, "big") + field.to_bytes(width, "big")
                                   + extra.to_bytes(2, "big") for kind, field, extra in rows))
    out += (b"%d 0 obj\n<< /Filter /FlateDecode /ID %s /Info %s 0 R /Length %d /Root %s 0 R "
            b"/Size %d /Type /XRef /W [ 1 %d 2 ] >>\nstream\n"
            % (xref_number, identifier.group(1), references[b"Info"], len(table),
               references[b"Root"], len(rows), width))
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def _objects(pdf: bytes) -> list[bytes] | None:
    """Each object's body (between ``N 0 obj`` and ``endobj``), numbered 1, 2, ... in
    order, found through the file's own cross-reference table; None if it is not the
    single, in-order table ReportLab writes."""
    table = _XREF.search(pdf)
    if table is None:
        return None
    count = int(table.group(1))
    start = table.end()
    lines = pdf[start:start + 20 * count].split(b"\n")
    try:
        offsets = [int(line[:10]) for line in lines[1:count]]
    except ValueError:
        return None
    if not lines[0].startswith(b"0000000000 65535 f") or offsets != sorted(offsets):
        return None
    bodies = []
    for number, (offset, end) in enumerate(zip(offsets, [*offsets[1:], table.start() + 1]),
                                           start=1):
        prefix = b"%d 0 obj\n" % number
        chunk = pdf[offset:end]
        if not chunk.startswith(prefix) or not chunk.endswith(b"endobj\n"):
            return None
        bodies.append(chunk[len(prefix):-len(b"endobj\n")].rstrip(b"\n"))
    return bodies
