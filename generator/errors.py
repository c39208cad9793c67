"""User errors: mistakes in input that get a clean message, never a traceback.

Anything that is not a :class:`UserError` is a bug and keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .rules import Frozen, frozen


@frozen
class Problem(Frozen):
    """One thing wrong with the input, located as precisely as we know."""

    message: str
    path: Path | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class UserError(Exception):
    """Bad input: reported to the user as one or more located problems, exit status 1."""

    def __init__(self, message: str, *, path: Path | None = None, line: int | None = None,
                 column: int | None = None, field: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = (Problem(message, path, line, column, field),)
        super().__init__(str(self.problems[0]))

    @classmethod
    def from_problems(cls, problems: Sequence[Problem]) -> UserError:
        """One error that carries every problem found (at least one)."""
        if not problems:
            raise ValueError("a UserError needs at least one problem")
        error = cls(problems[0].message)
        error.problems = tuple(problems)
        error.args = ("\n".join(str(problem) for problem in problems),)
        return error

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


class UsageError(UserError):
    """A bad option value (an unknown exercise id, a bad dose spec): exit status 2."""


def shown(value: str, limit: int = 60) -> str:
    """``value`` quoted for a message, cut to ``limit`` characters: a CSV cell or an option
    may hold a hundred thousand, and the error must stay a line."""
    return repr(value if len(value) <= limit else value[:limit - 1] + "…")
