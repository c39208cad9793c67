"""Styles as data: ``templates/styles.yaml`` made into ReportLab paragraph styles.

Paragraph styles inherit through ``parent:``; large print scales every size at once.
"""

from __future__ import annotations

import fnmatch
import math
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from ..errors import Problem, UserError
from ..fonts import FontFamily
from ..rules import Frozen, frozen
from .style_check import FIGURE_INKS

if TYPE_CHECKING:
    from ..yaml_files import Location, YamlDocument

_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}
_SCALED = ("size", "leading", "space_before", "space_after")
# Sections of styles.yaml that are not sizes in points, or are scaled their own way.
_NOT_SIZES = ("colours", "page", "paragraph", "large_print", "figure", "hyphenation")


def _sizes(values: Any, scale: float) -> Any:
    """A section's numbers times ``scale``; shares, ratios and counts keep their value."""
    if isinstance(values, Mapping):
        return {key: float(value) if key.endswith(("_share", "_ratio", "_per_table", "_em"))
                else _sizes(value, scale) for key, value in values.items()}
    return float(values) * scale


@frozen
class Styles(Frozen):
    """Everything the layout needs to know about how the handout looks."""

    paragraphs: Mapping[str, ParagraphStyle]
    colours: Mapping[str, colors.Color]
    page: Mapping[str, float]
    box: Mapping[str, float]
    card: Mapping[str, float]
    log: Mapping[str, float]
    fonts: FontFamily
    scale: float
    figure: Mapping[str, str] = field(default_factory=dict)  # figure inks by role, "#rrggbb"
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def section(self, name: str, style: str | None = None) -> Mapping[str, float]:
        """The sizes of one part of the layout (``grid``, ``painscale``...); ``style`` picks
        a named variant inside it (``grid: card:``)."""
        try:
            values = self.sections[name]
            return values[style] if style is not None else values
        except KeyError:
            where = f"{name}: {style}" if style else name
            raise UserError(f"styles.yaml has no section {where!r}") from None

    def paragraph(self, name: str) -> ParagraphStyle:
        try:
            return self.paragraphs[name]
        except KeyError:
            raise UserError(f"unknown paragraph style {name!r} (see styles.yaml)") from None

    def colour(self, name: str) -> colors.Color:
        try:
            return self.colours[name]
        except KeyError:
            raise UserError(f"unknown colour {name!r} (see styles.yaml)") from None


# (the style sheet's text, fonts, large print, language) -> the styles made from them. A warm
# process (a server, a batch worker) makes the same few every time; the key is the sheet's
# content, never its identity, so a sheet edited in place is made again.
_MADE: OrderedDict[tuple[str, FontFamily, bool, str], Styles] = OrderedDict()
_MADE_LIMIT = 16
_made_lock = threading.Lock()


def make_styles(data: Mapping[str, Any], fonts: FontFamily, large_print: bool,
                language: str = "") -> Styles:
    """Build the styles from the parsed ``styles.yaml``; ``language`` (a BCP 47 tag) picks
    the hyphenation, for the languages ``styles.yaml`` names.

    Made once for each sheet and set of options, and shared: read the result, never
    change it (its mappings are read-only; its ParagraphStyles are ReportLab's, so
    ``clone`` one to vary it)."""
    key = (repr(data), fonts, bool(large_print), language)
    with _made_lock:
        made = _MADE.get(key)
        if made is not None:
            _MADE.move_to_end(key)
            return made
    made = _make_styles(data, fonts, large_print, language)
    with _made_lock:
        _MADE[key] = made
        while len(_MADE) > _MADE_LIMIT:
            _MADE.popitem(last=False)
    return made


