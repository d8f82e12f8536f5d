"""The movie page's service calls: a movie in detail, hand edits (checked, sourced "user", locked),
lock toggles, and the enrichment's progress listener."""

from __future__ import annotations

from typing import Any

import pytest

from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.engine.events import RecordingProgress
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library import LibraryError
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.movie_fields import USER_SOURCE
from metarr_desktop.services.movie_fields import FieldValueError
from metarr_desktop.services.movie_fields import normalise_value
from tests.helpers.fake_services import FakeServices
from tests.helpers.fixtures import Opener
from tests.helpers.library_suite import enriched_matrix


@pytest.fixture
async def suite(open_services: Opener) -> LibrarySuite:
    return LibrarySuite.create(open_services())


async def test_the_detail_lists_every_field_with_its_source_lock_ratings_and_history(
    suite: LibrarySuite,
) -> None:
    movie_id = await enriched_matrix(suite)
    suite.app.movies.set_fields(
        movie_id, {"imdb_rating": 8.7, "imdb_votes": 2_000_000}, {"imdb_rating": "omdb"}
    )
    suite.library.set_locked(movie_id, "genres", True)
    detail = suite.library.movie_detail(movie_id)
    assert list(detail.fields)[:3] == ["title", "original_title", "sort_title"]
    assert len(detail.fields) == 36
    assert detail.fields["plot"].value == "Plot of 603 from tmdb"
    assert detail.fields["plot"].source == "tmdb" and not detail.fields["plot"].locked
    assert detail.fields["genres"].locked and detail.locked == {"genres"}
    assert detail.fields["tagline"].value is None and detail.fields["tagline"].source is None
    assert detail.ratings == [{"source": "imdb", "value": 8.7, "votes": 2_000_000}]
    assert len(detail.history) == 1 and detail.history[0].mode == "manual"


async def test_an_unknown_movie_is_reported(suite: LibrarySuite) -> None:
    with pytest.raises(UnknownEntityError):
        suite.library.movie_detail(999)
    with pytest.raises(UnknownEntityError):
        suite.library.edit_field(999, "plot", "x")


async def test_a_hand_edit_is_written_sourced_user_and_locked_in_one_go(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    detail = suite.library.edit_field(movie_id, "plot", "  My own summary.  ")
    assert detail.value == "My own summary." and detail.source == USER_SOURCE and detail.locked
    stored = suite.app.movies.require(movie_id)
    assert stored.fields["plot"] == "My own summary."
    assert suite.app.movies.field_sources(movie_id)["plot"].provider == USER_SOURCE
    assert suite.app.movies.locked_fields(movie_id) == {"plot"}


async def test_a_forced_refresh_leaves_edited_and_locked_fields_alone(
    suite: LibrarySuite, fake_providers: FakeServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    movie_id = await enriched_matrix(suite)
    suite.library.edit_field(movie_id, "plot", "Mine.")
    suite.library.set_locked(movie_id, "genres", True)

    from tests.helpers import fake_services

    original = fake_services.answer

    def changed(provider: str, movie: str) -> dict[str, Any]:
        body = original(provider, movie)
        body["fields"].update({"title": "Renamed", "plot": "New plot", "genres": ["Horror"]})
        return body

    monkeypatch.setattr(fake_services, "answer", changed)
    before = fake_providers.count()
    result = await suite.enrichment.enrich(movie_id, EnrichOptions(mode=Mode.MANUAL, force=True))
    assert fake_providers.count() > before  # really asked again
    assert result.changes.names() == ["title"]
    stored = suite.app.movies.require(movie_id)
    assert stored.fields["plot"] == "Mine." and stored.fields["genres"] == ["Drama"]
    assert stored.fields["title"] == "Renamed"


async def test_clearing_a_field_keeps_it_empty_and_locked(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    detail = suite.library.edit_field(movie_id, "genres", "")
    assert detail.value is None and detail.locked
    assert "genres" not in suite.app.movies.require(movie_id).fields
    await suite.enrichment.enrich(movie_id, EnrichOptions(force=True))
    assert "genres" not in suite.app.movies.require(movie_id).fields


async def test_bad_values_are_refused_and_nothing_is_written(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    for name, value in (
        ("runtime", "two hours"),
        ("runtime", "0"),
        ("year", "1700"),
        ("imdb_rating", "11"),
        ("release_date", "16/07/2010"),
        ("poster", "not a url"),
        ("title", "   "),
        ("tmdb_id", "604"),
        ("nonsense", "x"),
    ):
        with pytest.raises(LibraryError):
            suite.library.edit_field(movie_id, name, value)
    assert suite.app.movies.locked_fields(movie_id) == set()
    assert suite.app.movies.require(movie_id).fields["title"] == "Movie 603"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("runtime", " 148 ", 148),
        ("runtime", "148 min", 148),
        ("imdb_votes", "2,600,000", 2_600_000),
        ("imdb_rating", "8,8", 8.8),
        ("tmdb_rating", "7", 7.0),
        ("release_date", "2010-07-16", "2010-07-16"),
        ("genres", "Action, Sci-Fi,, action ", ["Action", "Sci-Fi"]),
        ("trailer", "https://www.youtube.com/watch?v=x", "https://www.youtube.com/watch?v=x"),
        ("tagline", "", None),
    ],
)
def test_typed_text_becomes_the_field_s_type(name: str, text: str, expected: Any) -> None:
    assert normalise_value(name, text) == expected


def test_the_cast_keeps_roles_of_names_already_in_it() -> None:
    current = [
        {"name": "Keanu Reeves", "role": "Neo", "order": 0, "thumb": "https://x/k.jpg"},
        {"name": "Laurence Fishburne", "role": "Morpheus", "order": 1, "thumb": None},
    ]
    cast = normalise_value("cast", "Carrie-Anne Moss, keanu reeves", current)
    assert cast == [
        {"name": "Carrie-Anne Moss", "role": None, "thumb": None, "order": 0},
        {"name": "keanu reeves", "role": "Neo", "order": 1, "thumb": "https://x/k.jpg"},
    ]


def test_messages_say_what_is_expected() -> None:
    with pytest.raises(FieldValueError, match="Runtime must be a whole number \\(minutes\\) from 1 to 2000"):
        normalise_value("runtime", "abc")
    with pytest.raises(FieldValueError, match="Identify"):
        normalise_value("imdb_id", "tt0133093")


async def test_lock_and_unlock(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    suite.library.set_locked(movie_id, "plot", True)
    assert suite.app.movies.locked_fields(movie_id) == {"plot"}
    suite.library.set_locked(movie_id, "plot", False)
    assert suite.app.movies.locked_fields(movie_id) == set()
    with pytest.raises(LibraryError):
        suite.library.set_locked(movie_id, "nonsense", True)


async def test_enrich_reports_each_provider_s_progress(
    suite: LibrarySuite, fake_providers: FakeServices
) -> None:
    movie_id = await enriched_matrix(suite)
    fake_providers.status["tvdb"] = 503
    progress = RecordingProgress()
    await suite.enrichment.enrich(movie_id, EnrichOptions(force=True), progress=progress)
    events = progress.events
    for provider in ("omdb", "tmdb", "fanart"):
        assert ("start", provider) in events and ("complete", provider, "true") in events
    assert ("retry", "tvdb", "1", "2") in events and ("retry", "tvdb", "2", "2") in events
    assert ("complete", "tvdb", "false") in events


async def test_answers_from_the_cache_send_no_progress(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    progress = RecordingProgress()
    result = await suite.enrichment.enrich(movie_id, progress=progress)
    assert result.status is Status.UNCHANGED and progress.events == []
