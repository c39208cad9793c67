"""The content model: typed, immutable, and ignorant of PDF.

A content pack (``data/<pack>/``) validates into a :class:`Pack`; a preset into a
:class:`Preset`. The same models back the JSON Schema that ``handout schema`` prints.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, StrictInt,
                      StringConstraints, Tag, field_validator, model_validator)

from .errors import UsageError
from .figures.spec import FigureSpec
from .languages import language_code
from .limits import (MAX_AREAS, MAX_EXERCISES, MAX_ITEMS, MAX_KEYWORDS, MAX_PARAGRAPHS,
                     MAX_POINTS, MAX_SECTIONS, MAX_SHORT, MAX_STEPS, MAX_TEXT, MAX_WEEKS)
from .sections import check_omit

# An id names a file (exercises/<id>.yaml): checked with this before it touches the disk.
EXERCISE_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

ExerciseId = Annotated[
    str,
    StringConstraints(pattern=EXERCISE_ID, max_length=60),
    Field(description="Lower-case words joined by hyphens, e.g. knee-to-chest."),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SHORT)]
Side = Literal["each", "left", "right", "both"]
# Read case-insensitively ("SV" is sv), as --lang is (languages.language_code).
LanguageCode = Annotated[str, BeforeValidator(lambda value: language_code(value)
                                              if isinstance(value, str) else value),
                         StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]


class Frozen(BaseModel):
    """Base for every model: immutable, and unknown fields are errors (a typo is not ignored)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Dose(Frozen):
    """How much and how often. Every field is optional; a pack gives defaults."""

    sets: StrictInt | None = Field(default=None, ge=1, le=20)
    reps: StrictInt | None = Field(default=None, ge=1, le=100, description="Repetitions in each set.")
    hold_seconds: StrictInt | None = Field(default=None, ge=1, le=600)
    times_per_day: StrictInt | None = Field(default=None, ge=1, le=12)
    days_per_week: StrictInt | None = Field(default=None, ge=1, le=7)
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
    steps: tuple[Text, ...] = Field(min_length=1, max_length=MAX_STEPS)
    dose: Dose
    benefit: Text
    caution: Text
    areas: tuple[ShortText, ...] = Field(min_length=1, max_length=MAX_AREAS, description="Body areas the exercise works.")
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
    paragraphs: tuple[Text, ...] = Field(default=(), max_length=MAX_PARAGRAPHS)
    points: tuple[Text, ...] = Field(default=(), max_length=MAX_POINTS)
    place: Literal["about", "safety", "before"] = Field(
        default="about",
        description="about: the background part (left out by --omit about and --brief); "
                    "safety: a box with the safety advice, in every edition; "
                    "before: in the 'Before you start' box ahead of the exercise cards.")


class RedFlags(Frozen):
    """When to get help: the emergency list and the see-a-doctor-soon list."""

    emergency_intro: Text
    emergency: tuple[Text, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    emergency_short: tuple[Text, ...] = Field(
        default=(), max_length=MAX_ITEMS,
        description="The emergency signs in short, for the My plan page (the full list when "
                    "empty).")
    emergency_why: Text
    today_intro: Text | None = Field(default=None, description="Who to call the same day.")
    today: tuple[Text, ...] = Field(default=(), max_length=MAX_ITEMS,
                                    description="Signs to see a doctor today.")
    soon_intro: Text
    soon: tuple[Text, ...] = Field(min_length=1, max_length=MAX_ITEMS)


class PainGuide(Frozen):
    """How much pain is OK: one rule, printed word for word wherever pain is mentioned,
    and a 0-10 scale in three bands (green, amber, red)."""

    rule: Text = Field(description="How much pain is OK (during, next morning, week to week).")
    spreading: Text = Field(description="What to do when pain spreads down the leg; printed "
                                        "on every card as well.")
    green_max: int = Field(default=2, ge=0, le=9, description="Top of the green band (0-10).")
    amber_max: int = Field(default=5, ge=1, le=9, description="Top of the amber band.")
    green: ShortText = Field(description="The label under the green band of the scale.")
    amber: ShortText = Field(description="The label under the amber band.")
    red: ShortText = Field(description="The label under the red band.")
    source: Text = Field(description="What the rule is based on, printed with the sources.")

    @model_validator(mode="after")
    def _bands_in_order(self) -> PainGuide:
        if self.green_max >= self.amber_max:
            raise ValueError("green_max must be below amber_max")
        return self


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
    language: LanguageCode = Field(
        description="BCP 47 tag of the pack's own text, e.g. en-GB; translations are folders.")
    version: ShortText
    last_reviewed: dt.date
    publisher: ShortText
    keywords: tuple[ShortText, ...] = Field(default=(), max_length=MAX_KEYWORDS)
    sections: tuple[Section, ...] = Field(min_length=1, max_length=MAX_SECTIONS)
    safety: tuple[Text, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    red_flags: RedFlags
    pain_guide: PainGuide
    faq: tuple[Question, ...] = Field(default=(), max_length=MAX_ITEMS)
    sources: tuple[Source, ...] = Field(min_length=1, max_length=MAX_ITEMS)
    guide_sources: tuple[Source, ...] = Field(
        default=(), max_length=MAX_ITEMS,
        description="The sources of the guide this pack was written from, printed under "
                    "their own heading after the clinical ones.")
    professional: ShortText = Field(
        default="your physio or doctor",
        description="Who the patient asks, as the handout's fixed wording names them.")
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


def _entry_kind(value: object) -> str:
    return "id" if isinstance(value, str) else "entry"


# An id alone, or an id with dose fields: chosen by the value's type, so an error in the
# dose fields is reported as such (not also as "should be a valid string").
PresetEntry = Annotated[
    Annotated[ExerciseId, Tag("id")] | Annotated[PresetExercise, Tag("entry")],
    Discriminator(_entry_kind),
]


class Preset(Frozen):
    """A named selection of exercises with doses and notes, shipped with a pack."""

    name: ShortText
    description: Text
    exercises: tuple[PresetEntry, ...] = Field(min_length=1, max_length=MAX_EXERCISES)
    notes: Text | None = None
    weeks: StrictInt | None = Field(default=None, ge=0, le=MAX_WEEKS)
    language: LanguageCode | None = Field(
        default=None, description="Print in this language of the pack (as --lang), e.g. sv.")
    omit: tuple[ExerciseId, ...] = Field(
        default=(), max_length=MAX_SECTIONS,
        description="Optional sections to leave out, as in --omit ('handout sections' lists "
                    "them).")
    brief: bool = Field(default=False, description="Print the short edition, as --brief.")

    @field_validator("omit")
    @classmethod
    def _omittable(cls, omit: tuple[str, ...]) -> tuple[str, ...]:
        try:
            check_omit(omit)
        except UsageError as error:
            raise ValueError(error.problems[0].message) from None
        return omit

    @model_validator(mode="after")
    def _each_exercise_once(self) -> Preset:
        ids = [e.id if isinstance(e, PresetExercise) else e for e in self.exercises]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"exercise {twice[0]!r} is listed twice")
        return self
