"""Load and validate content packs and presets, with errors mapped back to YAML lines.

A pack is a folder: ``pack.yaml`` (metadata, text, safety, FAQ, sources and the list of
exercise ids), ``exercises/<id>.yaml`` (one exercise each) and ``presets/<name>.yaml``.
Every problem is collected first and reported together, each as ``FILE:LINE:COL: field: message``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import Problem, UsageError, UserError, shown
from .files import is_inside
from .languages import (BASE_ONLY_EXERCISE, BASE_ONLY_NESTED, BASE_ONLY_PACK, BASE_ONLY_PRESET,
                        OPTIONAL_PACK, check_tag, has_translation, missing_text, primary,
                        refused_fields, refused_nested, translation_folder, with_base_nested,
                        without_nested)
from .limits import MAX_PACK_TEXT
from .model import EXERCISE_ID, Pack, Preset, PresetExercise
from .yaml_files import Location, YamlDocument, read_yaml

if TYPE_CHECKING:
    from pydantic import ValidationError

OUTSIDE_THE_PACK = "lies outside the pack folder (a symbolic link?); a pack must hold its own files"

__all__ = ["Location", "YamlDocument", "read_yaml", "load_pack", "check_pack", "load_preset",
           "check_preset", "find_preset", "preset_names", "check_all", "unlisted_exercises",
           "unknown_id_message", "validation_problems"]


def validation_problems(error: ValidationError,
                        document_for: Callable[[Location], tuple[YamlDocument, Location]],
                        ) -> list[Problem]:
    """Pydantic errors as located problems; ``document_for`` says which file a location is in."""
    details = [_as_model_error(detail) for detail in error.errors(include_url=False)]
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
    from difflib import get_close_matches  # only when there are errors to hint at

    missing = [tuple(d["loc"]) for d in details if d["type"] == "missing"]
    typos = {}
    for detail in details:
        location = tuple(detail["loc"])
        if detail["type"] != "extra_forbidden" or not isinstance(location[-1], str):
            continue
        siblings = [m for m in missing if m[:-1] == location[:-1] and isinstance(m[-1], str)]
        close = get_close_matches(location[-1], [str(m[-1]) for m in siblings], n=1)
        if close:
            typos[location] = (*location[:-1], close[0])
    return typos


_MESSAGES = {
    "extra_forbidden": "unknown field (check the spelling)",
    "missing": "required field is missing",
}


def _as_model_error(detail: Any) -> Any:
    """A pydantic error about a dataclass (the model's records) as pydantic words it for a
    model, the words these messages have always had."""
    if detail["type"] == "unexpected_keyword_argument":
        return {**detail, "type": "extra_forbidden"}
    if detail["type"] == "dataclass_type":
        return {**detail, "type": "model_type", "msg": "Input should be a valid dictionary or "
                f"instance of {detail['ctx']['class_name']}"}
    return detail


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


def load_pack(directory: Path, check_print: bool = False, language: str | None = None) -> Pack:
    """Load and validate the pack in ``directory``; UserError with every problem found.

    ``check_print``: also check that every text prints in the pack's font (this loads
    the font, so commands that print nothing skip it). ``language``: the pack's text in
    this language (see languages.py); None for the pack's own language. A pack whose files
    have not changed since it was last checked comes from the cache (generator/cache.py).
    """
    from .cache import cached_pack

    def load() -> Pack:
        pack, problems = check_pack(directory, check_print, language)
        if problems or pack is None:
            raise UserError.from_problems(problems)
        return pack

    return cached_pack(directory, check_print, language, load, _named_files)


def _named_files(pack: Pack) -> list[Path]:
    """The files a pack names (its font, its exercises' pictures), wherever they are."""
    named = [pack.font] + [exercise.image for exercise in pack.exercises]
    return [path for path in named if path is not None]


def check_pack(directory: Path, check_print: bool = False, language: str | None = None,
               ) -> tuple[Pack | None, list[Problem]]:
    """The validated pack (or None) and every problem found in it.

    A language the pack lacks is a UsageError naming the languages it has.
    """
    directory = directory.resolve()
    if not directory.is_dir():
        return None, [Problem("content pack folder not found", directory)]
    pack_doc, problems = read_yaml(directory / "pack.yaml")
    if pack_doc is None:
        return None, problems
    if not isinstance(pack_doc.data, dict):
        return None, [*problems, pack_doc.problem((), "expected a mapping of pack fields")]

    data = dict(pack_doc.data)
    folder = translation_folder(directory, str(data.get("language", "")), language)
    translation = _read_translation(folder / "pack.yaml", directory, problems) if folder else None
    if folder is not None and translation is not None:
        data = _overlaid(data, translation, folder, BASE_ONLY_PACK, OPTIONAL_PACK, problems,
                         BASE_ONLY_NESTED)
    exercise_docs: dict[int, YamlDocument] = {}
    base_docs: dict[int, YamlDocument] = {}  # a translated exercise's own file
    ids = data.get("exercises")
    if isinstance(ids, list):
        exercises: list[Any] = []
        for index, exercise_id in enumerate(ids):
            # The id becomes a file name: check it before it touches the disk.
            if not isinstance(exercise_id, str) or not re.fullmatch(EXERCISE_ID, exercise_id):
                problems.append(pack_doc.problem(
                    ("exercises", index), "expected an exercise id: lower-case words joined "
                    "by hyphens, e.g. knee-to-chest"))
                continue
            exercise_path = directory / "exercises" / f"{exercise_id}.yaml"
            if exercise_path.exists() and not is_inside(exercise_path, directory):
                problems.append(pack_doc.problem(
                    ("exercises", index), f"exercises/{exercise_id}.yaml {OUTSIDE_THE_PACK}"))
                continue
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
            exercise_data = _resolve_files(doc, directory, ("image",), problems)
            base_docs[len(exercises)] = doc
            if folder is not None:
                exercise_data, doc = _translated_exercise(exercise_data, doc, folder,
                                                          exercise_id, problems)
            exercise_docs[len(exercises)] = doc
            exercises.append(exercise_data)
        data["exercises"] = exercises
        if folder is not None:
            problems.extend(_stray_translations(folder / "exercises", ids, "exercise"))
    data = _resolve_files(YamlDocument(pack_doc.path, data, pack_doc.marks), directory,
                          ("font",), problems)

    assembled = YamlDocument(pack_doc.path, data, pack_doc.marks)

    def document_for(location: Location) -> tuple[YamlDocument, Location]:
        if len(location) >= 2 and location[0] == "exercises" and location[1] in exercise_docs:
            # The pose data, dose and picture come from the base file: placed there.
            docs = base_docs if location[2:3] and location[2] in BASE_ONLY_EXERCISE \
                else exercise_docs
            return docs[location[1]], location[2:]  # type: ignore[index]
        if translation is not None and location and location[0] in translation.data:
            return YamlDocument(translation.path, data, translation.marks), location
        return assembled, location

    from pydantic import ValidationError

    try:
        pack = Pack.model_validate(data)
    except ValidationError as error:
        return None, problems + validation_problems(error, document_for)
    total = sum(len(text) for _, text in _strings(data, ()))
    if total > MAX_PACK_TEXT:
        problems.append(pack_doc.problem((), f"the pack holds {total:,} characters of text; "
                                             f"the limit is {MAX_PACK_TEXT:,}"))
    if check_print and not problems:
        problems.extend(_print_problems(pack, data, document_for))
    return (None if problems else pack), problems


_NOT_PRINTED = {"figure", "image", "font", "id"}


def _print_problems(pack: Pack, data: Any,
                    document_for: Callable[[Location], tuple[YamlDocument, Location]],
                    ) -> list[Problem]:
    """Text in the pack that its font cannot print, each at its file and line."""
    from .fonts import register_fonts
    from .text_check import unprintable_texts

    try:
        fonts = register_fonts(pack.font)
    except UserError as error:
        document, location = document_for(("font",))
        return [document.problem(location, error.problems[0].message)]
    problems = []
    for location, message in unprintable_texts(_strings(data, ()), fonts):
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


def _read_translation(path: Path, pack_dir: Path, problems: list[Problem]) -> YamlDocument | None:
    """A translation file as a mapping, or None (with the problem noted)."""
    if not is_inside(path, pack_dir):
        problems.append(Problem(OUTSIDE_THE_PACK, path))
        return None
    doc, doc_problems = read_yaml(path)
    problems.extend(doc_problems)
    if doc is not None and not isinstance(doc.data, dict):
        problems.append(doc.problem((), "expected a mapping of translated fields"))
        return None
    return doc


def _overlaid(base: dict[str, Any], translation: YamlDocument, folder: Path,
              base_only: Sequence[str], optional: Sequence[str],
              problems: list[Problem],
              nested: Mapping[str, tuple[str, ...]] = MappingProxyType({})) -> dict[str, Any]:
    """The base's data with the translation's text laid over it; what the translation
    leaves out or must not repeat is a problem at its file and line. ``nested``: fields
    inside mappings and lists that only the base gives."""
    repeated = [(key,) for key in refused_fields(translation.data, base_only)]
    for location in [*repeated, *refused_nested(translation.data, nested)]:
        problems.append(translation.problem(location, "comes from the base pack and is the "
                                            "same in every language: remove it here"))
    from difflib import get_close_matches  # only when a pack is checked

    unknown = [str(key) for key in translation.data if key not in base]
    for location, message in missing_text(without_nested(base, nested), translation.data,
                                          skip=(*base_only, *optional)):
        close = get_close_matches(str(location[-1]), unknown, n=1) if len(location) == 1 else []
        hint = f"; is {close[0]!r} a misspelling?" if close else ""
        problems.append(translation.problem(location, message + hint))
    merged = with_base_nested({**base, **{key: value for key, value in translation.data.items()
                                          if key not in base_only}}, base, nested)
    if "language" in optional:
        tag = translation.data.get("language", folder.name)
        wrong = check_tag(folder, tag)
        if wrong:
            problems.append(translation.problem(("language",), wrong))
        merged["language"] = tag
    return merged


def _translated_exercise(base: Any, base_doc: YamlDocument, folder: Path, exercise_id: str,
                         problems: list[Problem]) -> tuple[Any, YamlDocument]:
    """An exercise with its translated text, and the file its text now comes from."""
    path = folder / "exercises" / f"{exercise_id}.yaml"
    if not path.is_file():
        problems.append(Problem(f"missing exercise text: no file {folder.name}/exercises/"
                                f"{exercise_id}.yaml (copy exercises/{exercise_id}.yaml and "
                                "translate its text)", path))
        return base, base_doc
    translation = _read_translation(path, folder.parent, problems)
    if translation is None or not isinstance(base, dict):
        return base, base_doc
    if translation.data.get("id", exercise_id) != exercise_id:
        problems.append(translation.problem(("id",), f"must be {exercise_id!r}, as the file name"))
    data = {key: value for key, value in translation.data.items() if key != "id"}
    merged = _overlaid(base, YamlDocument(path, data, translation.marks), folder,
                       BASE_ONLY_EXERCISE, ("id",), problems)
    # Errors in the merged exercise are placed in the translation (the text is its own);
    # the base-only fields keep their lines from the base file.
    marks = {**{key: mark for key, mark in base_doc.marks.items() if key[:1] != ()
                and key[0] in BASE_ONLY_EXERCISE}, **translation.marks}
    return merged, YamlDocument(path, merged, marks)


def _stray_translations(folder: Path, ids: Any, what: str) -> list[Problem]:
    """Translation files with no matching file in the base (a typo in the name)."""
    known = set(ids) if isinstance(ids, list) else set()
    return [Problem(f"no {what} {path.stem!r} in the base pack: rename or remove this file",
                    path) for path in sorted(folder.glob("*.yaml")) if path.stem not in known]


def _resolve_files(doc: YamlDocument, directory: Path, keys: Sequence[str],
                   problems: list[Problem]) -> Any:
    """The document's data with file fields made absolute; a missing file, or one outside
    the pack folder, is a problem (a shared pack must not read the rest of the disk)."""
    if not isinstance(doc.data, dict):
        return doc.data
    data = dict(doc.data)
    for key in keys:
        value = data.get(key)
        if isinstance(value, str):
            resolved = (directory / value).resolve()
            if not is_inside(resolved, directory):
                problems.append(doc.problem((key,), f"{value!r} lies outside the pack folder; "
                                                    "keep the file in the pack"))
            elif not resolved.is_file():
                problems.append(doc.problem((key,), f"file not found: {value}"))
            data[key] = resolved
    return data


def preset_files(directory: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The preset files of a pack folder by name, and a problem for each file whose name
    is not an id (it could not be chosen: ``validate`` and the web page report it)."""
    named: dict[str, Path] = {}
    misnamed = []
    for path in sorted((directory / "presets").glob("*.yaml")):
        if re.fullmatch(EXERCISE_ID, path.stem):
            named[path.stem] = path
        else:
            misnamed.append(Problem("a preset's file name is its name, and cannot be chosen "
                                    "as it is: use lower-case words joined by hyphens, e.g. "
                                    "back-pain.yaml", path))
    return named, misnamed


def preset_names(directory: Path) -> list[str]:
    """Names of the presets shipped in a pack folder (the files named as an id)."""
    return list(preset_files(directory)[0])


def find_preset(directory: Path, name_or_file: str) -> Path:
    """The preset file for a name in the pack's ``presets/`` or a path to a YAML file."""
    candidate = Path(name_or_file)
    if candidate.suffix in {".yaml", ".yml"} or len(candidate.parts) > 1:
        if not candidate.exists():
            raise UsageError("preset file not found", path=candidate)
        return candidate
    path = directory / "presets" / f"{name_or_file}.yaml"
    if path.exists() and not is_inside(path, directory):
        raise UserError(OUTSIDE_THE_PACK, path=path)
    if not re.fullmatch(EXERCISE_ID, name_or_file) or not path.exists():
        names = preset_names(directory)
        raise UsageError(f"unknown preset {shown(name_or_file)}; {_choices('presets', names)}",
                         field="--preset")
    return path


def preset_language(path: Path) -> str | None:
    """The ``language`` a preset file asks for, read before the pack is loaded (the pack's
    language depends on it); the preset is fully checked when it is loaded."""
    doc, _ = read_yaml(path)
    language = doc.data.get("language") if doc is not None and isinstance(doc.data, dict) else None
    return language if isinstance(language, str) else None


def check_preset_language(path: Path, directory: Path, language: str) -> None:
    """A UserError at the preset's ``language:`` line when the pack has no text in it
    (it was reported as ``--lang``, an option nobody had typed)."""
    pack_doc, _ = read_yaml(directory / "pack.yaml")
    base = pack_doc.data.get("language", "") if pack_doc is not None and isinstance(
        pack_doc.data, dict) else ""
    try:
        translation_folder(directory, str(base), language)
    except UsageError as error:
        doc, _ = read_yaml(path)
        assert doc is not None  # preset_language read it
        raise UserError.from_problems([doc.problem(("language",), error.problems[0].message)]
                                      ) from None


def load_preset(path: Path, pack: Pack) -> Preset:
    """Load a preset and check that every exercise it names is in the pack. A preset whose
    files have not changed since it was last checked against this pack's ids and language
    comes from the cache (generator/cache.py)."""
    from .cache import cached_checked

    def load() -> Preset:
        preset, problems = check_preset(path, pack)
        if problems or preset is None:
            raise UserError.from_problems(problems)
        return preset

    translation = _preset_translation(path, pack)
    files = [path, *([translation] if translation is not None else [])]
    checked_against = f"{path.resolve()}\n{translation}\n{pack.language}\n{pack.exercise_ids}"
    return cached_checked("presets", checked_against, files, load)


def check_preset(path: Path, pack: Pack) -> tuple[Preset | None, list[Problem]]:
    """The validated preset (or None) and every problem found in it.

    A preset shipped in a pack is read with its translation into the pack's language.
    """
    doc, problems = read_yaml(path)
    if doc is None:
        return None, problems
    doc = _translated_preset(doc, path, pack, problems)
    from pydantic import ValidationError

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
        elif isinstance(entry, PresetExercise):
            unprintable = pack.exercise(exercise_id).dose.merged(entry.changes()).unprintable()
            if unprintable is not None:
                field, why = unprintable
                given = field if field in entry.changes() else "id"
                problems.append(doc.problem(("exercises", index, given),
                                            f"with the pack's dose of {exercise_id}: {why}"))
    problems += _preset_print_problems(doc, pack)
    return (None if problems else preset), problems


def _preset_print_problems(doc: YamlDocument, pack: Pack) -> list[Problem]:
    """The preset's text that the pack's font cannot print, at its line: validate passed
    notes of only invisible marks, which a build then refused naming no file."""
    from .fonts import register_fonts
    from .text_check import unprintable_texts

    fonts = register_fonts(pack.font)  # the pack is loaded: its font registers
    return [doc.problem(location, message)
            for location, message in unprintable_texts(_strings(doc.data, ()), fonts)]


def _translated_preset(doc: YamlDocument, path: Path, pack: Pack,
                       problems: list[Problem]) -> YamlDocument:
    """The preset with its text from the pack's translation folder, when it has one."""
    translated = _preset_translation(path, pack)
    if translated is None or not isinstance(doc.data, dict):
        return doc
    if not translated.is_file():
        problems.append(Problem(f"missing preset text: no file {translated.parent.parent.name}"
                                f"/presets/{path.name} (copy presets/{path.name} and translate "
                                "its name, description and notes)", translated))
        return doc
    translation = _read_translation(translated, path.parent.parent, problems)
    if translation is None:
        return doc
    folder = translated.parent.parent
    base = dict(doc.data)
    notes = [{"id": entry.get("id"), "note": entry["note"]} for entry in base.get("exercises", [])
             if isinstance(entry, dict) and "note" in entry]
    text_base = {key: value for key, value in base.items() if key not in ("exercises",)}
    if notes:
        text_base["exercises"] = notes
    merged = _overlaid(text_base, translation, folder, BASE_ONLY_PRESET, (), problems)
    # A null would drop the base's text in this language only (the preset's notes, a
    # warning in an exercise's note): a translation gives text where the base does.
    empty = "is empty, but the base preset has text here: translate it"
    for key, value in translation.data.items():
        if value is None and text_base.get(key) is not None:
            problems.append(translation.problem((key,), empty))
    base_notes = {entry["id"]: entry["note"] for entry in notes if isinstance(entry.get("id"), str)}
    entries = translation.data.get("exercises") or []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        for key in (entry if isinstance(entry, dict) else {}):
            if key not in ("id", "note"):
                problems.append(translation.problem(("exercises", index, key), (
                    "comes from the base preset and is the same in every language: "
                    "remove it here")))
            elif key == "note" and entry["note"] is None \
                    and base_notes.get(entry.get("id")) is not None:
                problems.append(translation.problem(("exercises", index, "note"), empty))
    translated_notes = {entry.get("id"): entry.get("note")
                        for entry in entries if isinstance(entry, dict)}
    merged["exercises"] = [
        {**entry, "note": translated_notes.get(entry.get("id"), entry["note"])}
        if isinstance(entry, dict) and "note" in entry else entry
        for entry in base.get("exercises", [])]
    return YamlDocument(translated, merged, {**doc.marks, **translation.marks})


def _preset_translation(path: Path, pack: Pack) -> Path | None:
    """Where a pack's own preset has its text in the pack's language (the file may be
    missing: a problem), or None when it is read as it is."""
    directory = path.parent.parent
    folders = [directory / code for code in dict.fromkeys((pack.language, primary(pack.language)))
               if has_translation(directory / code)]
    if path.parent.name != "presets" or not folders:
        return None
    return folders[0] / "presets" / path.name


def unknown_id_message(exercise_id: str, pack: Pack) -> str:
    """'unknown exercise id' with the nearest valid id, for any place an id is typed."""
    from difflib import get_close_matches  # only when an id is wrong

    close = get_close_matches(exercise_id, pack.exercise_ids, n=1, cutoff=0.4)
    hint = f"did you mean {close[0]!r}?" if close else _choices("ids", pack.exercise_ids)
    return f"unknown exercise id {shown(exercise_id)}; {hint}"


def _choices(what: str, names: Sequence[str]) -> str:
    return f"valid {what}: {', '.join(names)}" if names else f"there are no {what}"


def unlisted_exercises(directory: Path) -> list[str]:
    """Exercise files in the pack folder that pack.yaml does not list (they are not
    printed: a clinic that adds one and forgets the list should hear of it)."""
    document, _ = read_yaml(directory / "pack.yaml")
    data = document.data if document is not None else None
    ids = data.get("exercises") if isinstance(data, dict) else None
    if not isinstance(ids, list):
        return []  # the pack's own problems say what is wrong
    listed = {i for i in ids if isinstance(i, str)}
    return [f"{path}: not listed under 'exercises:' in pack.yaml, so it is not printed"
            for path in sorted((directory / "exercises").glob("*.yaml"))
            if path.stem not in listed]


def check_all(directory: Path, language: str | None = None) -> list[Problem]:
    """Every problem in a pack and all of its presets (for ``handout validate``), in the
    pack's own language or in ``language``."""
    pack, problems = check_pack(directory, check_print=True, language=language)
    if pack is not None:
        named, misnamed = preset_files(directory)
        problems.extend(misnamed)
        for path in named.values():
            if not is_inside(path, directory):
                problems.append(Problem(OUTSIDE_THE_PACK, path))
                continue
            problems.extend(check_preset(path, pack)[1])
    return problems
