"""The web app: one page, its posts, the exercise drawings and the static files (Starlette).

Concurrency: requests are served on one event loop; a build runs in a worker thread and
takes :data:`BUILD_LOCK`, so one handout is laid out at a time in the process. ReportLab
and our per-process caches (figures, fonts, parsed markup) are module state not made for
threads; the lock keeps them safe. While a build runs the loop keeps answering the page,
the drawings and the other requests, which queue for the lock in turn. An uploaded logo
is checked (decoded) in a worker thread too, without the lock: Pillow works on the
upload's own image, and the picture cache is thread-safe. A day list is checked and built
row by row under the lock, and stops when its client goes away.

Patient data stays in memory: nothing here writes a file or logs a form value.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import io
import logging
import secrets
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypeVar

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartParser
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..batch import Outcome, ResourcesByLanguage, Row, crashed, rows_from_text
from ..build import BuildOptions, Resources, render_handout
from ..errors import Problem, UserError
from ..languages import primary
from ..loading import find_preset, load_preset, preset_files
from ..model import Exercise, Pack, Preset
from ..naming import default_output, slug
from ..prescription import PatientDetails
from ..view import dose_words
from . import form as forms

if TYPE_CHECKING:
    from ..figures import FigureInks

HERE = Path(__file__).resolve().parent
BUILD_LOCK = threading.Lock()
CSRF_COOKIE = "handout_csrf"
MAX_BODY_BYTES = 8 * 1024 * 1024    # a whole post: a logo of 5 MB and the fields
MAX_CSV_BYTES = 1024 * 1024         # a day list
MAX_ROWS = 200                      # rows of a day list built from the page
MAX_FIELD_BYTES = 256 * 1024        # any one text field (the notes' limit is 60,000 characters)
KEPT_LOGOS = 32                     # logos kept in memory between a preview and a download
THUMBNAIL_WIDTH = 240               # points: the drawing on an exercise card (height follows)
PREVIEW_SCALE = 0.9                 # pixels per point of the preview's page images
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # no-referrer would make the browser post "Origin: null"
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
# Pages and PDFs carry patient data: never cached, unless a response says otherwise (a drawing).
DEFAULT_HEADERS = {"cache-control": "no-store"}

T = TypeVar("T")
LOG = logging.getLogger(__name__)
BUG = ("The handout could not be built: this is a bug in the program, not a mistake in "
       "the form (its details are in the server's log). Please report it.")
LOGO_GONE = ("The logo chosen before is no longer held by the server (it keeps the last "
             f"{KEPT_LOGOS}): choose the file again, or leave the field empty for no logo.")
BATCH_FIELDS = (("clinician", "Clinician, for rows that leave it empty"),
                ("clinic", "Clinic, on every handout"), ("contact", "Contact, on every handout"))

# Starlette spools an upload over 1 MB to a temporary file: keep every upload in memory
# (a post is at most MAX_BODY_BYTES), so no logo or day list ever touches the disk.
MultiPartParser.spool_max_size = MAX_BODY_BYTES


@dataclass(frozen=True)
class LoadedPack:
    """A content pack ready to build from, with its presets and its drawings' ink."""

    resources: Resources
    base: BuildOptions              # what the form does not choose: the pack's folder
    presets: Mapping[str, Preset]
    inks: FigureInks
    languages: ResourcesByLanguage  # rows of a day list may ask for another language

    @property
    def pack(self) -> Pack:
        return self.resources.pack

    def resources_in(self, language: str | None) -> Resources:
        """The pack and templates in ``language`` (None: the pack's own), each loaded once;
        call it under :data:`BUILD_LOCK` (it may load a translation)."""
        own = language is None or primary(language) == primary(self.pack.language)
        return self.languages.get(None if own else language)


