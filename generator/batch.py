"""Batch printing: one handout per row of a CSV file, in parallel, a bad row never stopping the rest.

Rows are read and checked first; every good row is built (by ``jobs`` worker processes
that share the pack, templates, fonts and figures: forked from this one where the platform
forks, else each loading them once); bad rows are reported with their line and column, and
a row that crashes (a bug) is reported with its traceback while the others still build.
Output names are unique within the run, and an existing file is never replaced unless
asked (``overwrite``): a taken name gives the next free one, even when another batch writes
into the same folder at the same time.

SIGINT or SIGTERM stops the run cleanly: no new row starts, the rows being built finish
(within a second or so; no partial file is ever left), the workers exit, and the outcomes
tell exactly which rows were written and which did not run.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from types import FrameType

from .build import BuildOptions, Resources, build, language_of
from .errors import Problem, UserError, shown
from .files import is_inside, read_bytes
from .languages import LANGUAGE_CODE, has_translation, language_code, primary
from .limits import MAX_CSV_BYTES, MAX_CSV_ROWS, MAX_WEEKS
from .loading import preset_names
from .naming import alternatives, default_output, fitted_name, slug
from .prescription import PatientDetails, Prescription, read_date
from .rules import repeated
from .writing import check_output

REQUIRED = ("patient",)
OPTIONAL = ("exercises", "preset", "dose", "clinician", "clinic", "contact", "notes", "date",
            "review_date", "page_size", "large_print", "weeks", "output", "language", "omit",
            "brief")
_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n", ""}


class ResourcesByLanguage:
    """The pack and templates loaded once per language that rows ask for."""

    def __init__(self, data_dir: Path, templates_dir: Path | None,
                 first: Resources | None = None, first_language: str | None = None) -> None:
        """``first``: resources already loaded, in ``first_language``."""
        self.data_dir, self.templates_dir = data_dir, templates_dir
        self._loaded: dict[str | None, Resources] = (
            {self._key(first_language): first} if first else {})

    def get(self, language: str | None) -> Resources:
        """The resources in ``language`` (None: the pack's own); a UserError if the pack
        lacks it or its translation has problems."""
        key = self._key(language)
        if key not in self._loaded:
            self._loaded[key] = Resources.load(self.data_dir, self.templates_dir, language)
        return self._loaded[key]

    def _key(self, language: str | None) -> str | None:
        """What the resources in ``language`` are loaded from: its translation's folder
        name, else its language without the region. A long-running server keeps one load
        per folder, not one per way of writing a code (sv-FI, SV-fi, sv-AA... all print the
        sv folder); a code the pack lacks is refused by the load and never kept."""
        if language is None:
            return None
        code = language_code(language)
        if not LANGUAGE_CODE.match(code):
            return language
        for folder in (code, primary(code)):
            if has_translation(self.data_dir / folder):
                return folder
        return primary(code)


def _by_language(resources: Resources | ResourcesByLanguage,
                 language: str | None = None) -> ResourcesByLanguage:
    """``resources`` as a per-language set, the given ones kept for ``language``."""
    if isinstance(resources, ResourcesByLanguage):
        return resources
    return ResourcesByLanguage(resources.pack_dir, resources.templates_dir, resources, language)


@dataclass(frozen=True)
class Row:
    """One CSV row made into build options, with where it came from."""

    source: Path
    line: int
    options: BuildOptions
    output: Path


@dataclass(frozen=True)
class Outcome:
    """A row's result: built (no problem; ``output`` is the file written, ``note`` says
    if it is not the planned name) or the problem that stopped it (with the traceback
    when it was a bug)."""

    line: int
    problem: Problem | None
    output: Path | None = None
    note: str | None = None
    traceback: str | None = None


@dataclass(frozen=True)
class Report:
    """What a batch did: rows built (with notes on renamed files), rows failed (in line
    order), and, if it was interrupted, by which signal and which rows did not run."""

    built: int
    notes: tuple[str, ...]
    failures: tuple[Outcome, ...]
    interrupted: Interrupted | None = None
    not_run: tuple[int, ...] = ()


def collect(outcomes: Iterable[Outcome], rows: Sequence[Row], failures: Sequence[Outcome],
            ) -> Report:
    """Gather the outcomes of :func:`run_batch` (and the rows that failed before it)."""
    done: set[int] = set()
    built, notes, failed = 0, [], list(failures)
    interrupted = None
    try:
        for outcome in outcomes:
            done.add(outcome.line)
            if outcome.problem is None:
                built += 1
                if outcome.note:
                    notes.append(f"note: line {outcome.line}: {outcome.note}")
            else:
                failed.append(outcome)
    except Interrupted as stop:
        interrupted = stop
    except KeyboardInterrupt:  # before the batch's own handler was in place
        interrupted = Interrupted(signal.SIGINT)
    not_run = tuple(row.line for row in rows if row.line not in done) if interrupted else ()
    return Report(built, tuple(notes), tuple(sorted(failed, key=lambda o: o.line)),
                  interrupted, not_run)


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` here, while the pack is loaded and the
    rows are read and checked (before :func:`run_batch` sets its own handlers): Ctrl-C was
    Click's "Aborted!" with exit 1 (a failed row's status), SIGTERM a silent kill."""
    if threading.current_thread() is not threading.main_thread():
        yield  # a web handler's thread: signals belong to the main thread
        return

    def interrupt(signal_number: int, frame: FrameType | None) -> None:
        raise Interrupted(signal_number)

    previous = {number: signal.signal(number, interrupt)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived during a batch (a BaseException: never a row's failure)."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal.Signals(signal_number).name)
        self.signal_number = signal_number


def read_rows(path: Path, base: BuildOptions, out_dir: Path,
              resources: Resources | ResourcesByLanguage,
              ) -> tuple[list[Row], list[Outcome]]:
    """The good rows as build options and a failed outcome for each bad row.

    Each row's choices (exercises, preset, doses, text) are checked against the pack here,
    before anything is built. An unknown, repeated or missing column is a UserError before
    any row. Lines are physical lines of the file (a blank line counts; a record with a
    multi-line cell is at its first line).
    """
    try:
        # Spreadsheets often add a BOM.
        text = read_bytes(path, MAX_CSV_BYTES, "CSV file").decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(f"not UTF-8 text (byte {error.start}); save the CSV as UTF-8",
                        path=path) from None
    return rows_from_text(text, path, base, out_dir, resources,
                          preset_folder=path.parent.absolute())


def rows_from_text(text: str, path: Path, base: BuildOptions, out_dir: Path | None,
                   resources: Resources | ResourcesByLanguage, preset_folder: Path | None = None,
                   max_rows: int = MAX_CSV_ROWS) -> tuple[list[Row], list[Outcome]]:
    """:func:`read_rows` for a CSV already in memory (an upload); ``path`` only names it.

    A CSV is shared content: its ``preset`` cells name the pack's presets, or YAML files in
    ``preset_folder`` (the CSV's own folder); with None (an upload) names only. With no
    ``out_dir`` the handouts stay in memory: each row's output is a bare file name, and no
    folder on disk is looked at. Beyond ``max_rows`` rows, a UserError before any more is
    checked.
    """
    by_language = _by_language(resources, base.language)
    presets = preset_names(by_language.data_dir)
    inputs, folders = by_language.get(base.language).inputs(base)
    rows: list[Row] = []
    failures: list[Outcome] = []
    used: dict[Path, str | None] = {}
    records = _records(text, path)
    header_line, header = next(records, (1, []))
    columns = _columns(header, path, header_line)
    for count, (line, cells) in enumerate(records, start=1):
        if count > max_rows:
            raise UserError(f"more than {max_rows:,} rows; split the file", path=path,
                            line=line)
        try:
            cell = _cells(columns, cells)
            if cell.get("preset"):
                cell["preset"] = _preset_cell(cell["preset"], presets, preset_folder)
            options = _options(cell, base)
            options = replace(options, language=language_of(options, by_language.data_dir))
            row_resources = by_language.get(options.language)
            prescription = check_row(options, row_resources)
            planned = Path(out_dir or "", _file_name(cell, prescription, row_resources.pack.id))
            output = _unique(planned, used, prescription.details.patient)
            if out_dir is not None:
                check_output(output, [*inputs, path], folders)
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
        except Exception as error:  # a bug: this row fails with its traceback, not the run
            failures.append(crashed(line, path, error))
    return rows, failures


def crashed(line: int, source: Path, error: Exception) -> Outcome:
    """A row that failed with a bug: its failure at its line, with the traceback."""
    return Outcome(line, Problem(f"internal error (a bug, please report it): "
                                 f"{type(error).__name__}: {error}", source, line),
                   traceback="".join(traceback.format_exception(error)))


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
    if any("\x00" in name for name in unknown):
        raise UserError("the header holds NUL characters: the file is saved as UTF-16, "
                        "not UTF-8; save the CSV as UTF-8", path=path, line=line)
    for separator in (";", "\t"):
        if any(set(name.split(separator)) & {*REQUIRED, *OPTIONAL} for name in unknown
               if separator in name):
            named_separator = "';'" if separator == ";" else "tabs"
            raise UserError(f"the columns are separated by {named_separator}, not commas; "
                            "save the CSV with commas (a spreadsheet's \"CSV UTF-8\", comma-"
                            "delimited)", path=path, line=line)
    if unknown:
        raise UserError(f"unknown column{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(map(repr, unknown))}; the columns are: "
                        f"{', '.join(REQUIRED + OPTIONAL)}", path=path, line=line)
    twice = repeated(named)
    if twice:
        raise UserError(f"column{'s' if len(twice) > 1 else ''} {', '.join(map(repr, twice))} "
                        f"{'are' if len(twice) > 1 else 'is'} given twice", path=path, line=line)
    if "patient" not in columns:
        raise UserError("the column 'patient' is required", path=path, line=line)
    return columns


_COLUMN_OF_OPTION = {"--exercise": "exercises", "--exclude": "exercises", "--dose": "dose",
                     "--preset": "preset", "--patient": "patient", "--clinician": "clinician",
                     "--clinic": "clinic", "--contact": "contact", "--notes": "notes",
                     "--lang": "language", "--omit": "omit",
                     "--review-date": "review_date"}


def check_row(options: BuildOptions, resources: Resources) -> Prescription:
    """Everything about a row that can be wrong, short of laying it out."""
    prescription = resources.prescribe(options)
    resources.check_printable(prescription, options)
    return prescription


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
        raise _CellError("large_print", f"{shown(large)}: use yes/no, true/false or 1/0")
    page_size = cell.get("page_size", "").lower() or base.page_size
    if page_size not in {"a4", "letter"}:
        raise _CellError("page_size", f"{shown(page_size)}: use a4 or letter")
    weeks = parsed("weeks", _weeks)
    brief = cell.get("brief", "").lower()
    if brief not in _TRUE | _FALSE:
        raise _CellError("brief", f"{shown(brief)}: use yes/no, true/false or 1/0")
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
        language=cell.get("language") or base.language,
        omit=_split(cell.get("omit", "")) or base.omit,
        brief=brief in _TRUE or base.brief,
    )


def _preset_cell(value: str, names: Sequence[str], folder: Path | None) -> str:
    """A row's preset: one of the pack's ``names``, or a YAML file in ``folder`` (no
    ``..``, no path or symbolic link out of it), as a path; anything else is the cell's error."""
    if value in names:
        return value
    candidate = PurePath(value)
    if folder is None or not (candidate.suffix in {".yaml", ".yml"} or len(candidate.parts) > 1):
        files = " or a YAML file in the CSV's folder" if folder is not None else ""
        raise _CellError("preset", f"unknown preset {shown(value)}; valid presets: "
                                   f"{', '.join(names) or 'none'}{files}")
    path = Path(folder, candidate)  # an absolute path stays itself
    try:
        inside = ".." not in candidate.parts and is_inside(path, folder)
        found = inside and path.is_file()
    except OSError as error:  # a name too long, a loop of links
        raise _CellError("preset", f"{shown(value)}: cannot read it ({error.strerror})") from None
    if not inside:
        raise _CellError("preset", f"{shown(value)}: a preset file must be in the CSV's folder "
                                   f"({folder}); a CSV never names a file outside it")
    if not found:
        raise _CellError("preset", f"{shown(value)}: no such file in the CSV's folder ({folder})")
    return str(path)


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


def _date(value: str) -> dt.date:
    """YYYY-MM-DD only, as ``--date`` (fromisoformat alone also takes 20261124, 2026-W48-2)."""
    return read_date(value)


def _weeks(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 2 or int(value) > MAX_WEEKS:
        raise ValueError(f"{shown(value)}: use a whole number from 0 to {MAX_WEEKS}")
    return int(value)


def _file_name(cell: dict[str, str], prescription: Prescription, pack_id: str) -> str:
    name = cell.get("output", "")
    if not name:
        return default_output(prescription, pack_id).name
    # Never a path separator or a leading dot, nor a name Windows keeps for a device.
    stem = slug(Path(name).stem) or "handout"
    return fitted_name("", f"{stem}-handout" if stem in _WINDOWS_DEVICES else stem, ".pdf")


# Windows refuses these as file names, whatever the extension: a zip or a shared folder
# holding "con.pdf" cannot be opened there.
_WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                              *(f"lpt{n}" for n in range(10))})


