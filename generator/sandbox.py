"""Jinja's immutable sandbox, bounded: a template can neither reach Python nor exhaust
the machine.

The sandbox alone stops attribute tricks (``cycler.__init__.__globals__``) but not work:
nested loops, a macro that doubles its text, ``'x' * 10**9`` or a format of width 10**9.
Here the work of one render is counted (calls, filters, ``range`` items, values by their
size) against MAX_TEMPLATE_WORK, numbers in calculations and calls are at most
MAX_TEMPLATE_NUMBER, and no value may be longer than a whole story.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

import jinja2
import jinja2.sandbox
import jinja2.utils

from .limits import MAX_STORY_CHARS, MAX_TEMPLATE_NUMBER, MAX_TEMPLATE_WORK


# The work left for the render in progress (a list, so it can be counted down in place);
# a context variable, so renders in several threads (a web server) each have their own.
_work_left: ContextVar[list[int]] = ContextVar("template_work_left")
# A width or precision of six digits or more in a format string: "%999999s", "{:999999}".
_WIDE_FORMAT = re.compile(r"%[-+ #0*]*\d{6,}|%[-+ #0]*\d*\.\d{6,}|\{[^}]*:[^}]*\d{6,}")


def start_work_budget() -> Token[list[int]]:
    """Give the render that starts now its own budget (end it with :func:`end_work_budget`)."""
    return _work_left.set([MAX_TEMPLATE_WORK])


def end_work_budget(token: Token[list[int]]) -> None:
    _work_left.reset(token)


class TemplateLimit(Exception):
    """A template went beyond what one handout needs: too much work, too big a value."""


def _charge(units: int) -> None:
    left = _work_left.get(None)
    if left is None:
        return
    left[0] -= units
    if left[0] < 0:
        raise TemplateLimit(f"the templates did more than {MAX_TEMPLATE_WORK:,} steps of "
                            "work (a runaway loop or recursion?)")


def _charge_value(value: object) -> object:
    """Count a value's size as work; refuse one larger than a whole story."""
    if isinstance(value, (str, list, tuple)):
        if len(value) > MAX_STORY_CHARS:
            raise TemplateLimit(f"a value of more than {MAX_STORY_CHARS:,} characters or items")
        _charge(len(value) // 100)
    return value


def _check_numbers(values: Any) -> None:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and (
                abs(value) > MAX_TEMPLATE_NUMBER):
            raise TemplateLimit(f"a number above {MAX_TEMPLATE_NUMBER:,} in a calculation, "
                                "call or filter (a handout needs none so large)")


def _check_format(text: object) -> None:
    if isinstance(text, str) and _WIDE_FORMAT.search(text):
        raise TemplateLimit("a format with a width of a million or more")


def _counted_range(*args: int) -> range:
    _check_numbers(args)
    numbers = range(*args)
    _charge(len(numbers))
    return numbers


class _CountedNamespace(jinja2.utils.Namespace):
    """``namespace()`` whose values are counted and bounded: ``ns.s = ns.s ~ ns.s`` in a
    loop would otherwise double a string without end."""

    def __setitem__(self, name: str, value: Any) -> None:
        _charge(1)
        super().__setitem__(name, _charge_value(value))


def _guarded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps Jinja's pass_context and similar marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if function.__name__ == "do_format":
            _check_format(next((arg for arg in args if isinstance(arg, str)), None))
        _check_numbers(args[1:])
        _check_numbers(kwargs.values())
        _charge(1)
        return _charge_value(function(*args, **kwargs))
    return guarded


class BoundedSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The immutable sandbox, with the work of one render counted and every value bounded,
    so a template can neither reach Python nor exhaust the machine."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = _counted_range
        self.globals["namespace"] = _CountedNamespace
        self.globals.pop("lipsum", None)  # text generation is no part of a handout
        self.filters = {name: _guarded_filter(function)
                        for name, function in self.filters.items()}

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,  # noqa: N805
             *args: Any, **kwargs: Any) -> Any:
        _check_numbers(args)
        _check_numbers(kwargs.values())
        _charge(1)
        return _charge_value(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        _charge(1)
        if operator == "**":
            _check_numbers((left, right))
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise TemplateLimit("a power above 64")
        elif operator == "*":
            _check_numbers((left, right))
        elif operator == "%":
            _check_format(left)
        return _charge_value(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped
