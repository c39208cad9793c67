"""The ``handout`` process (generator/entry.py): no garbage collector and no teardown, yet
the same PDF bytes, the same printed output and the same exit codes as a library build."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import BuildOptions, Resources, render_handout
from generator.prescription import PatientDetails

ROOT = Path(__file__).resolve().parent.parent
TAILORED = ["--patient", "Åsa Øberg", "--clinician", "Dr Ng", "-e", "cobra", "-e", "bird-dog",
            "--dose", "bird-dog=2x10", "--weeks", "3", "--large-print"]


def handout(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("tailored", [False, True], ids=["default", "tailored"])
def test_a_process_writes_the_library_s_bytes(tmp_path: Path, resources: Resources,
                                              tailored: bool) -> None:
    options = BuildOptions(date=dt.date(2026, 11, 24))
    if tailored:
        options = BuildOptions(date=options.date, exercises=("cobra", "bird-dog"),
                               doses=("bird-dog=2x10",), weeks=3, large_print=True,
                               details=PatientDetails(patient="Åsa Øberg", clinician="Dr Ng"))
    expected = render_handout(options, resources)
    for run in ("first", "cached"):
        output = tmp_path / f"{run}.pdf"
        result = handout("build", "--date", "2026-11-24", "-o", str(output),
                         *(TAILORED if tailored else []), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"{output}\n"  # flushed before the quick exit
        assert output.read_bytes() == expected
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cached.pdf", "first.pdf"]


def test_a_user_error_still_exits_1_with_its_message(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file", encoding="utf-8")
    result = handout("build", "-o", str(tmp_path / "taken" / "x.pdf"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "is a file, not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_usage_error_still_exits_2(tmp_path: Path) -> None:
    result = handout("build", "--weeks", "many", cwd=tmp_path)
    assert result.returncode == 2
    assert "Invalid value for '--weeks'" in result.stderr


def test_help_exits_0_with_the_commands(tmp_path: Path) -> None:
    result = handout("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "batch" in result.stdout and "build" in result.stdout


def test_only_short_commands_run_without_the_collector(tmp_path: Path) -> None:
    probe = ("import gc, sys; from generator import entry, cli\n"
             "cli.main = lambda: print(gc.isenabled()) or sys.exit(0)\n"
             "sys.argv = ['handout', sys.argv[1]]; entry.run()")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    seen = {command: subprocess.run([sys.executable, "-c", probe, command], env=environment,
                                    capture_output=True, text=True, timeout=60).stdout.strip()
            for command in ("build", "sections", "validate", "batch", "serve")}
    assert seen == {"build": "False", "sections": "False", "validate": "False",
                    "batch": "True", "serve": "True"}


def test_a_build_imports_no_network_stack(tmp_path: Path) -> None:
    network = ["http.client", "urllib.request", "ssl", "smtplib", "ftplib"]
    probe = ("import sys; from generator.cli import main\n"
             "main(['build', '-o', sys.argv[1]], standalone_mode=False)\n"
             f"print([name for name in {network!r} if name in sys.modules])")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "h.pdf")],
                            env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
    assert (tmp_path / "h.pdf").stat().st_size > 10_000


def _as_script(code: str, columns: str | None, *extra: str) -> subprocess.CompletedProcess[str]:
    """``code`` run as the ``handout`` script is (its own ``__main__``, argv[0] ``handout``)."""
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    environment.pop("COLUMNS", None)
    if columns is not None:
        environment["COLUMNS"] = columns
    return subprocess.run([sys.executable, *extra, "-c", code], env=environment,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("option", ["--help", "-h"])
@pytest.mark.parametrize("columns", [None, "80", "60", "101", "102", "160", "x"])
def test_help_prints_exactly_what_click_prints(option: str, columns: str | None) -> None:
    argv = f"import sys; sys.argv = ['handout', {option!r}]\n"
    ours = _as_script(argv + "from generator.entry import run; run()", columns)
    clicks = _as_script(argv + "from generator.cli import main; main()", columns)
    assert (ours.returncode, ours.stdout, ours.stderr) == (0, clicks.stdout, "")
    assert clicks.returncode == 0 and "Commands:" in clicks.stdout


@pytest.mark.parametrize("columns", [None, "80", "120"])
def test_help_at_a_stored_width_does_not_import_click(columns: str | None) -> None:
    from generator.entry import TOP_HELP

    result = _as_script("import sys; sys.argv = ['handout', '--help']\n"
                        "from generator.entry import run; run()", columns, "-X", "importtime")
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert result.returncode == 0 and "generator.entry" in imported
    assert "click" not in imported
    assert result.stdout in TOP_HELP.values()


def test_help_under_another_program_name_is_click_s() -> None:
    # ``python -m generator --help`` says so in its usage line: Click prints it
    result = handout("--help", cwd=ROOT)
    assert result.returncode == 0 and result.stdout.startswith("Usage: python -m generator ")


def _closed_stdout() -> None:
    os.close(1)  # as `handout ... >&-`: Python starts with sys.stdout None


def test_help_with_stdout_closed_exits_0_without_a_traceback() -> None:
    code = ("import sys; sys.argv = ['handout', '--help']\n"
            "from generator.entry import run; run()")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", code], env=environment, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60,
                            preexec_fn=_closed_stdout)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("taken", [False, True], ids=["built", "user-error"])
def test_a_build_with_stdout_closed_keeps_its_exit_code(tmp_path: Path, taken: bool) -> None:
    output = tmp_path / "taken" / "x.pdf" if taken else tmp_path / "x.pdf"
    if taken:
        (tmp_path / "taken").write_text("a file", encoding="utf-8")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-m", "generator", "build", "-o", str(output)],
                            cwd=tmp_path, env=environment, text=True, timeout=120,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_closed_stdout)
    assert "Traceback" not in result.stderr
    assert result.returncode == (1 if taken else 0), result.stderr
    assert output.is_file() != taken


def test_help_under_shell_completion_is_click_s() -> None:
    code = ("import sys; sys.argv = ['handout', '--help']\n"
            "from generator.entry import run; run()")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "_HANDOUT_COMPLETE": "bash_source"}
    result = subprocess.run([sys.executable, "-c", code], env=environment, text=True,
                            capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "_handout_completion()" in result.stdout and "Commands:" not in result.stdout
