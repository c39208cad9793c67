"""The pipeline: pack -> prescription -> templates -> story -> PDF.

:func:`build` is a plain function with no global state: the command line, a batch
worker or a web handler calls it with :class:`BuildOptions` and gets a file.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from . import __version__
from .errors import UserError
from .fonts import FontFamily, register_fonts
from .i18n import Translator
from .limits import DEFAULT_WEEKS
from .loading import find_preset, load_pack, load_preset
from .model import Pack
from .naming import default_output
from .prescription import (PatientDetails, Prescription, check_details, select_exercises,
                           single_line_details)
from .resources import default_pack
from .sections import check_omit
from .templating import STORY_TEMPLATE, Templates
from .text_check import check_printable
from .view import handout_context

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

PageSize = Literal["a4", "letter"]


@dataclass(frozen=True)
class BuildOptions:
    """Everything a clinician can choose for one handout."""

    data_dir: Path = field(default_factory=default_pack)
    templates_dir: Path | None = None
    preset: str | None = None
    exercises: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    doses: tuple[str, ...] = ()
    weeks: int | None = None
    details: PatientDetails = field(default_factory=PatientDetails)
    date: dt.date | None = None
    review_date: dt.date | None = None
    page_size: PageSize = "a4"
    large_print: bool = False
    font: Path | None = None
    omit: tuple[str, ...] = ()  # optional sections to leave out (sections.py)
    brief: bool = False  # the short edition for returning patients


@dataclass(frozen=True)
class Resources:
    """The content pack, templates, styles and wording, loaded and checked once.

    Many builds share one (a batch worker, a web server): nothing in it changes per build.
    """

    pack: Pack
    templates: Templates
    styles: Mapping[str, Any]
    translator: Translator

    @classmethod
    def load(cls, data_dir: Path, templates_dir: Path | None = None) -> Resources:
        """Load and check everything once: a bad pack, template folder, styles or catalogue
        is reported here, before any handout is built."""
        from .layout.styles import make_styles

        pack = load_pack(data_dir, check_print=True)
        templates = Templates(templates_dir)
        styles = templates.read_styles()
        for large_print in (False, True):
            try:
                make_styles(styles, register_fonts(pack.font), large_print)
            except UserError as error:
                raise UserError(str(error), path=templates.find("styles.yaml")) from None
        return cls(pack, templates, styles, templates.translator(pack.language))


def build(options: BuildOptions, output: Path | None = None,
          resources: Resources | None = None) -> Path:
    """Render the handout and write it atomically to ``output`` (by default
    ``out/<pack>-handout.pdf`` or ``out/<pack>-<patient>-<date>.pdf``); returns the path."""
    resources = resources or Resources.load(options.data_dir, options.templates_dir)
    pdf = render_handout(options, resources)
    output = output or default_output(options, resources.pack.id)
    write_atomically(output, pdf)
    return output


def render_handout(options: BuildOptions, resources: Resources | None = None) -> bytes:
    """The handout PDF's bytes for these options."""
    resources = resources or Resources.load(options.data_dir, options.templates_dir)
    prescription = prescribe(resources.pack, options)
    fonts = register_fonts(options.font or resources.pack.font)
    check_printable(prescription, fonts, resources.pack if options.font else None)
    story_xml = render_story(resources, prescription)
    return typeset(story_xml, resources, prescription, fonts, options)


def render_story(resources: Resources, prescription: Prescription) -> str:
    """The templates rendered: the handout as story XML, before any layout."""
    context = handout_context(resources.pack, prescription, resources.translator)
    return resources.templates.render(STORY_TEMPLATE, context, resources.translator)


def prescribe(pack: Pack, options: BuildOptions) -> Prescription:
    """Apply the preset, then the command line, to the pack's defaults."""
    preset = None
    if options.preset:
        preset = load_preset(find_preset(options.data_dir, options.preset), pack)
    details = single_line_details(options.details)
    check_details(details)
    exercises = select_exercises(pack, preset, options.exercises, options.exclude, options.doses)
    weeks = options.weeks if options.weeks is not None else (
        preset.weeks if preset and preset.weeks is not None else DEFAULT_WEEKS)
    return Prescription(
        exercises=exercises,
        issued=options.date or dt.date.today(),
        weeks=weeks,
        review=options.review_date,
        preset_notes=preset.notes if preset else None,
        details=details,
        omit=check_omit((*(preset.omit if preset else ()), *options.omit)),
        brief=options.brief or bool(preset and preset.brief),
    )


def typeset(story_xml: str, resources: Resources, prescription: Prescription,
            fonts: FontFamily, options: BuildOptions) -> bytes:
    """Lay out the rendered story with ReportLab (imported here: only rendering needs it)."""
    from .figures import exercise_figure
    from .layout.document import DocumentInfo, frame_width, render_pdf
    from .layout.story import StoryBuilder, parse_story
    from .layout.styles import make_styles

    pack, translator = resources.pack, resources.translator
    styles = make_styles(resources.styles, fonts, options.large_print)
    ink = styles.colours["accent"].hexval().replace("0x", "#")

    def figure(exercise_id: str, width: float, height: float) -> Flowable:
        return exercise_figure(pack.exercise(exercise_id), width, height, ink=ink)

    root = parse_story(story_xml)
    # The templates' and translations' own wording, not only the pack's and the user's.
    missing = fonts.missing_characters("".join(root.itertext()))
    if missing:
        raise UserError(f"the font cannot print {', '.join(map(repr, missing[:5]))}, used in "
                        "the templates or their translation", field="story")
    builder = StoryBuilder(styles, figure, prescription.details.logo)
    story = builder.build(root, frame_width(styles, options.page_size))
    patient = prescription.details.patient
    info = DocumentInfo(
        title=pack.title,
        author=prescription.details.clinician or pack.publisher,
        subject=f"{pack.condition}: " + translator.gettext("exercises and advice")
        + (f" ({patient})" if patient else ""),
        keywords=pack.keywords,
        language=pack.language,
        creator=f"handout {__version__}",
        date=prescription.issued,
        footer=pack.title + (f" \u2013 {patient}" if patient else ""),
        page_label=translator.gettext("Page %(page)s of %(pages)s"),
    )
    return render_pdf(story, styles, info, options.page_size)


def write_atomically(output: Path, data: bytes) -> None:
    """Write to a temporary file beside ``output``, then rename it into place.

    A failure or Ctrl-C leaves no partial PDF and never damages an existing one.
    """
    for folder in (output.parent, *output.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise UserError(f"cannot write here: {folder} is a file, not a folder", path=output)
    temporary = output.with_name(f".{output.name}.{secrets.token_hex(4)}.part")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        # Mode 0o666 and the umask, like any new file (mkstemp would make it private).
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise UserError(f"cannot write here: {error.strerror}", path=output) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, output)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise UserError(f"cannot write: {error.strerror}", path=output) from None
        raise
