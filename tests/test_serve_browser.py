"""``handout serve`` in a real browser: Debian's Chromium driven by Playwright.

One server (the real ``handout serve`` command on a free loopback port, run in an empty
folder) and one browser per test session. Without Chromium or Playwright the tests skip
with the reason, unless CI is set: then they fail, because .ci/run installs both.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import io
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pdfread import ReadPdf

from generator.resources import default_pack

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
DOCS = Path(__file__).resolve().parent.parent / "docs"
ISSUE = "2026-11-24"
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


def unavailable(reason: str) -> None:
    if on_ci():
        pytest.fail(f"{reason}; CI is set, and .ci/run installs it, so this is a failure")
    pytest.skip(f"{reason}: install Chromium (apt-get install -y chromium) and "
                "pip install '.[test]' to run the browser tests")


def test_a_missing_browser_skips_with_its_reason_but_fails_on_ci(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        unavailable("Chromium is not installed at /usr/bin/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        unavailable("Chromium is not installed at /usr/bin/chromium")


@dataclass
class Server:
    url: str
    folder: Path
    process: subprocess.Popen[str]
    typed_names: list[str] = field(default_factory=list)


def start_server(folder: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    """``handout serve --port 0`` in ``folder``; returns the process and its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", "0", *args], cwd=folder,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"http://\S+/", first)
    if match is None:
        process.kill()
        raise AssertionError(f"handout serve printed no address: {first!r} "
                             f"{process.stderr.read() if process.stderr else ''}")
    return process, match[0]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve-cwd")
    process, url = start_server(folder)
    running = Server(url, folder, process)
    yield running
    process.terminate()
    out, err = process.communicate(timeout=20)
    leaked = [name for name in running.typed_names if name in out + err]
    assert not leaked, f"the server logged a patient's name: {leaked}"
    assert not list(folder.rglob("*")), "the server wrote files"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed")
    if not CHROMIUM.exists():
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any, server: Server) -> Iterator[Any]:
    """A fresh browser context at 1280 x 800 that may reach nothing but the server."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    elsewhere: list[str] = []

    def only_the_server(route: Any) -> None:
        if route.request.url.startswith(server.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.goto(server.url)
    yield tab
    context.close()
    assert not elsewhere, f"the page asked for something outside the server: {elsewhere}"


@pytest.fixture()
def shot(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Save a screenshot: into docs/ with --update-screenshots, else into a temporary folder."""
    folder = DOCS if request.config.getoption("--update-screenshots") else tmp_path

    def take(tab: Any, name: str) -> Path:
        path = folder / name
        tab.screenshot(path=str(path))
        assert path.stat().st_size > 10_000  # a real picture of the page, not a blank
        return path

    return take


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=tmp_path,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def cli_pdf(tmp_path: Path, *args: str) -> bytes:
    result = cli(tmp_path, "build", "-o", "cli.pdf", *args)
    assert result.returncode == 0, result.stderr
    return (tmp_path / "cli.pdf").read_bytes()


def tick_only(tab: Any, ids: list[str]) -> None:
    for box in tab.locator("input[name=exercise]").all():
        box.set_checked(box.get_attribute("value") in ids)


def said(tab: Any, selector: str) -> str:
    """An element's text as a screen reader reads it (the hidden "Error:" too), on one line."""
    return " ".join(tab.locator(selector).text_content().split())


def ticked(tab: Any) -> list[str]:
    return tab.eval_on_selector_all("input[name=exercise]:checked", "boxes => boxes.map(b => b.value)")


# --- the clinician's workflow ---------------------------------------------------------------


