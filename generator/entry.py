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
"""

from __future__ import annotations

import gc
import os
import sys

SHORT_COMMANDS = frozenset({"build", "list", "sections", "validate", "schema", "figures",
                            "--help", "-h", "--version"})


def run() -> None:
    """Run the ``handout`` command line; a short command exits without teardown."""
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
            sys.stdout.flush()
            sys.stderr.flush()
        except (OSError, ValueError):
            raise finished from None  # a closed or broken pipe: exit the usual way
        os._exit(code or 0)
