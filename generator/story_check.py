"""What no template may leave out, checked on the rendered story before layout.

A clinic's own templates may reword and rearrange the handout, but a handout without
the full "Get help urgently" box, or without a card for an exercise the clinician chose,
is a wrong handout that looks right. ``--omit`` refuses to leave these out; this refuses
a template folder that does it silently.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError

if TYPE_CHECKING:
    from .model import Pack
    from .prescription import Prescription


def check_safety_content(root: ET.Element, pack: Pack, prescription: Prescription,
                         templates_dir: Path | None) -> None:
    """Refuse a story without the red-flag box's every sign, in one danger box, or without
    a card holding every step of each prescribed exercise."""
    problems = []
    signs = [_plain(sign) for sign in pack.red_flags.emergency]
    if not any(_holds(box, signs) for box in root.iter("box") if box.get("style") == "danger"):
        problems.append('the full "Get help urgently" box (a <box style="danger"> holding every '
                        "emergency sign of the pack)")
    cards = [_plain("".join(card.itertext())) for card in root.iter("card")]
    for item in prescription.exercises:
        steps = [_plain(step) for step in item.exercise.steps]
        if not any(all(step in card for step in steps) for card in cards):
            problems.append(f"the card for {item.exercise.id!r} with all its steps")
    if problems:
        raise UserError("the templates leave out what every handout must print: "
                        + "; ".join(problems), path=templates_dir)


def _holds(box: ET.Element, texts: Iterable[str]) -> bool:
    content = _plain("".join(box.itertext()))
    return all(text in content for text in texts)


def _plain(text: str) -> str:
    return " ".join(text.split())
