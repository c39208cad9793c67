"""The exercise figures: pose data (``spec``), the skeleton (``kinematics``), flat marks
(``scene``), marks cut to a window (``clipping``), ReportLab drawings (``draw``) and the
review sheet (``review``).

The pose models load without ReportLab (the model imports ``FigureSpec``); the drawing
names load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .spec import FigureSpec

if TYPE_CHECKING:
    from .draw import DRAWINGS, FigureBug, FigureInks, exercise_figure, floor_transfer_figure, floor_transfer_spec
    from .review import render_review_sheet

__all__ = ["DRAWINGS", "FigureBug", "FigureInks", "FigureSpec", "exercise_figure", "floor_transfer_figure",
           "floor_transfer_spec", "render_review_sheet"]
_DRAWING = {"DRAWINGS": "draw", "FigureBug": "draw", "FigureInks": "draw", "exercise_figure": "draw",
            "floor_transfer_figure": "draw", "floor_transfer_spec": "draw", "render_review_sheet": "review"}


def __getattr__(name: str) -> Any:
    if name in _DRAWING:
        from importlib import import_module

        return getattr(import_module(f".{_DRAWING[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