def test_download_equals_the_cli_for_the_same_choices(page: Any, server: Server, tmp_path: Path,
                                                       shot: Any) -> None:
    patient = "Zoë Ångström-Núñez"
    server.typed_names.append(patient)
    tick_only(page, ["cobra", "clamshell", "bird-dog"])
    up = page.get_by_role("button", name="Move Cobra up")
    up.focus()
    for _ in range(7):  # from eighth place to first, by keyboard
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move Cobra up"
    assert page.inner_text("#order-status") == "Cobra moved to place 1 of 8."
    assert ticked(page) == ["cobra", "bird-dog", "clamshell"]
    page.fill("#sets-bird-dog", "2")
    page.fill("#reps-bird-dog", "6")
    page.fill("#note-bird-dog", "Keep your back flat, do not rush")
    page.fill("#hold_seconds-cobra", "10")
    page.fill("#times_per_day-cobra", "2")
    page.select_option("#side-clamshell", "left")
    page.fill("#patient", patient)
    page.fill("#clinician", "Siân O'Brien, physiotherapist")
    page.fill("#notes", "Walk every day.\n\nCall if the pain spreads.")
    page.fill("#date", ISSUE)
    page.fill("#review_date", "2026-12-15")
    page.fill("#weeks", "3")
    page.check("#page_size-letter")
    page.check("#large_print")
    page.evaluate("document.getElementById('order-status').previousElementSibling.scrollIntoView()")
    shot(page, "serve-filled.png")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    pdf = Path(download.path()).read_bytes()

    expected = cli_pdf(tmp_path, "--patient", patient, "--clinician", "Siân O'Brien, physiotherapist",
                       "--notes", "Walk every day.\n\nCall if the pain spreads.", "--date", ISSUE,
                       "--review-date", "2026-12-15", "--weeks", "3", "--page-size", "letter",
                       "--large-print", "-e", "cobra", "-e", "bird-dog", "-e", "clamshell",
                       "--dose", "bird-dog=2x6,note:Keep your back flat, do not rush",
                       "--dose", "cobra=hold10,2/day", "--dose", "clamshell=left")
    read, cli_read = ReadPdf.from_bytes(pdf), ReadPdf.from_bytes(expected)
    assert read.pages == cli_read.pages
    assert patient in read.text and "6 times, 2 sets" in read.text
    assert "Keep your back flat, do not rush" in read.text
    assert read.text.index("Cobra") < read.text.index("Bird dog") < read.text.index("Clamshell")
    assert pdf == expected  # the same bytes, not only the same text
    assert download.suggested_filename == "sciatica-zoë-ångström-núñez-2026-11-24.pdf"  # as the CLI names it


def test_a_preset_ticks_its_exercises_and_builds_what_the_cli_builds(
        page: Any, server: Server, tmp_path: Path) -> None:
    page.select_option("#preset", "gentle-start")
    page.get_by_role("button", name="Apply preset").click()
    assert ticked(page) == ["standing-hamstring", "knee-to-chest", "piriformis", "cobra"]
    assert "Hold 20 seconds" in page.inner_text("#default-knee-to-chest")
    assert page.get_attribute("#hold_seconds-knee-to-chest", "placeholder") == "20"
    page.fill("#date", ISSUE)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf == cli_pdf(tmp_path, "--preset", "gentle-start", "--date", ISSUE)


def download(tab: Any) -> bytes:
    with tab.expect_download() as download_info:
        tab.get_by_role("button", name="Download PDF").click()
    return Path(download_info.value.path()).read_bytes()


def test_a_swedish_handout_equals_the_clis(page: Any, server: Server, tmp_path: Path) -> None:
    patient = "Åsa Öberg"
    server.typed_names.append(patient)
    assert page.is_checked("#language-en")  # the pack's own language until one is chosen
    assert page.inner_text("label[for=language-sv]") == "Svenska"
    assert page.get_attribute("label[for=language-sv]", "lang") == "sv"  # read as Swedish
    tick_only(page, ["cobra", "clamshell"])
    page.fill("#patient", patient)
    page.fill("#date", ISSUE)
    page.check("#language-sv")
    page.get_by_role("button", name="Preview").click()
    assert page.locator("#error-summary").count() == 0, said(page, "#error-summary")
    assert page.locator("#preview img").count() > 0
    pdf = download(page)
    assert pdf == cli_pdf(tmp_path, "--lang", "sv", "--patient", patient, "-e", "clamshell",
                          "-e", "cobra", "--date", ISSUE)
    read = ReadPdf.from_bytes(pdf)
    assert str(read.reader.trailer["/Root"]["/Lang"]) == "sv-SE"
    assert "Datum 24 november 2026" in read.pages[0] and patient in read.text
    assert page.is_checked("#language-sv")  # kept for the next handout


