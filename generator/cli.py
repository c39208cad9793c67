"""The ``handout`` command line: parse options, call one function, report errors cleanly.

User mistakes (bad YAML, unknown ids, unreadable files) print a located message and exit 1;
bad option values exit 2, as Click does. Anything else is a bug and keeps its traceback.
Heavy libraries are imported inside the commands, so ``handout --help`` stays quick.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .limits import DEFAULT_WEEKS, MAX_WEEKS

F = TypeVar("F", bound=Callable[..., Any])


def reports_user_errors(first_only: bool = False) -> Callable[[F], F]:
    """Turn UserError into a clean message (exit 1) and UsageError into Click's (exit 2).

    ``first_only``: report the first problem and how many more there are (for ``build``;
    ``validate`` lists them all).
    """

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from .errors import UsageError, UserError

            try:
                return command(*args, **kwargs)
            except UsageError as error:
                raise click.UsageError(str(error)) from None
            except OSError as error:
                if error.errno != errno.ENAMETOOLONG:
                    raise  # anything else the system refuses is not the user's doing
                name = str(error.filename or "")
                shown = name if len(name) <= 80 else name[:40] + "\u2026" + name[-30:]
                click.echo(f"error: {shown}: the name is too long for the file system "
                           f"({len(os.fsencode(name)):,} bytes)", err=True)
                sys.exit(1)
            except UserError as error:
                problems = error.problems[:1] if first_only else error.problems
                for problem in problems:
                    click.echo(f"error: {problem}", err=True)
                if len(error.problems) > len(problems):
                    more = len(error.problems) - 1
                    hint = ("; 'handout validate' lists them all"
                            if error.problems[0].line is not None else "")
                    click.echo(f"error: ... and {more} more problem{'s' if more > 1 else ''}"
                               f"{hint}", err=True)
                sys.exit(1)

        return wrapper  # type: ignore[return-value]

    return decorate


def _date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


pack_option = click.option(
    "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Content pack folder (default: the bundled sciatica pack).")
templates_option = click.option(
    "--templates", "templates_dir", type=click.Path(file_okay=False, path_type=Path),
    default=None, help="Folder of your own templates; each file overrides the bundled one.")
def _language_code(context: click.Context, parameter: click.Parameter,
                   value: str | None) -> str | None:
    from .languages import language_code

    return language_code(value) if value is not None else None


lang_option = click.option(
    "--lang", "language", metavar="CODE", default=None, callback=_language_code,
    help="Print in this language of the pack, e.g. sv (default: a preset's language, "
         "else the pack's own). Ids, presets and doses are the same in every language.")


class IsoDate(click.ParamType):
    """A date as YYYY-MM-DD, read as a CSV row's and the web form's are
    (``prescription.read_date``): 2026-1-4 is refused, and 2027-02-29 is not a real date.
    Click's ``DateTime`` took what ``strptime`` takes (2026-1-4, " 4", full-width digits),
    which a CSV refused, and said "does not match the format" of a day that does not exist."""

    name = "datetime"
    format = "%Y-%m-%d"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return f"[{self.format}]"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.datetime:
        from .prescription import read_date

        if isinstance(value, dt.datetime):
            return value
        try:
            day = read_date(value if isinstance(value, str) else repr(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)
        return dt.datetime(day.year, day.month, day.day)


DATE = IsoDate()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="handout")
def main() -> None:
    """Print illustrated exercise handouts for patients with sciatica."""


@main.command()
@pack_option
@templates_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PDF to write (default: out/sciatica-handout.pdf, or "
                   "out/<pack>-<patient>-<date>.pdf when --patient is given).")
@click.option("--preset", help="A preset of the pack (e.g. gentle-start) or a preset YAML file.")
@click.option("-e", "--exercise", "exercises", multiple=True, metavar="ID",
              help="Print only this exercise; repeat for more, in the order given.")
@click.option("-x", "--exclude", multiple=True, metavar="ID", help="Leave this exercise out.")
@click.option("--dose", "doses", multiple=True, metavar="ID=SPEC",
              help="Dose for one exercise, e.g. bird-dog=2x10, knee-to-chest=hold30,3x, "
                   "clamshell=left,2/day, or note:TEXT.")
@click.option("--weeks", type=click.IntRange(0, MAX_WEEKS), default=None,
              help=f"Weeks in the exercise log (default {DEFAULT_WEEKS}; 0 for no log).")
@click.option("--patient", help="The patient's name.")
@click.option("--clinician", help="Your name.")
@click.option("--clinic", help="The clinic's name.")
@click.option("--contact", help="A phone number or email address for questions.")
@click.option("--logo", type=click.Path(dir_okay=False, path_type=Path),
              help="The clinic's logo, PNG or JPEG.")
@click.option("--notes", help="Notes for the patient; blank lines start new paragraphs.")
@click.option("--date", "issued", type=DATE, help="Issue date, YYYY-MM-DD (default: today).")
@click.option("--review-date", type=DATE, help="Date of the next review, YYYY-MM-DD.")
@click.option("--page-size", type=click.Choice(["a4", "letter"]), default="a4",
              show_default=True)
@click.option("--large-print", is_flag=True, help="Body text 16 pt and larger figures.")
@click.option("--font", type=click.Path(dir_okay=False, path_type=Path),
              help="A TrueType font (.ttf) for all text, for scripts the bundled font lacks.")
@lang_option
@click.option("--omit", multiple=True, metavar="SECTION",
              help="Leave out an optional section (faq, sources, log, about); repeat for more. "
                   "'handout sections' lists them.")
@click.option("--brief", is_flag=True,
              help="The short edition for returning patients: My plan, the cards and the "
                   "red-flag box.")
@reports_user_errors(first_only=True)
def build(data_dir: Path | None, templates_dir: Path | None, output: Path | None,
          preset: str | None, exercises: tuple[str, ...], exclude: tuple[str, ...],
          doses: tuple[str, ...], weeks: int | None, patient: str | None,
          clinician: str | None, clinic: str | None, contact: str | None, logo: Path | None,
          notes: str | None, issued: dt.datetime | None, review_date: dt.datetime | None,
          page_size: str, large_print: bool, font: Path | None, language: str | None,
          omit: tuple[str, ...], brief: bool) -> None:
    """Build a handout PDF and print its path."""
    from .build import BuildOptions, Resources, build as build_handout, language_of
    from .prescription import PatientDetails

    options = BuildOptions(
        preset=preset, exercises=exercises, exclude=exclude, doses=doses, weeks=weeks,
        details=PatientDetails(patient=patient, clinician=clinician, clinic=clinic,
                               contact=contact, notes=notes, logo=logo),
        date=_date(issued), review_date=_date(review_date), page_size=page_size,  # type: ignore[arg-type]
        large_print=large_print, font=font, language=language, omit=omit, brief=brief)
    resources = Resources.load(data_dir, templates_dir, language_of(options, data_dir))
    written = build_handout(options, output, resources,
                            notice=lambda message: click.echo(f"note: {message}", err=True))
    click.echo(str(written))


@main.command(name="list")
@pack_option
@lang_option
@reports_user_errors()
def list_exercises(data_dir: Path | None, language: str | None) -> None:
    """List the pack's exercises: id, name and kind, one a line."""
    from .loading import load_pack
    from .resources import default_pack

    pack = load_pack(data_dir or default_pack(), language=language)
    width = max(len(exercise.id) for exercise in pack.exercises)
    for exercise in pack.exercises:
        # A shared pack's name is printed, not obeyed: a control character (an escape that
        # clears the screen or retitles the window) is shown as its code. Build refuses it.
        name = "".join(char if char.isprintable() else f"\\u{ord(char):04x}"
                       for char in exercise.name)
        click.echo(f"{exercise.id:<{width}}  {name}  ({exercise.kind})")


