"""The one translation hook for fixed wording, in templates and in Python alike.

English is the source language: a message is its own English text. Another language
reads a catalog ``messages/<language>.yaml`` from the template folders (a mapping of
English text to translated text); a message missing from the catalog stays English, and
``handout validate --lang`` lists it. A message with a count maps the English singular
to one text per CLDR plural category of the language (``one``, ``few``, ``many``,
``other``...). Dates, numbers and plural rules come from CLDR through Babel, never by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

Entry = str | Mapping[str, str]


@lru_cache(maxsize=32)
def locale_for(language: str) -> Locale:
    """Babel's locale for a BCP 47 tag ('sv-SE'); its language alone when the region is unknown."""
    for tag in (language, language.split("-")[0]):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            continue
    raise ValueError(f"no CLDR locale for the language {language!r}")


def plural_categories(language: str) -> frozenset[str]:
    """The CLDR plural categories a language's messages need ('other' always among them)."""
    return frozenset(locale_for(language).plural_form.tags | {"other"})


@dataclass(frozen=True)
class Translator:
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
        category = self.locale.plural_form(count)
        entry = self.catalog.get(singular)
        if isinstance(entry, Mapping):
            text = entry.get(category) or entry.get("other") or plural
        elif entry is not None:  # one form for every count (validate asks for the forms)
            text = entry
        else:  # untranslated: English's own rule
            text = singular if Locale("en").plural_form(count) == "one" else plural
        return text % self._formatted({"num": count, **values})

    def number(self, value: int | float) -> str:
        """A number as the language writes it (1 234,5 in Swedish)."""
        return format_decimal(value, locale=self.locale)

    def date(self, day: dt.date) -> str:
        """A date as people write it, with the month spelt out (never ambiguous 03/04)."""
        return format_date(day, format="long", locale=self.locale)

    def _formatted(self, values: Mapping[str, object]) -> dict[str, object]:
        return {key: self.number(value) if isinstance(value, (int, float))
                and not isinstance(value, bool) else value for key, value in values.items()}
