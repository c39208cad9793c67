"""docs/robustness.md, enforced: every row is tried here, and every case here has a row.

Each case sets up a bad (or extreme) input, runs the command line in-process and checks
the exit status and that the message the document promises is the one the user sees.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from generator.cli import main
from generator.naming import name_tag
from test_fonts import blank_font
from pdfread import assert_valid_pdf
from generator.resources import default_pack

DOC = Path(__file__).resolve().parent.parent / "docs" / "robustness.md"


@dataclass(frozen=True)
class Case:
    setup: Callable[[Path], list[str]]  # makes files in a folder, returns the arguments
    exit_code: int
    shows: str  # must appear in the output and in the document's row
    written: str = "out.pdf"  # for exit 0: the PDF that must be there afterwards
    # Runs the arguments another way than in-process (e.g. a process to send a signal to);
    # returns the exit status and the output.
    run: Callable[[list[str], Path], tuple[int, str]] | None = None


def copy_pack(folder: Path) -> Path:
    pack = folder / "pack"
    if not pack.exists():
        shutil.copytree(default_pack(), pack)
    return pack


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pack_edit(file: str, *edits: str) -> Callable[[Path], list[str]]:
    """Edit one file of a copied pack: ``edits`` are old, new, old, new, ..."""
    def setup(folder: Path) -> list[str]:
        pack = copy_pack(folder)
        for old, new in zip(edits[::2], edits[1::2]):
            edit(pack / file, old, new)
        return ["build", "--data", str(pack)]
    return setup


def without_key(file: str, key: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        path = copy_pack(folder) / file
        kept, skipping = [], False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(f"{key}:"):
                skipping = True
            elif skipping and not line.startswith(" "):
                skipping = False
            if not skipping:
                kept.append(line)
        path.write_text("\n".join(kept) + "\n", encoding="utf-8")
        return ["build", "--data", str(folder / "pack")]
    return setup


def build_with(*args: str) -> Callable[[Path], list[str]]:
    return lambda folder: ["build", "-o", str(folder / "out.pdf"), *args]


def picture(make: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        path = folder / "logo.png"
        make(path)
        return ["build", "-o", str(folder / "out.pdf"), "--logo", str(path)]
    return setup


def truncated_png(path: Path) -> None:
    Image.effect_noise((400, 300), 60).convert("RGB").save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def huge_png(path: Path) -> None:
    Image.new("1", (20000, 20000)).save(path)


def big_logo(path: Path) -> None:
    Image.effect_noise((4000, 3000), 40).convert("RGB").save(path.with_suffix(".jpg"))
    path.write_bytes(path.with_suffix(".jpg").read_bytes())


def user_file(name: str, text: str, *args: str) -> Callable[[Path], list[str]]:
    """A command with one file of the user's own (a preset, a CSV, a styles.yaml)."""
    def setup(folder: Path) -> list[str]:
        (folder / name).write_text(text, encoding="utf-8")
        return [arg.replace("{folder}", str(folder)) for arg in args]
    return setup


def own_preset(name: str, text: str) -> Callable[[Path], list[str]]:
    """``handout build --preset`` with one preset file of the user's own."""
    return user_file(name, text, "build", "--preset", "{folder}/" + name, "-o", "{folder}/out.pdf")


def many_exercises(count: int) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        pack = copy_pack(folder)
        source = (pack / "exercises" / "cobra.yaml").read_text(encoding="utf-8")
        ids = [f"cobra-{n}" for n in range(count)]
        for exercise_id in ids:
            (pack / "exercises" / f"{exercise_id}.yaml").write_text(
                source.replace("id: cobra", f"id: {exercise_id}", 1), encoding="utf-8")
        text = (pack / "pack.yaml").read_text(encoding="utf-8")
        head = text[: text.index("\nexercises:")]
        tail = "\nexercises:\n" + "".join(f"  - {i}\n" for i in ids)
        (pack / "pack.yaml").write_text(head + tail, encoding="utf-8")
        return ["build", "--data", str(pack), "-o", str(folder / "out.pdf")]
    return setup