def test_the_short_edition_and_a_section_left_out_equal_the_clis(
        page: Any, tmp_path: Path, shot: Any) -> None:
    tick_only(page, ["cobra", "clamshell"])
    page.fill("#date", ISSUE)
    full = ReadPdf.from_bytes(download(page))
    assert "About sciatica" in full.text and "Your exercise log" in full.text
    page.check("#omit-about")
    without_about = download(page)
    assert without_about == cli_pdf(tmp_path, "--omit", "about", "-e", "clamshell", "-e", "cobra",
                                    "--date", ISSUE)
    read = ReadPdf.from_bytes(without_about)
    assert "About sciatica" not in read.text and "Your exercise log" in read.text
    page.uncheck("#omit-about")
    page.check("#brief")
    page.evaluate("document.getElementById('print-title').scrollIntoView()")
    shot(page, "serve-print.png")
    brief = download(page)
    assert brief == cli_pdf(tmp_path, "--brief", "-e", "clamshell", "-e", "cobra",
                            "--date", ISSUE)
    read = ReadPdf.from_bytes(brief)
    assert len(read.pages) < len(full.pages)
    assert "About sciatica" not in read.text and "Your exercise log" not in read.text
    assert "Clamshell" in read.text and "Cobra" in read.text


def test_enter_in_a_field_previews_and_keeps_the_choices(page: Any, server: Server) -> None:
    server.typed_names.append("Ines Enter")
    page.select_option("#preset", "strength")
    page.fill("#patient", "Ines Enter")
    page.press("#patient", "Enter")
    page.wait_for_selector("#preview img")
    assert page.input_value("#patient") == "Ines Enter"
    assert page.input_value("#preset") == "strength"


def test_the_page_loads_with_no_console_error(browser: Any, server: Server) -> None:
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text)
           if message.type in {"error", "warning"} else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.goto(server.url)
    tab.wait_for_load_state("networkidle")
    assert tab.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth)")
    context.close()
    assert problems == []  # no CSP violation, no missing file, no script error


