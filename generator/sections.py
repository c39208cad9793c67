"""The handout's sections: which a clinician may leave out, and which never.

One table, read by the command line (``handout sections``, ``--omit``), presets, the
batch CSV and the templates (through the view's ``show`` mapping).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .errors import UsageError, shown

# id -> (what it is, may it be left out?)
SECTIONS: Mapping[str, tuple[str, bool]] = {
    "plan": ("My plan: the one-page summary with the exercises, doses and who to call", False),
    "exercises": ("the exercise cards", False),
    "pain": ("the pain rule and the 0 to 10 pain scale", False),
    "safety": ("Stay safe, getting down to the floor and up, self-care", False),
    "red-flags": ("Get help urgently and See a doctor soon", False),
    "log": ("the exercise log", True),
    "about": ("About sciatica: what it is and how exercise helps", True),
    "faq": ("Questions people often ask", True),
    "sources": ("Where this advice comes from", True),
}

# --brief: for returning patients, who already have the long edition.
BRIEF_OMITS: frozenset[str] = frozenset({"about", "faq", "sources", "log"})


def check_omit(names: Iterable[str], option: str = "--omit") -> frozenset[str]:
    """The section ids to leave out; an unknown id or a safety section is a usage error."""
    chosen = frozenset(name.strip().lower() for name in names if name.strip())
    for name in sorted(chosen):
        if name not in SECTIONS:
            raise UsageError(f"no section {shown(name)}; the sections are "
                             f"{', '.join(SECTIONS)} ('handout sections' lists them)",
                             field=option)
        if not SECTIONS[name][1]:
            raise UsageError(f"{shown(name)} cannot be left out: every handout keeps the "
                             "exercises, the pain rule, the safety advice and the red flags "
                             "(the signs to get help urgently), so a patient always knows "
                             "when to stop and who to call", field=option)
    return chosen


def shown_sections(omit: Iterable[str], brief: bool) -> dict[str, bool]:
    """Each section id -> whether this handout prints it."""
    left_out = set(omit) | (BRIEF_OMITS if brief else set())
    visible = {name: name not in left_out for name in SECTIONS}
    visible["brief"] = brief
    return visible
