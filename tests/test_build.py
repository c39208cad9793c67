"""The default handout, read back as a patient would read it."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest
from pdfread import ReadPdf, assert_valid_pdf, collapse

from generator.build import BuildOptions, Resources, render_handout
from generator.model import Pack

ADVERT_WORDS = ("lumbar support belt", "belt", "posture shirt", "shirt", "neuroband")


def test_every_exercise_with_every_step_is_printed(default_read: ReadPdf, pack: Pack) -> None:
    text = default_read.body
    assert len(pack.exercises) == 8
    for exercise in pack.exercises:
        assert collapse(exercise.name) in text, exercise.id
        for step in exercise.steps:
            assert collapse(step) in text, (exercise.id, step)
        for field in (exercise.start_position, exercise.benefit, exercise.caution,
                      exercise.feel, exercise.stop_if, exercise.easier, exercise.harder):
            assert collapse(field) in text, (exercise.id, field)


def card_texts(text: str, pack: Pack) -> dict[str, str]:
    """Each exercise card's text, from its numbered heading (with its kind: the My plan
    page names the exercises too) to the next one."""
    starts = [text.index(f"{n}. {exercise.name} {exercise.kind.capitalize()}")
              for n, exercise in enumerate(pack.exercises, 1)]
    ends = [*starts[1:], text.index("Your exercise log", starts[-1])]
    return {exercise.id: text[start:end]
            for exercise, start, end in zip(pack.exercises, starts, ends)}


def test_steps_are_numbered_in_order_on_their_own_card(default_read: ReadPdf,
                                                       pack: Pack) -> None:
    cards = card_texts(default_read.text, pack)
    for exercise in pack.exercises:
        card = cards[exercise.id]
        positions = [card.index(f"{n}. {collapse(step)}")
                     for n, step in enumerate(exercise.steps, start=1)]
        assert positions == sorted(positions), exercise.id


def test_exercises_print_in_pack_order_with_their_kind(default_read: ReadPdf,
                                                       pack: Pack) -> None:
    text = default_read.text
    headings = [f"{n}. {exercise.name} {exercise.kind.capitalize()}"
                for n, exercise in enumerate(pack.exercises, start=1)]
    positions = [text.index(collapse(heading)) for heading in headings]
    assert positions == sorted(positions)
    kinds = [exercise.kind for exercise in pack.exercises]
    assert sorted(kinds) == ["strengthen"] * 4 + ["stretch"] * 4


def test_default_doses_are_printed(default_read: ReadPdf, pack: Pack) -> None:
    # knee-to-chest: hold 30 s, 3 times each side, once a day 4 days a week (the pack's dose)
    card = card_texts(default_read.text, pack)["knee-to-chest"]
    assert "Hold 30 seconds, 3 times, each side" in card
    assert "Once a day, 4 days a week" in card


def test_text_sections_safety_and_red_flags(default_read: ReadPdf, pack: Pack) -> None:
    text = default_read.body
    for section in pack.sections:
        assert section.title in text
        for paragraph in (*section.paragraphs, *section.points):
            assert collapse(paragraph) in text
    assert "Stay safe" in text
    for point in pack.safety:
        assert collapse(point) in text
    assert "Get help urgently" in text
    for flag in (*pack.red_flags.emergency, *pack.red_flags.today, *pack.red_flags.soon):
        assert collapse(flag) in text
    assert collapse(pack.red_flags.emergency_why) in text


def test_red_flags_name_the_recognised_signs(default_read: ReadPdf, pack: Pack) -> None:
    text = default_read.text.lower()
    start = text.index(collapse(pack.red_flags.emergency_intro).lower())
    box = text[start:text.index("see a doctor soon", start)]
    for sign in ("both legs", "genitals", "pee", "poo", "cauda equina"):
        assert sign in box, sign


def test_faq_and_sources(default_read: ReadPdf, pack: Pack) -> None:
    text = default_read.text
    for item in pack.faq:
        assert collapse(item.question) in text
        assert collapse(item.answer) in text
    for source in (*pack.sources, *pack.guide_sources):
        assert collapse(source.citation) in default_read.body
    assert "NG59" in text
    assert "nhs.uk/conditions/sciatica" in text


def test_sources_with_urls_are_clickable(default_read: ReadPdf, pack: Pack) -> None:
    links = set()
    for page in default_read.reader.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                links.add(str(action["/URI"]))
    assert links == {source.url for source in pack.sources if source.url}


def test_no_advert_text(default_read: ReadPdf) -> None:
    text = default_read.text.lower()
    for word in ADVERT_WORDS:
        assert word not in text, word


def test_last_reviewed_date_and_issue_date_are_printed(default_read: ReadPdf) -> None:
    assert "reviewed 1 November 2026" in default_read.text
    assert "24 November 2026" in default_read.pages[0]


def test_outline_has_every_section_and_exercise(default_read: ReadPdf, pack: Pack) -> None:
    outline = default_read.outline()
    about = [s.title for s in pack.sections if s.place == "about"]
    before = [s.title for s in pack.sections if s.place == "before"]
    assert [title for level, title, _ in outline if level == 0] == [
        "My exercise plan", "Before you start",
        *(f"{n}. {exercise.name}" for n, exercise in enumerate(pack.exercises, start=1)),
        "Your exercise log", "Get help urgently", *about,
        "Where this advice comes from"]
    assert [title for level, title, _ in outline if level == 1] == [
        # the box's left column (the rest) is read before its right (getting down)
        "How much pain is OK?", *before[1:], *before[:1], "See a doctor soon"]
    # each bookmark points at the page that shows its heading
    for _, title, page in outline:
        assert title in default_read.pages[page - 1], title
    assert outline[0][2] == 1


def test_metadata(default_read: ReadPdf, pack: Pack) -> None:
    meta = default_read.reader.metadata
    assert meta.title == pack.title
    assert meta.author == pack.publisher
    assert "Sciatica" in meta.subject
    assert "sciatica" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20261124000000")
    assert meta["/ModDate"].startswith("D:20261124000000")
    assert str(default_read.reader.trailer["/Root"]["/Lang"]) == "en-GB"


def test_page_size_is_a4_and_footer_numbers_pages(default_read: ReadPdf) -> None:
    pages = default_read.pages
    for number, page in enumerate(default_read.reader.pages, start=1):
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
        assert f"Page {number} of {len(pages)}" in pages[number - 1]
        assert "Exercises for sciatica" in pages[number - 1]


def test_body_text_is_12pt_or_larger(default_read: ReadPdf) -> None:
    sizes = default_read.font_sizes()
    assert len(sizes) > 200
    too_small = [(size, text) for size, text in sizes if size < 12]
    assert too_small == []
    body = [size for size, text in sizes if text.startswith("Slowly lift one knee")]
    assert body == [12.0]


def test_only_embedded_truetype_fonts(default_read: ReadPdf) -> None:
    fonts = default_read.base_fonts()
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts
    assert default_read.unembedded_fonts() == set()


def test_pdf_is_structurally_valid_and_renders(default_pdf: bytes, tmp_path) -> None:
    assert_valid_pdf(default_pdf)
    path = tmp_path / "handout.pdf"
    path.write_bytes(default_pdf)
    document = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(document)):
            bitmap = document[index].render(scale=1).to_pil()
            # every page shows something: not a blank white image
            assert bitmap.convert("L").getextrema()[0] < 80, index
    finally:
        document.close()


def test_same_inputs_give_same_bytes(resources: Resources, default_pdf: bytes) -> None:
    again = render_handout(BuildOptions(date=dt.date(2026, 11, 24)), resources)
    assert again == default_pdf


def test_date_changes_printed_and_metadata_dates(resources: Resources) -> None:
    pdf = ReadPdf.from_bytes(render_handout(BuildOptions(date=dt.date(2027, 1, 5)), resources))
    assert "5 January 2027" in pdf.pages[0]
    assert pdf.reader.metadata["/CreationDate"].startswith("D:20270105000000")


@pytest.mark.parametrize("kind", ["stretch", "strengthen"])
def test_kind_label_is_on_every_card_of_that_kind(default_read: ReadPdf, pack: Pack,
                                                  kind: str) -> None:
    text = default_read.text
    for exercise in pack.exercises:
        if exercise.kind == kind:
            assert f"{exercise.name} {kind.capitalize()}" in text



def test_numbered_labels_never_touch_their_text(resources: Resources, tmp_path) -> None:
    """"10." in a long numbered list ends before its item's text begins."""
    import io
    import re

    import pypdf
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from generator.fonts import register_fonts
    from generator.resources import default_pack

    (tmp_path / "sources.xml.j2").write_text(
        "<ol>{% for source in sources + guide_sources %}<li>{{ source.citation }}</li>"
        "{% endfor %}</ol>\n", encoding="utf-8")
    pdf = render_handout(BuildOptions(date=dt.date(2026, 11, 24), exercises=("cobra",)),
                         Resources.load(default_pack(), tmp_path))
    bold = register_fonts().bold
    checked = 0
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        runs: list[tuple[float, float, float, str]] = []

        def visit(text: str, cm: list, tm: list, font: dict, size: float) -> None:
            if text.strip():
                x, y = tm[4] + cm[4], tm[5] + cm[5]
                runs.append((round(y, 1), x, size, text.strip()))

        page.extract_text(visitor_text=visit)
        for y, x, size, text in runs:
            if re.fullmatch(r"\d{2}\.", text):
                after = [other_x for other_y, other_x, _, other in runs
                         if other_y == y and other_x > x and other != text]
                assert after, text
                assert min(after) - (x + stringWidth(text, bold, size)) >= 0.3 * size, text
                checked += 1
    assert checked >= 5  # sources 10 to 15 at least
