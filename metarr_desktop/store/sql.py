"""Raw SQL on a peewee database, typed: peewee's own `execute_sql` and `cursor` carry no annotations.

The repositories run their hot statements through `Database.execute` / `Database.executemany`; the
migrations, which run before a `Database` exists, through these.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from collections.abc import Hashable
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


class Statements:
    """The SQL of peewee queries, each built once by its key: peewee builds a query's SQL again on
    every call, which for a hot query (a 45-column movie, a bulk read per number of ids) costs more
    than running it. The statements are run with their parameters through `Database.execute`."""

    def __init__(self) -> None:
        self._sql: dict[Hashable, str] = {}

    def sql(self, key: Hashable, build: Callable[[], Any]) -> str:
        """The SQL of the query `build` makes (built on the first call for `key` only)."""
        sql = self._sql.get(key)
        if sql is None:
            sql = self._sql[key] = build().sql()[0]
        return sql


def chunks(ids: list[T]) -> Iterator[list[T]]:
    """`ids` in slices of `IDS_PER_STATEMENT`: one slice per ``IN (...)`` statement."""
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield ids[start : start + IDS_PER_STATEMENT]
