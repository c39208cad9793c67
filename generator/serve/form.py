"""The web form: every choice in one list, read into :class:`BuildOptions` with errors per field.

The handout's options are :data:`FIELDS`: a ``Field`` names its ``BuildOptions`` (or
``PatientDetails``) attribute, its label, its kind and the command-line option the
pipeline's errors name. The page is drawn from this list and the form is read by it, so
a new option of the handout is one ``Field`` here. Exercises and their doses are the
cards: their fields are :data:`DOSE_FIELDS`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Literal, Protocol

from ..build import BuildOptions, Resources
from ..errors import UserError
from ..images import print_ready
from ..languages import pack_languages, primary
from ..limits import DEFAULT_WEEKS, MAX_DIGITS, MAX_NOTES, MAX_SHORT, MAX_TEXT, MAX_WEEKS
from ..loading import unknown_id_message
from ..model import Dose, Pack, Preset
from ..prescription import PatientDetails, parse_dose, select_exercises
from ..sections import BRIEF_OMITS, SECTIONS

Kind = Literal["text", "textarea", "date", "number", "checkbox", "choice", "choices", "file"]
Choices = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Field:
    """One form field standing for one build option."""

    name: str            # the BuildOptions attribute (PatientDetails's when ``detail``)
    label: str
    kind: Kind
    option: str          # the command-line option; the pipeline's errors name it
    hint: str = ""
    max_length: int | None = None
    maximum: int | None = None
    choices: Callable[[Resources], Choices] | None = None
    detail: bool = False
    autocomplete: str = "off"
    default: str = ""    # as typed in the empty form (a choice's preselected value);
                         # a choice without one may be left unchosen (None: the CLI's default)


def _page_sizes(resources: Resources) -> Choices:
    return (("a4", "A4"), ("letter", "US Letter"))


LANGUAGE_NAMES = {"en": "English", "sv": "Svenska"}  # each in its own language


def _languages(resources: Resources) -> Choices:
    """The languages the pack prints in: its own, then each translation's."""
    codes = pack_languages(resources.pack_dir, resources.pack.language)
    return tuple((code, LANGUAGE_NAMES.get(code, code)) for code in codes)


def _optional_sections(resources: Resources) -> Choices:
    """The sections a clinician may leave out (sections.py), described in words."""
    return tuple((name, what[:1].upper() + what[1:])
                 for name, (what, optional) in SECTIONS.items() if optional)


def _brief_hint() -> str:
    left_out = [SECTIONS[name][0].split(":")[0] for name in SECTIONS if name in BRIEF_OMITS]
    return ("For a returning patient who has the full handout: leaves out "
            + ", ".join(left_out[:-1]) + " and " + left_out[-1] + ".")


DETAIL_FIELDS: tuple[Field, ...] = (
    Field("patient", "Patient's name", "text", "--patient", max_length=MAX_SHORT, detail=True),
    Field("clinician", "Your name", "text", "--clinician", "For example: Sam Lee, physiotherapist",
          max_length=MAX_SHORT, detail=True, autocomplete="name"),
    Field("clinic", "Clinic", "text", "--clinic", max_length=MAX_SHORT, detail=True,
          autocomplete="organization"),
    Field("contact", "Contact for questions", "text", "--contact",
          "A phone number or email address", max_length=MAX_SHORT, detail=True),
    Field("notes", "Notes for the patient", "textarea", "--notes",
          "Leave a blank line to start a new paragraph.", max_length=MAX_NOTES, detail=True),
    Field("logo", "Clinic logo", "file", "--logo", "PNG or JPEG, at most 5 MB.", detail=True),
)
PRINT_FIELDS: tuple[Field, ...] = (
    Field("date", "Date of issue", "date", "--date", "Empty for today."),
    Field("review_date", "Review date", "date", "--review-date", "Optional."),
    Field("weeks", "Weeks in the exercise log", "number", "--weeks",
          f"0 to {MAX_WEEKS}; 0 for no log; empty for {DEFAULT_WEEKS} (or the preset's).",
          maximum=MAX_WEEKS),
    Field("page_size", "Paper size", "choice", "--page-size", choices=_page_sizes,
          default="a4"),
    Field("large_print", "Large print (body text 16 pt, larger drawings)", "checkbox",
          "--large-print"),
    Field("language", "Language of the handout", "choice", "--lang", choices=_languages),
    Field("brief", "Short edition", "checkbox", "--brief", _brief_hint()),
    Field("omit", "Sections to leave out", "choices", "--omit",
          "The exercises, the pain rule, the safety advice and when to get help are always "
          "printed.", choices=_optional_sections),
)
FIELDS = DETAIL_FIELDS + PRINT_FIELDS

