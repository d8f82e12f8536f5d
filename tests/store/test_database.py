"""Opening the database: pragmas, migrations from every earlier version, files that cannot be used
(refused and left as they were; moved aside only on request), disk errors."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import peewee as pw
import pytest

from metarr_desktop.core.errors import DamagedDatabaseError
from metarr_desktop.core.errors import StoreError
from metarr_desktop.store.database import Database
from metarr_desktop.store.database import store_error
from metarr_desktop.store.database import store_errors
from metarr_desktop.store.migrations import LATEST_VERSION
from metarr_desktop.store.migrations import migrate
from metarr_desktop.store.migrations import schema_version
from metarr_desktop.store.models import ALL_MODELS
from metarr_desktop.store.models import Movie
from metarr_desktop.store.sql import execute
from tests.helpers.damaged import random_bytes
from tests.helpers.damaged import snapshot
from tests.helpers.damaged import truncated_database


def pragma(database: Database, name: str) -> object:
    return database.execute(f"PRAGMA {name}").fetchone()[0]


def test_a_new_database_is_in_wal_mode_with_foreign_keys_at_the_latest_version(database: Database) -> None:
    assert pragma(database, "journal_mode") == "wal"
    assert pragma(database, "foreign_keys") == 1
    assert schema_version(database.db) == LATEST_VERSION
    assert database.warnings == []


def test_the_models_match_the_migrated_schema(database: Database) -> None:
    for model in ALL_MODELS:
        table = model._meta.table_name
        rows = database.execute(f'PRAGMA table_info("{table}")').fetchall()
        columns = {row[1]: (row[3], row[5]) for row in rows}  # name -> (notnull, pk)
        fields = {f.column_name: f for f in model._meta.sorted_fields}
        assert set(columns) == set(fields), table
        for name, field in fields.items():
            notnull, _ = columns[name]
            assert bool(notnull) == (not field.null), f"{table}.{name}"
        expected_indexes = {idx.name for idx in database.db.get_indexes(table)}
        for index in model._meta.fields_to_index():
            assert index._name in expected_indexes, f"{table}: missing index {index._name}"


def _database_at(path: Path, version: int) -> None:
    """A database as an older release left it, with one row in every table that version had."""
    db = pw.SqliteDatabase(str(path))
    db.connect()
    migrate(db, target=version)
    if version >= 1:
        execute(
            db,
            "INSERT INTO movies (title, year, imdb_id, genres, created_at, updated_at) "
            "VALUES ('Inception', 2010, 'tt1375666', '[\"Drama\"]', '2025-01-01T00:00:00.000000+00:00', "
            "'2025-01-01T00:00:00.000000+00:00')",
        )
    db.close()


@pytest.mark.parametrize("version", range(LATEST_VERSION))
def test_every_earlier_version_migrates_to_the_latest_keeping_its_data(db_path: Path, version: int) -> None:
    _database_at(db_path, version)
    database = Database.open(db_path)
    try:
        assert schema_version(database.db) == LATEST_VERSION
        assert database.warnings == []
        if version >= 1:
            movie = Movie.get(Movie.imdb_id == "tt1375666")
            assert (movie.title, movie.year, movie.genres) == ("Inception", 2010, ["Drama"])
    finally:
        database.close()


def test_an_empty_file_becomes_a_new_database(db_path: Path) -> None:
    db_path.write_bytes(b"")
    database = Database.open(db_path)
    assert schema_version(database.db) == LATEST_VERSION
    assert database.warnings == []
    database.close()


def test_reopening_applies_no_step_twice(db_path: Path) -> None:
    Database.open(db_path).close()
    database = Database.open(db_path)
    assert schema_version(database.db) == LATEST_VERSION
    assert migrate(database.db) == []
    database.close()


def test_a_database_from_a_newer_release_is_refused_and_left_alone(db_path: Path) -> None:
    Database.open(db_path).close()
    connection = sqlite3.connect(db_path)
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    connection.commit()
    connection.close()
    with pytest.raises(StoreError, match="newer"):
        Database.open(db_path)
    assert db_path.exists()
    assert not list(db_path.parent.glob("*.corrupt-*"))


def _backups(path: Path) -> list[Path]:
    return sorted(
        p for p in path.parent.glob(path.name + ".corrupt-*") if not p.name.endswith(("-wal", "-shm"))
    )


def _damaged_pages(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE t (x TEXT)")
    connection.executemany("INSERT INTO t VALUES (?)", [("x" * 500,) for _ in range(200)])
    connection.commit()
    connection.close()
    data = bytearray(path.read_bytes())
    data[4096 : 4096 * 3] = b"\xff" * (4096 * 2)  # overwrite pages 2 and 3
    path.write_bytes(bytes(data))


def _another_programs(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE photos (id INTEGER)")
    connection.commit()
    connection.close()


UNUSABLE = [
    pytest.param(random_bytes, "not an SQLite database", id="random-bytes"),
    pytest.param(truncated_database, "damaged", id="truncated"),
    pytest.param(_damaged_pages, "damaged|integrity check failed", id="damaged-pages"),
    pytest.param(_another_programs, "not a Metarr Desktop database", id="another-programs"),
]


@pytest.mark.parametrize(("spoil", "reason"), UNUSABLE)
def test_a_database_that_cannot_be_used_is_refused_and_left_exactly_as_it_was(
    db_path: Path, spoil: Callable[[Path], None], reason: str
) -> None:
    spoil(db_path)
    before = snapshot(db_path.parent)
    with pytest.raises(DamagedDatabaseError, match=reason) as refused:
        Database.open(db_path)
    assert refused.value.path == db_path and refused.value.environment
    assert str(db_path) in refused.value.message and "restore it from a backup" in refused.value.message
    assert snapshot(db_path.parent) == before  # the same bytes; no backup, no -wal or -shm


@pytest.mark.parametrize(("spoil", "reason"), UNUSABLE)
def test_on_request_a_database_that_cannot_be_used_is_moved_aside_and_a_new_one_created(
    db_path: Path, spoil: Callable[[Path], None], reason: str
) -> None:
    spoil(db_path)
    data = db_path.read_bytes()
    database = Database.open(db_path, set_aside_damaged=True)
    try:
        [backup] = _backups(db_path)
        assert backup.read_bytes() == data
        assert len(database.warnings) == 1
        assert "could not be used" in database.warnings[0] and str(backup) in database.warnings[0]
        assert database.backup_path == backup
        assert schema_version(database.db) == LATEST_VERSION
        Movie.create(title="works", created_at="x", updated_at="x")
        assert Movie.select().count() == 1
    finally:
        database.close()


def test_setting_aside_leaves_a_database_that_can_be_used_alone(db_path: Path) -> None:
    Database.open(db_path).close()
    database = Database.open(db_path, set_aside_damaged=True)
    database.close()
    assert database.warnings == [] and database.backup_path is None
    assert _backups(db_path) == []


def test_the_wal_and_shm_files_move_with_a_damaged_database(db_path: Path) -> None:
    db_path.write_bytes(b"garbage" * 1000)
    db_path.with_name(db_path.name + "-wal").write_bytes(b"old wal")
    with pytest.raises(DamagedDatabaseError):
        Database.open(db_path)
    assert db_path.with_name(db_path.name + "-wal").read_bytes() == b"old wal"  # refused: kept
    Database.open(db_path, set_aside_damaged=True).close()
    [backup] = _backups(db_path)
    assert backup.with_name(backup.name + "-wal").read_bytes() == b"old wal"


def test_a_folder_where_the_file_should_be_is_a_clear_error(db_path: Path) -> None:
    db_path.mkdir()
    with pytest.raises(StoreError, match="is a folder"):
        Database.open(db_path)


def test_a_database_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"cannot open the database .*cannot be opened"):
        Database.open(tmp_path / "missing-folder" / "metarr.sqlite3")


def test_a_read_only_database_gives_a_readable_error(db_path: Path) -> None:
    Database.open(db_path).close()
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.Error) as caught:
        connection.execute("INSERT INTO settings (key, value, updated_at) VALUES ('a', '1', 'now')")
    connection.close()
    error = store_error(caught.value, "write", db_path)
    assert isinstance(error, OSError)
    assert str(error) == f"cannot write the database {db_path}: the database is read-only"


def test_a_full_disk_gives_a_readable_error(database: Database) -> None:
    pages = pragma(database, "page_count")
    database.execute(f"PRAGMA max_page_count = {pages}")
    with (
        pytest.raises(StoreError, match="the disk is full"),
        store_errors("write", database.path),
        database.atomic(),
    ):
        for _ in range(50):
            Movie.create(title="x" * 10_000, created_at="x", updated_at="x")


async def test_bulk_work_runs_on_its_own_thread_and_connection(database: Database) -> None:
    Movie.create(title="A", created_at="x", updated_at="x")
    main_thread = threading.get_ident()

    def work() -> tuple[int, int]:
        return threading.get_ident(), Movie.select().count()

    thread, count = await database.run_in_thread(work)
    assert thread != main_thread
    assert count == 1
    assert not database.db.is_closed()  # this thread's connection is untouched
