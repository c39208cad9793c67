"""Benchmark: ``python -m generator.bench`` measures speed, memory and size against a floor.

The floor (:mod:`generator.bench_floor`) is ReportLab alone writing the default handout's
text as plain paragraphs, in the same fonts, sizes and margins. Every comparison runs
interleaved, A B A B, and reports the median of the per-pair ratios, so a burst of load
from another process skews one pair, not a whole side:

- warm: the default handout built in-process against the floor built in-process, each
  pair for a new patient (name, date, a note), as a server builds them: what a warm
  process remembers (parsed text, line breaks, figures) helps only with what really
  repeats;
- cold: a whole ``handout build`` process against a whole floor process (with the disk
  cache filled by a first run, and with it off);
- ``handout --help`` against ``python -c pass``;
- peak resident memory of a cold build, and the default PDF's size;
- batch: ``handout batch`` of ``--rows`` generated rows with ``-j 1`` against ``-j 2``.

Measured, never asserted in tests; docs/performance.md records runs and the targets. It
calls only public functions (``Resources.load``, ``render_handout``) and the command line.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .bench_floor import floor_builder
from .build import BuildOptions, Resources, render_handout, render_story
from .prescription import PatientDetails
from .resources import default_pack

DATE = dt.date(2026, 11, 24)
FLOOR_SCRIPT = Path(__file__).with_name("bench_floor.py")
# Story elements whose text the floor prints, and the paragraph style each uses.
_STYLE_OF = {"title": "title", "h1": "h1", "h2": "h2", "p": "body", "li": "body",
             "row": "body", "day": "body"}
TARGETS = {"cold": 1.3, "warm": 1.1, "jobs": 1.85, "help": 3.0, "rss_mib": 60,
           "pdf_bytes": 60_000}


def story_xml(resources: Resources, options: BuildOptions) -> str:
    """The handout's story XML."""
    return render_story(resources, resources.prescribe(options))


def floor_spec(resources: Resources, options: BuildOptions) -> dict[str, Any]:
    """The handout's text as plain paragraphs, with the handout's fonts, sizes and margins."""
    from reportlab.lib.pagesizes import A4

    from .fonts import BUNDLED_BOLD, BUNDLED_REGULAR, register_fonts
    from .layout.story import inline
    from .layout.styles import make_styles

    font = resources.pack.font
    styles = make_styles(resources.styles, register_fonts(font), large_print=False)
    faces = {styles.fonts.regular: "regular", styles.fonts.bold: "bold"}
    paragraphs = []
    for element in ET.fromstring(story_xml(resources, options)).iter():
        if element.tag in _STYLE_OF:
            name = element.get("style") or _STYLE_OF[element.tag]
            style = styles.paragraphs.get(name) or styles.paragraphs["body"]
            paragraphs.append([inline(element, "#0b4f9c"), faces.get(style.fontName, "regular"),
                               style.fontSize, style.leading, style.spaceAfter])
    page = styles.page
    return {"fonts": {"regular": str(font or BUNDLED_REGULAR), "bold": str(font or BUNDLED_BOLD)},
            "page": list(A4), "paragraphs": paragraphs,
            "margins": [page["margin_left"], page["margin_right"], page["margin_top"],
                        page["margin_bottom"]]}


_NAMES = ["Ann Berg", "Omar Haddad", "Li Wei", "Maria Lindqvist", "John O'Neill",
          "Fatima Noor", "Per Olsson", "Grace Okafor", "Sam Taylor", "Eva Nilsson"]


def warm_variants(resources: Resources, count: int,
                  ) -> list[tuple[BuildOptions, Callable[[], bytes]]]:
    """``count`` default handouts as a server builds them, each for a new patient (name,
    date and a note of their own), and the floor writing each one's text."""
    variants = []
    for number in range(count):
        details = PatientDetails(
            patient=f"{_NAMES[number % len(_NAMES)]} ({number})",
            notes=f"Walk for {10 + number} minutes twice a day and note how far you got. "
                  f"Call us on day {3 + number % 7} if the pain in your leg spreads or you "
                  f"feel numb. Next time we look at your sitting at work ({number}).")
        options = BuildOptions(date=DATE + dt.timedelta(days=number), details=details)
        variants.append((options, floor_builder(floor_spec(resources, options))))
    return variants


