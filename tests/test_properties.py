"""Property-based tests: whatever is typed either prints exactly or fails with one clean line."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfread import ReadPdf

from generator.build import BuildOptions, Resources, render_handout
from generator.errors import UserError
from generator.prescription import PatientDetails
from generator.resources import default_pack

# Letters of the scripts clinics' patients write their names in, plus everything that
# means something to XML, ReportLab markup or Jinja.
SCRIPTS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ" "čďěňřšťůžČĎĚŇŘŠŤŮŽ" "çğıöşüÇĞİÖŞÜ" "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệ"
    "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩάέήίόύώ"
    "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯё"
    "אבגדהוזחטיכלמנסעפצקרשת" "ßæøåÆØÅéèêëàâîïôûùüÿñ"
    "<>&\"'{}%#[]()/\\|*=+-_.,;:!?@$^~`"
)
text = st.text(alphabet=SCRIPTS + " \t\n", min_size=1, max_size=120).filter(lambda s: s.strip())
FAST = {"exercises": ("cobra",), "weeks": 0, "date": dt.date(2026, 11, 24)}


def squeeze(value: str) -> str:
    """Without any white space: line breaks may fall anywhere in a long word."""
    return "".join(value.split())


@functools.lru_cache(maxsize=1)
def bundled() -> Resources:
    """Loaded once (not a fixture: hypothesis would print its whole repr on a failure)."""
    return Resources.load(default_pack())


def build(**options: object) -> ReadPdf:
    return ReadPdf.from_bytes(render_handout(BuildOptions(**{**FAST, **options}), bundled()))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patient=text, clinician=text, clinic=text)
def test_personal_fields_print_exactly(patient: str, clinician: str,
                                       clinic: str) -> None:
    pdf = build(details=PatientDetails(patient=patient, clinician=clinician,
                                                  clinic=clinic))
    drawn = squeeze(pdf.drawn_text())
    for value in (patient, clinician, clinic):
        assert squeeze(value) in drawn


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(paragraphs=st.lists(text, min_size=1, max_size=4))
def test_notes_print_exactly_paragraph_by_paragraph(paragraphs: list[str]) -> None:
    pdf = build(details=PatientDetails(notes="\n\n".join(paragraphs)))
    printed = squeeze(pdf.drawn_text())
    position = 0
    for paragraph in paragraphs:
        position = printed.index(squeeze(paragraph), position)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sets=st.integers(2, 20), reps=st.integers(1, 100), hold=st.integers(2, 600),
       days=st.integers(1, 6), note=text)
def test_any_dose_prints_as_written(sets: int, reps: int, hold: int, days: int,
                                    note: str) -> None:
    spec = f"cobra={sets}x{reps},hold{hold},{days}/week,note:{note}"
    pdf = build(doses=(spec,))
    printed = pdf.text
    times = f"{reps} time{'s' if reps > 1 else ''}"
    assert f"Hold {hold} seconds, {times}, {sets} sets, rest a minute between sets" in printed
    assert f"{days} day{'s' if days > 1 else ''} a week" in printed
    assert squeeze(f"Note: {note}") in squeeze(pdf.drawn_text())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.text(max_size=40))
def test_any_typed_name_builds_or_fails_in_one_line(value: str) -> None:
    try:
        pdf = build(details=PatientDetails(patient=value or None))
    except UserError as error:
        assert len(error.problems) == 1
        assert "\n" not in str(error)
        assert error.problems[0].field == "--patient"
    else:
        if value.strip():
            assert squeeze(value) in squeeze(pdf.drawn_text())


exercise_strategy = st.fixed_dictionaries({
    "name": text, "kind": st.sampled_from(["stretch", "strengthen"]),
    "start_position": text, "steps": st.lists(text, min_size=1, max_size=5),
    "benefit": text, "caution": text, "areas": st.lists(text, min_size=1, max_size=3),
    "feel": text, "stop_if": text, "easier": text, "harder": text,
    "dose": st.fixed_dictionaries({}, optional={
        "sets": st.integers(-1, 25), "reps": st.integers(1, 30),
        "hold_seconds": st.integers(1, 60), "side": st.sampled_from(["each", "left", "sides"])}),
})


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(exercises=st.lists(exercise_strategy, min_size=1, max_size=3))
def test_generated_packs_build_with_their_text_or_fail_with_located_errors(
        exercises: list[dict]) -> None:
    base = yaml.safe_load((default_pack() / "pack.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        (directory / "exercises").mkdir()
        ids = [f"exercise-{n}" for n in range(len(exercises))]
        for exercise_id, exercise in zip(ids, exercises):
            (directory / "exercises" / f"{exercise_id}.yaml").write_text(
                yaml.safe_dump({"id": exercise_id, **exercise}, allow_unicode=True),
                encoding="utf-8")
        (directory / "pack.yaml").write_text(
            yaml.safe_dump({**base, "exercises": ids}, allow_unicode=True), encoding="utf-8")
        try:
            resources = Resources.load(directory)
        except UserError as error:
            for problem in error.problems:  # each one located in a file we wrote
                assert problem.path is not None and problem.path.parent.name == "exercises"
                assert problem.line is not None and problem.field
            return
        pdf = ReadPdf.from_bytes(render_handout(
            BuildOptions(weeks=0, date=dt.date(2026, 11, 24)), resources))
        printed = squeeze(pdf.drawn_text())
        for exercise in exercises:
            for value in (exercise["name"], *exercise["steps"], exercise["caution"],
                          exercise["harder"]):
                assert squeeze(value) in printed


def test_right_to_left_and_markup_print_in_the_order_typed() -> None:
    typed = "שלום עליכם, <b>Dana</b> & {{ 7*7 }} {% raw %} مرحبا"
    pdf = build(details=PatientDetails(patient=typed))
    assert typed in pdf.drawn_text()
    assert "49" not in pdf.drawn_text()
