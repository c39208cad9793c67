"""The command line: outputs, exit codes, and clean errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pdfread import ReadPdf

from generator import __version__
from generator.cli import DATE, main
from generator.model import Pack


@pytest.fixture()
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


def test_build_with_no_arguments_writes_the_default_handout(runner: CliRunner,
                                                            tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    expected = Path("out") / "sciatica-handout.pdf"
    assert result.output.strip() == str(expected)
    pdf = ReadPdf.from_bytes((tmp_path / expected).read_bytes())
    assert "Exercises for sciatica" in pdf.pages[0]


def test_output_option_chooses_the_file_and_creates_folders(runner: CliRunner,
                                                            tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "mine.pdf"
    result = runner.invoke(main, ["build", "-o", str(target), "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in target.parent.iterdir()] == ["mine.pdf"]  # no temporary left


def test_list_prints_id_name_and_kind(runner: CliRunner, pack: Pack) -> None:
    result = runner.invoke(main, ["list"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(pack.exercises)
    for line, exercise in zip(lines, pack.exercises):
        assert line.split()[0] == exercise.id
        assert exercise.name in line and f"({exercise.kind})" in line


@pytest.mark.parametrize("command", [[], ["build"], ["list"], ["validate"], ["schema"],
                                     ["figures"], ["batch"]])
def test_help_on_every_command(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_validate_the_bundled_pack(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(": OK (en, sv)")


def test_unknown_exercise_is_a_usage_error_naming_the_nearest(runner: CliRunner,
                                                             tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "-e", "bird-dgo", "-o", "x.pdf"])
    assert result.exit_code == 2
    assert "bird-dgo" in result.output and "bird-dog" in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert not (tmp_path / "x.pdf").exists()


def test_broken_pack_is_a_clean_error_with_file_and_line(runner: CliRunner,
                                                         tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    (pack / "exercises").mkdir(parents=True)
    (pack / "pack.yaml").write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    result = runner.invoke(main, ["build", "--data", str(pack)])
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {pack.resolve() / 'pack.yaml'}:")
    assert isinstance(result.exception, SystemExit)  # a clean exit, not a crash
    assert not (tmp_path / "out").exists()


def test_schema_is_json_schema_of_a_pack(runner: CliRunner) -> None:
    import json

    result = runner.invoke(main, ["schema"])
    schema = json.loads(result.output)
    assert schema["title"] == "Pack"
    assert {"title", "exercises", "red_flags", "sources"} <= set(schema["properties"])


def schema_errors(value: object, schema: dict, root: dict, where: str = "") -> list[str]:
    """What in ``value`` the JSON Schema refuses: the keywords pydantic writes (no
    jsonschema package here; enough to read a file as an editor would)."""
    import datetime as dt
    import re

    if isinstance(value, dt.date):  # YAML reads 2026-11-01 as a date; JSON, and an editor, as text
        value = value.isoformat()
    if "$ref" in schema:
        return schema_errors(value, root["$defs"][schema["$ref"].removeprefix("#/$defs/")], root, where)
    for either in ("anyOf", "oneOf"):
        if either in schema:
            return [] if any(not schema_errors(value, option, root, where) for option in schema[either]) \
                else [f"{where}: matches none of {either}"]
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
             "integer": int, "number": (int, float)}
    if "type" in schema and not isinstance(value, kinds[schema["type"]]):
        return [f"{where}: expected {schema['type']}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in {schema['enum']}"]
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        return [f"{where}: {value!r} does not match {schema['pattern']}"]
    errors: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [f"{where}.{key}: required" for key in schema.get("required", []) if key not in value]
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], root, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}.{key}: not in the schema")
    if isinstance(value, list):
        for index, item in enumerate(value):
            prefix = schema.get("prefixItems", [])
            item_schema = prefix[index] if index < len(prefix) else schema.get("items", {})
            errors += schema_errors(item, item_schema, root, f"{where}[{index}]")
    return errors


@pytest.mark.parametrize(("kind", "files"), [
    ("pack", ["pack.yaml", "sv/pack.yaml"]),
    ("exercise", ["exercises/*.yaml"]),
    ("preset", ["presets/*.yaml"]),
])
def test_each_bundled_file_is_valid_against_its_schema(runner: CliRunner, kind: str,
                                                        files: list[str]) -> None:
    """An editor checking the pack's files against `handout schema KIND` finds nothing (the
    one schema of the loaded pack wanted every exercise written out in pack.yaml)."""
    import json

    import yaml

    from generator.resources import default_pack

    result = runner.invoke(main, ["schema", kind])
    schema = json.loads(result.output)
    paths = [path for pattern in files for path in sorted(default_pack().glob(pattern))]
    assert paths
    for path in paths[:1] if kind == "pack" else paths:  # the Swedish pack.yaml gives only text
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert schema_errors(data, schema, schema) == [], path


def test_a_line_break_in_a_name_prints_as_a_space(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", "-o", "x.pdf", "--patient", "Jane\nDoe\t",
                                  "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    pdf = ReadPdf.from_bytes((tmp_path / "x.pdf").read_bytes())
    assert "For Jane Doe" in pdf.pages[0]
    assert all(page.endswith("Exercises for sciatica \u2013 Jane Doe") for page in pdf.pages)
    assert pdf.reader.metadata.subject == "Sciatica: exercises and advice (Jane Doe)"


def test_default_output_is_named_after_the_pack_id(runner: CliRunner, tmp_path: Path) -> None:
    import shutil

    from generator.resources import default_pack

    shutil.copytree(default_pack(), tmp_path / "my folder")
    result = runner.invoke(main, ["build", "--data", str(tmp_path / "my folder"),
                                  "--date", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "sciatica-handout.pdf").is_file()


_DATE_CHARACTERS = "0123456789- x:T\u0662\u0660\u0665\u0669\uff11"  # Arabic-Indic, fullwidth


_PART = st.text("0123 59\u0662\u0669", min_size=1, max_size=5)


@settings(max_examples=400)
@given(st.one_of(st.dates().map(dt.date.isoformat),
                 st.tuples(_PART, _PART, _PART).map("-".join),
                 st.text(_DATE_CHARACTERS, max_size=12)))
@example("2026-11- 5")
@example("2026-1-4")
@example("\u0662\u0660\u0662\u0665-11-05")
@example("0000-01-01")
@example("2026-02-30")
@example("2027-02-29")
def test_a_date_option_reads_what_a_csv_row_reads(text: str) -> None:
    """YYYY-MM-DD in ASCII digits and a real day, as batch's and the web form's dates
    (Click's DateTime took 2026-1-4 and " 5", which a CSV row refused: attack 3)."""
    form = re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text)
    try:
        expected: dt.date | None = dt.date.fromisoformat(text) if form else None
    except ValueError:
        expected = None
    if expected is not None:
        assert DATE.convert(text, None, None) == dt.datetime(expected.year, expected.month,
                                                            expected.day)
    else:
        with pytest.raises(click.BadParameter) as error:
            DATE.convert(text, None, None)
        assert error.value.message == (f"{text!r} is not a real date" if form else
                                       f"{text!r} is not a date in the form YYYY-MM-DD")


def test_a_bad_date_is_a_usage_error_in_clicks_words(runner: CliRunner) -> None:
    result = runner.invoke(main, ["build", "--date", "2026-02-30"])
    assert result.exit_code == 2
    assert "Error: Invalid value for '--date': '2026-02-30' is not a real date" in result.output
    result = runner.invoke(main, ["build", "--review-date", "2026-1-4"])
    assert result.exit_code == 2
    assert ("Error: Invalid value for '--review-date': '2026-1-4' is not a date in the form "
            "YYYY-MM-DD") in result.output
    assert "--review-date [%Y-%m-%d]" in runner.invoke(main, ["build", "--help"]).output


def test_validate_of_a_missing_pack_folder_says_so_once(tmp_path: Path) -> None:
    """Attack 4: after "content pack folder not found", about 70 false "untranslated
    message ... messages/.yaml" errors followed (no pack.yaml, so no language)."""
    result = CliRunner().invoke(main, ["validate", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"error: {tmp_path / 'nowhere'}: content pack folder not found"]
