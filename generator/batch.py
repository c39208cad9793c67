"""Batch printing: one handout per row of a CSV file, in parallel, a bad row never stopping the rest.

Rows are read and checked first (a fraction of a millisecond each); every good row is built
(by ``jobs`` worker processes that share the pack, templates, fonts and figures); bad rows
are reported with their line and column. Output names are made unique within the run, so
nothing is overwritten silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .build import BuildOptions, Resources, build, prescribe
from .errors import Problem, UserError
from .fonts import register_fonts
from .limits import MAX_WEEKS
from .naming import default_output, slug
from .prescription import PatientDetails
from .text_check import check_printable

REQUIRED = ("patient",)
OPTIONAL = ("exercises", "preset", "dose", "clinician", "clinic", "contact", "notes", "date",
            "review_date", "page_size", "large_print", "weeks", "output")
_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n", ""}


@dataclass(frozen=True)
class Row:
    """One CSV row made into build options, with where it came from."""

    source: Path
    line: int
    options: BuildOptions
    output: Path


@dataclass(frozen=True)
class Outcome:
    """A row's result: built (no problem) or the problem that stopped it."""

    line: int
    problem: Problem | None


def read_rows(path: Path, base: BuildOptions, out_dir: Path, resources: Resources,
              ) -> tuple[list[Row], list[Outcome]]:
    """The good rows as build options and a failed outcome for each bad row.

    Each row's choices (exercises, preset, doses, text) are checked against the pack here,
    before anything is built. An unknown, repeated or missing column is a UserError before
    any row. Lines are physical lines of the file (a blank line counts; a record with a
    multi-line cell is at its first line).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often add a BOM
    except FileNotFoundError:
        raise UserError("CSV file not found", path=path) from None
    except UnicodeDecodeError as error:
        raise UserError(f"not UTF-8 text (byte {error.start}); save the CSV as UTF-8",
                        path=path) from None
    except OSError as error:
        raise UserError(f"cannot read: {error.strerror}", path=path) from None
    rows: list[Row] = []
    failures: list[Outcome] = []
    used: set[Path] = set()
    records = _records(text, path)
    header_line, header = next(records, (1, []))
    columns = _columns(header, path, header_line)
    for line, cells in records:
        try:
            cell = _cells(columns, cells)
            options = _options(cell, base)
            check_row(options, resources)
            output = _unique(out_dir / _file_name(cell, options, resources.pack.id), used)
            rows.append(Row(path, line, options, output))
        except _CellError as error:
            failures.append(Outcome(line, Problem(
                error.message, path, line, error.number or columns.index(error.column) + 1,
                error.column or None)))
        except UserError as error:
            problem = error.problems[0]
            column = _COLUMN_OF_OPTION.get(problem.field or "", "")
            failures.append(Outcome(line, Problem(
                problem.message, path, line,
                columns.index(column) + 1 if column in columns else None,
                column or problem.field)))
    return rows, failures


def _records(text: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank CSV record with the physical line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        while True:
            line = reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                return
            if cells:  # a blank line is []
                yield line, cells
    except csv.Error as error:
        raise UserError(f"CSV syntax: {error}", path=path, line=reader.line_num) from None


def _columns(header: list[str], path: Path, line: int) -> list[str]:
    """The header's column names; '' for an unnamed (blank) one, which is ignored."""
    columns = [name.strip() for name in header]
    named = [name for name in columns if name]
    unknown = [name for name in named if name not in REQUIRED + OPTIONAL]
    if unknown:
        raise UserError(f"unknown column{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(map(repr, unknown))}; the columns are: "
                        f"{', '.join(REQUIRED + OPTIONAL)}", path=path, line=line)
    twice = list(dict.fromkeys(name for n, name in enumerate(named) if name in named[:n]))
    if twice:
        raise UserError(f"column{'s' if len(twice) > 1 else ''} {', '.join(map(repr, twice))} "
                        f"{'are' if len(twice) > 1 else 'is'} given twice", path=path, line=line)
    if "patient" not in columns:
        raise UserError("the column 'patient' is required", path=path, line=line)
    return columns


_COLUMN_OF_OPTION = {"--exercise": "exercises", "--exclude": "exercises", "--dose": "dose",
                     "--preset": "preset", "--patient": "patient", "--clinician": "clinician",
                     "--clinic": "clinic", "--contact": "contact", "--notes": "notes"}


def check_row(options: BuildOptions, resources: Resources) -> None:
    """Everything about a row that can be wrong, short of laying it out."""
    prescription = prescribe(resources.pack, options)
    check_printable(prescription, register_fonts(options.font or resources.pack.font),
                    resources.pack if options.font else None)


class _CellError(Exception):
    """A bad cell: its column's name, or (for a cell with no column name) its number."""

    def __init__(self, column: str, message: str, number: int | None = None) -> None:
        super().__init__(message)
        self.column, self.message, self.number = column, message, number


def _cells(columns: list[str], cells: list[str]) -> dict[str, str]:
    """A record's cells by column name, trimmed; white space collapsed except in notes."""
    if len(cells) > len(columns):
        raise _CellError("", "this row has more cells than the header has columns",
                         len(columns) + 1)
    cell: dict[str, str] = {}
    for number, (name, value) in enumerate(zip(columns, cells), start=1):
        if not name:
            if value.strip():
                raise _CellError("", "a value under a column with no name", number)
        else:
            cell[name] = value.strip() if name == "notes" else " ".join(value.split())
    return cell


