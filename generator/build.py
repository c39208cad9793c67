"""The pipeline: pack -> prescription -> templates -> story -> PDF.

:func:`build` is a plain function with no global state: the command line, a batch
worker or a web handler calls it with :class:`BuildOptions` and gets a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import UserError
from .fonts import FontFamily, register_fonts
from .i18n import Translator
from .languages import primary, region_note
from .loading import check_preset_language, find_preset, load_pack, load_preset, preset_language
from .model import Pack, Preset
from .naming import alternatives, default_output
from .prescription import BuildOptions, PageSize, Prescription, prescribe, printed_texts
from .resources import default_pack
from .rules import Frozen, frozen
from .story_check import check_safety_content
from .templating import STORY_TEMPLATE, Templates
from .text_check import check_printable
from .view import handout_context
from .writing import check_output, write_atomically, write_new

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

    from .layout.flowables import Card

__all__ = ["BuildOptions", "PageSize", "Resources", "build", "language_of", "render_handout",
           "render_story", "typeset", "write_atomically"]


@frozen
class Resources(Frozen):
    """The content pack, templates, styles and wording, loaded and checked once, with the
    folders they came from (the one source of the pack folder for a build).

    Many builds share one (a batch worker, a web server): nothing in it changes per build.
    """

    pack: Pack
    templates: Templates
    styles: Mapping[str, Any]
    translator: Translator
    pack_dir: Path
    templates_dir: Path | None = None

    @classmethod
    def load(cls, data_dir: Path | None = None, templates_dir: Path | None = None,
             language: str | None = None) -> Resources:
        """Load and check everything once (the bundled pack without ``data_dir``): a bad
        pack, template folder, styles or catalogue is reported here, before any handout.
        ``language``: the pack's text and the templates' wording in this language (None:
        the pack's own)."""
        from .layout.styles import make_styles

        data_dir = (data_dir or default_pack()).resolve()
        pack = load_pack(data_dir, check_print=True, language=language)
        templates = Templates(templates_dir)
        styles = templates.read_styles()  # large print's values checked there
        try:
            make_styles(styles, register_fonts(pack.font), False, pack.language)
        except UserError as error:
            raise UserError(str(error), path=templates.find("styles.yaml")) from None
        return cls(pack, templates, styles, templates.translator(pack.language), data_dir,
                   templates_dir)

    def preset(self, name_or_file: str | None) -> Preset | None:
        """The preset a clinician named (one of this pack's, or a YAML file), checked."""
        if name_or_file is None:
            return None
        return load_preset(find_preset(self.pack_dir, name_or_file), self.pack)

    def prescribe(self, options: BuildOptions) -> Prescription:
        """The options applied to this pack, with the preset they name."""
        return prescribe(self.pack, options, self.preset(options.preset))

    def check_printable(self, prescription: Prescription, options: BuildOptions) -> FontFamily:
        """The fonts the handout prints in, once every text has been found printable in them."""
        fonts = register_fonts(options.font or self.pack.font)
        # The pack's own text was checked against its font when loaded: again only for --font.
        check_printable(printed_texts(prescription, self.pack if options.font else None), fonts)
        return fonts

    def inputs(self, options: BuildOptions) -> tuple[list[Path], list[Path]]:
        """The files and the folders a handout with these options is read from."""
        files = [path for path in (options.font, options.details.logo) if path is not None]
        if options.preset and (Path(options.preset).suffix in {".yaml", ".yml"}
                               or len(Path(options.preset).parts) > 1):  # as find_preset
            files.append(Path(options.preset))
        folders = [self.pack_dir, *([self.templates_dir] if self.templates_dir else [])]
        return files, folders


def build(options: BuildOptions, output: Path | None = None,
          resources: Resources | None = None, *, overwrite: bool = True,
          notice: Callable[[str], None] | None = None) -> Path:
    """Render the handout and write it atomically; returns the path written.

    ``output`` given: it must be a new path or a regular file that is not an input; an
    old file there is replaced if ``overwrite``. Without it the name comes from the
    prescription (``out/<pack>-handout.pdf`` or ``out/<pack>-<patient>-<date>.pdf``) and
    never replaces a file. A name that is not replaced gives the next free one, and
    ``notice`` is told.
    """
    resources = resources or Resources.load(language=language_of(options))
    if output is not None:
        check_output(output, *resources.inputs(options))
    prescription = resources.prescribe(options)
    pdf = _render(resources, prescription, options)
    region = region_note(language_of(options, resources.pack_dir), resources.pack.language)
    if region and notice is not None:
        notice(region)
    if output is not None and overwrite:
        write_atomically(output, pdf)
        return output
    planned = output or default_output(prescription, resources.pack.id)
    written = write_new(planned, pdf, alternatives(planned, prescription.details.patient))
    if written != planned and notice is not None:
        notice(f"{planned} exists; wrote {written.name} beside it")
    return written


def render_handout(options: BuildOptions, resources: Resources | None = None) -> bytes:
    """The handout PDF's bytes for these options (the bundled pack without ``resources``)."""
    resources = resources or Resources.load(language=language_of(options))
    return _render(resources, resources.prescribe(options), options)


def _render(resources: Resources, prescription: Prescription, options: BuildOptions) -> bytes:
    if options.language and primary(options.language) != primary(resources.pack.language):
        raise ValueError(f"resources in {resources.pack.language!r} were passed for a "
                         f"handout in {options.language!r}")  # a caller's bug, not the user's
    fonts = resources.check_printable(prescription, options)
    story_xml = render_story(resources, prescription)
    return typeset(story_xml, resources, prescription, fonts, options)


def render_story(resources: Resources, prescription: Prescription) -> str:
    """The templates rendered: the handout as story XML, before any layout."""
    context = handout_context(resources.pack, prescription, resources.translator)
    return resources.templates.render(STORY_TEMPLATE, context, resources.translator)


def language_of(options: BuildOptions, data_dir: Path | None = None) -> str | None:
    """The language to print in: ``--lang``, else the preset's, else None (the pack's own).
    ``data_dir``: the pack folder a preset name is looked up in (the bundled one if None)."""
    if options.language or not options.preset:
        return options.language
    directory = data_dir or default_pack()
    path = find_preset(directory, options.preset)
    language = preset_language(path)
    if language is not None:
        check_preset_language(path, directory, language)
    return language


def typeset(story_xml: str, resources: Resources, prescription: Prescription,
            fonts: FontFamily, options: BuildOptions) -> bytes:
    """Lay out the rendered story with ReportLab (imported here: only rendering needs it)."""
    from .figures import DRAWINGS, FigureInks, exercise_figure
    from .layout.document import (DocumentInfo, TooManyPages, check_source_date_epoch,
                                  frame_width, render_pdf)
    from .layout.flowables import cards_in
    from .layout.story import StoryBuilder, parse_story
    from .layout.styles import make_styles
    from reportlab.platypus.doctemplate import LayoutError

    check_source_date_epoch()  # before any canvas: a figure's scratch canvas reads it too
    pack, translator = resources.pack, resources.translator
    styles = make_styles(resources.styles, fonts, options.large_print, pack.language)
    inks = FigureInks(**styles.figure)

    def figure(exercise_id: str, width: float, variant: str, max_height: float | None) -> Flowable | None:
        if variant == "drawing":
            return DRAWINGS[exercise_id](width, inks)
        return exercise_figure(pack.exercise(exercise_id), width, inks, variant,  # type: ignore[arg-type]
                               max_height)

    root = parse_story(story_xml)
    check_safety_content(root, pack, prescription, resources.templates_dir)
    # The templates' and translations' own wording, not only the pack's and the user's.
    check_printable([("story (the templates or their translation)",
                      "".join(root.itertext()))], fonts)
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
    cards = cards_in(story)  # found before layout, which consumes the story
    try:
        data = render_pdf(story, styles, info, options.page_size)
    except TooManyPages as error:
        raise UserError(str(error), path=resources.templates_dir) from None
    except LayoutError as error:
        if resources.templates_dir is None:
            raise  # the bundled templates and styles always fit: a bug
        # ReportLab's message names a flowable's repr; the user needs the folder and the why.
        raise UserError("part of the handout is taller than a page and cannot be laid out "
                        "(a card, box or table): make the sizes in styles.yaml or the "
                        "templates' content smaller", path=resources.templates_dir) from None
    split = [card for card in cards if card.taller_than_page]
    notes = {item.exercise.id: item.dose.note for item in prescription.exercises if item.dose.note}
    if split and (resources.templates_dir is not None or any(card.exercise in notes for card in split)):
        # A card split over pages hides its Stop if and Too hard? from a patient mid-exercise.
        # Refused when the user can make it fit: their own styles or templates (attack 3), a
        # note on the dose (attack 4: 99 characters split the Swedish large-print Letter
        # figure 4). A pack's own text longer than a page still splits (tests/test_limits.py).
        raise UserError(_split_cards_message(split, notes, options, resources),
                        path=resources.templates_dir)
    return data


def _split_cards_message(split: Sequence[Card], notes: Mapping[str, str], options: BuildOptions,
                         resources: Resources) -> str:
    """What to shorten or shrink so that each of the ``split`` cards fits a page again
    (``notes``: the dose notes, by exercise id)."""
    ids = [card.exercise for card in split if card.exercise is not None]
    names = {exercise.id: exercise.name for exercise in resources.pack.exercises}
    shown = [f"'{names[exercise_id]}'" for exercise_id in ids if exercise_id in names]
    named = ", ".join(shown[:4]) + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")
    where = " in large print" if options.large_print else ""
    count = f"{len(split)} of the exercise cards {'is' if len(split) == 1 else 'are'}"
    cures = [f"the note for {exercise_id} ({len(notes[exercise_id])} characters)"
             for exercise_id in ids if exercise_id in notes]
    cures.append("the exercise's own text" if len(split) == 1 else "the exercises' own text")
    if resources.templates_dir is not None:
        keys = " (large_print.scale, leading_scale)" if options.large_print else ""
        cures.append(f"the sizes in styles.yaml{keys}")
    return (f"{count} taller than a page{where} and would be split over pages"
            f"{f' ({named})' if named else ''}: shorten or shrink {', or '.join(cures)}")
