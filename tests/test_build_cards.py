"""Every exercise card whole on one page: a card taller than a page is refused, in normal and in
large print, naming what to shorten, when the user's own styles or templates or a note on its
dose made it so (attack 3: an own folder's large print split its cards over two or three pages,
exit 0; attack 4: a clinician's 99-character note did the same to the Swedish large-print Letter
card, with the bundled templates). A pack's own text longer than a page still splits."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from generator.build import BuildOptions, Resources, render_handout
from generator.errors import UserError
from generator.resources import default_pack

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
DATE = dt.date(2026, 11, 24)


def own_styles(folder: Path, text: str) -> Path:
    folder.mkdir()
    (folder / "styles.yaml").write_text(text, encoding="utf-8")
    return folder


def larger_type(factor: float) -> str:
    """The bundled styles with every paragraph's size and leading times ``factor``."""
    return re.sub(r"\b(size|leading): ([0-9.]+)",
                  lambda m: f"{m[1]}: {float(m[2]) * factor:.2f}",
                  (TEMPLATES / "styles.yaml").read_text(encoding="utf-8"))


def build(resources: Resources, large_print: bool = False, ids: tuple[str, ...] = ()) -> bytes:
    return render_handout(BuildOptions(large_print=large_print, exercises=ids, date=DATE),
                          resources)


def test_large_print_scaled_past_a_page_is_refused(tmp_path: Path) -> None:
    folder = own_styles(tmp_path / "tpl", "large_print:\n  scale: 2.5\n  leading_scale: 2.5\n")
    resources = Resources.load(default_pack(), folder)
    with pytest.raises(UserError) as caught:
        build(resources, large_print=True, ids=("cobra", "bird-dog"))
    assert str(caught.value) == (
        f"{folder}: 2 of the exercise cards are taller than a page in large print and would "
        "be split over pages ('Cobra', 'Bird dog'): shorten or shrink the exercises' own text, "
        "or the sizes in styles.yaml (large_print.scale, leading_scale)")
    assert build(resources, ids=("cobra",)).startswith(b"%PDF")  # normal print still fits


def test_normal_print_with_larger_type_is_refused_the_same_way(tmp_path: Path) -> None:
    resources = Resources.load(default_pack(), own_styles(tmp_path / "tpl", larger_type(1.6)))
    with pytest.raises(UserError, match=r": 1 of the exercise cards is taller than a page and "
                                        r"would be split over pages \('Cobra'\): shorten or "
                                        r"shrink the exercise's own text, or the sizes in "
                                        r"styles.yaml$"):
        build(resources, ids=("cobra",))


def test_the_bundled_styles_as_an_own_folder_keep_every_card_whole(tmp_path: Path) -> None:
    folder = tmp_path / "tpl"
    shutil.copytree(TEMPLATES, folder)
    resources = Resources.load(default_pack(), folder)
    for large_print in (False, True):
        assert build(resources, large_print=large_print).startswith(b"%PDF")


def test_a_card_whose_own_text_outgrows_a_page_splits_with_the_bundled_templates(
        tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(default_pack(), pack)
    path = pack / "exercises" / "cobra.yaml"
    step = "  - " + "Breathe out slowly and keep your hips on the mat. " * 20 + "\n"
    path.write_text(path.read_text(encoding="utf-8").replace("steps:\n", "steps:\n" + step * 4, 1),
                    encoding="utf-8")
    assert build(Resources.load(pack), ids=("cobra",)).startswith(b"%PDF")
    with pytest.raises(UserError) as caught:
        build(Resources.load(pack, TEMPLATES), ids=("cobra",))
    assert str(caught.value).endswith(
        ": 1 of the exercise cards is taller than a page and would be split over pages ('Cobra'): "
        "shorten or shrink the exercise's own text, or the sizes in styles.yaml")


NOTE = "Breathe out slowly, keep shoulders relaxed. " * 2 + "Breathe out"  # 99 characters


def test_a_clinicians_note_that_outgrows_a_page_is_named(resources: Resources) -> None:
    """Attack 4: the Swedish large-print Letter card of the figure 4 split over two pages,
    exit 0, for a 99-character note typed on the command line, a CSV row or the web form."""
    options = BuildOptions(exercises=("piriformis",), language="sv", large_print=True,
                           page_size="letter", date=DATE, doses=(f"piriformis=note:{NOTE}",))
    with pytest.raises(UserError) as caught:
        render_handout(options, Resources.load(default_pack(), language="sv"))
    assert str(caught.value) == (
        "1 of the exercise cards is taller than a page in large print and would be split over "
        "pages ('Sätesstretch (fyran)'): shorten or shrink the note for piriformis (99 "
        "characters), or the exercise's own text")
    short = BuildOptions(exercises=("piriformis",), language="sv", large_print=True,
                         page_size="letter", date=DATE, doses=("piriformis=note:Breathe out slowly.",))
    assert render_handout(short, Resources.load(default_pack(), language="sv")).startswith(b"%PDF")
