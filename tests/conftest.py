"""Shared fixtures: the default handout is built once per test session."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import settings
from pdfread import ReadPdf

from generator.build import BuildOptions, Resources, render_handout
from generator.loading import load_pack
from generator.model import Pack
from generator.resources import default_pack

ISSUE_DATE = dt.date(2026, 11, 24)

# Hypothesis fails an example slower than 200 ms by default: a wall-clock limit, which a test
# must not assert (a busy machine made tests/test_i18n.py flaky). No deadline anywhere.
settings.register_profile("no-deadline", deadline=None)
settings.load_profile("no-deadline")


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The disk cache in a folder of the test run, never the user's home (see cache.py)."""
    os.environ["HANDOUT_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(default_pack())


@pytest.fixture(scope="session")
def resources() -> Resources:
    return Resources.load(default_pack())


@pytest.fixture(scope="session")
def default_pdf(resources: Resources) -> bytes:
    return render_handout(BuildOptions(date=ISSUE_DATE), resources)


@pytest.fixture(scope="session")
def default_read(default_pdf: bytes) -> ReadPdf:
    return ReadPdf.from_bytes(default_pdf)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/* from the current output")
    parser.addoption("--update-screenshots", action="store_true",
                     help="write the web page's screenshots into docs/")


@pytest.fixture()
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
