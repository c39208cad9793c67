"""The model's records and the rules pydantic checks them by, without importing pydantic.

The model (``model.py``, and the pose data in ``figures/spec.py``) is plain frozen
dataclasses, so a build from a pack that is already checked (the disk cache, ``cache.py``)
never loads pydantic. Pydantic checks a
pack against the same classes when one is loaded, validated or described (``handout
validate``, ``handout schema``): each field's rule is written beside it, as a :class:`Rule`
in its ``Annotated`` type or as ``field(metadata=...)`` keys pydantic reads (``ge``, ``le``,
``min_length``, ``max_length``, ``description``); a rule across fields is the class's
``__post_init__``, whose ValueError pydantic reports at the class (as a model validator's).

:class:`Frozen` (:func:`frozen`) is a frozen dataclass whose methods are written once
rather than generated for each class: the records, and the other frozen classes a build
makes at import, are made with it.

:class:`Rule` and :class:`Tagged` speak pydantic's documented ``__get_pydantic_core_schema__``
protocol and import ``pydantic_core`` only when pydantic asks them.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar, TypeVar, dataclass_transform

R = TypeVar("R", bound="Record")
T = TypeVar("T")

# Keys of a core schema that a Rule sets when given (string, number and tuple schemas).
_SCHEMA_KEYS = ("strip_whitespace", "min_length", "max_length", "pattern", "strict", "ge", "le",
                "allow_inf_nan")


class Frozen:
    """Base of a frozen dataclass made by :func:`frozen` (or :func:`record`): the methods
    ``@dataclass(frozen=True)`` would generate, written once here. Generating them for each
    class (six exec'd functions each) cost a cold build about 0.4 ms a class.

    The same behaviour: arguments by position or keyword, defaults and default factories,
    ``__post_init__``; equality and hashing by the fields' values in order, between
    instances of the same class only (the hash kept once computed); a repr of the fields; FrozenInstanceError on any
    assignment. ``dataclasses.fields``, ``replace`` and ``asdict`` work as on any dataclass.
    """

    # Set by frozen(): (name, default, default factory) of each field, and a getter of
    # the fields' values in order (what equality, hashing and repr compare and show).
    _fields: ClassVar[tuple[tuple[str, Any, Any], ...]] = ()
    _values: ClassVar[Callable[[Any], tuple[Any, ...]]]

    def __init__(self, *args: Any, **values: Any) -> None:
        if len(args) > len(self._fields):
            raise TypeError(f"{type(self).__qualname__}() takes {len(self._fields)} "
                            f"arguments but {len(args)} were given")
        for (name, _, _), value in zip(self._fields, args):
            if name in values:
                raise TypeError(f"{type(self).__qualname__}() got two values for {name!r}")
            values[name] = value
        self._set(values)

    def _set(self, values: Mapping[str, Any]) -> None:
        """Each field's value from ``values`` or its default; then ``__post_init__``."""
        given = 0
        for name, default, factory in self._fields:
            if name in values:
                value = values[name]
                given += 1
            elif default is not dataclasses.MISSING:
                value = default
            elif factory is not dataclasses.MISSING:
                value = factory()
            else:
                raise TypeError(f"{type(self).__qualname__}() missing the field {name!r}")
            object.__setattr__(self, name, value)
        if given < len(values):
            unknown = set(values).difference(name for name, _, _ in self._fields)
            raise TypeError(f"{type(self).__qualname__}() got unknown fields {sorted(unknown)}")
        check = getattr(self, "__post_init__", None)
        if check is not None:
            check()

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for (name, _, _), value
                          in zip(self._fields, self._values(self)))
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values(self) == self._values(other)

    def __hash__(self) -> int:
        # Kept after the first time: the fields never change, and a record used as a cache
        # key (an exercise for its figure) would otherwise hash every nested record again.
        known = self.__dict__.get("_hash")
        if known is None:
            known = hash(self._values(self))
            object.__setattr__(self, "_hash", known)
        return known  # type: ignore[no-any-return]

    def __getstate__(self) -> dict[str, Any]:
        """The fields (and what a record remembers of its making), without the kept hash:
        a string's hash differs from one process to the next, so an unpickled record hashes
        again."""
        state = self.__dict__
        if "_hash" in state:
            state = {name: value for name, value in state.items() if name != "_hash"}
        return state

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


F = TypeVar("F", bound=Frozen)


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[F]) -> type[F]:
    """Make ``cls`` (a subclass of :class:`Frozen`) a frozen dataclass: ``dataclass``
    collects the fields, with nothing to generate, and Frozen holds the methods."""
    made = dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(made)  # type: ignore[arg-type]
    made._fields = tuple((item.name, item.default, item.default_factory) for item in fields)
    getter = operator.attrgetter(*(item.name for item in fields))
    made._values = staticmethod(  # type: ignore[assignment]
        getter if len(fields) > 1 else lambda value: (getter(value),))
    return made


