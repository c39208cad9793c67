"""Line breaks remembered across handouts: the pack's text breaks the same way every time.

A warm process (the web server, a batch worker) builds handout after handout from the same
pack: most paragraphs have the same text, style and width each time, and breaking their
lines is a third of a build. This memo keeps ReportLab's result (its ``ParaLines`` and the
processed fragments) by text, style and widths (a part of a split paragraph: by the whole
paragraph's key, which part and the line it was split at), least recently used first out,
so a patient's own text (names, notes) passes through without crowding the pack's out.

Shared results are only read: drawing a left-to-right paragraph does not change its lines;
the two things that would (ReportLab reverses right-to-left lines when it draws them, and
splitting a paragraph edits the fragments at its line ends) are kept off it by
:class:`generator.layout.flowables.TextBlock`. Safe under threads: one lock around the
memo's few dictionary operations.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import Any

from reportlab.lib.styles import ParagraphStyle

LIMIT = 4096  # paragraphs: a pack's whole text a few times over, a few MiB

# (text, style fingerprint, widths) -> (ParaLines, fragments, attributes breakLines sets)
Broken = tuple[Any, list[Any], dict[str, Any]]
_memo: OrderedDict[tuple[object, ...], Broken] = OrderedDict()
_lock = threading.Lock()

_fingerprints: dict[int, tuple[ParagraphStyle, int]] = {}
_FINGERPRINT_LIMIT = 4096
# Every attribute of a style, as a tuple -> a number standing for it in keys: a key holding
# the whole tuple is hashed again on every look-up (two a paragraph), the number is not.
# Numbers are never reused, so a key made before the table was emptied cannot match a
# different style after.
_numbers: dict[tuple[object, ...], int] = {}
_next_number = itertools.count()


def fingerprint(style: ParagraphStyle) -> int:
    """A number for every attribute of ``style`` and of its parents, for keys: equal
    styles (made anew for each handout, or shared) give the same number."""
    known = _fingerprints.get(id(style))
    if known is not None and known[0] is style:
        return known[1]
    parts = []
    level: ParagraphStyle | None = style
    while level is not None:
        parts.append(tuple(sorted((name, repr(value)) for name, value in vars(level).items()
                                  if name != "parent")))
        level = getattr(level, "parent", None)
    attributes = tuple(parts)
    with _lock:
        number = _numbers.get(attributes)
        if number is None:
            if len(_numbers) >= _FINGERPRINT_LIMIT:
                _numbers.clear()
            number = _numbers[attributes] = next(_next_number)
        if len(_fingerprints) >= _FINGERPRINT_LIMIT:
            _fingerprints.clear()
        _fingerprints[id(style)] = (style, number)  # the style kept alive: its id stays its own
    return number


def remembered(key: tuple[object, ...]) -> Broken | None:
    """The line breaks stored under ``key``, if any."""
    with _lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
        return found


def remember(key: tuple[object, ...], broken: Broken) -> None:
    with _lock:
        _memo[key] = broken
        if len(_memo) > LIMIT:
            _memo.popitem(last=False)


def forget() -> None:
    """Empty the memo (tests: a cold start in a warm process)."""
    with _lock:
        _memo.clear()
