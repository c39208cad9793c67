"""The web form read into build options: the same choices as the CLI's, errors per field."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import FormData

from generator.build import BuildOptions, Resources
from generator.loading import find_preset, load_preset, preset_names
from generator.model import Dose, Pack, Preset
from generator.prescription import PrescribedExercise, select_exercises
from generator.resources import default_pack
from generator.serve import form as forms


@pytest.fixture(scope="module")
def presets(pack: Pack) -> dict[str, Preset]:
    return {name: load_preset(find_preset(default_pack(), name), pack)
            for name in preset_names(default_pack())}


@functools.cache
def bundled() -> Resources:
    return Resources.load(default_pack())


def read(pack: Pack, presets: dict[str, Preset], *fields: tuple[str, str],
         ticked: tuple[str, ...] = ("bird-dog", "cobra", "clamshell")
         ) -> tuple[forms.FormState, BuildOptions | None]:
    items = [("exercise", exercise_id) for exercise_id in ticked]
    items += [("page_size", "a4"), *fields]
    resources = dataclasses.replace(bundled(), pack=pack)  # the bundled folder, this pack
    return forms.read_form(FormData(items), resources, presets, BuildOptions())


def chosen(pack: Pack, options: BuildOptions) -> tuple[PrescribedExercise, ...]:
    """The exercises and doses the options give (no preset), as the pipeline selects them."""
    return select_exercises(pack, None, options.exercises, options.exclude, options.doses)


@pytest.mark.parametrize(("fields", "spec"), [
    ((("reps.bird-dog", "12"),), "bird-dog=12x"),            # no sets in the pack: times in all
    ((("reps.clamshell", "12"),), "clamshell=2x12"),          # the pack's 2 sets are kept
    ((("sets.clamshell", "3"),), "clamshell=3x10"),           # and its 10 repetitions
    ((("sets.bird-dog", "2"), ("reps.bird-dog", "6")), "bird-dog=2x6"),
    ((("hold_seconds.cobra", "10"), ("times_per_day.cobra", "2"), ("days_per_week.cobra", "7")),
     "cobra=hold10,2/day,7/week"),
    ((("side.clamshell", "left"), ("note.clamshell", " Slowly,  then  rest ")),
     "clamshell=left,note:Slowly, then rest"),
])
def test_dose_fields_become_the_clis_dose_spec(pack: Pack, presets: dict[str, Preset],
                                              fields: tuple[tuple[str, str], ...],
                                              spec: str) -> None:
    state, options = read(pack, presets, *fields)
    assert state.errors == {}
    assert options is not None and options.doses == (spec,)


def test_empty_dose_fields_keep_the_default_and_unticked_cards_are_ignored(
        pack: Pack, presets: dict[str, Preset]) -> None:
    state, options = read(pack, presets, ("reps.glute-bridge", "not a number"))
    assert state.errors == {} and options is not None
    ticked = {"bird-dog", "cobra", "clamshell"}
    assert options.doses == ()
    assert options.exercises == tuple(i for i in pack.exercise_ids if i in ticked)  # pack order


def test_sets_without_any_repetitions_is_an_error_on_the_repetitions(
        pack: Pack, presets: dict[str, Preset]) -> None:
    exercise = pack.exercise("cobra").model_copy(update={"dose": Dose(hold_seconds=30)})
    pack = pack.model_copy(update={"exercises": (exercise,)})
    state, options = read(pack, presets, (f"sets.{exercise.id}", "2"), ticked=(exercise.id,))
    assert options is None
    assert state.errors == {f"reps.{exercise.id}": "Give the repetitions with the sets."}


def test_the_order_is_the_cards_order(pack: Pack, presets: dict[str, Preset]) -> None:
    positions = [("position", i) for i in ("clamshell", "cobra", "bird-dog")]
    state, options = read(pack, presets, *positions)
    assert options is not None and options.exercises == ("clamshell", "cobra", "bird-dog")
    assert state.order[:3] == ["clamshell", "cobra", "bird-dog"]
    assert sorted(state.order) == sorted(pack.exercise_ids)


def test_personal_and_print_fields(pack: Pack, presets: dict[str, Preset]) -> None:
    state, options = read(pack, presets, ("patient", "  Zoë  "), ("notes", "One\n\nTwo"),
                          ("date", "2026-11-24"), ("weeks", "0"), ("large_print", "on"),
                          ("preset", "strength"))
    assert state.errors == {} and options is not None
    assert options.details.patient == "Zoë" and options.details.notes == "One\n\nTwo"
    assert str(options.date) == "2026-11-24" and options.weeks == 0
    assert options.large_print and options.preset == "strength"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("date", "24/11/2026", "Write the date as YYYY-MM-DD, for example 2026-11-24."),
    ("date", "20261124", "Write the date as YYYY-MM-DD, for example 2026-11-24."),
    ("review_date", "2026-W48-2", "Write the date as YYYY-MM-DD, for example 2026-11-24."),
    ("weeks", "13", "Write a whole number from 0 to 12."),
    ("page_size", "a3", "Choose one of: a4, letter."),
    ("clinic", "x" * 301, "This is 301 characters long; the limit is 300."),
    ("preset", "../secret", "unknown preset '../secret'"),
    ("sets.bird-dog", "21", "Write a whole number from 1 to 20."),
    ("reps.bird-dog", "²", "Write a whole number from 1 to 100."),  # a digit int() refuses
    ("weeks", "³", "Write a whole number from 0 to 12."),
    # Python reads at most 4,300 digits: these were a bare 500 (an outside attacker)
    ("weeks", "1" * 5000, "Write a whole number from 0 to 12."),
    ("hold_seconds.cobra", "1" * 5000, "Write a whole number from 1 to 600."),
    ("side.bird-dog", "up", "Choose a side from the list."),
])
def test_mistakes_are_placed_at_their_field(pack: Pack, presets: dict[str, Preset], field: str,
                                            value: str, message: str) -> None:
    state, options = read(pack, presets, (field, value))
    assert options is None
    assert state.errors == {field: message}
    assert state.values[field] == value  # kept as typed


def test_error_labels_name_the_exercise_and_the_field(pack: Pack) -> None:
    assert forms.error_label("reps.bird-dog", pack) == "Bird dog, repetitions"
    assert forms.error_label("dose.bird-dog", pack) == "Bird dog, dose"
    assert forms.error_label("patient", pack) == "Patient's name"


def test_a_preset_ticks_its_exercises_first_and_clears_typed_doses(
        pack: Pack, presets: dict[str, Preset]) -> None:
    state, _ = read(pack, presets, ("reps.bird-dog", "9"), ("patient", "Ann"))
    applied = forms.apply_preset(state, pack, presets["gentle-start"])
    chosen = [item.exercise.id for item in select_exercises(pack, presets["gentle-start"])]
    assert applied.ticked == chosen and applied.order[:len(chosen)] == chosen
    assert "reps.bird-dog" not in applied.values and applied.values["patient"] == "Ann"


def test_defaults_shown_are_the_presets(pack: Pack, presets: dict[str, Preset]) -> None:
    doses = forms.default_doses(pack, presets["gentle-start"])
    assert doses["knee-to-chest"].hold_seconds == 20
    assert doses["bird-dog"] == pack.exercise("bird-dog").dose


DOSE_TEXT = st.one_of(st.sampled_from(["", "0", "1", "7", "20", "21", "100", "600", "601",
                                       " 3 ", "-1", "2.5", "１２", "²", "1_0"]), st.text(max_size=8))


@settings(max_examples=150, deadline=None)
@given(values=st.fixed_dictionaries({name: DOSE_TEXT for name, _ in forms.DOSE_FIELDS
                                     if name not in {"side", "note"}}),
       side=st.sampled_from(["", "each", "left", "right", "both", "sideways"]),
       note=st.text(max_size=40))
def test_any_typed_dose_is_an_error_at_a_field_or_the_dose_typed(
        pack: Pack, presets: dict[str, Preset], values: dict[str, str], side: str,
        note: str) -> None:
    fields = [(f"{name}.clamshell", value) for name, value in values.items()]
    fields += [("side.clamshell", side), ("note.clamshell", note)]
    state, options = read(pack, presets, *fields, ticked=("clamshell",))
    if options is None:
        assert state.errors and all(name.endswith(".clamshell") for name in state.errors)
        return
    dose = chosen(pack, options)[0].dose
    default = pack.exercise("clamshell").dose
    for name, text in values.items():
        expected = int(text) if text.strip() else getattr(default, name)
        assert getattr(dose, name) == expected
    assert dose.side == (side or default.side)
    assert dose.note == (" ".join(note.split()) or default.note)


def test_a_new_option_is_one_field(pack: Pack, presets: dict[str, Preset],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A list-of-choices option (as --omit will be) added as one Field reaches BuildOptions
    and the page; here it stands for the existing --exclude."""
    from generator.serve.app import Catalogue, Site

    extra = forms.Field("exclude", "Leave out", "choices", "--exclude",
                        choices=lambda r: tuple((e.id, e.name) for e in r.pack.exercises))
    monkeypatch.setattr(forms, "PRINT_FIELDS", forms.PRINT_FIELDS + (extra,))
    monkeypatch.setattr(forms, "FIELDS", forms.FIELDS + (extra,))
    state, options = read(pack, presets, ("exclude", "cobra"), ("exclude", "clamshell"))
    assert options is not None and options.exclude == ("cobra", "clamshell")
    assert [item.exercise.id for item in chosen(pack, options)] == ["bird-dog"]
    _, refused = read(pack, presets, ("exclude", "../etc"))
    assert refused is None

    class Request:
        cookies: dict[str, str] = {}

    site = Site(Catalogue.load([default_pack()]))
    html = site.render(Request(), site.loaded("sciatica"), state).body.decode()  # type: ignore[arg-type]
    assert '<legend>Leave out</legend>' in html
    assert 'id="exclude-cobra" name="exclude" value="cobra" checked' in html
    assert 'id="exclude-bird-dog" name="exclude" value="bird-dog">' in html


def test_uploads_stay_in_memory() -> None:
    from starlette.formparsers import MultiPartParser

    from generator.serve.app import MAX_BODY_BYTES

    assert MultiPartParser.spool_max_size >= MAX_BODY_BYTES


def test_serve_without_its_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from click.testing import CliRunner

    from generator.cli import main

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if the extra were not installed
    result = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "pip install 'sciatica-handout[serve]'" in result.output
    assert "uvicorn is missing" in result.output


def test_the_empty_form_takes_each_fields_default(pack: Pack) -> None:
    state = forms.initial_state(pack)
    assert state.values == {"page_size": "a4", "language": "en"}  # the pack's own language
    assert state.ticked == list(pack.exercise_ids) == state.order


def test_a_logo_is_checked_in_memory() -> None:
    import io

    from PIL import Image

    from generator.errors import UserError
    from generator.images import print_ready

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (29, 53, 87)).save(buffer, format="PNG")
    assert print_ready(buffer.getvalue()) == buffer.getvalue()
    assert forms.logo_problem(buffer.getvalue()) is None
    large = io.BytesIO()
    Image.new("RGB", (2400, 600), (29, 53, 87)).save(large, format="JPEG")
    with Image.open(io.BytesIO(print_ready(large.getvalue()))) as shrunk:
        assert shrunk.size == (1200, 300)
    with pytest.raises(UserError) as refused:
        print_ready(b"GIF89a not really")
    assert refused.value.problems[0].path is None
    assert forms.logo_problem(b"x" * (forms.MAX_LOGO_BYTES + 1)) == "The logo is larger than 5 MB."


