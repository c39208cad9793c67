"""Pose data for exercise figures (placeholder until the figure engine lands)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FigureSpec(BaseModel):
    """Pose data: to be replaced by the real model."""

    model_config = ConfigDict(frozen=True, extra="allow")
