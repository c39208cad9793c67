"""docs/robustness.md, enforced: every row is tried here, and every case here has a row.

Each case sets up a bad (or extreme) input, runs the command line in-process and checks
the exit status and that the message the document promises is the one the user sees.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from generator.cli import main
from pdfread import assert_valid_pdf
from generator.resources import default_pack

DOC = Path(__file__).resolve().parent.parent / "docs" / "robustness.md"


@dataclass(frozen=True)
class Case:
    setup: Callable[[Path], list[str]]  # makes files in a folder, returns the arguments
    exit_code: int
    shows: str  # must appear in the output and in the document's row


def copy_pack(folder: Path) -> Path:
    pack = folder / "pack"
    if not pack.exists():
        shutil.copytree(default_pack(), pack)
    return pack


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pack_edit(file: str, old: str, new: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        pack = copy_pack(folder)
        edit(pack / file, old, new)
        return ["build", "--data", str(pack)]
    return setup


def without_key(file: str, key: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        path = copy_pack(folder) / file
        kept, skipping = [], False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(f"{key}:"):
                skipping = True
            elif skipping and not line.startswith(" "):
                skipping = False
            if not skipping:
                kept.append(line)
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")
        return ["build", "--data", str(folder / "pack")]
    return setup


def build_with(*args: str) -> Callable[[Path], list[str]]:
    return lambda folder: ["build", "-o", str(folder / "out.pdf"), *args]


def picture(make: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        path = folder / "logo.png"
        make(path)
        return ["build", "-o", str(folder / "out.pdf"), "--logo", str(path)]
    return setup


def truncated_png(path: Path) -> None:
    Image.effect_noise((400, 300), 60).convert("RGB").save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def huge_png(path: Path) -> None:
    Image.new("1", (20000, 20000)).save(path)


def big_logo(path: Path) -> None:
    Image.effect_noise((4000, 3000), 40).convert("RGB").save(path.with_suffix(".jpg"))
    path.write_bytes(path.with_suffix(".jpg").read_bytes())


def own_file(name: str, text: str, *args: str) -> Callable[[Path], list[str]]:
    """A build with one file of the user's own (a preset, a CSV, a styles.yaml)."""
    def setup(folder: Path) -> list[str]:
        (folder / name).write_text(text, encoding="utf-8")
        return [arg.replace("{folder}", str(folder)) for arg in args]
    return setup


def many_exercises(count: int) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        pack = copy_pack(folder)
        source = (pack / "exercises" / "cobra.yaml").read_text(encoding="utf-8")
        ids = [f"cobra-{n}" for n in range(count)]
        for exercise_id in ids:
            (pack / "exercises" / f"{exercise_id}.yaml").write_text(
                source.replace("id: cobra", f"id: {exercise_id}", 1), encoding="utf-8")
        text = (pack / "pack.yaml").read_text(encoding="utf-8")
        head = text[: text.index("\nexercises:")]
        tail = "\nexercises:\n" + "".join(f"  - {i}\n" for i in ids)
        (pack / "pack.yaml").write_text(head + tail, encoding="utf-8")
        return ["build", "--data", str(pack), "-o", str(folder / "out.pdf")]
    return setup


