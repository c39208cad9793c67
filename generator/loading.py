"""Load and validate content packs and presets, with errors mapped back to YAML lines.

A pack is a folder: ``pack.yaml`` (metadata, text, safety, FAQ, sources and the list of
exercise ids), ``exercises/<id>.yaml`` (one exercise each) and ``presets/<name>.yaml``.
Every problem is collected first and reported together, each as ``FILE:LINE:COL: field: message``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import Problem, UsageError, UserError
from .model import Pack, Preset, PresetExercise

Location = tuple[str | int, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class YamlDocument:
    """Parsed YAML plus the 1-based (line, column) of every key and item, by location."""

    path: Path
    data: Any
    marks: dict[Location, tuple[int, int]]

    def problem(self, location: Location, message: str) -> Problem:
        """A problem at ``location``, placed at the nearest position we know."""
        known = location
        while known and known not in self.marks:
            known = known[:-1]
        line, column = self.marks.get(known, (None, None))
        field = ".".join(str(part) for part in location) or None
        return Problem(message, self.path, line, column, field)


def read_yaml(path: Path) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML file; syntax errors and duplicate keys are problems, not exceptions."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(f"file is larger than {MAX_FILE_BYTES:,} bytes", path)]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Problem("file not found", path)]
    except UnicodeDecodeError as error:
        return None, [Problem(f"not UTF-8 text ({error.reason} at byte {error.start})", path)]
    except OSError as error:
        return None, [Problem(f"cannot read file: {error.strerror}", path)]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return None, [Problem(f"YAML syntax: {error.problem or error}", path, line, column)]
    except yaml.YAMLError as error:
        return None, [Problem(f"YAML syntax: {error}", path)]
    finally:
        loader.dispose()
    marks: dict[Location, tuple[int, int]] = {}
    problems: list[Problem] = []
    if node is not None:
        _collect_marks(node, (), marks, problems, path)
    return YamlDocument(path, data, marks), problems


def _collect_marks(node: yaml.Node, location: Location, marks: dict[Location, tuple[int, int]],
                   problems: list[Problem], path: Path) -> None:
    marks.setdefault(location, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            child = (*location, key)
            if child in marks:
                field = ".".join(str(part) for part in child)
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                problems.append(Problem("key given twice", path, line, column, field))
            marks[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _collect_marks(value_node, child, marks, problems, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_marks(item, (*location, index), marks, problems, path)


def validation_problems(error: ValidationError,
                        document_for: Callable[[Location], tuple[YamlDocument, Location]],
                        ) -> list[Problem]:
    """Pydantic errors as located problems; ``document_for`` says which file a location is in."""
    details = error.errors(include_url=False)
    parents = {tuple(d["loc"])[:n] for d in details for n in range(len(d["loc"]))}
    # pydantic counts a list's valid items for min_length: when items are invalid, their own
    # errors say it all and "should have at least 1 item" is noise.
    details = [d for d in details
               if not (d["type"] == "too_short" and tuple(d["loc"]) in parents)]
    typos = _typos(details)
    problems = []
    for detail in details:
        location = tuple(detail["loc"])
        if detail["type"] == "missing" and location in typos.values():
            continue  # reported once, at the misspelt key
        document, inner = document_for(location)
        message = _MESSAGES.get(detail["type"], detail["msg"].removeprefix("Value error, "))
        if location in typos:
            message += f"; did you mean {typos[location][-1]!r}?"
        missing = detail["type"] == "missing"
        problems.append(document.problem(_data_location(document.data, inner, missing), message))
    return problems


def _typos(details: list[Any]) -> dict[Location, Location]:
    """Unknown keys that are near misses of a missing field: unknown location -> missing one."""
    missing = [tuple(d["loc"]) for d in details if d["type"] == "missing"]
    typos = {}
    for detail in details:
        location = tuple(detail["loc"])
        if detail["type"] != "extra_forbidden" or not isinstance(location[-1], str):
            continue
        siblings = [m for m in missing if m[:-1] == location[:-1] and isinstance(m[-1], str)]
        close = difflib.get_close_matches(location[-1], [str(m[-1]) for m in siblings], n=1)
        if close:
            typos[location] = (*location[:-1], close[0])
    return typos


_MESSAGES = {
    "extra_forbidden": "unknown field (check the spelling)",
    "missing": "required field is missing",
}


def _data_location(data: Any, location: Location, missing: bool) -> Location:
    """The location in the YAML data, without the union tags pydantic puts in its locations."""
    kept: list[str | int] = []
    for index, part in enumerate(location):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        elif not (missing and index == len(location) - 1):
            continue  # a union member's name, not a key
        kept.append(part)
    return tuple(kept)


def load_pack(directory: Path, check_print: bool = False) -> Pack:
    """Load and validate the pack in ``directory``; UserError with every problem found.

    ``check_print``: also check that every text prints in the pack's font (this loads
    the font, so commands that print nothing skip it). A pack whose files have not
    changed since it was last checked comes from the cache (generator/cache.py).
    """
    from .cache import cached_pack

    def load() -> Pack:
        pack, problems = check_pack(directory, check_print)
        if problems or pack is None:
            raise UserError.from_problems(problems)
        return pack

    return cached_pack(directory, check_print, load, _named_files)


def _named_files(pack: Pack) -> list[Path]:
    """The files a pack names (its font, its exercises' pictures), wherever they are."""
    named = [pack.font] + [exercise.image for exercise in pack.exercises]
    return [path for path in named if path is not None]


def check_pack(directory: Path, check_print: bool = False) -> tuple[Pack | None, list[Problem]]:
    """The validated pack (or None) and every problem found in it."""
    directory = directory.resolve()
    if not directory.is_dir():
        return None, [Problem("content pack folder not found", directory)]
    pack_doc, problems = read_yaml(directory / "pack.yaml")
    if pack_doc is None:
        return None, problems
    if not isinstance(pack_doc.data, dict):
        return None, [*problems, pack_doc.problem((), "expected a mapping of pack fields")]

    data = dict(pack_doc.data)
    exercise_docs: dict[int, YamlDocument] = {}
    ids = data.get("exercises")
    if isinstance(ids, list):
        exercises: list[Any] = []
        for index, exercise_id in enumerate(ids):
            if not isinstance(exercise_id, str):
                problems.append(pack_doc.problem(("exercises", index), "expected an exercise id"))
                continue
            exercise_path = directory / "exercises" / f"{exercise_id}.yaml"
            doc, doc_problems = read_yaml(exercise_path)
            if doc is None:
                if not exercise_path.exists():
                    doc_problems = [pack_doc.problem(
                        ("exercises", index), f"no file exercises/{exercise_id}.yaml for this id")]
                problems.extend(doc_problems)
                continue
            problems.extend(doc_problems)
            if isinstance(doc.data, dict) and doc.data.get("id") != exercise_id:
                problems.append(doc.problem(("id",), f"must be {exercise_id!r}, as the file name"))
            exercise_docs[len(exercises)] = doc
            exercises.append(_resolve_files(doc, directory, ("image",), problems))
        data["exercises"] = exercises
    data = _resolve_files(YamlDocument(pack_doc.path, data, pack_doc.marks), directory,
                          ("font",), problems)

    assembled = YamlDocument(pack_doc.path, data, pack_doc.marks)

    def document_for(location: Location) -> tuple[YamlDocument, Location]:
        if len(location) >= 2 and location[0] == "exercises" and location[1] in exercise_docs:
            return exercise_docs[location[1]], location[2:]  # type: ignore[index]
        return assembled, location

    try:
        pack = Pack.model_validate(data)
    except ValidationError as error:
        return None, problems + validation_problems(error, document_for)
    if check_print and not problems:
        problems.extend(_print_problems(pack, data, document_for))
    return (None if problems else pack), problems


_NOT_PRINTED = {"figure", "image", "font", "id"}


def _print_problems(pack: Pack, data: Any,
                    document_for: Callable[[Location], tuple[YamlDocument, Location]],
                    ) -> list[Problem]:
    """Text in the pack that its font cannot print, each at its file and line."""
    from .fonts import register_fonts
    from .text_check import unprintable

    try:
        fonts = register_fonts(pack.font)
    except UserError as error:
        document, location = document_for(("font",))
        return [document.problem(location, error.problems[0].message)]
    problems = []
    for location, text in _strings(data, ()):
        message = unprintable(text, fonts)
        if message:
            document, inner = document_for(location)
            problems.append(document.problem(inner, message))
    return problems


def _strings(value: Any, location: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(value, str):
        yield location, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _NOT_PRINTED:
                yield from _strings(item, (*location, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*location, index))


def _resolve_files(doc: YamlDocument, directory: Path, keys: Sequence[str],
                   problems: list[Problem]) -> Any:
    """The document's data with file fields made absolute; a missing file is a problem."""
    if not isinstance(doc.data, dict):
        return doc.data
    data = dict(doc.data)
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            resolved = (directory / value).resolve()
            if not resolved.is_file():
                problems.append(doc.problem((key,), f"file not found: {resolved}"))
            data[key] = resolved
    return data


def preset_names(directory: Path) -> list[str]:
    """Names of the presets shipped in a pack folder."""
    return sorted(path.stem for path in (directory / "presets").glob("*.yaml"))


def find_preset(directory: Path, name_or_file: str) -> Path:
    """The preset file for a name in the pack's ``presets/`` or a path to a YAML file."""
    candidate = Path(name_or_file)
    if candidate.suffix in {".yaml", ".yml"} or len(candidate.parts) > 1:
        if not candidate.is_file():
            raise UsageError("preset file not found", path=candidate)
        return candidate
    path = directory / "presets" / f"{name_or_file}.yaml"
    if not path.is_file():
        names = preset_names(directory)
        raise UsageError(f"unknown preset {name_or_file!r}; {_choices('presets', names)}",
                         field="--preset")
    return path


def load_preset(path: Path, pack: Pack) -> Preset:
    """Load a preset and check that every exercise it names is in the pack."""
    preset, problems = check_preset(path, pack)
    if problems or preset is None:
        raise UserError.from_problems(problems)
    return preset


def check_preset(path: Path, pack: Pack) -> tuple[Preset | None, list[Problem]]:
    """The validated preset (or None) and every problem found in it."""
    doc, problems = read_yaml(path)
    if doc is None:
        return None, problems
    try:
        preset = Preset.model_validate(doc.data)
    except ValidationError as error:
        return None, problems + validation_problems(error, lambda location: (doc, location))
    for index, entry in enumerate(preset.exercises):
        exercise_id = entry.id if isinstance(entry, PresetExercise) else entry
        if exercise_id not in pack.exercise_ids:
            location: Location = ("exercises", index)
            if isinstance(entry, PresetExercise):
                location = (*location, "id")
            problems.append(doc.problem(location, unknown_id_message(exercise_id, pack)))
    return (None if problems else preset), problems


def unknown_id_message(exercise_id: str, pack: Pack) -> str:
    """'unknown exercise id' with the nearest valid id, for any place an id is typed."""
    close = difflib.get_close_matches(exercise_id, pack.exercise_ids, n=1, cutoff=0.4)
    hint = f"did you mean {close[0]!r}?" if close else _choices("ids", pack.exercise_ids)
    return f"unknown exercise id {exercise_id!r}; {hint}"


def _choices(what: str, names: Sequence[str]) -> str:
    return f"valid {what}: {', '.join(names)}" if names else f"there are no {what}"


def check_all(directory: Path) -> list[Problem]:
    """Every problem in a pack and all of its presets (for ``handout validate``)."""
    pack, problems = check_pack(directory, check_print=True)
    if pack is not None:
        for path in sorted((directory / "presets").glob("*.yaml")):
            problems.extend(check_preset(path, pack)[1])
    return problems
