"""Jinja2: the templates that decide the handout's structure and fixed wording.

A user's ``--templates DIR`` overrides the bundled templates file by file. Autoescape is
on for every template (the story is XML and ReportLab paragraph markup), and a misspelt
variable is an error, not a blank.

A template folder may come from anyone, so it is data, not code: templates render in a
bounded sandbox (``sandbox.py``), files are read only from inside their folder and only
if they are regular files, and a template that fails, recurses or runs away with its
output is a clean error naming its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from .errors import Problem, UserError
from .files import is_inside, read_bytes
from .i18n import Translator
from .limits import MAX_STORY_CHARS, MAX_TEMPLATE_BYTES
from .resources import bundled
from .sandbox import BoundedSandbox, TemplateLimit, end_work_budget, start_work_budget
from .yaml_files import YamlDocument, read_yaml

STORY_TEMPLATE = "handout.xml.j2"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _placeholders(text: str) -> list[str]:
    """The ``%(name)s`` placeholders in order (``%%`` is a literal percent sign)."""
    return [name for name in _PLACEHOLDER.findall(text) if name]


def _stray_percent(text: str) -> bool:
    """A ``%`` that is neither a placeholder nor ``%%`` (it would break formatting)."""
    return "%" in _PLACEHOLDER.sub("", text)


class _FolderLoader(jinja2.BaseLoader):
    """Templates from the folders in order; only regular files inside their folder."""

    def __init__(self, folders: tuple[Path, ...]) -> None:
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str,
                   ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)  # refuses ".." and the like
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            if not path.exists():
                continue
            if not is_inside(path, folder):
                raise UserError("lies outside its template folder (a symbolic link?)", path=path)
            try:
                source = read_bytes(path, MAX_TEMPLATE_BYTES, "template").decode("utf-8")
            except UnicodeDecodeError as error:
                raise UserError(f"not UTF-8 text (byte {error.start})", path=path) from None
            return source, str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


class _RunawayOutput(Exception):
    """Thrown into a template that writes more than MAX_STORY_CHARS."""


class Templates:
    """The template folders in override order, with the Jinja environment over them."""

    def __init__(self, user_dir: Path | None = None) -> None:
        if user_dir is not None and not user_dir.is_dir():
            raise UserError("templates folder not found", path=user_dir)
        self.folders: tuple[Path, ...] = tuple(
            folder for folder in (user_dir, bundled("templates")) if folder is not None)
        self.environment = BoundedSandbox(
            loader=_FolderLoader(self.folders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def find(self, name: str) -> Path | None:
        """The first folder's copy of a non-template file (styles, messages), if any."""
        for folder in self.folders:
            path = folder / name
            if path.exists() or path.is_symlink():  # not is_file(): a FIFO must not be skipped
                return path
        return None

    def read_document(self, name: str) -> YamlDocument | None:
        """A YAML data file from the template folders (first one wins), with its positions."""
        path = self.find(name)
        if path is None:
            return None
        if not any(is_inside(path, folder) for folder in self.folders):
            raise UserError("lies outside its template folder (a symbolic link?)", path=path)
        document, problems = read_yaml(path)
        if document is None or problems:
            raise UserError.from_problems(problems)
        return document

    def read_yaml(self, name: str) -> Any:
        """A YAML data file's data from the template folders (first one wins)."""
        document = self.read_document(name)
        return document.data if document else None

    def translator(self, language: str) -> Translator:
        """The translator for a language, from ``messages/<language>.yaml`` if there is one.

        Each translation must hold exactly the English text's placeholders, in the same
        order (the page footer splits its label at them), and no stray ``%``.
        """
        document = self.read_document(f"messages/{language}.yaml")
        catalog = document.data if document else None
        if document is None or catalog is None:
            return Translator(language)
        if not isinstance(catalog, dict):
            raise UserError("expected a mapping of English text to translation",
                            path=document.path)
        problems = []
        for key, value in catalog.items():
            if not isinstance(value, str):
                problems.append(document.problem((key,), "expected text"))
            elif _placeholders(str(key)) != _placeholders(value):
                problems.append(document.problem(
                    (key,), f"the translation must use the placeholders "
                            f"{_placeholders(str(key))}, not {_placeholders(value)} (each as "
                            "often as the English text, in its order)"))
            elif _stray_percent(value):
                problems.append(document.problem(
                    (key,), "a % that is not a placeholder; write a percent sign as %%"))
        if problems:
            raise UserError.from_problems(problems)
        return Translator(language, {str(k): v for k, v in catalog.items()})

    def render(self, name: str, context: dict[str, Any], translator: Translator) -> str:
        """Render one template; template mistakes become user errors with file and line."""
        # The translation hook is passed per render, so one environment serves every language.
        hooks = {"_": translator.gettext, "ngettext": translator.ngettext}
        budget = start_work_budget()
        try:
            return _bounded(self.environment.get_template(name).generate({**context, **hooks}),
                            name)
        except jinja2.TemplateSyntaxError as error:
            raise UserError(f"template syntax: {error.message}",
                            path=Path(error.filename or name), line=error.lineno) from None
        except jinja2.UndefinedError as error:
            path, line = _template_position(error, name)
            raise UserError(f"template error: {error.message}", path=path, line=line) from None
        except jinja2.TemplateNotFound as error:
            raise UserError(f"template not found: {error.name}", path=Path(name)) from None
        except TemplateLimit as error:
            path, line = _template_position(error, name)
            raise UserError(f"template error: {error}", path=path, line=line) from None
        except _RunawayOutput as error:
            path, line = _template_position(error, name)
            raise UserError(f"template error: the templates wrote more than "
                            f"{MAX_STORY_CHARS:,} characters (a runaway loop?)",
                            path=path, line=line) from None
        except UserError:
            raise
        except Exception as error:
            if not _raised_in_template(error):
                raise  # a bug in our own code keeps its traceback
            path, line = _template_position(error, name)
            what = ("it includes or calls itself without end"
                    if isinstance(error, RecursionError) else str(error) or type(error).__name__)
            raise UserError(f"template error: {what}", path=path, line=line) from None
        finally:
            end_work_budget(budget)


def _bounded(pieces: Any, name: str) -> str:
    """The rendered pieces joined; a runaway template is stopped where it is."""
    kept: list[str] = []
    size = 0
    for piece in pieces:
        size += len(piece)
        if size > MAX_STORY_CHARS:
            # Thrown in, the error gets the template's file and line from Jinja.
            pieces.throw(_RunawayOutput())
        kept.append(piece)
    return "".join(kept)


def _raised_in_template(error: BaseException) -> bool:
    """Whether the innermost frame of the error is a template's or Jinja's own."""
    traceback = error.__traceback__
    innermost = None
    while traceback is not None:
        innermost = traceback.tb_frame.f_code.co_filename
        traceback = traceback.tb_next
    if innermost is None:
        return False
    if isinstance(error, RecursionError):
        return True  # only templates recurse: an include of itself, a macro calling itself
    return innermost.endswith(".j2") or "jinja2" in Path(innermost).parts


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
