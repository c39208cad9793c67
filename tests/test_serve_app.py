"""The web app's posts driven in-process (no browser, no socket): day lists, logos, bugs.

A small ASGI client calls the app as uvicorn would, so a test can also say when the client
goes away.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from PIL import Image
from pdfread import ReadPdf

from generator.resources import default_pack
from generator.serve import app as web
from generator.serve import form as forms

Field = tuple[str, "str | tuple[str, bytes]"]
BOUNDARY = "----handout-test-boundary"


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def archive(self) -> zipfile.ZipFile:
        assert self.status == 200, self.text[:2000]
        return zipfile.ZipFile(io.BytesIO(self.body))


class Client:
    """Calls the ASGI app; keeps the CSRF cookie and token of the page it first got."""

    def __init__(self, app: Any) -> None:
        self.app = app
        page = self.call("GET", "/")
        self.cookie = page.headers["set-cookie"].split(";")[0]
        self.token = re.search(r'name="csrf" value="([^"]+)"', page.text)[1]  # type: ignore[index]

    def call(self, method: str, path: str, body: bytes = b"", content_type: str = "",
             cookie: str = "", gone: bool = False) -> Reply:
        """One request; ``gone``: the client disconnects once its body is sent."""
        headers = [(b"host", b"127.0.0.1"), (b"content-length", str(len(body)).encode())]
        headers += [(b"content-type", content_type.encode())] if content_type else []
        headers += [(b"cookie", cookie.encode())] if cookie else []
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
                 "query_string": b"", "root_path": "", "headers": headers,
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
        incoming = [{"type": "http.request", "body": body, "more_body": False}]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if incoming:
                return incoming.pop(0)
            if gone:
                return {"type": "http.disconnect"}
            await anyio.sleep_forever()
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        anyio.run(self.app, scope, receive, send)
        start = next(m for m in sent if m["type"] == "http.response.start")
        body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return Reply(start["status"], {k.decode(): v.decode() for k, v in start["headers"]},
                     body_out)

    def post(self, path: str, fields: list[Field], gone: bool = False) -> Reply:
        parts = []
        for name, value in [("csrf", self.token), ("pack", "sciatica"), *fields]:
            if isinstance(value, tuple):
                filename, data = value
                parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
                             f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                             f'\r\n\r\n'.encode() + data + b"\r\n")
            else:
                parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"'
                             f'\r\n\r\n{value}\r\n'.encode())
        body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
        return self.call("POST", path, body, f"multipart/form-data; boundary={BOUNDARY}",
                         self.cookie, gone)


@pytest.fixture(scope="module")
def catalogue() -> web.Catalogue:
    return web.Catalogue.load([default_pack()])


@pytest.fixture
def client(catalogue: web.Catalogue) -> Client:
    return Client(web.create_app(catalogue, ["127.0.0.1"]))


def day_list(*rows: str, header: str = "patient,date") -> tuple[str, tuple[str, bytes]]:
    return "csv", ("day.csv", ("\n".join([header, *rows]) + "\n").encode())


def summary(archive: zipfile.ZipFile) -> list[str]:
    return archive.read("summary.txt").decode().splitlines()


def handout_fields(patient: str, *more: Field) -> list[Field]:
    return [("exercise", "bird-dog"), ("exercise", "cobra"), ("patient", patient),
            ("date", "2026-11-24"), ("page_size", "a4"), *more]


# --- a day list's presets: names only --------------------------------------------------------


def test_a_day_list_takes_the_packs_preset_names_never_a_file(client: Client,
                                                              tmp_path: Path) -> None:
    secret = tmp_path / "evil.yaml"
    secret.write_text("name: Evil\ndescription: Evil.\nexercises: [cobra]\n"
                      "notes: LEAKED-FROM-SERVER-DISK\n", encoding="utf-8")
    climb = "../" * 12 + str(secret).lstrip("/")
    tried = [str(secret), climb, "/nonexistent.yaml", "/root", "/etc/passwd", "a" * 300]
    rows = [f"Row {n},{value}" for n, value in enumerate(tried)] + ["Flo,gentle-start"]
    archive = client.post("/batch", [day_list(*rows, header="patient,preset")]).archive()
    lines = summary(archive)
    assert lines[-1] == f"built 1, failed {len(tried)}"
    for number, line in enumerate(lines[:-1]):
        # One message for a file that exists, one that does not, a folder and an
        # unreadable file: the page is no oracle for the server's disk.
        assert line.startswith(f"error: day.csv:{number + 2}:2: preset: unknown preset '")
        assert line.endswith("'; valid presets: full, gentle-start, strength")
    assert not any("internal error" in line or "/work" in line for line in lines)
    pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
    assert pdfs == ["sciatica-flo-" + pdfs[0].removeprefix("sciatica-flo-")]
    assert "LEAKED" not in ReadPdf.from_bytes(archive.read(pdfs[0])).text


# --- the day list's own fields --------------------------------------------------------------


def test_a_day_lists_contact_over_the_limit_is_refused_beside_it(client: Client) -> None:
    contact = "555-" + "1" * 296 + "TAIL"
    reply = client.post("/batch", [day_list("Ann,2026-11-24"), ("contact", contact),
                                   ("clinic", "Riverside")])
    assert reply.status == 400
    error = re.search(r'<p class="error" id="batch-contact-error">(.*?)</p>', reply.text, re.S)
    assert error and "This is 304 characters long; the limit is 300." in error[1]
    field = re.search(r'<input type="text" id="batch-contact"[^>]*>', reply.text)
    assert field and 'aria-invalid="true"' in field[0] and f'value="{contact}"' in field[0]
    assert 'id="batch-clinic-error"' not in reply.text
    assert 'value="Riverside"' in reply.text  # what was typed is kept


# --- a row that fails never loses the others -------------------------------------------------


def test_a_date_out_of_range_fails_its_row_only(client: Client) -> None:
    archive = client.post("/batch", [day_list("Ann,2026-11-24", "Bob,9999-12-31",
                                              "Cy,2026-11-24")]).archive()
    lines = summary(archive)
    assert lines[-1] == "built 2, failed 1"
    assert lines[0].startswith("error: day.csv:3")
    assert sorted(name for name in archive.namelist() if name.endswith(".pdf")) == [
        "sciatica-ann-2026-11-24.pdf", "sciatica-cy-2026-11-24.pdf"]


def test_a_row_that_fails_with_a_bug_is_its_rows_failure_and_logged(
        client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        ) -> None:
    real, unlucky = web.render_handout, "Bob Private"

    def flaky(options: Any, resources: Any) -> bytes:
        if options.details.patient == unlucky:
            raise OverflowError("date value out of range")
        return real(options, resources)

    monkeypatch.setattr(web, "render_handout", flaky)
    with caplog.at_level(logging.ERROR, logger=web.__name__):
        archive = client.post("/batch", [day_list("Ann,2026-11-24", f"{unlucky},2026-11-24",
                                                  "Cy,2026-11-24")]).archive()
    assert summary(archive) == [
        "error: day.csv:3: internal error (a bug, please report it): OverflowError: "
        "date value out of range", "built 2, failed 1"]
    assert "Traceback (most recent call last)" in caplog.text  # a bug keeps its traceback
    assert unlucky not in caplog.text  # nothing typed is logged


def test_a_bug_in_a_single_handout_keeps_the_form(
        client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        ) -> None:
    def broken(options: Any, resources: Any) -> bytes:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(web, "render_handout", broken)
    with caplog.at_level(logging.ERROR, logger=web.__name__):
        reply = client.post("/handout/download", handout_fields("Zoë Kept"))
    assert reply.status == 500
    assert "this is a bug in the program, not a mistake in the form" in reply.text
    assert 'value="Zoë Kept"' in reply.text
    assert "OverflowError" in caplog.text and "Traceback" in caplog.text


# --- logos: decoded off the event loop -------------------------------------------------------


def png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (29, 53, 87, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("path", ["/handout/preview", "/batch"])
def test_an_uploaded_logo_is_decoded_in_a_worker_thread(
        client: Client, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    real = forms.print_ready
    where: list[str] = []

    def spy(source: Any) -> bytes:
        try:
            asyncio.get_running_loop()
            where.append("event loop")
        except RuntimeError:
            where.append("worker thread")
        return real(source)

    monkeypatch.setattr(forms, "print_ready", spy)
    getattr(forms.logo_problem, "cache_clear", lambda: None)()  # a cached result: no decode
    logo = ("logo", ("logo.png", png((1600, 400))))
    fields = ([day_list("Ann,2026-11-24"), logo] if path == "/batch"
              else handout_fields("Ann", logo))
    reply = client.post(path, fields)
    assert reply.status == 200, reply.text[:2000]
    assert where == ["worker thread"]


# --- the form's fields say what the page has -------------------------------------------------


@pytest.mark.parametrize("typed", ["20261124", "2026-W48-2", "2026-11-24T00:00"])
def test_the_date_field_takes_yyyy_mm_dd_only(client: Client, typed: str) -> None:
    reply = client.post("/handout/download", handout_fields("Ann", ("review_date", typed)))
    assert reply.status == 400
    assert "Write the date as YYYY-MM-DD, for example 2026-11-24." in reply.text


def test_an_unprintable_name_says_nothing_of_a_font_option(client: Client) -> None:
    reply = client.post("/handout/download", handout_fields("李小龍"))
    assert reply.status == 400
    assert "the font cannot print" in reply.text and "remove them" in reply.text
    assert "--font" not in reply.text
    archive = client.post("/batch", [day_list("李小龍,2026-11-24", "Ann,2026-11-24")]).archive()
    assert "the font cannot print" in summary(archive)[0]
    assert "--font" not in summary(archive)[0]


# --- an abandoned day list stops --------------------------------------------------------------


def test_a_day_list_stops_when_the_client_goes_away(client: Client,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real = web.render_handout

    def counted(options: Any, resources: Any) -> bytes:
        built.append(options.details.patient)
        return real(options, resources)

    monkeypatch.setattr(web, "render_handout", counted)
    rows = [f"Patient {n},2026-11-24" for n in range(3)]
    reply = client.post("/batch", [day_list(*rows)], gone=True)
    assert reply.status == 499 and built == []
    archive = client.post("/batch", [day_list(*rows)]).archive()  # one that waits is built
    assert built == ["Patient 0", "Patient 1", "Patient 2"]
    assert summary(archive) == ["built 3, failed 0"]


# --- a kept logo, and two packs of one id ----------------------------------------------------


def test_a_kept_logo_the_server_no_longer_holds_is_said_beside_the_field(client: Client,
                                                                         ) -> None:
    reply = client.post("/handout/preview", handout_fields(
        "Ann", ("logo", ("logo.png", png((200, 80))))))
    kept = re.search(r'name="logo_kept" value="([^"]+)"', reply.text)
    assert reply.status == 200 and kept
    assert client.post("/handout/download",
                       handout_fields("Ann", ("logo_kept", kept[1]))).status == 200
    for _ in range(web.KEPT_LOGOS):  # newer logos push it out
        client.post("/handout/preview", handout_fields("Bo", ("logo", ("l.png", png((9, 9))))))
    reply = client.post("/handout/download", handout_fields("Ann", ("logo_kept", kept[1])))
    assert reply.status == 400  # it used to build the handout without the logo, silently
    error = re.search(r'<p class="error" id="logo-error">(.*?)</p>', reply.text, re.S)
    assert error and "The logo chosen before is no longer held by the server" in error[1]
    assert 'name="logo_kept"' not in reply.text  # sent again without a file: no logo
    reply = client.post("/handout/download", handout_fields("Ann", ("logo_kept", "")))
    assert reply.status == 200


def test_two_packs_of_one_id_serve_the_first_and_name_the_second(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(default_pack(), copy)
    catalogue = web.Catalogue.load([default_pack(), copy])
    assert list(catalogue.packs) == ["sciatica"]
    assert catalogue.packs["sciatica"].resources.pack_dir == default_pack().resolve()
    assert [str(problem) for problem in catalogue.problems] == [
        f"{copy.resolve() / 'pack.yaml'}: id: the pack id 'sciatica' is also that of "
        f"{default_pack().resolve()}, which is served; this folder is not (give it an id "
        "of its own in pack.yaml)"]


def test_a_bad_preset_is_left_out_and_named_but_its_pack_is_served(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "pack"
    shutil.copytree(default_pack(), copy)
    shutil.copy(copy / "presets" / "strength.yaml", copy / "presets" / "Back pain.yaml")
    (copy / "presets" / "broken.yaml").write_text("name: Broken\n", encoding="utf-8")
    catalogue = web.Catalogue.load([copy])
    assert sorted(catalogue.packs["sciatica"].presets) == ["full", "gentle-start", "strength"]
    problems = [str(problem) for problem in catalogue.problems]
    assert problems[0] == (f"{copy.resolve() / 'presets' / 'Back pain.yaml'}: not offered: a "
                           "preset's file name is its name, and cannot be chosen as it is: use "
                           "lower-case words joined by hyphens, e.g. back-pain.yaml")
    assert problems[1].startswith(f"{copy.resolve() / 'presets' / 'broken.yaml'}:")
    assert "description: required field is missing" in " ".join(problems[1:])


# --- a day list is checked in memory, and no further than its limit --------------------------


def test_a_day_list_never_looks_at_the_servers_folders(client: Client, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out" / "sciatica-ann-2026-11-24.pdf").mkdir(parents=True)  # a folder
    archive = client.post("/batch", [day_list("Ann,2026-11-24")]).archive()
    assert summary(archive) == ["built 1, failed 0"]  # it used to fail: "is a folder"
    assert archive.namelist() == ["sciatica-ann-2026-11-24.pdf", "summary.txt"]


def test_a_day_list_over_the_limit_is_refused_before_the_rows_beyond_it_are_checked(
        client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import batch

    checked: list[object] = []
    real = batch.check_row

    def counted(options: Any, resources: Any) -> Any:
        checked.append(options)
        return real(options, resources)

    monkeypatch.setattr(batch, "check_row", counted)
    rows = [f"Patient {n},2026-11-24" for n in range(web.MAX_ROWS + 100)]
    reply = client.post("/batch", [day_list(*rows)])
    assert reply.status == 400
    assert f"day.csv:{web.MAX_ROWS + 2}: more than {web.MAX_ROWS} rows; split the file" \
        in reply.text
    assert len(checked) == web.MAX_ROWS
