"""Fake provider services over `httpx.MockTransport`, and HTTP clients for them.

The four fake clients (`omdb`, `tmdb`, `tvdb`, `fanart`) are real `HttpProvider` subclasses: every
request passes the engine's gate, goes through httpx and is mapped to our errors by the shared base.
`FakeServices` answers them: every movie id exists unless listed in `not_found`; a key can be
required per provider; a status can be forced; `hold` makes every request wait until released.
Every request is recorded, so tests can count network requests exactly. `services_on_fakes` opens
the application's services on a profile whose providers are these fakes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from typing import ClassVar

import httpx

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.providers.base import HttpProvider
from metarr_desktop.providers.registry import ProviderRegistry
from metarr_desktop.providers.registry import ProviderSpec
from metarr_desktop.providers.registry import spec_from_class
from metarr_desktop.services.context import AppServices
from tests.helpers.fake_keyring import MemoryKeyring

ALL_IDS = frozenset({IdType.TMDB, IdType.IMDB, IdType.TVDB})


class FakeServices:
    """The remote side of the fake providers (one instance per test)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.required_keys: dict[str, str] = {}
        self.status: dict[str, int] = {}
        self.headers: dict[str, dict[str, str]] = {}
        self.not_found: set[tuple[str, str]] = set()
        self.hold: asyncio.Event | None = None
        self.transport = httpx.MockTransport(self.handle)

    def count(self, provider: str | None = None) -> int:
        if provider is None:
            return len(self.requests)
        return sum(1 for r in self.requests if r.url.host.startswith(provider + "."))

    def counts(self) -> Counter[str]:
        return Counter(r.url.host.split(".")[0] for r in self.requests)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        provider = request.url.host.split(".")[0]
        if self.hold is not None:
            await self.hold.wait()
        required = self.required_keys.get(provider)
        if required is not None and request.url.params.get("key") != required:
            return httpx.Response(401, json={"error": "Invalid API key"})
        if provider in self.status:
            return httpx.Response(
                self.status[provider], json={"error": "forced"}, headers=self.headers.get(provider, {})
            )
        if request.url.path.endswith("/search"):
            query = request.url.params.get("q", "")
            return httpx.Response(
                200, json={"results": [{"title": query, "tmdb": 27205, "imdb": "tt1375666", "year": 2010}]}
            )
        movie = request.url.params.get("id", "")
        if (provider, movie) in self.not_found:
            return httpx.Response(404, json={"error": "not found"})
        return httpx.Response(200, json=answer(provider, movie))


def answer(provider: str, movie: str) -> dict[str, Any]:
    """What the fake `provider` knows about `movie` (deterministic)."""
    base = f"https://img.{provider}.example/{movie}"
    assets = [
        {
            "url": f"{base}/poster-1.jpg",
            "type": "poster",
            "provider": provider,
            "width": 1000,
            "height": 1500,
            "language": "en",
            "votes": 10,
        },
        {
            "url": f"{base}/poster-2.jpg",
            "type": "poster",
            "provider": provider,
            "width": 2000,
            "height": 3000,
            "language": None,
            "votes": 30,
        },
        {
            "url": f"{base}/fanart-1.jpg",
            "type": "fanart",
            "provider": provider,
            "width": 1920,
            "height": 1080,
            "language": None,
            "votes": 5,
        },
    ]
    return {
        "fields": {
            "title": f"Movie {movie}",
            "plot": f"Plot of {movie} from {provider}",
            "genres": ["Drama"],
        },
        "ids": {"tmdb": int(movie) if movie.isdigit() else None, "imdb": None, "tvdb": None},
        "assets": assets,
    }


class FakeClient(HttpProvider):
    """Base of the fake clients: ``GET {base}/movie?id=...&key=...`` and ``GET {base}/search?q=...``."""

    needs_api_key: ClassVar[bool] = False
    id_kind: ClassVar[IdType] = IdType.TMDB

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        movie = request.ids.get(self.id_kind) or request.ids.tmdb or request.ids.imdb
        body = await self._get_json("movie", params={"id": str(movie), "key": self.api_key or ""})
        return ProviderData(
            provider=self.id,
            fields=dict(body["fields"]),
            ids=ExternalIds.from_json(body["ids"]),
            assets=[
                AssetCandidate.from_json(a)
                for a in body["assets"]
                if not request.asset_types or AssetType(a["type"]) in request.asset_types
            ],
        )

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        body = await self._get_json("search", params={"q": request.query, "key": self.api_key or ""})
        return [
            SearchResult(
                provider=self.id,
                external_ids=ExternalIds(tmdb=r["tmdb"], imdb=r["imdb"]),
                title=r["title"],
                year=r["year"],
            )
            for r in body["results"]
        ]


