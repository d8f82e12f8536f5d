"""Raw SQL on a peewee database, typed: peewee's own `execute_sql` and `cursor` carry no annotations.

The repositories run their hot statements through `Database.execute` / `Database.executemany`; the
migrations, which run before a `Database` exists, through these.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

import peewee as pw

T = TypeVar("T")

#: Ids per ``IN (...)`` of a bulk statement (well under SQLite's limit of bound variables).
IDS_PER_STATEMENT = 500


def execute(db: pw.Database, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
    """Run one statement on this thread's connection; its cursor holds the rows."""
    run: Callable[[str, Sequence[Any]], sqlite3.Cursor] = db.execute_sql
    return run(sql, params)


def cursor(db: pw.Database) -> sqlite3.Cursor:
    """A cursor on this thread's connection (connecting when closed)."""
    make: Callable[[], sqlite3.Cursor] = db.cursor
    return make()


def executemany(db: pw.Database, sql: str, rows: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
    """Run one prepared statement for every row."""
    return cursor(db).executemany(sql, rows)


def chunks(ids: list[T]) -> Iterator[list[T]]:
    """`ids` in slices of `IDS_PER_STATEMENT`: one slice per ``IN (...)`` statement."""
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield ids[start : start + IDS_PER_STATEMENT]
