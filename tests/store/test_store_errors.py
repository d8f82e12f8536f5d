"""Every database failure is a `StoreError` that says whether the environment or a bug caused it."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import peewee as pw
import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.errors import StoreError
from metarr_desktop.store.database import Database
from metarr_desktop.store.database import classify_db_error
from metarr_desktop.store.database import describe_db_error
from metarr_desktop.store.database import is_db_error
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.models import Movie


@pytest.fixture
def movies(database: Database, clock: VirtualClock) -> MovieRepository:
    return MovieRepository(database, clock)


def _fill_the_disk(database: Database) -> None:
    pages = database.execute("PRAGMA page_count").fetchone()[0]
    database.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_inside_a_transaction_is_the_environment(
    database: Database, movies: MovieRepository
) -> None:
    _fill_the_disk(database)
    with pytest.raises(StoreError) as caught, database.atomic():
        for _ in range(50):
            movies.add("x" * 10_000)
    error = caught.value
    assert error.environment and not error.is_bug
    assert error.reason == "the disk is full"
    assert error.message == f"cannot use the database {database.path}: the disk is full"
    assert isinstance(error, OSError)


def test_a_read_only_database_is_the_environment(database: Database, movies: MovieRepository) -> None:
    database.execute("PRAGMA query_only = 1")
    with pytest.raises(StoreError) as caught:
        movies.add("Heat")
    assert caught.value.environment and caught.value.reason == "the database is read-only"


def test_a_database_locked_by_another_program_is_the_environment(
    database: Database, movies: MovieRepository
) -> None:
    database.execute("PRAGMA busy_timeout = 0")  # no real wait in a test
    other = sqlite3.connect(database.path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreError) as caught:
            movies.add("Heat")
    finally:
        other.close()
    assert caught.value.environment and caught.value.reason == "the database is locked by another program"


def test_a_missing_table_is_a_bug(database: Database) -> None:
    with pytest.raises(StoreError) as caught:
        database.execute("SELECT * FROM no_such_table")
    error = caught.value
    assert error.is_bug and not error.environment
    assert error.reason == "no such table: no_such_table"


def test_a_broken_constraint_is_a_bug(database: Database) -> None:
    with pytest.raises(StoreError) as caught:
        Movie.create(title=None, created_at="x", updated_at="x")
    assert caught.value.is_bug and "NOT NULL" in caught.value.reason


def test_executemany_translates_its_failures(database: Database) -> None:
    with pytest.raises(StoreError) as caught:
        database.executemany("INSERT INTO no_such_table VALUES (?)", [(1,), (2,)])
    assert caught.value.is_bug
    _fill_the_disk(database)
    rows = [("x" * 10_000, "x", "x") for _ in range(50)]
    with pytest.raises(StoreError) as full, database.atomic():
        database.executemany("INSERT INTO movies (title, created_at, updated_at) VALUES (?, ?, ?)", rows)
    assert full.value.environment and full.value.reason == "the disk is full"


def test_a_database_that_cannot_be_opened_is_the_environment(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        Database.open(tmp_path / "missing-folder" / "metarr.sqlite3")
    assert caught.value.environment


@pytest.mark.parametrize(
    ("error", "environment", "reason"),
    [
        (pw.OperationalError("database or disk is full"), True, "the disk is full"),
        (sqlite3.OperationalError("database is locked"), True, "the database is locked by another program"),
        (pw.OperationalError("disk I/O error"), True, "a disk input/output error occurred"),
        (sqlite3.DatabaseError("database disk image is malformed"), True, "the database file is damaged"),
        (sqlite3.OperationalError("attempt to write a readonly database"), True, "the database is read-only"),
        (pw.OperationalError("unable to open database file"), True, "the file cannot be opened"),
        (pw.IntegrityError("UNIQUE constraint failed: movies.path"), False, "UNIQUE constraint failed"),
        (pw.InterfaceError("Cannot commit, database connection not open"), False, "Cannot commit"),
    ],
)
def test_errors_without_a_code_are_sorted_by_what_sqlite_says(
    error: Exception, environment: bool, reason: str
) -> None:
    found_environment, found_reason = classify_db_error(error)
    assert found_environment is environment
    assert found_reason.startswith(reason)


def test_a_failed_rollback_is_sorted_by_the_error_behind_it() -> None:
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.Error:
            raise pw.OperationalError("cannot rollback - no transaction is active") from None
    except pw.OperationalError as rollback:
        assert classify_db_error(rollback) == (True, "the disk is full")


def test_the_window_code_that_still_sorts_exceptions_itself_sees_store_errors() -> None:
    error = StoreError(
        "cannot use the database: the disk is full", environment=True, reason="the disk is full"
    )
    assert is_db_error(error) and describe_db_error(error) == "the disk is full"
    assert not is_db_error(ValueError("x"))


def test_a_survived_failure_is_a_warning_and_a_bug_an_error_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    log = logging.getLogger("test.store")
    StoreError("full", environment=True).log(log, "could not save %s", "it")
    StoreError("no such table", environment=False).log(log, "could not save %s", "that")
    warning, error = caplog.records
    assert (warning.levelno, warning.getMessage()) == (logging.WARNING, "could not save it")
    assert warning.exc_info is None
    assert error.levelno == logging.ERROR and error.getMessage() == "could not save that"
    assert error.exc_info is not None and error.exc_info[0] is StoreError
