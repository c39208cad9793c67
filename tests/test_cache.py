"""The disk cache: a checked pack is reused only while none of its files changed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import cache, loading
from generator.errors import UserError
from generator.loading import load_pack
from generator.resources import default_pack


@pytest.fixture()
def pack_dir(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(default_pack(), target)
    return target


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time a pack is read and checked from its files (a cache miss)."""
    calls: list[Path] = []
    check_pack = loading.check_pack

    def counted(directory: Path, check_print: bool = False,  # type: ignore[no-untyped-def]
                language: str | None = None):
        calls.append(directory)
        return check_pack(directory, check_print, language)

    monkeypatch.setattr(loading, "check_pack", counted)
    return calls


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_pack_comes_from_the_cache(pack_dir: Path, cache_dir: Path,
                                                loads: list[Path]) -> None:
    first = load_pack(pack_dir, check_print=True)
    second = load_pack(pack_dir, check_print=True)
    assert len(loads) == 1
    assert second == first
    assert list((cache_dir / cache.code_version() / "packs").glob("*.pickle"))


def test_a_changed_pack_file_is_seen(pack_dir: Path, cache_dir: Path,
                                     loads: list[Path]) -> None:
    assert load_pack(pack_dir, check_print=True).exercise("cobra").name != "Cobra, changed"
    replace_in(pack_dir / "exercises" / "cobra.yaml", "name: ", "name: Cobra, changed # ")
    assert load_pack(pack_dir, check_print=True).exercise("cobra").name == "Cobra, changed"
    assert len(loads) == 2


def test_a_changed_translation_file_is_seen(pack_dir: Path, cache_dir: Path,
                                            loads: list[Path]) -> None:
    translations = sorted(pack_dir.glob("*/pack.yaml"))
    assert translations, "the bundled pack has a translation folder"
    load_pack(pack_dir, check_print=True)
    with translations[0].open("a", encoding="utf-8") as stream:
        stream.write("\n# changed\n")
    load_pack(pack_dir, check_print=True)
    assert len(loads) == 2


def test_each_language_has_its_own_entry(pack_dir: Path, cache_dir: Path,
                                         loads: list[Path]) -> None:
    base = load_pack(pack_dir, check_print=True)
    load_pack(pack_dir, check_print=True)
    assert len(loads) == 1
    try:
        other = load_pack(pack_dir, check_print=True, language="sv")
    except UserError:  # a translation with problems is reported, never the base instead
        other = None
    assert len(loads) == 2
    assert other is None or other.language != base.language


def test_a_change_that_breaks_the_pack_is_reported(pack_dir: Path, cache_dir: Path) -> None:
    load_pack(pack_dir, check_print=True)
    replace_in(pack_dir / "exercises" / "cobra.yaml", "kind: stretch", "kind: strech")
    with pytest.raises(UserError, match="stretch"):
        load_pack(pack_dir, check_print=True)


def test_an_added_or_removed_file_is_a_miss(pack_dir: Path, cache_dir: Path,
                                            loads: list[Path]) -> None:
    load_pack(pack_dir, check_print=True)
    (pack_dir / "notes.txt").write_text("new", encoding="utf-8")
    load_pack(pack_dir, check_print=True)
    (pack_dir / "notes.txt").unlink()
    load_pack(pack_dir, check_print=True)
    assert len(loads) == 3


def test_the_pack_font_is_part_of_the_key(pack_dir: Path, cache_dir: Path,
                                          loads: list[Path]) -> None:
    font = pack_dir / "fonts" / "own.ttf"
    font.parent.mkdir()
    shutil.copy(Path(cache.__file__).parent / "fonts" / "DejaVuSans.ttf", font)
    replace_in(pack_dir / "pack.yaml", "\nlanguage: ", "\nfont: fonts/own.ttf\nlanguage: ")
    load_pack(pack_dir, check_print=True)
    load_pack(pack_dir, check_print=True)
    assert len(loads) == 1
    font.write_bytes(font.read_bytes() + b"\0")  # fonts register once per process: a new
    load_pack(pack_dir, check_print=True)           # file is checked again from its files
    assert len(loads) == 2


