"""Errors the window and the commands catch without importing the layer that raises them.

`StoreError` is every failure of the profile's database, sorted as qutebrowser's ``misc/sql.py``
sorts its ``KnownError`` from its ``BugError``: the environment (a full disk, a read-only or locked
file, an input/output error, a damaged file, a file that cannot be opened) is told to the user in
one line, since only the user can fix it; anything else (a missing table, a broken constraint) is a
bug of this program, logged with its traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path


class ProblemsError(ValueError):
    """Bad input, with every problem found (`problems`, one sentence each); the message joins them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StoreError(OSError):
    """The database could not be opened, read or written.

    Attributes:
        message: one line for the user: what could not be done, where and why (never a stored value).
        reason: the why alone, e.g. "the disk is full" (to follow "Could not save your choice: ").
        environment: True when the machine caused it (the user can fix it), False for a bug.
    """

    def __init__(self, message: str, *, environment: bool, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or message
        self.environment = environment

    @property
    def is_bug(self) -> bool:
        return not self.environment

    def log(self, logger: logging.Logger, message: str, *args: object) -> None:
        """Log a failure the caller survives: a warning when the environment caused it, an error
        with the traceback when it is a bug (which would otherwise pass as a full disk would)."""
        if self.environment:
            logger.warning(message, *args)
        else:
            logger.error(message, *args, exc_info=self)


class DamagedDatabaseError(StoreError):
    """The profile's database file exists but cannot be used (it is not SQLite, it is damaged or
    truncated, or it is another program's). Nothing was changed: the file is left exactly as it was,
    since starting over on an empty library is the user's choice, never the program's.

    Attributes:
        path: the database file.
        problem: what is wrong, without the advice (each front end gives its own way to start over).
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.problem = f"the database {path} cannot be used ({reason}) and was left as it was"
        message = self.advice("set it aside and start a new, empty library")
        super().__init__(message, environment=True, reason=reason)

    def advice(self, start_over: str) -> str:
        """The one line for the user: the problem, then what to do (`start_over`: how to set the file
        aside and start a new library in this front end)."""
        return f"{self.problem}: restore it from a backup, or {start_over}"
