"""The library repositories: movies, fields with sources, locks, enrichment state, the log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.records import EnrichmentLogRecord
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.store.cache import AnswerToStore
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import ProviderCacheRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import EnrichmentLogRepository
from metarr_desktop.store.library import MovieRepository

INCEPTION = ExternalIds(tmdb=27205, imdb="tt1375666")


@pytest.fixture
def movies(database: Database, clock: VirtualClock) -> MovieRepository:
    return MovieRepository(database, clock)


def test_a_movie_is_added_and_read_back(movies: MovieRepository, clock: VirtualClock) -> None:
    added = movies.add("Inception", year=2010, ids=INCEPTION, path="/films/Inception (2010)")
    read = movies.require(added.id)
    assert read == added
    assert (read.title, read.year, read.ids, read.path) == (
        "Inception",
        2010,
        INCEPTION,
        "/films/Inception (2010)",
    )
    assert read.monitored is True
    assert read.status is IdentificationStatus.UNIDENTIFIED
    assert read.created_at == clock.now()
    assert read.fields == {"title": "Inception", "year": 2010, "tmdb_id": 27205, "imdb_id": "tt1375666"}


def test_unknown_movies(movies: MovieRepository) -> None:
    assert movies.get(99) is None
    with pytest.raises(UnknownEntityError, match="unknown movie id 99"):
        movies.require(99)
    with pytest.raises(UnknownEntityError):
        movies.set_status(99, IdentificationStatus.IDENTIFIED)


def test_fields_of_every_kind_round_trip_with_their_sources(
    movies: MovieRepository, clock: VirtualClock
) -> None:
    movie = movies.add("Inception")
    cast = [{"name": "Leonardo DiCaprio", "role": "Cobb", "order": 0, "thumb": None}]
    values = {
        "plot": "Dreams.",
        "genres": ["Action", "Science Fiction"],
        "cast": cast,
        "collection": {"name": "None"},
        "runtime": 148,
        "imdb_rating": 8.8,
        "imdb_votes": 2_345_678,
        "release_date": "2010-07-16",
    }
    sources = {"plot": "tmdb", "genres": "tmdb", "cast": "tmdb", "imdb_rating": "omdb", "imdb_votes": "omdb"}
    movies.set_fields(movie.id, values, sources)
    read = movies.require(movie.id)
    for name, value in values.items():
        assert read.fields[name] == value
    recorded = movies.field_sources(movie.id)
    assert {name: s.provider for name, s in recorded.items()} == sources
    assert recorded["plot"].fetched_at == clock.now()


def test_rewriting_a_field_replaces_its_source_and_clearing_it_drops_the_source(
    movies: MovieRepository,
) -> None:
    movie = movies.add("Inception")
    movies.set_fields(movie.id, {"plot": "A", "tagline": "B"}, {"plot": "omdb", "tagline": "tmdb"})
    movies.set_fields(movie.id, {"plot": "C"}, {"plot": "tmdb"})
    movies.set_fields(movie.id, {"tagline": None})
    read = movies.require(movie.id)
    assert read.fields["plot"] == "C"
    assert "tagline" not in read.fields
    assert {n: s.provider for n, s in movies.field_sources(movie.id).items()} == {"plot": "tmdb"}


def test_unknown_fields_are_refused_and_nothing_is_written(movies: MovieRepository) -> None:
    movie = movies.add("Inception")
    with pytest.raises(ValueError, match="unknown fields: colour"):
        movies.set_fields(movie.id, {"plot": "x", "colour": "red"})
    assert "plot" not in movies.require(movie.id).fields


def test_locks(movies: MovieRepository) -> None:
    movie = movies.add("Inception")
    movies.lock(movie.id, "title")
    movies.lock(movie.id, "title")  # twice is fine
    movies.lock(movie.id, "plot")
    assert movies.locked_fields(movie.id) == {"title", "plot"}
    movies.unlock(movie.id, "plot")
    assert movies.locked_fields(movie.id) == {"title"}
    with pytest.raises(ValueError):
        movies.lock(movie.id, "colour")
    with pytest.raises(UnknownEntityError):
        movies.lock(42, "title")


def test_status_monitoring_ids_and_lookups(movies: MovieRepository) -> None:
    first = movies.add("Inception", path="/a")
    second = movies.add("Heat", ids=ExternalIds(imdb="tt0113277"))
    movies.set_ids(first.id, INCEPTION)
    movies.set_status(first.id, IdentificationStatus.IDENTIFIED)
    movies.set_monitored(second.id, False)
    assert [m.id for m in movies.find_by_ids(ExternalIds(imdb="tt1375666"))] == [first.id]
    assert [m.id for m in movies.find_by_ids(ExternalIds(tmdb=27205, imdb="tt0113277"))] == [
        first.id,
        second.id,
    ]
    assert movies.find_by_ids(ExternalIds()) == []
    assert movies.find_by_path("/a") is not None
    assert [m.id for m in movies.all(monitored=True)] == [first.id]
    assert [m.id for m in movies.all(status=IdentificationStatus.IDENTIFIED)] == [first.id]
    assert movies.count() == 2


async def test_the_whole_library_loads_off_the_event_loop(movies: MovieRepository) -> None:
    for index in range(20):
        movies.add(f"Movie {index}")
    loaded = await movies.all_async()
    assert [m.title for m in loaded] == [f"Movie {index}" for index in range(20)]
    assert await movies.ids_async() == [m.id for m in loaded]


def test_enrichment_state_and_incomplete_providers(movies: MovieRepository, clock: VirtualClock) -> None:
    movie = movies.add("Inception")
    now = clock.now()
    movies.mark_enriched(movie.id, now, ["tmdb", "omdb"])
    movies.set_incomplete(movie.id, "omdb", now + timedelta(hours=5))
    movies.set_incomplete(movie.id, "tvdb", now + timedelta(minutes=1))
    read = movies.require(movie.id)
    assert read.last_enriched_at == now
    assert read.last_enriched_providers == ["tmdb", "omdb"]
    assert read.incomplete_providers == {"omdb": now + timedelta(hours=5), "tvdb": now + timedelta(minutes=1)}
    assert movies.incomplete_due(now) == []
    assert [m.id for m in movies.incomplete_due(now + timedelta(minutes=2))] == [movie.id]
    movies.clear_incomplete(movie.id, "tvdb")
    assert set(movies.require(movie.id).incomplete_providers) == {"omdb"}
    movies.clear_incomplete(movie.id)
    assert movies.require(movie.id).incomplete_providers == {}


def test_the_enrichment_log_lists_newest_first(clock: VirtualClock, database: Database) -> None:
    log = EnrichmentLogRepository()
    for index in range(3):
        log.append(
            EnrichmentLogRecord(
                entity_type="movie",
                entity_id=1,
                mode="auto" if index else "manual",
                providers=["tmdb"],
                changed_fields=[{"field": "plot", "old": None, "new": f"v{index}", "source": "tmdb"}],
                requires_player_sync=index == 2,
                sync_reason="Changed: plot" if index == 2 else None,
                enriched_at=clock.now() + timedelta(minutes=index),
            )
        )
    log.append(EnrichmentLogRecord("movie", 2, "auto", [], [], False, None, clock.now()))
    entries = log.for_entity("movie", 1)
    assert [e.changed_fields[0]["new"] for e in entries] == ["v2", "v1", "v0"]
    assert entries[0].requires_player_sync and entries[0].sync_reason == "Changed: plot"
    assert entries[0].to_json()["mode"] == "auto"
    assert len(log.for_entity("movie", 1, limit=1)) == 1


def test_deleting_a_movie_deletes_what_was_kept_about_it(
    movies: MovieRepository, database: Database, clock: VirtualClock
) -> None:
    movie = movies.add("Inception", ids=INCEPTION)
    other = movies.add("Heat")
    movies.set_fields(movie.id, {"plot": "x"}, {"plot": "tmdb"})
    movies.lock(movie.id, "title")
    assets = AssetRepository(database, clock)
    cache = ProviderCacheRepository(database, assets)
    data = ProviderData("tmdb", fields={"title": "Inception"})
    for entity in (movie.id, other.id):
        cache.store("movie", entity, INCEPTION, [AnswerToStore("tmdb", data, clock.now(), None)])
    EnrichmentLogRepository().append(
        EnrichmentLogRecord("movie", movie.id, "auto", [], [], False, None, clock.now())
    )
    movies.delete(movie.id)
    assert movies.get(movie.id) is None
    assert movies.field_sources(movie.id) == {}
    assert movies.locked_fields(movie.id) == set()
    assert cache.answers("movie", movie.id) == ({}, [])
    assert set(cache.answers("movie", other.id)[0]) == {"tmdb"}
    assert EnrichmentLogRepository().for_entity("movie", movie.id) == []
