"""Benchmark: ``python -m generator.bench`` prints the speed, memory and size figures.

Measured, never asserted in tests (docs/performance.md records a run and the targets):

- warm build: the default handout built in-process, median of ``--repeat`` builds;
- floor: the same handout's text laid out by ReportLab as plain paragraphs (no figures,
  boxes or tables), in the same run: our build is reported as a ratio to it;
- cold ``handout build`` and ``handout --help``: wall time of a fresh process, median;
- peak resident memory of a cold build, and the PDF's size;
- batch throughput: ``handout batch`` over ``--rows`` generated rows, with -j 1 and -j 2.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from .build import BuildOptions, Resources, render_handout, render_story
from .fonts import register_fonts
from .prescription import PatientDetails
from .resources import default_pack

DATE = dt.date(2026, 11, 24)
_TEXT_ELEMENTS = {"title", "p", "li", "h1", "h2", "row", "day"}


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def floor_pdf(resources: Resources, options: BuildOptions) -> Callable[[], bytes]:
    """The default handout's text as plain paragraphs: ReportLab's own cost for this text."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from .layout.story import inline

    fonts = register_fonts()
    story_xml = render_story(resources, resources.prescribe(options))
    markup = [inline(element, "#0b4f9c") for element in ET.fromstring(story_xml).iter()
              if element.tag in _TEXT_ELEMENTS]
    style = ParagraphStyle("body", fontName=fonts.regular, fontSize=12, leading=17,
                           spaceAfter=6)

    def build() -> bytes:
        buffer = io.BytesIO()
        document = SimpleDocTemplate(buffer, invariant=1, initialFontName=fonts.regular)
        document.build([Paragraph(text, style) for text in markup])
        return buffer.getvalue()

    return build


def command() -> list[str]:
    """The installed ``handout`` script if there is one, else ``python -m generator``."""
    script = shutil.which("handout")
    return [script] if script else [sys.executable, "-m", "generator"]


def cold_run(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one fresh process."""
    environment = {**os.environ,
                   "PYTHONPATH": os.pathsep.join(filter(None, [
                       str(Path(__file__).resolve().parent.parent),
                       os.environ.get("PYTHONPATH")]))}
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def day_list(path: Path, rows: int) -> None:
    """A CSV like a clinic's day: varied exercises, sizes and log lengths."""
    ids = ["knee-to-chest", "standing-hamstring", "piriformis", "cobra", "pelvic-tilt",
           "glute-bridge", "clamshell", "bird-dog"]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["patient", "exercises", "date", "large_print", "weeks"])
        for number in range(rows):
            chosen = [ids[(number + step * 3) % 8] for step in range(2 + number % 4)]
            writer.writerow([f"Patient {number}", ";".join(dict.fromkeys(chosen)),
                             DATE.isoformat(), "yes" if number % 10 == 0 else "no",
                             str(number % 4)])


def linearity(resources: Resources, repeat: int) -> tuple[str, str]:
    """Layout time of 100 and of 200 paragraphs of notes, beyond the handout without them:
    about 2x when layout time grows linearly with content."""
    def notes_ms(count: int) -> float:
        notes = "\n\n".join(["Walk a little further each day; rest when you need to. " * 4]
                             * count)
        options = BuildOptions(date=DATE, details=PatientDetails(notes=notes))
        return median_ms(lambda: render_handout(options, resources), max(3, repeat // 5))
    none, single, double = notes_ms(0), notes_ms(100), notes_ms(200)
    return ("layout time, notes 200 / 100 paragraphs",
            f"{(double - none) / (single - none):.2f}x (linear: about 2x)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="warm builds (default 30)")
    parser.add_argument("--cold", type=int, default=7, help="cold runs (default 7)")
    parser.add_argument("--rows", type=int, default=500, help="batch rows (default 500)")
    parser.add_argument("--no-batch", action="store_true", help="skip the batch runs")
    args = parser.parse_args(argv)

    options = BuildOptions(date=DATE)
    resources = Resources.load(default_pack())
    pdf = render_handout(options, resources)
    floor = floor_pdf(resources, options)
    floor()
    warm = median_ms(lambda: render_handout(options, resources), args.repeat)
    floor_ms = median_ms(floor, args.repeat)

    results: list[tuple[str, str]] = [
        ("machine", f"{platform.machine()}, {os.cpu_count()} cores, Python "
                    f"{platform.python_version()}"),
        ("warm build (median of %d)" % args.repeat, f"{warm:.1f} ms"),
        ("plain-paragraph floor, same text", f"{floor_ms:.1f} ms"),
        ("warm build / floor", f"{warm / floor_ms:.2f}x"),
        ("PDF size, default handout", f"{len(pdf) / 1024:.1f} KiB"),
        linearity(resources, args.repeat),
    ]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        base = command()
        help_runs = [cold_run([*base, "--help"], work)[0] for _ in range(args.cold)]
        build_runs = [cold_run([*base, "build", "--date", DATE.isoformat()], work)
                      for _ in range(args.cold)]
        results += [
            (f"cold handout --help (median of {args.cold})",
             f"{statistics.median(help_runs) * 1000:.0f} ms"),
            (f"cold handout build (median of {args.cold})",
             f"{statistics.median(t for t, _ in build_runs) * 1000:.0f} ms"),
            ("peak memory, cold build", f"{max(m for _, m in build_runs) / 1024:.1f} MiB"),
        ]
        if not args.no_batch:
            day_list(work / "day.csv", args.rows)
            for jobs in (1, 2):
                out = work / f"out-{jobs}"
                seconds, memory = cold_run([*base, "batch", str(work / "day.csv"), "-o", str(out),
                                            "-j", str(jobs)], work)
                made = len(list(out.glob("*.pdf")))
                results.append((f"batch {args.rows} rows, -j {jobs}",
                                f"{seconds:.2f} s ({made} PDFs, {made / seconds:.0f}/s, "
                                f"peak {memory / 1024:.0f} MiB per process)"))
    width = max(len(name) for name, _ in results)
    for name, value in results:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
