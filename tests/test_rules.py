"""Records: frozen dataclasses written once (rules.Record), checked by pydantic on demand."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import field

import pytest
from pydantic import ValidationError

from generator.model import Dose, Pack, PainGuide
from generator.rules import Record, record


@record
class _Plain(Record):
    """A frozen dataclass's behaviour, to compare records with."""

    name: str
    count: int = 1


@dataclasses.dataclass(frozen=True, kw_only=True)
class _Stdlib:
    name: str
    count: int = 1


def test_a_record_behaves_as_a_frozen_dataclass() -> None:
    made, twin = _Plain(name="a"), _Stdlib(name="a")
    assert repr(made) == repr(twin).replace("_Stdlib", "_Plain") == "_Plain(name='a', count=1)"
    assert made == _Plain(name="a", count=1) and made != _Plain(name="a", count=2)
    assert hash(made) == hash(_Plain(name="a")) and len({made, _Plain(name="a")}) == 1
    assert made != twin and dataclasses.is_dataclass(made)
    assert [item.name for item in dataclasses.fields(made)] == ["name", "count"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.count = 2  # type: ignore[misc]
    with pytest.raises(TypeError, match="missing the field 'name'"):
        _Plain()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unknown fields \\['colour'\\]"):
        _Plain(name="a", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Plain("a")  # type: ignore[misc]  # keyword-only, as the model's dataclasses were
    assert dataclasses.replace(made, count=3) == _Plain(name="a", count=3)


def test_checks_across_fields_run_when_made_in_code_and_when_checked() -> None:
    values = {"rule": "r", "spreading": "s", "green": "g", "amber": "a", "red": "r",
              "source": "s", "green_max": 5, "amber_max": 5}
    with pytest.raises(ValueError, match="green_max must be below amber_max"):
        PainGuide(**values)
    with pytest.raises(ValidationError, match="green_max must be below amber_max"):
        PainGuide.model_validate(values)
    fine = PainGuide(**{**values, "green_max": 2})
    with pytest.raises(ValueError, match="below"):
        fine.model_copy(update={"amber_max": 1})


def test_a_record_keeps_its_values_and_given_fields_through_a_pickle(pack: Pack) -> None:
    dose = Dose(reps=3, sets=None)
    again = pickle.loads(pickle.dumps(dose))
    assert again == dose and again.model_fields_set == {"reps", "sets"}
    assert dose.model_dump(exclude_unset=True) == {"sets": None, "reps": 3}
    assert pickle.loads(pickle.dumps(pack)) == pack
    assert hash(pickle.loads(pickle.dumps(pack.exercises[0]))) == hash(pack.exercises[0])


def test_pydantic_checks_a_record_with_the_rules_beside_its_fields() -> None:
    assert Dose.model_validate({"reps": 10, "note": "  slowly "}) == Dose(reps=10, note="slowly")
    with pytest.raises(ValidationError) as error:
        Dose.model_validate({"reps": 0, "sets": "2", "colour": "red"})
    assert sorted((tuple(e["loc"]), e["type"]) for e in error.value.errors()) == [
        (("colour",), "unexpected_keyword_argument"), (("reps",), "greater_than_equal"),
        (("sets",), "int_type")]  # StrictInt: "2" is not a number of sets


@record
class _WithList(Record):
    items: tuple[str, ...] = field(default=(), metadata={"max_length": 1})


def test_field_metadata_is_what_pydantic_checks() -> None:
    assert _WithList.model_validate({"items": ["a"]}) == _WithList(items=("a",))
    with pytest.raises(ValidationError, match="at most 1 item"):
        _WithList.model_validate({"items": ["a", "b"]})
