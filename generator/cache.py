"""A disk cache of work a cold ``handout build`` would otherwise repeat: checked packs,
compiled templates, the figures' drawing operators and ReportLab's parsed fonts.

Where: ``$HANDOUT_CACHE_DIR`` if set (set it empty to turn the cache off), else
``$XDG_CACHE_HOME/handout``, else ``~/.cache/handout`` - a folder in the user's home, as
README.md says - with one folder per code version in it (other versions' folders untouched
for a month are removed; only folders this tool made: a hex name, owned by the user, with
the MARKER file it writes in each). It is only a speed-up: with no cache, or a broken,
full or read-only one, every build is the same (a failed write is ignored).

It cannot go stale. Every entry is made under the *code version*: a hash of this package's
source files and bundled fonts, the Python version and the versions of the libraries whose
objects are stored (the names of the distributions installed beside them). A pack entry also records the content hash of every file in the pack
folder (and of any file outside it that the pack names, such as its font) and is used only
if all of them still hash the same and no file was added or removed. Compiled templates are
keyed by their source text (Jinja's own bytecode cache); a figure's operators by its whole
pose data, size and ink; a parsed font (``fonts``) by the font file's exact bytes (a
bundled one by its name: the code version hashes it); a parsed YAML file
(``yaml_files.read_yaml``) by its path and exact bytes; Babel's plural categories, numbers
and dates (``i18n``) by language and value.
A preset entry records the hashes of its file and its translation, and is keyed by the
pack's ids and language it was checked against. A pack's files are hashed before it is
loaded, and the entry is stored only if the bytes the loader read (``files.recorded_reads``) are those: a file saved during a build is never
paired with the pack made from its old text.

Entries are pickles (and marshalled templates), so they must be the user's own: the folders
are made private (0700), and an entry is read only if the cache folder, the version folder,
the entry's folder and the entry file are all owned by this user and writable by no one
else (else it is a miss). Entries are written to a
temporary file and renamed into place, so concurrent builds never read half an entry.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from .files import CHANGED_WHILE_READ

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent
_SKIPPED_PARTS = {"__pycache__", ".git"}
MARKER = "handout-cache-version"  # in each version folder: only folders with it are pruned
VERSION_MEMO = "code-version"  # in the root: the code version and the file stamps it was made of
_HEX = frozenset("0123456789abcdef")


def cache_folder() -> Path | None:
    """The cache folder this process uses, or None when the cache is off or unusable."""
    root = _cache_root()
    if root is None:
        return None
    folder = root / code_version()
    if not os.path.lexists(folder):
        _prune(root)
        if not _private_folder(folder):
            return None
        try:
            (folder / MARKER).write_bytes(b"a folder of handout's cache (safe to delete)\n")
        except OSError:
            pass  # never pruned then; the cache still works
    elif not _private_folder(folder):
        return None
    return folder


def _cache_root() -> Path | None:
    """The folder that holds every code version's folder (made private if new), or None
    when the cache is off or unusable."""
    setting = os.environ.get("HANDOUT_CACHE_DIR")
    if setting is not None:
        if not setting:
            return None
        root = Path(setting)
    else:
        base = os.environ.get("XDG_CACHE_HOME")
        if not base:
            try:
                base = str(Path.home() / ".cache")
            except (RuntimeError, KeyError):  # no home folder (a service account): no cache
                return None
        root = Path(base) / "handout"
    return root if _private_folder(root) else None


def _prune(root: Path) -> None:
    """Remove other code versions' folders untouched for a month (an upgrade leaves them):
    only those this tool made (a hex name, the user's own, a MARKER file), no link followed."""
    import shutil
    import time

    month_ago = time.time() - 30 * 24 * 3600
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        if len(name) != 32 or not _HEX.issuperset(name):
            continue
        old = root / name
        try:
            status, marker = os.lstat(old), os.lstat(old / MARKER)
            if (_owned_privately(status) and stat.S_ISREG(marker.st_mode)
                    and status.st_mtime < month_ago):
                shutil.rmtree(old)
        except OSError:
            pass


def _owned_privately(status: os.stat_result, kind: int = stat.S_IFDIR) -> bool:
    """Whether a file of this ``kind`` (a folder, a regular file) is this user's and no
    one else can write to it."""
    if stat.S_IFMT(status.st_mode) != kind:
        return False
    if not hasattr(os, "getuid"):
        return True  # no POSIX owners (Windows): the user's profile folder is private
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _private_folder(folder: Path) -> bool:
    """Make ``folder`` (mode 0700) if needed; True if only this user can write into it."""
    try:
        try:
            status = os.stat(folder)
        except FileNotFoundError:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            status = os.stat(folder)
    except OSError:
        return False
    return _owned_privately(status)


def open_entry(path: Path) -> BinaryIO | None:
    """The entry at ``path`` opened for reading, if it and its folder are this user's alone
    (the folders above it are checked by cache_folder); else None: a miss."""
    try:
        if not _owned_privately(os.stat(path.parent)):
            return None
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        if not _owned_privately(os.fstat(handle), stat.S_IFREG):
            os.close(handle)
            return None
        return os.fdopen(handle, "rb")
    except OSError:
        os.close(handle)
        return None


def file_digest(path: Path) -> str:
    """The SHA-256 of a regular file's bytes; OSError for anything else (a FIFO or a device
    is never read: the loader reports it)."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(f"not a regular file: {path}")
        return hashlib.sha256(stream.read()).hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of everything in this program that shapes a cached entry: the Python version,
    the libraries' versions, and this package's source files and fonts.

    Hashing the files (about 1 MB) took a tenth of a cold build, so the hash is kept in the
    cache's root folder (VERSION_MEMO) with the files' names, sizes and modification times,
    and the files are hashed again only when one of those changed. Python itself reuses a
    module's compiled bytecode on the same stamps (in whole seconds; these are nanoseconds).
    """
    files = _package_files()
    head = [sys.version, *_installed_versions()]
    stamps = hashlib.sha256("\n".join(head + _stamps(files)).encode()).hexdigest()
    root = _cache_root()
    memo = root / VERSION_MEMO if root is not None else None
    stored = _read_entry(memo, lambda stream: stream.read(200).decode("ascii").split())
    if stored is not None and len(stored) == 2 and stored[0] == stamps:
        return stored[1]
    digest = hashlib.sha256()
    for line in head:
        digest.update(f"{line}\n".encode())
    for path in files:
        digest.update(f"{path.relative_to(_PACKAGE)}\n".encode())
        digest.update(path.read_bytes())
    version = digest.hexdigest()[:32]
    if memo is not None:
        write_entry(memo, f"{stamps} {version}\n".encode("ascii"))
    return version


def _package_files() -> list[Path]:
    """This package's source files and fonts, in a fixed order."""
    found = []
    for folder, subfolders, names in os.walk(_PACKAGE):
        subfolders[:] = [name for name in subfolders if name not in _SKIPPED_PARTS]
        found.extend(os.path.join(folder, name) for name in names
                     if os.path.splitext(name)[1] in (".py", ".ttf"))
    return [Path(path) for path in sorted(found)]


def _stamps(files: list[Path]) -> list[str]:
    """Each file's name, size and modification time (ns): what says it may have changed."""
    lines = []
    start = len(str(_PACKAGE)) + 1
    for path in files:
        status = os.stat(path)
        lines.append(f"{str(path)[start:]} {status.st_size} {status.st_mtime_ns}")
    return lines


def _installed_versions() -> list[str]:
    """The distributions installed beside the libraries whose objects are stored
    (pydantic, pydantic-core, Jinja2, PyYAML, Babel, and ReportLab for its parsed fonts):
    their ``*.dist-info`` folders name each version. Read from the folder listing, so a
    build that needs none of them imports none."""
    from importlib.util import find_spec

    names: set[str] = set()
    listed: set[str] = set()  # each folder once: they are usually all the same one
    for module in ("pydantic", "pydantic_core", "jinja2", "yaml", "babel", "reportlab"):
        spec = find_spec(module)
        if spec is None or spec.origin is None:
            names.add(f"{module} not found")
            continue
        folder = os.path.dirname(os.path.dirname(spec.origin))
        if folder in listed:
            continue
        listed.add(folder)
        try:
            names.update(name for name in os.listdir(folder)
                         if name.endswith((".dist-info", ".egg-info")))
        except OSError:
            names.add(f"{module} at {folder}")
    return sorted(names)


def cached_result(kind: str, name: str, content: bytes, compute: Callable[[], T]) -> T:
    """``compute()``'s result for exactly these bytes of ``content`` (read from ``name``),
    from the cache if it has seen them, else computed and stored (a pickle)."""
    folder = cache_folder()
    if folder is None:
        return compute()
    digest = hashlib.sha256(name.encode() + b"\0" + content).hexdigest()
    entry_path = folder / kind / f"{digest[:32]}.pickle"
    stored = _read_entry(entry_path, pickle.load)
    if isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (name, digest):
        return stored[2]  # type: ignore[no-any-return]
    result = compute()
    try:
        data = pickle.dumps((name, digest, result), pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return result  # a library's object that cannot be pickled (a newer version): no entry
    write_entry(entry_path, data)
    return result


def _entry_path(kind: str, key: str) -> Path | None:
    folder = cache_folder()
    if folder is None:
        return None
    return folder / kind / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def load_entry(kind: str, key: str) -> Any:
    """The value last stored under ``kind`` and ``key``, or None."""
    stored = _read_entry(_entry_path(kind, key), pickle.load)
    if stored is None:
        return None
    stored_key, value = stored
    return value if stored_key == key else None


def _read_entry(path: Path | None, read: Callable[[BinaryIO], T]) -> T | None:
    """``read`` of the entry at ``path``, or None when there is none to trust (a miss)."""
    if path is None:
        return None
    stream = open_entry(path)
    if stream is None:
        return None
    try:
        with stream:
            return read(stream)
    except Exception:  # noqa: BLE001 - a missing, old or damaged entry is only a miss
        return None


def save_entry(kind: str, key: str, value: Any) -> None:
    """Store ``value`` under ``kind`` and ``key`` (replacing what was there)."""
    path = _entry_path(kind, key)
    if path is not None:
        write_entry(path, pickle.dumps((key, value), pickle.HIGHEST_PROTOCOL))


def folder_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` (sorted), the set a pack entry depends on."""
    return sorted(path for path in folder.rglob("*")
                  if path.is_file() and not _SKIPPED_PARTS & set(path.parts))


def _digests(paths: Iterable[Path]) -> dict[str, str] | None:
    """Each file's SHA-256 by its path; None if one cannot be read."""
    try:
        return {str(path): file_digest(path) for path in paths}
    except OSError:
        return None


def cached_pack(directory: Path, check_print: bool, language: str | None,
                load: Callable[[], T], extra_files: Callable[[T], Iterable[Path]]) -> T:
    """``load()``'s pack (in ``language``), from the cache if no file it came from has
    changed. Every file under the folder counts, translation folders included.

    ``extra_files(pack)``: files outside the folder the pack depends on (its font).
    """
    folder = cache_folder()
    if folder is None:
        return load()
    directory = directory.resolve()
    name = hashlib.sha256(f"{directory}\n{check_print}\n{language}".encode()).hexdigest()
    entry_path = folder / "packs" / f"{name[:32]}.pickle"
    files = folder_files(directory) if directory.is_dir() else []
    stored = _read_entry(entry_path, pickle.load)
    try:
        if stored is not None:
            depends_on, pack = stored
            listed = [Path(path) for path in depends_on]
            inside = [path for path in listed if path.is_relative_to(directory)]
            if inside == files and _digests(listed) == depends_on:
                return pack  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - an entry of an old shape is only a miss
        pass
    from .files import recorded_reads

    before = _digests(files)  # before loading: a file saved from now on is seen as changed
    with recorded_reads() as read:
        pack = load()
    if before is None or (folder_files(directory) if directory.is_dir() else []) != files:
        return pack  # a file came, went or could not be read while loading: store nothing
    if any(read.get(path, digest) != digest for path, digest in before.items()):
        return pack  # the loader read other bytes than were hashed: store nothing
    outside = sorted({path.resolve() for path in extra_files(pack)
                      if not path.resolve().is_relative_to(directory)})
    unread = _digests(path for path in outside if str(path) not in read)
    if unread is None:
        return pack
    depends_on = {**before, **{str(path): read.get(str(path)) or unread[str(path)]
                               for path in outside}}
    if CHANGED_WHILE_READ not in depends_on.values():
        write_entry(entry_path, pickle.dumps((depends_on, pack), pickle.HIGHEST_PROTOCOL))
    return pack


def cached_checked(kind: str, name: str, files: list[Path], load: Callable[[], T]) -> T:
    """``load()``'s result (a checked preset), from the cache while ``files``, every file it
    reads, hash as they did when it was stored; ``name`` says what else it was checked
    against. Stored only if ``load`` read exactly the bytes that were hashed before it ran."""
    folder = cache_folder()
    if folder is None:
        return load()
    entry_path = folder / kind / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.pickle"
    stored = _read_entry(entry_path, pickle.load)
    try:
        if stored is not None:
            stored_name, depends_on, value = stored
            if stored_name == name and _digests(files) == depends_on:
                return value  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - an entry of an old shape is only a miss
        pass
    from .files import recorded_reads

    before = _digests(files)
    with recorded_reads() as read:
        value = load()
    if before is not None and all(read.get(path) == digest for path, digest in before.items()):
        write_entry(entry_path, pickle.dumps((name, before, value), pickle.HIGHEST_PROTOCOL))
    return value


def write_entry(path: Path, data: bytes) -> None:
    """Write atomically; a cache that cannot be written is silently not used."""
    # A random name, as secrets.token_hex makes it (without importing secrets and hmac).
    temporary = path.with_name(f".{path.name}.{os.urandom(4).hex()}.part")
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:  # full, read-only, or a file where a folder should be
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass


_bytecode_lock = threading.Lock()


def template_bytecode_cache() -> Any:
    """Jinja's bytecode cache in this code version's folder, or None when the cache is off."""
    folder = cache_folder()
    if folder is None:
        return None
    from jinja2 import FileSystemBytecodeCache

    templates = folder / "templates"
    with _bytecode_lock:
        try:
            templates.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            return None

    class CheckedBytecodeCache(FileSystemBytecodeCache):
        """Jinja's cache, reading only the user's own entries and ignoring a failed write."""

        def load_bytecode(self, bucket: Any) -> None:
            stream = open_entry(Path(self._get_cache_filename(bucket)))
            if stream is not None:
                with stream:
                    bucket.load_bytecode(stream)

        def dump_bytecode(self, bucket: Any) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:  # a full or read-only cache: compiled again next time
                pass

    return CheckedBytecodeCache(str(templates))


def _operators_path(key: str) -> Path | None:
    folder = cache_folder()
    if folder is None:
        return None
    return folder / "figures" / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.ops"


def stored_operators(key: str) -> str | None:
    """A figure's PDF operators stored under ``key`` (its pose data, size and ink), if any."""
    stored = _read_entry(_operators_path(key), lambda stream: stream.read().decode("utf-8"))
    if stored is None:
        return None
    stored_key, _, operators = stored.partition("\0")
    return operators if stored_key == key else None


def store_operators(key: str, operators: str) -> None:
    path = _operators_path(key)
    if path is not None:
        write_entry(path, f"{key}\0{operators}".encode())
