"""Engine benchmark: 1,000 fetches across 4 in-process providers paced to their rate limits.

Four `HttpProvider` clients answer through an `httpx.MockTransport` after 50 ms; their limits are
40/s, 3/s, 10/s and none. Every fetch asks all four (background priority) with a bounded number of
fetches in flight. The rate-limit lower bound is the slowest provider's requests divided by its
rate; the target is wall / bound <= 1.10.

    python benchmarks/engine.py                   # real time (about 5.5 minutes: 1000 / 3 per second)
    python benchmarks/engine.py --clock virtual   # the same schedule in simulated time (seconds)
    python benchmarks/engine.py --rate-scale 10   # every limit x10 (about 35 s)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.clock import SystemClock
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.engine.runtime import ProviderSettings
from metarr_desktop.providers.base import HttpProvider

LIMITS: dict[str, float | None] = {"alpha": 40.0, "beta": 3.0, "gamma": 10.0, "delta": None}


class BenchProvider(HttpProvider):
    id = "bench"
    name = "Bench"
    default_base_url = "http://bench.invalid"
    capabilities = ProviderCapabilities(
        entity_types=frozenset({EntityType.MOVIE}),
        can_search=False,
        ids_accepted=frozenset({IdType.TMDB}),
        ids_provided=frozenset({IdType.TMDB}),
    )

    def __init__(self, provider_id: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.id = provider_id  # type: ignore[misc]

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        return []

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        body = await self._get_json(f"movie/{request.ids.tmdb}")
        return ProviderData(provider=self.id, fields={"title": body["title"]})


def make_transport(clock: Clock, latency_s: float, counter: dict[str, int], name: str) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        counter[name] = counter.get(name, 0) + 1
        await clock.sleep(latency_s)
        return httpx.Response(200, json={"title": f"Movie {request.url.path.rsplit('/', 1)[-1]}"})

    return httpx.MockTransport(handler)


async def run(
    fetches: int, rate_scale: float, latency_ms: float, in_flight: int, clock: Clock
) -> dict[str, object]:
    pool = ProviderPool(clock)
    counter: dict[str, int] = {}
    for priority, (name, rate) in enumerate(LIMITS.items(), start=1):
        limit = RateLimit(max(1, round(rate * rate_scale)), 1.0) if rate else None
        provider = BenchProvider(name, transport=make_transport(clock, latency_ms / 1000, counter, name))
        pool.add(provider, ProviderSettings(priority=priority, rate_limit=limit))
    orchestrator = FetchOrchestrator(pool, clock=clock, rng=random.Random(1))
    gate = asyncio.Semaphore(in_flight)
    incomplete = 0

    async def one(index: int) -> None:
        nonlocal incomplete
        async with gate:
            result = await orchestrator.fetch_all(
                MetadataRequest(ExternalIds(tmdb=index + 1)), priority=Priority.BACKGROUND
            )
            if len(result.completed) != len(LIMITS):
                incomplete += 1

    started_wall = time.perf_counter()
    started = clock.monotonic()
    await asyncio.gather(*(one(i) for i in range(fetches)))
    elapsed = clock.monotonic() - started
    real_s = time.perf_counter() - started_wall
    await pool.aclose()

    bounds = {
        name: counter.get(name, 0) / (max(1, round(rate * rate_scale)))
        for name, rate in LIMITS.items()
        if rate is not None
    }
    bound = max(bounds.values())
    return {
        "fetches": fetches,
        "clock": "virtual" if isinstance(clock, VirtualClock) else "real",
        "rate_scale": rate_scale,
        "latency_ms": latency_ms,
        "in_flight": in_flight,
        "requests": counter,
        "incomplete_fetches": incomplete,
        "wall_s": round(elapsed, 3),
        "real_s": round(real_s, 3),
        "bound_s": round(bound, 3),
        "ratio": round(elapsed / bound, 4),
        "target_ratio": 1.10,
        "meets_target": elapsed / bound <= 1.10,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fetches", type=int, default=1000)
    parser.add_argument("--rate-scale", type=float, default=1.0)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--in-flight", type=int, default=32, help="fetches running at once")
    parser.add_argument("--clock", choices=["real", "virtual"], default="real")
    args = parser.parse_args()
    clock: Clock = VirtualClock() if args.clock == "virtual" else SystemClock()
    report = asyncio.run(run(args.fetches, args.rate_scale, args.latency_ms, args.in_flight, clock))
    print(json.dumps(report, indent=2))
    return 0 if report["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
