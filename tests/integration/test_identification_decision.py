"""Every identification decision is stored with the movie (identified, ambiguous, not found, the
user's choice), its `why` bounded, and `latest` reads it back in a new session."""

from __future__ import annotations

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationDecision
from metarr_desktop.services.identification import IdentificationService
from metarr_desktop.services.identification import bounded_why
from metarr_desktop.services.library_suite import LibrarySuite
from tests.helpers.sandbox import TWINS

INCEPTION = ExternalIds(tmdb=27205, imdb="tt1375666", tvdb=700003)


def stored(suite: LibrarySuite, movie_id: int) -> IdentificationDecision:
    decision = suite.app.movies.require(movie_id).identification
    assert decision is not None
    return decision


def fresh(suite: LibrarySuite) -> IdentificationService:
    """A service over the same database with nothing in memory (as after a restart)."""
    service = suite.identification
    return IdentificationService(service._identifier, suite.app.library_store, service._cache)


async def test_an_identified_movie_stores_why_it_was_matched(suite: LibrarySuite) -> None:
    movie = suite.library.add("Inception", year=2010)
    assert suite.app.movies.require(movie.id).identification is None
    result = await suite.identification.identify(movie.id)
    decision = stored(suite, movie.id)
    assert (decision.status, decision.reason, decision.ids) == ("identified", None, INCEPTION)
    assert decision.why == result.why and decision.why["rule"]
    assert decision.decided_at is not None and decision.decided_at == result.decided_at
    latest = fresh(suite).latest(movie.id)
    assert latest is not None and latest.identified and latest.why == result.why
    assert latest.ids == INCEPTION and latest.decided_at == decision.decided_at


async def test_an_ambiguous_movie_stores_why_it_needs_identification(suite: LibrarySuite) -> None:
    movie = suite.library.add(TWINS[0], year=TWINS[1])
    result = await suite.identification.identify(movie.id)
    decision = stored(suite, movie.id)
    assert (decision.status, decision.reason) == ("needs_identification", "ambiguous")
    assert decision.why == bounded_why(result.why) and decision.why["outcome"] == "ambiguous"
    latest = fresh(suite).latest(movie.id)
    assert latest is not None and latest.reason == "ambiguous" and latest.candidates == []


async def test_a_movie_not_found_stores_why(suite: LibrarySuite) -> None:
    movie = suite.library.add("Qwxzy Nonexistent Film", year=1999)
    result = await suite.identification.identify(movie.id)
    decision = stored(suite, movie.id)
    assert (decision.status, decision.reason) == ("needs_identification", "not_found")
    assert decision.why == result.why
    assert decision.ids.is_empty()


async def test_the_users_choice_is_stored_as_such_and_replaces_the_decision(suite: LibrarySuite) -> None:
    movie = suite.library.add(TWINS[0], year=TWINS[1])
    await suite.identification.identify(movie.id)
    await suite.identification.select(movie.id, "tmdb:27205")
    decision = stored(suite, movie.id)
    assert (decision.status, decision.ids) == ("identified", INCEPTION)
    assert decision.why["rule"] == "the user's choice"
    latest = fresh(suite).latest(movie.id)
    assert latest is not None and latest.why["rule"] == "the user's choice"


async def test_a_movie_never_identified_has_no_latest(suite: LibrarySuite) -> None:
    movie = suite.library.add("Inception", year=2010)
    assert fresh(suite).latest(movie.id) is None
    assert fresh(suite).latest(movie.id + 1000) is None  # an unknown movie


def test_a_stored_why_is_bounded() -> None:
    huge = {
        "rule": "x" * 10_000,
        "best": {"title": "Bad\x1b[31mTitle\n", "ids": list(range(1000))},
        "deep": {"a": {"b": {"c": {"d": {"e": 1}}}}},
        "many": {f"k{n}": n for n in range(500)},
        "odd": ExternalIds(tmdb=1),
    }
    bounded = bounded_why(huge)
    assert len(bounded["rule"]) == 201 and bounded["rule"].endswith("…")
    assert bounded["best"] == {"title": "Bad [31mTitle ", "ids": list(range(20))}
    assert bounded["deep"] == {"a": {"b": {"c": None}}}
    assert len(bounded["many"]) == 20
    assert isinstance(bounded["odd"], str)
