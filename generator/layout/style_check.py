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
# hyphenation: language codes, checked when made.
_NOT_SIZES = ("colours", "paragraph", "figure", "hyphenation")
FIGURE_INKS = ("near", "far", "arrow", "prop", "number")
# The settings the page and large print have (layout/styles.py, layout/document.py): another
# key there is a typing mistake that would be ignored without a word.
PAGE_KEYS = ("margin_left", "margin_right", "margin_top", "margin_bottom", "footer_size",
             "footer_gap", "footer_room", "footer_rule")
LARGE_PRINT_KEYS = ("scale", "leading_scale", "space_scale", "figure_scale", "page")

# Contrast, as WCAG 2 measures it: text at least 4.5:1 (AA), graphics at least 3:1.
TEXT_CONTRAST = 4.5
GRAPHIC_CONTRAST = 3.0
# What the layout prints on what (layout/story.py, layout/document.py). Text is printed on
# the paper and on every box's tint, except where it has a ground of its own: the card's
# title on its band, and the pain scale's numbers (in the paper's colour) on its bands.
_TINTS = ("info_tint", "safety_tint", "danger_tint", "green_tint", "amber_tint", "red_tint")
_OWN_GROUND = {"card_band_text": ("card_band",), "page": ("green", "amber", "red")}
# Text colours no paragraph style names: links, the footer, the pain scale's labels.
_OTHER_TEXT = ("link", "muted", "green", "amber", "red")
# Lines and fills on the paper that must be seen: box borders, the card's frame, the log.
_GRAPHICS = ("danger", "safety", "card_band", "log_grid")


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``override`` laid over it, mappings merged key by key."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def style_problems(data: Mapping[str, Any], bundled: Mapping[str, Any] | None = None
                   ) -> list[tuple[Location, str]]:
    """Every bad value in the merged styles, with where it is; with ``bundled`` (the bundled
    file's data), every section and setting that file does not have, too."""
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
                if not isinstance(value, str) or value not in colours:
                    problems.append((where, f"no colour {value!r} in colours"))
            elif key == "parent":
                if not isinstance(value, str) or value not in paragraphs:
                    problems.append((where, f"no paragraph style {value!r}"))
            elif key in _PARAGRAPH_CHOICES:
                if not isinstance(value, (str, int, float)) or value not in _PARAGRAPH_CHOICES[key]:
                    choices = ", ".join(str(c).lower() for c in _PARAGRAPH_CHOICES[key])
                    problems.append((where, f"{value!r}: use one of {choices}"))
            else:
                problems.append((where, "unknown setting"))
    problems += _unsized(paragraphs)
    problems += _overprinting(paragraphs)
    problems += _large_print_overprinting(paragraphs, data.get("large_print"))
    figure = data.get("figure")
    if isinstance(figure, Mapping):
        for name, value in figure.items():
            if name not in FIGURE_INKS:
                problems.append((("figure", name), f"unknown ink {name!r} (the inks are "
                                 f"{', '.join(FIGURE_INKS)})"))
            elif not isinstance(value, str) or not _COLOUR.fullmatch(value):
                problems.append((("figure", name), f"{value!r} is not a colour like \"#1d3557\""))
    def valid(values: Any) -> dict[str, str]:  # a bad colour is reported above, once
        return {name: value for name, value in values.items()
                if isinstance(value, str) and _COLOUR.fullmatch(value)} \
            if isinstance(values, Mapping) else {}

    problems += contrast_problems(valid(colours), paragraphs, valid(figure))
    problems += _unknown_settings(data)
    if bundled is not None:
        problems += _unknown_sections(data, bundled)
    for section, values in data.items():
        if section in _NOT_SIZES:
            continue
        if not isinstance(values, Mapping):
            problems.append(((section,), f"expected a mapping of settings"
                             + (f" ({', '.join(LARGE_PRINT_KEYS)})" if section == "large_print"
                                else "") + f", not {_shown(values)}"))
            continue
        problems += [(location, f"{value!r} is not a number")
                     for location, value in _leaves((section,), values)
                     if not _is_number(value) and location != ("large_print", "page")]
    return problems