def _unique(path: Path, used: dict[Path, str | None], owner: str | None) -> Path:
    """``path`` or the first of its alternatives no other row of this run has taken: a
    tag of the patient's name when another patient has it, a number for the same one."""
    candidate = path
    if candidate in used:
        tag_owner = owner if used[candidate] != owner else None
        candidate = next(name for name in alternatives(path, tag_owner) if name not in used)
    used[candidate] = owner
    return candidate


# What a worker builds with (the pack and templates, once per language): inherited from the
# parent where processes fork, else loaded by each worker (spawned processes inherit nothing).
_worker_resources: ResourcesByLanguage | None = None
_worker_rows: Sequence[Row] = ()


def _start_worker(data_dir: Path, templates_dir: Path | None) -> None:
    global _worker_resources  # noqa: PLW0603 - one per worker process, by design
    _ignore_group_signals()
    _worker_resources = ResourcesByLanguage(data_dir, templates_dir)


def _build_row(row: Row, resources: ResourcesByLanguage | None = None, overwrite: bool = False,
               ) -> Outcome:
    notes: list[str] = []
    try:
        languages = resources or _worker_resources
        assert languages is not None, "a worker builds rows only after _start_worker"
        written = build(row.options, row.output, languages.get(row.options.language),
                        overwrite=overwrite, notice=notes.append)
    except UserError as error:
        # Placed at its row; the file it is about (a logo, the output) stays in the message.
        problem = error.problems[0]
        about = f" ({problem.path})" if problem.path else ""
        return Outcome(row.line, replace(problem, path=row.source, line=row.line,
                                         column=None, message=problem.message + about))
    except Exception as error:  # a bug: reported for its row, with its traceback
        return crashed(row.line, row.source, error)
    return Outcome(row.line, None, written, "; ".join(notes) if notes else None)


