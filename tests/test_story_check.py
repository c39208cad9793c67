"""A template folder may reword the handout, never drop its red-flag box or a card."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pdfread import ReadPdf

from generator.build import BuildOptions, Resources, render_handout
from generator.errors import UserError
from generator.resources import default_pack

DATE = dt.date(2026, 11, 24)


def _problem(templates: Path, options: BuildOptions) -> str:
    own = Resources.load(default_pack(), templates)
    with pytest.raises(UserError) as raised:
        render_handout(options, own)
    problem = raised.value.problems[0]
    assert problem.path == templates
    return problem.message


def test_templates_without_the_red_flag_box_are_refused(tmp_path: Path) -> None:
    (tmp_path / "red-flags-box.xml.j2").write_text("", encoding="utf-8")
    message = _problem(tmp_path, BuildOptions(date=DATE))
    assert 'the full "Get help urgently" box' in message


def test_a_red_flag_box_missing_one_sign_is_refused(tmp_path: Path) -> None:
    bundled = (Path(__file__).parents[1] / "templates" / "red-flags-box.xml.j2").read_text(
        encoding="utf-8")
    # Only the first sign: the box is there, its list is not whole.
    (tmp_path / "red-flags-box.xml.j2").write_text(
        bundled.replace("red_flags.emergency %}", "red_flags.emergency[:1] %}"),
        encoding="utf-8")
    assert "emergency sign" in _problem(tmp_path, BuildOptions(date=DATE, brief=True))


def test_templates_without_a_card_name_the_exercise(tmp_path: Path) -> None:
    (tmp_path / "exercise-card.xml.j2").write_text(
        "{% if exercise.id != 'cobra' %}<card><ol>{% for s in exercise.steps %}<li>{{ s }}</li>"
        "{% endfor %}</ol></card>{% endif %}", encoding="utf-8")
    message = _problem(tmp_path, BuildOptions(date=DATE, exercises=("bird-dog", "cobra")))
    assert "the card for 'cobra'" in message and "bird-dog" not in message


def test_reworded_templates_that_keep_the_safety_content_still_build(tmp_path: Path) -> None:
    (tmp_path / "exercise-card.xml.j2").write_text(
        "<card><h2 id=\"ex-{{ exercise.id }}\">Try: {{ exercise.name }}</h2><ol>"
        "{% for s in exercise.steps %}<li>{{ s }}</li>{% endfor %}</ol></card>",
        encoding="utf-8")
    pdf = ReadPdf.from_bytes(render_handout(BuildOptions(date=DATE, exercises=("cobra",)),
                                            Resources.load(default_pack(), tmp_path)))
    assert "Try: Cobra" in pdf.text and "Get help urgently" in pdf.text
