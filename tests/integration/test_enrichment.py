"""Document 5's integration scenarios, end to end against the sandbox on loopback."""

from __future__ import annotations

import asyncio
import dataclasses

from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.authority import default_authority
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import ProviderCacheRepository

INCEPTION = ExternalIds(imdb="tt1375666")
PROVIDERS = {"omdb", "tmdb", "tvdb", "fanart"}


def requests(server: SandboxServer) -> int:
    return sum(server.stats.snapshot()["requests"].values())


def cache_rows(suite: LibrarySuite) -> int:
    app = suite.app
    return ProviderCacheRepository(app.database, AssetRepository(app.database, app.clock)).count()


def exhaust(suite: LibrarySuite, *providers: str) -> None:
    for provider in providers:
        suite.app.pool.get(provider).gate.quota.mark_exhausted()


async def test_all_providers_succeed_then_the_cache_answers(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    movie = suite.library.add("Inception", year=2010, ids=INCEPTION)
    result = await suite.enrichment.enrich(movie.id)
    assert result.status is Status.ENRICHED
    assert set(result.providers) == PROVIDERS and not result.rate_limited and not result.failed
    stored = suite.app.movies.require(movie.id)
    assert stored.status is IdentificationStatus.IDENTIFIED
    assert stored.ids == ExternalIds(tmdb=27205, imdb="tt1375666", tvdb=700003)
    assert set(stored.last_enriched_providers) == PROVIDERS
    assert suite.app.enrichment_log.for_entity("movie", movie.id)[0].changed_fields

    before = requests(server)
    again = await suite.enrichment.enrich(movie.id)
    assert again.status is Status.UNCHANGED
    assert sorted(again.cached) == sorted(PROVIDERS) and again.cache_hits == 4
    assert requests(server) == before  # a fresh entity costs no request


async def test_omdb_supplies_the_rating_and_tmdb_the_plot(suite: LibrarySuite) -> None:
    movie = suite.library.add("Inception", ids=INCEPTION)
    result = await suite.enrichment.enrich(movie.id)
    sources = {c.field: c.source for c in result.changes.changed_fields}
    assert sources["plot"] == "tmdb"
    assert sources["imdb_rating"] == "omdb"
    assert sources["rotten_tomatoes_score"] == "omdb"
    stored = suite.app.movies.field_sources(movie.id)
    assert stored["plot"].provider == "tmdb" and stored["imdb_rating"].provider == "omdb"


async def test_a_field_omdb_lacks_is_filled_by_tmdb(suite: LibrarySuite) -> None:
    rules = default_authority()
    rules.field_authorities["tagline"] = FieldAuthority(["omdb", "tmdb"], exclusive=False)
    suite.app.authority.set(rules)
    movie = suite.library.add("Inception", ids=INCEPTION)
    result = await suite.enrichment.enrich(movie.id)
    tagline = next(c for c in result.changes.changed_fields if c.field == "tagline")
    assert tagline.source == "tmdb" and tagline.new


async def test_an_exclusive_field_without_a_value_stays_empty(suite: LibrarySuite) -> None:
    rules = default_authority()
    rules.field_authorities["plot"] = FieldAuthority(["omdb"], exclusive=True)
    suite.app.authority.set(rules)
    exhaust(suite, "omdb")
    movie = suite.library.add("Inception", ids=INCEPTION)
    result = await suite.enrichment.enrich(movie.id)
    assert result.status is Status.ENRICHED
    stored = suite.app.movies.require(movie.id)
    assert "plot" not in stored.fields  # TMDB has a plot, but plot is OMDb's alone
    assert "imdb_rating" not in stored.fields and stored.fields["tmdb_rating"]


async def test_one_rate_limited_provider_is_skipped_and_marked_incomplete(suite: LibrarySuite) -> None:
    exhaust(suite, "omdb")
    reset = suite.app.pool.get("omdb").gate.rate_limited_until()
    movie = suite.library.add("Inception", ids=INCEPTION)
    result = await suite.enrichment.enrich(movie.id)
    assert result.status is Status.ENRICHED
    assert result.rate_limited == ["omdb"]
    assert set(result.providers) == PROVIDERS - {"omdb"}
    stored = suite.app.movies.require(movie.id)
    assert stored.incomplete_providers == {"omdb": reset}
    assert stored.fields["plot"] and "imdb_rating" not in stored.fields
    assert suite.enrichment.due_for_retry() == []


async def test_a_quota_answer_from_the_provider_marks_it_incomplete(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    from metarr_desktop.sandbox import SandboxLimits
    from metarr_desktop.sandbox import ServiceLimit

    limits = SandboxLimits()
    server.set_limits(SandboxLimits({**limits.services, "omdb": ServiceLimit(None, 1.0, daily_quota=0)}))
    movie = suite.library.add("Inception", ids=ExternalIds(tmdb=27205))
    result = await suite.enrichment.enrich(movie.id)
    assert result.status is Status.ENRICHED
    assert "omdb" in result.rate_limited or any(f.provider == "omdb" for f in result.failed)
    assert "omdb" in suite.app.movies.require(movie.id).incomplete_providers


async def test_every_provider_rate_limited_fails_and_leaves_the_movie_untouched(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    movie = suite.library.add("Inception", year=2010, ids=INCEPTION)
    exhaust(suite, *PROVIDERS)
    before = requests(server)
    result = await suite.enrichment.enrich(movie.id)
    assert result.status is Status.FAILED and result.error
    assert requests(server) == before  # no request that must fail was sent
    assert sorted(result.rate_limited) == sorted(PROVIDERS)
    assert {(s.provider, s.reason.value) for s in result.skipped} == {(p, "quota") for p in PROVIDERS}
    stored = suite.app.movies.require(movie.id)
    # Untouched, except that it is asked again once the quotas reset (issue 20, item 6).
    assert dataclasses.replace(stored, incomplete_providers={}, updated_at=movie.updated_at) == movie
    assert set(stored.incomplete_providers) == PROVIDERS
    assert suite.app.enrichment_log.for_entity("movie", movie.id) == []
    assert cache_rows(suite) == 0


async def test_changed_fields_trigger_sync_and_no_change_no_sync(suite: LibrarySuite) -> None:
    movie = suite.library.add("Inception", ids=INCEPTION)
    first = await suite.enrichment.enrich(movie.id)
    assert first.changes.requires_player_sync
    assert first.changes.sync_reason is not None and "plot" in first.changes.sync_reason
    second = await suite.enrichment.enrich(movie.id, EnrichOptions(force=True))
    assert second.status is Status.UNCHANGED
    assert set(second.providers) == PROVIDERS  # forced: asked again
    assert not second.changes.requires_player_sync and second.changes.sync_reason is None


async def test_a_locked_field_is_not_changed_even_by_a_forced_refresh(suite: LibrarySuite) -> None:
    movie = suite.library.add("Inception", ids=INCEPTION)
    suite.app.movies.set_fields(movie.id, {"plot": "My own words."})
    suite.app.movies.lock(movie.id, "plot")
    for options in (EnrichOptions(), EnrichOptions(force=True)):
        result = await suite.enrichment.enrich(movie.id, options)
        assert "plot" not in [c.field for c in result.changes.changed_fields]
        assert suite.app.movies.require(movie.id).fields["plot"] == "My own words."
    assert "plot" not in suite.app.movies.field_sources(movie.id)


async def test_providers_subset_asks_only_those(suite: LibrarySuite) -> None:
    movie = suite.library.add("Inception", ids=INCEPTION)
    await suite.enrichment.enrich(movie.id)
    result = await suite.enrichment.enrich(movie.id, EnrichOptions(force=True, providers=("omdb",)))
    assert result.providers == ["omdb"]
    assert result.status is Status.UNCHANGED  # the others' cached answers still rank the fields


async def test_the_scheduled_run_skips_unmonitored_movies_and_uses_the_cache(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    ids = [
        suite.library.add("Inception", ids=INCEPTION).id,
        suite.library.add("The Matrix", ids=ExternalIds(tmdb=603)).id,
        suite.library.add("Heat", ids=ExternalIds(imdb="tt0113277")).id,
    ]
    suite.library.set_monitored(ids[2], False)
    assert suite.schedule.is_missed()
    report = await suite.schedule.run_now()
    assert [r.status for r in report.results] == [Status.ENRICHED, Status.ENRICHED, Status.SKIPPED]
    assert not suite.schedule.is_missed() and suite.schedule.last_run() is not None
    before = requests(server)
    again = await suite.schedule.run_now()
    assert [r.status for r in again.results] == [Status.UNCHANGED, Status.UNCHANGED, Status.SKIPPED]
    assert requests(server) == before and again.network_requests == 0
    assert again.cache_hits == 8


async def test_enrich_all_keeps_going_past_a_failure(suite: LibrarySuite) -> None:
    good = suite.library.add("Inception", ids=INCEPTION).id
    bad = suite.library.add("No Such Film Anywhere", year=1901).id
    report = await suite.enrichment.enrich_many([bad, good], EnrichOptions())
    assert [r.movie_id for r in report.results] == [bad, good]
    assert report.results[0].status is Status.NEEDS_IDENTIFICATION
    assert report.results[1].status is Status.ENRICHED
    assert not report.all_failed and report.network_requests > 0


async def test_a_run_from_the_cache_lets_the_event_loop_breathe(suite: LibrarySuite) -> None:
    """The window shares the loop: a cached run must not hold it for the whole library."""
    movie = suite.library.add("Inception", ids=INCEPTION).id
    await suite.enrichment.enrich(movie, EnrichOptions())  # now every answer is cached
    movies = [movie] * 40
    ticks = 0
    run = asyncio.ensure_future(suite.enrichment.enrich_many(movies, EnrichOptions(), concurrency=4))
    while not run.done():
        ticks += 1
        await asyncio.sleep(0)
    report = await run
    assert report.network_requests == 0 and len(report.results) == 40
    assert ticks >= 40 // 4  # the loop ran other work at least once per round of movies


async def test_one_budget_per_provider_for_a_refresh_that_identifies_first(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    """Issue 13's scenario over loopback (budget shortened to 4 s): TheTVDB hangs, fanart.tv answers
    503; the movie has TMDB and IMDb ids but is not identified. One budget for identification and
    fetch: the refresh ends in about one budget, fanart.tv is asked once plus its 2 retries."""
    import time

    from metarr_desktop.services.config import ProviderUpdate

    for provider in PROVIDERS:
        await suite.app.providers.update(provider, ProviderUpdate(user_timeout_s=4.0))
    server.set_faults("tvdb:timeout,fanart:503")
    movie = suite.library.add("Inception", year=2010, ids=ExternalIds(tmdb=27205, imdb="tt1375666"))
    server.stats.reset()
    started = time.perf_counter()
    result = await suite.enrichment.enrich(movie.id)
    wall = time.perf_counter() - started
    assert 3.9 <= wall < 6.0  # one budget (4 s), not two
    assert result.status is Status.ENRICHED and result.timed_out == ["tvdb"]
    assert [f.provider for f in result.failed] == ["fanart"]
    assert server.stats.snapshot()["requests"]["fanart"] == 3
