"""Reading input files: regular files only, never more than a set number of bytes.

A pack or template folder may come from anyone, so a file in it may be a FIFO (which
would block forever), a device such as /dev/zero (endless, and ``st_size`` says 0), or
a symbolic link to one. The bytes are counted as they arrive, and only a regular file
is read at all.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from .errors import UserError

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to wait on
CHANGED_WHILE_READ = "changed while read"
_reads: ContextVar[dict[str, str] | None] = ContextVar("_reads", default=None)


@contextmanager
def recorded_reads() -> Iterator[dict[str, str]]:
    """Within it, the SHA-256 of the bytes :func:`read_bytes` returned, by path as given and
    resolved (CHANGED_WHILE_READ if a file gave different bytes twice): the pack cache pairs
    a pack with exactly the bytes it was made from (cache.py)."""
    reads: dict[str, str] = {}
    token = _reads.set(reads)
    try:
        yield reads
    finally:
        _reads.reset(token)


def _record(path: Path, data: bytes) -> None:
    reads = _reads.get()
    if reads is None:
        return
    digest = hashlib.sha256(data).hexdigest()
    for name in {str(path), str(Path(path).resolve())}:
        reads[name] = digest if reads.get(name, digest) == digest else CHANGED_WHILE_READ


def read_bytes(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of the regular file at ``path``; UserError if it is missing, not a regular
    file, unreadable or larger than ``limit`` bytes. ``what`` names it in messages."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting.
        handle = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise UserError(f"{what} not found", path=path) from None
    except PermissionError:
        raise UserError(f"cannot read {what}: permission denied", path=path) from None
    except OSError as error:
        raise UserError(f"cannot read {what}: {error.strerror}", path=path) from None
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise UserError(f"is a folder, not a {what}", path=path)
        if not stat.S_ISREG(mode):
            raise UserError(f"is not a regular file (a device, pipe or socket); "
                            f"give a {what} saved on disk", path=path)
        if _NONBLOCK:
            os.set_blocking(handle, True)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(handle, min(1 << 20, limit + 1 - total))
            if not chunk:
                data = b"".join(chunks)
                _record(path, data)
                return data
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise UserError(f"{what} is larger than {limit:,} bytes", path=path)
    except OSError as error:
        raise UserError(f"cannot read {what}: {error.strerror}", path=path) from None
    finally:
        os.close(handle)


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` (symbolic links followed) is ``folder`` or lies inside it."""
    return path.resolve().is_relative_to(folder.resolve())