def _caps(*, can_search: bool = True, ids: frozenset[IdType] = ALL_IDS) -> ProviderCapabilities:
    return ProviderCapabilities(
        entity_types=frozenset({EntityType.MOVIE}),
        can_search=can_search,
        ids_accepted=ids,
        ids_provided=ids,
        fields=frozenset({"title", "plot", "genres"}),
        asset_types=frozenset({AssetType.POSTER, AssetType.FANART}),
    )


class FakeOmdb(FakeClient):
    id = "omdb"
    name = "OMDb (fake)"
    capabilities = _caps(ids=frozenset({IdType.IMDB, IdType.TMDB}))
    default_base_url = "https://omdb.example"
    default_rate_limit = RateLimit(10, 1.0)
    default_daily_quota = 1000
    needs_api_key = True
    language_independent = True  # as OMDb: English whatever is asked


class FakeTmdb(FakeClient):
    id = "tmdb"
    name = "TMDB (fake)"
    capabilities = _caps()
    default_base_url = "https://tmdb.example/3"
    default_rate_limit = RateLimit(40, 1.0)
    needs_api_key = True


class FakeTvdb(FakeClient):
    id = "tvdb"
    name = "TheTVDB (fake)"
    capabilities = _caps()
    default_base_url = "https://tvdb.example/v4"
    default_rate_limit = RateLimit(30, 10.0)


class FakeFanart(FakeClient):
    id = "fanart"
    name = "fanart.tv (fake)"
    capabilities = _caps(can_search=False, ids=frozenset({IdType.TMDB, IdType.IMDB}))
    default_base_url = "https://fanart.example/v3"
    default_rate_limit = RateLimit(10, 1.0)


class FakePlugin(FakeClient):
    id = "plugin"
    name = "A plug-in (fake)"
    capabilities = _caps()
    default_base_url = "https://plugin.example"


FAKE_CLASSES: tuple[type[FakeClient], ...] = (FakeOmdb, FakeTmdb, FakeTvdb, FakeFanart)


class BrokenClient(FakeClient):
    id = "broken"
    name = "Broken plug-in"
    capabilities = _caps()
    default_base_url = "https://broken.example"

    def __init__(self, **kwargs: Any) -> None:
        raise RuntimeError("this plug-in cannot start")


class GatedServices(FakeServices):
    """`FakeServices` whose answers can be held back in simulated time (to freeze a page mid-search
    or mid-lookup, exactly and without sleeping).

    Attributes:
        delays: (provider, "search" | "movie") -> simulated seconds its answer waits.
        no_results: searches find nothing.
    """

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self.clock = clock
        self.delays: dict[tuple[str, str], float] = {}
        self.no_results = False

    async def handle(self, request: httpx.Request) -> httpx.Response:
        provider = request.url.host.split(".")[0]
        kind = "search" if request.url.path.endswith("/search") else "movie"
        delay = self.delays.get((provider, kind))
        if delay:
            await self.clock.sleep(delay)
        if kind == "search" and self.no_results and provider not in self.status:
            self.requests.append(request)
            return httpx.Response(200, json={"results": []})
        return await super().handle(request)


def fake_registry(*extra: type[Any], builtin_extra: bool = False) -> ProviderRegistry:
    """The four fake providers as built-ins, then `extra` classes (as plug-ins by default)."""
    specs: list[ProviderSpec] = [spec_from_class(cls, builtin=True) for cls in FAKE_CLASSES]
    specs += [spec_from_class(cls, builtin=builtin_extra) for cls in extra]
    return ProviderRegistry(specs)


def open_on_fakes(profile: Path, fake: FakeServices, clock: VirtualClock) -> AppServices:
    """The application's services on the profile at `profile`, its providers the fakes answered by
    `fake`, on `clock`, keys in an in-memory keyring."""
    return AppServices.open(
        profile,
        clock=clock,
        transport=fake.transport,
        registry=fake_registry(),
        keyring_backend=MemoryKeyring(),
    )


@asynccontextmanager
async def services_on_fakes(
    profile: Path, fake: FakeServices, clock: VirtualClock
) -> AsyncIterator[AppServices]:
    """`open_on_fakes`, closed afterwards."""
    services = open_on_fakes(profile, fake, clock)
    try:
        yield services
    finally:
        await services.aclose()
