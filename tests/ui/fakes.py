"""Providers for window tests that need an engine under load: in-memory answers with real (short)
latencies and scripted faults, registered like plug-ins so the real services drive them."""

from __future__ import annotations

import asyncio
import random
from typing import Any
from typing import ClassVar

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.providers.base import OpenGate
from metarr_desktop.providers.base import RateLimitStatus
from metarr_desktop.providers.base import RequestGate
from metarr_desktop.providers.errors import NetworkError
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.providers.registry import ProviderRegistry
from metarr_desktop.providers.registry import spec_from_class
from tests.helpers.fakes import capabilities


class FaultyProvider:
    """Answers after `latency_s` (real time); fails with `fault_rate` probability."""

    id: ClassVar[str] = "fake"
    name: ClassVar[str] = "Fake"
    capabilities: ClassVar[ProviderCapabilities] = capabilities()
    default_base_url: ClassVar[str] = "https://fake.invalid"
    default_rate_limit: ClassVar[RateLimit | None] = None
    default_daily_quota: ClassVar[int | None] = None
    needs_api_key: ClassVar[bool] = False
    latency_s: ClassVar[float] = 0.002
    fault_rate: ClassVar[float] = 0.2

    def __init__(self, **_: Any) -> None:
        self.gate: RequestGate = OpenGate()
        self.rng = random.Random(hash(self.id) & 0xFFFF)
        self.calls = 0

    def rate_limit_status(self) -> RateLimitStatus:
        return RateLimitStatus()

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        await self.gate.acquire()
        self.calls += 1
        await asyncio.sleep(self.latency_s * (0.5 + self.rng.random()))
        roll = self.rng.random()
        if roll < self.fault_rate / 2:
            raise ServerError(self.id, "server error (HTTP 503)", status_code=503)
        if roll < self.fault_rate:
            raise NetworkError(self.id, "network error (connection reset)")
        return ProviderData(provider=self.id, fields={"title": f"from {self.id}"}, ids=request.ids)

    async def get_assets(self, request: MetadataRequest) -> list[AssetCandidate]:
        return (await self.get_metadata(request)).assets

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        return []

    async def aclose(self) -> None:
        return None


def faulty_registry(spec: dict[str, tuple[float, float]]) -> ProviderRegistry:
    """provider id -> (latency seconds, fault rate)."""
    registry = ProviderRegistry()
    for pid, (latency, faults) in spec.items():
        cls = type(
            f"Faulty_{pid}",
            (FaultyProvider,),
            {"id": pid, "name": pid.upper(), "latency_s": latency, "fault_rate": faults},
        )
        registry.register(spec_from_class(cls, builtin=True))
    return registry
