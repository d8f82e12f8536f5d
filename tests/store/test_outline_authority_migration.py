"""The outline's shipped authority (OMDb alone, English only) falls back like the plot after the
upgrade; an override the user changed stays."""

from __future__ import annotations

from pathlib import Path

import peewee as pw

from metarr_desktop.store.database import Database
from metarr_desktop.store.migrations import MIGRATIONS
from metarr_desktop.store.migrations import _v_outline_follows_plot
from metarr_desktop.store.migrations import migrate

_BEFORE = MIGRATIONS.index(_v_outline_follows_plot)  # the version before the outline step


def _row(db: pw.SqliteDatabase, name: str, providers: str, exclusive: int) -> None:
    db.execute_sql(  # type: ignore[no-untyped-call]
        "INSERT INTO field_authorities (field_name, providers, exclusive, created_at) VALUES (?, ?, ?, ?)",
        (name, providers, exclusive, "2025-01-01T00:00:00.000000+00:00"),
    )


def _authorities(database: Database) -> dict[str, tuple[str, int]]:
    rows = database.db.execute_sql(  # type: ignore[no-untyped-call]
        "SELECT field_name, providers, exclusive FROM field_authorities"
    ).fetchall()
    return {name: (providers, exclusive) for name, providers, exclusive in rows}


def _database_with(path: Path, rows: list[tuple[str, str, int]]) -> Database:
    db = pw.SqliteDatabase(str(path))
    db.connect()
    migrate(db, target=_BEFORE)
    for row in rows:
        _row(db, *row)
    db.close()
    return Database.open(path)


def test_the_shipped_outline_default_falls_back_like_the_plot(tmp_path: Path) -> None:
    database = _database_with(
        tmp_path / "old.db",
        [("outline", '["omdb"]', 1), ("awards", '["omdb"]', 1), ("plot", '["tmdb","omdb"]', 0)],
    )
    try:
        assert _authorities(database) == {
            "outline": ('["tmdb","omdb"]', 0),
            "awards": ('["omdb"]', 1),
            "plot": ('["tmdb","omdb"]', 0),
        }
    finally:
        database.close()


def test_an_outline_override_the_user_changed_stays(tmp_path: Path) -> None:
    database = _database_with(tmp_path / "old.db", [("outline", '["omdb","tmdb"]', 1)])
    try:
        assert _authorities(database) == {"outline": ('["omdb","tmdb"]', 1)}
    finally:
        database.close()