def test_a_damaged_entry_is_only_a_miss(pack_dir: Path, cache_dir: Path,
                                        loads: list[Path]) -> None:
    load_pack(pack_dir, check_print=True)
    for entry in (cache_dir / cache.code_version() / "packs").glob("*.pickle"):
        entry.write_bytes(b"\x80garbage")
    assert load_pack(pack_dir, check_print=True).id == "sciatica"
    assert len(loads) == 2


def test_no_cache_when_turned_off(pack_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                  loads: list[Path]) -> None:
    monkeypatch.setenv("HANDOUT_CACHE_DIR", "")
    assert cache.cache_folder() is None
    load_pack(pack_dir)
    load_pack(pack_dir)
    assert len(loads) == 2


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_is_not_trusted(cache_dir: Path) -> None:
    assert cache.cache_folder() is not None
    cache_dir.chmod(0o777)
    assert cache.cache_folder() is None


def test_compiled_templates_are_stored_and_reused(cache_dir: Path) -> None:
    from generator.templating import Templates

    bytecode = cache.template_bytecode_cache()
    assert bytecode is not None
    Templates().environment.get_template("handout.xml.j2")
    stored = list((cache_dir / cache.code_version() / "templates").iterdir())
    assert stored


def test_figure_operators_come_from_the_cache_by_key(cache_dir: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.layout import replay
    from generator.layout.replay import compact_operators

    monkeypatch.setattr(replay, "_memory", replay.OrderedDict())
    drawn: list[str] = []

    def draw(operators: str) -> replay.Drawn:
        drawn.append(operators)
        return 211.5, 97.25, operators

    first = replay.replayed_figure("pose A", lambda: draw("0 0 m 10 10 l S"))
    replay._memory.clear()  # a new process: only the disk cache has it
    again = replay.replayed_figure("pose A", lambda: draw("never drawn"))
    other = replay.replayed_figure("pose B", lambda: draw("1 1 m 5 5 l S"))
    assert drawn == ["0 0 m 10 10 l S", "1 1 m 5 5 l S"]
    # stored compacted (layout/replay.py), as they are replayed
    assert (again.width, again.height, again.operators) == (211.5, 97.25,
                                                            compact_operators("0 0 m 10 10 l S"))
    assert again is not first and other.operators == compact_operators("1 1 m 5 5 l S")


def test_a_changed_pose_is_drawn_again(cache_dir: Path) -> None:
    from generator.figures.draw import FigureInks, exercise_figure

    inks = FigureInks(near="#1d3557", far="#8aa1bd", arrow="#b3261e", prop="#5c5c5c",
                      number="#1d3557")
    exercise = load_pack(default_pack()).exercises[0]
    assert exercise.figure is not None
    camera = type(exercise.figure.camera)(yaw=30)  # the engine's own camera model
    turned = exercise.model_copy(update={
        "figure": exercise.figure.model_copy(update={"camera": camera})})
    drawn, again = exercise_figure(exercise, 200.0, inks), exercise_figure(exercise, 200.0, inks)
    assert drawn is not None and again is not None and turned.figure is not None
    assert again is not drawn and again.operators == drawn.operators  # type: ignore[attr-defined]
    assert drawn.operators != exercise_figure(turned, 200.0, inks).operators  # type: ignore[attr-defined,union-attr]


def test_a_yaml_file_is_parsed_again_only_when_its_bytes_change(
        cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import yaml_files

    parsed: list[str] = []
    parse = yaml_files._parse

    def counted(path: Path, text: str):  # type: ignore[no-untyped-def]
        parsed.append(text)
        return parse(path, text)

    monkeypatch.setattr(yaml_files, "_parse", counted)
    path = tmp_path / "styles.yaml"
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    first, _ = yaml_files.read_yaml(path)
    again, _ = yaml_files.read_yaml(path)
    path.write_text("a: 2\nb: [x, y]\n", encoding="utf-8")
    changed, _ = yaml_files.read_yaml(path)
    path.write_text("a: 2\nb: [x,\n", encoding="utf-8")
    broken, problems = yaml_files.read_yaml(path)
    broken_again, problems_again = yaml_files.read_yaml(path)
    assert first is not None and again is not None and changed is not None
    assert first.data == again.data == {"a": 1, "b": ["x", "y"]} and changed.data["a"] == 2
    assert again.marks == first.marks and again.path == path
    assert broken is None and broken_again is None and problems == problems_again
    assert problems and problems[0].line is not None
    assert parsed == ["a: 1\nb: [x, y]\n", "a: 2\nb: [x, y]\n", "a: 2\nb: [x,\n"]
    other = tmp_path / "other.yaml"  # the same bytes at another path: its own entry
    other.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    moved, _ = yaml_files.read_yaml(other)
    assert moved is not None and moved.path == other and len(parsed) == 4


def test_a_cached_build_imports_neither_pydantic_nor_yaml_reader_nor_babel_nor_the_pose_solver(
        cache_dir: Path, tmp_path: Path, pack_dir: Path) -> None:
    """The first build checks the pack (pydantic), reads its YAML, asks Babel and solves
    the figures' poses (figures.scene); the second builds from the cache with none of the
    four. A changed pack file is checked again (pydantic comes back) and its new text is
    printed."""
    import subprocess
    import sys

    from pypdf import PdfReader

    probe = ("import sys; from generator.cli import main\n"
             "main(['build', '--data', sys.argv[2], '--date', '2026-11-24', '-o', sys.argv[1]],"
             " standalone_mode=False)\n"
             "print([name in sys.modules for name in ('pydantic', 'yaml', 'babel',"
             " 'generator.figures.scene', 'jinja2.ext', 'secrets', '_strptime', 'calendar')])")
    environment = {**os.environ, "HANDOUT_CACHE_DIR": str(cache_dir)}

    def build(run: str) -> list[str]:
        result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / f"{run}.pdf"),
                                 str(pack_dir)], env=environment, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout.split("\n")[-2:-1]

    assert build("first")[0].startswith("[True, True, True, True, ")
    # jinja2.ext: only to find messages; secrets: os.urandom; _strptime and calendar:
    # --date is read by cli.IsoDate, the PDF's timestamp worked out without calendar
    assert build("second") == ["[False, False, False, False, False, False, False, False]"]
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()
    replace_in(pack_dir / "exercises" / "cobra.yaml", "name: Cobra", "name: Sphinx")
    assert build("changed")[0].startswith("[True")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "changed.pdf").pages)
    assert "Sphinx" in text and "Sphinx" not in "".join(
        page.extract_text() for page in PdfReader(tmp_path / "second.pdf").pages)


