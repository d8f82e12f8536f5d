"""`ProviderCacheManager`: TTL, force, partial freshness, faults, single-flight, search, assets."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import peewee as pw
import pytest

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.clock import SystemClock
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.provider_cache import DEFAULT_TTL
from metarr_desktop.store.database import store_error
from metarr_desktop.store.models import ProviderCacheEntry
from tests.helpers.fake_services import FakeServices
from tests.helpers.fixtures import Opener

IDS = ExternalIds(tmdb=27205, imdb="tt1375666")
ALL = ["omdb", "tmdb", "tvdb", "fanart"]


@pytest.fixture
def movie_id(services: AppServices) -> int:
    return services.movies.add("Inception", year=2010, ids=IDS).id


async def test_a_miss_fetches_every_provider_and_the_next_call_is_answered_from_the_cache(
    services: AppServices, fake_providers: FakeServices, clock: VirtualClock, movie_id: int
) -> None:
    first = await services.cache.fetch_assets("movie", movie_id, IDS, ["poster", "fanart"])
    assert first.cached is False
    assert first.fetched_providers == ALL and first.cached_providers == []
    assert first.results.completed == ALL
    assert fake_providers.counts() == {p: 1 for p in ALL}
    clock.advance(2.5 * 86400)
    second = await services.cache.fetch_assets("movie", movie_id, IDS, ["poster", "fanart"])
    assert fake_providers.count() == 4  # no network request
    assert second.cached is True
    assert second.cache_age == timedelta(days=2.5) and second.cache_age_days == pytest.approx(2.5)
    assert sorted(second.cached_providers) == sorted(ALL) and second.fetched_providers == []
    assert sorted(second.results.completed) == sorted(ALL)
    assert second.providers["tmdb"].fields == first.providers["tmdb"].fields
    assert second.providers["tmdb"].assets == first.providers["tmdb"].assets
    assert services.cache.stats.hits == 4 and services.cache.stats.misses == 4


@pytest.mark.parametrize(
    ("age", "fresh"),
    [
        (DEFAULT_TTL - timedelta(microseconds=1), True),
        (DEFAULT_TTL, False),  # exactly 7 days old is stale
        (DEFAULT_TTL + timedelta(seconds=1), False),
    ],
)
async def test_the_ttl_edge(
    services: AppServices,
    fake_providers: FakeServices,
    clock: VirtualClock,
    movie_id: int,
    age: timedelta,
    fresh: bool,
) -> None:
    await services.cache.fetch_assets("movie", movie_id, IDS)
    clock.advance(age.total_seconds())
    result = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert result.cached is fresh
    assert fake_providers.count() == (4 if fresh else 8)


async def test_the_ttl_is_configurable(
    services: AppServices, fake_providers: FakeServices, clock: VirtualClock, movie_id: int
) -> None:
    services.set_cache_ttl(1)
    await services.cache.fetch_assets("movie", movie_id, IDS)
    clock.advance(86400)
    assert (await services.cache.fetch_assets("movie", movie_id, IDS)).cached is False
    with pytest.raises(ValueError):
        services.set_cache_ttl(0)


async def test_force_fetches_again_and_refreshes_the_cache(
    services: AppServices, fake_providers: FakeServices, clock: VirtualClock, movie_id: int
) -> None:
    await services.cache.fetch_assets("movie", movie_id, IDS)
    clock.advance(60)
    forced = await services.cache.fetch_assets("movie", movie_id, IDS, force=True)
    assert forced.cached is False and forced.fetched_providers == ALL
    assert fake_providers.count() == 8
    clock.advance(DEFAULT_TTL.total_seconds() - 30)  # fresh counted from the forced fetch
    assert (await services.cache.fetch_assets("movie", movie_id, IDS)).cached is True


async def test_only_the_providers_without_a_fresh_answer_are_fetched(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    await services.cache.fetch_assets("movie", movie_id, IDS)
    services.cache.invalidate("movie", movie_id, provider="omdb")
    result = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert result.cached is False
    assert result.fetched_providers == ["omdb"]
    assert sorted(result.cached_providers) == ["fanart", "tmdb", "tvdb"]
    assert sorted(result.results.completed) == sorted(ALL)
    assert fake_providers.counts()["omdb"] == 2 and fake_providers.count() == 5


async def test_not_found_is_cached_as_an_empty_answer(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    fake_providers.not_found.add(("omdb", "27205"))
    first = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert first.results.not_found == ["omdb"] and "omdb" not in first.providers
    second = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert second.cached is True and second.results.not_found == ["omdb"]
    assert fake_providers.counts()["omdb"] == 1


async def test_failures_are_not_cached(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    fake_providers.status["tvdb"] = 500
    first = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert [f.provider for f in first.results.failed] == ["tvdb"]
    assert fake_providers.counts()["tvdb"] == 3  # one try and the user priority's two retries
    del fake_providers.status["tvdb"]
    second = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert second.fetched_providers == ["tvdb"] and second.results.completed.count("tvdb") == 1


async def test_a_rate_limited_provider_is_not_cached_and_its_limit_is_saved(
    services: AppServices, fake_providers: FakeServices, clock: VirtualClock, movie_id: int
) -> None:
    fake_providers.status["omdb"] = 429
    fake_providers.headers["omdb"] = {"Retry-After": "3600"}
    result = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert result.results.rate_limited == ["omdb"]
    record = services.rate_state._repository.get("omdb")
    assert record is not None and record.reset_at == clock.now() + timedelta(hours=1)
    assert record.consecutive_rate_limits == 1 and record.exhausted_at == clock.now()
    again = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert (
        again.results.rate_limited == ["omdb"] and fake_providers.counts()["omdb"] == 1
    )  # skipped, no request


async def test_an_unreadable_cache_row_is_a_miss(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    await services.cache.fetch_assets("movie", movie_id, IDS)
    ProviderCacheEntry.update(payload="{corrupt").where(ProviderCacheEntry.provider_id == "tmdb").execute()
    result = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert result.unreadable == ["tmdb"] and result.fetched_providers == ["tmdb"]
    assert (await services.cache.fetch_assets("movie", movie_id, IDS)).cached is True  # repaired


async def test_a_failed_cache_write_is_logged_and_the_data_still_returned(
    services: AppServices,
    fake_providers: FakeServices,
    movie_id: int,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def failing_store(*args: object, **kwargs: object) -> None:
        raise store_error(pw.OperationalError("database or disk is full"), "write")  # as the repository does

    monkeypatch.setattr(services.cache._cache, "store", failing_store)
    result = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert result.saved is False
    assert sorted(result.providers) == sorted(ALL)
    assert "could not write the cache" in caplog.text
    assert services.cache.stats.write_failures == 1


async def test_an_unreadable_cache_table_means_fetching(
    services: AppServices, fake_providers: FakeServices, movie_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_read(*args: object) -> None:
        raise store_error(pw.OperationalError("disk I/O error"), "read")  # as the repository does

    monkeypatch.setattr(services.cache._cache, "answers", failing_read)
    result = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert result.fetched_providers == ALL and fake_providers.count() == 4


async def test_concurrent_calls_for_one_entity_share_one_network_fetch(
    open_services: Opener, fake_providers: FakeServices
) -> None:
    # The real clock: a virtual one would jump to the requests' timeout while they are held.
    services = open_services(clock=SystemClock())
    movie_id = services.movies.add("Inception", ids=IDS).id
    fake_providers.hold = asyncio.Event()
    first = asyncio.create_task(services.cache.fetch_assets("movie", movie_id, IDS))
    second = asyncio.create_task(services.cache.fetch_assets("movie", movie_id, IDS))
    third = asyncio.create_task(services.cache.fetch_assets("movie", movie_id, IDS, force=True))
    for _ in range(100):
        await asyncio.sleep(0)
    assert fake_providers.count() == 4  # the first caller's requests, waiting for the answer
    fake_providers.hold.set()
    results = await asyncio.gather(first, second, third)
    assert fake_providers.count() == 4
    assert results[0].fetched_providers == ALL and results[0].results.completed == ALL
    assert sorted(results[1].cached_providers) == sorted(ALL)
    assert sorted(results[2].fetched_providers) == sorted(ALL)  # forced: shares the fresh fetch
    for result in results[1:]:
        assert result.providers["tmdb"].fields == results[0].providers["tmdb"].fields


async def test_concurrent_callers_share_a_failure_instead_of_retrying_it(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    fake_providers.status["tvdb"] = 500
    results = await asyncio.gather(*(services.cache.fetch_assets("movie", movie_id, IDS) for _ in range(3)))
    assert fake_providers.counts()["tvdb"] == 3  # one fetch (with its retries), not three
    for result in results:
        assert [f.provider for f in result.results.failed] == ["tvdb"]
    assert services.cache.stats.network_fetches == 1


async def test_different_entities_are_fetched_independently(
    services: AppServices, fake_providers: FakeServices
) -> None:
    ids = [services.movies.add(f"M{i}", ids=ExternalIds(tmdb=100 + i)).id for i in range(3)]
    await asyncio.gather(
        *(services.cache.fetch_assets("movie", mid, ExternalIds(tmdb=100 + i)) for i, mid in enumerate(ids))
    )
    assert services.cache.stats.network_fetches == 3


async def test_asset_types_limit_the_answer_and_coverage_decides_freshness(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    posters = await services.cache.fetch_assets("movie", movie_id, IDS, ["poster"])
    assert {a.type for d in posters.providers.values() for a in d.assets} == {AssetType.POSTER}
    again = await services.cache.fetch_assets("movie", movie_id, IDS, [AssetType.POSTER])
    assert again.cached is True
    fanart = await services.cache.fetch_assets("movie", movie_id, IDS, ["fanart"])
    assert fanart.cached is False and fake_providers.count() == 8  # posters only were cached
    everything = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert everything.cached is False  # "every type" is more than either
    narrowed = await services.cache.fetch_assets("movie", movie_id, IDS, ["fanart"])
    assert narrowed.cached is True
    assert {a.type for d in narrowed.providers.values() for a in d.assets} == {AssetType.FANART}


async def test_invalidating_an_asset_type_refetches_only_requests_for_it(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    await services.cache.fetch_assets("movie", movie_id, IDS)
    services.cache.invalidate("movie", movie_id, asset_type="poster")
    assert services.cache.get_cached_assets("movie", movie_id, "poster") == []
    assert (await services.cache.fetch_assets("movie", movie_id, IDS, ["fanart"])).cached is True
    assert (await services.cache.fetch_assets("movie", movie_id, IDS, ["poster"])).cached is False
    assert len(services.cache.get_cached_assets("movie", movie_id, "poster")) == 8


async def test_invalidating_an_entity_refetches_everything(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    await services.cache.fetch_assets("movie", movie_id, IDS)
    services.cache.invalidate("movie", movie_id)
    assert (await services.cache.fetch_assets("movie", movie_id, IDS)).fetched_providers == ALL


async def test_answers_for_other_ids_are_not_used(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    await services.cache.fetch_assets("movie", movie_id, IDS)
    other = await services.cache.fetch_assets("movie", movie_id, ExternalIds(tmdb=155))
    assert other.cached is False and fake_providers.count() == 8


async def test_cached_assets_are_read_only_and_empty_when_nothing_is_cached(
    services: AppServices, fake_providers: FakeServices, movie_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert services.cache.get_cached_assets("movie", movie_id) == []
    assert services.cache.get_cached_assets("movie", movie_id, AssetType.POSTER) == []
    assert fake_providers.count() == 0
    await services.cache.fetch_assets("movie", movie_id, IDS)
    posters = services.cache.get_cached_assets("movie", movie_id, "poster")
    assert len(posters) == 8 and {a.type for a in posters} == {AssetType.POSTER}
    assert posters[0].votes == 30  # most votes first
    assert fake_providers.count() == 4

    def failing(*args: object) -> None:
        raise store_error(pw.OperationalError("database is locked"), "read")  # as the repository does

    monkeypatch.setattr(services.cache._assets, "for_entity", failing)
    assert services.cache.get_cached_assets("movie", movie_id) == []


async def test_search_is_never_cached(services: AppServices, fake_providers: FakeServices) -> None:
    request = SearchRequest("Inception", year=2010)
    first = await services.cache.search(request)
    second = await services.cache.search(request)
    assert sorted(first.results) == ["omdb", "tmdb", "tvdb"] and first.skipped == ["fanart"]
    assert [r.title for r in second.all()] == ["Inception"] * 3
    assert fake_providers.count() == 6


async def test_search_reports_each_providers_failure(
    services: AppServices, fake_providers: FakeServices
) -> None:
    fake_providers.status["omdb"] = 401
    fake_providers.status["tvdb"] = 429
    outcome = await services.cache.search(SearchRequest("Inception"))
    assert list(outcome.results) == ["tmdb"]
    assert [f.provider for f in outcome.failed] == ["omdb"] and outcome.rate_limited == ["tvdb"]


async def test_saved_answers_are_served_without_a_request(
    services: AppServices, fake_providers: FakeServices, clock: VirtualClock, movie_id: int
) -> None:
    answers = {
        "omdb": ProviderData("omdb", fields={"title": "Inception"}, fetched_at=clock.now()),
        "tmdb": ProviderData("tmdb", fields={"title": "Inception"}),
        "tvdb": None,
        "fanart": ProviderData("fanart"),
    }
    assert services.cache.save("movie", movie_id, IDS, answers) is True
    result = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert result.cached is True and fake_providers.count() == 0
    assert result.results.not_found == ["tvdb"]


async def test_fetched_results_can_be_saved_for_another_entity(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    fetched = await services.cache.fetch_assets("movie", movie_id, IDS)
    other = services.movies.add("Inception (copy)", ids=IDS).id
    assert services.cache.save("movie", other, IDS, fetched.results)
    assert (await services.cache.fetch_assets("movie", other, IDS)).cached is True
    assert fake_providers.count() == 4


async def test_disabled_unasked_and_incapable_providers(
    services: AppServices, fake_providers: FakeServices
) -> None:
    await services.providers.update("tvdb", ProviderUpdate(enabled=False))
    movie = services.movies.add("Only a TVDB id", ids=ExternalIds(tvdb=1))
    result = await services.cache.fetch_assets(
        "movie", movie.id, ExternalIds(tvdb=1), providers=["omdb", "tmdb", "tvdb"]
    )
    assert result.results.skipped == ["omdb"]  # OMDb takes no TVDB id; tvdb is disabled; fanart not asked
    assert result.fetched_providers == ["tmdb"] and fake_providers.count() == 1


async def test_the_cache_is_keyed_by_the_request_languages(
    services: AppServices, fake_providers: FakeServices, movie_id: int
) -> None:
    """An answer asked in English is not fresh for a German request (nor for other artwork
    languages); OMDb, English whatever is asked, is served from the cache."""
    await services.cache.fetch_assets("movie", movie_id, IDS)
    assert fake_providers.counts() == {p: 1 for p in ALL}
    services.user_settings.set("metadata.language", "de-DE")
    result = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert result.cached_providers == ["omdb"]
    assert sorted(result.fetched_providers) == ["fanart", "tmdb", "tvdb"]
    assert result.providers["tmdb"].request_key.startswith("de-DE|")
    assert (await services.cache.fetch_assets("movie", movie_id, IDS)).cached is True
    services.user_settings.set("artwork.languages", ["none", "de"])
    again = await services.cache.fetch_assets("movie", movie_id, IDS)
    assert "tmdb" in again.fetched_providers and again.cached_providers == ["omdb"]
    assert fake_providers.counts()["omdb"] == 1
