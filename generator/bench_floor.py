"""The benchmark's floor: ReportLab alone writing a handout's text as plain paragraphs.

``python generator/bench_floor.py SPEC.json OUT.pdf`` reads the text, fonts, sizes and
margins that :mod:`generator.bench` wrote and lays the paragraphs out with ReportLab's
SimpleDocTemplate: no templates, model, cards, boxes, tables or figures. It imports only
ReportLab and the standard library (never this package), so a whole process of it is what
any ReportLab program pays to print this text: the floor a cold ``handout build`` is
measured against. The benchmark also calls :func:`floor_builder` in-process for the warm
comparison.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from typing import Any


def floor_builder(spec: dict[str, Any]) -> Callable[[], bytes]:
    """A function that lays out ``spec``'s paragraphs and returns the PDF's bytes."""
    from reportlab import rl_config
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    faces = {}
    for face, path in spec["fonts"].items():
        name = f"Floor-{face}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))
        faces[face] = name
    styles: dict[tuple[str, float, float, float], ParagraphStyle] = {}

    def style(face: str, size: float, leading: float, space_after: float) -> ParagraphStyle:
        key = (face, size, leading, space_after)
        if key not in styles:
            styles[key] = ParagraphStyle(f"floor{len(styles)}", fontName=faces[face],
                                         fontSize=size, leading=leading, spaceAfter=space_after)
        return styles[key]

    paragraphs = [(markup, style(*rest)) for markup, *rest in spec["paragraphs"]]
    left, right, top, bottom = spec["margins"]

    def build() -> bytes:
        rl_config.useA85 = 0  # the same binary streams the handout writes
        buffer = io.BytesIO()
        document = SimpleDocTemplate(buffer, pagesize=tuple(spec["page"]), invariant=1,
                                     leftMargin=left, rightMargin=right, topMargin=top,
                                     bottomMargin=bottom, initialFontName=faces["regular"])
        document.build([Paragraph(markup, paragraph_style)
                        for markup, paragraph_style in paragraphs])
        return buffer.getvalue()

    return build


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: bench_floor.py SPEC.json OUT.pdf", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as stream:
        spec = json.load(stream)
    pdf = floor_builder(spec)()
    with open(argv[1], "wb") as stream:
        stream.write(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
