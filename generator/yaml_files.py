"""YAML files read safely: bounded size and depth, no aliases, every position kept.

Every YAML file the tool reads (packs, presets, styles, messages) comes through
:func:`read_yaml`. Aliases are refused: ``&a [*b, *b, ...]`` chains ("billion laughs")
make a few kilobytes mean gigabytes to walk. Numbers too long to be a count and dates
that do not exist are problems at their line, never exceptions.

A file's result is kept in the disk cache (cache.py), keyed by its path and exact bytes:
a build that reads only files it has read before does not import PyYAML at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import cached_result
from .errors import Problem, UserError
from .files import read_bytes
from .limits import MAX_DIGITS, MAX_YAML_BYTES, MAX_YAML_DEPTH
from .rules import Frozen, frozen

if TYPE_CHECKING:
    import yaml

Location = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_INT, _FLOAT = _TAG + "int", _TAG + "float"
_MERGE = _TAG + "merge"
_KEY_KINDS = {"int": "a number", "float": "a number", "bool": "yes or no", "null": "empty",
              "timestamp": "a date"}  # the `<<` key: keys that a reader of the file does not see
# Plain data only: !!set (unordered: the output would change from run to run), !!binary,
# !!omap and the rest are refused, so every value is one the models expect.
_PLAIN_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp",
                                        "seq", "map")}
# Scalars whose text may not make a value: made once here, so a bad one is located.
# Numbers as a person writes them: YAML's other spellings of a number are refused.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9]*)|[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                      r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_CHECKED_SCALARS = {_INT, _FLOAT, _TAG + "bool", _TAG + "timestamp", _TAG + "null"}


@frozen
class YamlDocument(Frozen):
    """Parsed YAML plus the 1-based (line, column) of every key and item, by location."""

    path: Path
    data: Any
    marks: dict[Location, tuple[int, int]]

    def problem(self, location: Location, message: str) -> Problem:
        """A problem at ``location``, placed at the nearest position we know."""
        known = location
        while known and known not in self.marks:
            known = known[:-1]
        line, column = self.marks.get(known, (None, None))
        field = ".".join(str(part) for part in location) or None
        return Problem(message, self.path, line, column, field)


def read_yaml(path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML file; syntax errors, duplicate keys, aliases, deep nesting, huge
    numbers and impossible dates are problems, not exceptions."""
    try:
        raw = read_bytes(path, MAX_YAML_BYTES)
        text = raw.decode("utf-8")
    except UserError as error:
        return None, list(error.problems)
    except UnicodeDecodeError as error:
        return None, [Problem(f"not UTF-8 text ({error.reason} at byte {error.start})", path)]
    return cached_result("yaml", f"{path}\n", raw, lambda: _parse(path, text))


def _parse(path: Path, text: str) -> tuple[YamlDocument | None, list[Problem]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(path, None, {}), []
        marks: dict[Location, tuple[int, int]] = {}
        problems, refused = _walk(node, marks, path, loader)
        if refused:
            return None, problems + [_at_the_alias(problem, text) for problem in refused]
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return None, [Problem(f"YAML syntax: {error.problem or error}", path, line, column)]
    except yaml.YAMLError as error:
        return None, [Problem(f"YAML syntax: {error}", path)]
    except (ValueError, OverflowError) as error:  # a value the constructor cannot make
        return None, [Problem(f"YAML value: {error}", path)]
    finally:
        loader.dispose()
    return YamlDocument(path, data, marks), problems


def _at_the_alias(problem: Problem, text: str) -> Problem:
    """An alias problem placed at the first alias (``*name``), not at the node it names: the
    parsed document holds one node for both, so the text's events are read again (only
    when there is an alias to report)."""
    import yaml

    if problem.message != _ALIAS:
        return problem
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            return Problem(problem.message, problem.path, mark.line + 1, mark.column + 1,
                           problem.field)
    return problem


_ALIAS = "YAML aliases (*name) are not supported; write the value out"


def _walk(root: yaml.Node, marks: dict[Location, tuple[int, int]], path: Path,
          loader: Any) -> tuple[list[Problem], list[Problem]]:
    """Record every position, without recursion. Returns the problems, and apart from
    them what is refused because constructing it would be unsafe."""
    import yaml

    problems: list[Problem] = []
    refused: list[Problem] = []
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, Location]] = [(root, ())]
    while stack:
        node, location = stack.pop()
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        field = ".".join(str(part) for part in location) or None
        if id(node) in seen:
            refused.append(Problem(_ALIAS, path, line, column, field))
            break  # one is enough: a chain of them is the attack
        seen.add(id(node))
        if len(location) > MAX_YAML_DEPTH:
            refused.append(Problem(f"nested more than {MAX_YAML_DEPTH} levels deep",
                                   path, line, column))
            break
        marks.setdefault(location, (line, column))
        if node.tag not in _PLAIN_TAGS:
            refused.append(Problem(f"the YAML tag {node.tag.replace(_TAG, '!!')} is not "
                                   "supported; write plain text, numbers, lists and mappings",
                                   path, line, column, field))
            break
        if isinstance(node, yaml.MappingNode):
            children = []
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    refused.append(Problem("a key must be plain text", path,
                                           key_node.start_mark.line + 1,
                                           key_node.start_mark.column + 1, field))
                    continue
                if key_node.tag != _TAG + "str" and key_node.tag != _MERGE:
                    what = _KEY_KINDS.get(key_node.tag.replace(_TAG, ""), "value")
                    refused.append(Problem(f"the key {key_node.value} is read as {what}, "
                                           "not as text; put it in quotes if it is meant",
                                           path, key_node.start_mark.line + 1,
                                           key_node.start_mark.column + 1, field))
                    continue
                if key_node.tag == _MERGE:
                    refused.append(Problem("the YAML merge key << is not supported; write the "
                                           "keys out", path, key_node.start_mark.line + 1,
                                           key_node.start_mark.column + 1, field))
                    continue
                child = (*location, key_node.value)
                key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if child in marks:
                    problems.append(Problem("key given twice", path, *key_mark,
                                            ".".join(str(part) for part in child)))
                marks[child] = key_mark
                children.append((value_node, child))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(item, (*location, index))
                                   for index, item in enumerate(node.value)]))
        else:
            problem = _scalar_problem(node, loader)
            if problem:
                refused.append(Problem(problem, path, line, column, field))
    return problems, refused


def _scalar_problem(node: yaml.ScalarNode, loader: Any) -> str | None:
    if node.tag in (_INT, _FLOAT) and sum(char.isdigit() for char in node.value) > MAX_DIGITS:
        return f"a number of more than {MAX_DIGITS} digits"
    if node.tag in _CHECKED_SCALARS:
        try:
            loader.yaml_constructors[node.tag](loader, node)
        except (ValueError, OverflowError, KeyError, AttributeError, TypeError):
            what = node.tag.replace(_TAG, "")
            return (f"{node.value!r} is not a real date" if what == "timestamp"
                    else f"{node.value!r} is not a valid {what}")
    if node.tag in (_INT, _FLOAT) and not _DECIMAL.fullmatch(node.value):
        # YAML 1.1 reads 1:30 as 90 (base 60), 010 as 8 and 1_0 as 10: a typed time or a
        # zero-padded number would silently become another number.
        meant = loader.yaml_constructors[node.tag](loader, node)
        return (f"{node.value!r} is read by YAML as the number {meant}; write the number you "
                "mean in plain digits, or put the text in quotes")
    return None