def _unknown_settings(data: Mapping[str, Any]) -> list[tuple[Location, str]]:
    """Keys the page and large print do not have (``large_print: {page: {bogus: 3}}`` was
    accepted and ignored), each at its key."""
    large = data.get("large_print")
    large = large if isinstance(large, Mapping) else {}
    sections: list[tuple[Location, Any, tuple[str, ...]]] = [
        (("page",), data.get("page"), PAGE_KEYS), (("large_print",), large, LARGE_PRINT_KEYS),
        (("large_print", "page"), large.get("page"), PAGE_KEYS)]
    problems = []
    for where, values, known in sections:
        if where == ("large_print", "page") and values is not None \
                and not isinstance(values, Mapping):
            problems.append((where, f"expected a mapping of the page's settings "
                             f"({', '.join(PAGE_KEYS)}), not {_shown(values)}"))
        if not isinstance(values, Mapping):
            continue
        problems += [((*where, key), f"unknown setting (the settings here are "
                      f"{', '.join(known)})") for key in values if key not in known]
    return problems


# Sections whose keys are names a template or the pack may add (colours, paragraph styles), or
# that are checked on their own (figure inks, page, large print).
_OPEN_SECTIONS = ("colours", "paragraph", "figure", "page", "large_print")


def _unknown_sections(data: Mapping[str, Any], bundled: Mapping[str, Any]
                      ) -> list[tuple[Location, str]]:
    """Sections and settings the bundled styles do not have: ``card: {figur_width: 300}`` was
    accepted and ignored. A grid style may be new (a template names it), but its settings are
    those of the bundled grid styles."""
    problems: list[tuple[Location, str]] = []
    for section, values in data.items():
        if section not in bundled:
            problems.append(((section,), "unknown section (the sections are "
                             f"{', '.join(bundled)})"))
            continue
        if section in _OPEN_SECTIONS or not isinstance(values, Mapping) \
                or not isinstance(bundled[section], Mapping):
            continue
        if section == "grid":
            known = tuple(dict.fromkeys(key for spec in bundled["grid"].values()
                                        if isinstance(spec, Mapping) for key in spec))
            problems += [((section, name, key), f"unknown setting (the settings of a grid style "
                          f"are {', '.join(known)})")
                         for name, spec in values.items() if isinstance(spec, Mapping)
                         for key in spec if key not in known]
            continue
        known = tuple(bundled[section])
        problems += [((section, key), f"unknown setting (the settings here are "
                      f"{', '.join(known)})") for key in values if key not in known]
    return problems


def _unsized(paragraphs: Mapping[str, Any]) -> list[tuple[Location, str]]:
    """Paragraph styles whose ``parent`` chain runs in a loop, or that get no size or no
    leading from it: a style added with neither printed its text at 0 pt (an outside
    attacker emptied the red box so, exit 0)."""
    problems: list[tuple[Location, str]] = []
    for name, spec in paragraphs.items():
        if not isinstance(spec, Mapping):
            continue
        chain = [name]
        while isinstance(spec, Mapping) and isinstance(spec.get("parent"), str) \
                and spec["parent"] in paragraphs:
            if spec["parent"] in chain:
                problems.append((("paragraph", chain[-1], "parent"),
                                 f"the parents run in a loop ({' -> '.join([*chain, spec['parent']])})"))
                break
            chain.append(spec["parent"])
            spec = paragraphs[spec["parent"]]
        else:
            if isinstance(spec, Mapping) and spec.get("parent") is not None:
                continue  # a parent that is not a style: reported as such above
            given = {key for style in chain if isinstance(paragraphs[style], Mapping)
                     for key in paragraphs[style]}
            for key in ("size", "leading"):
                if key not in given:
                    problems.append((("paragraph", name), f"no {key}, from the style or a parent: "
                                     f"give it a {key} (12 pt or more), or a parent such as body"))
    return problems


