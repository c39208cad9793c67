"""Batch workers: forked workers that inherit the parent's resources, and workers that load
their own, build the same bytes as one process, in row order, with failures at their rows."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import batch
from generator.batch import read_rows, run_batch
from generator.build import BuildOptions, Resources


def day_rows(tmp_path: Path, resources: Resources, out: Path) -> list[batch.Row]:
    source = tmp_path / "day.csv"
    with source.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["patient", "exercises", "date", "large_print", "weeks"])
        writer.writerows([[f"Patient {n}", ["cobra;bird-dog", "clamshell", ""][n % 3],
                           "2026-11-24", "yes" if n == 4 else "no", str(n % 3)]
                          for n in range(6)])
    rows, failures = read_rows(source, BuildOptions(), out, resources)
    assert failures == [] and len(rows) == 6
    return rows


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "loading-their-own"])
def test_workers_build_what_one_process_builds(tmp_path: Path, resources: Resources,
                                               monkeypatch: pytest.MonkeyPatch,
                                               fork: bool) -> None:
    alone = list(run_batch(day_rows(tmp_path, resources, tmp_path / "one"), resources, jobs=1))
    monkeypatch.setattr(batch, "_can_fork", lambda: fork)
    rows = day_rows(tmp_path, resources, tmp_path / "two")
    together = list(run_batch(rows, resources, jobs=2))
    assert sorted(outcome.line for outcome in together) == [row.line for row in rows]
    assert all(outcome.problem is None for outcome in together + alone)
    assert {outcome.output.name for outcome in together if outcome.output} == \
        {outcome.output.name for outcome in alone if outcome.output}
    for row in rows:
        assert row.output.read_bytes() == (tmp_path / "one" / row.output.name).read_bytes()
    assert batch._worker_rows == () and batch._worker_resources is None


def test_a_row_failing_in_a_forked_worker_is_reported_at_its_line(
        tmp_path: Path, resources: Resources, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "_can_fork", lambda: True)
    rows = day_rows(tmp_path, resources, tmp_path / "out")
    rows[3].output.mkdir(parents=True)  # a folder where the PDF should go
    outcomes = list(run_batch(rows, resources, jobs=2))
    failed = [outcome for outcome in outcomes if outcome.problem is not None]
    assert [outcome.line for outcome in failed] == [rows[3].line]
    assert failed[0].problem.path == rows[3].source
    assert sum(1 for row in rows if row.output.is_file()) == 5


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_the_whole_group_leaves_rows_not_run_never_failed(tmp_path: Path,
                                                                       number: int) -> None:
    """A service manager's SIGTERM, or Ctrl-C, reaches the workers too: the rows they
    did not finish are listed as not run, not as failures."""
    rows = "".join(f"Patient {n},2026-11-24\n" for n in range(60))
    (tmp_path / "day.csv").write_text("patient,date\n" + rows, encoding="utf-8")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-c", "from generator.entry import run; run()", "batch",
         str(tmp_path / "day.csv"), "-o", str(out), "-j", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.pdf"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, number)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 128 + number, output
    found = re.search(r"built (\d+), failed (\d+), not run (\d+)", output)
    assert found, output
    built, failed, not_run = map(int, found.groups())
    assert failed == 0 and built + not_run == 60, output
    assert len(list(out.glob("*.pdf"))) == built
    assert not list(out.glob(".*"))  # no partial file left
