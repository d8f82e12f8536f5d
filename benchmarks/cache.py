"""Benchmark of the provider cache: 10,000 movies with a fresh cache.

`fetch_assets` for every movie must make no network request (every provider's answer is fresh);
we report the time per movie (target <= 1 ms) and the time of a rate-limit state lookup (document 5
asks < 10 ms). Run: `.venv/bin/python benchmarks/cache.py [--movies N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import keyring.backends.fail

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.providers.registry import ProviderRegistry
from metarr_desktop.services.context import AppServices
from metarr_desktop.store.config import RateLimitStateRepository


def answer(provider: str, number: int) -> ProviderData:
    """A realistic answer: a dozen fields, a cast of ten and ten asset candidates."""
    cast = [{"name": f"Actor {i}", "role": f"Role {i}", "order": i, "thumb": None} for i in range(10)]
    assets = [
        AssetCandidate(
            url=f"https://img.{provider}.example/{number}/{kind.value}-{i}.jpg",
            type=kind,
            provider=provider,
            width=2000,
            height=3000,
            language="en",
            votes=i,
        )
        for kind in (AssetType.POSTER, AssetType.FANART)
        for i in range(5)
    ]
    fields = {
        "title": f"Movie {number}",
        "original_title": f"Movie {number}",
        "plot": "A thief who steals corporate secrets through the use of dream-sharing technology. " * 3,
        "tagline": "Your mind is the scene of the crime.",
        "runtime": 148,
        "release_date": "2010-07-16",
        "year": 2010,
        "genres": ["Action", "Science Fiction", "Adventure"],
        "cast": cast,
        "directors": ["Christopher Nolan"],
        "studios": ["Legendary Pictures", "Syncopy"],
        "imdb_rating": 8.8,
    }
    return ProviderData(provider=provider, fields=fields, ids=ids_of(number), assets=assets)


def database_size_mb(folder: str) -> float:
    return sum(f.stat().st_size for f in Path(folder).glob("metarr.sqlite3*")) / 1e6


def ids_of(number: int) -> ExternalIds:
    return ExternalIds(tmdb=number + 1, imdb=f"tt{number + 1:07d}")


async def main(count: int) -> None:
    requests: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(503)

    with tempfile.TemporaryDirectory() as folder:
        services = AppServices.open(
            folder,
            transport=httpx.MockTransport(refuse),
            registry=ProviderRegistry.default(load_plugins=False),
            keyring_backend=keyring.backends.fail.Keyring(),
        )
        providers = [r.id for r in services.pool.enabled()]
        started = time.perf_counter()
        for batch in range(0, count, 500):  # transactions of 500 movies, as a folder scan commits
            with services.database.atomic():
                for number in range(batch, min(batch + 500, count)):
                    movie = services.movies.add(f"Movie {number}", year=2010, ids=ids_of(number))
                    services.cache.save(
                        "movie", movie.id, movie.ids, {p: answer(p, number) for p in providers}
                    )
        seeded = time.perf_counter() - started
        size = database_size_mb(folder)
        print(
            f"seeded {count:,} movies x {len(providers)} providers in {seeded:.1f} s ({size:.0f} MB on disk)"
        )

        durations: list[float] = []
        cached = 0
        started = time.perf_counter()
        for number in range(count):
            t0 = time.perf_counter()
            result = await services.cache.fetch_assets(
                "movie", number + 1, ids_of(number), ["poster", "fanart"]
            )
            durations.append(time.perf_counter() - t0)
            cached += result.cached
        total = time.perf_counter() - started
        print(
            f"fetch_assets for {count:,} movies: {total:.2f} s, {1000 * total / count:.3f} ms per movie "
            f"(median {1000 * statistics.median(durations):.3f} ms, "
            f"p99 {1000 * sorted(durations)[int(0.99 * count) - 1]:.3f} ms); "
            f"answered from the cache: {cached:,}; network requests: {len(requests)}"
        )
        assert len(requests) == 0 and cached == count, "the fresh cache must answer every movie"

        runtime = services.pool.get("omdb")
        rounds = 100_000
        t0 = time.perf_counter()
        for _ in range(rounds):
            services.rate_state.rate_limited_until("omdb")
            runtime.unavailable_reason()
        in_memory_us = 1e6 * (time.perf_counter() - t0) / rounds
        services.rate_state.save("omdb")
        repository = RateLimitStateRepository()
        t0 = time.perf_counter()
        for _ in range(1000):
            repository.get("omdb")
        stored_us = 1e6 * (time.perf_counter() - t0) / 1000
        print(
            f"rate-limit state lookup: {in_memory_us:.2f} us in memory (every fetch uses this), "
            f"{stored_us:.1f} us from the database"
        )

        await services.aclose()
        t0 = time.perf_counter()
        reopened = AppServices.open(
            folder,
            registry=ProviderRegistry.default(load_plugins=False),
            keyring_backend=keyring.backends.fail.Keyring(),
        )
        print(
            f"opening the profile again (integrity check, migrations, providers): "
            f"{1000 * (time.perf_counter() - t0):.0f} ms"
        )
        await reopened.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().movies))
