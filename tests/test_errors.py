"""Quoting a user's value in an error message."""

from __future__ import annotations

from generator.errors import shown


def test_a_value_is_quoted_whole_up_to_the_limit_and_cut_past_it() -> None:
    assert shown("cobra") == "'cobra'"
    assert shown("x" * 60) == repr("x" * 60)
    assert shown("x" * 120_000) == repr("x" * 59 + "…")
