"""The warm path a server uses: one long-lived Resources, builds from several threads."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from generator.build import BuildOptions, Resources, render_handout
from generator.prescription import PatientDetails


def test_builds_in_threads_give_the_bytes_of_builds_one_by_one(resources: Resources) -> None:
    date = dt.date(2026, 11, 24)
    choices = [BuildOptions(date=date),
               BuildOptions(date=date, exercises=("cobra", "clamshell"), large_print=True,
                            details=PatientDetails(patient="Ana Silva")),
               BuildOptions(date=date, exclude=("bird-dog",), weeks=0, page_size="letter",
                            details=PatientDetails(patient="Jo Bloggs", clinician="Dr Ng"))]
    one_by_one = [render_handout(options, resources) for options in choices]
    work = choices * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda options: render_handout(options, resources), work))
    assert together == one_by_one * 4
