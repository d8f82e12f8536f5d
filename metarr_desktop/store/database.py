"""Opening the profile's SQLite database: health check, corrupt-file recovery, pragmas, migrations.

SQLite runs in WAL mode (readers never block the writer) with foreign keys on. peewee keeps one
connection per thread, so bulk work can run off the event loop with `Database.run_in_thread`, which
opens and closes that thread's own connection.

A file that is not a readable SQLite database (a damaged or truncated one, or another program's) is
refused with `DamagedDatabaseError` and left exactly as it was: a cron job must never carry on with
an empty library by itself. Only when the user asks for it (`set_aside_damaged`: `metarr database
set-aside`, or the window's start-up dialog) is the file moved aside to a timestamped backup next to
it and a fresh database created; the caller then gets a warning to show.

Every failure to open, read or write the database raises `core.errors.StoreError` with a readable
line, sorted into the environment's doing (read-only folder, full disk, locked by another program,
input/output error, damaged file) and a bug's (no such table, a broken constraint): the peewee
database behind `Database` translates them as they happen, so the repositories raise nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from typing import TypeVar

import peewee as pw

from metarr_desktop.core.errors import DamagedDatabaseError
from metarr_desktop.core.errors import StoreError as StoreError  # also importable from here
from metarr_desktop.store import sql as raw
from metarr_desktop.store.migrations import NewerSchemaError
from metarr_desktop.store.migrations import migrate
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

#: sqlite3 primary error codes the environment causes -> what to tell the user. Any other code (no
#: such table, a broken constraint, a misused connection) is a bug of this program.
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
    sqlite3.SQLITE_NOMEM: "the computer is out of memory",
    sqlite3.SQLITE_PROTOCOL: "the database is locked by another program",
}
#: SQLite's words for those codes, for an error that carries no code (raised by hand, or by peewee).
_REASON_TEXTS = (
    ("disk is full", sqlite3.SQLITE_FULL),
    ("readonly database", sqlite3.SQLITE_READONLY),
    ("read-only", sqlite3.SQLITE_READONLY),
    ("database is locked", sqlite3.SQLITE_BUSY),
    ("table is locked", sqlite3.SQLITE_LOCKED),
    ("disk i/o error", sqlite3.SQLITE_IOERR),
    ("malformed", sqlite3.SQLITE_CORRUPT),
    ("not a database", sqlite3.SQLITE_NOTADB),
    ("unable to open database", sqlite3.SQLITE_CANTOPEN),
    ("out of memory", sqlite3.SQLITE_NOMEM),
)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and the errors behind it, nearest first: peewee wraps sqlite3's errors as its own
    classes, and a failed rollback after SQLite already rolled back (full disk) hides the real error
    in its context."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if current.args and isinstance(current.args[0], BaseException):
            pending.append(current.args[0])
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def _environment_reason(error: BaseException) -> str | None:
    """What the environment did, when it caused this one database error."""
    if not isinstance(error, pw.PeeweeException | sqlite3.Error):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return _REASONS.get(code & 0xFF)
    text = str(error).lower()
    return next((_REASONS[code] for words, code in _REASON_TEXTS if words in text), None)


def classify_db_error(exc: BaseException) -> tuple[bool, str]:
    """(caused by the environment, a short reason without any stored values) of a database failure."""
    first: BaseException | None = None
    for error in _chain(exc):
        if isinstance(error, StoreError):
            return error.environment, error.reason
        reason = _environment_reason(error)
        if reason is not None:
            return True, reason
        if first is None and isinstance(error, sqlite3.Error):
            first = error
    text = str(first or exc)
    return False, text.splitlines()[0][:200] if text else type(exc).__name__


def describe_db_error(exc: BaseException) -> str:
    """A short reason for a database failure, without any stored values."""
    return classify_db_error(exc)[1]


def store_error(exc: BaseException, action: str, path: Path | None = None) -> StoreError:
    """Translate a peewee / sqlite3 failure (or reword a `StoreError`) into a `StoreError` that says
    what could not be done (``raise store_error(...) from exc``)."""
    environment, reason = classify_db_error(exc)
    where = f" {path}" if path else ""
    message = f"cannot {action} the database{where}: {reason}"
    return StoreError(message, environment=environment, reason=reason)


def is_db_error(exc: BaseException) -> bool:
    """Kept for the window code that still sorts exceptions itself: catch `StoreError` instead."""
    return isinstance(exc, StoreError | pw.PeeweeException | sqlite3.Error)


@contextlib.contextmanager
def store_errors(action: str, path: Path | None = None) -> Iterator[None]:
    """Turn database failures inside the block into a `StoreError` that names `action`."""
    try:
        yield
    except (StoreError, pw.PeeweeException, sqlite3.Error) as exc:
        raise store_error(exc, action, path) from exc


class _SqliteDatabase(pw.SqliteDatabase):
    """peewee's SQLite database, raising `StoreError` for every failure: each query of the models
    and repositories runs through `execute_sql`, each transaction through `begin`, `commit` and
    `rollback`, each thread's connection through `connect`."""

    def _store_error(self, exc: BaseException, action: str = "use") -> StoreError:
        return store_error(exc, action, Path(self.database))

    def connect(self, reuse_if_open: bool = False) -> bool:
        connect: Callable[[bool], bool] = super().connect
        try:
            return connect(reuse_if_open)
        except (pw.PeeweeException, sqlite3.Error) as exc:
            raise self._store_error(exc, "open") from exc

    def execute_sql(self, sql: str, params: Sequence[Any] | None = None) -> sqlite3.Cursor:
        run: Callable[[str, Sequence[Any] | None], sqlite3.Cursor] = super().execute_sql
        try:
            return run(sql, params)
        except (pw.PeeweeException, sqlite3.Error) as exc:
            raise self._store_error(exc) from exc

    def begin(self, lock_type: str | None = None) -> None:
        try:
            super().begin(lock_type)
        except (pw.PeeweeException, sqlite3.Error) as exc:
            raise self._store_error(exc) from exc

    def commit(self) -> None:
        try:
            super().commit()
        except (pw.PeeweeException, sqlite3.Error) as exc:
            raise self._store_error(exc) from exc

    def rollback(self) -> None:
        try:
            super().rollback()
        except (pw.PeeweeException, sqlite3.Error) as exc:
            raise self._store_error(exc) from exc


