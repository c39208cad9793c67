"""The ``handout`` process: start-up and exit tuned for the short commands.

A command that makes one file or prints and ends (``build``, ``list``, ``sections``,
``validate``, ``schema``, ``figures``, and ``--help``) pays for two things it does not need:

- the cyclic garbage collector running over and over while a few hundred modules import
  (their objects all live until the process ends): it stays off for the whole command;
- the interpreter's teardown, which frees every object one by one: once the command has
  finished (its output written, closed and renamed into place), stdout and stderr are
  flushed and the process ends with the command's exit code.

Long runs (``batch``, and any command not named here, such as a server) start and end as
usual, with the collector on. Only the command line comes through here: ``build()`` and
the other library functions a web server calls leave the collector and the interpreter alone.

``handout --help`` (or ``-h``) alone prints Click's text without importing Click, when the
text for this terminal's width is stored below: importing Click was most of its time.
tests/test_entry.py checks the stored text against Click's at each width, so a changed
command or help line fails the tests until it is copied here. Click prints it when shell
completion asks (``_HANDOUT_COMPLETE`` set) or stdout is closed or broken.
"""

from __future__ import annotations

import gc
import os
import sys

COMPLETE_VARIABLE = "_HANDOUT_COMPLETE"  # Click's shell completion for the program 'handout'
SHORT_COMMANDS = frozenset({"build", "list", "sections", "validate", "schema", "figures",
                            "--help", "-h", "--version"})


# Click's ``handout --help`` by the width its formatter uses (the terminal's columns - 2,
# at most 100 - 2): 78 for an 80-column terminal or output that is not a terminal.
_HEAD = """\
Usage: handout [OPTIONS] COMMAND [ARGS]...

  Print illustrated exercise handouts for patients with sciatica.

Options:
  --version   Show the version and exit.
  -h, --help  Show this message and exit.

Commands:
  batch     Build one handout per row of a CSV file (a clinic's day list).
  build     Build a handout PDF and print its path.
  figures   Draw every exercise's figure large on a review sheet.
  list      List the pack's exercises: id, name and kind, one a line.
"""
TOP_HELP = {
    78: _HEAD + """\
  schema    Print the JSON Schema of a pack's file (for editors that...
  sections  List the handout's sections and which of them --omit can...
  serve     Start a local web page for making handouts (needs the 'serve'...
  validate  Check a content pack and its presets (and a template folder's...
""",
    98: _HEAD + """\
  schema    Print the JSON Schema of a pack's file (for editors that check YAML as you type).
  sections  List the handout's sections and which of them --omit can leave out.
  serve     Start a local web page for making handouts (needs the 'serve' extra).
  validate  Check a content pack and its presets (and a template folder's styles and...
""",
}


def stored_help() -> str | None:
    """What Click would print for ``handout --help`` here, if it is stored; else None.

    The width is Click's: ``shutil.get_terminal_size()``'s columns (``$COLUMNS``, else the
    terminal on stdout, else 80) less 2, at most 98. The program's name must be the one
    Click would print: ``handout``, run as a script, not ``python -m generator``.
    """
    if (os.path.basename(sys.argv[0]) != "handout"
            or getattr(sys.modules.get("__main__"), "__package__", None) not in (None, "")):
        return None
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return TOP_HELP.get(max(min(columns, 100) - 2, 50))


def run() -> None:
    """Run the ``handout`` command line; a short command exits without teardown."""
    if (sys.argv[1:] in (["--help"], ["-h"]) and sys.stdout is not None
            and COMPLETE_VARIABLE not in os.environ):
        text = stored_help()
        if text is not None:
            try:
                sys.stdout.write(text)
                sys.stdout.flush()
            except (OSError, ValueError):
                pass  # a broken pipe: Click's own path reports it as before
            else:
                os._exit(0)
    short = len(sys.argv) < 2 or sys.argv[1] in SHORT_COMMANDS
    if short:
        gc.disable()
    from .cli import main

    if not short:
        main()
        return
    try:
        main()  # Click's standalone mode always ends in SystemExit
    except SystemExit as finished:
        code = finished.code
        if code is not None and not isinstance(code, int):
            raise  # a message to print: the interpreter's own exit prints it
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # None: started with that descriptor closed
                    stream.flush()
        except (OSError, ValueError):
            raise finished from None  # a closed or broken pipe: exit the usual way
        os._exit(code or 0)
