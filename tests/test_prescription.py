"""Selection and dose: the pack's defaults, then the preset, then the command line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import UsageError
from generator.loading import find_preset, load_preset
from generator.model import Dose, Pack
from generator.cli import main
from generator.prescription import (BuildOptions, note_paragraphs, parse_dose, prescribe,
                                    select_exercises)
from generator.resources import default_pack


@pytest.mark.parametrize(("spec", "expected"), [
    ("bird-dog=2x10", Dose(sets=2, reps=10)),
    ("knee-to-chest=hold30,3x", Dose(hold_seconds=30, reps=3)),
    ("clamshell=left,2/day", Dose(side="left", times_per_day=2)),
    ("cobra=hold5s,10x,4/week", Dose(hold_seconds=5, reps=10, days_per_week=4)),
    ("cobra=daily", Dose(days_per_week=7)),
    ("cobra= 2x8 , each ", Dose(sets=2, reps=8, side="each")),
    ("pelvic-tilt=10x,note:Slowly, and breathe out", Dose(reps=10, note="Slowly, and breathe out")),
])
def test_dose_grammar(pack: Pack, spec: str, expected: Dose) -> None:
    exercise_id, dose = parse_dose(spec, pack)
    assert exercise_id == spec.split("=")[0]
    assert dose == expected


@pytest.mark.parametrize(("spec", "points_at"), [
    ("bird-dog", "expected ID=DOSE"),
    ("bird-dog=", "expected ID=DOSE"),
    ("bird-dgo=2x10", "did you mean 'bird-dog'"),
    ("bird-dog=2x10,hold", "cannot read 'hold'"),
    ("bird-dog=2y10", "cannot read '2y10'"),
    ("bird-dog=0x10", "sets"),
    ("bird-dog=9/week", "days_per_week"),
])
def test_bad_dose_is_a_usage_error_pointing_at_the_bad_part(pack: Pack, spec: str,
                                                            points_at: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_dose(spec, pack)
    assert points_at in str(raised.value)
    assert raised.value.problems[0].field == "--dose"


@given(sets=st.integers(1, 20), reps=st.integers(1, 100), hold=st.integers(1, 600),
       per_day=st.integers(1, 12), per_week=st.integers(1, 7),
       side=st.sampled_from(["each", "left", "right", "both"]))
def test_any_valid_dose_round_trips(pack: Pack, sets: int, reps: int, hold: int, per_day: int,
                                    per_week: int, side: str) -> None:
    spec = f"glute-bridge={sets}x{reps},hold{hold},{per_day}/day,{per_week}/week,{side}"
    _, dose = parse_dose(spec, pack)
    assert dose == Dose(sets=sets, reps=reps, hold_seconds=hold, times_per_day=per_day,
                        days_per_week=per_week, side=side)


def ids(selection) -> list[str]:
    return [item.exercise.id for item in selection]


def test_default_selection_is_the_whole_pack_with_pack_doses(pack: Pack) -> None:
    selection = select_exercises(pack)
    assert ids(selection) == list(pack.exercise_ids)
    assert [item.dose for item in selection] == [e.dose for e in pack.exercises]


def test_only_keeps_the_given_order_and_exclude_removes(pack: Pack) -> None:
    assert ids(select_exercises(pack, only=["bird-dog", "cobra"])) == ["bird-dog", "cobra"]
    remaining = ids(select_exercises(pack, exclude=["cobra", "clamshell"]))
    assert remaining == [i for i in pack.exercise_ids if i not in {"cobra", "clamshell"}]


def test_command_line_dose_overrides_only_the_fields_it_names(pack: Pack) -> None:
    (item,) = select_exercises(pack, only=["knee-to-chest"], doses=["knee-to-chest=hold20"])
    assert item.dose == Dose(reps=3, hold_seconds=20, times_per_day=1, days_per_week=4,
                             side="each")  # the pack's dose with only the hold changed


def test_repetitions_alone_replace_the_packs_sets(pack: Pack) -> None:
    (item,) = select_exercises(pack, only=["clamshell"], doses=["clamshell=3x"])
    assert (item.dose.sets, item.dose.reps) == (None, 3)  # "3 times", not "2 sets of 3"


def test_a_preset_entry_changes_only_the_dose_fields_it_gives(pack: Pack,
                                                              tmp_path: Path) -> None:
    """An entry's fields replace the pack's; a field it gives as null clears the pack's
    (sets: null with reps: 12 is 12 times in all, as --dose glute-bridge=12x is)."""
    path = tmp_path / "mine.yaml"
    path.write_text("name: Mine\ndescription: Two.\nexercises:\n"
                    "  - id: glute-bridge\n    sets: null\n    reps: 12\n"
                    "  - id: clamshell\n    reps: 6\n", encoding="utf-8")
    by_id = {item.exercise.id: item.dose
             for item in select_exercises(pack, load_preset(path, pack))}
    bridge, clamshell = pack.exercise("glute-bridge").dose, pack.exercise("clamshell").dose
    assert (bridge.sets, clamshell.sets) == (2, 2)  # what the pack gives
    assert by_id["glute-bridge"] == bridge.merged({"sets": None, "reps": 12})
    assert (by_id["glute-bridge"].sets, by_id["glute-bridge"].reps) == (None, 12)
    assert by_id["clamshell"] == clamshell.merged({"reps": 6}) and by_id["clamshell"].sets == 2
    assert by_id["glute-bridge"] == select_exercises(pack, only=["glute-bridge"],
                                                     doses=["glute-bridge=12x"])[0].dose


def test_preset_then_command_line(pack: Pack) -> None:
    preset = load_preset(find_preset(default_pack(), "strength"), pack)
    selection = select_exercises(pack, preset, exclude=["pelvic-tilt"],
                                 doses=["bird-dog=3x6"])
    assert ids(selection) == ["bird-dog", "clamshell", "glute-bridge"]
    by_id = {item.exercise.id: item.dose for item in selection}
    assert by_id["glute-bridge"].sets == 1  # from the preset
    assert by_id["glute-bridge"].note  # the preset's note for this exercise
    assert (by_id["bird-dog"].sets, by_id["bird-dog"].reps) == (3, 6)  # command line wins
    assert by_id["bird-dog"].note == "Start with 5 on each side. Build up to 8."


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"only": ["cobra", "cobra"]}, "given twice"),
    ({"only": ["kobra"]}, "did you mean 'cobra'"),
    ({"exclude": ["kobra"]}, "did you mean 'cobra'"),
    ({"only": ["cobra"], "exclude": ["cobra"]}, "no exercises are left"),
    ({"only": ["cobra"], "doses": ["bird-dog=2x10"]}, "not among the chosen"),
    ({"only": ["cobra"], "doses": ["cobra=2x10", "cobra=hold5,3x5"]},
     "'cobra=2x10' and 'cobra=hold5,3x5' both set the sets of 'cobra'"),
    ({"only": ["cobra"], "doses": ["cobra=left", "cobra=both"]}, "both set the side"),
])
def test_selection_mistakes_are_usage_errors(pack: Pack, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        select_exercises(pack, **kwargs)
    assert message in str(raised.value)


def test_doses_for_different_fields_of_one_exercise_add_up(pack: Pack) -> None:
    (item,) = select_exercises(pack, only=["cobra"], doses=["cobra=2x10", "cobra=hold30"])
    assert (item.dose.sets, item.dose.reps, item.dose.hold_seconds) == (2, 10, 30)


@pytest.mark.parametrize(("notes", "expected"), [
    ("One.\n\nTwo.", ["One.", "Two."]),
    ("One.\n \nTwo.", ["One.", "Two."]),  # the blank line holds a space
    ("One.\r\n\t\r\nTwo.", ["One.", "Two."]),  # a tab, Windows line ends (the web form)
    ("One.\n\u00a0\nTwo.", ["One.", "Two."]),  # a no-break space
    ("One\nline.\n\n\n\nTwo.", ["One line.", "Two."]),
    (" \n \n", []),
])
def test_notes_split_into_paragraphs_at_blank_lines(notes: str, expected: list[str]) -> None:
    assert note_paragraphs(notes) == expected


def test_unknown_preset_lists_the_shipped_ones() -> None:
    with pytest.raises(UsageError) as raised:
        find_preset(default_pack(), "gentle")
    assert "full, gentle-start, strength" in str(raised.value)


@given(issued=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
       days=st.integers(-4000, 4000))
def test_a_review_before_the_handouts_date_is_a_usage_error(pack: Pack, issued: dt.date,
                                                            days: int) -> None:
    """Attack finding 5: "Next review 1 January 2020" on a handout of 2026."""
    review = issued + dt.timedelta(days=days)
    options = BuildOptions(date=issued, review_date=review)
    if days < 0:
        with pytest.raises(UsageError, match=f"{review.isoformat()} is before the handout's "
                                             f"date {issued.isoformat()}") as raised:
            prescribe(pack, options, None)
        assert raised.value.problems[0].field == "--review-date"
    else:
        assert prescribe(pack, options, None).review == review


def test_review_date_before_date_on_the_command_line_and_in_a_csv_row(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--date", "2026-11-24", "--review-date",
                                       "2020-01-01", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2
    assert "--review-date: 2020-01-01 is before the handout's date 2026-11-24" in result.output
    assert not (tmp_path / "x.pdf").exists()
    csv = tmp_path / "day.csv"
    csv.write_text("patient,date,review_date\nAnn,2026-11-24,2020-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["batch", str(csv), "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 1
    assert f"{csv}:2:3: review_date: 2020-01-01 is before the handout's date" in result.output
