"""XML escaping for ReportLab paragraph markup.

The same results as ``xml.sax.saxutils.escape`` and ``quoteattr``, without importing
that module: it pulls in urllib.request, http.client, ssl and email (about 30 ms at
every start) for functions of a few lines.
"""

from __future__ import annotations

_ENTITY_OF_NEWLINE = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``text`` escaped and quoted as an attribute value (single quotes if it has a ``"``)."""
    text = escape(text)
    for character, entity in _ENTITY_OF_NEWLINE.items():
        text = text.replace(character, entity)
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))
