"""The ``handout`` process: start-up and exit tuned for one short run of the command line.

Two things a short-lived command pays for and does not need:

- the cyclic garbage collector running over and over while a few hundred modules import
  (their objects all live until the process ends): it is off for the whole run, and
  ``handout batch``, a long run, turns it back on;
- the interpreter's teardown, which frees every object one by one: once the command has
  finished (its output written, closed and renamed into place), stdout and stderr are
  flushed and the process ends with the command's exit code.

Only the command line comes through here; ``build()`` and the other library functions a
web server calls leave the garbage collector and the interpreter alone.
"""

from __future__ import annotations

import gc
import os
import sys


def run() -> None:
    """Run the ``handout`` command line, then exit without teardown."""
    gc.disable()
    from .cli import main

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
