"""`MovieRepository.list_rows`: the light rows of the window's library list, read in bulk."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRow
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.models import FieldLock


@pytest.fixture
def movies(database: Database, clock: VirtualClock) -> MovieRepository:
    return MovieRepository(database, clock)


def test_rows_carry_what_the_list_shows(movies: MovieRepository, clock: VirtualClock) -> None:
    plain = movies.add("Heat", year=1995)
    enriched = movies.add("Inception", year=2010, status=IdentificationStatus.IDENTIFIED)
    waiting = movies.add("Untitled", status=IdentificationStatus.NEEDS_IDENTIFICATION)
    movies.set_monitored(waiting.id, False)
    at = clock.now()
    movies.mark_enriched(enriched.id, at, ["tmdb", "omdb"])
    movies.set_fields(enriched.id, {"poster": "https://img.example/inception.jpg"}, {"poster": "tmdb"})
    retry = at + timedelta(hours=3)
    movies.set_incomplete(enriched.id, "omdb", retry)
    movies.lock(enriched.id, "title")
    movies.lock(enriched.id, "plot")
    movies.lock(plain.id, "year")

    rows = movies.list_rows()

    assert rows == [
        MovieRow(plain.id, "Heat", 1995, IdentificationStatus.UNIDENTIFIED, True, None, {}, 1, None),
        MovieRow(
            enriched.id,
            "Inception",
            2010,
            IdentificationStatus.IDENTIFIED,
            True,
            at,
            {"omdb": retry},
            2,
            "https://img.example/inception.jpg",
        ),
        MovieRow(
            waiting.id, "Untitled", None, IdentificationStatus.NEEDS_IDENTIFICATION, False, None, {}, 0, None
        ),
    ]
    assert rows[1].last_enriched_at is not None and rows[1].last_enriched_at.tzinfo is not None


def test_rows_of_some_ids_only(movies: MovieRepository) -> None:
    added = [movies.add(f"Movie {n}", year=2000 + n) for n in range(5)]
    movies.lock(added[3].id, "title")
    picked = movies.list_rows([added[3].id, added[1].id, 999, added[3].id])
    assert [(r.id, r.title, r.locked_fields) for r in picked] == [
        (added[1].id, "Movie 1", 0),
        (added[3].id, "Movie 3", 1),
    ]
    assert movies.list_rows([]) == []


def test_more_ids_than_one_query_takes(movies: MovieRepository, database: Database) -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC).isoformat()
    database.executemany(
        "INSERT INTO movies (title, created_at, updated_at) VALUES (?, ?, ?)",
        [(f"Movie {n}", now, now) for n in range(1200)],
    )
    rows = movies.list_rows(range(1, 1201))
    assert [r.id for r in rows] == list(range(1, 1201))


def test_locks_of_other_entity_types_are_not_counted(movies: MovieRepository, clock: VirtualClock) -> None:
    movie = movies.add("Heat", year=1995)
    FieldLock.insert(entity_type="series", entity_id=movie.id, field="title", locked_at=clock.now()).execute()
    assert movies.list_rows()[0].locked_fields == 0
    assert movies.list_rows([movie.id])[0].locked_fields == 0


def test_a_hundred_thousand_rows_are_read_in_one_pass(movies: MovieRepository, database: Database) -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC).isoformat(timespec="microseconds")
    count = 100_000
    with database.atomic():
        database.executemany(
            "INSERT INTO movies (title, year, status, last_enriched_at, incomplete_providers, poster, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    f"Movie {n}",
                    1950 + n % 70,
                    "identified",
                    now if n % 2 else None,
                    '{"omdb":"2024-01-02T00:00:00+00:00"}' if n % 50 == 0 else None,
                    f"https://img.example/{n}.jpg",
                    now,
                    now,
                )
                for n in range(count)
            ],
        )
        database.executemany(
            "INSERT INTO field_locks (entity_type, entity_id, field, locked_at) "
            "VALUES ('movie', ?, 'title', ?)",
            [(n, now) for n in range(1, count, 10)],
        )
    rows = movies.list_rows()
    assert len(rows) == count
    assert sum(r.locked_fields for r in rows) == count // 10
    assert sum(1 for r in rows if r.incomplete_providers) == count // 50
