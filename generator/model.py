"""The content model: typed, immutable, and ignorant of PDF.

A content pack (``data/<pack>/``) validates into a :class:`Pack`; a preset into a
:class:`Preset`. The classes are plain frozen dataclasses (``rules.py``): pydantic checks
a pack against them and describes them as the JSON Schema ``handout schema`` prints, and a
pack that was checked before (the disk cache) loads without pydantic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import Annotated, Any, Literal

from .errors import UsageError
from .figures.spec import FigureSpec
from .languages import language_code
from .limits import (MAX_AREAS, MAX_EXERCISE_NAME, MAX_EXERCISES, MAX_ITEMS, MAX_KEYWORDS,
                     MAX_PARAGRAPHS, MAX_POINTS, MAX_SECTIONS, MAX_SHORT, MAX_STEPS, MAX_TEXT,
                     MAX_WEEKS)
from .rules import Record, Rule, Tagged, record, repeated
from .sections import check_omit

# An id names a file (exercises/<id>.yaml): checked with this before it touches the disk.
EXERCISE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

ExerciseId = Annotated[str, Rule(pattern=EXERCISE_ID, max_length=60, description=(
    "Lower-case words joined by hyphens, e.g. knee-to-chest."))]
Text = Annotated[str, Rule(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
ShortText = Annotated[str, Rule(strip_whitespace=True, min_length=1, max_length=MAX_SHORT)]
StrictInt = Annotated[int, Rule(strict=True)]
Side = Literal["each", "left", "right", "both"]
# Read case-insensitively ("SV" is sv), as --lang is (languages.language_code).
LanguageCode = Annotated[str, Rule(before=lambda value: language_code(value)
                                   if isinstance(value, str) else value,
                                   pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]


def _about(description: str, **rules: Any) -> Mapping[str, Any]:
    """A field's metadata: its description and the bounds pydantic checks (ge, le, ...)."""
    return {"description": description, **rules}


@record
class Dose(Record):
    """How much and how often. Every field is optional; a pack gives defaults."""

    sets: StrictInt | None = field(default=None, metadata={"ge": 1, "le": 20})
    reps: StrictInt | None = field(default=None, metadata=_about(
        "Repetitions in each set.", ge=1, le=100))
    hold_seconds: StrictInt | None = field(default=None, metadata={"ge": 1, "le": 600})
    times_per_day: StrictInt | None = field(default=None, metadata={"ge": 1, "le": 12})
    days_per_week: StrictInt | None = field(default=None, metadata={"ge": 1, "le": 7})
    side: Side | None = field(default=None, metadata=_about(
        "each: do both sides; left/right: one side only; both: both legs at once."))
    note: Text | None = None

    def merged(self, changes: Mapping[str, Any]) -> Dose:
        """This dose with the fields named in ``changes`` set to their values (None clears)."""
        return self.model_copy(update=changes)

    def unprintable(self) -> tuple[str, str] | None:
        """(field, why) when this dose, as a card's whole dose, tells a patient nothing to
        do: neither repetitions nor a hold, or sets with no repetitions (printed as
        "3 times"); None when it is whole. (A preset entry's fields are changes, checked
        once merged with the pack's.)"""
        if self.reps is None and self.hold_seconds is None:
            return "reps", ("no repetitions (reps) and no hold (hold_seconds): the card would "
                            "print no dose; give one of them")
        if self.sets is not None and self.reps is None:
            return "sets", ("sets with no repetitions (reps) would print as a number of times; "
                            "give reps with sets, or leave sets out")
        return None


def _whole(dose: Dose) -> Dose:
    """An exercise's own dose, which a card prints whole (see Dose.unprintable)."""
    unprintable = dose.unprintable()
    if unprintable is not None:
        raise ValueError(f"{unprintable[0]}: {unprintable[1]}")
    return dose


@record
class Exercise(Record):
    """One exercise card."""

    id: ExerciseId
    # At 200 characters the title took four lines and split the large-print card (an
    # outside attacker); 80 is about two lines of the card's title.
    name: Annotated[str, Rule(strip_whitespace=True, min_length=1, max_length=MAX_EXERCISE_NAME)]
    kind: Literal["stretch", "strengthen"]
    start_position: Text
    steps: tuple[Text, ...] = field(metadata={"min_length": 1, "max_length": MAX_STEPS})
    dose: Annotated[Dose, Rule(after=_whole)]
    benefit: Text
    caution: Text
    areas: tuple[ShortText, ...] = field(metadata=_about(
        "Body areas the exercise works.", min_length=1, max_length=MAX_AREAS))
    feel: Text = field(metadata=_about("What you should feel."))
    stop_if: Text = field(metadata=_about("When to stop."))
    easier: Text
    harder: Text
    figure: FigureSpec | None = field(default=None, metadata=_about("Pose data for the drawing."))
    image: Path | None = field(default=None, metadata=_about(
        "A PNG or JPEG, relative to the pack, instead of a pose."))

    def __post_init__(self) -> None:
        if self.figure is not None and self.image is not None:
            raise ValueError("give either figure or image, not both")