@main.command()
@pack_option
@templates_option
@lang_option
@reports_user_errors()
def validate(data_dir: Path | None, templates_dir: Path | None, language: str | None) -> None:
    """Check a content pack and its presets (and a template folder's styles and
    translations); report every problem at once.

    With --lang, check that language: every untranslated message, missing exercise text or
    mismatched placeholder, with file and line. Without it, check every language the pack has.
    """
    from .build import Resources
    from .errors import UserError
    from .languages import check_languages
    from .loading import unlisted_exercises
    from .resources import default_pack
    from .templating import Templates

    directory = data_dir or default_pack()
    checked, problems = check_languages(directory, templates_dir, language)
    if templates_dir is not None:  # the bundled templates compile: a test says so
        problems.extend(Templates(templates_dir).compile_problems())
    if not problems:
        try:  # the styles and translations the pack would print with
            Resources.load(directory, templates_dir, language)
        except UserError as error:
            problems.extend(error.problems)
    for warning in unlisted_exercises(directory):
        click.echo(f"warning: {warning}", err=True)
    if problems:
        raise UserError.from_problems(problems)
    click.echo(f"{directory}: OK ({', '.join(checked)})")


@main.command()
def sections() -> None:
    """List the handout's sections and which of them --omit can leave out."""
    from .sections import BRIEF_OMITS, SECTIONS

    width = max(map(len, SECTIONS))
    for name, (what, optional) in SECTIONS.items():
        mark = "optional" if optional else "always  "
        brief = ", left out by --brief" if name in BRIEF_OMITS else ""
        click.echo(f"{name:<{width}}  {mark}  {what}{brief}")


