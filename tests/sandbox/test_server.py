"""The sandbox over real loopback HTTP: the clients get what the real services would send them,
including the traps, the 401s, the limits and the injected faults."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.providers.base import HttpProvider
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NetworkError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ProviderTimeoutError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.providers.fanart import FanartProvider
from metarr_desktop.providers.omdb import OmdbProvider
from metarr_desktop.providers.tmdb import TmdbProvider
from metarr_desktop.providers.tvdb import TvdbProvider
from metarr_desktop.sandbox import TMDB_DEMO_BEARER
from metarr_desktop.sandbox import SandboxLimits
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox import ServiceLimit
from tests.helpers.sandbox import client_for

Factory = Callable[..., SandboxServer]


def movie(**ids: object) -> MetadataRequest:
    return MetadataRequest(ids=ExternalIds(**ids))  # type: ignore[arg-type]


async def test_base_urls_have_the_real_path_prefixes(sandbox: SandboxServer) -> None:
    root = f"http://127.0.0.1:{sandbox.port}"
    assert sandbox.urls == {
        "tmdb": f"{root}/tmdb/3",
        "omdb": f"{root}/omdb",
        "tvdb": f"{root}/tvdb/v4",
        "fanart": f"{root}/fanart/v3",
    }


async def test_every_client_enriches_a_demo_movie(sandbox: SandboxServer) -> None:
    for cls in (TmdbProvider, OmdbProvider, TvdbProvider, FanartProvider):
        client = client_for(sandbox, cls)
        data = await client.get_metadata(movie(tmdb=27205, imdb="tt1375666", tvdb=700003))
        assert data.ids.imdb == "tt1375666" or (cls is FanartProvider and data.ids.tmdb == 27205)
        if cls is not FanartProvider:
            assert data.fields["title"] == "Inception" and data.fields["runtime"] == 148
        assert data.fields["poster"].startswith("https://")
        await client.aclose()
    assert sandbox.stats.snapshot()["requests"] == {"tmdb": 1, "omdb": 1, "tvdb": 2, "fanart": 1}


async def test_tmdb_accepts_the_v4_bearer_token(sandbox: SandboxServer) -> None:
    client = client_for(sandbox, TmdbProvider, api_key=TMDB_DEMO_BEARER)
    assert (await client.get_metadata(movie(tmdb=550))).fields["title"] == "Fight Club"


@pytest.mark.parametrize("cls", [TmdbProvider, OmdbProvider, TvdbProvider, FanartProvider])
async def test_wrong_key_gets_a_401(sandbox: SandboxServer, cls: type[HttpProvider]) -> None:
    client = client_for(sandbox, cls, api_key="not-the-demo-key")
    with pytest.raises(AuthenticationError):
        await client.get_metadata(movie(tmdb=27205, imdb="tt1375666", tvdb=700003))
    assert sandbox.stats.snapshot()["auth_refused"] == {cls.id: 1}


async def test_wrong_key_bodies_have_each_services_shape(sandbox: SandboxServer) -> None:
    async with httpx.AsyncClient() as http:
        tmdb = await http.get(f"{sandbox.urls['tmdb']}/movie/550", params={"api_key": "x"})
        omdb = await http.get(f"{sandbox.urls['omdb']}/", params={"apikey": "x", "i": "tt0137523"})
    assert tmdb.status_code == 401 and tmdb.json()["status_code"] == 7
    assert omdb.status_code == 401 and omdb.json() == {"Response": "False", "Error": "Invalid API key!"}


async def test_same_title_same_year_and_remakes_come_back_as_separate_candidates(
    sandbox: SandboxServer,
) -> None:
    for cls in (TmdbProvider, OmdbProvider, TvdbProvider):
        client = client_for(sandbox, cls)
        emmas = await client.search(SearchRequest("Emma", year=1996))
        assert len(emmas) == 2 and len({r.external_ids for r in emmas}) == 2
        assert {r.year for r in await client.search(SearchRequest("The Thing"))} == {1982, 2011}
        dunes = await client.search(SearchRequest("Dune", year=1984))
        assert [(r.title, r.year) for r in dunes] == [("Dune", 1984)]


async def test_traps_unknown_to_one_service(sandbox: SandboxServer) -> None:
    with pytest.raises(NotFoundError):  # OMDb pretends not to know Dune: Part Two
        await client_for(sandbox, OmdbProvider).get_metadata(movie(imdb="tt15239678"))
    with pytest.raises(NotFoundError):  # fanart.tv has no art for the 1998 Psycho
        await client_for(sandbox, FanartProvider).get_metadata(movie(tmdb=11252))
    tvdb_only = await client_for(sandbox, TvdbProvider).get_metadata(movie(tvdb=700049))
    assert tvdb_only.fields["title"] == "Sita Sings the Blues"
    assert tvdb_only.ids == ExternalIds(tvdb=700049)
    tmdb_results = await client_for(sandbox, TmdbProvider).search(SearchRequest("Sita Sings the Blues"))
    assert tmdb_results == []


async def test_tmdb_find_by_tvdb_id_finds_no_movie(sandbox: SandboxServer) -> None:
    with pytest.raises(NotFoundError):
        await client_for(sandbox, TmdbProvider).get_metadata(movie(tvdb=700003))


async def test_tvdb_serves_series_and_renews_expired_tokens(sandbox: SandboxServer) -> None:
    client = client_for(sandbox, TvdbProvider)
    series = MetadataRequest(ids=ExternalIds(imdb="tt0903747"), entity_type=EntityType.TVSHOW)
    data = await client.get_metadata(series)
    assert data.fields["title"] == "Breaking Bad" and data.ids == ExternalIds(
        tvdb=81189, imdb="tt0903747", tmdb=1396
    )
    tvdb = sandbox.services["tvdb"]
    tvdb.expire_tokens()  # type: ignore[attr-defined]
    await client.get_metadata(series)
    assert tvdb.logins == 2  # type: ignore[attr-defined]


async def test_tmdb_rate_limit_answers_429_with_retry_after(sandbox_factory: Factory) -> None:
    limits = SandboxLimits({"tmdb": ServiceLimit(3, 30.0)})
    server = sandbox_factory(limits=limits)
    client = client_for(server, TmdbProvider)
    for _ in range(3):
        await client.get_metadata(movie(tmdb=550))
    with pytest.raises(RateLimitedError) as caught:
        await client.get_metadata(movie(tmdb=550))
    assert caught.value.retryable and caught.value.retry_after is not None and caught.value.retry_after >= 1
    assert server.stats.snapshot()["rate_limited"] == {"tmdb": 1}
    server.reset_limits()
    await client.get_metadata(movie(tmdb=550))


def test_limits_scale_multiplies_rates_not_quotas() -> None:
    scaled = SandboxLimits().scaled(10)
    assert scaled.get("tmdb").requests == 500 and scaled.get("omdb").daily_quota == 1000


async def test_omdb_daily_quota_answers_request_limit_reached(sandbox_factory: Factory) -> None:
    server = sandbox_factory(limits=SandboxLimits().with_quota("omdb", 2))
    client = client_for(server, OmdbProvider)
    await client.get_metadata(movie(imdb="tt0137523"))
    await client.search(SearchRequest("Inception"))
    with pytest.raises(RateLimitedError) as caught:
        await client.get_metadata(movie(imdb="tt0137523"))
    assert caught.value.quota_exhausted and caught.value.reset_at is None
    assert server.stats.snapshot()["quota_refused"] == {"omdb": 1}
    assert server.used_today("omdb") == 2


@pytest.mark.parametrize(
    ("fault", "error", "retryable"),
    [
        ("500", ServerError, True),
        ("503", ServerError, True),
        ("429", RateLimitedError, True),
        ("malformed", BadResponseError, False),
        ("html", BadResponseError, False),
        ("empty", BadResponseError, False),
        ("reset", NetworkError, True),
    ],
)
async def test_injected_faults(
    sandbox_factory: Factory, fault: str, error: type[ProviderError], retryable: bool
) -> None:
    server = sandbox_factory(faults=f"tmdb:{fault}@1.0")
    with pytest.raises(error) as caught:
        await client_for(server, TmdbProvider).get_metadata(movie(tmdb=550))
    assert caught.value.retryable is retryable
    assert server.stats.snapshot()["faults"] == {"tmdb": {fault: 1}}
    # Other services are untouched.
    await client_for(server, OmdbProvider).get_metadata(movie(imdb="tt0137523"))


async def test_timeout_fault_holds_the_request_past_the_clients_timeout(sandbox_factory: Factory) -> None:
    server = sandbox_factory(faults="fanart:timeout", hang_seconds=30)
    http = httpx.AsyncClient(timeout=0.3)
    client = FanartProvider(api_key="sandbox-fanart-key", base_url=server.urls["fanart"], client=http)
    with pytest.raises(ProviderTimeoutError):
        await client.get_metadata(movie(tmdb=550))
    await http.aclose()


def test_fault_plan_is_deterministic_for_a_seed() -> None:
    def sequence(seed: int) -> list[str | None]:
        server = SandboxServer("synthetic:1", faults="*:500@0.3,omdb:html@0.5", seed=seed)
        return [server.faults.pick(service) for service in ("tmdb", "omdb") * 50]

    first = sequence(7)
    assert first == sequence(7)
    assert first != sequence(8)
    assert {"500", "html", None} == set(first)


@pytest.mark.parametrize(
    "spec",
    ["tmdb", "imdb:500", "tmdb:teapot", "tmdb:500@2", "tmdb:500@x"],
)
def test_bad_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        SandboxServer("synthetic:1", faults=spec)


async def test_many_concurrent_requests_with_latency(sandbox_factory: Factory) -> None:
    server = sandbox_factory("synthetic:100", latency="5-20", limits=SandboxLimits.none())
    client = client_for(server, TmdbProvider)
    results = await asyncio.gather(*(client.get_metadata(movie(tmdb=5_000_001 + i)) for i in range(100)))
    assert len({r.ids.tmdb for r in results}) == 100
    assert server.stats.snapshot()["statuses"]["tmdb"] == {200: 100}
    await client.aclose()


async def test_synthetic_catalog_serves_every_service(sandbox_factory: Factory) -> None:
    server = sandbox_factory("synthetic:20")
    tvdb = await client_for(server, TvdbProvider).get_metadata(movie(imdb="tt90000007"))
    assert tvdb.ids == ExternalIds(tmdb=5_000_007, imdb="tt90000007", tvdb=8_000_007)
    omdb = await client_for(server, OmdbProvider).get_metadata(movie(imdb="tt90000007"))
    assert omdb.fields["title"] == tvdb.fields["title"]
    fanart = await client_for(server, FanartProvider).get_metadata(movie(tmdb=5_000_007))
    assert fanart.fields["poster"].startswith("https://assets.fanart.tv/")


async def test_stop_releases_held_requests_and_connections(sandbox_factory: Factory) -> None:
    server = sandbox_factory(faults="tmdb:timeout", hang_seconds=60)
    client = client_for(server, TmdbProvider)
    task = asyncio.create_task(client.get_metadata(movie(tmdb=550)))
    await asyncio.sleep(0.2)
    await asyncio.to_thread(server.stop)
    with pytest.raises(NetworkError):
        await asyncio.wait_for(task, 5)
