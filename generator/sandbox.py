"""Jinja's immutable sandbox, bounded: a template can neither reach Python nor exhaust
the machine.

The sandbox alone stops attribute tricks (``cycler.__init__.__globals__``) but not work:
nested loops, a macro that doubles its text, ``'x' * 10**9`` or a format of width 10**9.
Here the work of one render is counted (calls, filters, ``range`` items, every loop
iteration whatever it iterates, the text it writes, values by their size) against
MAX_TEMPLATE_WORK, numbers in calculations and calls are at most MAX_TEMPLATE_NUMBER, and
no value may be longer than a whole story: the operations that can multiply a value
(``~``, ``+``, ``*``, ``%``, ``join``, ``replace``, ``format``, ``indent``, ``expandtabs``
and the like) are refused *before* they make one that would be.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar, Token
from typing import Any

import jinja2
import jinja2.runtime
import jinja2.sandbox
import jinja2.utils
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

from .limits import MAX_STORY_CHARS, MAX_TEMPLATE_NUMBER, MAX_TEMPLATE_WORK


# The work left for the render in progress (a list, so it can be counted down in place);
# a context variable, so renders in several threads (a web server) each have their own.
_work_left: ContextVar[list[int]] = ContextVar("template_work_left")
# Patterns compiled on first use (re keeps them): a handout's templates format no strings.
# A width or precision of six digits or more in a format string: "%999999s", "{:999999}".
_WIDE_FORMAT = r"%[-+ #0*]*\d{6,}|%[-+ #0]*\d*\.\d{6,}|\{[^}]*:[^}]*\d{6,}"
# The widths and precisions a format string names: "%12.3f", "{:>40}".
_SPEC_NUMBERS = r"%[-+ #0*]*(\d*)(?:\.(\d*))?|\{[^{}]*?:[^{}\d]*(\d*)(?:\.(\d*))?"


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


# Characters a template may make or write for one step of work: the whole budget then
# covers twice a maximal story, and no more.
_CHARS_PER_STEP = 10
_TOO_BIG = f"a value of more than {MAX_STORY_CHARS:,} characters or items"


def _size(value: object) -> int:
    """At most how many characters or items a value holds, a nested value counted each time
    it appears (as ``str()`` or ``join`` would write it out); stops counting past the limit.
    The counting is work too."""
    if isinstance(value, str):  # most values: nothing to walk, so no work to count
        return len(value)
    total = 0
    walked = 0
    stack = [value]
    while stack and total <= MAX_STORY_CHARS:
        item = stack.pop()
        walked += 1
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, (list, tuple, set, frozenset, range)):
            total += len(item) + 1
            if total <= MAX_STORY_CHARS and not isinstance(item, range):
                stack.extend(item)
        elif isinstance(item, dict):
            total += len(item) + 1
            if total <= MAX_STORY_CHARS:
                stack.extend(item.keys())
                stack.extend(item.values())
        else:
            total += 1
    _charge(walked // _CHARS_PER_STEP)
    return total


def _refuse_above(size: int) -> None:
    if size > MAX_STORY_CHARS:
        raise TemplateLimit(_TOO_BIG)


def _bounded_list(items: Any) -> list[Any]:
    """A lazy sequence (a filter's generator) made a list, each item counted and the whole
    bounded as it is made."""
    made: list[Any] = []
    size = 0
    for item in items:
        _charge(1)
        size += 1 + _size(item)
        _refuse_above(size)
        made.append(item)
    return made


def _charge_value(value: object) -> object:
    """Count a value's size as work; refuse one larger than a whole story."""
    if isinstance(value, str):  # most values (what a template writes): sized at once
        if len(value) >= _CHARS_PER_STEP:
            _refuse_above(len(value))
            _charge(len(value) // _CHARS_PER_STEP)
        return value
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        size = _size(value)
        _refuse_above(size)
        _charge(size // _CHARS_PER_STEP)
    return value


def _counted(items: Any, steps: int = 1) -> Any:
    """Iterate, counting ``steps`` of work for each item (a loop's iterations)."""
    for item in items:
        _charge(steps)
        yield item


_NOT_VALUES = (jinja2.runtime.Context, jinja2.nodes.EvalContext, jinja2.Environment)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _format_size(pattern: str, values: tuple[Any, ...]) -> int:
    """At most how long ``pattern`` formatted with ``values`` is (``%``, ``format``):
    each placeholder may write any of the values, padded to any width it names."""
    placeholders = pattern.count("%") + pattern.count("{")
    widths = sum(int(number) for match in re.findall(_SPEC_NUMBERS, pattern)
                 for number in match if number)
    numbers = [abs(v) for v in values if isinstance(v, int) and not isinstance(v, bool)]
    return (len(pattern) + placeholders * (_size(values) + max(numbers, default=0))
            + widths)


def _check_call(name: str, subject: object, args: tuple[Any, ...],
                kwargs: dict[str, Any]) -> None:
    """Refuse a call (a filter, or a method of ``subject``) whose result would be larger
    than a whole story, before it is made."""
    _refuse_above(_size((subject, args, tuple(kwargs.values()))))
    text = _text(subject)
    every = (*args, *kwargs.values())
    if name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        text = str(subject)
        times = text.count(old) if old else len(text) + 1
        _refuse_above(len(text) + times * max(0, len(new) - len(old)))
    elif name == "expandtabs":
        tab = next((v for v in every if isinstance(v, int)), 8)
        _refuse_above(len(text) + text.count("\t") * abs(tab))
    elif name == "indent":
        width = next(iter(every), 4)
        step = len(width) if isinstance(width, str) else abs(int(width or 0))
        _refuse_above(len(str(subject)) + (str(subject).count("\n") + 1) * step)
    elif name == "wordwrap":
        wrap = kwargs.get("wrapstring") or (args[3] if len(args) > 3 else None) or "\n"
        _refuse_above(len(str(subject)) * (1 + len(str(wrap))))
    elif name in ("format", "format_map"):
        _refuse_above(_format_size(text, every))


def _join_size(separator: object, items: list[Any]) -> int:
    return _size(items) + len(str(separator)) * len(items)


def _check_numbers(values: Any) -> None:
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and (
                abs(value) > MAX_TEMPLATE_NUMBER):
            raise TemplateLimit(f"a number above {MAX_TEMPLATE_NUMBER:,} in a calculation, "
                                "call or filter (a handout needs none so large)")


def _check_format(text: object) -> None:
    if isinstance(text, str) and re.search(_WIDE_FORMAT, text):
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
    name = function.__name__.removeprefix("sync_").removeprefix("do_")

    @functools.wraps(function)  # keeps Jinja's pass_context and similar marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if name == "format":
            _check_format(next((arg for arg in args if isinstance(arg, str)), None))
        _check_numbers(args[1:])
        _check_numbers(kwargs.values())
        _charge(1)
        marks = 0
        while marks < len(args) and isinstance(args[marks], _NOT_VALUES):
            marks += 1
        values = args[marks:]
        if values and name == "join":
            items = _bounded_list(values[0])
            separator = values[1] if len(values) > 1 else kwargs.get("d", "")
            _refuse_above(_join_size(separator, items))
            args = (*args[:marks], items, *values[1:])
        elif values:
            _check_call(name, values[0], values[1:], kwargs)
        result = function(*args, **kwargs)
        if isinstance(result, Iterator):  # map, select, batch...: made here, bounded
            result = _bounded_list(result)
        return _charge_value(result)
    return guarded


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with ``a ~ b`` sized before it is joined."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"{func_name}(environment.sized_operands((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(")))")


def _literal_size(body: list[nodes.Node]) -> int:
    """Characters of template text written each time ``body`` runs (nested loops, macros
    and call blocks count their own text when they run)."""
    total = 0
    stack: list[nodes.Node] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.TemplateData):
            total += len(node.data)
        elif not isinstance(node, (nodes.For, nodes.Macro, nodes.CallBlock)):
            stack.extend(node.iter_child_nodes())
    return total


def _counting_work(tree: nodes.Template) -> nodes.Template:
    """The template with every loop's iterations counted as work (one step each, more for
    a loop that writes much text), and its own text counted each time it is rendered."""
    for loop in tree.find_all(nodes.For):
        steps = 1 + _literal_size([*loop.body, *loop.else_]) // _CHARS_PER_STEP
        loop.iter = nodes.Call(nodes.EnvironmentAttribute("counted_iteration"),
                               [loop.iter, nodes.Const(steps)], [], None, None,
                               lineno=loop.lineno)
    steps = _literal_size(tree.body) // _CHARS_PER_STEP
    if steps:
        charge = nodes.Call(nodes.EnvironmentAttribute("charge_work"), [nodes.Const(steps)],
                            [], None, None, lineno=1)
        tree.body.insert(0, nodes.ExprStmt(charge, lineno=1))
    return tree


class BoundedSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The immutable sandbox, with the work of one render counted and every value bounded,
    so a template can neither reach Python nor exhaust the machine."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        # finalize sees every value a template writes: sized and counted.
        super().__init__(finalize=_charge_value, **options)
        self.globals["range"] = _counted_range
        self.globals["namespace"] = _CountedNamespace
        self.globals.pop("lipsum", None)  # text generation is no part of a handout
        self.filters = {name: _guarded_filter(function)
                        for name, function in self.filters.items()}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _counting_work(super()._parse(source, name, filename))

    @staticmethod
    def counted_iteration(items: Any, steps: int) -> Any:
        """A loop's items, each counted as ``steps`` of work (inserted by ``_parse``)."""
        return _counted(items, steps)

    @staticmethod
    def charge_work(steps: int) -> None:
        """Count a template's own text as work each time it is rendered (an include)."""
        _charge(steps)

    @staticmethod
    def sized_operands(operands: tuple[Any, ...]) -> tuple[Any, ...]:
        """The operands of ``a ~ b ~ ...``, refused if the joined text would be too long."""
        _charge(1)
        _refuse_above(_size(operands))
        return operands

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,  # noqa: N805
             *args: Any, **kwargs: Any) -> Any:
        if __obj is BoundedSandbox.counted_iteration:  # a loop: counted as it runs
            return __obj(*args)
        _check_numbers(args)
        _check_numbers(kwargs.values())
        _charge(1)
        if isinstance(__obj, jinja2.runtime.LoopContext) and args:  # loop(children)
            args = (_counted(args[0]), *args[1:])
        name = getattr(__obj, "__name__", "")
        # A str method, or the sandbox's wrapper of str.format (which keeps it as __wrapped__)
        subject = getattr(__obj, "__self__", getattr(getattr(__obj, "__wrapped__", None),
                                                     "__self__", None))
        if name == "join" and isinstance(subject, str) and args:
            items = _bounded_list(args[0])
            _refuse_above(_join_size(subject, items))
            args = (items, *args[1:])
        elif isinstance(subject, str):
            _check_call(name, subject, args, kwargs)
        else:
            _refuse_above(_size((args, tuple(kwargs.values()))))
        return _charge_value(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        _charge(1)
        if operator == "+":
            _refuse_above(_size((left, right)))
        elif operator == "**":
            _check_numbers((left, right))
            if isinstance(right, (int, float)) and abs(right) > 64:
                raise TemplateLimit("a power above 64")
        elif operator == "*":
            _check_numbers((left, right))
            times = next((abs(v) for v in (left, right) if isinstance(v, int)), 1)
            _refuse_above(_size((left, right)) * times)
        elif operator == "%":
            _check_format(left)
            if isinstance(left, str):
                _refuse_above(_format_size(left, right if isinstance(right, tuple)
                                           else (right,)))
        return _charge_value(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped
