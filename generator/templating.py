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

from .cache import cached_checked, template_bytecode_cache
from .errors import Problem, UserError
from .files import is_inside, read_bytes
from .i18n import Entry, Translator, plural_categories
from .limits import MAX_STORY_CHARS, MAX_TEMPLATE_BYTES
from .resources import bundled
from .rules import Frozen, frozen
from .sandbox import BoundedSandbox, TemplateLimit, end_work_budget, start_work_budget
from .text_check import has_visible_text
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

    def list_templates(self) -> list[str]:
        """Every template name the folders hold (for finding the messages to translate)."""
        return sorted({path.relative_to(folder).as_posix() for folder in self.folders
                       for path in folder.rglob("*") if path.is_file()})


class _RunawayOutput(Exception):
    """Thrown into a template that writes more than MAX_STORY_CHARS."""


@frozen
class Message(Frozen):
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
            # tr.gettext("..."), or _("...") where _ is a translator's gettext (figures/review.py)
            if (isinstance(node, ast.Call) and node.args
                    and ((isinstance(node.func, ast.Attribute)
                          and node.func.attr in ("gettext", "ngettext"))
                         or (isinstance(node.func, ast.Name) and node.func.id == "_"))
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.append(Message(node.args[0].value,
                                     getattr(node.func, "attr", "") == "ngettext",
                                     path, node.lineno))
    return found


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
            bytecode_cache=template_bytecode_cache(),  # compiled once per template text
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

    def read_styles(self) -> dict[str, Any]:
        """``styles.yaml``: the bundled file with the user's (if any) deep-merged over it, so
        a clinic changes one colour without copying the file. Both are read with the packs'
        YAML reader: a mistake is reported with its file, line and key. Styles that were
        checked before come from the disk cache while both files hash the same."""
        files = []
        for folder in reversed(self.folders):  # bundled first, the user's over it
            path = folder / "styles.yaml"
            if not path.exists():
                continue
            if not is_inside(path, folder):
                raise UserError("lies outside its template folder (a symbolic link?)", path=path)
            files.append(path)
        return cached_checked("styles", "\n".join(map(str, files)), files,
                              lambda: _checked_styles(files))

    def translator(self, language: str) -> Translator:
        """The translator for a language ('sv-SE'), from ``messages/sv-SE.yaml`` or
        ``messages/sv.yaml`` if there is one; a catalog with a bad entry is a UserError."""
        catalog, problems = self.catalog(language)
        if problems:
            raise UserError.from_problems(problems)
        return Translator(language, catalog)

    def catalog_paths(self, language: str) -> list[Path]:
        """Each folder's ``messages/<tag>.yaml`` or else ``messages/<language>.yaml``, the
        user's folder first."""
        paths = []
        for folder in self.folders:
            for code in dict.fromkeys((language, language.split("-")[0])):
                path = folder / "messages" / f"{code}.yaml"
                if path.exists() or path.is_symlink():  # as find(): a FIFO is not skipped
                    paths.append(path)
                    break
        return paths

    def catalog_path(self, language: str) -> Path | None:
        """The first ``messages/<tag>.yaml`` or ``messages/<language>.yaml`` found."""
        paths = self.catalog_paths(language)
        return paths[0] if paths else None

    def catalog(self, language: str) -> tuple[dict[str, Entry], list[Problem]]:
        """A language's catalog and every problem in it, each at its file and line: a
        folder's file over the bundled one, message by message, as styles.yaml is (a file of
        one changed sentence left every other Swedish heading in English, "Get help
        urgently" among them)."""
        catalog: dict[str, Entry] = {}
        problems: list[Problem] = []
        for path in reversed(self.catalog_paths(language)):
            entries, found = self._catalog_file(path, language)
            catalog.update(entries)
            problems += found
        return catalog, problems

    def _catalog_file(self, path: Path, language: str) -> tuple[dict[str, Entry], list[Problem]]:
        """One catalog file's entries and problems."""
        if not any(is_inside(path, folder) for folder in self.folders):
            return {}, [Problem("lies outside its template folder (a symbolic link?)", path)]
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
                elif not has_visible_text(text):
                    problems.append(doc.problem(location, "the translation is empty or "
                                                "invisible: it would print as a blank"))
                elif _placeholders(key) != _placeholders(text):
                    problems.append(doc.problem(location, (
                        f"the translation must use the placeholders {_placeholders(key)}, not "
                        f"{_placeholders(text)} (each as often as the English text, in its "
                        "order)")))
                elif (isinstance(value, dict) or _placeholders(key)) and _stray_percent(text):
                    # Filled in with % formatting: a percent sign is written %%.
                    problems.append(doc.problem(
                        location, "a % that is not a placeholder; write a percent sign as %%"))
                elif not isinstance(value, dict) and not _placeholders(key) and "%%" in text:
                    # Printed as it is (nothing to fill in): %% would print as two.
                    problems.append(doc.problem(
                        location, "%% prints as two percent signs here (the message has no "
                                  "placeholders): write one %"))
            catalog[key] = ({str(k): str(v) for k, v in value.items()}
                            if isinstance(value, dict) else str(value))
        return catalog, problems

    def messages(self) -> list[Message]:
        """Every fixed message the templates and the Python code print, where it is used."""
        import jinja2.ext  # only here: a build does not need it (nor the pprint it imports)

        found: list[Message] = []
        for name in sorted(self.environment.list_templates(extensions=["j2"])):
            source, filename, _ = self.environment.loader.get_source(self.environment, name)
            try:
                tree = self.environment.parse(source)
            except (jinja2.TemplateSyntaxError, RecursionError):
                continue  # reported by compile_problems
            for line, function, text in jinja2.ext.extract_from_ast(
                    tree, gettext_functions=("_", "ngettext")):
                singular = text[0] if isinstance(text, tuple) else text
                if isinstance(singular, str):
                    found.append(Message(singular, function == "ngettext",
                                         Path(filename or name), line))
        found.extend(python_messages())
        return found

    def compile_problems(self) -> list[Problem]:
        """Each template that does not compile, at its own file: a syntax mistake, or
        nesting too deep to compile (brackets or blocks inside each other). ``validate``
        reports them; a build that meets one names the template, not the one including it."""
        problems: list[Problem] = []
        for name in sorted(self.environment.list_templates(extensions=["j2"])):
            try:
                self.environment.get_template(name)
            except jinja2.TemplateSyntaxError as error:
                problems.append(Problem(f"template syntax: {error.message}",
                                        Path(error.filename or name), error.lineno))
            except (RecursionError, SyntaxError):  # Jinja's parser, or Python compiling its code
                source_path = self.environment.loader.get_source(self.environment, name)[1]
                problems.append(Problem(
                    "template error: nested too deeply (brackets, ifs or loops inside each "
                    "other) to compile: take some of the nesting out", Path(source_path or name)))
        return problems

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
        except jinja2.exceptions.SecurityError as error:
            # Raised wherever the sandbox is asked, e.g. in markupsafe printing a value.
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
            if isinstance(error, (RecursionError, SyntaxError)):  # one may not compile at all
                uncompiled = self.compile_problems()
                if uncompiled:
                    raise UserError.from_problems(uncompiled) from None
            path, line = _template_position(error, name)
            what = ("it includes or calls itself without end"
                    if isinstance(error, RecursionError) else _describe(error))
            raise UserError(f"template error: {what}", path=path, line=line) from None
        finally:
            end_work_budget(budget)


def _checked_styles(files: list[Path]) -> dict[str, Any]:
    """The styles files read, each number checked, merged in order and checked as a whole."""
    from .fonts import FontFamily
    from .layout.style_check import deep_merge, style_problems
    from .layout.styles import check_style_values, make_styles

    documents = []
    for path in files:
        document, problems = read_yaml(path)
        if problems:
            raise UserError.from_problems(problems)
        assert document is not None
        if not isinstance(document.data, dict):
            raise UserError("expected a mapping of style sections", path=path)
        problems = check_style_values(document)  # every number finite and in range
        if problems:
            raise UserError.from_problems(problems)
        documents.append(document)
    merged: dict[str, Any] = {}
    for document in documents:
        merged = deep_merge(merged, document.data)
    problems = []
    # The first file is the bundled one: its sections and settings are the ones there are.
    for location, message in style_problems(merged, documents[0].data):
        # Placed in the last file that sets the key (the user's, when it does).
        where = next((d for d in reversed(documents)
                      if _has(d.data, location)), documents[-1])
        problems.append(where.problem(location, message))
    if problems:
        raise UserError.from_problems(problems)
    # Large print's own values are checked here, once for the stored styles; the normal
    # size, with the pack's language and fonts, is made (and checked) by Resources.load.
    try:
        make_styles(merged, FontFamily("Helvetica", "Helvetica-Bold"), True)
    except UserError as error:
        raise UserError(str(error), path=files[-1]) from None
    return merged


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


def _describe(error: BaseException) -> str:
    """An error's message, with its kind where the message alone says nothing ("0")."""
    message = str(error)
    if isinstance(error, LookupError) or not message:
        return f"{type(error).__name__}: {message}" if message else type(error).__name__
    return message


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


def _has(data: Any, location: tuple[str | int, ...]) -> bool:
    for key in location:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


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