def _options(cell: dict[str, str], base: BuildOptions) -> BuildOptions:
    if not cell.get("patient"):
        raise _CellError("patient", "a patient name is required")

    def parsed(column: str, parse: Callable[[str], object]) -> object:
        value = cell.get(column, "")
        if not value:
            return None
        try:
            return parse(value)
        except ValueError as error:
            raise _CellError(column, str(error)) from None

    large = cell.get("large_print", "").lower()
    if large not in _TRUE | _FALSE:
        raise _CellError("large_print", f"{large!r}: use yes/no, true/false or 1/0")
    page_size = cell.get("page_size", "").lower() or base.page_size
    if page_size not in {"a4", "letter"}:
        raise _CellError("page_size", f"{page_size!r}: use a4 or letter")
    weeks = parsed("weeks", _weeks)
    return replace(
        base,
        preset=cell.get("preset") or base.preset,
        exercises=_split(cell.get("exercises", "")) or base.exercises,
        doses=_split(cell.get("dose", "")) or base.doses,
        weeks=weeks if weeks is not None else base.weeks,  # type: ignore[arg-type]
        details=PatientDetails(
            patient=cell["patient"], clinician=cell.get("clinician") or base.details.clinician,
            clinic=cell.get("clinic") or base.details.clinic,
            contact=cell.get("contact") or base.details.contact,
            notes=cell.get("notes") or None, logo=base.details.logo),
        date=parsed("date", _date) or base.date,  # type: ignore[arg-type]
        review_date=parsed("review_date", _date),  # type: ignore[arg-type]
        page_size=page_size,  # type: ignore[arg-type]
        large_print=large in _TRUE or base.large_print,
    )


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


def _weeks(value: str) -> int:
    if not value.isdigit() or not 0 <= int(value) <= MAX_WEEKS:
        raise ValueError(f"{value!r}: use a whole number from 0 to {MAX_WEEKS}")
    return int(value)


def _file_name(cell: dict[str, str], options: BuildOptions, pack_id: str) -> str:
    name = cell.get("output", "")
    if not name:
        return default_output(options, pack_id).name
    stem = slug(Path(name).stem) or "handout"  # never a path separator or a leading dot
    return f"{stem}.pdf"


def _unique(path: Path, used: set[Path]) -> Path:
    candidate, number = path, 2
    while candidate in used:
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    used.add(candidate)
    return candidate


# What a worker builds with: inherited from the parent where processes fork, else loaded
# once by each worker (spawned processes inherit nothing).
_worker_resources: Resources | None = None
_worker_rows: Sequence[Row] = ()


def _start_worker(data_dir: Path, templates_dir: Path | None) -> None:
    global _worker_resources  # noqa: PLW0603 - one per worker process, by design
    _worker_resources = Resources.load(data_dir, templates_dir)


def _build_row(row: Row, resources: Resources | None = None) -> Outcome:
    try:
        build(row.options, row.output, resources or _worker_resources)
    except UserError as error:
        # Placed at its row; the file it is about (a logo, the output) stays in the message.
        problem = error.problems[0]
        about = f" ({problem.path})" if problem.path else ""
        return Outcome(row.line, replace(problem, path=row.source, line=row.line,
                                         column=None, message=problem.message + about))
    return Outcome(row.line, None)


def _build_inherited_row(index: int) -> Outcome:
    return _build_row(_worker_rows[index])


def run_batch(rows: Sequence[Row], resources: Resources, data_dir: Path,
              templates_dir: Path | None, jobs: int) -> Iterator[Outcome]:
    """Build every row; outcomes come in row order, as they finish.

    With one job the rows are built here with ``resources``. Otherwise, where processes
    fork (Linux, the BSDs), the first row is built here, so the templates are compiled, the
    figures drawn and the fonts read, and ``jobs`` forked workers inherit all of that with
    the rows: each is sent only a row's number. Where they cannot fork (Windows, and macOS,
    where forking is unsafe), each worker loads its own resources from ``data_dir`` and
    ``templates_dir`` and is sent whole rows. One batch at a time per process (the forked
    workers find the rows in this module).
    """
    if jobs <= 1 or len(rows) <= 1:
        yield from (_build_row(row, resources) for row in rows)
        return
    if _can_fork():
        yield from _run_forked(rows, resources, jobs)
        return
    chunk = max(1, min(16, len(rows) // (jobs * 4) or 1))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker,
                             initargs=(data_dir, templates_dir)) as pool:
        yield from pool.map(_build_row, rows, chunksize=chunk)


def _can_fork() -> bool:
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def _run_forked(rows: Sequence[Row], resources: Resources, jobs: int) -> Iterator[Outcome]:
    global _worker_resources, _worker_rows  # noqa: PLW0603 - handed to the forked workers
    yield _build_row(rows[0], resources)  # warms every cache the workers then inherit
    _worker_resources, _worker_rows = resources, rows
    # Objects made so far live as long as the batch: frozen, the workers' collector never
    # touches them, so their memory stays shared with this process instead of being copied.
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=jobs,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            # One row at a time: sending a number is cheap, and no worker sits idle at the end
            # while another finishes a long chunk.
            yield from pool.map(_build_inherited_row, range(1, len(rows)))
    finally:
        gc.unfreeze()
        _worker_resources, _worker_rows = None, ()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
