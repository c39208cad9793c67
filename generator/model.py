"""The content model: typed, immutable, and ignorant of PDF.

A content pack (``data/<pack>/``) validates into a :class:`Pack`; a preset into a
:class:`Preset`. The same models back the JSON Schema that ``handout schema`` prints.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .limits import MAX_EXERCISES, MAX_SHORT, MAX_TEXT, MAX_WEEKS
from .pose import FigureSpec


ExerciseId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60),
    Field(description="Lower-case words joined by hyphens, e.g. knee-to-chest."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SHORT)]
Side = Literal["each", "left", "right", "both"]


class Frozen(BaseModel):
    """Base for every model: immutable, and unknown fields are errors (a typo is not ignored)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Dose(Frozen):
    """How much and how often. Every field is optional; a pack gives defaults."""

    sets: int | None = Field(default=None, ge=1, le=20)
    reps: int | None = Field(default=None, ge=1, le=100, description="Repetitions in each set.")
    hold_seconds: int | None = Field(default=None, ge=1, le=600)
    times_per_day: int | None = Field(default=None, ge=1, le=12)
    days_per_week: int | None = Field(default=None, ge=1, le=7)
    side: Side | None = Field(
        default=None,
        description="each: do both sides; left/right: one side only; both: both legs at once.",
    )
    note: Text | None = None

    def merged(self, override: Dose) -> Dose:
        """This dose with every field that ``override`` sets replaced."""
        return self.model_copy(update=override.model_dump(exclude_unset=True))


class Exercise(Frozen):
    """One exercise card."""

    id: ExerciseId
    name: ShortText
    kind: Literal["stretch", "strengthen"]
    start_position: Text
    steps: tuple[Text, ...] = Field(min_length=1, max_length=12)
    dose: Dose
    benefit: Text
    caution: Text
    areas: tuple[ShortText, ...] = Field(min_length=1, description="Body areas the exercise works.")
    feel: Text = Field(description="What you should feel.")
    stop_if: Text = Field(description="When to stop.")
    easier: Text
    harder: Text
    figure: FigureSpec | None = Field(default=None, description="Pose data for the drawing.")
    image: Path | None = Field(
        default=None, description="A PNG or JPEG, relative to the pack, instead of a pose."
    )

    @model_validator(mode="after")
    def _one_picture(self) -> Exercise:
        if self.figure is not None and self.image is not None:
            raise ValueError("give either figure or image, not both")
        return self


class Section(Frozen):
    """A block of explanatory text: a heading, paragraphs and optional bullet points."""

    id: ExerciseId
    title: ShortText
    paragraphs: tuple[Text, ...] = ()
    points: tuple[Text, ...] = ()


class RedFlags(Frozen):
    """When to get help: the emergency list and the see-a-doctor-soon list."""

    emergency_intro: Text
    emergency: tuple[Text, ...] = Field(min_length=1)
    emergency_why: Text
    soon_intro: Text
    soon: tuple[Text, ...] = Field(min_length=1)


class PainGuide(Frozen):
    """How much pain is OK during the programme, in traffic-light form."""

    green: Text
    amber: Text
    red: Text
    source: ShortText = Field(description="Which entry of the source list this guide follows.")


class Question(Frozen):
    question: ShortText
    answer: Text


class Source(Frozen):
    citation: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=500)] | None = None


class Pack(Frozen):
    """A whole content pack: metadata, text, exercises, safety, FAQ and sources."""

    id: ExerciseId
    title: ShortText
    subtitle: ShortText | None = None
    condition: ShortText
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
    version: ShortText
    last_reviewed: dt.date
    publisher: ShortText
    keywords: tuple[ShortText, ...] = ()
    sections: tuple[Section, ...] = Field(min_length=1)
    safety: tuple[Text, ...] = Field(min_length=1)
    red_flags: RedFlags
    pain_guide: PainGuide
    faq: tuple[Question, ...] = ()
    sources: tuple[Source, ...] = Field(min_length=1)
    exercises: tuple[Exercise, ...] = Field(min_length=1, max_length=MAX_EXERCISES)
    font: Path | None = Field(
        default=None, description="A TrueType font file, relative to the pack, for every text."
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        for what, ids in (("exercise", [e.id for e in self.exercises]),
                          ("section", [s.id for s in self.sections])):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"{what} id {twice[0]!r} is used twice")
        return self

    def exercise(self, exercise_id: str) -> Exercise:
        """The exercise with this id (KeyError if there is none)."""
        for exercise in self.exercises:
            if exercise.id == exercise_id:
                return exercise
        raise KeyError(exercise_id)

    @property
    def exercise_ids(self) -> tuple[str, ...]:
        return tuple(exercise.id for exercise in self.exercises)


class PresetExercise(Dose):
    """An exercise in a preset: its id and any dose fields that differ from the pack."""

    id: ExerciseId


class Preset(Frozen):
    """A named selection of exercises with doses and notes, shipped with a pack."""

    name: ShortText
    description: Text
    exercises: tuple[ExerciseId | PresetExercise, ...] = Field(min_length=1)
    notes: Text | None = None
    weeks: int | None = Field(default=None, ge=0, le=MAX_WEEKS)

    @model_validator(mode="after")
    def _each_exercise_once(self) -> Preset:
        ids = [e.id if isinstance(e, PresetExercise) else e for e in self.exercises]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"exercise {twice[0]!r} is listed twice")
        return self
