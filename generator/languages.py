"""A pack in more than one language: translations laid over the pack's own text.

The pack's own files are its base language. A translation is a folder named by its
language code beside them, holding the same text fields and nothing else::

    data/sciatica/pack.yaml              base (language: en-GB)
    data/sciatica/sv/pack.yaml           the Swedish text of pack.yaml
    data/sciatica/sv/exercises/<id>.yaml the Swedish text of each exercise
    data/sciatica/sv/presets/<name>.yaml the Swedish text of each preset

Ids, doses, pose data, fonts and the exercise order come from the base only, so a preset,
a ``--dose`` or a CSV row works unchanged in every language. Every text field the base has
must be translated: a handout is never printed half in one language.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import Problem, UsageError

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")

# Fields that only the base pack gives: ids, order, doses, drawings, files, versions.
BASE_ONLY_PACK = ("id", "exercises", "font", "version")
BASE_ONLY_EXERCISE = ("kind", "dose", "figure", "image")
BASE_ONLY_PRESET = ("weeks", "language", "brief", "omit")  # what prints is the same in every language
# Fields inside the pack's mappings and lists that only the base gives: the pain scale's
# bands (one drawn scale in every language) and where each section is printed.
BASE_ONLY_NESTED: dict[str, tuple[str, ...]] = {"pain_guide": ("green_max", "amber_max"),
                                                "sections": ("place",)}
# Fields that are not text but that a translation may set for itself.
OPTIONAL_PACK = ("language", "last_reviewed")
# Lists whose items a translation writes afresh (a Swedish source list is its own list);
# every other list must keep the base's ids, in the base's order.
FREE_LISTS = ("safety", "emergency", "soon", "faq", "sources", "keywords", "steps", "areas",
              "paragraphs", "points")
# Lists a translation must give item for item, in the base's order: the safety advice, the
# red flags and the steps (a dropped sign or step would print with no error), and a
# section's points. Their items are translated, never added to or left out.
COUNTED_LISTS = ("safety", "emergency", "emergency_short", "today", "soon", "steps", "points")


def primary(language: str) -> str:
    """'sv-SE' -> 'sv' (codes are read case-insensitively: 'SV-se' -> 'sv')."""
    return language.split("-")[0].lower()


def language_code(text: str) -> str:
    """A code as typed, in the usual case: 'SV' -> 'sv', 'sv-fi' -> 'sv-FI'; anything that is
    not a code is returned as it is (and refused where it is looked up)."""
    language, _, region = text.strip().partition("-")
    code = language.lower() + (f"-{region.upper()}" if region else "")
    return code if LANGUAGE_CODE.match(code) else text


def region_note(asked: str | None, printed: str) -> str | None:
    """What to tell the user when the region asked for is not the one the pack has:
    ``--lang sv-FI`` prints the pack's sv-SE text (its dates, its health services)."""
    if asked is None or "-" not in language_code(asked) or language_code(asked) == printed:
        return None
    return (f"the pack has no text for {language_code(asked)!r}; printing its "
            f"{printed!r} text (its dates and the services it names)")


def pack_languages(directory: Path, base_language: str) -> tuple[str, ...]:
    """The languages a pack can print: its base language's code, then each translation's."""
    folders = sorted(path.name for path in directory.iterdir()
                     if path.is_dir() and LANGUAGE_CODE.match(path.name)
                     and has_translation(path)) if directory.is_dir() else []
    return (primary(base_language), *(code for code in folders if code != primary(base_language)))


def has_translation(folder: Path) -> bool:
    """Whether a translation folder has a pack.yaml, of any kind: a link or a device there
    is reported when it is read, instead of the language vanishing unseen."""
    return os.path.lexists(folder / "pack.yaml")


def translation_folder(directory: Path, base_language: str, language: str | None) -> Path | None:
    """The folder of the translation asked for, or None for the base language.

    Codes are read case-insensitively. A region the pack lacks falls back to its language
    (sv-FI prints the sv folder's sv-SE; en-US the base's en-GB): see region_note. A
    language the pack lacks is a usage error that lists the languages it has.
    """
    if language is None:
        return None
    language = language_code(language)
    if not LANGUAGE_CODE.match(language):
        raise UsageError(f"{language!r} is not a language code such as sv or en-GB",
                         field="--lang")
    if primary(language) == primary(base_language):
        return None  # another region of the base language: the base (region_note says so)
    for code in (language, primary(language)):
        if has_translation(directory / code):
            return directory / code
    languages = ", ".join(pack_languages(directory, base_language))
    raise UsageError(f"the pack {directory.name!r} has no text in {language!r}; "
                     f"its languages: {languages}", field="--lang")