def linearity(resources: Resources, repeat: int) -> tuple[str, str]:
    """Layout time of 100 and of 200 paragraphs of notes, beyond the handout without them:
    about 2x when layout time grows linearly with content. The three sizes are interleaved,
    round after round, so a burst of load skews one round, not one size."""
    options = {count: BuildOptions(date=DATE, details=PatientDetails(notes="\n\n".join(
        ["Walk a little further each day; rest when you need to. " * 4] * count) or None))
        for count in (0, 100, 200)}
    times: dict[int, list[float]] = {count: [] for count in options}
    for _ in range(max(5, repeat // 3)):
        for count, chosen in options.items():
            times[count].append(timed(lambda chosen=chosen: render_handout(chosen, resources)))
    none, single, double = (statistics.median(times[count]) for count in (0, 100, 200))
    return ("layout time, notes 200 / 100 paragraphs",
            f"{(double - none) / (single - none):.2f}x (linear: about 2x)")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def interleaved(first: Callable[[], float], second: Callable[[], float], pairs: int,
                ) -> tuple[list[float], list[float], float]:
    """``pairs`` runs of each, alternated A B A B; both lists and the median ratio A/B."""
    a_times, b_times = [], []
    for _ in range(pairs):
        a_times.append(first())
        b_times.append(second())
    ratio = statistics.median(a / b for a, b in zip(a_times, b_times))
    return a_times, b_times, ratio


def handout_command() -> list[str]:
    """The ``handout`` script installed beside this interpreter, else ``python -m generator``."""
    script = Path(sys.executable).with_name("handout")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "generator"]


# Linux keeps a process's peak memory across fork and exec, so a child of this (large)
# process would report this process's peak. A small launcher starts the child instead
# and prints the child's own peak (KiB).
_LAUNCHER = ("import os, sys; pid = os.fork()\n"
             "if pid == 0: os.execv(sys.argv[1], sys.argv[1:])\n"
             "_, status, usage = os.wait4(pid, 0)\n"
             "print(usage.ru_maxrss); sys.exit(os.waitstatus_to_exitcode(status))")


class Process:
    """Runs whole processes: wall time, and peak resident memory on request."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.last_cpu = 0.0  # user + system seconds of the last run, its children included
        self.environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
            str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")]))}
        # Measured as installed: with compiled bytecode (pip writes it at install; in a
        # source checkout the warm-up run writes it). Without it, every process compiles
        # this package's sources again, about 100 ms.
        self.environment.pop("PYTHONDONTWRITEBYTECODE", None)

    def run(self, args: list[str], cache: bool = True) -> float:
        """Wall seconds of one process (which must succeed); ``cache``: False turns it off."""
        environment = self.environment if cache else {**self.environment,
                                                      "HANDOUT_CACHE_DIR": ""}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        result = subprocess.run(args, cwd=self.cwd, env=environment,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.last_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr.decode()}")
        return elapsed

    def peak_mib(self, args: list[str]) -> float:
        """Peak resident memory of one process, in MiB."""
        result = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *args], cwd=self.cwd,
                                env=self.environment, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stderr}")
        return int(result.stdout.split()[-1]) / 1024


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


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("reportlab", "rl_accel", "pydantic", "jinja2"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(found)


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as stream:
            memory = f", {int(stream.readline().split()[1]) / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python "
            f"{platform.python_version()}, {versions()}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m generator.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="warm pairs (default 30)")
    parser.add_argument("--cold", type=int, default=11, help="cold pairs (default 11)")
    parser.add_argument("--rows", type=int, default=200, help="batch rows (default 200)")
    parser.add_argument("--batch-pairs", type=int, default=2,
                        help="-j 1 / -j 2 pairs (default 2)")
    parser.add_argument("--no-batch", action="store_true", help="skip the batch runs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as cache:
        # The disk cache in the benchmark's own folder unless one is given: never the home's.
        os.environ.setdefault("HANDOUT_CACHE_DIR", cache)
        measure(args)


def measure(args: argparse.Namespace) -> None:

    results: list[tuple[str, str, str]] = [
        ("machine", machine(), ""),
        ("load average (1 min) at the start", f"{os.getloadavg()[0]:.1f}", "")]

    def report(name: str, value: str, target: str = "") -> None:
        results.append((name, value, target))
        print(f"{name}: {value}" + (f"   [{target}]" if target else ""), file=sys.stderr)

    def verdict(met: bool, limit: str) -> str:
        return f"{limit}: {'met' if met else 'NOT met'}"

    options = BuildOptions(date=DATE)
    resources = Resources.load(default_pack())
    pdf = render_handout(options, resources)
    spec = floor_spec(resources, options)
    floor_builder(spec)()
    variants = warm_variants(resources, args.repeat)
    pairs = iter(variants)
    turn: list[tuple[BuildOptions, Callable[[], bytes]]] = []

    def ours_next() -> float:
        turn[:] = [next(pairs)]
        return timed(lambda: render_handout(turn[0][0], resources))

    ours_ms, floor_ms, warm = interleaved(ours_next, lambda: timed(turn[0][1]), args.repeat)
    report(f"warm build, median of {args.repeat} (a new patient each)",
           f"{statistics.median(ours_ms) * 1000:.1f} ms")
    report("warm floor, same pairs", f"{statistics.median(floor_ms) * 1000:.1f} ms")
    report("warm / floor (median of per-pair ratios)", f"{warm:.2f}x",
           verdict(warm <= TARGETS["warm"], f"at most {TARGETS['warm']}x"))
    report("PDF size, default handout", f"{len(pdf):,} bytes",
           verdict(len(pdf) <= TARGETS["pdf_bytes"], f"at most {TARGETS['pdf_bytes']:,}"))
    report(*linearity(resources, args.repeat))

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "floor.json").write_text(json.dumps(spec), encoding="utf-8")
        processes = Process(work)
        base = handout_command()
        ours = [*base, "build", "--date", DATE.isoformat(), "-o", str(work / "cold.pdf")]
        floor_process = [sys.executable, str(FLOOR_SCRIPT), str(work / "floor.json"),
                         str(work / "floor.pdf")]
        processes.run(ours)  # the first run reads files into the page cache
        processes.run(floor_process)
        cpu_ours: list[float] = []
        cpu_floor: list[float] = []

        def run_and_count(args: list[str], cpu: list[float]) -> float:
            seconds = processes.run(args)
            cpu.append(processes.last_cpu)
            return seconds

        cold_ours, cold_floor, cold = interleaved(lambda: run_and_count(ours, cpu_ours),
                                                  lambda: run_and_count(floor_process, cpu_floor),
                                                  args.cold)
        report(f"cold handout build, median of {args.cold}",
               f"{statistics.median(cold_ours) * 1000:.0f} ms")
        report("cold floor process, same pairs", f"{statistics.median(cold_floor) * 1000:.0f} ms")
        report("cold build / floor (median of per-pair ratios)", f"{cold:.2f}x",
               verdict(cold <= TARGETS["cold"], f"at most {TARGETS['cold']}x"))
        report("cold build / floor in CPU time (less sensitive to others' load)",
               f"{statistics.median(a / b for a, b in zip(cpu_ours, cpu_floor)):.2f}x "
               f"({statistics.median(cpu_ours) * 1000:.0f} ms against "
               f"{statistics.median(cpu_floor) * 1000:.0f} ms)")
        _, _, uncached = interleaved(lambda: processes.run(ours, cache=False),
                                     lambda: processes.run(floor_process), args.cold)
        report("cold build with the disk cache off / floor", f"{uncached:.2f}x")
        peak = max(processes.peak_mib(ours) for _ in range(3))
        floor_peak = max(processes.peak_mib(floor_process) for _ in range(3))
        report("peak memory, cold build (floor process)",
               f"{peak:.1f} MiB ({floor_peak:.1f} MiB)",
               verdict(peak <= TARGETS["rss_mib"], f"at most {TARGETS['rss_mib']} MiB"))
        help_times, bare, help_ratio = interleaved(
            lambda: processes.run([*base, "--help"]),
            lambda: processes.run([sys.executable, "-c", "pass"]), args.cold)
        report("handout --help / python -c pass",
               f"{help_ratio:.2f}x ({statistics.median(help_times) * 1000:.0f} ms against "
               f"{statistics.median(bare) * 1000:.0f} ms)",
               verdict(help_ratio <= TARGETS["help"], f"at most {TARGETS['help']}x"))
        if not args.no_batch:
            day_list(work / "day.csv", args.rows)

            def batch(jobs: int) -> Callable[[], float]:
                def run() -> float:
                    out = work / f"out-{jobs}"
                    seconds = processes.run([*base, "batch", str(work / "day.csv"), "-o",
                                             str(out), "-j", str(jobs)])
                    cpu[jobs].append(processes.last_cpu)
                    made = len(list(out.glob("*.pdf")))
                    if made != args.rows:
                        raise RuntimeError(f"batch -j {jobs} made {made} of {args.rows} PDFs")
                    for made_pdf in out.glob("*.pdf"):
                        made_pdf.unlink()
                    return seconds
                return run

            cpu: dict[int, list[float]] = {1: [], 2: []}
            single, double, _ = interleaved(batch(1), batch(2), args.batch_pairs)
            speedup = statistics.median(a / b for a, b in zip(single, double))
            for jobs, times in ((1, single), (2, double)):
                seconds = statistics.median(times)
                report(f"batch {args.rows} rows, -j {jobs}",
                       f"{seconds:.2f} s ({args.rows / seconds:.1f} handouts/s, "
                       f"{statistics.median(cpu[jobs]):.2f} s of CPU)")
            report("batch -j 2 / -j 1 throughput (median of per-pair ratios)", f"{speedup:.2f}x",
                   verdict(speedup >= TARGETS["jobs"], f"at least {TARGETS['jobs']}x"))

            # On a machine others are using, -j 2 cannot have two whole cores: the CPU time
            # says what the workers cost, whatever the load.
            report("batch CPU time, -j 2 / -j 1",
                   f"{statistics.median(cpu[2]) / statistics.median(cpu[1]):.2f}x")
    report("load average (1 min) at the end", f"{os.getloadavg()[0]:.1f}")

    width = max(len(name) for name, _, _ in results)
    for name, value, target in results:
        print(f"{name:<{width}}  {value}" + (f"   [{target}]" if target else ""))


if __name__ == "__main__":
    main()