@main.command()
@click.argument("kind", type=click.Choice(["pack", "exercise", "preset"]), default="pack")
def schema(kind: str) -> None:
    """Print the JSON Schema of a pack's file (for editors that check YAML as you type).

    KIND: pack (pack.yaml, the default), exercise (exercises/ID.yaml) or preset."""
    import json

    from .model import file_schema

    click.echo(json.dumps(file_schema(kind), indent=2))


@main.command()
@pack_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="PDF to write (default: out/figures.pdf, or the next free "
                                 "name if that exists).")
@lang_option
@reports_user_errors()
def figures(data_dir: Path | None, output: Path | None, language: str | None) -> None:
    """Draw every exercise's figure large on a review sheet."""
    from .build import Resources
    from .figures import FigureInks, render_review_sheet
    from .fonts import register_fonts
    from .layout.styles import make_styles
    from .resources import default_pack
    from .naming import alternatives
    from .writing import check_output, write_atomically, write_new

    directory = data_dir or default_pack()
    if output is not None:
        check_output(output, input_folders=[directory])
    resources = Resources.load(directory, language=language)
    styles = make_styles(resources.styles, register_fonts(resources.pack.font), large_print=False,
                         language=resources.pack.language)
    sheet = render_review_sheet(resources.pack.exercises, styles, FigureInks(**styles.figure),
                                resources.translator)
    if output is not None:
        write_atomically(output, sheet)
    else:  # a name we chose never replaces a file
        planned = Path("out") / "figures.pdf"
        output = write_new(planned, sheet, alternatives(planned))
        if output != planned:
            click.echo(f"note: {planned} exists; wrote {output.name} beside it", err=True)
    click.echo(str(output))


@main.command()
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("out"), show_default=True, help="Folder for the PDFs.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: the number of cores).")
@pack_option
@templates_option
@click.option("--clinician", help="Default for rows that leave it empty.")
@click.option("--clinic", help="The clinic's name, on every handout.")
@click.option("--contact", help="A phone number or email address, on every handout.")
@click.option("--logo", type=click.Path(dir_okay=False, path_type=Path),
              help="The clinic's logo, PNG or JPEG, on every handout.")
