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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from .errors import UsageError
from .loading import unknown_id_message
from .limits import DEFAULT_WEEKS, MAX_NOTES, MAX_SHORT
from .model import Dose, Exercise, Pack, Preset, PresetExercise



@dataclass(frozen=True)
class PatientDetails:
    """Who the handout is for and who gave it. Every field is optional."""

    patient: str | None = None
    clinician: str | None = None
    clinic: str | None = None
    contact: str | None = None
    notes: str | None = None
    logo: Path | None = None


@dataclass(frozen=True)
class PrescribedExercise:
    exercise: Exercise
    dose: Dose


@dataclass(frozen=True)
class Prescription:
    """Everything that makes one patient's handout differ from the pack's default."""

    exercises: tuple[PrescribedExercise, ...]
    issued: dt.date
    weeks: int = DEFAULT_WEEKS
    review: dt.date | None = None
    preset_notes: str | None = None
    details: PatientDetails = field(default_factory=PatientDetails)


_ITEM_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\d+)x(\d+)"), "sets_reps"),
    (re.compile(r"(\d+)x"), "reps"),
    (re.compile(r"hold(\d+)s?"), "hold_seconds"),
    (re.compile(r"(\d+)/day"), "times_per_day"),
    (re.compile(r"(\d+)/week"), "days_per_week"),
    (re.compile(r"daily"), "daily"),
    (re.compile(r"(each|left|right|both)"), "side"),
)


def parse_dose(spec: str, pack: Pack) -> tuple[str, Dose]:
    """``ID=ITEM,...`` as the exercise id and the dose fields it sets."""
    exercise_id, equals, items = spec.partition("=")
    exercise_id = exercise_id.strip()
    if not equals or not items.strip():
        raise UsageError(f"{spec!r}: expected ID=DOSE, e.g. bird-dog=2x10", field="--dose")
    if exercise_id not in pack.exercise_ids:
        raise UsageError(f"{spec!r}: {unknown_id_message(exercise_id, pack)}", field="--dose")
    fields: dict[str, object] = {}
    rest = items
    while rest:
        item, _, rest = rest.partition(",")
        item = item.strip()
        if item.lower().startswith("note:"):
            fields["note"] = (item[5:] + ("," + rest if rest else "")).strip()
            break
        fields.update(_dose_item(item, spec))
    try:
        return exercise_id, Dose(**fields)
    except ValidationError as error:
        detail = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in detail["loc"])
        raise UsageError(f"{spec!r}: {where}: {detail['msg']}", field="--dose") from None


def _dose_item(item: str, spec: str) -> dict[str, object]:
    for pattern, kind in _ITEM_PATTERNS:
        match = pattern.fullmatch(item.lower())
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
        f"{spec!r}: cannot read {item!r}; use 2x10, 10x, hold30, 2/day, 4/week, daily, "
        "each, left, right, both or note:TEXT", field="--dose")


def select_exercises(pack: Pack, preset: Preset | None = None, only: Sequence[str] = (),
                     exclude: Sequence[str] = (), doses: Sequence[str] = ()) -> tuple[PrescribedExercise, ...]:
    """The exercises in print order with their doses: pack, then preset, then command line."""
    for option, ids in (("--exercise", only), ("--exclude", exclude)):
        for exercise_id in ids:
            if exercise_id not in pack.exercise_ids:
                raise UsageError(unknown_id_message(exercise_id, pack), field=option)
    for exercise_id in {i for i in only if list(only).count(i) > 1}:
        raise UsageError(f"exercise {exercise_id!r} is given twice", field="--exercise")

    overrides: dict[str, Dose] = {}
    chosen: list[str] = list(pack.exercise_ids)
    if preset is not None:
        chosen = []
        for entry in preset.exercises:
            if isinstance(entry, PresetExercise):
                chosen.append(entry.id)
                overrides[entry.id] = Dose(**entry.model_dump(exclude={"id"}, exclude_unset=True))
            else:
                chosen.append(entry)
    if only:
        chosen = list(only)
    chosen = [exercise_id for exercise_id in chosen if exercise_id not in set(exclude)]
    if not chosen:
        raise UsageError("no exercises are left to print", field="--exclude")

    for spec in doses:
        exercise_id, dose = parse_dose(spec, pack)
        if exercise_id not in chosen:
            raise UsageError(f"{spec!r}: {exercise_id!r} is not among the chosen exercises",
                             field="--dose")
        overrides[exercise_id] = overrides.get(exercise_id, Dose()).merged(dose)

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
