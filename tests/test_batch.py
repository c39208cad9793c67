"""Batch printing from a CSV day list: good rows built, bad rows reported, names unique."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfread import ReadPdf

from generator.batch import Row, read_rows
from generator.build import BuildOptions, Resources
from generator.cli import main
from generator.naming import name_tag

HEADER = ["patient", "exercises", "preset", "dose", "date", "large_print", "weeks", "output"]


def write_csv(path: Path, rows: list[list[str]], bom: bool = False,
              header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def good_rows(count: int) -> list[list[str]]:
    return [[f"Patient {n}", "cobra;bird-dog", "", "", "2026-11-24", "no", "1", ""]
            for n in range(count)]


@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
def test_good_rows_build_and_bad_rows_are_reported_with_line_and_column(
        tmp_path: Path, bom: bool) -> None:
    rows = good_rows(9)
    rows[2][1] = "cobra;kobra"           # line 4, column 2 (exercises)
    rows[5][5] = "maybe"                 # line 7, column 6 (large_print)
    rows[7][3] = "bird-dog=2x10,fast"    # line 9, column 4 (dose)
    source = write_csv(tmp_path / "day.csv", rows, bom=bom)
    out = tmp_path / "pdfs"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "2"])
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"sciatica-patient-{n}-2026-11-24.pdf" for n in (0, 1, 3, 4, 6, 8))
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: {source}:4:2: exercises: unknown exercise id 'kobra'; did you mean 'cobra'?",
        f"error: {source}:7:6: large_print: 'maybe': use yes/no, true/false or 1/0",
        f"error: {source}:9:4: dose: 'bird-dog=2x10,fast': cannot read 'fast'; use 2x10, 10x, "
        "hold30, 2/day, 4/week, daily, each, left, right, both or note:TEXT",
    ]
    assert "built 6, failed 3" in result.output
    pdf = ReadPdf.from_bytes((out / "sciatica-patient-3-2026-11-24.pdf").read_bytes())
    assert "For Patient 3" in pdf.pages[0]
    assert [t for level, t, _ in pdf.outline() if t[0].isdigit()] == ["1. Cobra", "2. Bird dog"]


def test_row_values_reach_the_handout(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "day.csv", [
        ["Ann Lee", "", "strength", "bird-dog=3x6", "2026-12-01", "yes", "3", "ann"]])
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    pdf = ReadPdf.from_bytes((tmp_path / "ann.pdf").read_bytes())
    assert "1 December 2026" in pdf.pages[0]
    assert "6 times, 3 sets, rest a minute between sets, each side" in pdf.text
    assert "Week 3" in pdf.text and "Week 4" not in pdf.text
    assert min(size for size, _ in pdf.font_sizes()) >= 16  # large print


def test_same_names_get_distinct_files(tmp_path: Path) -> None:
    rows = [list(row) for row in good_rows(1) * 3]
    rows[2][7] = "../../evil"
    rows.append(["Other", "", "", "", "2026-11-24", "", "", "sciatica-patient-0-2026-11-24"])
    source = write_csv(tmp_path / "day.csv", rows)
    out = tmp_path / "pdfs"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    # The same patient twice: numbered; another patient whose name gives the same file
    # name: a tag of that name.
    assert sorted(p.name for p in out.iterdir()) == [
        "evil.pdf", "sciatica-patient-0-2026-11-24-2.pdf",
        f"sciatica-patient-0-2026-11-24-{name_tag('Other')}.pdf",
        "sciatica-patient-0-2026-11-24.pdf"]


@pytest.mark.parametrize(("header", "message"), [
    (["patient", "colour"], "unknown column 'colour'"),
    (["patient", "patient"], "column 'patient' is given twice"),
    (["patient;dose;notes"], "the columns are separated by ';', not commas; save the CSV with "
                             "commas (a spreadsheet's \"CSV UTF-8\", comma-delimited)"),
    (["patient\tdate"], "the columns are separated by tabs, not commas"),
])
def test_a_bad_header_stops_before_anything_is_built(tmp_path: Path, header: list[str],
                                                     message: str) -> None:
    source = write_csv(tmp_path / "day.csv", [["Ann", "x"]], header=header)
    out = tmp_path / "pdfs"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert f"error: {source}:1: {message}" in result.output
    assert not out.exists()


def test_missing_patient_name_is_a_row_error(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "day.csv", [["", "cobra", "", "", "", "", "", ""]])
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert f"error: {source}:2:1: patient: a patient name is required" in result.output


def read(path: Path, text: str, resources: Resources) -> tuple[list[Row], list[str]]:
    """The rows read from this CSV text and its row errors as printed."""
    path.write_text(text, encoding="utf-8", newline="")
    rows, failures = read_rows(path, BuildOptions(), path.parent / "o", resources)
    return rows, [str(failure.problem) for failure in failures]


def test_lines_are_physical_lines_after_blank_lines_and_multi_line_cells(
        tmp_path: Path, resources: Resources) -> None:
    source = tmp_path / "day.csv"
    rows, errors = read(source, "\n".join([
        "patient,exercises,notes",   # 1
        "Ann,cobra,",                # 2
        "",                          # 3
        'Bob,cobra,"Walk daily.',    # 4
        "",                          # 5
        'Rest."',                    # 6
        "Cy,kobra,",                 # 7
        "",                          # 8
        '"Di",kobra,"two',           # 9
        'lines"',                    # 10
    ]) + "\n", resources)
    assert [row.line for row in rows] == [2, 4]
    unknown = "exercises: unknown exercise id 'kobra'; did you mean 'cobra'?"
    assert errors == [f"{source}:7:2: {unknown}", f"{source}:9:2: {unknown}"]



def test_an_unnamed_column_is_ignored_unless_a_row_fills_it(
        tmp_path: Path, resources: Resources) -> None:
    source = tmp_path / "day.csv"
    rows, errors = read(source, "patient,exercises,\nAnn,cobra,\nBob,cobra, \n"
                                "Cy,cobra,x\nDi,cobra,,\n", resources)
    assert [row.options.details.patient for row in rows] == ["Ann", "Bob"]
    assert errors == [f"{source}:4:3: a value under a column with no name",
                      f"{source}:5:4: this row has more cells than the header has columns"]


def test_resources_are_loaded_once_with_one_job(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[object] = []
    load = Resources.load

    def counted(cls: type[Resources], *args: object) -> Resources:
        loads.append(args)
        return load(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(Resources, "load", classmethod(counted))
    source = write_csv(tmp_path / "day.csv", good_rows(2))
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(tmp_path / "o"),
                                       "-j", "1"])
    assert result.exit_code == 0, result.output
    assert len(loads) == 1


def test_white_space_is_collapsed_in_single_line_cells_but_notes_keep_their_lines(
        tmp_path: Path, resources: Resources) -> None:
    rows, errors = read(tmp_path / "day.csv",
                        'patient,clinician,exercises,notes,output\n'
                        '"Jane\nDoe"," Dr\t\tWho ","cobra;\n bird-dog",'
                        '"Walk daily.\n\nRest.","jane\ndoe"\n', resources)
    assert errors == []
    [row] = rows
    details = row.options.details
    assert (details.patient, details.clinician) == ("Jane Doe", "Dr Who")
    assert row.options.exercises == ("cobra", "bird-dog")
    assert details.notes == "Walk daily.\n\nRest."
    assert row.output.name == "jane-doe.pdf"


def test_a_row_that_crashes_is_reported_and_the_others_still_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import batch as batch_module

    real_build = batch_module.build

    def flaky(options: BuildOptions, *args: object, **kwargs: object) -> Path:
        if options.details.patient == "Patient 1":
            raise ZeroDivisionError("a bug somewhere")
        return real_build(options, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "build", flaky)
    source = write_csv(tmp_path / "day.csv", good_rows(3))
    out = tmp_path / "pdfs"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert f"error: {source}:3: internal error (a bug, please report it): ZeroDivisionError: " \
           "a bug somewhere" in result.output
    assert "Traceback (most recent call last)" in result.output  # a bug keeps its traceback
    assert "built 2, failed 1" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "sciatica-patient-0-2026-11-24.pdf", "sciatica-patient-2-2026-11-24.pdf"]


def test_a_second_batch_never_replaces_the_first_unless_told(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "day.csv", good_rows(2))
    out = tmp_path / "pdfs"
    first = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"])
    assert first.exit_code == 0, first.output
    originals = {p.name: p.read_bytes() for p in out.iterdir()}
    for p in out.iterdir():
        p.write_bytes(b"%PDF- the first batch's " + p.name.encode())
    second = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"])
    assert second.exit_code == 0, second.output
    assert "sciatica-patient-0-2026-11-24.pdf exists; wrote sciatica-patient-0-2026-11-24-" \
        in second.output
    assert len(list(out.iterdir())) == 4
    for name in originals:
        assert (out / name).read_bytes().startswith(b"%PDF- the first batch's")
    third = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1",
                                      "--overwrite"])
    assert third.exit_code == 0, third.output
    assert len(list(out.iterdir())) == 4
    for name, data in originals.items():
        assert (out / name).read_bytes() == data  # replaced, as asked


def test_two_batches_at_once_into_one_folder_lose_nothing(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "day.csv", good_rows(6))
    out = tmp_path / "pdfs"
    command = [sys.executable, "-c", "from generator.cli import main; main()", "batch",
               str(source), "-o", str(out), "-j", "1"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert all("built 6, failed 0" in output for output in outputs)
    pdfs = list(out.glob("*.pdf"))
    assert len(pdfs) == 12  # every handout each batch reported is there
    assert not list(out.glob(".*.part"))


PRESET_FILE = ("name: Mine\ndescription: Mine.\nexercises: [cobra]\n"
               "notes: {notes}\n")


def test_a_csv_names_a_preset_of_the_pack_or_a_file_in_its_own_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    (shared / "sub").mkdir(parents=True)
    (shared / "mine.yaml").write_text(PRESET_FILE.format(notes="FROM-THE-CSV-FOLDER"))
    (shared / "sub" / "deep.yaml").write_text(PRESET_FILE.format(notes="FROM-A-SUBFOLDER"))
    outside = tmp_path / "outside.yaml"
    outside.write_text(PRESET_FILE.format(notes="LEAKED-FROM-OUTSIDE"))
    (shared / "link.yaml").symlink_to(outside)
    header = ["patient", "preset", "date"]
    tried = ["../outside.yaml", str(outside), "link.yaml", "sub/../../outside.yaml",
             "a" * 300, "a" * 300 + ".yaml", "missing.yaml", "gentle"]
    rows = [["Ann", "mine.yaml", "2026-11-24"], ["Bob", "sub/deep.yaml", "2026-11-24"],
            ["Cy", str(shared / "mine.yaml"), "2026-11-24"], ["Di", "strength", "2026-11-24"]]
    rows += [[f"Row {n}", value, "2026-11-24"] for n, value in enumerate(tried)]
    source = write_csv(shared / "day.csv", rows, header=header)
    monkeypatch.chdir(tmp_path)  # a file is looked for in the CSV's folder, not here
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert f"built 4, failed {len(tried)}" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == len(tried)
    for line, error in enumerate(errors, start=6):
        assert error.startswith(f"error: {source}:{line}:2: preset: ")
    outside_folder = f"a preset file must be in the CSV's folder ({shared})"
    assert all(outside_folder in error for error in errors[:4])
    assert errors[4].endswith("preset: unknown preset '" + "a" * 59 + "…'; valid presets: "
                              "full, gentle-start, strength or a YAML file in the CSV's folder")
    assert errors[5].endswith("preset: '" + "a" * 59 + "…': cannot read it (File name too long)")
    assert errors[6].endswith(f"'missing.yaml': no such file in the CSV's folder ({shared})")
    assert errors[7].endswith("unknown preset 'gentle'; valid presets: full, gentle-start, "
                              "strength or a YAML file in the CSV's folder")
    texts = {pdf.name: ReadPdf.from_bytes(pdf.read_bytes()).text for pdf in out.iterdir()}
    assert len(texts) == 4
    assert "FROM-THE-CSV-FOLDER" in texts["sciatica-ann-2026-11-24.pdf"]
    assert "FROM-A-SUBFOLDER" in texts["sciatica-bob-2026-11-24.pdf"]
    assert "FROM-THE-CSV-FOLDER" in texts["sciatica-cy-2026-11-24.pdf"]
    assert not any("LEAKED" in text for text in texts.values())


def test_a_csv_date_is_yyyy_mm_dd_only(tmp_path: Path) -> None:
    rows = [["Ann", "", "", "", date, "no", "1", ""] for date in ("20261124", "2026-W48-2")]
    source = write_csv(tmp_path / "day.csv", rows)
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(tmp_path / "o"), "-j", "1"])
    assert result.exit_code == 1, result.output
    assert f"error: {source}:2:5: date: '20261124' is not a date in the form YYYY-MM-DD" \
        in result.output
    assert f"error: {source}:3:5: date: '2026-W48-2' is not a date in the form YYYY-MM-DD" \
        in result.output


def test_one_load_per_translation_however_its_code_is_written(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.batch import ResourcesByLanguage, rows_from_text
    from generator.resources import default_pack

    loads: list[object] = []
    load = Resources.load

    def counted(cls: type[Resources], *args: object) -> Resources:
        loads.append(args[-1])
        return load(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(Resources, "load", classmethod(counted))
    languages = ResourcesByLanguage(default_pack(), None)
    codes = ["sv", "sv-SE", "SV-aa", "sv-AB", "Sv-fi", "en", "en-US", "EN-zz", "fi", "fi-FI"]
    text = "patient,language\n" + "".join(f"P{n},{code}\n" for n, code in enumerate(codes))
    rows, failures = rows_from_text(text, Path("day.csv"), BuildOptions(), Path("out"),
                                    languages)
    assert [row.options.language for row in rows] == codes[:-2]
    assert [failure.line for failure in failures] == [10, 11]  # the pack has no Finnish
    assert [failure.problem.message for failure in failures if failure.problem] == [
        "the pack 'sciatica' has no text in 'fi'; its languages: en, sv",
        "the pack 'sciatica' has no text in 'fi-FI'; its languages: en, sv"]
    # The base for the CSV's default, then one load for sv and one for en, whatever the
    # region or case: a server never keeps a load per code (sv-AA, sv-AB, ...).
    assert loads == [None, "sv", "en", "fi", "fi-FI"]
    assert rows[2].options.language == "SV-aa"
    assert languages.get("sv-ZZ").pack.language == "sv-SE"


def test_a_csv_saved_as_utf16_without_a_bom_says_so(tmp_path: Path) -> None:
    source = tmp_path / "day.csv"
    source.write_bytes("patient,date\nAnn,2026-11-24\n".encode("utf-16-le"))
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.strip() == (f"error: {source}:1: the header holds NUL characters: "
                                     "the file is saved as UTF-16, not UTF-8; save the CSV "
                                     "as UTF-8")


def test_an_output_name_windows_keeps_for_a_device_is_not_used(tmp_path: Path) -> None:
    rows = [[f"P{n}", "cobra", "", "", "2026-11-24", "no", "1", name]
            for n, name in enumerate(["con.pdf", "NUL", "Com1.pdf", "lpt¹", "aux.txt", "console"])]
    source = write_csv(tmp_path / "day.csv", rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(source), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == [
        "aux-handout.pdf", "com1-handout.pdf", "con-handout.pdf", "console.pdf",
        "lpt1-handout.pdf", "nul-handout.pdf"]
