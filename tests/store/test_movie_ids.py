"""A removed movie's id is never given to another movie (scripts keep ids), in a new database and in
one migrated from the release before."""

from __future__ import annotations

from pathlib import Path

import peewee as pw

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.migrations import LATEST_VERSION
from metarr_desktop.store.migrations import migrate
from metarr_desktop.store.sql import execute

NOW = "2025-01-01T00:00:00.000000+00:00"


def test_a_removed_movies_id_is_not_given_again(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "metarr.sqlite3")
    try:
        movies = MovieRepository(database, VirtualClock())
        first, last = movies.add("Heat").id, movies.add("Alien").id
        movies.delete(last)
        assert movies.add("Jaws").id == last + 1 and first < last
    finally:
        database.close()


def test_the_migration_keeps_every_movie_with_its_id(tmp_path: Path) -> None:
    path = tmp_path / "metarr.sqlite3"
    db = pw.SqliteDatabase(str(path))
    db.connect()
    migrate(db, target=LATEST_VERSION - 1)
    for movie_id, title in ((1, "Heat"), (2, "Alien"), (7, "Jaws")):
        execute(
            db,
            "INSERT INTO movies (id, title, imdb_id, created_at, updated_at) "
            f"VALUES ({movie_id}, '{title}', 'tt{movie_id:07d}', '{NOW}', '{NOW}')",
        )
    execute(db, "DELETE FROM movies WHERE id = 7")  # removed before the upgrade: 7 may come back once
    db.close()
    database = Database.open(path)
    try:
        movies = MovieRepository(database, VirtualClock())
        assert [(m.id, m.title, m.ids.imdb) for m in movies.all()] == [
            (1, "Heat", "tt0000001"),
            (2, "Alien", "tt0000002"),
        ]
        added = movies.add("Jaws").id
        movies.delete(added)
        assert movies.add("Dune").id == added + 1
        assert movies.find_by_ids(movies.require(1).ids)[0].title == "Heat"  # the imdb index still works
    finally:
        database.close()
