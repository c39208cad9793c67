"""Figures replayed from their PDF operators: drawn once, kept in memory and on disk.

A figure is pure vector graphics, a function of its pose data, size and inks: its PDF
operators do not depend on the document. The figure engine hands over a key that names
all of that and a function that draws it; this module keeps the operators (in memory,
and in the disk cache so that a cold build solves no pose it has drawn before) and gives
each handout a new flowable that replays them (a flowable holds the canvas it is drawn
on, so builds in several threads must not share one).

The operators are stored compacted (:func:`compact_operators`): the same paths painted
in the same state, in about a third fewer bytes of PDF.
"""

from __future__ import annotations

import math
import re
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
        width, height, operators = draw()
        drawn = (width, height, compact_operators(operators))
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


# --- Compacting a drawing's operators -------------------------------------------------
#
# ReportLab's renderer wraps every shape in q ... Q and sets its whole state again
# (colours, width, cap, join, dash), and writes each circle as four curves with
# seven-digit numbers: two thirds of a figure's bytes. The compacted stream paints the
# same paths, in the same order, each in the state it had: a state operator is written
# only when a painted path needs a value other than the one last written, and a filled
# circle is the unit circle under a matrix (the same text every time, which Flate stores
# once). Anything else (text, clipping, a resource, a transformed group) is left as drawn.

_TOKEN = re.compile(r"\[[^\]]*\]|\S+")
_STATE = {"RG": "stroke", "G": "stroke", "K": "stroke", "rg": "fill", "g": "fill", "k": "fill",
          "w": "width", "J": "cap", "j": "join", "M": "miter", "d": "dash"}
_STROKED = ("stroke", "width", "cap", "join", "miter", "dash")
_PAINT = {"S": _STROKED, "s": _STROKED, "f": ("fill",), "F": ("fill",), "f*": ("fill",),
          "B": ("fill", *_STROKED), "B*": ("fill", *_STROKED), "b": ("fill", *_STROKED),
          "b*": ("fill", *_STROKED), "n": ()}
_PATH = frozenset({"m", "l", "c", "v", "y", "re", "h"})
_IDENTITY = ["1", "0", "0", "1", "0", "0"]
_KAPPA = 0.552285  # ReportLab's control-point distance for a quarter circle of radius 1
_UNIT_CIRCLE = ("1 0 m 1 .552285 .552285 1 0 1 c -.552285 1 -1 .552285 -1 0 c "
                "-1 -.552285 -.552285 -1 0 -1 c .552285 -1 1 -.552285 1 0 c")
# The unit circle's points, (x, y) of m and of each curve's three points, in order.
_CIRCLE_SHAPE = [(1, 0), (1, _KAPPA), (_KAPPA, 1), (0, 1), (-_KAPPA, 1), (-1, _KAPPA), (-1, 0),
                 (-1, -_KAPPA), (-_KAPPA, -1), (0, -1), (_KAPPA, -1), (1, -_KAPPA), (1, 0)]


def compact_operators(operators: str) -> str:
    """``operators`` painting the same paths in the same states, in fewer bytes; returned
    unchanged if they use anything but paths, colours, line styles and q/Q/identity cm."""
    state: dict[str, str] = {}
    saved: list[dict[str, str]] = []
    written: dict[str, str] = {}
    out = ["q"]
    operands: list[str] = []
    path: list[list[str]] = []
    for token in _TOKEN.findall(operators):
        if token[0] in "-+.0123456789[":
            operands.append(token)
            continue
        if token == "q":
            saved.append(dict(state))
        elif token == "Q":
            if not saved:
                return operators
            state = saved.pop()
        elif token == "cm":
            if operands != _IDENTITY:
                return operators
        elif token in _STATE:
            state[_STATE[token]] = " ".join([*operands, token])
        elif token in _PATH:
            path.append([*operands, token])
        elif token in _PAINT:
            if token != "n":  # a path ended without painting draws nothing
                for name in _PAINT[token]:
                    if written.get(name) != state.get(name):
                        if name not in state:
                            return operators  # the page's value, no longer reachable
                        written[name] = state[name]
                        out.append(state[name])
                out.append(_painted(path, token))
            path = []
        else:
            return operators
        operands = []
    if operands or path or saved:
        return operators
    out.append("Q")
    return "\n".join(out)


def _painted(path: list[list[str]], paint: str) -> str:
    circle = _circle(path) if paint in ("f", "f*") else None
    if circle is not None:
        x, y, radius = (_number(value) for value in circle)
        return f"q {radius} 0 0 {radius} {x} {y} cm {_UNIT_CIRCLE}\n{paint} Q"
    return " ".join(" ".join(part) for part in path) + "\n" + paint


def _circle(path: list[list[str]]) -> tuple[float, float, float] | None:
    """(x, y, radius) if ``path`` is ReportLab's full circle (m and four c), else None."""
    if [part[-1] for part in path] != ["m", "c", "c", "c", "c"] or len(path[0]) != 3 or any(
            len(part) != 7 for part in path[1:]):
        return None
    try:
        values = [float(value) for part in path for value in part[:-1]]
    except ValueError:
        return None
    points = list(zip(values[::2], values[1::2]))
    x, y = (points[0][0] + points[6][0]) / 2, (points[3][1] + points[9][1]) / 2
    radius = (points[0][0] - points[6][0]) / 2
    if not radius > 0:
        return None
    for (ux, uy), (px, py) in zip(_CIRCLE_SHAPE, points):
        # ReportLab writes seven significant digits: a circle's points agree to that.
        if not (math.isclose(x + ux * radius, px, abs_tol=1e-6 * max(1.0, abs(px)))
                and math.isclose(y + uy * radius, py, abs_tol=1e-6 * max(1.0, abs(py)))):
            return None
    return x, y, radius


def _number(value: float) -> str:
    """A PDF number: at most six decimals, no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text.replace("0.", ".", 1) if text.startswith(
        ("0.", "-0.")) else text