@dataclass(frozen=True)
class Catalogue:
    """The packs the server offers, by id, and the problems of those that failed to load."""

    packs: Mapping[str, LoadedPack]
    problems: tuple[Problem, ...] = ()

    @classmethod
    def load(cls, data_dirs: Sequence[Path], templates_dir: Path | None = None) -> Catalogue:
        from ..figures import FigureInks
        from ..fonts import register_fonts
        from ..layout.styles import make_styles

        packs: dict[str, LoadedPack] = {}
        problems: list[Problem] = []
        for data_dir in data_dirs:
            try:
                resources = Resources.load(data_dir, templates_dir)
            except UserError as error:
                problems.extend(error.problems)
                continue
            pack = resources.pack
            presets = {}
            # A bad preset is left out and named, not the pack.
            named, misnamed = preset_files(resources.pack_dir)
            problems.extend(replace(problem, message=f"not offered: {problem.message}")
                            for problem in misnamed)
            for name in named:
                try:
                    presets[name] = load_preset(find_preset(data_dir, name), pack)
                except UserError as error:
                    file = resources.pack_dir / "presets" / f"{name}.yaml"
                    problems.extend(replace(problem, path=problem.path or file)
                                    for problem in error.problems)
            if pack.id in packs:  # the page offers a pack by its id: one folder per id
                first = packs[pack.id].resources.pack_dir
                problems.append(Problem(
                    f"id: the pack id {pack.id!r} is also that of {first}, which is served; "
                    "this folder is not (give it an id of its own in pack.yaml)",
                    resources.pack_dir / "pack.yaml"))
                continue
            styles = make_styles(resources.styles, register_fonts(pack.font), False)
            languages = ResourcesByLanguage(resources.pack_dir, templates_dir, resources)
            packs[pack.id] = LoadedPack(resources, BuildOptions(), presets,
                                        FigureInks(**styles.figure), languages)
        return cls(packs, tuple(problems))


async def locked(function: Callable[..., T], *args: Any) -> T:
    """Run ``function`` in a worker thread, one at a time (see the module's docstring)."""
    def run() -> T:
        with BUILD_LOCK:
            return function(*args)

    return await anyio.to_thread.run_sync(run)


def figure_thumbnail(exercise: Exercise, inks: FigureInks) -> tuple[bytes, str]:
    """An exercise's drawing for its card, from the same figure engine as the handout
    (its vector drawing as SVG), or the pack's own picture."""
    from reportlab.graphics import renderSVG

    from ..figures.draw import panel_figure
    from ..images import print_ready

    if exercise.figure is not None:
        drawing = panel_figure(exercise.figure, THUMBNAIL_WIDTH, inks)
        return renderSVG.drawToString(drawing).encode("utf-8"), "image/svg+xml"
    if exercise.image is None:
        return b"<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>", "image/svg+xml"
    picture = print_ready(Path(str(exercise.image)))  # the pack's own picture
    return picture, "image/png" if picture.startswith(b"\x89PNG") else "image/jpeg"


