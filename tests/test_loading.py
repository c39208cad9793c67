"""Loading and validating packs: every problem found, each at its file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import UserError
from generator.loading import check_all, check_pack, load_pack, load_preset, read_yaml
from generator.resources import default_pack


@pytest.fixture()
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(default_pack(), target)
    return target


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_bundled_pack_and_presets_are_valid() -> None:
    assert check_all(default_pack()) == []


def test_bad_value_in_an_exercise_file_points_at_its_line(pack_dir: Path) -> None:
    path = pack_dir / "exercises" / "cobra.yaml"
    replace_in(path, "kind: stretch", "kind: strech")
    _, problems = check_pack(pack_dir)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == path.resolve()
    assert problem.line == line_of(path, "kind: strech")
    assert problem.field == "kind"
    assert "'stretch'" in problem.message
    assert str(problem).startswith(f"{path.resolve()}:{problem.line}:1: kind: ")


def test_every_problem_is_reported_at_once(pack_dir: Path) -> None:
    replace_in(pack_dir / "exercises" / "cobra.yaml", "kind: stretch", "kind: strech")
    replace_in(pack_dir / "exercises" / "clamshell.yaml", "name:", "nmae:")
    replace_in(pack_dir / "pack.yaml", "language: en", "language: English")
    _, problems = check_pack(pack_dir)
    described = sorted((p.path.name, p.field) for p in problems)
    assert ("cobra.yaml", "kind") in described
    assert ("clamshell.yaml", "nmae") in described  # a typo: reported once, at the typo
    assert ("pack.yaml", "language") in described
    typo = next(p for p in problems if p.field == "nmae")
    assert typo.message == "unknown field (check the spelling); did you mean 'name'?"
    with pytest.raises(UserError) as raised:
        load_pack(pack_dir)
    assert len(raised.value.problems) == len(problems) == 3


def test_nested_field_in_a_list_is_located(pack_dir: Path) -> None:
    path = pack_dir / "exercises" / "bird-dog.yaml"
    replace_in(path, "  reps: 8", "  reps: 800")
    _, problems = check_pack(pack_dir)
    assert [(p.field, p.line) for p in problems] == [("dose.reps", line_of(path, "reps: 800"))]


def test_yaml_syntax_error_has_line_and_column(pack_dir: Path) -> None:
    path = pack_dir / "pack.yaml"
    replace_in(path, "title: Exercises for sciatica", "title: [Exercises for sciatica")
    _, problems = check_pack(pack_dir)
    assert len(problems) == 1
    assert problems[0].path == path.resolve()
    assert problems[0].line is not None and problems[0].column is not None
    assert problems[0].message.startswith("YAML syntax")


def test_duplicate_key_is_a_problem_not_silently_dropped(pack_dir: Path) -> None:
    path = pack_dir / "exercises" / "cobra.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nkind: strengthen\n", encoding="utf-8")
    _, problems = check_pack(pack_dir)
    assert [(p.field, p.message) for p in problems] == [("kind", "key given twice")]
    assert problems[0].line == len(text.splitlines()) + 2


def test_missing_exercise_file_points_at_the_id_in_pack_yaml(pack_dir: Path) -> None:
    (pack_dir / "exercises" / "cobra.yaml").unlink()
    _, problems = check_pack(pack_dir)
    assert len(problems) == 1
    assert problems[0].path.name == "pack.yaml"
    assert problems[0].line == line_of(pack_dir / "pack.yaml", "- cobra")
    assert "exercises/cobra.yaml" in problems[0].message


def test_exercise_id_must_match_its_file_name(pack_dir: Path) -> None:
    replace_in(pack_dir / "exercises" / "cobra.yaml", "id: cobra", "id: kobra")
    _, problems = check_pack(pack_dir)
    assert [(p.path.name, p.field) for p in problems] == [("cobra.yaml", "id")]


def test_not_utf8_is_a_problem(pack_dir: Path) -> None:
    (pack_dir / "pack.yaml").write_bytes(b"title: caf\xe9\n")
    _, problems = check_pack(pack_dir)
    assert "UTF-8" in problems[0].message


def test_missing_folder() -> None:
    _, problems = check_pack(Path("/nonexistent/pack"))
    assert problems[0].message == "content pack folder not found"


def test_preset_with_unknown_id_names_the_nearest(pack_dir: Path) -> None:
    preset = pack_dir / "presets" / "strength.yaml"
    replace_in(preset, "- id: glute-bridge", "- id: glute-brigde")
    with pytest.raises(UserError) as raised:
        load_preset(preset, load_pack(pack_dir))
    problem = raised.value.problems[0]
    assert problem.line == line_of(preset, "glute-brigde")
    assert "did you mean 'glute-bridge'?" in problem.message


def test_preset_listing_an_exercise_twice_is_refused(pack_dir: Path) -> None:
    preset = pack_dir / "presets" / "strength.yaml"
    replace_in(preset, "  - pelvic-tilt\n", "  - pelvic-tilt\n  - pelvic-tilt\n")
    with pytest.raises(UserError) as raised:
        load_preset(preset, load_pack(pack_dir))
    assert "exercise 'pelvic-tilt' is listed twice" in str(raised.value)


def test_section_ids_must_be_unique(pack_dir: Path) -> None:
    replace_in(pack_dir / "pack.yaml", "id: self-care", "id: what-is-sciatica")
    _, problems = check_pack(pack_dir)
    assert [p.message for p in problems] == ["section id 'what-is-sciatica' is used twice"]


def test_pack_text_the_font_cannot_print_is_found_at_its_line(pack_dir: Path) -> None:
    path = pack_dir / "exercises" / "cobra.yaml"
    replace_in(path, "- Relax your back and buttocks.", "- Relax your back 放松.")
    assert check_pack(pack_dir)[1] == []  # loading alone does not read the font
    _, problems = check_pack(pack_dir, check_print=True)
    assert [(p.path, p.line, p.field) for p in problems] == [
        (path.resolve(), line_of(path, "放松"), "steps.0")]
    assert problems[0].message.startswith("the font cannot print '放' (U+653E")
    assert check_all(pack_dir) == problems  # handout validate finds it too


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="[]{}&*!:-,?|>#%@`'\"\n\t abc0123456789.eE+_~<=", max_size=200))
def test_any_yaml_text_reads_as_data_or_located_problems(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.yaml"
        path.write_text(text, encoding="utf-8")
        document, problems = read_yaml(path)  # never an exception
    assert document is not None or problems
    assert all(problem.path == path for problem in problems)
