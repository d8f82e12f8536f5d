"""The session's figures the Health page and the window show (`OrchestratorMetrics`, `CacheStats`)
count what the enrichment really did: one execution per movie fetched, whether its identification's
lookup or a fetch asked the providers, and one hit or miss per provider answer."""

from __future__ import annotations

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library_suite import LibrarySuite

#: Films of the demo catalog with only some of their ids: each is identified (looked up) first.
MOVIES = {
    "Inception": ExternalIds(imdb="tt1375666"),
    "The Matrix": ExternalIds(tmdb=603),
    "The Dark Knight": ExternalIds(imdb="tt0468569"),
}
PROVIDERS = 4  # omdb, tmdb, tvdb, fanart


def requests(server: SandboxServer) -> int:
    return sum(server.stats.snapshot()["requests"].values())


async def test_each_movie_fetched_is_one_execution_and_its_answers_are_misses_then_hits(
    suite: LibrarySuite, server: SandboxServer
) -> None:
    movie_ids = [suite.library.add(title, ids=ids).id for title, ids in MOVIES.items()]
    metrics, stats = suite.app.orchestrator.metrics, suite.cache_stats
    assert metrics.executions == 0 and stats.hits + stats.misses == 0

    first = await suite.enrichment.enrich_many(movie_ids)
    assert [r.status for r in first.results] == [Status.ENRICHED] * len(MOVIES)
    assert all(len(r.providers) == PROVIDERS for r in first.results)
    # Identified first: each movie's lookup (with any fetch after it) is one execution.
    assert metrics.executions == len(MOVIES) and metrics.success_rate == 1.0
    assert metrics.average_duration_s > 0
    assert (stats.hits, stats.misses) == (0, PROVIDERS * len(MOVIES))
    assert stats.network_fetches == len(MOVIES) and stats.average_fetch_s > 0

    before = requests(server)
    second = await suite.enrichment.enrich_many(movie_ids)  # within freshness: the cache answers
    assert all(r.cache_hits == PROVIDERS for r in second.results)
    assert requests(server) == before
    assert metrics.executions == len(MOVIES)
    assert (stats.hits, stats.misses) == (PROVIDERS * len(MOVIES), PROVIDERS * len(MOVIES))
    assert stats.network_fetches == len(MOVIES) and stats.hit_rate == 0.5

    # Identified now: a forced refresh fetches every provider of each movie once more.
    await suite.enrichment.enrich_many(movie_ids, EnrichOptions(force=True))
    assert metrics.executions == 2 * len(MOVIES) and metrics.success_rate == 1.0
    assert (stats.hits, stats.misses) == (PROVIDERS * len(MOVIES), 2 * PROVIDERS * len(MOVIES))
    assert stats.network_fetches == 2 * len(MOVIES)
