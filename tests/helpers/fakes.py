"""In-memory providers for engine tests: scripted answers, latency on an injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.clock import Clock
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.providers.base import OpenGate
from metarr_desktop.providers.base import RateLimitStatus
from metarr_desktop.providers.base import RequestGate

if TYPE_CHECKING:
    from metarr_desktop.engine.fetch import FetchOrchestrator

HANG = object()  # an outcome: never answer (until cancelled)

ALL_IDS = frozenset({IdType.TMDB, IdType.IMDB, IdType.TVDB})


def capabilities(ids: frozenset[IdType] = ALL_IDS) -> ProviderCapabilities:
    return ProviderCapabilities(
        entity_types=frozenset({EntityType.MOVIE}),
        can_search=True,
        ids_accepted=ids,
        ids_provided=ids,
        fields=frozenset({"title", "plot"}),
    )


class FakeProvider:
    """A provider whose answers are scripted.

    `outcomes` is consumed one per call: an exception instance is raised, `HANG` never returns, a
    dict becomes the fields of the answer; when it runs out, `default` is used. Every call passes
    the gate (as a real client does before each HTTP request) and takes `latency` on the clock.
    """

    def __init__(
        self,
        provider_id: str,
        clock: Clock,
        *,
        outcomes: list[Any] | None = None,
        default: Any = None,
        latency: float = 0.05,
        caps: ProviderCapabilities | None = None,
    ) -> None:
        self.id = provider_id
        self.name = provider_id.upper()
        self.capabilities = caps or capabilities()
        self.clock = clock
        self.outcomes = list(outcomes or [])
        self.default = default if default is not None else {"title": f"from {provider_id}"}
        self.latency = latency
        self.gate: RequestGate = OpenGate()
        self.calls = 0
        self.cancelled = 0
        self.on_call: Callable[[], None] | None = None

    def rate_limit_status(self) -> RateLimitStatus:
        return RateLimitStatus()

    async def _answer(self) -> Any:
        await self.gate.acquire()
        self.calls += 1
        if self.on_call:
            self.on_call()
        outcome = self.outcomes.pop(0) if self.outcomes else self.default
        try:
            if outcome is HANG:
                await asyncio.Event().wait()
            await self.clock.sleep(self.latency)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        fields = await self._answer()
        return ProviderData(provider=self.id, fields=dict(fields), ids=request.ids)

    async def get_assets(self, request: MetadataRequest) -> list[AssetCandidate]:
        return (await self.get_metadata(request)).assets

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        fields = await self._answer()
        return [SearchResult(provider=self.id, external_ids=ExternalIds(tmdb=1), title=str(fields["title"]))]

    async def aclose(self) -> None:
        return None


class CatalogProvider(FakeProvider):
    """A fake provider over a small catalog: looks films up by the ids it accepts, reveals the ids
    it provides, and searches by title (and year)."""

    def __init__(
        self,
        provider_id: str,
        clock: Clock,
        films: list[dict[str, Any]],
        *,
        accepts: frozenset[IdType],
        provides: frozenset[IdType],
        can_search: bool = True,
        **kwargs: Any,
    ) -> None:
        caps = ProviderCapabilities(
            entity_types=frozenset({EntityType.MOVIE}),
            can_search=can_search,
            ids_accepted=accepts,
            ids_provided=provides,
            fields=frozenset({"title", "year", "plot"}),
        )
        super().__init__(provider_id, clock, caps=caps, **kwargs)
        self.films = films
        self.accepts = accepts
        self.provides = provides

    def _ids(self, film: dict[str, Any]) -> ExternalIds:
        return ExternalIds(**{k.value: film.get(k.value) for k in self.provides})

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        await self._answer()
        for film in self.films:
            if any(
                film.get(kind.value) == value
                for kind, value in request.ids.known().items()
                if kind in self.accepts
            ):
                fields = {"title": film["title"], "year": film["year"], "plot": f"{self.id} plot"}
                return ProviderData(provider=self.id, fields=fields, ids=self._ids(film))
        from metarr_desktop.providers.errors import NotFoundError

        raise NotFoundError(self.id, "not found")

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        await self._answer()
        query = request.query.lower()
        return [
            SearchResult(
                provider=self.id,
                external_ids=self._ids(f),
                title=f["title"],
                year=f["year"],
                popularity=f.get("pop", 1),
            )
            for f in self.films
            if query in f["title"].lower() and (request.year is None or abs(f["year"] - request.year) <= 1)
        ]


#: `build(tmdb={...FakeProvider kwargs...}, ...)` -> (orchestrator, fakes by id): tests/engine's fixture.
Build = Callable[..., tuple["FetchOrchestrator", dict[str, FakeProvider]]]