@record
class Section(Record):
    """A block of explanatory text: a heading, paragraphs and optional bullet points."""

    id: ExerciseId
    title: ShortText
    paragraphs: tuple[Text, ...] = field(default=(), metadata={"max_length": MAX_PARAGRAPHS})
    points: tuple[Text, ...] = field(default=(), metadata={"max_length": MAX_POINTS})
    place: Literal["about", "safety", "before"] = field(default="about", metadata=_about(
        "about: the background part (left out by --omit about and --brief); "
        "safety: a box with the safety advice, in every edition; "
        "before: in the 'Before you start' box ahead of the exercise cards."))


@record
class RedFlags(Record):
    """When to get help: the emergency list and the see-a-doctor-soon list."""

    emergency_intro: Text
    emergency: tuple[Text, ...] = field(metadata={"min_length": 1, "max_length": MAX_ITEMS})
    emergency_short: tuple[Text, ...] = field(default=(), metadata=_about(
        "The emergency signs in short, for the My plan page (the full list when empty).",
        max_length=MAX_ITEMS))
    emergency_why: Text
    today_intro: Text | None = field(default=None, metadata=_about("Who to call the same day."))
    today: tuple[Text, ...] = field(default=(), metadata=_about(
        "Signs to see a doctor today.", max_length=MAX_ITEMS))
    soon_intro: Text
    soon: tuple[Text, ...] = field(metadata={"min_length": 1, "max_length": MAX_ITEMS})


@record
class PainGuide(Record):
    """How much pain is OK: one rule, printed word for word wherever pain is mentioned,
    and a 0-10 scale in three bands (green, amber, red)."""

    rule: Text = field(metadata=_about(
        "How much pain is OK (during, next morning, week to week)."))
    spreading: Text = field(metadata=_about(
        "What to do when pain spreads down the leg; printed on every card as well."))
    green_max: int = field(default=2, metadata=_about(
        "Top of the green band (0-10).", ge=0, le=9))
    amber_max: int = field(default=5, metadata=_about("Top of the amber band.", ge=1, le=9))
    green: ShortText = field(metadata=_about("The label under the green band of the scale."))
    amber: ShortText = field(metadata=_about("The label under the amber band."))
    red: ShortText = field(metadata=_about("The label under the red band."))
    source: Text = field(metadata=_about(
        "What the rule is based on, printed with the sources."))

    def __post_init__(self) -> None:
        if self.green_max >= self.amber_max:
            raise ValueError("green_max must be below amber_max")


@record
class Question(Record):
    question: ShortText
    answer: Text


@record
class Source(Record):
    citation: Text
    url: Annotated[str, Rule(pattern=r"^https?://\S+$", max_length=500)] | None = None


@record
class Pack(Record):
    """A whole content pack: metadata, text, exercises, safety, FAQ and sources."""

    id: ExerciseId
    title: ShortText
    subtitle: ShortText | None = None
    condition: ShortText
    language: LanguageCode = field(metadata=_about(
        "BCP 47 tag of the pack's own text, e.g. en-GB; translations are folders."))
    version: ShortText
    last_reviewed: dt.date
    publisher: ShortText
    keywords: tuple[ShortText, ...] = field(default=(), metadata={"max_length": MAX_KEYWORDS})
    sections: tuple[Section, ...] = field(metadata={"min_length": 1,
                                                    "max_length": MAX_SECTIONS})
    safety: tuple[Text, ...] = field(metadata={"min_length": 1, "max_length": MAX_ITEMS})
    red_flags: RedFlags
    pain_guide: PainGuide
    faq: tuple[Question, ...] = field(default=(), metadata={"max_length": MAX_ITEMS})
    sources: tuple[Source, ...] = field(metadata={"min_length": 1, "max_length": MAX_ITEMS})
    guide_sources: tuple[Source, ...] = field(default=(), metadata=_about(
        "The sources of the guide this pack was written from, printed under their own "
        "heading after the clinical ones.", max_length=MAX_ITEMS))
    professional: ShortText = field(default="your physio or doctor", metadata=_about(
        "Who the patient asks, as the handout's fixed wording names them."))
    exercises: tuple[Exercise, ...] = field(metadata={"min_length": 1,
                                                      "max_length": MAX_EXERCISES})
    font: Path | None = field(default=None, metadata=_about(
        "A TrueType font file, relative to the pack, for every text."))

    def __post_init__(self) -> None:
        for what, ids in (("exercise", [e.id for e in self.exercises]),
                          ("section", [s.id for s in self.sections])):
            twice = repeated(ids)
            if twice:
                raise ValueError(f"{what} id {twice[0]!r} is used twice")

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id (KeyError if there is none)."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    @property
    def exercise_ids(self) -> tuple[str, ...]:
        return tuple(exercise.id for exercise in self.exercises)


