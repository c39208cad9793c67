"""Jinja2: the templates that decide the handout's structure and fixed wording.

A user's ``--templates DIR`` overrides the bundled templates file by file. Autoescape is
on for every template (the story is XML and ReportLab paragraph markup), and a misspelt
variable is an error, not a blank.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
import yaml

from .cache import template_bytecode_cache
from .errors import Problem, UserError
from .i18n import Translator
from .resources import bundled

STORY_TEMPLATE = "handout.xml.j2"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


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
            bytecode_cache=template_bytecode_cache(),  # compiled once per template text
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
            # libyaml's loader when there is one: the same data, a twentieth of the time
            return yaml.load(path.read_text(encoding="utf-8"),
                             Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise UserError(f"cannot read: {error}", path=path) from None

    def translator(self, language: str) -> Translator:
        """The translator for a language, from ``messages/<language>.yaml`` if there is one."""
        path = self.find(f"messages/{language}.yaml")
        catalog = self.read_yaml(f"messages/{language}.yaml") or {}
        if not isinstance(catalog, dict):
            raise UserError("expected a mapping of English text to translation", path=path)
        problems = [
            Problem(f"the translation must use the placeholders {sorted(_placeholders(key))}, "
                    f"not {sorted(_placeholders(value))}", path=path, field=str(key))
            for key, value in catalog.items()
            if _placeholders(str(key)) != _placeholders(str(value))]
        if problems:
            raise UserError.from_problems(problems)
        return Translator(language, {str(k): str(v) for k, v in catalog.items()})

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
