"""Writing a handout: atomically, and never over an input, a device or a file by surprise.

The PDF goes to a temporary file beside the target first, then takes its name in one
step, so a failure or an interruption never leaves half a file or spoils an old one.
A name the user chose may replace an old handout; a name we chose never replaces
anything (it is linked into place, which fails if the name exists, even when another
process takes it at the same moment).
"""

from __future__ import annotations

import errno
import itertools
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import UserError
from .files import is_inside

MAX_ALTERNATIVES = 1_000  # names tried after a taken one, before giving up


def check_output(output: Path, inputs: Iterable[Path] = (),
                 input_folders: Iterable[Path] = ()) -> None:
    """UserError unless ``output`` is a new path or an existing regular file that is none of
    ``inputs`` (a logo, font, preset, CSV) and lies in none of ``input_folders``."""
    try:
        mode = output.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError:
        mode = None  # a parent that is a file: write_atomically says so
    if mode is not None and stat.S_ISDIR(mode):
        raise UserError("is a folder; give a file name for the PDF", path=output)
    if mode is not None and not stat.S_ISREG(mode):
        raise UserError("is not a regular file (a device, pipe or socket); give a new file "
                        "name for the PDF", path=output)
    for source in inputs:
        if mode is not None and source.exists() and os.path.samefile(output, source):
            raise UserError(f"is an input of this handout ({source}); give the PDF another "
                            "name", path=output)
    for folder in input_folders:
        if is_inside(output, folder):
            raise UserError(f"lies inside {folder}, a folder this handout is read from; "
                            "write the PDF elsewhere", path=output)


def write_atomically(output: Path, data: bytes) -> None:
    """Write ``data`` to ``output``, replacing any file there, in one step."""
    temporary = _write_temporary(output, data)
    try:
        os.replace(temporary, output)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise UserError(f"cannot write: {error.strerror}", path=output) from None
        raise


def write_new(output: Path, data: bytes, alternatives: Iterable[Path] = ()) -> Path:
    """Write ``data`` to ``output``, or if that name is taken to the first free one of
    ``alternatives``; never replaces a file. Returns the path written."""
    temporary = _write_temporary(output, data)
    try:
        for candidate in (output, *itertools.islice(alternatives, MAX_ALTERNATIVES)):
            if _link(temporary, candidate):
                return candidate
        raise UserError("the file exists (and every alternative name)", path=output)
    except OSError as error:
        raise UserError(f"cannot write: {error.strerror}", path=output) from None
    finally:
        temporary.unlink(missing_ok=True)


def _link(temporary: Path, candidate: Path) -> bool:
    """Give ``temporary`` the name ``candidate`` unless it exists; False if it does."""
    try:
        os.link(temporary, candidate)
        return True
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise
    # A file system without hard links: the next best, with a small race.
    if os.path.lexists(candidate):
        return False
    os.rename(temporary, candidate)
    return True


def _write_temporary(output: Path, data: bytes) -> Path:
    try:
        for folder in (output.parent, *output.parent.parents):
            if folder.exists() and not folder.is_dir():
                raise UserError(f"cannot write here: {folder} is a file, not a folder",
                                path=output)
    except OSError as error:  # a name too long for the file system, a loop of links
        raise UserError(f"cannot write here: {error.strerror}", path=output) from None
    # A short name, whatever the length of the target's (file names stop at 255 bytes).
    # A random name, as secrets.token_hex makes it (without importing secrets and hmac).
    temporary = output.with_name(f".handout-{os.urandom(6).hex()}.part")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        # Mode 0o666 and the umask, like any new file (mkstemp would make it private).
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise UserError(f"cannot write here: {error.strerror}", path=output) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise UserError(f"cannot write: {error.strerror}", path=output) from None
        raise
    return temporary
