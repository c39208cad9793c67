"""Where the bundled templates and content packs are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The bundled ``templates`` or ``data`` folder.

    A wheel carries them inside the package; a source checkout (or an editable
    install) has them beside it.
    """
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def default_pack() -> Path:
    return bundled("data") / "sciatica"