def test_language_brief_and_omit_are_the_clis_options(pack: Pack,
                                                      presets: dict[str, Preset]) -> None:
    state, options = read(pack, presets, ("language", "sv"), ("brief", "on"),
                          ("omit", "faq"), ("omit", "sources"))
    assert state.errors == {} and options is not None
    assert options.language == "sv" and options.brief and options.omit == ("faq", "sources")
    _, plain = read(pack, presets)
    assert plain is not None  # nothing chosen: the CLI's defaults
    assert (plain.language, plain.brief, plain.omit) == (None, False, ())


@pytest.mark.parametrize(("field", "value", "message"), [
    ("language", "de", "Choose one of: en, sv."),
    ("omit", "red-flags", "Choose from the list."),   # a safety section is never offered
    ("omit", "../etc", "Choose from the list."),
])
def test_a_language_or_section_not_offered_is_refused(pack: Pack, presets: dict[str, Preset],
                                                      field: str, value: str,
                                                      message: str) -> None:
    state, options = read(pack, presets, (field, value))
    assert options is None and state.errors == {field: message}


def test_the_offered_languages_and_sections_come_from_the_pack_and_sections_py() -> None:
    from generator.sections import SECTIONS

    languages = next(f for f in forms.PRINT_FIELDS if f.name == "language")
    omit = next(f for f in forms.PRINT_FIELDS if f.name == "omit")
    assert languages.choices is not None and omit.choices is not None
    assert languages.choices(bundled()) == (("en", "English"), ("sv", "Svenska"))
    offered = [name for name, _ in omit.choices(bundled())]
    assert offered == [name for name, (_, optional) in SECTIONS.items() if optional]
    assert "red-flags" not in offered and "safety" not in offered
    for name in ("language", "brief", "omit"):  # each names its BuildOptions attribute
        assert name in BuildOptions.__dataclass_fields__


