"""Opening the profile's SQLite database: health check, corrupt-file recovery, pragmas, migrations.

SQLite runs in WAL mode (readers never block the writer) with foreign keys on. peewee keeps one
connection per thread, so bulk work can run off the event loop with `Database.run_in_thread`, which
opens and closes that thread's own connection.

A file that is not a readable SQLite database (or not ours) is moved aside to a timestamped backup
next to it and a fresh database is created; the caller gets a warning to show. A database that
cannot be opened or written (read-only folder, full disk, locked by another program) raises
`StoreError`, an environment error with a readable message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import peewee as pw

from metarr_desktop.store.migrations import NewerSchemaError, migrate
from metarr_desktop.store.models import database_proxy

log = logging.getLogger(__name__)
T = TypeVar("T")

SQLITE_HEADER = b"SQLite format 3\x00"
PRAGMAS: dict[str, Any] = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "busy_timeout": 5000,
}

#: sqlite3 extended error codes reduced to their primary code -> what to tell the user.
_REASONS = {
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "the database is read-only",
    sqlite3.SQLITE_CANTOPEN: "the file cannot be opened (check the folder exists and is writable)",
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_BUSY: "the database is locked by another program",
    sqlite3.SQLITE_LOCKED: "the database is locked by another program",
    sqlite3.SQLITE_IOERR: "a disk input/output error occurred",
    sqlite3.SQLITE_CORRUPT: "the database file is damaged",
    sqlite3.SQLITE_NOTADB: "the file is not a database",
}


class StoreError(OSError):
    """The database cannot be opened or written: an environment error, shown to the user as one line."""


def _sqlite_errors(exc: BaseException) -> list[sqlite3.Error]:
    """The sqlite3 errors behind `exc`: peewee wraps them as its own classes, and a failed rollback
    after SQLite already rolled back (full disk) hides the real error in its context."""
    found: list[sqlite3.Error] = []
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            found.append(current)
        if current.args and isinstance(current.args[0], BaseException):
            pending.append(current.args[0])
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return found


def describe_db_error(exc: BaseException) -> str:
    """A short reason for a database failure, without any stored values."""
    errors = _sqlite_errors(exc)
    for error in errors:
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _REASONS:
            return _REASONS[code & 0xFF]
    text = str(errors[0] if errors else exc)
    return text.splitlines()[0][:200] if text else type(exc).__name__


def store_error(exc: BaseException, action: str, path: Path | None = None) -> StoreError:
    """Translate a peewee / sqlite3 failure into a `StoreError` (``raise store_error(...) from exc``)."""
    where = f" {path}" if path else ""
    return StoreError(f"cannot {action} the database{where}: {describe_db_error(exc)}")


def is_db_error(exc: BaseException) -> bool:
    return isinstance(exc, pw.PeeweeException | sqlite3.Error)


@contextlib.contextmanager
def store_errors(action: str, path: Path | None = None) -> Iterator[None]:
    """Turn database failures inside the block into `StoreError`."""
    try:
        yield
    except (pw.PeeweeException, sqlite3.Error) as exc:
        raise store_error(exc, action, path) from exc


def _is_corruption(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _probe(path: Path) -> str | None:
    """Why the existing file at `path` cannot be used as our database, or None when it can."""
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        return "it is not an SQLite database"
    try:
        connection = sqlite3.connect(path, timeout=5.0)
    except sqlite3.Error as exc:
        if _is_corruption(exc):
            return describe_db_error(exc)
        raise
    try:
        try:
            check = connection.execute("PRAGMA quick_check(1)").fetchone()
            if check is None or check[0] != "ok":
                return f"the integrity check failed ({check[0] if check else 'no answer'})"
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[
                0
            ]
        except sqlite3.Error as exc:
            if _is_corruption(exc):
                return describe_db_error(exc)
            raise
    finally:
        connection.close()
    if version == 0 and tables > 0:
        return "it is not a Metarr Desktop database"
    return None


def _move_aside(path: Path, stamp: str) -> Path:
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while backup.exists():
        counter += 1
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    path.rename(backup)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(backup.with_name(backup.name + suffix))
    return backup


@dataclass
class Database:
    """The open profile database.

    Attributes:
        path: the database file.
        db: the peewee database (also behind `store.models.database_proxy`).
        warnings: messages for the user from opening it (e.g. a damaged file was moved aside).
        backup_path: where a damaged file was moved, when it was.
    """

    path: Path
    db: pw.SqliteDatabase
    warnings: list[str] = field(default_factory=list)
    backup_path: Path | None = None

    @classmethod
    def open(cls, path: Path, *, now: datetime | None = None) -> Database:
        """Open (creating or repairing) the database at `path` and migrate it to the latest schema."""
        warnings: list[str] = []
        backup: Path | None = None
        try:
            if path.is_dir():
                raise StoreError(f"cannot open the database {path}: it is a folder")
            if path.exists() and path.stat().st_size > 0:
                reason = _probe(path)
                if reason is not None:
                    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
                    backup = _move_aside(path, stamp)
                    message = (
                        f"The database {path} could not be used ({reason}). It was moved to {backup} "
                        "and a new, empty database was created."
                    )
                    log.warning("%s", message)
                    warnings.append(message)
        except sqlite3.Error as exc:
            raise store_error(exc, "open", path) from exc
        except OSError as exc:
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot open the database {path}: {exc.strerror or exc}") from exc
        db = pw.SqliteDatabase(str(path), pragmas=PRAGMAS)
        try:
            db.connect()
            migrate(db)
        except NewerSchemaError as exc:
            db.close()
            raise StoreError(f"cannot open the database {path}: {exc}; update Metarr Desktop") from exc
        except (pw.PeeweeException, sqlite3.Error) as exc:
            db.close()
            raise store_error(exc, "open", path) from exc
        database_proxy.initialize(db)
        return cls(path=path, db=db, warnings=warnings, backup_path=backup)

    def atomic(self) -> Any:
        """A transaction (or savepoint, when nested) on this thread's connection."""
        return self.db.atomic()

    async def run_in_thread(self, function: Callable[[], T]) -> T:
        """Run bulk database work off the event loop on a connection of its own."""

        def work() -> T:
            self.db.connect(reuse_if_open=True)
            try:
                return function()
            finally:
                self.db.close()

        return await asyncio.to_thread(work)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
