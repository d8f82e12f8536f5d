"""A movie's latest identification decision: stored as JSON with the movie, read back through its
record; a database of the previous schema gains the column with no decision for its movies."""

from __future__ import annotations

from pathlib import Path

import peewee as pw

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationDecision
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.migrations import LATEST_VERSION
from metarr_desktop.store.migrations import MIGRATIONS
from metarr_desktop.store.migrations import _v_identification_decision
from metarr_desktop.store.migrations import migrate
from metarr_desktop.store.migrations import schema_version

INCEPTION = ExternalIds(tmdb=27205, imdb="tt1375666")
WHY = {"rule": "exact title and year", "query": {"title": "Inception", "year": 2010}, "providers": ["tmdb"]}


def test_a_decision_round_trips_through_the_record(database: Database, clock: VirtualClock) -> None:
    movies = MovieRepository(database, clock)
    movie = movies.add("Inception", year=2010)
    assert movie.identification is None
    written = movies.set_identification(movie.id, "identified", None, INCEPTION, WHY)
    assert written == IdentificationDecision("identified", None, INCEPTION, WHY, clock.now())
    read = movies.require(movie.id).identification
    assert read == written
    assert [m.identification for m in movies.all()] == [written]
    assert "identification" not in movies.require(movie.id).fields  # not a canonical field
    assert read is not None and read.to_json() == {
        "status": "identified",
        "reason": None,
        "ids": {"tmdb": 27205, "imdb": "tt1375666", "tvdb": None},
        "why": WHY,
        "decided_at": clock.now().isoformat(),
    }

    later = movies.set_identification(movie.id, "needs_identification", "ambiguous", ExternalIds(), {})
    assert movies.require(movie.id).identification == later


def test_a_damaged_stored_decision_reads_as_none(database: Database, clock: VirtualClock) -> None:
    movies = MovieRepository(database, clock)
    movie = movies.add("Inception", year=2010)
    damaged = [
        "not json at all {",
        '"text"',
        '{"status": "identified"}',
        '{"why": {}}',
        '{"why": {}, "status": "x", "ids": {"imdb": 5}}',
    ]
    for text in damaged:
        database.db.execute_sql(  # type: ignore[no-untyped-call]
            "UPDATE movies SET identification = ? WHERE id = ?", (text, movie.id)
        )
        assert movies.require(movie.id).identification is None, text
        assert [row.id for row in movies.list_rows()] == [movie.id]  # the movie is still listed


def test_the_previous_schema_migrates_with_no_decision_for_its_movies(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = pw.SqliteDatabase(str(path))
    db.connect()
    before = MIGRATIONS.index(_v_identification_decision)
    migrate(db, target=before)
    db.execute_sql(  # type: ignore[no-untyped-call]
        "INSERT INTO movies (title, year, status, created_at, updated_at) VALUES "
        "('Inception', 2010, 'identified', '2025-01-01T00:00:00.000000+00:00', "
        "'2025-01-01T00:00:00.000000+00:00')"
    )
    db.close()
    database = Database.open(path)
    try:
        assert schema_version(database.db) == LATEST_VERSION  # its step and every one after it
        movies = MovieRepository(database, VirtualClock())
        (movie,) = movies.all()
        assert (movie.title, movie.status.value, movie.identification) == ("Inception", "identified", None)
        movies.set_identification(movie.id, "identified", None, INCEPTION, WHY)
        decision = movies.require(movie.id).identification
        assert decision is not None and decision.why == WHY
    finally:
        database.close()