@frozen
class Rule(Frozen):
    """What a value must be, beyond its type: applied by pydantic in that order (``before``
    on the raw value, then the constraints, then ``after`` on the checked value)."""

    strip_whitespace: bool | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    strict: bool | None = None
    ge: float | None = None
    le: float | None = None
    allow_inf_nan: bool | None = None
    before: Callable[[Any], Any] | None = None
    after: Callable[[Any], Any] | None = None
    # Like ``after``, also given the fields of the record checked before this one.
    after_with_data: Callable[[Any, Mapping[str, Any]], Any] | None = None
    description: str | None = None
    # A JSON type ``before`` also takes as a short form ("number": left_hip: 90 for
    # {flex: 90}; "string": one name for a list), so an editor's check allows it too.
    short_form: str | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        schema = dict(handler(source))
        schema.update({key: getattr(self, key) for key in _SCHEMA_KEYS
                       if getattr(self, key) is not None})
        if self.after is not None:
            schema = core_schema.no_info_after_validator_function(self.after, schema)
        if self.after_with_data is not None:
            check = self.after_with_data
            schema = core_schema.with_info_after_validator_function(
                lambda value, info: check(value, info.data or {}), schema)
        if self.before is not None:
            schema = core_schema.no_info_before_validator_function(self.before, schema)
        return schema

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        described = handler(schema)
        if "$ref" not in described:
            if self.before is not None:  # the constraints apply to the value made from the input
                described = {key: value for key, value in described.items()
                             if key not in ("pattern", "minLength", "maxLength")}
            if self.description is not None:
                described = {**described, "description": self.description}
        if self.short_form is not None:
            described = {"anyOf": [{"type": self.short_form}, described]}
        return described


@frozen
class Tagged(Frozen):
    """A union whose member is chosen by ``tag(value)``: ``choices`` pairs each tag with
    its type (so an error names only the member the value was meant to be)."""

    tag: Callable[[Any], str]
    choices: tuple[tuple[str, Any], ...]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.tagged_union_schema(
            {name: handler.generate_schema(kind) for name, kind in self.choices},
            discriminator=self.tag)


class Record(Frozen):
    """Base of the model's classes (each made by :func:`record`): a :class:`Frozen` made
    by keyword only, whose unknown fields are errors when pydantic checks one. It answers
    the few pydantic verbs callers use on a model (``model_validate``, ``model_copy``,
    ``model_dump``, ``model_construct``, ``model_fields_set``, ``dict(record)``), so code
    and tests written against pydantic models read a record the same way."""

    __pydantic_config__: ClassVar[Mapping[str, Any]] = {"extra": "forbid"}
    # The fields given, set when the record is made in code; None (every field) when
    # pydantic made it, unless the class records what it was given (PresetExercise).
    _given: ClassVar[frozenset[str] | None] = None

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, "_given", frozenset(values))
        self._set(values)

    @classmethod
    def model_validate(cls: type[R], data: Any) -> R:
        """``data`` checked into this class (pydantic's ValidationError if it is not)."""
        return checker(cls).validate_python(data)  # type: ignore[no-any-return]

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of this class's data (for editors)."""
        return checker(cls).json_schema()  # type: ignore[no-any-return]

    @classmethod
    def model_construct(cls: type[R], **values: Any) -> R:
        """A record of these values, the rest defaults, with no check at all (not even
        ``__post_init__``): for defaults, and for tests that need a broken record."""
        made = cls.__new__(cls)
        for item in dataclasses.fields(cls):  # type: ignore[arg-type]
            if item.name in values:
                value = values[item.name]
            elif item.default is not dataclasses.MISSING:
                value = item.default
            else:
                value = item.default_factory()  # type: ignore[misc]
            object.__setattr__(made, item.name, value)
        object.__setattr__(made, "_given", frozenset(values))
        return made

    @property
    def model_fields_set(self) -> frozenset[str]:
        """The fields given when this record was made (the rest are defaults)."""
        if self._given is None:
            return frozenset(item.name for item in dataclasses.fields(self))  # type: ignore[arg-type]
        return self._given

    def model_copy(self: R, update: Mapping[str, Any] | None = None) -> R:
        """This record with the fields in ``update`` replaced (checked across fields again)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    def model_dump(self, exclude: Iterable[str] = (), exclude_unset: bool = False,
                   ) -> dict[str, Any]:
        """The fields as plain data (records as dicts), without those named in ``exclude``
        (and, with ``exclude_unset``, without those left to their defaults)."""
        left_out = set(exclude)
        return {item.name: _plain(getattr(self, item.name), exclude_unset)
                for item in dataclasses.fields(self)  # type: ignore[arg-type]
                if item.name not in left_out
                and not (exclude_unset and item.name not in self.model_fields_set)}

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(name, value) for each field, as ``dict(model)`` reads a pydantic model."""
        return ((item.name, getattr(self, item.name))
                for item in dataclasses.fields(self))  # type: ignore[arg-type]


def _plain(value: Any, exclude_unset: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(exclude_unset=exclude_unset)
    if isinstance(value, tuple):
        return tuple(_plain(item, exclude_unset) for item in value)
    return value


def record(cls: type[R]) -> type[R]:
    """Make ``cls`` a frozen, keyword-only dataclass that remembers the fields it is given
    (the model's classes are all this): ``dataclass`` collects the fields (what pydantic
    reads), and :class:`Record` holds the methods."""
    return frozen(cls)


@lru_cache(maxsize=None)
def checker(cls: type) -> Any:
    """Pydantic's validator for a record class, built once (this imports pydantic)."""
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


def repeated(values: Iterable[T]) -> list[T]:
    """The values given more than once, each once, in the order first seen (in linear time:
    a CSV cell may list one id twenty thousand times)."""
    seen: set[T] = set()
    twice: dict[T, None] = {}
    for value in values:
        if value in seen:
            twice[value] = None
        seen.add(value)
    return list(twice)
