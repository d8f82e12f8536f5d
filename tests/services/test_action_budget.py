"""One budget per provider per user action, single-flight enrichment, and identification that a
passing provider failure never parks as "not found" (issue 13 items 1 and 5, issue 20 item 6).

Simulated time (`VirtualClock`) and `FakeServices` behind `httpx.MockTransport`: requests are
counted exactly and a hanging provider costs no real time.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library_suite import LibrarySuite
from tests.helpers.fake_services import FakeServices

INCEPTION = ExternalIds(tmdb=27205, imdb="tt1375666")


class HangingServices(FakeServices):
    """`FakeServices` where the providers in `hang` never answer (until cancelled)."""

    def __init__(self) -> None:
        super().__init__()
        self.hang: set[str] = set()

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.host.split(".")[0] in self.hang:
            self.requests.append(request)
            await asyncio.Event().wait()
        return await super().handle(request)


@pytest.fixture
def fake_providers() -> HangingServices:
    return HangingServices()


@pytest.fixture
def suite(services: AppServices) -> LibrarySuite:
    return LibrarySuite.create(services)


async def test_a_refresh_of_an_unidentified_movie_spends_one_budget_per_provider(
    suite: LibrarySuite, fake_providers: HangingServices, clock: VirtualClock
) -> None:
    """The issue's scenario: added with TMDB and IMDb ids, never identified; TheTVDB hangs and
    fanart.tv answers 503. Identification and fetch share each provider's 10 s budget: the
    refresh ends in about 10 s, fanart.tv is asked once plus its 2 retries, TheTVDB once."""
    fake_providers.hang.add("tvdb")
    fake_providers.status["fanart"] = 503
    movie = suite.library.add("Inception", year=2010, ids=INCEPTION)
    assert movie.status is not IdentificationStatus.IDENTIFIED
    started = clock.monotonic()
    result = await suite.enrichment.enrich(movie.id, EnrichOptions(priority=Priority.USER))
    elapsed = clock.monotonic() - started
    assert elapsed == pytest.approx(10.0, abs=0.5)
    assert fake_providers.count("fanart") == 3 and fake_providers.count("tvdb") == 1
    assert result.status is Status.ENRICHED
    assert result.timed_out == ["tvdb"]
    assert [f.provider for f in result.failed] == ["fanart"]
    assert sorted(result.providers) == ["omdb", "tmdb"]
    stored = suite.app.movies.require(movie.id)
    assert sorted(stored.last_enriched_providers) == ["omdb", "tmdb"]  # only those that answered


async def test_two_concurrent_enrichments_of_one_movie_send_one_set_of_requests(
    suite: LibrarySuite, fake_providers: HangingServices
) -> None:
    """The window and the schedule ask for the same movie at once: one set of requests, and both
    get its outcome, the failure included."""
    fake_providers.status["fanart"] = 503
    movie = suite.library.add("Inception", year=2010, ids=INCEPTION)
    window, schedule = await asyncio.gather(
        suite.enrichment.enrich(movie.id, EnrichOptions(mode=Mode.MANUAL, priority=Priority.USER)),
        suite.enrichment.enrich(movie.id, EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND)),
    )
    assert fake_providers.counts() == {"omdb": 1, "tmdb": 1, "tvdb": 1, "fanart": 3}
    for result in (window, schedule):
        assert result.status is Status.ENRICHED
        assert [f.provider for f in result.failed] == ["fanart"]
    assert len(suite.app.enrichment_log.for_entity("movie", movie.id)) == 1


async def test_a_cancelled_owner_lets_the_joined_caller_run_its_own(
    suite: LibrarySuite, fake_providers: HangingServices
) -> None:
    movie = suite.library.add("Inception", year=2010, ids=INCEPTION)
    fake_providers.hang.add("tvdb")
    owner = asyncio.ensure_future(suite.enrichment.enrich(movie.id))
    for _ in range(20):  # a few loop steps: simulated time does not move meanwhile
        await asyncio.sleep(0)
    assert fake_providers.count("tvdb") == 1
    joined = asyncio.ensure_future(suite.enrichment.enrich(movie.id))
    for _ in range(3):
        await asyncio.sleep(0)
    owner.cancel()
    fake_providers.hang.clear()
    result = await joined
    assert owner.cancelled() and result.status is Status.ENRICHED


@pytest.mark.parametrize(("status", "listed"), [(500, "failed"), (429, "rate_limited")])
async def test_a_passing_failure_of_the_only_provider_that_knows_the_film_is_not_not_found(
    suite: LibrarySuite, fake_providers: HangingServices, status: int, listed: str
) -> None:
    """Only TMDB knows the film and it fails for now: the movie stays unidentified (not parked as
    needs_identification / not_found), a 429 is reported as rate limited, and the next automatic
    run identifies it."""
    for provider in ("omdb", "tvdb", "fanart"):
        fake_providers.not_found.add((provider, "27205"))
    fake_providers.status["tmdb"] = status
    movie = suite.library.add("Obscure", ids=ExternalIds(tmdb=27205))
    result = await suite.enrichment.enrich(movie.id)
    assert result.status is Status.FAILED and result.error
    stored = suite.app.movies.require(movie.id)
    assert stored.status is IdentificationStatus.UNIDENTIFIED
    if listed == "rate_limited":
        assert result.rate_limited == ["tmdb"] and not result.failed
        assert [(s.provider, s.reason.value) for s in result.skipped] == [("tmdb", "rate_limited")]
    else:
        assert [f.provider for f in result.failed] == ["tmdb"] and not result.rate_limited
    assert "tmdb" in stored.incomplete_providers  # asked again after its reset

    del fake_providers.status["tmdb"]
    scheduled = EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND)
    again = await suite.enrichment.enrich(movie.id, scheduled)
    assert again.status is Status.ENRICHED
    assert suite.app.movies.require(movie.id).status is IdentificationStatus.IDENTIFIED