def test_the_form_works_without_javascript(browser: Any, server: Server, tmp_path: Path) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False,
                                  accept_downloads=True)
    tab = context.new_page()
    tab.goto(server.url)
    tick_only(tab, ["cobra"])
    tab.fill("#date", ISSUE)
    with tab.expect_download() as download_info:
        tab.get_by_role("button", name="Download PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    context.close()
    assert pdf == cli_pdf(tmp_path, "-e", "cobra", "--date", ISSUE)


def test_preview_shows_every_page(page: Any, resources: Any) -> None:
    from generator.build import BuildOptions, render_handout

    page.get_by_role("button", name="Preview").click()
    images = page.locator("#preview img")
    pages = len(ReadPdf.from_bytes(render_handout(BuildOptions(), resources)).pages)
    assert images.count() == pages
    assert images.first.get_attribute("alt") == f"Page 1 of {pages}"
    assert all(image.evaluate("i => i.naturalWidth > 400") for image in images.all())


def small_logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (300, 120), (29, 53, 87)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_logo_upload_reaches_the_pdf_and_matches_the_cli(page: Any, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(small_logo())
    page.set_input_files("#logo", files=[{"name": "logo.png", "mimeType": "image/png",
                                          "buffer": small_logo()}])
    page.fill("#date", ISSUE)
    page.get_by_role("button", name="Preview").click()  # the page is drawn again ...
    assert page.input_value("#logo") == ""              # ... and a file field comes back empty,
    assert "The logo chosen before is kept" in page.inner_text("#logo-hint")  # yet it is kept
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert len(ReadPdf.from_bytes(pdf).reader.pages[0].images) == 1
    assert pdf == cli_pdf(tmp_path, "--logo", "logo.png", "--date", ISSUE)
    page.get_by_role("button", name="Preview").click()
    page.check("#logo_remove")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    without = Path(download_info.value.path()).read_bytes()
    assert without == cli_pdf(tmp_path, "--date", ISSUE)


# --- mistakes: shown beside their fields, nothing lost ----------------------------------------


def test_a_bad_dose_is_shown_beside_its_field_and_keeps_what_was_typed(
        page: Any, server: Server, shot: Any) -> None:
    patient = "José Müller"
    server.typed_names.append(patient)
    page.fill("#patient", patient)
    page.fill("#reps-bird-dog", "500")
    page.fill("#hold_seconds-cobra", "ten")
    page.fill("#note-cobra", "Slowly")
    with page.expect_response(lambda response: "/handout/" in response.url) as response_info:
        page.get_by_role("button", name="Preview").click()
    assert response_info.value.status == 400
    error = page.locator("#reps-bird-dog-error")
    assert said(page, "#reps-bird-dog-error") == "Error: Write a whole number from 1 to 100."
    assert error.is_visible()
    field_box, error_box = page.locator("#reps-bird-dog").bounding_box(), error.bounding_box()
    gap = field_box["y"] - (error_box["y"] + error_box["height"])
    assert abs(field_box["x"] - error_box["x"]) < 5 and 0 <= gap < 20  # just above its field
    assert "reps-bird-dog-error" in page.get_attribute("#reps-bird-dog", "aria-describedby")
    assert page.get_attribute("#reps-bird-dog", "aria-invalid") == "true"
    assert said(page, "#hold_seconds-cobra-error") == "Error: Write a whole number from 1 to 600."
    # What was typed is all still there.
    assert page.input_value("#patient") == patient
    assert page.input_value("#reps-bird-dog") == "500"
    assert page.input_value("#hold_seconds-cobra") == "ten"
    assert page.input_value("#note-cobra") == "Slowly"
    # The summary at the top names both, links to the fields and has the focus.
    summary = page.locator("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))") == [
        "#reps-bird-dog", "#hold_seconds-cobra"]
    assert "Bird dog, repetitions: Write a whole number" in summary.inner_text()
    assert page.title().startswith("Error:")
    page.locator("#reps-bird-dog").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -200)")
    shot(page, "serve-error.png")
    # The server keeps answering, and the corrected form builds.
    assert page.request.get(server.url).status == 200
    page.fill("#reps-bird-dog", "12")
    page.fill("#hold_seconds-cobra", "10")
    page.get_by_role("button", name="Preview").click()
    assert page.locator("#preview img").count() > 0
    assert page.locator(".error").count() == 0


def test_an_unknown_exercise_is_shown_beside_the_exercises(page: Any) -> None:
    page.eval_on_selector("#exercise-bird-dog", "box => box.value = 'bird-dgo'")
    page.get_by_role("button", name="Preview").click()
    assert said(page, "#exercises-error") == (
        "Error: unknown exercise id 'bird-dgo'; did you mean 'bird-dog'?")
    assert "exercises-error" in page.get_attribute("#exercises", "aria-describedby")


def test_ticking_nothing_is_an_error_not_the_whole_pack(page: Any) -> None:
    tick_only(page, [])
    page.get_by_role("button", name="Download PDF").click()
    assert said(page, "#exercises-error") == "Error: Tick at least one exercise."


def test_a_bad_logo_is_shown_beside_its_field(page: Any) -> None:
    page.set_input_files("#logo", files=[{"name": "logo.png", "mimeType": "image/png",
                                          "buffer": b"not a picture at all"}])
    page.get_by_role("button", name="Preview").click()
    assert said(page, "#logo-error") == (
        "Error: The logo is not a picture Pillow can read; use PNG or JPEG.")
    assert page.locator("input[name=logo_kept]").count() == 0  # a bad logo is not kept


# --- a clinic's day -----------------------------------------------------------------------------

DAY_LIST = (
    "patient,exercises,dose,date\n"
    "Ana Łukasiewicz,bird-dog;cobra,bird-dog=2x5,2026-11-24\n"
    "Björn Ødegård,,,2026-11-24\n"
    "Chloé Dubois,glute-bridge,glute-bridge=500x,2026-11-24\n"
    "Dev Patel,no-such-exercise,,2026-11-24\n"
)


def test_a_day_list_gives_a_zip_and_the_failures_as_handout_batch_reports_them(
        page: Any, server: Server, tmp_path: Path) -> None:
    server.typed_names.extend(["Ana Łukasiewicz", "Björn Ødegård"])
    page.set_input_files("#csv", files=[{"name": "day.csv", "mimeType": "text/csv",
                                         "buffer": DAY_LIST.encode("utf-8")}])
    page.set_input_files("#batch-logo", files=[{"name": "logo.png", "mimeType": "image/png",
                                                "buffer": small_logo()}])
    page.fill("#batch-clinic", "Riverside Physio")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Build the day's handouts (zip)").click()
    archive = zipfile.ZipFile(Path(download_info.value.path()))
    summary = archive.read("summary.txt").decode("utf-8").splitlines()

    (tmp_path / "day.csv").write_text(DAY_LIST, encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(small_logo())
    result = cli(tmp_path, "batch", "day.csv", "-o", "built", "-j", "1", "--logo", "logo.png",
                 "--clinic", "Riverside Physio")
    assert result.returncode == 1
    assert summary[:-1] == result.stderr.splitlines()
    assert summary[-1] == "built 2, failed 2"
    assert summary[0].startswith("error: day.csv:4:3: dose: ")
    assert summary[1].startswith("error: day.csv:5:2: exercises: unknown exercise id")
    built = sorted(path.name for path in (tmp_path / "built").iterdir())
    assert sorted(set(archive.namelist()) - {"summary.txt"}) == built
    for name in built:
        assert archive.read(name) == (tmp_path / "built" / name).read_bytes()
    ana = ReadPdf.from_bytes(archive.read("sciatica-ana-łukasiewicz-2026-11-24.pdf"))
    assert "Ana Łukasiewicz" in ana.text and "Björn" not in ana.text
    assert "Riverside Physio" in ana.text and len(ana.reader.pages[0].images) == 1


def test_a_day_list_with_a_bad_header_is_an_error_beside_the_file(page: Any) -> None:
    page.set_input_files("#csv", files=[{"name": "day.csv", "mimeType": "text/csv",
                                         "buffer": b"name,exercises\nAna,cobra\n"}])
    page.get_by_role("button", name="Build the day's handouts (zip)").click()
    error = said(page, "#csv-error")
    assert "day.csv:1: unknown column 'name'" in error
    assert page.get_attribute("#csv", "aria-describedby") == "csv-error"


# --- many clinicians at once -------------------------------------------------------------------


def session(server: Server) -> tuple[str, str]:
    """A browser-like session: the CSRF cookie and the page's token."""
    with urllib.request.urlopen(server.url) as response:
        cookie = response.headers["set-cookie"].split(";")[0]
        token = re.search(r'name="csrf" value="([^"]+)"', response.read().decode())[1]  # type: ignore[index]
    return cookie, token


def post(server: Server, path: str, fields: list[tuple[str, str]], cookie: str,
         headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    body = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(server.url.rstrip("/") + path, data=body, method="POST", headers={
        "cookie": cookie, "content-type": "application/x-www-form-urlencoded", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def handout_fields(token: str, patient: str) -> list[tuple[str, str]]:
    return [("csrf", token), ("pack", "sciatica"), ("exercise", "bird-dog"),
            ("exercise", "cobra"), ("patient", patient), ("date", ISSUE), ("page_size", "a4")]


def test_ten_parallel_builds_each_carry_their_own_name(server: Server) -> None:
    cookie, token = session(server)
    names = [f"Zoë Parallel {number:02d}" for number in range(10)]
    server.typed_names.extend(names)
    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(
            lambda name: post(server, "/handout/download", handout_fields(token, name), cookie),
            names))
    for name, (status, pdf) in zip(names, results):
        assert status == 200
        text = ReadPdf.from_bytes(pdf).text
        assert name in text
        assert [other for other in names if other != name and other in text] == []


# --- security --------------------------------------------------------------------------------


def test_security_headers_and_cookie(server: Server) -> None:
    with urllib.request.urlopen(server.url) as response:
        headers = response.headers
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "same-origin"
    cookie = headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_posts_need_the_token_and_the_same_origin(server: Server) -> None:
    cookie, token = session(server)
    fields = handout_fields(token, "Ann")
    assert post(server, "/handout/download", fields, cookie)[0] == 200
    no_token = [item for item in fields if item[0] != "csrf"]
    assert post(server, "/handout/download", no_token, cookie)[0] == 403
    other_cookie = "handout_csrf=someone-else"
    assert post(server, "/handout/download", fields, other_cookie)[0] == 403
    foreign = {"origin": "http://evil.example"}
    assert post(server, "/handout/download", fields, cookie, foreign)[0] == 403
    assert post(server, "/batch", no_token, cookie)[0] == 403
    status, body = post(server, "/handout/preview", no_token, cookie)
    assert status == 403 and 'href="/">Open the form again' in body.decode()


def test_the_host_is_checked_against_dns_rebinding(server: Server) -> None:
    request = urllib.request.Request(server.url, headers={"host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400


def test_no_file_system_path_is_taken_from_the_form(server: Server) -> None:
    cookie, token = session(server)
    fields = handout_fields(token, "Ann") + [("preset", "../../../etc/passwd")]
    fields = [("pack", "/etc") if name == "pack" else (name, value) for name, value in fields]
    status, body = post(server, "/handout/download", fields, cookie)
    assert status == 400
    assert "unknown preset &#39;../../../etc/passwd&#39;" in body.decode()


def test_field_and_upload_limits(server: Server) -> None:
    cookie, token = session(server)
    status, body = post(server, "/handout/download", handout_fields(token, "A" * 301), cookie)
    assert status == 400 and "This is 301 characters long; the limit is 300." in body.decode()
    # A post larger than 8 MB is refused from its length, before its body is read.
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("POST", "/handout/download")
    for name, value in (("cookie", cookie), ("content-length", str(9 * 1024 * 1024)),
                        ("content-type", "application/x-www-form-urlencoded")):
        connection.putheader(name, value)
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()
    status, body = post(server, "/handout/download",
                        handout_fields(token, "Ann") + [("notes", "x" * 300_000)], cookie)
    assert status == 400  # one field beyond its part limit is refused, and the server lives on
    assert urllib.request.urlopen(server.url).status == 200


def test_an_inline_script_does_not_run(page: Any) -> None:
    ran = page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.head.appendChild(script);
        return window.inlineRan === true;
    }""")
    assert ran is False
    assert page.evaluate("typeof document.getElementById('cards').onclick") == "object"


# --- accessible and usable -------------------------------------------------------------------


def axe_violations(browser: Any, server: Server, prepare: Any = None) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations of WCAG 2.1 A and AA on the page."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)  # to inject axe itself
    tab = context.new_page()
    tab.goto(server.url)
    if prepare:
        prepare(tab)
    tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    results = tab.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    context.close()
    assert len(results["passes"]) > 20  # axe did run its rules (color-contrast among them)
    assert "color-contrast" in {rule["id"] for rule in results["passes"] + results["violations"]}
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in results["violations"] if v["impact"] in {"serious", "critical"}]


def test_axe_finds_no_serious_or_critical_violations(browser: Any, server: Server) -> None:
    def with_errors(tab: Any) -> None:
        tab.fill("#reps-bird-dog", "500")
        tab.fill("#weeks", "99")
        tab.get_by_role("button", name="Preview").click()
        assert tab.locator(".error").count() == 2

    def with_preview(tab: Any) -> None:
        tab.get_by_role("button", name="Preview").click()

    assert axe_violations(browser, server) == []
    assert axe_violations(browser, server, with_errors) == []
    assert axe_violations(browser, server, with_preview) == []


def test_keyboard_only_with_a_visible_focus(page: Any) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator(".skip").bounding_box()["x"] >= 0  # shown when focused
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "exercise-standing-hamstring":
            break
    assert page.evaluate("document.activeElement.id") == "exercise-standing-hamstring"
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }""")
    assert style[0] == "solid" and style[1] >= 2 and style[2] != "none"
    page.keyboard.press("Space")
    assert "standing-hamstring" not in ticked(page)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Move Standing hamstring stretch up")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Down
    assert ticked(page)[0] == "bird-dog"
    assert page.evaluate("Array.from(document.querySelectorAll('#cards .card')).map(c => c.dataset.id)")[:2] == [
        "bird-dog", "standing-hamstring"]


def test_every_field_has_a_label(page: Any) -> None:
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
        'input:not([type=hidden]), select, textarea')).filter(f => f.labels.length === 0)
        .map(f => f.name)""")
    assert unlabelled == []


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET], ids=["1280x800", "768-wide"])
def test_the_page_fits_its_width(page: Any, viewport: dict[str, int], shot: Any) -> None:
    page.set_viewport_size(viewport)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    for card in page.locator("#cards .card").all():
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert all(image.evaluate("i => i.complete && i.naturalWidth > 0")
               for image in page.locator("#cards img").all())
    if viewport == DESKTOP:
        shot(page, "serve-empty.png")
    else:
        shot(page, "serve-tablet.png")
    page.fill("#reps-bird-dog", "500")  # errors and the preview fit too
    page.get_by_role("button", name="Preview").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.fill("#reps-bird-dog", "")
    page.get_by_role("button", name="Preview").click()
    assert page.locator("#preview img").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_card_drawings_come_from_the_figure_engine(server: Server) -> None:
    from generator.serve.app import Catalogue, figure_thumbnail

    loaded = Catalogue.load([default_pack()]).packs["sciatica"]
    for exercise in loaded.pack.exercises:
        with urllib.request.urlopen(f"{server.url}figure/sciatica/{exercise.id}") as response:
            assert response.headers["content-type"] == "image/svg+xml"
            assert response.headers["cache-control"] == "private, max-age=3600"
            assert response.headers["content-security-policy"].startswith("default-src 'none'")
            assert response.read() == figure_thumbnail(exercise, loaded.inks)[0]
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{server.url}figure/sciatica/no-such")
    assert missing.value.code == 404


def test_a_pack_that_fails_shows_its_problems_and_a_network_address_warns(tmp_path: Path) -> None:
    bad = tmp_path / "bad-pack"
    shutil.copytree(default_pack(), bad)
    card = bad / "exercises" / "cobra.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("reps: 5", "reps: 0"),
                    encoding="utf-8")
    line = card.read_text(encoding="utf-8").splitlines().index("  reps: 0") + 1
    other = tmp_path / "other-pack"
    shutil.copytree(default_pack(), other)
    pack_file = other / "pack.yaml"
    pack_file.write_text(pack_file.read_text(encoding="utf-8").replace(
        "id: sciatica\n", "id: sciatica-copy\n", 1), encoding="utf-8")
    process, url = start_server(tmp_path, "--host", "0.0.0.0", "--data", str(default_pack()),
                                "--data", str(bad), "--data", str(other))
    try:
        url = url.replace("0.0.0.0", "127.0.0.1")
        with urllib.request.urlopen(url) as response:
            page_text = response.read().decode()
        with urllib.request.urlopen(url + "?pack=sciatica-copy") as response:
            other_page = response.read().decode()
    finally:
        process.terminate()
        _, err = process.communicate(timeout=20)
    assert "A content pack could not be loaded" in page_text
    assert f"{card}:{line}" in page_text and "dose.reps" in page_text
    assert "warning: 0.0.0.0 is not a loopback address" in err
    # The two good packs are offered; the form posts the chosen one's id, never its folder.
    assert re.findall(r'<option value="(sciatica[^"]*)"', page_text) == ["sciatica", "sciatica-copy"]
    assert '<input type="hidden" name="pack" value="sciatica-copy">' in other_page
    assert "/figure/sciatica-copy/bird-dog" in other_page
    assert f"{card}:{line}" in err


def test_nothing_about_a_patient_reaches_the_disk(server: Server) -> None:
    """The server runs in an empty folder: no PDF, logo or log lands there (the session's
    teardown checks again at the end, and that its output names no patient)."""
    assert not list(server.folder.rglob("*"))
