"""Records: frozen dataclasses written once (rules.Record), checked by pydantic on demand."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from dataclasses import field

import pytest
from pydantic import ValidationError

from generator.model import Dose, Pack, PainGuide
from generator.rules import Frozen, Record, frozen, record, repeated


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


@frozen
class _Made(Frozen):
    """A frozen class made by rules.frozen, to compare with the stdlib's."""

    name: str
    count: int = 1
    tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count below 0")


@dataclasses.dataclass(frozen=True)
class _Twin:
    name: str
    count: int = 1
    tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count below 0")


@pytest.mark.parametrize("args, values", [(("a",), {}), (("a", 2), {}), ((), {"name": "a"}),
                                          (("a",), {"tags": ["x"]}),
                                          ((), {"count": 3, "name": "b"})])
def test_a_frozen_class_behaves_as_a_frozen_dataclass(args: tuple[object, ...],
                                                      values: dict[str, object]) -> None:
    made, twin = _Made(*args, **values), _Twin(*args, **values)  # type: ignore[arg-type]
    assert repr(made) == repr(twin).replace("_Twin", "_Made")
    assert made == _Made(*args, **values) and made != twin  # type: ignore[arg-type]
    assert (made == _Made("other")) == (twin == _Twin("other"))
    assert dataclasses.astuple(made) == dataclasses.astuple(twin)
    assert dataclasses.asdict(made) == dataclasses.asdict(twin)
    assert dataclasses.replace(made, count=7) == _Made(made.name, 7, made.tags)
    assert made.__match_args__ == twin.__match_args__ == ("name", "count", "tags")
    assert pickle.loads(pickle.dumps(made)) == made
    for thing in (made, twin):
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
            thing.name = "b"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'count'"):
            del thing.count  # type: ignore[misc]


def test_a_frozen_class_hashes_checks_and_refuses_as_a_frozen_dataclass() -> None:
    hashable, twin = _Plain(name="a"), _Made("a", 2, ())  # type: ignore[arg-type]
    assert hash(twin) == hash(("a", 2, ())) and len({twin, _Made("a", 2, ())}) == 1  # type: ignore[arg-type]
    assert hash(hashable) == hash(("a", 1))
    assert _Made("a").tags is not _Made("a").tags  # a new default from the factory each time
    with pytest.raises(ValueError, match="count below 0"):
        _Made("a", -1)
    with pytest.raises(TypeError, match="missing the field 'name'"):
        _Made()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unknown fields \\['colour'\\]"):
        _Made("a", colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="two values for 'name'"):
        _Made("a", name="b")  # type: ignore[misc]
    with pytest.raises(TypeError, match="takes 3 arguments but 4 were given"):
        _Made("a", 1, [], 4)  # type: ignore[call-arg]


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



def test_a_kept_hash_is_the_fields_hash_and_is_not_pickled(pack: Pack) -> None:
    exercise = pack.exercises[0]
    first = hash(exercise)
    assert hash(exercise) == first == hash(dataclasses.replace(exercise))
    assert first == hash(tuple(getattr(exercise, item.name)
                               for item in dataclasses.fields(exercise)))
    assert "_hash" not in pickle.loads(pickle.dumps(exercise)).__dict__
    with pytest.raises(TypeError, match="unhashable"):  # a list field: never hashable
        hash(_Made("a", tags=["x"]))
    with pytest.raises(TypeError, match="unhashable"):
        hash(_Made("a", tags=["x"]))


def test_an_unpickled_record_hashes_as_one_made_in_its_own_process() -> None:
    # A string's hash depends on the process's hash seed: a record hashed in one process
    # and unpickled in another must hash as the other process's equal record.
    made = "Dose(reps=3, note='slowly', sets=2)"
    write = ("import pickle, sys; from generator.model import Dose; d = " + made
             + "; hash(d); sys.stdout.buffer.write(pickle.dumps(d))")
    read = ("import pickle, sys; from generator.model import Dose; "
            "d = pickle.loads(sys.stdin.buffer.read()); print(hash(d) == hash(" + made + "))")
    stored = subprocess.run([sys.executable, "-c", write], capture_output=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": "1"}).stdout
    answer = subprocess.run([sys.executable, "-c", read], input=stored, capture_output=True,
                            check=True, env={**os.environ, "PYTHONHASHSEED": "2"}).stdout
    assert answer.strip() == b"True"

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


def test_repeated_names_each_value_given_twice_once_in_the_order_first_seen() -> None:
    assert repeated(["b", "a", "b", "c", "a", "b"]) == ["b", "a"]
    assert repeated(["a", "b"]) == []
