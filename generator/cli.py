"""The ``handout`` command line: parse options, call one function, report errors cleanly.

User mistakes (bad YAML, unknown ids, unreadable files) print a located message and exit 1;
bad option values exit 2, as Click does. Anything else is a bug and keeps its traceback.
Heavy libraries are imported inside the commands, so ``handout --help`` stays quick.
"""

from __future__ import annotations

import datetime as dt
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
DATE = click.DateTime(formats=["%Y-%m-%d"])


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
@reports_user_errors(first_only=True)
def build(data_dir: Path | None, templates_dir: Path | None, output: Path | None,
          preset: str | None, exercises: tuple[str, ...], exclude: tuple[str, ...],
          doses: tuple[str, ...], weeks: int | None, patient: str | None,
          clinician: str | None, clinic: str | None, contact: str | None, logo: Path | None,
          notes: str | None, issued: dt.datetime | None, review_date: dt.datetime | None,
          page_size: str, large_print: bool, font: Path | None) -> None:
    """Build a handout PDF and print its path."""
    from .build import BuildOptions, build as build_handout
    from .prescription import PatientDetails
    from .resources import default_pack

    options = BuildOptions(
        data_dir=data_dir or default_pack(), templates_dir=templates_dir, preset=preset,
        exercises=exercises, exclude=exclude, doses=doses, weeks=weeks,
        details=PatientDetails(patient=patient, clinician=clinician, clinic=clinic,
                               contact=contact, notes=notes, logo=logo),
        date=_date(issued), review_date=_date(review_date), page_size=page_size,  # type: ignore[arg-type]
        large_print=large_print, font=font)
    click.echo(str(build_handout(options, output)))


@main.command(name="list")
@pack_option
@reports_user_errors()
def list_exercises(data_dir: Path | None) -> None:
    """List the pack's exercises: id, name and kind, one a line."""
    from .loading import load_pack
    from .resources import default_pack

    pack = load_pack(data_dir or default_pack())
    width = max(len(exercise.id) for exercise in pack.exercises)
    for exercise in pack.exercises:
        click.echo(f"{exercise.id:<{width}}  {exercise.name}  ({exercise.kind})")


@main.command()
@pack_option
@reports_user_errors()
def validate(data_dir: Path | None) -> None:
    """Check a content pack and its presets; report every problem at once."""
    from .errors import UserError
    from .loading import check_all
    from .resources import default_pack

    directory = data_dir or default_pack()
    problems = check_all(directory)
    if problems:
        raise UserError.from_problems(problems)
    click.echo(f"{directory}: OK")


@main.command()
def schema() -> None:
    """Print the JSON Schema of a content pack (for editors that check YAML as you type)."""
    import json

    from .model import Pack

    click.echo(json.dumps(Pack.model_json_schema(), indent=2))


@main.command()
@pack_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("out") / "figures.pdf", show_default=True, help="PDF to write.")
@reports_user_errors()
def figures(data_dir: Path | None, output: Path) -> None:
    """Draw every exercise's figure large on a review sheet."""
    from .build import write_atomically
    from .figures import render_review_sheet
    from .fonts import register_fonts
    from .loading import load_pack
    from .resources import default_pack

    pack = load_pack(data_dir or default_pack())
    write_atomically(output, render_review_sheet(pack.exercises, register_fonts(pack.font)))
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
@reports_user_errors()
def batch(csv_file: Path, output_dir: Path, jobs: int | None, data_dir: Path | None,
          templates_dir: Path | None, clinician: str | None, clinic: str | None,
          contact: str | None, logo: Path | None) -> None:
    """Build one handout per row of a CSV file (a clinic's day list).

    Columns: patient (required); exercises (ids separated by ;), preset, dose (;-separated
    --dose specs), clinician, clinic, contact, notes, date, review_date, page_size,
    large_print (yes/no), weeks, output (a file name). A bad row is reported with its line
    and column, and the other rows are still built; the exit status is 1 if any row failed.
    """
    from .batch import default_jobs, read_rows, run_batch
    from .build import BuildOptions, Resources
    from .images import print_ready
    from .prescription import PatientDetails
    from .resources import default_pack

    directory = data_dir or default_pack()
    resources = Resources.load(directory, templates_dir)  # a bad pack stops before any row
    if logo is not None:
        print_ready(logo)  # a bad logo stops before any row, not once per row
    base = BuildOptions(data_dir=directory, templates_dir=templates_dir,
                        details=PatientDetails(clinician=clinician, clinic=clinic,
                                               contact=contact, logo=logo))
    rows, failures = read_rows(csv_file, base, output_dir, resources)
    workers = min(jobs or default_jobs(), max(1, len(rows)))
    outcomes = run_batch(rows, resources, directory, templates_dir, workers)
    built = 0
    show_progress = sys.stderr.isatty()
    with click.progressbar(outcomes, length=len(rows), label="Building", file=sys.stderr,
                           hidden=not show_progress) as progress:
        for outcome in progress:
            if outcome.problem is None:
                built += 1
            else:
                failures.append(outcome)
    for failure in sorted(failures, key=lambda outcome: outcome.line):
        click.echo(f"error: {failure.problem}", err=True)
    click.echo(f"built {built}, failed {len(failures)} (in {output_dir})")
    if failures:
        sys.exit(1)