def long_word_step(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    edit(pack / "exercises" / "cobra.yaml", "steps:\n", "steps:\n  - " + "x" * 2000 + "\n")
    return ["build", "--data", str(pack), "-o", str(folder / "out.pdf")]


def long_paragraph(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    sentence = "Walking a little further each day helps your back. "
    edit(pack / "pack.yaml", "    paragraphs:\n", f"    paragraphs:\n      - {sentence * 95}\n")
    return ["build", "--data", str(pack), "--large-print", "-o", str(folder / "out.pdf")]


def template_override(content: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        templates = folder / "templates"
        templates.mkdir()
        (templates / "faq.xml.j2").write_text(content, encoding="utf-8")
        return ["build", "--templates", str(templates), "-o", str(folder / "out.pdf")]
    return setup


def under_a_file(folder: Path) -> list[str]:
    (folder / "afile").write_text("x", encoding="utf-8")
    return ["build", "-o", str(folder / "afile" / "out.pdf")]


def exercise_image(name: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        pack = copy_pack(folder)
        path = pack / "exercises" / "cobra.yaml"
        text = path.read_text(encoding="utf-8")
        text = text.split("\nfigure:")[0] + f"\nimage: {name}\n"
        path.write_text(text, encoding="utf-8")
        return ["build", "--data", str(pack), "-o", str(folder / "out.pdf")]
    return setup


def not_utf8(folder: Path) -> list[str]:
    (copy_pack(folder) / "pack.yaml").write_bytes(b"title: caf\xe9\n")
    return ["build", "--data", str(folder / "pack")]


def missing_exercise_file(folder: Path) -> list[str]:
    (copy_pack(folder) / "exercises" / "cobra.yaml").unlink()
    return ["build", "--data", str(folder / "pack")]


def not_a_font(folder: Path) -> list[str]:
    (folder / "x.ttf").write_text("not a font", encoding="utf-8")
    return build_with("--font", str(folder / "x.ttf"))(folder)


WORDS = " ".join(["Keep", "walking", "every", "day,", "a", "little", "further."] * 715)

CASES: dict[str, Case] = {
    "yaml-syntax": Case(pack_edit("pack.yaml", "title: Exercises", "title: [Exercises"), 1,
                        "YAML syntax"),
    "yaml-duplicate-key": Case(pack_edit("exercises/cobra.yaml", "kind: stretch",
                                         "kind: stretch\nkind: stretch"), 1, "key given twice"),
    "unknown-field": Case(pack_edit("exercises/cobra.yaml", "benefit:", "benefits:"), 1,
                          "unknown field (check the spelling); did you mean 'benefit'?"),
    "missing-field": Case(without_key("exercises/cobra.yaml", "caution"), 1,
                          "caution: required field is missing"),
    "wrong-type": Case(pack_edit("exercises/cobra.yaml", "reps: 5", "reps: many"), 1,
                       "valid integer"),
    "out-of-range": Case(pack_edit("exercises/cobra.yaml", "reps: 5", "reps: 500"), 1,
                         "less than or equal to 100"),
    "bad-kind": Case(pack_edit("exercises/cobra.yaml", "kind: stretch", "kind: yoga"), 1,
                     "Input should be 'stretch' or 'strengthen'"),
    "not-utf8": Case(not_utf8, 1, "not UTF-8 text"),
    "missing-exercise-file": Case(missing_exercise_file, 1,
                                  "no file exercises/cobra.yaml for this id"),
    "missing-pack": Case(lambda f: ["build", "--data", str(f / "nowhere")], 1,
                         "content pack folder not found"),
    "too-many-exercises": Case(many_exercises(61), 1, "at most 60 items"),
    "step-too-long": Case(pack_edit("exercises/cobra.yaml", "steps:\n",
                                    "steps:\n  - " + "word " * 1001 + "\n"), 1,
                          "at most 5000 characters"),
    "unknown-exercise": Case(build_with("-e", "glute-brige"), 2,
                             "did you mean 'glute-bridge'?"),
    "unknown-excluded": Case(build_with("-x", "kobra"), 2, "did you mean 'cobra'?"),
    "bad-dose": Case(build_with("--dose", "bird-dog=2x10,fast"), 2, "cannot read 'fast'"),
    "dose-out-of-range": Case(build_with("--dose", "bird-dog=0x10"), 2,
                              "greater than or equal to 1"),
    "unknown-preset": Case(build_with("--preset", "gentle"), 2,
                           "valid presets: full, gentle-start, strength"),
    "bad-date": Case(build_with("--date", "2026-13-01"), 2, "does not match the format"),
    "weeks-out-of-range": Case(build_with("--weeks", "13"), 2, "not in the range 0<=x<=12"),
    "name-too-long": Case(build_with("--patient", "A" * 301), 2,
                          "is 301 characters long; the limit is 300"),
    "notes-too-long": Case(build_with("--notes", "a " * 30_001), 2,
                           "is 60,002 characters long; the limit is 60,000"),
    "unprintable-in-pack": Case(pack_edit("exercises/cobra.yaml",
                                          "- Relax your back and buttocks.",
                                          "- Relax your back 放松."), 1,
                                "steps.0: the font cannot print '放' (U+653E"),
    "unprintable-character": Case(build_with("--patient", "李小龍"), 1,
                                  "the font cannot print '李' (U+674E"),
    "emoji": Case(build_with("--patient", "Ann \U0001F600"), 1,
                  "cannot print '\U0001F600' (U+1F600 GRINNING FACE): emoji and other "
                  "characters beyond U+FFFF are not supported"),
    "control-character": Case(build_with("--notes", "ring\x07me"), 1,
                              "contains the control character U+0007"),
    "logo-missing": Case(build_with("--logo", "no-such-logo.png"), 1, "picture not found"),
    "logo-not-an-image": Case(picture(lambda p: p.write_text("hello", encoding="utf-8")), 1,
                              "is not a picture Pillow can read"),
    "logo-truncated": Case(picture(truncated_png), 1, "damaged or truncated"),
    "logo-huge": Case(picture(huge_png), 1, "the limit is 50,000,000 pixels"),
    "font-not-a-font": Case(not_a_font, 1, "cannot use font"),
    "image-missing": Case(exercise_image("cobra.png"), 1, "file not found"),
    "template-syntax": Case(template_override("{% if %}"), 1, "template syntax"),
    "template-undefined": Case(template_override("<p>{{ faq_typo }}</p>"), 1,
                               "'faq_typo' is undefined"),
    "template-unknown-element": Case(template_override("<marquee/>"), 1,
                                     "unknown element <marquee>"),
    "template-helper-element": Case(template_override("<log-table/>"), 1,
                                    "unknown element <log-table>"),
    "template-misplaced-element": Case(template_override("<li>x</li>"), 1,
                                       "<li> belongs inside <ul> or <ol>"),
    "template-columns": Case(template_override("<card><columns><column/></columns></card>"), 1,
                             "<columns> needs exactly two <column> elements"),
    "template-spacer": Case(template_override('<spacer height="big"/>'), 1,
                            "the height must be a number of points from 0 to 300"),
    "template-figure": Case(template_override('<figure exercise="nope"/>'), 1,
                            "the pack has no exercise 'nope'"),
    "template-box-style": Case(template_override('<box style="sparkly"><p>x</p></box>'), 1,
                               "unknown box style 'sparkly'; valid styles: amber, danger, green, "
                               "info, red, safety"),
    "output-is-folder": Case(lambda f: ["build", "-o", str(f)], 2, "is a directory"),
    "output-not-writable": Case(under_a_file, 1, "is a file, not a folder"),
    "omit-safety": Case(build_with("--omit", "red-flags"), 2,
                        "'red-flags' cannot be left out: every handout keeps the exercises"),
    "omit-unknown": Case(build_with("--omit", "nope"), 2, "no section 'nope'; the sections are"),
    "preset-omit-safety": Case(own_file(
        "short.yaml", "name: Short\ndescription: d\nexercises: [cobra]\nomit: [safety]\n",
        "build", "--preset", "{folder}/short.yaml", "-o", "{folder}/out.pdf"), 1,
        "short.yaml:4:1: omit: 'safety' cannot be left out"),
    "csv-omit-red-flags": Case(own_file(
        "day.csv", "patient,exercises,omit\nBo,cobra,red-flags\n",
        "batch", "{folder}/day.csv", "-o", "{folder}/out", "-j", "1"), 1,
        "day.csv:2:3: omit: 'red-flags' cannot be left out"),
    "styles-bad-colour": Case(own_file(
        "styles.yaml", 'colours:\n  accent: "#1d3557"\n  card_band: pink\n',
        "build", "--templates", "{folder}", "-o", "{folder}/out.pdf"), 1,
        "styles.yaml:3:3: colours.card_band: 'pink' is not a colour"),
    "styles-bad-size": Case(own_file(
        "styles.yaml", 'colours:\n  accent: "#1d3557"\n  card_band: "#123456"\n'
        'paragraph:\n  body:\n    size: big\n',
        "build", "--templates", "{folder}", "-o", "{folder}/out.pdf"), 1,
        "styles.yaml:6:5: paragraph.body.size: 'big' is not a size in points"),
    # extreme but valid: these build
    "long-notes": Case(build_with("--notes", WORDS), 0, "out.pdf"),
    "long-name": Case(build_with("--patient", "Ann " * 75), 0, "out.pdf"),
    "big-logo": Case(picture(big_logo), 0, "out.pdf"),
    "forty-exercises": Case(many_exercises(40), 0, "out.pdf"),
    "long-word": Case(long_word_step, 0, "out.pdf"),
    "long-paragraph": Case(long_paragraph, 0, "out.pdf"),
    "markup-in-names": Case(build_with("--patient", "<b>x</b> & {{ 7*7 }} {% raw %}"), 0,
                            "out.pdf"),
}


def document_rows() -> dict[str, tuple[int, str]]:
    """case id -> (exit status, the row's text) from the table in docs/robustness.md."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z0-9-]+)`\s*\|(.*)\|\s*(\d)\s*\|(.*)\|\s*$", line)
        if match:
            rows[match[1]] = (int(match[3]), match[2] + match[4])
    return rows


def test_every_case_has_a_row_and_every_row_a_case() -> None:
    assert set(document_rows()) == set(CASES)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_case(case_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[case_id]
    exit_code, row = document_rows()[case_id]
    assert exit_code == case.exit_code
    assert case.shows.replace("|", "\\|") in row.replace("\\\\", "\\")
    args = case.setup(tmp_path)
    monkeypatch.chdir(tmp_path)  # a build without -o writes to out/ here, never into the repo
    result = CliRunner().invoke(main, args)
    assert result.exit_code == case.exit_code, result.output
    assert case.shows in result.output
    # CliRunner catches exceptions: a crash would be result.exception, not SystemExit.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    leftovers = [p.name for p in tmp_path.rglob("*") if p.suffix in {".pdf", ".part"}]
    if case.exit_code:
        assert leftovers == []  # a failed build writes nothing, not even a temporary file
        assert result.output.count("\n") <= 4  # short: a line or two, not a dump
    else:
        pdf = tmp_path / "out.pdf"
        assert pdf.stat().st_size < 2_000_000
        assert_valid_pdf(pdf.read_bytes())
