"""Ready-to-print values for the templates: every number, date and label is made text here.

Templates receive plain strings (autoescaped when rendered), lists and mappings,
so they need no logic beyond loops and ``if`` on optional fields.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .i18n import Translator
from .model import Dose, Pack, Source
from .prescription import PrescribedExercise, Prescription, note_paragraphs
from .sections import shown_sections



def handout_context(pack: Pack, prescription: Prescription, tr: Translator) -> dict[str, Any]:
    """Everything the handout templates print, as ready-to-print strings."""
    details = prescription.details
    exercises = [_exercise(number, item, tr)
                 for number, item in enumerate(prescription.exercises, start=1)]
    frequencies = {e["how_often"] for e in exercises}
    common_how_often = exercises[0]["how_often"] if exercises and len(frequencies) == 1 else ""
    return {
        "show": shown_sections(prescription.omit, prescription.brief),
        "professional": pack.professional,
        "plan_columns": "2" if len(exercises) > 4 else "1",
        # One frequency for every exercise is said once, above the list (and on the log).
        "plan_how_often": common_how_often,
        "plan_has_sets": any(item.dose.reps and (item.dose.sets or 0) > 1
                             for item in prescription.exercises),
        "key_safety": pack.safety[:3],
        "more_safety": pack.safety[3:],
        "pain_scale": _pain_scale(pack, tr),
        "about_sections": [s for s in pack.sections if s.place == "about"],
        "safety_sections": [s for s in pack.sections if s.place == "safety"],
        "before_sections": [s for s in pack.sections if s.place == "before"],
        "guide_sources": [_source(source) for source in pack.guide_sources],
        "title": pack.title,
        "subtitle": pack.subtitle,
        "condition": pack.condition,
        "issued": tr.date(prescription.issued),
        "reviewed": tr.date(pack.last_reviewed),
        "version": pack.version,
        "publisher": pack.publisher,
        "review_date": tr.date(prescription.review) if prescription.review else None,
        "patient": details.patient,
        "clinician": details.clinician,
        "clinic": details.clinic,
        "contact": details.contact,
        "has_logo": details.logo is not None,
        "notes": note_paragraphs(details.notes),
        "preset_notes": note_paragraphs(prescription.preset_notes),
        "sections": pack.sections,
        "safety": pack.safety,
        "red_flags": pack.red_flags,
        "pain_guide": pack.pain_guide,
        "exercises": exercises,
        "log": _log(prescription, tr, _common_days(prescription)),
        "faq": pack.faq,
        "sources": [_source(source) for source in pack.sources],
    }


def _exercise(number: int, item: PrescribedExercise, tr: Translator) -> dict[str, Any]:
    exercise = item.exercise
    return {
        "id": exercise.id,
        "number": str(number),
        "name": exercise.name,
        "kind": tr.gettext("Stretch") if exercise.kind == "stretch" else tr.gettext("Strengthen"),
        "start_position": exercise.start_position,
        "steps": exercise.steps,
        "dose_words": dose_words(item.dose, tr),
        "how_often": _how_often(item.dose, tr),
        "note": item.dose.note,
        "benefit": exercise.benefit,
        "caution": exercise.caution,
        "areas": ", ".join(exercise.areas),
        "feel": exercise.feel,
        "stop_if": exercise.stop_if,
        "easier": exercise.easier,
        # Whether <figure variant="easier"> draws anything: the easier version has its own pose.
        "easier_drawn": exercise.figure is not None and exercise.figure.easier is not None,
        # The figure spans the card (<figure size="wide">): three panels, or a magnified detail.
        "figure_wide": exercise.figure is not None and exercise.figure.spans_card(),
        "harder": exercise.harder,
    }


def dose_words(dose: Dose, tr: Translator) -> list[str]:
    """The dose in plain words, one line for how much and one for how often:
    "Hold 30 seconds, 3 times, each side", "Once a day, 4 days a week"."""
    parts = []
    if dose.hold_seconds:
        parts.append(tr.ngettext("hold %(num)s second", "hold %(num)s seconds", dose.hold_seconds))
    count = dose.reps or (dose.sets if not dose.reps else None)
    if count:
        parts.append(tr.ngettext("%(num)s time", "%(num)s times", count))
    if dose.reps and dose.sets and dose.sets > 1:
        parts.append(tr.gettext("%(num)s sets, rest a minute between sets", num=dose.sets))
    side = {
        "each": tr.gettext("each side"),
        "left": tr.gettext("left side only"),
        "right": tr.gettext("right side only"),
        "both": tr.gettext("both sides together"),
    }.get(dose.side or "")
    if side:
        parts.append(side)
    lines = [", ".join(parts)] if parts else []
    how_often = _how_often(dose, tr)
    if how_often:
        lines.append(how_often)
    return [line[:1].upper() + line[1:] for line in lines]


def _how_often(dose: Dose, tr: Translator) -> str:
    parts = []
    if dose.times_per_day == 1:
        parts.append(tr.gettext("once a day"))
    elif dose.times_per_day == 2:
        parts.append(tr.gettext("twice a day"))
    elif dose.times_per_day:
        parts.append(tr.gettext("%(num)s times a day", num=dose.times_per_day))
    if dose.days_per_week == 7:
        parts.append(tr.gettext("every day"))
    elif dose.days_per_week:
        parts.append(tr.ngettext("%(num)s day a week", "%(num)s days a week", dose.days_per_week))
    return ", ".join(parts)


def _pain_scale(pack: Pack, tr: Translator) -> list[dict[str, str]]:
    """The bands of the drawn 0-10 pain scale, with their numbers and short labels."""
    guide = pack.pain_guide
    bands = (("green", 0, guide.green_max, guide.green),
             ("amber", guide.green_max + 1, guide.amber_max, guide.amber),
             ("red", guide.amber_max + 1, 10, guide.red))
    return [{"colour": colour, "low": str(low), "high": str(high), "label": label,
             "range": tr.gettext("%(low)s to %(high)s", low=low, high=high)}
            for colour, low, high, label in bands]


def _common_days(prescription: Prescription) -> int | None:
    """The days a week every exercise is done on, when that is one number."""
    days = {item.dose.days_per_week for item in prescription.exercises}
    return days.pop() if len(days) == 1 else None


def _log(prescription: Prescription, tr: Translator, days_a_week: int | None) -> dict[str, Any]:
    """The tick log: one row per exercise, one column per day (its weekday and date),
    week by week from the handout's date; each week's title says its aim in days."""
    start = prescription.issued
    # Monday first, two letters to fit a day column; each a literal, so validate finds it.
    weekdays = (tr.gettext("Mo"), tr.gettext("Tu"), tr.gettext("We"), tr.gettext("Th"),
                tr.gettext("Fr"), tr.gettext("Sa"), tr.gettext("Su"))
    weeks = []
    for week in range(prescription.weeks):
        days = [start + dt.timedelta(days=7 * week + offset) for offset in range(7)]
        title = tr.gettext("Week %(num)s", num=week + 1)
        if days_a_week and days_a_week < 7:
            title = tr.ngettext("%(title)s: aim for %(num)s day", "%(title)s: aim for %(num)s days",
                                days_a_week, title=title)
        weeks.append({"title": title,
                      "days": [{"name": weekdays[day.weekday()],
                                "date": str(day.day)} for day in days]})
    return {
        "weeks": weeks,
        "rows": [item.exercise.name for item in prescription.exercises],
    }


def _source(source: Source) -> dict[str, str | None]:
    """A source with its address as printed: without the scheme, which nobody types."""
    url = source.url
    text = url.split("://", 1)[-1].removeprefix("www.").rstrip("/") if url else None
    return {"citation": source.citation, "url": url, "url_text": text}
