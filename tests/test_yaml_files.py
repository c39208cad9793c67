"""The YAML reader: an alias is reported where it is written, not at what it names."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.mark.parametrize(("written", "read_as"), [("1:30", 90), ("010", 8), ("1_0", 10), ("0x1f", 31),
                                                  ("0b11", 3), ("1:30.5", 90.5)])
def test_a_number_yaml_reads_as_another_number_is_refused_at_its_line(tmp_path: Path, written: str,
                                                                       read_as: float) -> None:
    # YAML 1.1 reads a time written as 1:30 as 90 (base 60): a pitch or a hold of 90.
    path = tmp_path / "exercise.yaml"
    path.write_text(f"figure:\n  camera: {{yaw: 10, pitch: {written}}}\n", encoding="utf-8")
    document, problems = read_yaml(path)
    assert document is None
    assert [str(problem) for problem in problems] == [
        f"{path}:2:28: figure.camera.pitch: {written!r} is read by YAML as the number {read_as}; "
        "write the number you mean in plain digits, or put the text in quotes"]


@pytest.mark.parametrize("written", ["0", "-3", "+4", "12", "1.5", "-0.25", ".5", "7.", "1.0e+3", "007.5"])
def test_numbers_written_plainly_are_read_as_written(tmp_path: Path, written: str) -> None:
    path = tmp_path / "exercise.yaml"
    path.write_text(f"hold: {written}\ntime: '1:30'\n", encoding="utf-8")
    document, problems = read_yaml(path)
    assert problems == [] and document is not None
    assert document.data == {"hold": float(written), "time": "1:30"}