def attachment(name: str) -> str:
    """A Content-Disposition for a download: the name as typed (RFC 6266's ``filename*``
    for any script) and an ASCII fallback for old browsers."""
    from urllib.parse import quote

    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def page_images(pdf: bytes) -> list[str]:
    """Every page of the PDF as a JPEG data URL, for the preview."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            buffer = io.BytesIO()
            # JPEG: a third of PNG's encoding time at the same size, and text stays crisp.
            page.render(scale=PREVIEW_SCALE).to_pil().save(buffer, format="JPEG", quality=85)
            images.append("data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode())
        return images
    finally:
        document.close()


class SecurityHeaders:
    """Adds the security headers to every response, and refuses oversized posts (413)
    and posts of unknown length (411) before reading them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.decode("latin-1").lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                present = {k.decode("latin-1").lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in DEFAULT_HEADERS.items()
                            if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        if scope["method"] == "POST":
            length = dict(scope["headers"]).get(b"content-length")
            status = (411 if length is None or not length.isdigit()
                      else 413 if int(length) > MAX_BODY_BYTES else 0)
            if status:
                text = ("The upload is too large." if status == 413
                        else "The request gave no length.")
                await HTMLResponse(text, status_code=status)(scope, receive, send_with_headers)
                return
        await self.app(scope, receive, send_with_headers)


class Site:
    """The routes, over one catalogue of packs and one secret for the CSRF tokens."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.secret = secrets.token_bytes(32)
        self.thumbnails: dict[tuple[str, str], tuple[bytes, str]] = {}
        # A page cannot refill a file field, so an uploaded logo is kept here (in memory,
        # the oldest dropped first) under a random token that the re-drawn form carries.
        self.logos: OrderedDict[str, bytes] = OrderedDict()
        self.pages = Environment(loader=FileSystemLoader(HERE), autoescape=True,
                                 undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    # --- CSRF: a random cookie per browser, and a form token that is its HMAC -------------

    def token(self, cookie: str) -> str:
        return hmac.new(self.secret, cookie.encode(), hashlib.sha256).hexdigest()

    def trusted(self, request: Request, form: FormData) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        token = form.get("csrf")
        origin = request.headers.get("origin")
        same_origin = origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"
        return (bool(cookie) and isinstance(token, str) and same_origin
                and hmac.compare_digest(token, self.token(cookie)))

    # --- the page -------------------------------------------------------------------------

    def loaded(self, pack_id: object) -> LoadedPack | None:
        packs = self.catalogue.packs
        return packs.get(pack_id) if isinstance(pack_id, str) and pack_id in packs else (
            next(iter(packs.values()), None))

    def render(self, request: Request, loaded: LoadedPack | None, state: forms.FormState,
               status: int = 200, preview: Sequence[str] = (),
               batch_errors: Sequence[str] = (), batch_summary: Sequence[str] = (),
               batch_logo_error: str | None = None,
               batch_fields: Mapping[str, tuple[str, str | None]] | None = None) -> Response:
        cookie = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        errors = forms.error_order(state, loaded.pack) if loaded else []
        context = {
            "catalogue": self.catalogue, "loaded": loaded, "state": state,
            "errors": errors + [("", message) for message in state.general],
            "batch_errors": batch_errors, "batch_summary": batch_summary,
            "batch_logo_error": batch_logo_error,
            "batch_fields": [(name, label, *(batch_fields or {}).get(name, ("", None)))
                             for name, label in BATCH_FIELDS],
            "csrf": self.token(cookie), "preview": preview,
            "cards": self.cards(loaded, state) if loaded else [],
            "detail_fields": forms.DETAIL_FIELDS, "print_fields": forms.PRINT_FIELDS,
            "sides": forms.SIDES, "max_short": forms.MAX_SHORT,
        }
        html = self.pages.get_template("page.html.j2").render(context)
        response = HTMLResponse(html, status_code=status)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, cookie, httponly=True, samesite="strict", path="/")
        return response

    def cards(self, loaded: LoadedPack, state: forms.FormState) -> list[dict[str, Any]]:
        """Each exercise card's contents, in the order the cards stand."""
        pack, translator = loaded.pack, loaded.resources.translator
        defaults = forms.default_doses(pack, loaded.presets.get(state.values.get("preset", "")))
        cards = []
        for position, exercise_id in enumerate(state.order, start=1):
            exercise, default = pack.exercise(exercise_id), defaults[exercise_id]
            fields = []
            for name, label in forms.DOSE_FIELDS:
                form_name = forms.dose_name(name, exercise_id)
                value = getattr(default, name)
                fields.append({
                    "name": form_name, "label": label, "id": f"{name}-{exercise_id}",
                    "value": state.values.get(form_name, ""), "placeholder": value or "",
                    "error": state.errors.get(form_name)})
            summary = ". ".join(dose_words(default, translator))  # the handout's words
            cards.append({
                "id": exercise_id, "name": exercise.name,
                "kind": translator.gettext("Stretch" if exercise.kind == "stretch"
                                           else "Strengthen"),  # as the handout's card says
                "position": position, "ticked": exercise_id in state.ticked,
                "fields": fields, "default": summary or "none given",
                "error": state.errors.get(f"dose.{exercise_id}"),
                "figure": f"/figure/{pack.id}/{exercise_id}"})
        return cards

    async def home(self, request: Request) -> Response:
        loaded = self.loaded(request.query_params.get("pack"))
        state = forms.initial_state(loaded.pack) if loaded else forms.FormState()
        return self.render(request, loaded, state)

    async def figure(self, request: Request) -> Response:
        loaded = self.catalogue.packs.get(request.path_params["pack"])
        exercise_id = request.path_params["exercise"]
        if loaded is None or exercise_id not in loaded.pack.exercise_ids:
            return Response("no such drawing", status_code=404, media_type="text/plain")
        key = (loaded.pack.id, exercise_id)
        if key not in self.thumbnails:
            self.thumbnails[key] = await locked(
                figure_thumbnail, loaded.pack.exercise(exercise_id), loaded.inks)
        content, media_type = self.thumbnails[key]
        return Response(content, media_type=media_type,
                        headers={"cache-control": "private, max-age=3600"})

    # --- posts ----------------------------------------------------------------------------

    async def posted(self, request: Request) -> tuple[FormData, LoadedPack | None] | Response:
        """The posted form and its pack, or the response that refuses it."""
        form = await request.form(max_files=2, max_fields=2000, max_part_size=MAX_FIELD_BYTES)
        if not self.trusted(request, form):
            return self.refusal(request, 403, "This page is out of date or came from somewhere "
                                "else. Reload the page and try again.")
        return form, self.loaded(form.get("pack"))

    def refusal(self, request: Request, status: int, message: str) -> Response:
        state = forms.FormState(general=[message])
        return self.render(request, None, state, status=status)

    async def posted_with_pack(self, request: Request,
                               ) -> tuple[FormData, LoadedPack] | Response:
        """A checked post and the pack it names, or the response that refuses it."""
        posted = await self.posted(request)
        if isinstance(posted, Response):
            return posted
        form, loaded = posted
        if loaded is None:
            return self.refusal(request, 400, "No content pack could be loaded.")
        return form, loaded

    async def handout(self, request: Request) -> Response:
        """Preview, download, or apply a preset: the action is the path."""
        action = request.path_params["action"]
        if action not in {"preview", "download", "preset"}:
            return Response("not found", status_code=404, media_type="text/plain")
        posted = await self.posted_with_pack(request)
        if isinstance(posted, Response):
            return posted
        form, loaded = posted
        logo, token = await self.logo(form)
        state, options = forms.read_form(form, loaded.resources, loaded.presets, loaded.base,
                                         logo)
        if token is None:  # a kept logo the server no longer holds: never build without it
            state.errors.setdefault("logo", LOGO_GONE)
            options = None
        state.logo_kept = token if token and "logo" not in state.errors else ""
        if action == "preset":
            if "preset" in state.errors:
                return self.render(request, loaded, state, status=400)
            preset = loaded.presets.get(state.values["preset"])
            return self.render(request, loaded, forms.apply_preset(state, loaded.pack, preset))
        if options is None:
            return self.render(request, loaded, state, status=400)
        try:
            resources = await locked(loaded.resources_in, options.language)
            pdf = await locked(render_handout, options, resources)
            preview = await locked(page_images, pdf) if action == "preview" else ()
        except UserError as error:
            forms.place_error(state, error)
            return self.render(request, loaded, state, status=400)
        except Exception:  # a bug: logged with its traceback; the page keeps what was typed
            LOG.exception("building a handout from the page failed (a bug)")
            state.general.append(BUG)
            return self.render(request, loaded, state, status=500)
        if action == "preview":
            return self.render(request, loaded, state, preview=preview)
        name = default_output(resources.prescribe(options), loaded.pack.id).name
        return Response(pdf, media_type="application/pdf",
                        headers={"content-disposition": attachment(name)})

    async def logo(self, form: FormData) -> tuple[bytes | None, str | None]:
        """The form's logo: a new upload, else the one kept from before; and its token
        (None: the form names a kept logo that is no longer held)."""
        upload = await upload_bytes(form.get("logo"), forms.MAX_LOGO_BYTES)
        kept = form.get("logo_kept")
        if upload is not None:
            token = secrets.token_urlsafe(24)
            # Decoding may take a second for a large picture: off the event loop.
            if await anyio.to_thread.run_sync(forms.logo_problem, upload) is None:
                self.logos[token] = upload
                while len(self.logos) > KEPT_LOGOS:
                    self.logos.popitem(last=False)
            return upload, token
        if isinstance(kept, str) and kept and not form.get("logo_remove"):
            if kept not in self.logos:  # dropped for newer ones, or the server restarted
                return None, None
            self.logos.move_to_end(kept)
            return self.logos[kept], kept
        return None, ""

    async def batch(self, request: Request) -> Response:
        """A day list's CSV: a zip of the handouts and a summary of the rows that failed.

        Every row stands alone: one that fails, even with a bug (logged with its traceback),
        is that row's line in the summary and the others are still built. When the client
        goes away, no further row is built.
        """
        posted = await self.posted_with_pack(request)
        if isinstance(posted, Response):
            return posted
        form, loaded = posted
        state = forms.initial_state(loaded.pack)
        typed = {name: _text(form.get(name)) for name, _ in BATCH_FIELDS}
        fields = {name: (value, f"This is {len(value):,} characters long; the limit is "
                                f"{forms.MAX_SHORT:,}." if len(value) > forms.MAX_SHORT else None)
                  for name, value in typed.items()}

        def refuse(**shown: Any) -> Response:
            return self.render(request, loaded, state, 400, batch_fields=fields, **shown)

        upload = form.get("csv")
        data = await upload_bytes(upload, MAX_CSV_BYTES + 1)
        # The upload's name only labels its problems (day.csv:4:3); it is never opened.
        stem = slug(PurePath(getattr(upload, "filename", "") or "").stem) or "day-list"
        label = Path(f"{stem}.csv")
        text, csv_errors = "", []
        if not data:
            csv_errors = ["Choose a CSV file."]
        elif len(data) > MAX_CSV_BYTES:
            csv_errors = [f"The file is larger than {MAX_CSV_BYTES // 1024} KB; split the "
                          "day list."]
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                csv_errors = [f"{label}: not UTF-8 text (byte {error.start}); save the CSV "
                              "as UTF-8"]
        logo = await upload_bytes(form.get("logo"), forms.MAX_LOGO_BYTES)
        logo_error = await anyio.to_thread.run_sync(forms.logo_problem, logo)
        if csv_errors or logo_error or any(error for _, error in fields.values()):
            return refuse(batch_errors=csv_errors, batch_logo_error=logo_error)
        defaults = PatientDetails(logo=logo, **{name: " ".join(value.split()) or None
                                                for name, value in typed.items()})
        base = replace(loaded.base, details=defaults)
        try:  # presets by name, handouts in memory: a day list never names a server's file
            rows, failures = await locked(rows_from_text, text, label, base, None,
                                          loaded.languages, None, MAX_ROWS)
        except UserError as error:
            return refuse(batch_errors=[str(problem) for problem in error.problems])
        archive = io.BytesIO()
        built = 0
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for row in rows:
                if await request.is_disconnected():
                    # Nobody is waiting for the zip: 499, nginx's "client closed request".
                    return Response(status_code=499)
                pdf = await locked(_row_pdf, row, loaded.languages, label)
                if isinstance(pdf, Outcome):
                    failures.append(pdf)
                    continue
                zipped.writestr(zipfile.ZipInfo(row.output.name, (1980, 1, 1, 0, 0, 0)), pdf)
                built += 1
            for failure in failures:
                if failure.traceback:
                    LOG.error("row %d of a day list failed (a bug):\n%s", failure.line,
                              failure.traceback)
            summary = [f"error: {forms.page_message(str(failure.problem))}"
                       for failure in sorted(failures, key=lambda outcome: outcome.line)]
            summary.append(f"built {built}, failed {len(failures)}")
            zipped.writestr(zipfile.ZipInfo("summary.txt", (1980, 1, 1, 0, 0, 0)),
                            "\n".join(summary) + "\n")
        if not built:
            return refuse(batch_summary=summary)
        day = dt.date.today().isoformat()
        return Response(archive.getvalue(), media_type="application/zip", headers={
            "content-disposition": f'attachment; filename="handouts-{day}.zip"'})


def _row_pdf(row: Row, languages: ResourcesByLanguage, label: Path) -> bytes | Outcome:
    """A day list's row as a PDF in memory, or its failure at its line (with the traceback
    when it is a bug); call it under :data:`BUILD_LOCK`."""
    try:
        return render_handout(row.options, languages.get(row.options.language))
    except UserError as error:
        problem = replace(error.problems[0], path=label, line=row.line, column=None)
        return Outcome(row.line, problem)
    except Exception as error:  # a bug: this row fails, not the day list
        return crashed(row.line, label, error)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


async def upload_bytes(upload: object, limit: int) -> bytes | None:
    """An uploaded file's bytes (at most ``limit``), or None when no file was chosen."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read(limit + 1)
    return data if data else None


def create_app(catalogue: Catalogue, allowed_hosts: Sequence[str] = ("*",)) -> ASGIApp:
    """The ASGI app: Starlette's routes inside the security headers and the host check."""
    site = Site(catalogue)
    routes = [
        Route("/", site.home, methods=["GET"]),
        Route("/handout/{action:str}", site.handout, methods=["POST"]),
        Route("/batch", site.batch, methods=["POST"]),
        Route("/figure/{pack:str}/{exercise:str}", site.figure, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[
        Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))])
    return SecurityHeaders(app)
