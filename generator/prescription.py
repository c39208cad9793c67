"""Tailoring: which exercises one patient gets, at which dose, with which details.

Nothing here knows of templates or PDF: a web form can build a :class:`Prescription`
as well as the command line can.

The ``--dose`` grammar: ``ID=ITEM[,ITEM...]`` where an ITEM is one of

    2x10      2 sets of 10 repetitions      hold30 / hold30s   hold 30 seconds
    10x       10 times (no sets)             2/day              2 times a day
    4/week    4 days a week                  daily              every day
    each | left | right | both               which side
    note:TEXT a note (last item; it may contain commas)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import field, replace
from pathlib import Path
from typing import Any, Literal

from .errors import UsageError, shown
from .limits import DEFAULT_WEEKS, MAX_DIGITS, MAX_NOTE_PARAGRAPHS, MAX_NOTES, MAX_SHORT
from .loading import unknown_id_message
from .model import Dose, Exercise, Pack, Preset, PresetExercise
from .rules import Frozen, frozen, repeated
from .sections import check_omit

PageSize = Literal["a4", "letter"]


@frozen
class PatientDetails(Frozen):
    """Who the handout is for and who gave it. Every field is optional."""

    patient: str | None = None
    clinician: str | None = None
    clinic: str | None = None
    contact: str | None = None
    notes: str | None = None
    logo: Path | bytes | None = None  # bytes: an upload kept in memory (handout serve)


@frozen
class BuildOptions(Frozen):
    """Everything a clinician can choose for one handout, as given (cleaned by
    :func:`prescribe`). Where the pack and templates come from is not a choice made
    per handout: :class:`generator.build.Resources` holds that."""

    preset: str | None = None
    exercises: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    doses: tuple[str, ...] = ()
    weeks: int | None = None
    details: PatientDetails = field(default_factory=PatientDetails)
    date: dt.date | None = None
    review_date: dt.date | None = None
    page_size: PageSize = "a4"
    large_print: bool = False
    font: Path | None = None
    language: str | None = None  # a language of the pack (e.g. sv); None: the preset's or the pack's own
    omit: tuple[str, ...] = ()  # optional sections to leave out (sections.py)
    brief: bool = False  # the short edition for returning patients


@frozen
class PrescribedExercise(Frozen):
    """One exercise of the pack with the dose it is printed with."""

    exercise: Exercise
    dose: Dose


@frozen
class Prescription(Frozen):
    """Everything that makes one patient's handout differ from the pack's default."""

    exercises: tuple[PrescribedExercise, ...]
    issued: dt.date
    weeks: int = DEFAULT_WEEKS
    review: dt.date | None = None
    preset_notes: str | None = None
    details: PatientDetails = field(default_factory=PatientDetails)
    omit: frozenset[str] = frozenset()  # optional sections left out (see sections.py)
    brief: bool = False  # the short edition for returning patients


def prescribe(pack: Pack, options: BuildOptions, preset: Preset | None) -> Prescription:
    """Apply the preset (``options.preset`` loaded, or None), then the command line, to
    the pack's defaults. The result holds the cleaned values the page prints."""
    if (preset is None) != (options.preset is None):
        raise ValueError("pass the preset that options.preset names, and only then")
    details = single_line_details(options.details)
    check_details(details)
    exercises = select_exercises(pack, preset, options.exercises, options.exclude, options.doses)
    weeks = options.weeks if options.weeks is not None else (
        preset.weeks if preset and preset.weeks is not None else DEFAULT_WEEKS)
    issued = options.date or dt.date.today()
    check_review(issued, options.review_date)
    check_log_dates(issued, weeks)
    return Prescription(
        exercises=exercises,
        issued=issued,
        weeks=weeks,
        review=options.review_date,
        preset_notes=preset.notes if preset else None,
        details=details,
        omit=check_omit((*(preset.omit if preset else ()), *options.omit)),
        brief=options.brief or bool(preset and preset.brief),
    )


def read_date(text: str) -> dt.date:
    """A date written YYYY-MM-DD, as ``--date``, a CSV row and the web form take it: four,
    two and two ASCII digits (not 2026-1-4, 20261124 or 2026-W48-2), and a real day.
    ValueError says which of the two it is not."""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text)
    if found is None:
        raise ValueError(f"{shown(text)} is not a date in the form YYYY-MM-DD")
    try:
        return dt.date(*(int(number) for number in found.groups()))
    except ValueError:  # a month or day the calendar does not have, or year 0
        raise ValueError(f"{shown(text)} is not a real date") from None