def _is_corruption(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _companions(path: Path) -> list[Path]:
    """The write-ahead log and shared-memory index SQLite keeps beside the database at `path`."""
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def _probe(path: Path) -> str | None:
    """Why the existing file at `path` cannot be used as our database, or None when it can.

    The file is only read. A refused file is left as it was found: the companion files the
    read-only connection created beside it are removed again (those that were there are kept)."""
    existing = {companion for companion in _companions(path) if companion.exists()}
    reason = _examine(path)
    if reason is not None:
        for companion in _companions(path):
            if companion not in existing:
                companion.unlink(missing_ok=True)
    return reason


def _unusable(exc: sqlite3.Error) -> str | None:
    """What a failed read of the probe says about the file: why it is damaged, or None when the
    read-only probe could not tell (a journal to roll back: the real open does it). Anything else
    (locked, input/output error) is raised, as the real open would raise it."""
    if _is_corruption(exc):
        return describe_db_error(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF == sqlite3.SQLITE_READONLY:
        return None
    raise exc


def _examine(path: Path) -> str | None:
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        return "it is not an SQLite database"
    try:
        # Read-only: the probe of a file that may be refused never writes to it (no journal
        # rolled back, no write-ahead log checkpointed into it).
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", timeout=5.0, uri=True)
    except sqlite3.Error as exc:
        return _unusable(exc)
    try:
        check = connection.execute("PRAGMA quick_check(1)").fetchone()
        if check is None or check[0] != "ok":
            return f"the integrity check failed ({check[0] if check else 'no answer'})"
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    except sqlite3.Error as exc:
        return _unusable(exc)
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
    for companion, moved in zip(_companions(path), _companions(backup), strict=True):
        if companion.exists():
            companion.rename(moved)
    return backup


def _cannot_open(path: Path, reason: str) -> StoreError:
    """The environment keeps the database at `path` from being opened."""
    return StoreError(f"cannot open the database {path}: {reason}", environment=True, reason=reason)


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
    def open(cls, path: Path, *, now: datetime | None = None, set_aside_damaged: bool = False) -> Database:
        """Open (creating it when missing or empty) the database at `path` and migrate it to the
        latest schema.

        A file that cannot be used raises `DamagedDatabaseError` and is left as it was, unless
        `set_aside_damaged` (the user's explicit choice): then it is moved aside, a new, empty
        database is created, and `warnings` and `backup_path` say where the old one went.
        """
        warnings: list[str] = []
        backup: Path | None = None
        try:
            if path.is_dir():
                raise _cannot_open(path, "it is a folder")
            if path.exists() and path.stat().st_size > 0:
                reason = _probe(path)
                if reason is not None and not set_aside_damaged:
                    raise DamagedDatabaseError(path, reason)
                if reason is not None:
                    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
                    backup = _move_aside(path, stamp)
                    message = (
                        f"The database {path} could not be used ({reason}). It was moved to {backup} "
                        "and a new, empty database was created."
                    )
                    log.info("%s", message)
                    warnings.append(message)
        except sqlite3.Error as exc:
            raise store_error(exc, "open", path) from exc
        except StoreError:
            raise
        except OSError as exc:
            raise _cannot_open(path, exc.strerror or str(exc)) from exc
        db = _SqliteDatabase(str(path), pragmas=PRAGMAS)
        try:
            db.connect()
            migrate(db)
        except NewerSchemaError as exc:
            db.close()
            raise _cannot_open(path, f"{exc}; update Metarr Desktop") from exc
        except (StoreError, pw.PeeweeException, sqlite3.Error) as exc:
            db.close()
            raise store_error(exc, "open", path) from exc
        database_proxy.initialize(db)
        return cls(path=path, db=db, warnings=warnings, backup_path=backup)

    def atomic(self) -> Any:
        """A transaction (or savepoint, when nested) on this thread's connection."""
        return self.db.atomic()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one raw statement (the hot paths' fixed SQL); its cursor holds the rows. Raises
        `StoreError`."""
        return raw.execute(self.db, sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        """Run one prepared statement for every row. Raises `StoreError`."""
        try:
            return raw.executemany(self.db, sql, rows)
        except (StoreError, pw.PeeweeException, sqlite3.Error) as exc:
            raise store_error(exc, "use", self.path) from exc

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