# name, label, and the choices of a choice; the limits come from the model (Dose).
DOSE_FIELDS: tuple[tuple[str, str], ...] = (
    ("sets", "Sets"), ("reps", "Repetitions"), ("hold_seconds", "Hold (seconds)"),
    ("times_per_day", "Times a day"), ("days_per_week", "Days a week"), ("side", "Side"),
    ("note", "Note"),
)
SIDES: Choices = (("each", "each side in turn"), ("left", "left side only"),
                  ("right", "right side only"), ("both", "both legs together"))
MAX_LOGO_BYTES = 5 * 1024 * 1024


class FormData(Protocol):
    """What the form reader needs of a posted form (Starlette's FormData has it)."""

    def get(self, key: str, default: object = None) -> object: ...

    def getlist(self, key: str) -> list[object]: ...


def dose_name(dose_field: str, exercise_id: str) -> str:
    """The form name of one exercise's dose field ('reps.bird-dog')."""
    return f"{dose_field}.{exercise_id}"


def dose_limits(dose_field: str) -> tuple[int, int]:
    """The smallest and largest value the model allows for a numeric dose field."""
    metadata = next(item.metadata for item in fields(Dose) if item.name == dose_field)
    return int(metadata["ge"]), int(metadata["le"])


@dataclass
class FormState:
    """What the page shows: the typed values, the cards' order, the ticks and the errors."""

    values: dict[str, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    ticked: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # form name -> message
    general: list[str] = field(default_factory=list)      # errors that belong to no field
    logo_kept: str = ""   # the token of a logo the server keeps in memory for this form


def initial_state(pack: Pack) -> FormState:
    """The empty form: the pack's exercises in order, all ticked (the CLI's default), in
    the pack's own language."""
    ids = list(pack.exercise_ids)
    values = {f.name: f.default for f in FIELDS if f.default}
    values["language"] = primary(pack.language)
    return FormState(values=values, order=ids, ticked=list(ids))


def default_doses(pack: Pack, preset: Preset | None) -> dict[str, Dose]:
    """Each exercise's dose before the form changes it: the pack's, then the preset's."""
    doses = {exercise.id: exercise.dose for exercise in pack.exercises}
    if preset is not None:
        doses.update((item.exercise.id, item.dose) for item in select_exercises(pack, preset))
    return doses


def apply_preset(state: FormState, pack: Pack, preset: Preset | None) -> FormState:
    """The form with a preset's exercises ticked and first, and no dose typed over it."""
    chosen = ([item.exercise.id for item in select_exercises(pack, preset)] if preset
              else list(pack.exercise_ids))
    order = chosen + [i for i in state.order if i not in chosen]
    values = {name: value for name, value in state.values.items()
              if not any(name.startswith(f"{dose_field}.") for dose_field, _ in DOSE_FIELDS)}
    values.pop("weeks", None)
    if preset is not None and preset.language:  # as the CLI: the preset's, unless --lang
        values["language"] = primary(preset.language)
    return replace(state, values=values, order=order, ticked=chosen, errors={}, general=[])


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def read_form(form: FormData, resources: Resources, presets: Mapping[str, Preset],
              base: BuildOptions, logo: bytes | None = None,
              ) -> tuple[FormState, BuildOptions | None]:
    """The form as it was typed, and the build options it stands for (None if it has errors).

    ``resources``: the pack the form is for (in its own language); ``base`` carries what
    the form does not choose; ``logo`` is the uploaded logo's bytes, kept in memory.
    """
    pack = resources.pack
    state = FormState()
    values, errors = state.values, state.errors
    names = [f.name for f in FIELDS if f.kind not in {"file", "choices", "checkbox"}]
    names += ["preset"] + [dose_name(d, i) for i in pack.exercise_ids for d, _ in DOSE_FIELDS]
    for name in names:
        values[name] = _text(form, name)
    for checkbox in (f for f in FIELDS if f.kind == "checkbox"):
        values[checkbox.name] = "on" if _text(form, checkbox.name) else ""
    for choices in (f for f in FIELDS if f.kind == "choices"):
        picked = (v for v in form.getlist(choices.name) if isinstance(v, str))
        values[choices.name] = "\n".join(picked)

    preset_name = values["preset"]
    preset = presets.get(preset_name)
    if preset_name and preset is None:
        errors["preset"] = f"unknown preset {preset_name!r}"

    positions = [p for p in form.getlist("position") if isinstance(p, str)]
    state.order = list(dict.fromkeys(p for p in positions if p in pack.exercise_ids))
    state.order += [i for i in pack.exercise_ids if i not in state.order]
    ticked = {t for t in form.getlist("exercise") if isinstance(t, str)}
    for unknown in sorted(ticked - set(pack.exercise_ids)):
        errors["exercises"] = unknown_id_message(unknown, pack)
    state.ticked = [i for i in state.order if i in ticked]
    if not state.ticked and "exercises" not in errors:
        errors["exercises"] = "Tick at least one exercise."

    defaults = default_doses(pack, preset)
    doses = [spec for exercise_id in state.ticked
             if (spec := _dose_spec(exercise_id, values, defaults[exercise_id], pack, errors))]

    chosen: dict[str, object] = {}
    details: dict[str, object] = {"logo": logo}
    for option in FIELDS:
        if option.kind == "file":
            continue
        value = _parsed(option, values.get(option.name, ""), form, resources, errors)
        (details if option.detail else chosen)[option.name] = value
    logo_error = logo_problem(logo)
    if logo_error:
        errors["logo"] = logo_error
    if errors:
        return state, None
    options = replace(base, preset=preset_name or None, exercises=tuple(state.ticked),
                      doses=tuple(doses), details=PatientDetails(**details),  # type: ignore[arg-type]
                      **chosen)  # type: ignore[arg-type]
    return state, options


@lru_cache(maxsize=4)  # the page checks an upload in a worker thread, then reads the form
def logo_problem(logo: bytes | None) -> str | None:
    """What is wrong with an uploaded logo, in words, or None if it will print."""
    if logo is None:
        return None
    if len(logo) > MAX_LOGO_BYTES:
        return f"The logo is larger than {MAX_LOGO_BYTES // 1024 // 1024} MB."
    try:
        print_ready(logo)
    except UserError as error:
        return f"The logo {error.problems[0].message}."
    return None


def _parsed(option: Field, raw: str, form: FormData, resources: Resources,
            errors: dict[str, str]) -> object:
    """One field's value as BuildOptions wants it; a mistake goes into ``errors``."""
    text = raw.strip()
    if option.max_length is not None and len(raw) > option.max_length:
        errors[option.name] = (f"This is {len(raw):,} characters long; the limit is "
                               f"{option.max_length:,}.")
        return None
    if option.kind == "checkbox":
        return bool(raw)
    if option.kind == "choices":
        allowed = {value for value, _ in option.choices(resources)} if option.choices else set()
        picked = tuple(v for v in form.getlist(option.name) if isinstance(v, str))
        if set(picked) - allowed:
            errors[option.name] = "Choose from the list."
        return picked
    if option.kind == "choice":
        allowed = [value for value, _ in option.choices(resources)] if option.choices else []
        if not text and not option.default:
            return None
        if text not in allowed:
            errors[option.name] = "Choose one of: " + ", ".join(allowed) + "."
            return None
        return text
    if not text:
        return None
    if option.kind == "date":
        try:  # YYYY-MM-DD only, as the hint and --date (fromisoformat also takes 20261124)
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            errors[option.name] = "Write the date as YYYY-MM-DD, for example 2026-11-24."
            return None
    if option.kind == "number":
        number = _whole_number(text, 0, option.maximum or 0)
        if number is None:
            errors[option.name] = f"Write a whole number from 0 to {option.maximum}."
        return number
    return raw if option.kind == "textarea" else text


def _whole_number(text: str, low: int, high: int) -> int | None:
    """``text`` as a whole number from ``low`` to ``high``, or None. At most MAX_DIGITS
    digits are read, as on the command line: Python refuses to read a number of more than
    4,300 digits, and a 5,000-digit field was a bare "Internal Server Error"."""
    if not text.isdecimal() or len(text) > MAX_DIGITS:
        return None
    value = int(text)
    return value if low <= value <= high else None


def _dose_spec(exercise_id: str, values: dict[str, str], default: Dose, pack: Pack,
               errors: dict[str, str]) -> str | None:
    """The ``--dose`` spec the card's fields stand for, or None when none is filled in.

    An empty field keeps the default; sets or repetitions alone keep the other's default.
    """
    number: dict[str, int] = {}
    for dose_field in ("sets", "reps", "hold_seconds", "times_per_day", "days_per_week"):
        name = dose_name(dose_field, exercise_id)
        text = values[name].strip()
        if not text:
            continue
        low, high = dose_limits(dose_field)
        value = _whole_number(text, low, high)
        if value is None:
            errors[name] = f"Write a whole number from {low} to {high}."
        else:
            number[dose_field] = value
    side = values[dose_name("side", exercise_id)].strip()
    if side and side not in {value for value, _ in SIDES}:
        errors[dose_name("side", exercise_id)] = "Choose a side from the list."
    note = values[dose_name("note", exercise_id)].strip()
    if len(note) > MAX_TEXT:
        errors[dose_name("note", exercise_id)] = (
            f"This is {len(note):,} characters long; the limit is {MAX_TEXT:,}.")
    if any(name.endswith(f".{exercise_id}") for name in errors):
        return None

    items: list[str] = []
    if "sets" in number or "reps" in number:
        sets = number.get("sets", default.sets)
        reps = number.get("reps", default.reps)
        if reps is None:
            errors[dose_name("reps", exercise_id)] = "Give the repetitions with the sets."
            return None
        items.append(f"{sets}x{reps}" if sets else f"{reps}x")
    if "hold_seconds" in number:
        items.append(f"hold{number['hold_seconds']}")
    if "times_per_day" in number:
        items.append(f"{number['times_per_day']}/day")
    if "days_per_week" in number:
        items.append(f"{number['days_per_week']}/week")
    if side:
        items.append(side)
    if note:
        items.append(f"note:{' '.join(note.split())}")
    if not items:
        return None
    spec = f"{exercise_id}={','.join(items)}"
    try:
        parse_dose(spec, pack)  # the CLI's own check, so the page says what the CLI says
    except UserError as error:
        errors[f"dose.{exercise_id}"] = error.problems[0].message
        return None
    return spec


# The pipeline's errors name a command-line option: the form field that stands for it.
_FIELD_OF_OPTION = {f.option: f.name for f in FIELDS} | {
    "--exercise": "exercises", "--exclude": "exercises", "--preset": "preset"}


# The page has no font field: the pipeline's advice to choose one is left out.
_FONT_ADVICE = re.compile(r" or choose a font that has (?:it|them) with --font")


def page_message(message: str) -> str:
    """A pipeline message as the page says it (no advice about options it does not have)."""
    return _FONT_ADVICE.sub("", message)


def place_error(state: FormState, error: UserError) -> None:
    """Put a pipeline error beside its field, or at the top when it has none."""
    for problem in error.problems:
        problem = replace(problem, message=page_message(problem.message))
        name = _FIELD_OF_OPTION.get(problem.field or "")
        if name is not None:
            state.errors.setdefault(name, problem.message)
        else:
            state.general.append(str(problem))


def error_order(state: FormState, pack: Pack) -> Sequence[tuple[str, str]]:
    """The errors in the order their fields stand on the page (for the summary at the top)."""
    page = ["preset", "exercises"]
    for exercise_id in state.order:
        page += [f"dose.{exercise_id}"] + [dose_name(d, exercise_id) for d, _ in DOSE_FIELDS]
    page += [f.name for f in FIELDS]
    names = [name for name in page if name in state.errors]
    names += [name for name in state.errors if name not in page]
    return [(name, f"{error_label(name, pack)}: {state.errors[name]}") for name in names]


def error_label(name: str, pack: Pack) -> str:
    """What a form name stands for, in words ('Bird dog, repetitions')."""
    kind, _, exercise_id = name.partition(".")
    if exercise_id in pack.exercise_ids:
        label = dict(DOSE_FIELDS).get(kind, "dose")
        return f"{pack.exercise(exercise_id).name}, {label.lower()}"
    labels = {f.name: f.label for f in FIELDS} | {"preset": "Preset", "exercises": "Exercises"}
    return labels.get(name, name)
