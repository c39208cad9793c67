"""``styles.yaml`` checked as data, before any ReportLab style is made from it.

No ReportLab here: the template folder is checked when it is loaded, and every problem is
placed at its key (``colours.accent``), which the YAML reader turns into a file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

Location = tuple[str | int, ...]

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_PARAGRAPH_NUMBERS = ("size", "leading", "space_before", "space_after")
_PARAGRAPH_CHOICES = {"font": ("regular", "bold"), "alignment": ("left", "right", "center"),
                      "keep_with_next": (True, False), "hyphenate": (True, False)}
# figure: inks, checked where drawn; hyphenation: language codes, checked when made.
_NOT_SIZES = ("colours", "paragraph", "figure", "hyphenation")


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it, mappings merged key by key."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def style_problems(data: Mapping[str, Any]) -> list[tuple[Location, str]]:
    """Every bad value in the merged styles, with where it is."""
    problems: list[tuple[Location, str]] = []
    colours = data.get("colours")
    if not isinstance(colours, Mapping):
        return [(("colours",), "expected a mapping of colour names to #rrggbb values")]
    for name, value in colours.items():
        if not isinstance(value, str) or not _COLOUR.fullmatch(value):
            problems.append((("colours", name), f"{value!r} is not a colour like \"#1d3557\""))
    paragraphs = data.get("paragraph")
    if not isinstance(paragraphs, Mapping):
        return problems + [(("paragraph",), "expected a mapping of paragraph styles")]
    for name, spec in paragraphs.items():
        if not isinstance(spec, Mapping):
            problems.append((("paragraph", name), "expected a mapping"))
            continue
        for key, value in spec.items():
            where = ("paragraph", name, key)
            if key in _PARAGRAPH_NUMBERS:
                if not _is_number(value) or value < 0:
                    problems.append((where, f"{value!r} is not a size in points"))
            elif key == "colour":
                if value not in colours:
                    problems.append((where, f"no colour {value!r} in colours"))
            elif key == "parent":
                if value not in paragraphs:
                    problems.append((where, f"no paragraph style {value!r}"))
            elif key in _PARAGRAPH_CHOICES:
                if value not in _PARAGRAPH_CHOICES[key]:
                    choices = ", ".join(str(c).lower() for c in _PARAGRAPH_CHOICES[key])
                    problems.append((where, f"{value!r}: use one of {choices}"))
            else:
                problems.append((where, "unknown setting"))
    for section, values in data.items():
        if section not in _NOT_SIZES:
            problems += [(location, f"{value!r} is not a number")
                         for location, value in _leaves((section,), values)
                         if not _is_number(value)]
    return problems


def _leaves(location: Location, value: Any) -> Iterator[tuple[Location, Any]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from _leaves((*location, key), child)
    else:
        yield location, value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