def long_word_step(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    edit(pack / "exercises" / "cobra.yaml", "steps:\n", "steps:\n  - " + "x" * 2000 + "\n")
    return ["build", "--data", str(pack), "-o", str(folder / "out.pdf")]


def long_paragraph(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    sentence = "Walking a little further each day helps your back. "
    edit(pack / "pack.yaml", "    paragraphs:\n", f"    paragraphs:\n      - {sentence * 95}\n")
    return ["build", "--data", str(pack), "--large-print", "-o", str(folder / "out.pdf")]


def template_override(content: str, command: str = "build") -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        templates = folder / "templates"
        templates.mkdir()
        (templates / "faq.xml.j2").write_text(content, encoding="utf-8")
        if command == "validate":
            return ["validate", "--templates", str(templates)]
        return ["build", "--templates", str(templates), "-o", str(folder / "out.pdf")]
    return setup


DEEP_BRACKETS = "{{ " + "(" * 100 + "1" + ")" * 100 + " }}"  # Jinja's parser recurses per bracket
DEEP_IFS = "{% if true %}" * 200 + "x" + "{% endif %}" * 200  # Python's compiler: 100 blocks at most
NESTED_TOO_DEEPLY = "faq.xml.j2: template error: nested too deeply"


def under_a_file(folder: Path) -> list[str]:
    (folder / "afile").write_text("x", encoding="utf-8")
    return ["build", "-o", str(folder / "afile" / "out.pdf")]


def exercise_image(name: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        pack = copy_pack(folder)
        path = pack / "exercises" / "cobra.yaml"
        text = path.read_text(encoding="utf-8")
        text = text.split("\nfigure:")[0] + f"\nimage: {name}\n"
        path.write_text(text, encoding="utf-8")
        return ["build", "--data", str(pack), "-o", str(folder / "out.pdf")]
    return setup


def not_utf8(folder: Path) -> list[str]:
    (copy_pack(folder) / "pack.yaml").write_bytes(b"title: caf\xe9\n")
    return ["build", "--data", str(folder / "pack")]


def missing_exercise_file(folder: Path) -> list[str]:
    (copy_pack(folder) / "exercises" / "cobra.yaml").unlink()
    return ["build", "--data", str(folder / "pack")]


def not_a_font(folder: Path) -> list[str]:
    (folder / "x.ttf").write_text("not a font", encoding="utf-8")
    return build_with("--font", str(folder / "x.ttf"))(folder)


def in_swedish(setup: Callable[[Path], list[str]]) -> Callable[[Path], list[str]]:
    return lambda folder: [*setup(folder), "--lang", "sv"]


def own_catalog(text: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        (folder / "own" / "messages").mkdir(parents=True)
        (folder / "own" / "messages" / "sv.yaml").write_text(text, encoding="utf-8")
        return ["build", "--lang", "sv", "--templates", str(folder / "own")]
    return setup


def missing_translation(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    (pack / "sv" / "exercises" / "cobra.yaml").unlink()
    return ["build", "--data", str(pack), "--lang", "sv"]


def yaml_bomb(levels: int = 9) -> str:
    """The "billion laughs": each line nine aliases of the one before."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def pack_bomb(folder: Path) -> list[str]:
    path = copy_pack(folder) / "pack.yaml"
    path.write_text(yaml_bomb() + path.read_text(encoding="utf-8"), encoding="utf-8")
    return ["build", "--data", str(folder / "pack"), "-o", str(folder / "out.pdf")]


def own_file(name: str, content: str, *args: str) -> Callable[[Path], list[str]]:
    """A template folder holding one file (a template, styles.yaml, messages/xx.yaml)."""
    def setup(folder: Path) -> list[str]:
        path = folder / "templates" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        return ["build", "--templates", str(folder / "templates"), "-o",
                str(folder / "out.pdf"), *args]
    return setup


def own_styles(old: str, new: str) -> Callable[[Path], list[str]]:
    styles = (Path(__file__).resolve().parent.parent / "templates" / "styles.yaml")
    text = styles.read_text(encoding="utf-8")
    assert old in text
    return own_file("styles.yaml", text.replace(old, new, 1))


def symlink_in_pack(file: str, target: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        path = copy_pack(folder) / file
        path.unlink()
        path.symlink_to(target)
        return ["build", "--data", str(folder / "pack"), "-o", str(folder / "out.pdf")]
    return setup


def translation_linked_out(file: str) -> Callable[[Path], list[str]]:
    """A file of the Swedish translation replaced by a link to a copy outside the pack."""
    def setup(folder: Path) -> list[str]:
        path = copy_pack(folder) / "sv" / file
        outside = folder / "outside.yaml"
        outside.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        path.unlink()
        path.symlink_to(outside)
        return ["build", "--data", str(folder / "pack"), "--lang", "sv", "-o",
                str(folder / "out.pdf")]
    return setup


def fifo_as(option: str, name: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        os.mkfifo(folder / name)
        return ["build", option, str(folder / name), "-o", str(folder / "out.pdf")]
    return setup


def fifo_pack_file(folder: Path) -> list[str]:
    path = copy_pack(folder) / "pack.yaml"
    path.unlink()
    os.mkfifo(path)
    return ["build", "--data", str(folder / "pack"), "-o", str(folder / "out.pdf")]


def output_is_fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "fifo")
    return ["build", "-o", str(folder / "fifo")]


def output_is_input(folder: Path) -> list[str]:
    Image.new("RGB", (40, 20), "navy").save(folder / "logo.png")
    return ["build", "--logo", str(folder / "logo.png"), "-o", str(folder / "logo.png")]


def output_in_pack(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    return ["build", "--data", str(pack), "-o", str(pack / "pack.yaml")]


def default_name_taken(folder: Path) -> list[str]:
    (folder / "out").mkdir()
    (folder / "out" / "sciatica-handout.pdf").write_bytes(b"%PDF- an earlier handout")
    return ["build"]


def deep_nesting(folder: Path) -> list[str]:
    path = copy_pack(folder) / "pack.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "deep: " + "[" * 990 + "]" * 990 + "\n",
                    encoding="utf-8")
    return ["build", "--data", str(folder / "pack"), "-o", str(folder / "out.pdf")]


def many_safety_items(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    items = "".join(f"  - Keep moving, item {n}.\n" for n in range(31))
    edit(pack / "pack.yaml", "safety:\n", "safety:\n" + items)
    return ["build", "--data", str(pack), "-o", str(folder / "out.pdf")]


def too_much_pack_text(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    items = "".join(f"  - {'Keep moving gently. ' * 240}\n" for _ in range(30))
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    start, end = text.index("safety:\n"), text.index("red_flags:")
    (pack / "pack.yaml").write_text(text[:start] + "safety:\n" + items + "\n" + text[end:],
                                    encoding="utf-8")
    return ["build", "--data", str(pack), "-o", str(folder / "out.pdf")]


def preset_file(content: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        (folder / "mine.yaml").write_text(content, encoding="utf-8")
        return ["build", "--preset", str(folder / "mine.yaml"), "-o", str(folder / "out.pdf")]
    return setup


def truncated_font(folder: Path) -> list[str]:
    font = Path(__file__).resolve().parent.parent / "generator" / "fonts" / "DejaVuSans.ttf"
    (folder / "cut.ttf").write_bytes(font.read_bytes()[:30_000])
    return build_with("--font", str(folder / "cut.ttf"))(folder)


def unlisted_exercise(folder: Path) -> list[str]:
    pack = copy_pack(folder)
    shutil.copy(pack / "exercises" / "cobra.yaml", pack / "exercises" / "side-plank.yaml")
    return ["validate", "--data", str(pack)]


def csv_file(rows: list[str]) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        (folder / "day.csv").write_text("patient,date\n" + "".join(f"{row}\n" for row in rows),
                                        encoding="utf-8")
        (folder / "out").mkdir()
        (folder / "out" / "sciatica-ann-2026-11-24.pdf").write_bytes(b"%PDF- an earlier one")
        return ["batch", str(folder / "day.csv"), "-o", str(folder / "out"), "-j", "1"]
    return setup


def csv_preset(preset: str) -> Callable[[Path], list[str]]:
    """A shared CSV in its own folder whose row names ``preset``; a preset file outside it."""
    def setup(folder: Path) -> list[str]:
        (folder / "evil.yaml").write_text("name: Evil\ndescription: Evil.\nexercises: [cobra]\n"
                                          "notes: LEAKED\n", encoding="utf-8")
        (folder / "shared").mkdir()
        (folder / "shared" / "day.csv").write_text(f"patient,preset\nAnn,{preset}\n",
                                                   encoding="utf-8")
        return ["batch", str(folder / "shared" / "day.csv"), "-o", str(folder / "out"),
                "-j", "1"]
    return setup


def utf16_csv(folder: Path) -> list[str]:
    (folder / "day.csv").write_bytes("patient,date\nBo,2026-11-24\n".encode("utf-16-le"))
    return ["batch", str(folder / "day.csv"), "-o", str(folder / "out"), "-j", "1"]


def decoded_bomb_png(path: Path) -> None:
    """7000 x 7000 16-bit RGBA: its header, and too few pixels to decode (never needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + chunk(b"IHDR", struct.pack(">IIBBBBB", 7000, 7000, 16, 6, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def batch_signalled(number: int) -> Callable[[list[str], Path], tuple[int, str]]:
    """Run a 2-worker batch as a process; signal it once its first PDF is written."""
    def run(args: list[str], folder: Path) -> tuple[int, str]:
        rows = "".join(f"Patient {n},2026-11-24\n" for n in range(200))
        (folder / "day.csv").write_text("patient,date\n" + rows, encoding="utf-8")
        process = subprocess.Popen(
            [sys.executable, "-c", "from generator.cli import main; main()", "batch",
             str(folder / "day.csv"), "-o", str(folder / "out"), "-j", "2"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=folder)
        deadline = time.monotonic() + 60
        while not list((folder / "out").glob("*.pdf")) and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(number)
        # The workers must stop too: one still running would hold the pipe open.
        output, _ = process.communicate(timeout=60)
        built = int(re.search(r"built (\d+)", output)[1])  # type: ignore[index]
        assert len(list((folder / "out").glob("*.pdf"))) == built  # the count is true
        assert f"not run {200 - built} (lines" in output
        return process.returncode, output
    return run


def signalled_while_checking(number: int) -> Callable[[list[str], Path], tuple[int, str]]:
    """Run a batch as a process that signals itself while its rows are read and checked
    (an outside attacker's Ctrl-C there was "Aborted!", exit 1; SIGTERM a silent kill)."""
    def run(args: list[str], folder: Path) -> tuple[int, str]:
        (folder / "day.csv").write_text("patient,date\nAnn,2026-11-24\n", encoding="utf-8")
        script = ("import os, time, generator.batch as batch\n"
                  "read_rows = batch.read_rows\n"
                  "def checking(*args, **kwargs):\n"
                  f"    os.kill(os.getpid(), {int(number)})\n"
                  "    time.sleep(1)\n"
                  "    return read_rows(*args, **kwargs)\n"
                  "batch.read_rows = checking\n"
                  "from generator.cli import main\n"
                  "main()\n")
        process = subprocess.run(
            [sys.executable, "-c", script, "batch", str(folder / "day.csv"), "-o", str(folder / "out")],
            capture_output=True, text=True, cwd=folder, timeout=60)
        assert "Traceback" not in process.stderr and not (folder / "out").exists()
        return process.returncode, process.stdout + process.stderr
    return run


def validated_edit(file: str, old: str, new: str) -> Callable[[Path], list[str]]:
    """``handout validate`` of a copied pack with one file edited."""
    def setup(folder: Path) -> list[str]:
        pack = copy_pack(folder)
        edit(pack / file, old, new)
        return ["validate", "--data", str(pack)]
    return setup


def listed_with_escapes(folder: Path) -> list[str]:
    """``handout list`` of a pack whose cobra is named with terminal escapes."""
    pack = copy_pack(folder)
    edit(pack / "exercises" / "cobra.yaml", "name: Cobra", 'name: "Cobra\\e[2J\\e]0;pwned\\a"')
    return ["list", "--data", str(pack)]


def no_args(folder: Path) -> list[str]:
    return []


# The disk cache (generator/cache.py) is only a speed-up: each of these runs with a cache
# of its own and checks the files around it as well as the output.
def with_cache(folder: Path, patch: pytest.MonkeyPatch) -> Path:
    patch.setenv("HANDOUT_CACHE_DIR", str(folder / "cache"))
    return folder / "cache"


def saved_mid_build(args: list[str], folder: Path) -> tuple[int, str]:
    """cobra.yaml saved after the loader read it, before the entry was written."""
    from generator import loading
    from pdfread import ReadPdf

    from test_cache import saved_after_reading

    check_pack = loading.check_pack
    saving = saved_after_reading(folder / "pack" / "exercises" / "cobra.yaml",
                                 "Keep your hips on the floor.", "Keep your hips down, corrected.")
    with pytest.MonkeyPatch.context() as patch:
        with_cache(folder, patch)
        patch.setattr(loading, "check_pack", saving)
        first = CliRunner().invoke(main, args)
        patch.setattr(loading, "check_pack", check_pack)
        assert first.exit_code == 0, first.output
        later = [CliRunner().invoke(main, args) for _ in range(2)]
    text = ReadPdf.from_bytes((folder / "out.pdf").read_bytes()).text
    assert "Keep your hips on the floor." not in text
    return later[-1].exit_code, later[-1].output + text


def with_environment(variables: dict[str, str]) -> Callable[[list[str], Path], tuple[int, str]]:
    """Run the command line with these environment variables set."""
    def run(args: list[str], folder: Path) -> tuple[int, str]:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in variables.items():
                patch.setenv(name, value)
            result = CliRunner().invoke(main, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            result.exception
        return result.exit_code, result.output
    return run


def full_cache(args: list[str], folder: Path) -> tuple[int, str]:
    """Every cache write fails as on a full disk: the same bytes as with no cache."""
    from test_cache import cache_on_a_full_disk

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HANDOUT_CACHE_DIR", "")
        uncached = CliRunner().invoke(main, [*args[:-1], str(folder / "uncached.pdf")])
        assert uncached.exit_code == 0, uncached.output
        cache_on_a_full_disk(with_cache(folder, patch), patch)
        result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert (folder / "out.pdf").read_bytes() == (folder / "uncached.pdf").read_bytes()
    return result.exit_code, result.output


def prune_beside_user_folder(args: list[str], folder: Path) -> tuple[int, str]:
    """$HANDOUT_CACHE_DIR an existing folder holding a 32-character folder of the user's."""
    letters = folder / "cache" / "Clinic-letters-2025-archive-copy"
    letters.mkdir(parents=True)
    (letters / "letter.txt").write_text("Dear Ann", encoding="utf-8")
    old = time.time() - 40 * 24 * 3600
    os.utime(letters, (old, old))
    with pytest.MonkeyPatch.context() as patch:
        with_cache(folder, patch)
        result = CliRunner().invoke(main, args)
    assert (letters / "letter.txt").read_text(encoding="utf-8") == "Dear Ann"
    return result.exit_code, result.output


class _Planted:
    """A pickle that makes a folder when loaded (an attacker's would run a command)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.path),)


def planted_entry(args: list[str], folder: Path) -> tuple[int, str]:
    """A cache whose packs/ folder others can write, holding a planted pickle."""
    import pickle

    from generator import cache

    ran = folder / "PLANTED-PICKLE-RAN"
    with pytest.MonkeyPatch.context() as patch:
        root = with_cache(folder, patch)
        assert CliRunner().invoke(main, args).exit_code == 0
        packs = root / cache.code_version() / "packs"
        for entry in packs.glob("*.pickle"):
            entry.write_bytes(pickle.dumps(_Planted(ran)))
        packs.chmod(0o777)
        result = CliRunner().invoke(main, args)
    assert not ran.exists()
    return result.exit_code, result.output


def as_handout(closed_stdout: bool = False,
               **environment: str) -> Callable[[list[str], Path], tuple[int, str]]:
    """Run the arguments as the ``handout`` script does, stdout closed (``>&-``) if asked."""
    def run(args: list[str], folder: Path) -> tuple[int, str]:
        root = Path(__file__).resolve().parent.parent
        variables = {**os.environ, **environment, "PYTHONPATH": os.pathsep.join(
            filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
        result = subprocess.run(
            [sys.executable, "-c", "import sys; sys.argv = ['handout', *sys.argv[1:]]\n"
             "from generator.entry import run; run()", *args], cwd=folder, env=variables,
            text=True, timeout=120, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if closed_stdout else subprocess.PIPE,
            stderr=subprocess.PIPE, preexec_fn=(lambda: os.close(1)) if closed_stdout else None)
        assert "Traceback" not in result.stderr, result.stderr
        return result.returncode, (result.stdout or "") + result.stderr
    return run


BOMB_MESSAGES = yaml_bomb()

WORDS = " ".join(["Keep", "walking", "every", "day,", "a", "little", "further."] * 715)

CASES: dict[str, Case] = {
    "yaml-syntax": Case(pack_edit("pack.yaml", "title: Exercises", "title: [Exercises"), 1,
                        "YAML syntax"),
    "yaml-duplicate-key": Case(pack_edit("exercises/cobra.yaml", "kind: stretch",
                                         "kind: stretch\nkind: stretch"), 1, "key given twice"),
    "unknown-field": Case(pack_edit("exercises/cobra.yaml", "benefit:", "benefits:"), 1,
                          "unknown field (check the spelling); did you mean 'benefit'?"),
    "missing-field": Case(without_key("exercises/cobra.yaml", "caution"), 1,
                          "caution: required field is missing"),
    "wrong-type": Case(pack_edit("exercises/cobra.yaml", "reps: 5", "reps: many"), 1,
                       "valid integer"),
    "out-of-range": Case(pack_edit("exercises/cobra.yaml", "reps: 5", "reps: 500"), 1,
                         "less than or equal to 100"),
    "bad-kind": Case(pack_edit("exercises/cobra.yaml", "kind: stretch", "kind: yoga"), 1,
                     "Input should be 'stretch' or 'strengthen'"),
    "not-utf8": Case(not_utf8, 1, "not UTF-8 text"),
    "missing-exercise-file": Case(missing_exercise_file, 1,
                                  "no file exercises/cobra.yaml for this id"),
    "missing-pack": Case(lambda f: ["build", "--data", str(f / "nowhere")], 1,
                         "content pack folder not found"),
    "too-many-exercises": Case(many_exercises(61), 1, "at most 60 items"),
    "step-too-long": Case(pack_edit("exercises/cobra.yaml", "steps:\n",
                                    "steps:\n  - " + "word " * 1001 + "\n"), 1,
                          "at most 5000 characters"),
    "unknown-exercise": Case(build_with("-e", "glute-brige"), 2,
                             "did you mean 'glute-bridge'?"),
    "unknown-excluded": Case(build_with("-x", "kobra"), 2, "did you mean 'cobra'?"),
    "bad-dose": Case(build_with("--dose", "bird-dog=2x10,fast"), 2, "cannot read 'fast'"),
    "dose-out-of-range": Case(build_with("--dose", "bird-dog=0x10"), 2,
                              "greater than or equal to 1"),
    "unknown-preset": Case(build_with("--preset", "gentle"), 2,
                           "valid presets: full, gentle-start, strength"),
    "bad-date": Case(build_with("--date", "2026-13-01"), 2, "'2026-13-01' is not a real date"),
    "date-not-iso": Case(build_with("--date", "2026-1-4"), 2,
                         "'2026-1-4' is not a date in the form YYYY-MM-DD"),
    "weeks-out-of-range": Case(build_with("--weeks", "13"), 2, "not in the range 0<=x<=12"),
    "name-too-long": Case(build_with("--patient", "A" * 301), 2,
                          "is 301 characters long; the limit is 300"),
    "notes-too-long": Case(build_with("--notes", "a " * 30_001), 2,
                           "is 60,002 characters long; the limit is 60,000"),
    "unprintable-in-pack": Case(pack_edit("exercises/cobra.yaml",
                                          "- Relax your back and buttocks.",
                                          "- Relax your back 放松."), 1,
                                "steps.0: the font cannot print '放' (U+653E"),
    "unprintable-character": Case(build_with("--patient", "李小龍"), 1,
                                  "the font cannot print '李' (U+674E"),
    "emoji": Case(build_with("--patient", "Ann \U0001F600"), 1,
                  "cannot print '\U0001F600' (U+1F600 GRINNING FACE): emoji and other "
                  "characters beyond U+FFFF are not supported"),
    "control-character": Case(build_with("--notes", "ring\x07me"), 1,
                              "contains the control character U+0007"),
    "logo-missing": Case(build_with("--logo", "no-such-logo.png"), 1, "picture not found"),
    "logo-not-an-image": Case(picture(lambda p: p.write_text("hello", encoding="utf-8")), 1,
                              "is not a picture Pillow can read"),
    "logo-truncated": Case(picture(truncated_png), 1, "it is damaged or truncated"),
    "logo-huge": Case(picture(huge_png), 1, "the limit is 50,000,000 pixels"),
    "font-not-a-font": Case(not_a_font, 1, "cannot use font"),
    "image-missing": Case(exercise_image("cobra.png"), 1, "file not found"),
    "template-syntax": Case(template_override("{% if %}"), 1, "template syntax"),
    "template-undefined": Case(template_override("<p>{{ faq_typo }}</p>"), 1,
                               "'faq_typo' is undefined"),
    "template-unknown-element": Case(template_override("<marquee/>"), 1,
                                     "unknown element <marquee>"),
    "template-helper-element": Case(template_override("<log-table/>"), 1,
                                    "unknown element <log-table>"),
    "template-misplaced-element": Case(template_override("<li>x</li>"), 1,
                                       "<li> belongs inside <ul> or <ol>"),
    "template-columns": Case(template_override("<card><columns><column/></columns></card>"), 1,
                             "<columns> needs exactly two <column> elements"),
    "template-spacer": Case(template_override('<spacer height="big"/>'), 1,
                            "the height must be a number of points from 0 to 300"),
    "template-figure": Case(template_override('<figure exercise="nope"/>'), 1,
                            "the pack has no exercise 'nope'"),
    "template-box-in-flow": Case(template_override(
        '<flow columns="2"><box><p>' + "word " * 400 + "</p></box></flow>"), 1,
        "<flow> balances prose over columns: its <box>, <keep> or <card> cannot be split to fill "
        "them; put it before or after the <flow>"),
    "template-card-in-a-box": Case(own_file(
        "exercises.xml.j2", '{% for exercise in exercises %}<box kind="info">'
        '{% include "exercise-card.xml.j2" %}</box>{% endfor %}', "-e", "cobra"), 1,
        "story: <card> inside <box>: an exercise card is kept whole on a page, which a <box>, <card>, "
        "<dose>, <column> or <cell> cannot promise; put the card between them"),
    "validate-missing-pack": Case(lambda f: ["validate", "--data", str(f / "nowhere")], 1,
                                  "nowhere: content pack folder not found"),
    "figure-contact-twice": Case(pack_edit("exercises/glute-bridge.yaml", "contacts: [",
                                           "contacts: [left_heel, left_heel, "), 1,
                                 "left_heel listed more than once: name each point once"),
    "styles-footer-rule-in-the-text": Case(
        own_file("styles.yaml", "page:\n  footer_rule: 30\n", "-e", "cobra"), 1,
        "styles.yaml:2:3: page.footer_rule: 30 is out of range; use a number from 0 to 2"),
    "template-nested-containers": Case(template_override(
        "<box><box><p>hi</p></box></box><columns><column><keep><p>a</p></keep></column><column><box><p>b</p></box>"
        "</column></columns>"), 0, "out.pdf"),
    "template-pagebreak-in-box": Case(template_override(
        '<box keep="no"><p>a</p><pagebreak/><p>b</p></box>'), 1,
        "story: <pagebreak/> inside <box>: a page break cannot go inside a <box>, <card>, "
        "<dose>, <column> or <cell>; put it between them"),
    "template-box-style": Case(template_override('<box style="sparkly"><p>x</p></box>'), 1,
                               "unknown box style 'sparkly'; valid styles: amber, danger, green, "
                               "info, red, safety"),
    "unknown-language": Case(build_with("--lang", "fi"), 2,
                             "--lang: the pack 'sciatica' has no text in 'fi'; its languages: en, sv"),
    "language-region-missing": Case(build_with("--lang", "sv-FI"), 0,
                                    "note: the pack has no text for 'sv-FI'; printing its "
                                    "'sv-SE' text"),
    "bad-language-code": Case(build_with("--lang", "Swedish"), 2,
                              "'Swedish' is not a language code such as sv or en-GB"),
    "untranslated-field": Case(in_swedish(pack_edit("sv/exercises/cobra.yaml", "feel:", "feal:")),
                               1, "feel: not translated (the base text would print): add it in "
                               "this language; is 'feal' a misspelling?"),
    "translation-repeats-dose": Case(in_swedish(pack_edit("sv/exercises/cobra.yaml", "benefit:",
                                                          "dose: {reps: 9}\nbenefit:")), 1,
                                     "dose: comes from the base pack and is the same in every "
                                     "language: remove it here"),
    "missing-translation": Case(missing_translation, 1,
                                "missing exercise text: no file sv/exercises/cobra.yaml"),
    "reach-arrow-on-the-head": Case(pack_edit("exercises/bird-dog.yaml",
                                              "moving: [right_hand, left_toe]", "moving: head"),
                                    1, "bird-dog.yaml:44:3: figure.arrow: reach draws an arrow "
                                    "along an arm or a leg, so moving must be a point out along "
                                    "one (an elbow, hand, knee, ankle, heel or toe), not 'head'"),
    "figure-towel-without-around": Case(pack_edit("exercises/knee-to-chest.yaml", "  props:\n",
                                                  "  props:\n  - {kind: towel}\n"), 1,
                                        "figure.props.0: a towel needs around: the body point "
                                        "it loops round"),
    "figure-prop-field-ignored": Case(pack_edit("exercises/knee-to-chest.yaml", "  props:\n",
                                                "  props:\n  - {kind: step, around: right_knee}\n"
                                                "  - {kind: towel, around: right_knee, width: 30}\n"),
                                      1, "figure.props.0.around: a step has no around (only a "
                                      "towel has around, toward, t and band)"),
    "figure-number-is-yes-or-text": Case(pack_edit("exercises/knee-to-chest.yaml", "  props:\n",
                                                   "  camera: {yaw: true, pitch: '65'}\n  props:\n"),
                                         1, "figure.camera.yaw: Input should be a valid number"),
    "figure-number-base-60": Case(pack_edit("exercises/knee-to-chest.yaml", "  props:\n",
                                            "  camera: {yaw: 10, pitch: 1:30}\n  props:\n"),
                                  1, "figure.camera.pitch: '1:30' is read by YAML as the number 90; "
                                  "write the number you mean in plain digits, or put the text in quotes"),
    "figure-camera-blows-up-a-panel": Case(pack_edit("exercises/standing-hamstring.yaml",
                                                     "\n  start:\n",
                                                     "\n  start:\n    camera: {yaw: 0, pitch: 90}\n"),
                                           1, "figure.start: start's panel, seen from its own camera, "
                                           "shows the body "),
    "figure-camera-blows-up-the-others": Case(pack_edit(
        "exercises/standing-hamstring.yaml", "\nfigure:\n",
        "\nfigure:\n  camera: {yaw: 0, pitch: 90}\n", "\n  end:\n",
        "\n  end:\n    camera: {yaw: 0, pitch: 0}\n"), 1,
        "figure.end: start's panel, seen from the figure's camera, shows the body "),
    "figure-camera-end-on-arrow": Case(pack_edit("exercises/pelvic-tilt.yaml", "\n  end:\n",
                                                 "\n  end:\n    camera: {yaw: 90, pitch: 60}\n"),
                                       1, "figure.moving: the last panel's own camera "
                                       "(end.camera) sees low_back's movement end-on"),
    "translation-drops-red-flag": Case(in_swedish(pack_edit(
        "sv/pack.yaml", "    - Ischias i båda benen.\n", "")), 1,
        "sv/pack.yaml:64:3: red_flags.emergency: has 6 items and the base has 7"),
    "translation-placeholder": Case(own_catalog('"Week %(num)s": "Vecka %(nummer)s"\n'), 1,
                                    "the translation must use the placeholders ['num'], not "
                                    "['nummer']"),
    "plural-missing-form": Case(own_catalog('"%(num)s second":\n  one: "%(num)s sekund"\n'), 1,
                                "a plural message needs the forms ['one', 'other'] of 'sv-SE' "
                                "(CLDR); missing ['other']"),
    "output-is-folder": Case(lambda f: ["build", "-o", str(f)], 2, "is a directory"),
    "output-not-writable": Case(under_a_file, 1, "is a file, not a folder"),
    "omit-safety": Case(build_with("--omit", "red-flags"), 2,
                        "'red-flags' cannot be left out: every handout keeps the exercises"),
    "omit-unknown": Case(build_with("--omit", "nope"), 2, "no section 'nope'; the sections are"),
    "exercise-name-too-long": Case(pack_edit("exercises/piriformis.yaml", "name: Piriformis stretch (figure 4)",
                                             "name: " + "Piriformis stretch " * 10), 1,
                                   "piriformis.yaml:2:1: name: String should have at most 80 characters"),
    "preset-dose-cleared": Case(own_preset(
        "none.yaml", "name: None\ndescription: d\nexercises:\n  - id: cobra\n    reps: null\n"
        "    hold_seconds: null\n"),
        1, "none.yaml:5:5: exercises.0.reps: with the pack's dose of cobra: no repetitions (reps) "
           "and no hold (hold_seconds): the card would print no dose"),
    "preset-sets-without-reps": Case(own_preset(
        "sets.yaml", "name: Sets\ndescription: d\nexercises:\n  - id: cobra\n    sets: 3\n"
        "    reps: null\n"),
        1, "sets.yaml:5:5: exercises.0.sets: with the pack's dose of cobra: sets with no "
           "repetitions (reps) would print as a number of times"),
    "pack-dose-empty": Case(pack_edit("exercises/cobra.yaml", "  hold_seconds: 5\n  reps: 5\n"
                                      "  times_per_day: 1\n  days_per_week: 4\n", "  {}\n"), 1,
                            "cobra.yaml:12:1: dose: reps: no repetitions (reps) and no hold"),
    "preset-language-missing": Case(own_preset(
        "fi.yaml", "name: L\ndescription: d\nlanguage: fi\nexercises: [cobra]\n"), 1,
        "fi.yaml:3:1: language: the pack 'sciatica' has no text in 'fi'; its languages: en, sv"),
    "preset-invisible-notes": Case(own_preset(
        "inv.yaml", 'name: Inv\ndescription: d\nexercises: [cobra]\nnotes: "\\u200b\\u00ad"\n'), 1,
        "inv.yaml:4:1: notes: has no visible characters (only spaces, joiners or other invisible "
        "marks): it would print as a blank"),
    "preset-omit-safety": Case(own_preset(
        "short.yaml", "name: Short\ndescription: d\nexercises: [cobra]\nomit: [safety]\n"), 1,
        "short.yaml:4:1: omit: 'safety' cannot be left out"),
    "csv-omit-red-flags": Case(user_file(
        "day.csv", "patient,exercises,omit\nBo,cobra,red-flags\n",
        "batch", "{folder}/day.csv", "-o", "{folder}/out", "-j", "1"), 1,
        "day.csv:2:3: omit: 'red-flags' cannot be left out"),
    "csv-preset-outside-folder": Case(csv_preset("../evil.yaml"), 1,
                                      "day.csv:2:2: preset: '../evil.yaml': a preset file "
                                      "must be in the CSV's folder"),
    "csv-preset-name-too-long": Case(csv_preset("a" * 300), 1,
                                     "day.csv:2:2: preset: unknown preset 'aaaaaaaa"),
    "csv-date-not-iso": Case(user_file(
        "day.csv", "patient,date\nBo,20261124\n",
        "batch", "{folder}/day.csv", "-o", "{folder}/out", "-j", "1"), 1,
        "day.csv:2:2: date: '20261124' is not a date in the form YYYY-MM-DD"),
    "csv-semicolons": Case(user_file(
        "day.csv", "patient;date\nBo;2026-11-24\n",
        "batch", "{folder}/day.csv", "-o", "{folder}/out", "-j", "1"), 1,
        "day.csv:1: the columns are separated by ';', not commas"),
    "csv-one-id-20000-times": Case(user_file(
        "day.csv", "patient,exercises\nBo," + ";".join(["cobra"] * 20_000) + "\n",
        "batch", "{folder}/day.csv", "-o", "{folder}/out", "-j", "1"), 1,
        "day.csv:2:2: exercises: exercise 'cobra' is given twice"),
    "csv-a-column-150000-times": Case(user_file(
        "day.csv", "patient" + ",date" * 150_000 + "\nBo\n",
        "batch", "{folder}/day.csv", "-o", "{folder}/out", "-j", "1"), 1,
        "day.csv:1: column 'date' is given twice"),
    "csv-long-cell-in-the-error": Case(user_file(
        "day.csv", "patient,exercises\nBo," + "x" * 120_000 + "\n",
        "batch", "{folder}/day.csv", "-o", "{folder}/out", "-j", "1"), 1,
        "day.csv:2:2: exercises: unknown exercise id '" + "x" * 59 + "…'; valid ids:"),
    "csv-utf16-no-bom": Case(utf16_csv, 1,
        "day.csv:1: the header holds NUL characters: the file is saved as UTF-16, not UTF-8"),
    "logo-huge-once-decoded": Case(picture(decoded_bomb_png), 1,
                                   "picture is 7000 x 7000 pixels in RGBA, 196 MB once decoded; "
                                   "the limit is 100 MB"),
    "logo-not-png": Case(picture(lambda p: Image.new("RGB", (20, 20)).save(p, format="BMP")),
                         1, "is a BMP picture, which cannot be printed; save it as PNG or JPEG"),
    "styles-bad-colour": Case(user_file(
        "styles.yaml", 'colours:\n  accent: "#1d3557"\n  card_band: pink\n',
        "build", "--templates", "{folder}", "-o", "{folder}/out.pdf"), 1,
        "styles.yaml:3:3: colours.card_band: 'pink' is not a colour"),
    "styles-bad-size": Case(user_file(
        "styles.yaml", 'colours:\n  accent: "#1d3557"\n  card_band: "#123456"\n'
        'paragraph:\n  body:\n    size: big\n',
        "build", "--templates", "{folder}", "-o", "{folder}/out.pdf"), 1,
        "styles.yaml:6:5: paragraph.body.size: 'big' is not a size in points"),
    "styles-white-text": Case(user_file(
        "styles.yaml", 'colours:\n  ink: "#ffffff"\n  danger: "#ffffff"\n  danger_tint: "#ffffff"\n',
        "build", "--templates", "{folder}", "-o", "{folder}/out.pdf"), 1,
        "styles.yaml:2:3: colours.ink: '#ffffff' on colours.page ('#ffffff') has a contrast of "
        "1.00:1; text needs at least 4.5:1"),
    "styles-white-figure": Case(user_file(
        "styles.yaml", 'figure:\n  near: "#ffffff"\n',
        "build", "--templates", "{folder}", "-o", "{folder}/out.pdf"), 1,
        "styles.yaml:2:3: figure.near: '#ffffff' on colours.page ('#ffffff') has a contrast of "
        "1.00:1; a figure's ink needs at least 3:1"),
    "styles-unknown-ink": Case(user_file(
        "styles.yaml", 'figure:\n  glow: "#1d3557"\n',
        "build", "--templates", "{folder}", "-o", "{folder}/out.pdf"), 1,
        "styles.yaml:2:3: figure.glow: unknown ink 'glow' (the inks are near, far, arrow, "
        "prop, number)"),
    # extreme but valid: these build
    "long-notes": Case(build_with("--notes", WORDS), 0, "out.pdf"),
    "long-name": Case(build_with("--patient", "Ann " * 75), 0, "out.pdf"),
    "big-logo": Case(picture(big_logo), 0, "out.pdf"),
    "forty-exercises": Case(many_exercises(40), 0, "out.pdf"),
    "long-word": Case(long_word_step, 0, "out.pdf"),
    "long-paragraph": Case(long_paragraph, 0, "out.pdf"),
    "markup-in-names": Case(build_with("--patient", "<b>x</b> & {{ 7*7 }} {% raw %}"), 0,
                            "out.pdf"),
    # files lost or replaced
    "output-is-an-input": Case(output_is_input, 1, "is an input of this handout"),
    "output-is-a-device": Case(lambda f: ["build", "-o", os.devnull], 1,
                               "is not a regular file (a device, pipe or socket)"),
    "output-is-a-fifo": Case(output_is_fifo, 1,
                             "is not a regular file (a device, pipe or socket)"),
    "output-in-the-pack": Case(output_in_pack, 1, "a folder this handout is read from"),
    "default-name-taken": Case(default_name_taken, 0,
                               "exists; wrote sciatica-handout-2.pdf beside it",
                               written="out/sciatica-handout-2.pdf"),
    "names-in-any-script": Case(lambda f: ["build", "--patient", "Μαρία", "--date",
                                           "2026-11-24"], 0, "sciatica-μαρία-2026-11-24.pdf",
                                written="out/sciatica-μαρία-2026-11-24.pdf"),
    "blank-patient": Case(lambda f: ["build", "--patient", "   "], 0,
                          "out/sciatica-handout.pdf", written="out/sciatica-handout.pdf"),
    "longest-file-name": Case(lambda f: ["build", "-o", str(f / ("x" * 251 + ".pdf"))], 0,
                              "xxx", written="x" * 251 + ".pdf"),
    "batch-folder-name-too-long": Case(
        lambda f: [*csv_file(["Ann,2026-11-24"])(f)[:2], "-o", str(f / ("a" * 300)), "-j", "1"],
        1, "day.csv:2: cannot write here: File name too long"),
    "batch-name-taken": Case(csv_file(["Ann,2026-11-24"]), 0,
                             "sciatica-ann-2026-11-24.pdf exists; wrote "
                             "sciatica-ann-2026-11-24-",
                             written=f"out/sciatica-ann-2026-11-24-{name_tag('Ann')}.pdf"),
    "batch-sigterm": Case(no_args, 143, "interrupted (SIGTERM)",
                          run=batch_signalled(signal.SIGTERM)),
    "batch-sigint": Case(no_args, 130, "interrupted (SIGINT)",
                         run=batch_signalled(signal.SIGINT)),
    "batch-sigterm-while-checking": Case(
        no_args, 143, "interrupted (SIGTERM) while the rows were checked: built 0, not run: every row",
        run=signalled_while_checking(signal.SIGTERM)),
    "batch-sigint-while-checking": Case(
        no_args, 130, "interrupted (SIGINT) while the rows were checked: built 0, not run: every row",
        run=signalled_while_checking(signal.SIGINT)),
    # shared folders are data, not code
    "translated-preset-brief": Case(validated_edit(
        "sv/presets/gentle-start.yaml", "lagt sig kan du fråga din fysioterapeut eller läkare om "
        "styrkeövningarna.\n", "lagt sig kan du fråga din fysioterapeut eller läkare om "
        "styrkeövningarna.\nbrief: true\n"), 1,
        "gentle-start.yaml:17:1: brief: comes from the base pack and is the same in every language"),
    "translated-preset-note-null": Case(validated_edit(
        "sv/presets/gentle-start.yaml", "    note: Gör den lättare varianten om smärtan i benet blir "
        "värre. Eller hoppa över övningen.", "    note: null"), 1,
        "gentle-start.yaml:13:5: exercises.3.note: is empty, but the base preset has text here"),
    "list-terminal-escapes": Case(listed_with_escapes, 0, "Cobra\\u001b[2J\\u001b]0;pwned\\u0007  (stretch)",
                                  written=""),
    "template-sandbox": Case(template_override(
        "{{ cycler.__init__.__globals__.os.popen('id').read() }}"), 1, "is unsafe"),
    "template-unsafe-attribute-printed": Case(template_override("{{ namespace.__init__ }}"), 1,
                                              "faq.xml.j2:1: template error: access to "
                                              "attribute '__init__' of 'type' object is unsafe"),
    "template-lookup-error": Case(template_override("{% for k in self %}{{ k }}{% endfor %}"),
                                  1, "faq.xml.j2:1: template error: KeyError: 0"),
    "template-drops-red-flags": Case(own_file("red-flags-box.xml.j2", ""), 1,
                                     'leave out what every handout must print: the full '
                                     '"Get help urgently" box'),
    "template-runtime-error": Case(template_override("{{ 1/0 }}"), 1,
                                   "faq.xml.j2:1: template error: division by zero"),
    "template-recursion": Case(template_override("{% include 'faq.xml.j2' %}"), 1,
                               "includes or calls itself without end"),
    "template-deep-brackets": Case(template_override(DEEP_BRACKETS), 1, NESTED_TOO_DEEPLY),
    "template-deep-ifs": Case(template_override(DEEP_IFS), 1, NESTED_TOO_DEEPLY),
    "validate-template-deep-brackets": Case(template_override(DEEP_BRACKETS, "validate"), 1,
                                            NESTED_TOO_DEEPLY),
    "validate-template-deep-ifs": Case(template_override(DEEP_IFS, "validate"), 1, NESTED_TOO_DEEPLY),
    "validate-template-syntax": Case(template_override("{% if %}", "validate"), 1,
                                     "faq.xml.j2:1: template syntax: Expected an expression"),
    "template-huge-range": Case(template_override("{{ range(10**8)|list }}"), 1,
                                "template error: a number above 100,000 in a calculation"),
    "template-busy-loop": Case(template_override(
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"), 1,
        "the templates did more than 1,000,000 steps of work"),
    "template-doubling": Case(template_override(
        "{% macro f(n) %}{% if n %}{% set s = f(n-1) %}{{ s }}{{ s }}{% else %}x{% endif %}"
        "{% endmacro %}{{ f(40) }}"), 1, "the templates did more than 1,000,000 steps of work"),
    "template-string-loops": Case(template_override(
        "{% set a = 'x' * 3000 %}{% for i in a %}{% for j in a %}{% for k in a %}{% endfor %}"
        "{% endfor %}{% endfor %}"), 1, "the templates did more than 1,000,000 steps of work"),
    "template-concat-doubling": Case(template_override(
        "{% set a = 'xxxxxxxx' %}" + "{% set a = a ~ a %}" * 32), 1,
        "a value of more than 5,000,000 characters or items"),
    "template-wide-format": Case(template_override("{{ '%999999999s' % 1 }}"), 1,
                                 "a format with a width of a million or more"),
    "template-many-pages": Case(template_override(
        "{% for i in range(2000) %}<pagebreak/><p>x</p>{% endfor %}"), 1,
        "the handout would run to more than 300 pages"),
    "template-runaway-output": Case(template_override(
        "{% for i in range(99999) %}{% for j in range(99999) %}xxxxxxxxxxxxxxxxxxx{% endfor %}"
        "{% endfor %}"), 1, "the templates wrote more than 5,000,000 characters"),
    "exercise-id-is-a-path": Case(pack_edit("pack.yaml", "  - knee-to-chest",
                                            "  - ../../../../tmp/secret"), 1,
                                  "exercises.3: expected an exercise id"),
    "image-outside-pack": Case(exercise_image("/etc/hosts"), 1,
                               "image: '/etc/hosts' lies outside the pack folder"),
    "font-outside-pack": Case(pack_edit("pack.yaml", "publisher:", "font: /etc/passwd\npublisher:"),
                              1, "font: '/etc/passwd' lies outside the pack folder"),
    "exercise-file-links-out": Case(symlink_in_pack("exercises/cobra.yaml", "/dev/zero"), 1,
                                    "exercises/cobra.yaml lies outside the pack folder"),
    # bounded work
    "yaml-aliases": Case(pack_bomb, 1, "pack.yaml:2:10: a1.0: YAML aliases (*name) are not "
                                       "supported"),
    "yaml-merge-key": Case(pack_edit("exercises/cobra.yaml", "kind: stretch",
                                     "kind: stretch\n<<: {caution: never printed}"), 1,
                           "exercises/cobra.yaml:4:1: the YAML merge key << is not supported"),
    "yaml-key-not-text": Case(pack_edit("exercises/cobra.yaml", "kind: stretch",
                                        "kind: stretch\nyes: x"), 1,
                              "exercises/cobra.yaml:4:1: the key yes is read as yes or no, "
                              "not as text"),
    "yaml-aliases-in-messages": Case(own_file("messages/en.yaml", BOMB_MESSAGES), 1,
                                     "YAML aliases (*name) are not supported"),
    "pack-file-is-a-fifo": Case(fifo_pack_file, 1, "is not a regular file"),
    "logo-is-a-fifo": Case(fifo_as("--logo", "logo.png"), 1, "is not a regular file"),
    "font-with-postscript-outlines": Case(
        lambda f: ((f / "font.otf").write_bytes(b"OTTO" + bytes(60)),
                   ["build", "--font", str(f / "font.otf"), "-o", str(f / "out.pdf")])[1], 1,
        "font.otf: cannot use font: its outlines are PostScript (CFF, as in most .otf fonts), "
        "which cannot be embedded; use a .ttf file"),
    "font-whose-letters-draw-nothing": Case(
        lambda f: ["build", "--font", str(blank_font(f / "blank.ttf")), "-o", str(f / "out.pdf")],
        1, "the font cannot print"),
    "font-is-a-fifo": Case(fifo_as("--font", "font.ttf"), 1, "is not a regular file"),
    "preset-file-name-not-an-id": Case(
        lambda f: (shutil.copy(copy_pack(f) / "presets" / "strength.yaml",
                               f / "pack" / "presets" / "Back pain.yaml"),
                   ["validate", "--data", str(f / "pack")])[1], 1,
        "presets/Back pain.yaml: a preset's file name is its name, and cannot be chosen as it "
        "is: use lower-case words joined by hyphens, e.g. back-pain.yaml"),
    "translation-links-out": Case(translation_linked_out("exercises/cobra.yaml"), 1,
                                  "sv/exercises/cobra.yaml: lies outside the pack folder"),
    "translation-pack-file-is-a-device": Case(
        lambda f: [*symlink_in_pack("sv/pack.yaml", "/dev/zero")(f), "--lang", "sv"], 1,
                                              "sv/pack.yaml: lies outside the pack folder"),
    "red-flag-of-invisible-characters": Case(
        pack_edit("pack.yaml", "emergency:\n", "emergency:\n    - \"\\u200b\\u00ad\\u2062\"\n"), 1,
        "red_flags.emergency.0: has no visible characters"),
    "translation-of-a-heading-left-empty": Case(
        own_file("messages/en.yaml", '"Get help urgently": ""\n'), 1,
        "Get help urgently: the translation is empty or invisible"),
    "styles-link-out": Case(lambda f: (own_file("styles.yaml", "")(f),
                                       (f / "templates" / "styles.yaml").unlink(),
                                       (f / "templates" / "styles.yaml").symlink_to("/dev/zero"))[0],
                            1, "lies outside its template folder"),
    "styles-too-large-for-a-page": Case(
        lambda f: own_file("styles.yaml", re.sub(r"\bleading: [0-9.]+", "leading: 80", (
            Path(__file__).resolve().parent.parent / "templates" / "styles.yaml").read_text(
            encoding="utf-8")).replace("  body:\n    font: regular\n    size: 12",
                                       "  body:\n    font: regular\n    size: 72"))(f), 1,
        "part of the handout is taller than a page and cannot be laid out"),
    "styles-share-out-of-range": Case(own_styles("kind_share: 0.25", "kind_share: 500"), 1,
                                      "card.kind_share: 500 is out of range; use a number "
                                      "from 0.05 to 0.9"),
    "styles-log-day-width-zero": Case(own_styles("day_width: 24", "day_width: 0"), 1,
                                      "log.day_width: 0 is out of range; use a number from 12 "
                                      "to 40"),
    "styles-large-print-smaller": Case(own_styles("  scale: 1.34 ", "  scale: 0.5 "), 1,
                                       "large_print.scale: 0.5 is out of range; use a number "
                                       "from 1 to 3"),
    "styles-space-that-hung": Case(
        own_styles("  plan_name:\n    parent: body\n    font: bold\n    space_after: 0",
                   "  plan_name:\n    parent: body\n    font: bold\n    space_after: 100"), 1,
        "paragraph.plan_name.space_after: 100 is out of range; use a number from 0 to 50"),
    "styles-leading-below-size": Case(
        own_styles("  body:\n    font: regular\n    size: 12\n    leading: 16.8",
                   "  body:\n    font: regular\n    size: 12\n    leading: 6"), 1,
        "paragraph.body.leading: a leading of 6 pt with text of 12 pt: lines would print "
        "over each other"),
    "styles-large-print-overprints": Case(
        own_styles("  scale: 1.34          #", "  scale: 3          #"), 1,
        "large_print.scale: large print makes body's text 36 pt on a leading of 22.512 pt: "
        "lines would print over each other"),
    "styles-large-print-cards-split": Case(
        own_file("styles.yaml", "large_print:\n  scale: 2.5\n  leading_scale: 2.5\n",
                 "--large-print", "-e", "cobra", "-e", "piriformis"), 1,
        "2 of the exercise cards are taller than a page in large print and would be split over "
        "pages ('Cobra', 'Piriformis stretch (figure 4)'): shorten or shrink the exercises' own "
        "text, or the sizes in styles.yaml (large_print.scale, leading_scale)"),
    "styles-wide-figure-too-low": Case(
        own_file("styles.yaml", "card:\n  wide_figure_height: 0\n", "-e", "piriformis"), 1,
        "styles.yaml:2:3: card.wide_figure_height: 0 is out of range; use a number from 40 to 200"),
    "note-splits-a-card": Case(
        build_with("-e", "piriformis", "--lang", "sv", "--large-print", "--page-size", "letter",
                   "--dose", "piriformis=note:" + "Breathe out slowly, keep shoulders relaxed. " * 2
                   + "Breathe out"), 1,
        "1 of the exercise cards is taller than a page in large print and would be split over "
        "pages ('Sätesstretch (fyran)'): shorten or shrink the note for piriformis (99 "
        "characters), or the exercise's own text"),
    "styles-large-print-unknown-key": Case(
        own_file("styles.yaml", "large_print:\n  page: {bogus: 3}\n"), 1,
        "styles.yaml:2:10: large_print.page.bogus: unknown setting (the settings here are "
        "margin_left, margin_right, margin_top, margin_bottom, footer_size, footer_gap, "
        "footer_room, footer_rule)"),
    "styles-card-typo": Case(own_file("styles.yaml", "card:\n  figur_width: 300\n"), 1,
                             "styles.yaml:2:3: card.figur_width: unknown setting (the settings here are "
                             "padding, border, band_padding"),
    "styles-large-print-null": Case(own_file("styles.yaml", "large_print: null\n"), 1,
                                    "styles.yaml:1:1: large_print: expected a mapping of "
                                    "settings (scale, leading_scale, space_scale, figure_scale, "
                                    "page), not null"),
    "too-many-safety-items": Case(many_safety_items, 1, "at most 30 items"),
    "figure-too-many-props": Case(pack_edit("exercises/knee-to-chest.yaml", "  props:\n",
                                            "  props:\n" + "  - {kind: mat}\n" * 3000), 1,
                                  "figure.props: Tuple should have at most 8 items after "
                                  "validation, not 3001"),
    "pack-text-too-long": Case(too_much_pack_text, 1, "the limit is 150,000"),
    "dose-given-twice": Case(build_with("-e", "cobra", "--dose", "cobra=2x10", "--dose",
                                        "cobra=3x5"), 2,
                             "--dose: 'cobra=2x10' and 'cobra=3x5' both set the sets of "
                             "'cobra'; give it once"),
    "date-at-the-calendar-end": Case(build_with("--date", "9999-12-31"), 2,
                                     "--date: 9999-12-31: a log of 2 weeks from this date "
                                     "would run past 9999-12-31"),
    "preset-name-too-long": Case(build_with("--preset", "a" * 300), 1,
                                 "the name is too long for the file system"),
    "output-name-too-long": Case(lambda f: ["build", "-o", str(f / ("a" * 300) / "x.pdf")], 1,
                                 "x.pdf: cannot write here: File name too long"),
    "source-date-epoch-not-a-number": Case(
        build_with(), 1, "SOURCE_DATE_EPOCH='abc' is not a whole number of seconds",
        run=with_environment({"SOURCE_DATE_EPOCH": "abc"})),
    "review-before-date": Case(build_with("--date", "2026-11-24", "--review-date", "2020-01-01"),
                               2, "--review-date: 2020-01-01 is before the handout's date "
                               "2026-11-24 (--date, today when not given)"),
    "notes-too-many-paragraphs": Case(build_with("--notes", "\n\n".join(["a"] * 201)), 2,
                                      "has 201 paragraphs; the limit is 200"),
    # every number checked
    "impossible-date": Case(pack_edit("pack.yaml", "last_reviewed: 2026-11-01",
                                      "last_reviewed: 2026-02-30"), 1,
                            "last_reviewed: '2026-02-30' is not a real date"),
    "deep-nesting": Case(deep_nesting, 1, "nested more than 30 levels deep"),
    "yaml-tags": Case(pack_edit("pack.yaml", "keywords:\n", "keywords: !!set\n"), 1,
                      "the YAML tag !!set is not supported"),
    "yaml-bad-scalar": Case(pack_edit("pack.yaml", "last_reviewed: 2026-11-01",
                                      "last_reviewed: !!timestamp soon"), 1,
                            "last_reviewed: 'soon' is not a real date"),
    "huge-number-in-pack": Case(pack_edit("exercises/cobra.yaml", "reps: 5",
                                          "reps: " + "9" * 4301), 1,
                                "dose.reps: a number of more than 30 digits"),
    "huge-number-in-dose": Case(build_with("--dose", "bird-dog=1x" + "9" * 4301), 2,
                                "a number of more than 30 digits"),
    "dose-item-twice": Case(build_with("--dose", "bird-dog=left,right,hold30,hold40"), 2,
                            "'left' and 'right' both set side; give it once"),
    "count-is-not-a-number": Case(preset_file("name: Mine\ndescription: Mine.\nexercises:\n"
                                              "  - id: cobra\n    reps: true\n"), 1,
                                  "exercises.0.reps: Input should be a valid integer"),
    "font-truncated": Case(truncated_font, 1, "a damaged or truncated TrueType file"),
    "styles-size-zero": Case(own_styles("    size: 12\n", "    size: 0\n"), 1,
                             "paragraph.body.size: 0 is out of range; use a number from 12 to 72"),
    "styles-new-style-without-size": Case(own_file("styles.yaml", "paragraph:\n  tiny: {font: regular}\n"), 1,
                                          "styles.yaml:2:3: paragraph.tiny: no size, from the style "
                                          "or a parent: give it a size (12 pt or more)"),
    "styles-parent-a-list": Case(own_file("styles.yaml", "paragraph:\n  small:\n    parent: [body]\n"), 1,
                                 "styles.yaml:3:5: paragraph.small.parent: no paragraph style ['body']"),
    "styles-parent-loop": Case(own_file("styles.yaml", "paragraph:\n  a: {parent: b, size: 12, leading: 14}\n"
                                        "  b: {parent: a}\n"), 1,
                               "styles.yaml:3:7: paragraph.b.parent: the parents run in a loop (a -> b -> a)"),
    "styles-small-text": Case(own_file("styles.yaml", "paragraph:\n  body: {size: 7, leading: 9}\n"), 1,
                              "paragraph.body.size: 7 is out of range; use a number from 12 to 72"),
    "styles-margin": Case(own_styles("margin_left: 18 ", "margin_left: 200 "), 1,
                          "page.margin_left: 200 is out of range; use a number from 5 to 50"),
    "styles-infinite": Case(own_styles("    size: 24\n", "    size: .inf\n"), 1,
                            "paragraph.title.size: inf is out of range"),
    "translation-reordered": Case(own_file("messages/en.yaml",
                                           '"Page %(page)s of %(pages)s": '
                                           '"%(pages)s pages, this is %(page)s"\n'), 1,
                                  "must use the placeholders ['page', 'pages'], not "
                                  "['pages', 'page']"),
    "translation-lone-percent": Case(own_file("messages/en.yaml",
                                              '"Page %(page)s of %(pages)s": '
                                              '"Page %(page)s of %(pages)s, 100%"\n'), 1,
                                     "a % that is not a placeholder; write a percent sign as %%"),
    "translation-double-percent-plain": Case(own_file("messages/en.yaml",
                                                      '"Stay safe": "Stay 100%% safe"\n'), 1,
                                             "%% prints as two percent signs here (the message has "
                                             "no placeholders): write one %"),
    "unlisted-exercise-file": Case(unlisted_exercise, 0,
                                   "side-plank.yaml: not listed under 'exercises:' in pack.yaml",
                                   written=""),
    # the cache is only a speed-up
    "cache-file-saved-mid-build": Case(
        lambda f: ["build", "--data", str(copy_pack(f)), "-e", "cobra", "-o", str(f / "out.pdf")],
        0, "Keep your hips down, corrected.", run=saved_mid_build),
    "cache-full": Case(build_with(), 0, "out.pdf", run=full_cache),
    "cache-beside-user-folders": Case(build_with(), 0, "out.pdf", run=prune_beside_user_folder),
    "cache-planted-entry": Case(build_with(), 0, "out.pdf", run=planted_entry),
    "stdout-closed": Case(lambda f: (under_a_file(f), ["build", "-o", "afile/out.pdf"])[1], 1,
                          "afile/out.pdf: cannot write here: afile is a file, not a folder",
                          run=as_handout(closed_stdout=True)),
    "help-completion": Case(lambda f: ["--help"], 0, "_handout_completion()",
                            run=as_handout(_HANDOUT_COMPLETE="bash_source")),
}


def document_rows() -> dict[str, tuple[int, str]]:
    """case id -> (exit status, the row's text) from the table in docs/robustness.md."""
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z0-9-]+)`\s*\|(.*)\|\s*(\d+)\s*\|(.*)\|\s*$", line)
        if match:
            rows[match[1]] = (int(match[3]), match[2] + match[4])
    return rows


def test_every_case_has_a_row_and_every_row_a_case() -> None:
    assert set(document_rows()) == set(CASES)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_case(case_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[case_id]
    exit_code, row = document_rows()[case_id]
    assert exit_code == case.exit_code
    assert case.shows.replace("|", "\\|") in row.replace("\\\\", "\\")
    args = case.setup(tmp_path)
    monkeypatch.chdir(tmp_path)  # a build without -o writes to out/ here, never into the repo
    before = {p for p in tmp_path.rglob("*") if p.suffix == ".pdf"}
    if case.run is not None:
        exit_code, output = case.run(args, tmp_path)
    else:
        result = CliRunner().invoke(main, args)
        exit_code, output = result.exit_code, result.output
        # CliRunner catches exceptions: a crash would be result.exception, not SystemExit.
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            result.exception
    assert exit_code == case.exit_code, output
    assert case.shows in output
    made = [p.name for p in tmp_path.rglob("*")
            if p.suffix == ".part" or (p.suffix == ".pdf" and p not in before)]
    if case.run is not None:
        assert not any(name.endswith(".part") for name in made)  # nothing half-written
    elif case.exit_code:
        assert made == []  # a failed build writes nothing, not even a temporary file
        assert output.count("\n") <= 4  # short: a line or two, not a dump
    elif case.written:
        pdf = tmp_path / case.written
        assert pdf.stat().st_size < 2_000_000
        assert_valid_pdf(pdf.read_bytes())
        for earlier in before:  # an earlier handout is never replaced by surprise
            assert earlier.read_bytes().startswith(b"%PDF- an earlier")