def test_a_preset_with_a_language_chooses_it(pack: Pack, presets: dict[str, Preset]) -> None:
    state, _ = read(pack, presets, ("language", "en"))
    swedish = presets["gentle-start"].model_copy(update={"language": "sv"})
    assert forms.apply_preset(state, pack, swedish).values["language"] == "sv"
    assert forms.apply_preset(state, pack, presets["gentle-start"]).values["language"] == "en"


def test_a_pack_in_one_language_offers_no_language_choice(tmp_path: Path) -> None:
    import shutil

    from generator.serve.app import Catalogue, Site

    english_only = tmp_path / "english-only"
    shutil.copytree(default_pack(), english_only, ignore=shutil.ignore_patterns("sv"))

    class Request:
        cookies: dict[str, str] = {}

    for folder, offered in ((default_pack(), True), (english_only, False)):
        site = Site(Catalogue.load([folder]))
        loaded = site.loaded("sciatica")
        assert loaded is not None
        html = site.render(Request(), loaded, forms.initial_state(loaded.pack)).body.decode()  # type: ignore[arg-type]
        assert ('name="language"' in html) is offered
        assert '<legend>Sections to leave out</legend>' in html


def test_a_pipeline_error_on_the_page_names_no_option_the_page_lacks() -> None:
    from generator.errors import UserError

    state = forms.FormState()
    forms.place_error(state, UserError(
        "the font cannot print '李' (U+674E CJK UNIFIED IDEOGRAPH-674E); remove it or "
        "choose a font that has it with --font", field="--patient"))
    assert state.errors == {
        "patient": "the font cannot print '李' (U+674E CJK UNIFIED IDEOGRAPH-674E); remove it"}


@pytest.mark.parametrize(("host", "message"), [
    ("foo.invalid", "--host: cannot listen on 'foo.invalid': no such name or address; give an "
                    "address of this computer, such as 127.0.0.1 (this computer only) or "
                    "0.0.0.0 (every network)"),
    ("127.0.0.1:80", "--host: '127.0.0.1:80' is an address and a port; give the address "
                     "alone, such as 127.0.0.1"),
    ("", "--host: give an address, such as 127.0.0.1"),
    ("192.0.2.1", "--host: cannot listen on 192.0.2.1: Cannot assign requested address (it "
                  "is not an address of this computer)"),
])
def test_a_wrong_host_is_said_of_the_host_not_the_port(host: str, message: str) -> None:
    from generator.errors import UserError
    from generator.serve import listen

    with pytest.raises(UserError) as refused:
        listen(host, 0).close()
    assert str(refused.value).startswith(message)