def _overprinting(paragraphs: Mapping[str, Any]) -> list[tuple[Location, str]]:
    """Paragraph styles whose leading is less than their size: their lines print over each
    other (the red box's too). Sizes and leadings come through ``parent`` as they are built."""
    def inherited(name: str, key: str) -> Any:
        seen: set[str] = set()
        while name in paragraphs and name not in seen:
            seen.add(name)
            spec = paragraphs[name]
            if not isinstance(spec, Mapping):
                return None
            if key in spec:
                return spec[key]
            parent = spec.get("parent", "")
            name = parent if isinstance(parent, str) else ""
        return None

    problems = []
    for name, spec in paragraphs.items():
        if not isinstance(spec, Mapping) or not ("size" in spec or "leading" in spec):
            continue
        size, leading = inherited(name, "size"), inherited(name, "leading")
        if _is_number(size) and _is_number(leading) and leading < size:
            key = "leading" if "leading" in spec else "size"
            problems.append((("paragraph", name, key), f"a leading of {leading:g} pt with "
                             f"text of {size:g} pt: lines would print over each other; give "
                             "a leading of at least the size (1.4 times it reads best)"))
    return problems


def _large_print_overprinting(paragraphs: Mapping[str, Any],
                              large: Any) -> list[tuple[Location, str]]:
    """Large print scales sizes by ``scale`` and leadings by ``leading_scale``: a scale
    that outgrows the leading makes every large-print line print over the next."""
    if not isinstance(large, Mapping) or not _is_number(large.get("scale")):
        return []
    scale = large["scale"]
    leading_scale = large.get("leading_scale", scale)
    if not _is_number(leading_scale):
        return []
    for name, spec in paragraphs.items():
        if not isinstance(spec, Mapping):
            continue
        size, leading = spec.get("size"), spec.get("leading")
        if _is_number(size) and _is_number(leading) and leading >= size \
                and leading * leading_scale < size * scale:
            return [(("large_print", "scale"), f"large print makes {name}'s text "
                     f"{size * scale:g} pt on a leading of {leading * leading_scale:g} pt: "
                     "lines would print over each other; raise leading_scale or lower "
                     f"scale (leading_scale at least {size * scale / leading:.2f})")]
    return []


def contrast_problems(colours: Mapping[str, str], paragraphs: Mapping[str, Any],
                      figure: Mapping[str, str]) -> list[tuple[Location, str]]:
    """Every text colour against each ground it is printed on, and every ink and border
    against the paper, below WCAG's minimum contrast; each placed at the colour's key."""
    problems: list[tuple[Location, str]] = []

    def check(location: Location, colour: str, ground_name: str, minimum: float,
              what: str) -> None:
        ground = colours.get(ground_name)
        if ground is None:
            return
        ratio = contrast(colour, ground)
        if ratio < minimum:
            problems.append((location, f"{colour!r} on colours.{ground_name} ({ground!r}) has a "
                             f"contrast of {ratio:.2f}:1; {what} needs at least {minimum:g}:1"))

    text = dict.fromkeys([*(_text_colour(name, paragraphs) for name in paragraphs),
                          *_OTHER_TEXT])
    for name in text:
        if name in colours:
            for ground in _OWN_GROUND.get(name, ("page", *_TINTS)):
                check(("colours", name), colours[name], ground, TEXT_CONTRAST, "text")
    for name in _GRAPHICS:
        if name in colours:
            check(("colours", name), colours[name], "page", GRAPHIC_CONTRAST, "a line")
    for name, value in figure.items():
        check(("figure", name), value, "page", GRAPHIC_CONTRAST, "a figure's ink")
    return problems


def _text_colour(style: str, paragraphs: Mapping[str, Any]) -> str:
    """The colour a paragraph style prints in, through its parents (ink by default)."""
    seen = set()
    while isinstance(paragraphs.get(style), Mapping) and style not in seen:
        seen.add(style)
        spec = paragraphs[style]
        if "colour" in spec:
            return str(spec["colour"])
        parent = spec.get("parent")
        if not isinstance(parent, str):
            break
        style = parent
    return "ink"


def contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[index:index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _leaves(location: Location, value: Any) -> Iterator[tuple[Location, Any]]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from _leaves((*location, key), child)
    else:
        yield location, value


def _shown(value: Any) -> str:
    """A value as the YAML file wrote it (null, not None)."""
    return "null" if value is None else repr(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