@click.option("--overwrite", is_flag=True,
              help="Replace PDFs already in the folder (by default a taken name gets the "
                   "next free one, and nothing is replaced).")
@lang_option
@reports_user_errors()
def batch(csv_file: Path, output_dir: Path, jobs: int | None, data_dir: Path | None,
          templates_dir: Path | None, clinician: str | None, clinic: str | None,
          contact: str | None, logo: Path | None, overwrite: bool, language: str | None) -> None:
    """Build one handout per row of a CSV file (a clinic's day list).

    Columns: patient (required); exercises (ids separated by ;), preset, dose (;-separated
    --dose specs), clinician, clinic, contact, notes, date, review_date, page_size,
    large_print (yes/no), weeks, output (a file name), language (e.g. sv), omit (;-separated
    sections), brief (yes/no). A bad row is reported with its line and column, and the
    other rows are still built; the exit status is 1 if any row failed.
    """
    from .batch import (Interrupted, collect, default_jobs, read_rows, run_batch,
                        stopped_by_signals)
    from .build import BuildOptions, Resources
    from .images import print_ready
    from .prescription import PatientDetails

    try:
        with stopped_by_signals():
            # A bad pack or logo stops before any row (not once per row).
            resources = Resources.load(data_dir, templates_dir, language)
            if logo is not None:
                print_ready(logo)
            base = BuildOptions(language=language,
                                details=PatientDetails(clinician=clinician, clinic=clinic,
                                                       contact=contact, logo=logo))
            rows, failures = read_rows(csv_file, base, output_dir, resources)
    except Interrupted as stop:
        click.echo(f"interrupted ({stop}) while the rows were checked: built 0, not run: "
                   f"every row (in {output_dir})")
        sys.exit(128 + stop.signal_number)
    workers = min(jobs or default_jobs(), max(1, len(rows)))
    outcomes = run_batch(rows, resources, workers, overwrite)
    with click.progressbar(outcomes, length=len(rows), label="Building", file=sys.stderr,
                           hidden=not sys.stderr.isatty()) as progress:
        report = collect(progress, rows, failures)
    for note in report.notes:
        click.echo(note, err=True)
    for failure in report.failures:
        click.echo(f"error: {failure.problem}", err=True)
        if failure.traceback:
            click.echo(failure.traceback.rstrip(), err=True)
    summary = f"built {report.built}, failed {len(report.failures)}"
    if report.interrupted is not None:
        lines = ", ".join(map(str, report.not_run[:20])) + (
            ", ..." if len(report.not_run) > 20 else "")
        click.echo(f"interrupted ({report.interrupted}): {summary}, not run "
                   f"{len(report.not_run)}" + (f" (lines {lines})" if report.not_run else "")
                   + f" (in {output_dir})")
        sys.exit(128 + report.interrupted.signal_number)
    click.echo(f"{summary} (in {output_dir})")
    if report.failures:
        sys.exit(1)


@main.command()
@click.option("--data", "data_dirs", multiple=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Content pack folder; repeat to offer several (default: the bundled pack).")
@templates_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but a loopback address opens the page "
                   "to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the browser.")
@reports_user_errors()
def serve(data_dirs: tuple[Path, ...], templates_dir: Path | None, host: str, port: int,
          open_browser: bool) -> None:
    """Start a local web page for making handouts (needs the 'serve' extra)."""
    from .errors import UserError
    from .resources import default_pack

    try:
        from .serve import run
        import uvicorn  # noqa: F401 - the extra's presence, checked before anything loads
    except ImportError as error:
        raise UserError(f"handout serve needs the web extra ({error.name} is missing): "
                        "pip install 'sciatica-handout[serve]'") from None
    run(data_dirs or (default_pack(),), templates_dir, host, port, open_browser,
        echo=click.echo, warn=lambda message: click.echo(message, err=True))