def _make_styles(data: Mapping[str, Any], fonts: FontFamily, large_print: bool,
                 language: str) -> Styles:
    try:
        large = data["large_print"]
        scale = float(large["scale"]) if large_print else 1.0
        # Leading and spacing grow less than the type: large print stays compact enough
        # for every exercise card to fit whole on one page.
        leading_scale = float(large.get("leading_scale", large["scale"])) if large_print else 1.0
        space_scale = float(large.get("space_scale", large["scale"])) if large_print else 1.0
        colours = {name: colors.HexColor(value) for name, value in data["colours"].items()}
        page_data = {**data["page"], **((large.get("page") or {}) if large_print else {})}
        page = {key: float(value) * (mm if key.startswith("margin") or key.endswith("gap") else 1)
                for key, value in page_data.items()}
        page["footer_size"] *= scale
        sections = {name: _sizes(values, scale) for name, values in data.items()
                    if name not in _NOT_SIZES}
        figure_scale = float(large.get("figure_scale", large["scale"])) if large_print else 1.0
        for name in ("card", "plan"):
            sections[name]["figure_width"] = float(data[name]["figure_width"]) * figure_scale
        sections["card"]["wide_figure_height"] = float(data["card"]["wide_figure_height"]) * figure_scale
        specs = data["paragraph"]
        scales = {"size": scale, "leading": leading_scale, "space_before": space_scale,
                  "space_after": space_scale}
        hyphenation = _hyphenation(data.get("hyphenation") or {}, language)
        paragraphs = {name: _paragraph(name, specs, fonts, colours, scales, hyphenation)
                      for name in specs}
        figure = _figure_inks(data["figure"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise UserError(f"styles.yaml: missing or bad value: {error}") from None
    read_only = {name: _frozen(values) for name, values in sections.items()}
    return Styles(MappingProxyType(paragraphs), MappingProxyType(colours),
                  MappingProxyType(page), read_only["box"], read_only["card"], read_only["log"],
                  fonts, scale, MappingProxyType(figure), MappingProxyType(read_only))


def _frozen(values: Any) -> Any:
    """A section's mappings, nested ones too, read-only (the styles are shared)."""
    if isinstance(values, Mapping):
        return MappingProxyType({key: _frozen(value) for key, value in values.items()})
    return values


def _figure_inks(data: Mapping[str, Any]) -> dict[str, str]:
    """The figure's inks, each a colour ReportLab reads, by role."""
    unknown = sorted(set(data) - set(FIGURE_INKS))
    if unknown:
        raise UserError(f"styles.yaml: figure: unknown ink {unknown[0]!r} "
                        f"(the inks are {', '.join(FIGURE_INKS)})")
    inks = {}
    for role in FIGURE_INKS:
        colour = colors.HexColor(data[role])
        inks[role] = "#" + colour.hexval()[2:]
    return inks


def _hyphenation(spec: Mapping[str, Any], language: str) -> dict[str, Any]:
    """ReportLab's hyphenation settings for a language: pyphen's dictionary, and the
    shortest word worth breaking (long compounds only: a hyphen costs the reader a little)."""
    code = language.split("-")[0]
    if code not in spec.get("languages", ()):
        return {}
    import pyphen

    dictionary = next((tag for tag in (language.replace("-", "_"), code)
                       if tag in pyphen.LANGUAGES), None)
    if dictionary is None:
        raise UserError(f"styles.yaml: hyphenation: pyphen has no dictionary for {language!r}")
    return {"hyphenationLang": dictionary,
            "hyphenationMinWordLength": int(spec.get("min_word_length", 5))}


def _resolved(name: str, specs: Mapping[str, Mapping[str, Any]], seen: tuple[str, ...] = ()
              ) -> dict[str, Any]:
    if name in seen:
        raise UserError(f"styles.yaml: style {name!r} is its own parent")
    spec = dict(specs[name])
    parent = spec.pop("parent", None)
    return {**(_resolved(parent, specs, (*seen, name)) if parent else {}), **spec}


def _paragraph(name: str, specs: Mapping[str, Mapping[str, Any]], fonts: FontFamily,
               colours: Mapping[str, colors.Color], scales: Mapping[str, float],
               hyphenation: Mapping[str, Any]) -> ParagraphStyle:
    spec = _resolved(name, specs)
    values = {key: float(spec.get(key, 0)) * scales[key] for key in _SCALED}
    return ParagraphStyle(
        name,
        fontName=fonts.bold if spec.get("font") == "bold" else fonts.regular,
        fontSize=values["size"],
        leading=values["leading"],
        spaceBefore=values["space_before"],
        spaceAfter=values["space_after"],
        textColor=colours[spec.get("colour", "ink")],
        alignment=_ALIGN[spec.get("alignment", "left")],
        keepWithNext=bool(spec.get("keep_with_next", False)),
        linkUnderline=True,
        splitLongWords=True,
        allowWidows=0,
        allowOrphans=0,
        **(hyphenation if spec.get("hyphenate", True) else {}),
    )


# The range of every number in styles.yaml, by its dotted path (first match wins).
# Units as in the file: points, except page margins and the footer gap in mm.
STYLE_RANGES: tuple[tuple[str, float, float], ...] = (
    ("paragraph.*.size", 12, 72),  # patients read it: 12 pt or more (README), as the bundled sheet
    ("paragraph.*.leading", 6, 100),
    ("paragraph.*.space_*", 0, 50),  # 100 after a plan entry sent a table split into hours
    ("page.margin_*", 5, 50),
    ("large_print.page.margin_*", 5, 50),
    ("page.footer_size", 12, 30),
    ("page.footer_gap", 0, 40),
    ("*page.footer_rule", 0, 2),  # footer lines up: at 30 the rule struck through the first card (attack 4)
    ("large_print.*scale", 1, 3),  # large print is never smaller than normal print
    ("log.weeks_per_table", 1, 12),
    # Shares of a width, and the gaps and paddings inside a card or box: at the old bound of
    # 500 points they left a flowable no width at all (a traceback from ReportLab).
    ("log.day_width", 12, 40),
    ("log.*name_width", 60, 300),
    ("painscale.max_cell_width", 16, 100),
    # A figure's drawing below its numbers' discs: lower, the panels had no room left and the
    # drawings came out mirrored or as specks (attack 4).
    ("card.wide_figure_height", 40, 200),
    ("card.figure_width", 100, 500),
    ("plan.figure_width", 60, 300),
    ("*_share", 0.05, 0.9),
    ("*padding", 0, 30),
    ("*gap", 0, 60),
    ("*", 0, 500),
)


def check_style_values(document: YamlDocument) -> list[Problem]:
    """Every number in styles.yaml finite and within its range, at its line; at most
    MAX_STYLES paragraph styles and colours (a parent chain is followed recursively)."""
    from ..limits import MAX_STYLES

    problems = []
    data = document.data if isinstance(document.data, dict) else {}
    for section in ("paragraph", "colours"):
        if isinstance(data.get(section), dict) and len(data[section]) > MAX_STYLES:
            problems.append(document.problem((section,), f"{len(data[section])} entries; the "
                                                          f"limit is {MAX_STYLES}"))
    for location, value in _numbers(document.data, ()):
        dotted = ".".join(str(part) for part in location)
        low, high = next((low, high) for pattern, low, high in STYLE_RANGES
                         if fnmatch.fnmatchcase(dotted, pattern))
        if not math.isfinite(value) or not low <= value <= high:
            problems.append(document.problem(location, f"{value} is out of range; use a "
                                                       f"number from {low:g} to {high:g}"))
    return problems


def _numbers(value: Any, location: Location) -> Iterator[tuple[Location, float]]:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield location, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, (*location, key))