def run_batch(rows: Sequence[Row], resources: Resources | ResourcesByLanguage, jobs: int,
              overwrite: bool = False) -> Iterator[Outcome]:
    """Build every row; outcomes come as rows finish (not necessarily in order).

    With one job the rows are built here with ``resources``; otherwise by worker processes
    (see :func:`_in_workers`). On SIGINT or SIGTERM no new row starts, the rows being built
    are finished (so every file written is counted, and none is partial), their outcomes
    come, and then :class:`Interrupted` is raised. One batch at a time per process (forked
    workers find the rows in this module).
    """
    stop: list[int] = []

    def interrupt(signal_number: int, frame: FrameType | None) -> None:
        stop.append(signal_number)

    # Signal handlers belong to the main thread (a web handler's thread leaves them be).
    in_main = threading.current_thread() is threading.main_thread()
    previous = {number: signal.signal(number, interrupt)
                for number in (signal.SIGINT, signal.SIGTERM)} if in_main else {}
    languages = _by_language(resources)
    try:
        if jobs <= 1 or len(rows) <= 1:
            for row in rows:
                if stop:
                    break
                yield _build_row(row, languages, overwrite)
        else:
            yield from _in_workers(rows, languages, jobs, overwrite, stop)
        if stop:
            raise Interrupted(stop[0])
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _in_workers(rows: Sequence[Row], languages: ResourcesByLanguage, jobs: int,
                overwrite: bool, stop: list[int]) -> Iterator[Outcome]:
    """The rows built by ``jobs`` worker processes, one row handed out at a time.

    Where processes fork (Linux, the BSDs), the first row is built here, so the templates
    are compiled, the figures drawn and the fonts read, and the languages the rows ask for
    are loaded; the forked workers inherit all of that with the rows and are sent only a
    row's number. Where they cannot fork (Windows, and macOS, where forking is unsafe),
    each worker loads its own resources from the same folders and is sent whole rows.
    """
    global _worker_resources, _worker_rows  # noqa: PLW0603 - handed to the forked workers
    forked = _can_fork()
    first = 0
    if forked:
        yield _build_row(rows[0], languages, overwrite)  # warms what the workers inherit
        first = 1
        if stop:
            return
        for language in sorted({row.options.language or "" for row in rows}):
            try:
                languages.get(language or None)
            except UserError:
                pass  # each of its rows reports the problem
        _worker_resources, _worker_rows = languages, rows
        # Objects made so far live as long as the batch: frozen, the workers' collector
        # never touches them, so their memory stays shared with this process, not copied.
        gc.freeze()
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_forked_worker)
    else:
        pool = ProcessPoolExecutor(jobs, initializer=_start_worker,
                                   initargs=(languages.data_dir, languages.templates_dir))
    try:
        pending = {(pool.submit(_build_inherited_row, index, overwrite) if forked
                    else pool.submit(_build_row, rows[index], None, overwrite)): rows[index]
                   for index in range(first, len(rows))}
        while pending and not stop:
            done, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            for future in done:
                row = pending.pop(future)
                if not (stop and _killed(future)):
                    yield _outcome(future, row)
        if stop:
            pool.shutdown(wait=True, cancel_futures=True)  # the running rows finish
            for future, row in pending.items():
                if future.done() and not future.cancelled() and not _killed(future):
                    yield _outcome(future, row)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if forked:
            gc.unfreeze()
            _worker_resources, _worker_rows = None, ()


def _start_forked_worker() -> None:
    _ignore_group_signals()


def _ignore_group_signals() -> None:
    # Ctrl-C and a service manager's SIGTERM reach the whole process group. The parent
    # alone acts on them: it hands out no new row and waits for the running ones, so a
    # worker is never ended between writing its PDF and reporting it (a file counted as
    # not run). A worker still ends when the parent does (its pipe closes) or on SIGKILL.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _build_inherited_row(index: int, overwrite: bool) -> Outcome:
    return _build_row(_worker_rows[index], None, overwrite)


def _killed(future: Future[Outcome]) -> bool:
    """The row's worker was ended from outside (a SIGKILL): the row did not run (no file
    is left half written)."""
    return not future.cancelled() and isinstance(future.exception(), BrokenProcessPool)


def _outcome(future: Future[Outcome], row: Row) -> Outcome:
    try:
        return future.result()
    except Exception as error:  # the worker process died (a crash in a C library, a kill)
        return crashed(row.line, row.source, error)


def _can_fork() -> bool:
    return sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods()


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