def check_review(issued: dt.date, review: dt.date | None) -> None:
    """A review before the handout's date would print as the next review: a usage error."""
    if review is not None and review < issued:
        raise UsageError(f"{review.isoformat()} is before the handout's date "
                         f"{issued.isoformat()} (--date, today when not given); the next "
                         "review must be on or after it", field="--review-date")


def check_log_dates(issued: dt.date, weeks: int) -> None:
    """The log's days run on from the handout's date; past the calendar's end is a usage error."""
    if weeks and dt.date.max - issued < dt.timedelta(days=7 * weeks - 1):
        raise UsageError(f"{issued.isoformat()}: a log of {weeks} weeks from this date would "
                         "run past 9999-12-31; give an earlier date, or --weeks 0",
                         field="--date")


def printed_texts(prescription: Prescription, pack: Pack | None = None,
                  ) -> Iterator[tuple[str, str]]:
    """(field, text) for every text the user or the preset adds to the page; with ``pack``,
    the pack's own text too (needed when it prints in another font than the pack's)."""
    details = prescription.details
    for name in ("patient", "clinician", "clinic", "contact", "notes"):
        value = getattr(details, name)
        if value:
            yield f"--{name}", value
    if prescription.preset_notes:
        yield "preset.notes", prescription.preset_notes
    for item in prescription.exercises:
        if item.dose.note:
            yield f"{item.exercise.id}.note", item.dose.note
    if pack is not None:
        yield from _model_texts(pack.model_dump(exclude={"exercises", "font"}), "pack")
        for item in prescription.exercises:
            yield from _model_texts(item.exercise.model_dump(exclude={"figure", "image"}),
                                    item.exercise.id)


def _model_texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _model_texts(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _model_texts(item, f"{path}.{index}")


# Compiled on the first --dose (by re's own cache), not by every build that has none.
_ITEM_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(\d+)x(\d+)", "sets_reps"),
    (r"(\d+)x", "reps"),
    (r"hold(\d+)s?", "hold_seconds"),
    (r"(\d+)/day", "times_per_day"),
    (r"(\d+)/week", "days_per_week"),
    (r"daily", "daily"),
    (r"(each|left|right|both)", "side"),
)


def parse_dose(spec: str, pack: Pack) -> tuple[str, Dose]:
    """``ID=ITEM,...`` as the exercise id and the dose it gives (its other fields None)."""
    exercise_id, fields = dose_changes(spec, pack)
    return exercise_id, Dose(**fields)


def dose_changes(spec: str, pack: Pack) -> tuple[str, dict[str, Any]]:
    """``ID=ITEM,...`` as the exercise id and the dose fields it sets, checked (``10x``
    sets ``sets`` to None: it clears the pack's)."""
    if re.search(rf"\d{{{MAX_DIGITS + 1}}}", spec):
        raise UsageError(f"{spec[:40]!r}...: a number of more than {MAX_DIGITS} digits",
                         field="--dose")
    exercise_id, equals, items = spec.partition("=")
    exercise_id = exercise_id.strip()
    if not equals or not items.strip():
        raise UsageError(f"{shown(spec)}: expected ID=DOSE, e.g. bird-dog=2x10", field="--dose")
    if exercise_id not in pack.exercise_ids:
        raise UsageError(f"{shown(spec)}: {unknown_id_message(exercise_id, pack)}", field="--dose")
    fields: dict[str, object] = {}
    given: dict[str, str] = {}  # field -> the item that set it
    rest = items
    while rest:
        item, comma, rest = rest.partition(",")
        item = item.strip()
        if item.lower().startswith("note:"):
            fields["note"] = (item[5:] + comma + rest).strip()  # the note keeps its commas
            break
        for name, value in _dose_item(item, spec).items():
            if name in given:
                raise UsageError(f"{shown(spec)}: {shown(given[name])} and {shown(item)} both set "
                                 f"{name.replace('_', ' ')}; give it once", field="--dose")
            given[name] = item
            fields[name] = value
    from pydantic import ValidationError  # only when a dose is typed

    try:
        checked = Dose.model_validate(fields)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in detail["loc"])
        raise UsageError(f"{shown(spec)}: {where}: {detail['msg']}", field="--dose") from None
    return exercise_id, {name: getattr(checked, name) for name in fields}  # as checked: stripped


