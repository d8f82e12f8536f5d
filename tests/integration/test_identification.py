"""Identification against the sandbox: not found, ambiguous, a remake in another year, lookups from
each id type, the user's choice, memory-first (nothing cached before the identity is confirmed)."""

from __future__ import annotations

import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.identification import SelectionError
from metarr_desktop.services.identification import SelectionNotFoundError
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import ProviderCacheRepository
from tests.helpers.sandbox import TWINS

THE_THING_1982 = ExternalIds(tmdb=1091, imdb="tt0084787", tvdb=700014)


def cache_rows(suite: LibrarySuite) -> int:
    app = suite.app
    return ProviderCacheRepository(app.database, AssetRepository(app.database, app.clock)).count()


async def test_not_found_marks_the_movie_and_caches_nothing(suite: LibrarySuite) -> None:
    movie = suite.library.add("Qwxzy Nonexistent Film", year=1999)
    result = await suite.identification.identify(movie.id)
    assert (result.status, result.reason, result.candidates) == ("needs_identification", "not_found", [])
    assert suite.app.movies.require(movie.id).status is IdentificationStatus.NEEDS_IDENTIFICATION
    assert cache_rows(suite) == 0


async def test_same_title_same_year_is_ambiguous(suite: LibrarySuite) -> None:
    movie = suite.library.add(TWINS[0], year=TWINS[1])
    result = await suite.identification.identify(movie.id)
    assert (result.status, result.reason) == ("needs_identification", "ambiguous")
    assert {c.external_ids.tmdb for c in result.candidates} >= {990001, 990002}
    stored = suite.app.movies.require(movie.id)
    assert stored.status is IdentificationStatus.NEEDS_IDENTIFICATION and stored.ids.is_empty()
    assert cache_rows(suite) == 0  # memory-first: nothing cached while uncertain


async def test_a_remake_in_another_year_is_told_apart_by_the_year(suite: LibrarySuite) -> None:
    movie = suite.library.add("The Thing", year=1982)
    result = await suite.identification.identify(movie.id)
    assert (result.status, result.ids) == ("identified", THE_THING_1982)
    assert suite.app.movies.require(movie.id).ids == THE_THING_1982
    without_year = suite.library.add("The Thing")
    assert (await suite.identification.identify(without_year.id)).reason == "ambiguous"


async def test_one_film_described_by_two_providers_is_not_ambiguous(suite: LibrarySuite) -> None:
    movie = suite.library.add("Inception", year=2010)
    result = await suite.identification.identify(movie.id)
    assert result.status == "identified"
    assert result.ids == ExternalIds(tmdb=27205, imdb="tt1375666", tvdb=700003)


@pytest.mark.parametrize(
    "ids", [ExternalIds(tmdb=27205), ExternalIds(imdb="tt1375666"), ExternalIds(tvdb=700003)]
)
async def test_an_id_alone_is_cross_referenced(suite: LibrarySuite, ids: ExternalIds) -> None:
    movie = suite.library.add("whatever", ids=ids)
    result = await suite.identification.identify(movie.id)
    assert result.status == "identified"
    assert result.ids == ExternalIds(tmdb=27205, imdb="tt1375666", tvdb=700003)
    assert cache_rows(suite) == len(result.answers) + len(result.not_found) > 0


async def test_the_lookup_answers_are_reused_by_the_enrichment(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    movie = suite.library.add("Inception", year=2010)
    result = await suite.enrichment.enrich(movie.id)
    assert result.status is Status.ENRICHED and result.identification is not None
    requested = server.stats.snapshot()["requests"]
    # search (3 searching providers), the two probes and the rest of the lookup: never a provider twice
    # for the same film's metadata.
    assert requested["fanart"] == 1
    stored = suite.app.movies.require(movie.id)
    assert stored.status is IdentificationStatus.IDENTIFIED and stored.fields["plot"]


async def test_the_users_choice_replaces_the_identity(suite: LibrarySuite) -> None:
    movie = suite.library.add("The Thing", year=1982)
    await suite.enrichment.enrich(movie.id)
    result = await suite.identification.select(movie.id, "tmdb:60935")
    assert result.ids.tmdb == 60935 and result.ids.imdb == "tt0905372"
    enriched = await suite.enrichment.enrich(movie.id)
    assert {c.field: c.new for c in enriched.changes.changed_fields}["year"] == 2011
    # The choice's lookup answers were committed to the cache: none of those providers is asked again.
    assert enriched.cache_hits == len(result.answers) + len(result.not_found) > 0
    assert not set(enriched.providers) & set(result.answers)


async def test_bad_choices_change_nothing(suite: LibrarySuite) -> None:
    movie = suite.library.add("The Thing", year=1982)
    with pytest.raises(SelectionError):
        await suite.identification.select(movie.id, "netflix:1")
    with pytest.raises(InvalidIdError):
        await suite.identification.select(movie.id, "imdb:12")
    with pytest.raises(SelectionNotFoundError):
        await suite.identification.select(movie.id, "tmdb:123456789")
    assert suite.app.movies.require(movie.id) == movie


async def test_search_returns_scored_candidates(suite: LibrarySuite) -> None:
    outcome = await suite.identification.search("Dune", 2021)
    assert outcome.candidates[0].year == 2021 and outcome.candidates[0].title == "Dune"
    assert cache_rows(suite) == 0
