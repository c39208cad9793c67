"""Jinja2: the templates that decide the handout's structure and fixed wording.

A user's ``--templates DIR`` overrides the bundled templates file by file. Autoescape is
on for every template (the story is XML and ReportLab paragraph markup), and a misspelt
variable is an error, not a blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
import yaml

from .errors import Problem, UserError
from .i18n import Entry, Translator, plural_categories
from .resources import bundled

STORY_TEMPLATE = "handout.xml.j2"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


@dataclass(frozen=True)
class Message:
    """A fixed message and where it is printed from."""

    text: str
    plural: bool
    path: Path
    line: int


def python_messages() -> list[Message]:
    """The messages the package's Python code passes to ``gettext`` and ``ngettext``."""
    import ast

    found = []
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("gettext", "ngettext") and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.append(Message(node.args[0].value, node.func.attr == "ngettext",
                                     path, node.lineno))
    return found


class Templates:
    """The template folders in override order, with the Jinja environment over them."""

    def __init__(self, user_dir: Path | None = None) -> None:
        if user_dir is not None and not user_dir.is_dir():
            raise UserError("templates folder not found", path=user_dir)
        self.folders: tuple[Path, ...] = tuple(
            folder for folder in (user_dir, bundled("templates")) if folder is not None)
        self.environment = jinja2.Environment(
            loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(f)) for f in self.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def find(self, name: str) -> Path | None:
        """The first folder's copy of a non-template file (styles, messages), if any."""
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        return None

    def read_yaml(self, name: str) -> Any:
        """A YAML data file from the template folders (first one wins)."""
        path = self.find(name)
        if path is None:
            return None
        try:
            return yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise UserError(f"cannot read: {error}", path=path) from None

    def translator(self, language: str) -> Translator:
        """The translator for a language ('sv-SE'), from ``messages/sv-SE.yaml`` or
        ``messages/sv.yaml`` if there is one; a catalog with a bad entry is a UserError."""
        catalog, problems = self.catalog(language)
        if problems:
            raise UserError.from_problems(problems)
        return Translator(language, catalog)

    def catalog_path(self, language: str) -> Path | None:
        """The first ``messages/<tag>.yaml`` or ``messages/<language>.yaml`` found."""
        for code in dict.fromkeys((language, language.split("-")[0])):
            path = self.find(f"messages/{code}.yaml")
            if path is not None:
                return path
        return None

    def catalog(self, language: str) -> tuple[dict[str, Entry], list[Problem]]:
        """A language's catalog and every problem in it, each at its file and line."""
        from .loading import read_yaml

        path = self.catalog_path(language)
        if path is None:
            return {}, []
        doc, problems = read_yaml(path)
        if doc is None or doc.data is None:
            return {}, problems
        if not isinstance(doc.data, dict):
            return {}, [*problems, doc.problem((), "expected a mapping of English text to "
                                               "translation")]
        categories = plural_categories(language)
        catalog: dict[str, Entry] = {}
        for key, value in doc.data.items():
            key = str(key)
            forms = value if isinstance(value, dict) else {"": value}
            if isinstance(value, dict):
                missing = sorted(categories - {str(k) for k in value})
                extra = sorted({str(k) for k in value} - categories)
                if missing or extra:
                    problems.append(doc.problem((key,), (
                        f"a plural message needs the forms {sorted(categories)} of "
                        f"{language!r} (CLDR)" + (f"; missing {missing}" if missing else "")
                        + (f"; not used: {extra}" if extra else ""))))
            for form, text in forms.items():
                location = (key, form) if form else (key,)
                if not isinstance(text, str):
                    problems.append(doc.problem(location, "expected the translated text"))
                elif _placeholders(key) != _placeholders(text):
                    problems.append(doc.problem(location, (
                        f"the translation must use the placeholders "
                        f"{sorted(_placeholders(key))}, not {sorted(_placeholders(text))}")))
            catalog[key] = ({str(k): str(v) for k, v in value.items()}
                            if isinstance(value, dict) else str(value))
        return catalog, problems

    def messages(self) -> list[Message]:
        """Every fixed message the templates and the Python code print, where it is used."""
        found: list[Message] = []
        for name in sorted(self.environment.list_templates(extensions=["j2"])):
            source, filename, _ = self.environment.loader.get_source(self.environment, name)
            try:
                tree = self.environment.parse(source)
            except jinja2.TemplateSyntaxError:
                continue  # reported when the template is rendered
            for line, function, text in jinja2.ext.extract_from_ast(
                    tree, gettext_functions=("_", "ngettext")):
                singular = text[0] if isinstance(text, tuple) else text
                if isinstance(singular, str):
                    found.append(Message(singular, function == "ngettext",
                                         Path(filename or name), line))
        found.extend(python_messages())
        return found

    def untranslated(self, language: str) -> list[Problem]:
        """Each message the language's catalog lacks, at the place it is used."""
        catalog, problems = self.catalog(language)
        path = self.catalog_path(language)
        target = path.name if path else f"messages/{language.split('-')[0]}.yaml"
        seen: set[str] = set()
        for message in self.messages():
            entry = catalog.get(message.text)
            if message.text in seen:
                continue
            if entry is None:
                seen.add(message.text)
                problems.append(Problem(f"untranslated message {message.text!r}: add it to "
                                        f"{target}", message.path, message.line))
            elif message.plural and not isinstance(entry, dict):
                seen.add(message.text)
                problems.append(Problem(f"{message.text!r} has a count: give its plural forms "
                                        f"{sorted(plural_categories(language))} in {target}",
                                        message.path, message.line))
        return problems

    def render(self, name: str, context: dict[str, Any], translator: Translator) -> str:
        """Render one template; template mistakes become user errors with file and line."""
        # The translation hook is passed per render, so one environment serves every language.
        hooks = {"_": translator.gettext, "ngettext": translator.ngettext}
        try:
            return self.environment.get_template(name).render({**context, **hooks})
        except jinja2.TemplateSyntaxError as error:
            raise UserError(f"template syntax: {error.message}",
                            path=Path(error.filename or name), line=error.lineno) from None
        except jinja2.UndefinedError as error:
            path, line = _template_position(error, name)
            raise UserError(f"template error: {error.message}", path=path, line=line) from None
        except jinja2.TemplateNotFound as error:
            raise UserError(f"template not found: {error.name}", path=Path(name)) from None


def _template_position(error: BaseException, name: str) -> tuple[Path, int | None]:
    """The template file and line an error was raised in (Jinja keeps them in the traceback)."""
    position: tuple[Path, int | None] = (Path(name), None)
    traceback = error.__traceback__
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            position = (Path(filename), traceback.tb_lineno)
        traceback = traceback.tb_next
    return position
