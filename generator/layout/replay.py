"""Figures replayed from their PDF operators: drawn once, kept in memory and on disk.

A figure is pure vector graphics, a function of its pose data, size and inks: its PDF
operators do not depend on the document. The figure engine hands over a key that names
all of that and a function that draws it; this module keeps the operators (in memory,
and in the disk cache so that a cold build solves no pose it has drawn before) and gives
each handout a new flowable that replays them (a flowable holds the canvas it is drawn
on, so builds in several threads must not share one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from reportlab.platypus import Flowable

from ..cache import store_operators, stored_operators

# (width, height, operators) of a drawn figure.
Drawn = tuple[float, float, str]

_MEMORY_LIMIT = 256
_memory: OrderedDict[str, Drawn] = OrderedDict()
_lock = threading.Lock()


def replayed_figure(key: str, draw: Callable[[], Drawn]) -> Flowable:
    """A new flowable drawing what ``draw()`` drew for ``key``; ``draw`` runs only when
    neither memory nor the disk cache has the key. ``key`` must name everything the
    drawing depends on (the disk cache adds the code version)."""
    return _Replay(*_drawn(key, draw))


def _drawn(key: str, draw: Callable[[], Drawn]) -> Drawn:
    with _lock:
        if key in _memory:
            _memory.move_to_end(key)
            return _memory[key]
    stored = stored_operators(key)
    if stored is not None:
        width, height, operators = stored.split("\n", 2)
        drawn = (float(width), float(height), operators)
    else:
        drawn = draw()
        store_operators(key, f"{drawn[0]!r}\n{drawn[1]!r}\n{drawn[2]}")
    with _lock:
        _memory[key] = drawn
        if len(_memory) > _MEMORY_LIMIT:
            _memory.popitem(last=False)
    return drawn


class _Replay(Flowable):
    """A figure's operators, placed as its Drawing would be (bottom-left aligned)."""

    def __init__(self, width: float, height: float, operators: str) -> None:
        super().__init__()
        self.width, self.height, self.operators = width, height, operators
        self.hAlign, self.vAlign = "LEFT", "BOTTOM"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.width, self.height

    def draw(self) -> None:
        self.canv.addLiteral(self.operators)
