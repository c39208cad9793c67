"""Ready-to-print values for the templates: every number, date and label is made text here.

Templates receive plain strings (autoescaped when rendered), lists and mappings,
so they need no logic beyond loops and ``if`` on optional fields.
"""

from __future__ import annotations

from typing import Any

from .i18n import Translator
from .model import Dose, Pack
from .prescription import PrescribedExercise, Prescription


def handout_context(pack: Pack, prescription: Prescription, tr: Translator) -> dict[str, Any]:
    """Everything the handout templates print, as ready-to-print strings."""
    details = prescription.details
    return {
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
        "notes": _paragraphs(details.notes),
        "preset_notes": _paragraphs(prescription.preset_notes),
        "sections": pack.sections,
        "safety": pack.safety,
        "red_flags": pack.red_flags,
        "pain_guide": pack.pain_guide,
        "exercises": [_exercise(number, item, tr)
                      for number, item in enumerate(prescription.exercises, start=1)],
        "log": _log(prescription, tr),
        "faq": pack.faq,
        "sources": pack.sources,
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
        "dose": dose_lines(item.dose, tr),
        "note": item.dose.note,
        "benefit": exercise.benefit,
        "caution": exercise.caution,
        "areas": ", ".join(exercise.areas),
        "feel": exercise.feel,
        "stop_if": exercise.stop_if,
        "easier": exercise.easier,
        # Whether <figure variant="easier"> draws anything: the easier version has its own pose.
        "easier_drawn": exercise.figure is not None and exercise.figure.easier is not None,
        "harder": exercise.harder,
    }


def dose_lines(dose: Dose, tr: Translator) -> list[dict[str, str]]:
    """The dose as labelled lines ("Hold": "30 seconds"), leaving out what is not set."""
    lines = []
    if dose.hold_seconds:
        lines.append((tr.gettext("Hold"),
                      tr.ngettext("%(num)s second", "%(num)s seconds", dose.hold_seconds)))
    repeat = _repeat(dose, tr)
    if repeat:
        lines.append((tr.gettext("Repeat"), repeat))
    how_often = _how_often(dose, tr)
    if how_often:
        lines.append((tr.gettext("How often"), how_often))
    return [{"label": label, "value": value} for label, value in lines]


def _repeat(dose: Dose, tr: Translator) -> str:
    parts = []
    if dose.reps and dose.sets and dose.sets > 1:
        parts.append(tr.gettext("%(sets)s sets of %(reps)s", sets=dose.sets, reps=dose.reps))
    elif dose.reps or dose.sets:
        parts.append(tr.ngettext("%(num)s time", "%(num)s times", dose.reps or dose.sets or 1))
    side = {
        "each": tr.gettext("on each side"),
        "left": tr.gettext("left side only"),
        "right": tr.gettext("right side only"),
        "both": tr.gettext("both sides together"),
    }.get(dose.side or "")
    if side:
        parts.append(side)
    return ", ".join(parts)


def _how_often(dose: Dose, tr: Translator) -> str:
    parts = []
    if dose.times_per_day == 1:
        parts.append(tr.gettext("once a day"))
    elif dose.times_per_day:
        parts.append(tr.gettext("%(num)s times a day", num=dose.times_per_day))
    if dose.days_per_week == 7:
        parts.append(tr.gettext("every day"))
    elif dose.days_per_week:
        parts.append(tr.ngettext("%(num)s day a week", "%(num)s days a week", dose.days_per_week))
    return ", ".join(parts)


def _log(prescription: Prescription, tr: Translator) -> dict[str, Any]:
    """The tick log: one row per exercise, one column per day, week by week."""
    weeks = [
        {"title": tr.gettext("Week %(num)s", num=week),
         "days": [str(day) for day in range(1, 8)]}
        for week in range(1, prescription.weeks + 1)
    ]
    return {
        "weeks": weeks,
        "rows": [item.exercise.name for item in prescription.exercises],
    }


def _paragraphs(text: str | None) -> list[str]:
    """Free text split into paragraphs at blank lines; single newlines are kept as spaces."""
    if not text:
        return []
    blocks = [" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]