def _dose_item(item: str, spec: str) -> dict[str, object]:
    for pattern, kind in _ITEM_PATTERNS:
        match = re.fullmatch(pattern, item.lower())
        if match is None:
            continue
        if kind == "sets_reps":
            return {"sets": int(match[1]), "reps": int(match[2])}
        if kind == "reps":  # "10x" is 10 times in all: it replaces any sets from the pack
            return {"reps": int(match[1]), "sets": None}
        if kind == "daily":
            return {"days_per_week": 7}
        if kind == "side":
            return {"side": match[1]}
        return {kind: int(match[1])}
    raise UsageError(
        f"{shown(spec)}: cannot read {shown(item)}; use 2x10, 10x, hold30, 2/day, 4/week, daily, "
        "each, left, right, both or note:TEXT", field="--dose")


def select_exercises(pack: Pack, preset: Preset | None = None, only: Sequence[str] = (),
                     exclude: Sequence[str] = (), doses: Sequence[str] = ()) -> tuple[PrescribedExercise, ...]:
    """The exercises in print order with their doses: pack, then preset, then command line."""
    for option, ids in (("--exercise", only), ("--exclude", exclude)):
        for exercise_id in ids:
            if exercise_id not in pack.exercise_ids:
                raise UsageError(unknown_id_message(exercise_id, pack), field=option)
    for exercise_id in repeated(only)[:1]:
        raise UsageError(f"exercise {shown(exercise_id)} is given twice", field="--exercise")

    overrides: dict[str, dict[str, Any]] = {}  # exercise id -> the dose fields changed
    chosen: list[str] = list(pack.exercise_ids)
    if preset is not None:
        chosen = []
        for entry in preset.exercises:
            if isinstance(entry, PresetExercise):
                chosen.append(entry.id)
                overrides[entry.id] = entry.changes()
            else:
                chosen.append(entry)
    if only:
        chosen = list(only)
    chosen = [exercise_id for exercise_id in chosen if exercise_id not in set(exclude)]
    if not chosen:
        raise UsageError("no exercises are left to print", field="--exclude")

    set_by: dict[tuple[str, str], str] = {}  # (exercise, dose field) -> the --dose that set it
    for spec in doses:
        exercise_id, changes = dose_changes(spec, pack)
        if exercise_id not in chosen:
            raise UsageError(f"{shown(spec)}: {shown(exercise_id)} is not among the chosen exercises",
                             field="--dose")
        for name in changes:
            earlier = set_by.setdefault((exercise_id, name), spec)
            if earlier != spec:
                raise UsageError(f"{shown(earlier)} and {shown(spec)} both set the "
                                 f"{name.replace('_', ' ')} of {shown(exercise_id)}; give it once",
                                 field="--dose")
        overrides[exercise_id] = {**overrides.get(exercise_id, {}), **changes}

    selected = []
    for exercise_id in chosen:
        exercise = pack.exercise(exercise_id)
        override = overrides.get(exercise_id)
        dose = exercise.dose.merged(override) if override is not None else exercise.dose
        selected.append(PrescribedExercise(exercise, dose))
    return tuple(selected)


def single_line_details(details: PatientDetails) -> PatientDetails:
    """The one-line fields with runs of white space (a pasted line break, a tab) as one space.

    Notes keep their line breaks: blank lines separate their paragraphs.
    """
    def one_line(value: str | None) -> str | None:
        return " ".join(value.split()) or None if value is not None else None

    return replace(details, patient=one_line(details.patient),
                   clinician=one_line(details.clinician), clinic=one_line(details.clinic),
                   contact=one_line(details.contact))


# A blank line: one that is empty or holds only spaces or tabs (a pasted, an indented note).
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def note_paragraphs(text: str | None) -> list[str]:
    """Free text split into paragraphs at blank lines; single newlines are kept as spaces."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = (" ".join(block.split()) for block in _BLANK_LINE.split(text))
    return [block for block in blocks if block]


def check_details(details: PatientDetails) -> None:
    """Refuse personal fields beyond the documented limits, naming the option and the limit."""
    for option, value, limit in (("--patient", details.patient, MAX_SHORT),
                                 ("--clinician", details.clinician, MAX_SHORT),
                                 ("--clinic", details.clinic, MAX_SHORT),
                                 ("--contact", details.contact, MAX_SHORT),
                                 ("--notes", details.notes, MAX_NOTES)):
        if value is not None and len(value) > limit:
            raise UsageError(f"is {len(value):,} characters long; the limit is {limit:,}",
                             field=option)
    paragraphs = len(note_paragraphs(details.notes))
    if paragraphs > MAX_NOTE_PARAGRAPHS:
        raise UsageError(f"has {paragraphs:,} paragraphs; the limit is {MAX_NOTE_PARAGRAPHS}",
                         field="--notes")
