"""The one translation hook for fixed wording, in templates and in Python alike.

English is the source language: a message is its own English text. Another language
reads a catalog ``messages/<language>.yaml`` from the template folders (a mapping of
English text to translated text); a message missing from the catalog stays English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class Translator:
    """gettext-style lookups over one catalog; ``%(name)s`` placeholders are filled after."""

    language: str = "en"
    catalog: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def gettext(self, message: str, **values: object) -> str:
        text = self.catalog.get(message, message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values: object) -> str:
        key = singular if count == 1 else plural
        text = self.catalog.get(key, key)
        return text % {"num": count, **values}

    def date(self, day: dt.date) -> str:
        """A date as people write it, with the month spelt out (never ambiguous 03/04)."""
        return self.gettext("%(day)s %(month)s %(year)s", day=day.day,
                            month=self.gettext(_MONTHS[day.month - 1]), year=day.year)