@record
class PresetExercise(Dose):
    """An exercise in a preset: its id and any dose fields that differ from the pack."""

    id: ExerciseId

    def changes(self) -> dict[str, Any]:
        """The dose fields this entry gives (None among them clears the pack's value)."""
        return {name: getattr(self, name) for name in sorted(self.model_fields_set - {"id"})}

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """Pydantic's check of an entry, which also keeps the fields the entry gives."""
        from pydantic_core import core_schema

        def keep_given(value: Any, check: Any) -> PresetExercise:
            entry = check(value)
            if isinstance(value, Mapping):
                object.__setattr__(entry, "_given", frozenset(value))
            return entry  # type: ignore[no-any-return]

        return core_schema.no_info_wrap_validator_function(keep_given, handler(source))


def _entry_kind(value: object) -> str:
    return "id" if isinstance(value, str) else "entry"


def _omittable(omit: tuple[str, ...]) -> tuple[str, ...]:
    try:
        check_omit(omit)
    except UsageError as error:
        raise ValueError(error.problems[0].message) from None
    return omit


# An id alone, or an id with dose fields: chosen by the value's type, so an error in the
# dose fields is reported as such (not also as "should be a valid string").
PresetEntry = Annotated[str | PresetExercise,
                        Tagged(_entry_kind, (("id", ExerciseId), ("entry", PresetExercise)))]


@record
class Preset(Record):
    """A named selection of exercises with doses and notes, shipped with a pack."""

    name: ShortText
    description: Text
    exercises: tuple[PresetEntry, ...] = field(metadata={"min_length": 1,
                                                         "max_length": MAX_EXERCISES})
    notes: Text | None = None
    weeks: StrictInt | None = field(default=None, metadata={"ge": 0, "le": MAX_WEEKS})
    language: LanguageCode | None = field(default=None, metadata=_about(
        "Print in this language of the pack (as --lang), e.g. sv."))
    omit: Annotated[tuple[ExerciseId, ...], Rule(max_length=MAX_SECTIONS, after=_omittable)] = field(
        default=(), metadata=_about(
            "Optional sections to leave out, as in --omit ('handout sections' lists them)."))
    brief: bool = field(default=False, metadata=_about("Print the short edition, as --brief."))

    def __post_init__(self) -> None:
        ids = [e.id if isinstance(e, PresetExercise) else e for e in self.exercises]
        twice = repeated(ids)
        if twice:
            raise ValueError(f"exercise {twice[0]!r} is listed twice")


def file_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one of a pack's files as written: ``pack`` (pack.yaml, whose
    exercises are ids, each exercise a file of its own), ``exercise`` or ``preset``. The
    schema of the loaded Pack held every exercise in pack.yaml: an editor checking the
    bundled file against it found 8 errors."""
    if kind == "exercise":
        return Exercise.model_json_schema()
    if kind == "preset":
        return Preset.model_json_schema()
    schema = Pack.model_json_schema()
    schema["properties"]["exercises"] = {
        **schema["properties"]["exercises"], "description": "The exercises' ids, in print order; "
        "each is the file exercises/<id>.yaml.", "items": {"type": "string", "pattern": EXERCISE_ID}}
    return _without_unused_definitions(schema)


def _without_unused_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with only the ``$defs`` its properties still refer to, directly or not."""
    definitions = schema.get("$defs", {})

    def referred(value: Any) -> Iterator[str]:
        if isinstance(value, dict):
            reference = value.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                yield reference.removeprefix("#/$defs/")
            for item in value.values():
                yield from referred(item)
        elif isinstance(value, list):
            for item in value:
                yield from referred(item)

    used: set[str] = set()
    waiting = list(referred({key: value for key, value in schema.items() if key != "$defs"}))
    while waiting:
        name = waiting.pop()
        if name not in used and name in definitions:
            used.add(name)
            waiting.extend(referred(definitions[name]))
    return {**schema, "$defs": {name: definitions[name] for name in sorted(used)}}
