"""The YAML reader: an alias is reported where it is written, not at what it names."""

from __future__ import annotations

from pathlib import Path

from generator.yaml_files import read_yaml


def test_an_alias_is_reported_at_its_own_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "exercise.yaml"
    path.write_text("figure:\n"
                    "  camera: &view {yaw: 45, pitch: 6}\n"
                    "  start:\n"
                    "    spine: 10\n"
                    "  end:\n"
                    "    camera: *view\n", encoding="utf-8")
    document, problems = read_yaml(path)
    assert document is None
    assert [str(problem) for problem in problems] == [
        f"{path}:6:13: figure.end.camera: YAML aliases (*name) are not supported; write the "
        "value out"]


def test_an_alias_in_a_list_is_placed_at_the_first_alias(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text('a0: &a0 ["lol", "lol"]\na1: &a1 ["x", *a0, *a0]\na2: [*a1]\n',
                    encoding="utf-8")
    _, problems = read_yaml(path)
    assert [(p.line, p.column, p.field) for p in problems] == [(2, 15, "a1.1")]