def test_a_checked_preset_is_reused_until_its_files_or_the_pack_change(
        cache_dir: Path, pack_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[Path] = []
    check_preset = loading.check_preset

    def counted(path: Path, pack: Any) -> Any:
        checks.append(path)
        return check_preset(path, pack)

    monkeypatch.setattr(loading, "check_preset", counted)
    pack, path = load_pack(pack_dir), pack_dir / "presets" / "gentle-start.yaml"
    first = loading.load_preset(path, pack)
    assert loading.load_preset(path, pack) == first and len(checks) == 1
    replace_in(path, "weeks: 2", "weeks: 3")
    assert loading.load_preset(path, pack).weeks == 3 and len(checks) == 2
    swedish = load_pack(pack_dir, language="sv")  # its text comes from sv/presets/ too
    assert loading.load_preset(path, swedish).name == "Lugn start" and len(checks) == 3
    replace_in(pack_dir / "sv" / "presets" / "gentle-start.yaml", "Lugn start", "Mjuk start")
    assert loading.load_preset(path, swedish).name == "Mjuk start" and len(checks) == 4
    fewer = pack.model_copy(update={"exercises": pack.exercises[1:]})  # another pack's ids
    with pytest.raises(UserError, match="unknown exercise id 'standing-hamstring'"):
        loading.load_preset(path, fewer)
    assert loading.load_preset(path, pack).weeks == 3 and len(checks) == 5


def test_the_code_version_is_hashed_again_only_when_a_files_stamp_changes(
        cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "package"
    package.mkdir()
    source = package / "a.py"
    source.write_text("A = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_PACKAGE", package)

    def version(cache_setting: str | None = None) -> str:
        if cache_setting is not None:
            monkeypatch.setenv("HANDOUT_CACHE_DIR", cache_setting)
        cache.code_version.cache_clear()
        try:
            return cache.code_version()
        finally:
            cache.code_version.cache_clear()
            monkeypatch.setenv("HANDOUT_CACHE_DIR", str(cache_dir))

    first = version()
    memo = cache_dir / cache.VERSION_MEMO
    stamps = memo.read_text(encoding="ascii").split()[0]
    assert version() == first == version("")  # from the memo, and as hashed without it
    memo.write_text(f"{stamps} {'0' * 32}\n", encoding="ascii")
    assert version() == "0" * 32  # the same stamps: the files are not read again
    source.write_text("A = 2\n", encoding="utf-8")  # the same size, a new time
    os.utime(source, ns=(1, 1))
    second = version()
    assert second not in (first, "0" * 32) and second == version("")
    (package / "b.py").write_text("", encoding="utf-8")  # a new file
    assert version() not in (first, second)


def saved_after_reading(path: Path, old: str, new: str) -> Callable[..., Any]:
    """``loading.check_pack`` that edits ``path`` once the pack is read, as a clinician
    saving a file during a build would: between the loader's read and the cache's write."""
    check_pack = loading.check_pack

    def saving(directory: Path, check_print: bool = False, language: str | None = None) -> Any:
        result = check_pack(directory, check_print, language)
        replace_in(path, old, new)
        return result

    return saving


def test_a_file_saved_while_the_pack_loads_is_never_paired_with_the_old_pack(
        pack_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack report's race: cobra.yaml saved after the loader read it but before the
    entry was written. Every later build must print the file's new text."""
    check_pack = loading.check_pack
    monkeypatch.setattr(loading, "check_pack", saved_after_reading(
        pack_dir / "exercises" / "cobra.yaml", "name: ", "name: Cobra, corrected # "))
    assert load_pack(pack_dir, check_print=True).exercise("cobra").name != "Cobra, corrected"
    monkeypatch.setattr(loading, "check_pack", check_pack)
    for _ in range(2):
        assert load_pack(pack_dir, check_print=True).exercise("cobra").name == "Cobra, corrected"


def test_a_file_saved_before_the_loader_reads_it_stores_nothing(
        pack_dir: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved after the files were hashed but before they were read: the new pack must not be
    stored under the old bytes' hashes (a file saved back would then get the wrong pack)."""
    cobra = pack_dir / "exercises" / "cobra.yaml"
    old_text = cobra.read_text(encoding="utf-8")
    check_pack = loading.check_pack

    def saved_first(directory: Path, check_print: bool = False,  # type: ignore[no-untyped-def]
                    language: str | None = None):
        replace_in(cobra, "name: ", "name: Cobra, corrected # ")
        return check_pack(directory, check_print, language)

    monkeypatch.setattr(loading, "check_pack", saved_first)
    assert load_pack(pack_dir, check_print=True).exercise("cobra").name == "Cobra, corrected"
    monkeypatch.setattr(loading, "check_pack", check_pack)
    cobra.write_text(old_text, encoding="utf-8")  # saved back
    assert load_pack(pack_dir, check_print=True).exercise("cobra").name != "Cobra, corrected"


def cache_on_a_full_disk(root: Path, patch: pytest.MonkeyPatch) -> None:
    """The cache under ``root`` (already chosen by $HANDOUT_CACHE_DIR) with a folder for
    every kind of entry, nothing in memory, and every write failing as on a full disk."""
    from generator.layout import replay

    folder = cache.cache_folder()
    assert folder is not None
    for kind in ("packs", "yaml", "figures", "figure-spec", "babel", "templates"):
        (folder / kind).mkdir()
    patch.setattr(replay, "_memory", replay.OrderedDict())
    full_disk_under(root, patch)


def full_disk_under(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, making or writing any file under ``folder`` fails as on a full disk."""
    import builtins
    import errno
    import io

    def refused(path: object) -> bool:
        return Path(os.fspath(path)).resolve().is_relative_to(folder.resolve())  # type: ignore[arg-type]

    def no_space() -> OSError:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    real_open, real_os_open, real_mkdir = io.open, os.open, os.mkdir

    def open_(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(file, (str, os.PathLike)) and set(mode) & set("wax+") and refused(file):
            raise no_space()
        return real_open(file, mode, *args, **kwargs)

    def os_open(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT) and refused(path):
            raise no_space()
        return real_os_open(path, flags, *args, **kwargs)

    def mkdir(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if refused(path):
            raise no_space()
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(io, "open", open_)
    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "mkdir", mkdir)


def test_a_full_cache_changes_nothing_in_the_build(cache_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kind of entry (packs, YAML, figures, Babel, compiled templates) fails to write:
    the build goes on and writes the same bytes as with no cache."""
    import datetime as dt

    from generator.build import BuildOptions, Resources, render_handout

    options = BuildOptions(date=dt.date(2026, 11, 24))
    monkeypatch.setenv("HANDOUT_CACHE_DIR", "")
    expected = render_handout(options, Resources.load())
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(cache_dir))
    folder = cache.cache_folder()
    assert folder is not None
    cache_on_a_full_disk(cache_dir, monkeypatch)
    assert render_handout(options, Resources.load()) == expected
    monkeypatch.undo()
    assert [path for path in cache_dir.rglob("*") if path.is_file()] == [folder / cache.MARKER]


def test_the_prune_leaves_folders_the_tool_did_not_make(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "shared"
    month_and_more = 40 * 24 * 3600
    letters = root / "Clinic-letters-2025-archive-copy"  # 32 characters, the user's
    hex_named = root / ("ab" * 16)                       # hex, but no marker: the user's
    linked = root / ("cd" * 16)                          # a link to the user's folder
    old_version = root / ("ef" * 16)                     # a version folder the tool made
    for folder in (letters, hex_named, old_version):
        folder.mkdir(parents=True)
        (folder / "keep.txt").write_text("a letter", encoding="utf-8")
    (old_version / cache.MARKER).write_text("", encoding="utf-8")
    (letters / cache.MARKER).write_text("", encoding="utf-8")
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / cache.MARKER).write_text("", encoding="utf-8")
    linked.symlink_to(target, target_is_directory=True)
    import time

    old = time.time() - month_and_more
    for folder in (letters, hex_named, target, old_version):
        os.utime(folder, (old, old))
    os.utime(linked, (old, old), follow_symlinks=False)
    root.chmod(0o700)
    monkeypatch.setenv("HANDOUT_CACHE_DIR", str(root))
    made = cache.cache_folder()
    assert made is not None and (made / cache.MARKER).is_file()
    assert (letters / "keep.txt").is_file() and (hex_named / "keep.txt").is_file()
    assert linked.is_symlink() and (target / cache.MARKER).is_file()
    assert not old_version.exists()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners")
@pytest.mark.parametrize("where", ["version", "kind", "entry"])
def test_an_entry_others_could_have_written_is_never_loaded(
        where: str, pack_dir: Path, cache_dir: Path, loads: list[Path]) -> None:
    """A planted pickle runs code when loaded: the version folder, the entry's folder and the
    entry itself must be the user's and writable by no one else, or the entry is a miss."""
    load_pack(pack_dir, check_print=True)
    version = cache_dir / cache.code_version()
    (entry,) = (version / "packs").glob("*.pickle")
    planted = entry.read_bytes()
    path = {"version": version, "kind": version / "packs", "entry": entry}[where]
    path.chmod(0o777 if path.is_dir() else 0o666)
    load_pack(pack_dir, check_print=True)
    assert len(loads) == 2
    path.chmod(0o700 if path.is_dir() else 0o600)
    entry.write_bytes(planted)
    load_pack(pack_dir, check_print=True)
    assert len(loads) == 2  # the same entry, private again: used
    if os.getuid() == 0:  # only root can give a file away: another owner, private mode
        os.chown(path, 65534, -1)
        load_pack(pack_dir, check_print=True)
        assert len(loads) == 3


def test_a_result_that_cannot_be_pickled_is_returned_and_not_stored(cache_dir: Path) -> None:
    """A library's object that a newer version made unpicklable (cache.cached_result, as
    for ReportLab's parsed fonts) costs the cache, never the build."""
    made: list[int] = []

    def compute() -> Callable[[], int]:
        made.append(1)
        return lambda: 42  # a lambda cannot be pickled

    first = cache.cached_result("unpicklable", "name\n", b"content", compute)
    again = cache.cached_result("unpicklable", "name\n", b"content", compute)
    assert first() == again() == 42 and len(made) == 2
    assert not (cache_dir / cache.code_version() / "unpicklable").exists()
