"""The one translation hook for fixed wording, in templates and in Python alike.

English is the source language: a message is its own English text. Another language
reads a catalog ``messages/<language>.yaml`` from the template folders (a mapping of
English text to translated text); a message missing from the catalog stays English, and
``handout validate --lang`` lists it. A message with a count maps the English singular
to one text per CLDR plural category of the language (``one``, ``few``, ``many``,
``other``...). Dates, numbers and plural rules come from CLDR through Babel, never by hand.

Babel's answers (a count's plural category, a number or a date as a language writes it)
are kept per language, in memory and in the disk cache (cache.py, under the code version,
which names Babel's version): importing Babel and loading a locale's CLDR data took about
25 ms of a cold build, for a dozen answers that are the same in every handout.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from dataclasses import field
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from .cache import load_entry, save_entry
from .rules import Frozen, frozen

if TYPE_CHECKING:
    from babel import Locale

Entry = str | Mapping[str, str]
_ANSWERS_LIMIT = 10_000  # per language: numbers in handouts are doses, weeks and dates
_answers: dict[str, dict[tuple[str, str, object], object]] = {}
_answers_lock = threading.Lock()
T = TypeVar("T")


def _answer(language: str, kind: str, value: object, compute: Callable[[], T]) -> T:
    """Babel's answer ``compute()`` about ``value`` in ``language``, from memory or the disk
    cache when it was asked before (keyed by the value's type too: 1, 1.0 and True differ)."""
    key = (kind, type(value).__name__, value)
    with _answers_lock:
        known = _answers.get(language)
        if known is None:
            stored = load_entry("babel", language)
            known = _answers[language] = stored if isinstance(stored, dict) else {}
        found = known.get(key)
    if found is not None:
        return found  # type: ignore[return-value]
    found = compute()
    with _answers_lock:
        if len(known) < _ANSWERS_LIMIT:
            known[key] = found
            save_entry("babel", language, dict(known))
    return found


@lru_cache(maxsize=32)
def locale_for(language: str) -> Locale:
    """Babel's locale for a BCP 47 tag ('sv-SE'); its language alone when the region is unknown."""
    from babel import Locale, UnknownLocaleError

    for tag in (language, language.split("-")[0]):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    raise ValueError(f"no CLDR locale for the language {language!r}")


def plural_categories(language: str) -> frozenset[str]:
    """The CLDR plural categories a language's messages need ('other' always among them)."""
    return _answer(language, "categories", "",
                   lambda: frozenset(locale_for(language).plural_form.tags | {"other"}))


@frozen
class Translator(Frozen):
    """gettext-style lookups over one catalog; ``%(name)s`` placeholders are filled after."""

    language: str = "en"
    catalog: Mapping[str, Entry] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def locale(self) -> Locale:
        return locale_for(self.language)

    def gettext(self, message: str, **values: object) -> str:
        text = self.catalog.get(message, message)
        if not isinstance(text, str):  # a plural entry used without a count
            text = text.get("other", message)
        return text % self._formatted(values) if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        """The form for ``count`` by the language's CLDR plural rule."""
        entry = self.catalog.get(singular)
        if isinstance(entry, Mapping):
            category = _answer(self.language, "plural", count,
                               lambda: str(self.locale.plural_form(count)))
            text = entry.get(category) or entry.get("other") or plural
        elif entry is not None:  # one form for every count (validate asks for the forms)
            text = entry
        else:  # untranslated: English's own rule
            english = _answer("en", "plural", count, lambda: str(locale_for("en").plural_form(count)))
            text = singular if english == "one" else plural
        return text % self._formatted({"num": count, **values})

    def number(self, value: int | float) -> str:
        """A number as the language writes it (1 234,5 in Swedish)."""
        def formatted() -> str:
            from babel.numbers import format_decimal

            return str(format_decimal(value, locale=self.locale))

        return _answer(self.language, "number", value, formatted)

    def date(self, day: dt.date) -> str:
        """A date as people write it, with the month spelt out (never ambiguous 03/04)."""
        def formatted() -> str:
            from babel.dates import format_date

            return str(format_date(day, format="long", locale=self.locale))

        return _answer(self.language, "date", day, formatted)

    def _formatted(self, values: Mapping[str, object]) -> dict[str, object]:
        return {key: self.number(value) if isinstance(value, (int, float))
                and not isinstance(value, bool) else value for key, value in values.items()}