def missing_text(base: Any, translated: Any, location: tuple[str | int, ...] = (),
                 skip: Iterable[str] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """Every text field of ``base`` that ``translated`` leaves out, as (location, message).

    Mappings must have every key the base has (but ``skip``); lists of mappings with ids
    must keep the base's ids in order; the COUNTED_LISTS must have as many items as the
    base's; other lists only need to be there.
    """
    problems: list[tuple[tuple[str | int, ...], str]] = []
    if isinstance(base, dict) and isinstance(translated, dict):
        for key, value in base.items():
            if key in skip:
                continue
            if key not in translated:
                problems.append(((*location, key), "not translated (the base text would "
                                 "print): add it in this language"))
            else:
                problems.extend(missing_text(value, translated[key], (*location, key)))
    elif isinstance(base, list) and isinstance(translated, list) and location \
            and location[-1] in COUNTED_LISTS and len(base) != len(translated):
        problems.append((location, f"has {len(translated)} items and the base has "
                         f"{len(base)}: translate every item, one for one in the base's order "
                         "(a safety sign or step must not be left out or added)"))
    elif isinstance(base, list) and isinstance(translated, list) and location \
            and location[-1] not in FREE_LISTS:
        base_ids = [item.get("id") for item in base if isinstance(item, dict)]
        ids = [item.get("id") for item in translated if isinstance(item, dict)]
        if any(i is not None for i in base_ids) and ids != base_ids:
            problems.append((location, f"must list the ids {base_ids} in this order, as the "
                             f"base does (ids are the same in every language), not {ids}"))
        else:
            for index, (item, other) in enumerate(zip(base, translated)):
                problems.extend(missing_text(item, other, (*location, index)))
    return problems


def _items(value: Any) -> list[tuple[int | None, dict[str, Any]]]:
    """A mapping as one item (no index), or a list's mappings with their indexes."""
    if isinstance(value, dict):
        return [(None, value)]
    if isinstance(value, list):
        return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]
    return []


def refused_nested(translated: Any, nested: Mapping[str, tuple[str, ...]],
                   ) -> list[tuple[str | int, ...]]:
    """Where a translation repeats a base-only field inside a mapping or list."""
    if not isinstance(translated, dict):
        return []
    return [(key, field) if index is None else (key, index, field)
            for key, fields in nested.items() for index, item in _items(translated.get(key))
            for field in fields if field in item]


def without_nested(base: dict[str, Any], nested: Mapping[str, tuple[str, ...]]
                   ) -> dict[str, Any]:
    """The base without its nested base-only fields (what a translation must give)."""
    def drop(item: Any, fields: tuple[str, ...]) -> Any:
        return {k: v for k, v in item.items() if k not in fields} if isinstance(item, dict) \
            else item

    stripped = dict(base)
    for key, fields in nested.items():
        value = base.get(key)
        if isinstance(value, (dict, list)):
            stripped[key] = (drop(value, fields) if isinstance(value, dict)
                             else [drop(item, fields) for item in value])
    return stripped


def with_base_nested(merged: dict[str, Any], base: dict[str, Any],
                     nested: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    """The merged data with the base's nested base-only fields laid back in (list items by
    position: their ids are checked to be the base's, in order)."""
    merged = dict(merged)
    for key, fields in nested.items():
        ours, theirs = merged.get(key), base.get(key)
        pairs = ([(ours, theirs)] if isinstance(ours, dict) and isinstance(theirs, dict) else
                 list(zip(ours, theirs)) if isinstance(ours, list) and isinstance(theirs, list)
                 and len(ours) == len(theirs) else [])
        laid = [{**item, **{f: other[f] for f in fields if f in other}}
                if isinstance(item, dict) and isinstance(other, dict) else item
                for item, other in pairs]
        if laid:
            merged[key] = laid[0] if isinstance(ours, dict) else laid
    return merged


def refused_fields(translated: Any, base_only: Iterable[str]) -> list[str]:
    """Base-only fields a translation repeats (they would silently differ by language)."""
    if not isinstance(translated, dict):
        return []
    return [key for key in base_only if key in translated]


def check_tag(folder: Path, tag: Any) -> str | None:
    """What is wrong with a translation's ``language`` tag, if anything."""
    if not isinstance(tag, str) or not LANGUAGE_CODE.match(tag):
        return "must be a language code such as sv or sv-SE"
    if tag != folder.name and primary(tag) != folder.name:
        return f"must be {folder.name!r} or {folder.name!r} with a region, as the folder name"
    return None


def check_languages(directory: Path, templates_dir: Path | None, language: str | None,
                    ) -> tuple[list[str], list[Problem]]:
    """Every problem in a pack, its presets and the templates' wording, in ``language`` or
    (None) in each language the pack has; returns the languages checked and the problems."""
    from .loading import check_all, read_yaml
    from .templating import Templates

    doc, _ = read_yaml(directory / "pack.yaml")
    base = doc.data.get("language") if doc is not None and isinstance(doc.data, dict) else None
    base = base if isinstance(base, str) else ""
    codes = [language] if language else list(pack_languages(directory, base)) or [""]
    templates = Templates(templates_dir)
    problems: list[Problem] = []
    for code in codes:
        problems.extend(check_all(directory, code or None))
        tag = base if code in ("", primary(base)) else code
        if not tag:  # no pack.yaml, or no language in it: already a problem; no wording to check
            continue
        if primary(tag) == "en":  # the messages are English: only check the catalog, if any
            problems.extend(templates.catalog(tag)[1])
        else:
            problems.extend(templates.untranslated(tag))
    # A mistake in what every language shares (a pose, a dose) is found once per language.
    return [code or "?" for code in codes], list(dict.fromkeys(problems))
