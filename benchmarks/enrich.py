"""Benchmark: enrich a synthetic library against the sandbox on loopback, then again from the cache.

    .venv/bin/python benchmarks/enrich.py --movies 1000 --rate-scale 10 --json

What it does:

1. Starts the sandbox (`SandboxServer`) with a synthetic catalog of N movies, 50-200 ms latency per
   request, and every service's rate limit multiplied by S.
2. Opens a fresh profile pointed at it, with each provider's engine rate (its real default limit)
   multiplied by S. OMDb's daily quota (1,000) is lifted on both sides, since a library larger than
   the quota could not be enriched in one day at all: the benchmark measures pacing, not the quota.
3. Adds the N movies with their ids, already identified (identification is measured by the tests),
   and runs `enrich_all` at background priority: wall_s. bound_s is the rate-limit lower bound: for
   each provider the requests the sandbox received divided by the provider's configured rate, the
   largest. ratio = wall_s / bound_s; http_429 counts 429 answers the sandbox sent.
4. sequential_wall_s: the same per-movie work through the plain provider clients, one request at a
   time with no engine, measured on a sample of movies and scaled to N (the output says so).
5. Runs `enrich_all` again: every answer is fresh in the cache, so no request may be sent;
   cached_ms_per_movie is that pass's wall time per movie, and cached_max_loop_stall_ms the longest
   this plain asyncio loop was held up meanwhile (it runs every ready worker's step in one turn, so
   this is an upper bound; the window's own figure, on Qt's loop, is benchmarks/ui_responsiveness.py).

Prints one JSON object with --json (a readable summary otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from keyring.backends import null

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.providers.registry import ProviderSpec
from metarr_desktop.sandbox import DEMO_KEYS
from metarr_desktop.sandbox import SandboxLimits
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.library_suite import LibrarySuite


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=200)
    parser.add_argument("--rate-scale", type=float, default=10.0)
    parser.add_argument("--latency-ms", default="50-200")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--sample", type=int, default=20, help="movies timed one request at a time")
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="PROVIDER",
        help="leave a provider out of both runs (to compare set-ups); may be repeated",
    )
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def sandbox_limits(scale: float) -> SandboxLimits:
    """Every service's rate limit times `scale`; OMDb's daily quota (1,000) lifted, which would end
    a long run early: pacing is measured, not the quota."""
    return SandboxLimits().scaled(scale).with_quota("omdb", None)


def scaled_rate(spec: ProviderSpec, scale: float) -> RateLimit | None:
    """The provider's default rate limit times `scale` (at least one request a window)."""
    rate = spec.default_rate_limit
    return RateLimit(max(1, int(rate.requests * scale)), rate.window_seconds) if rate else None


async def open_profile(
    root: Path, server: SandboxServer, scale: float, disabled: list[str] | None = None
) -> AppServices:
    """A profile pointed at the sandbox: demo keys, each provider's default rate times `scale`, no
    daily quota; the providers of `disabled` off."""
    await configure_profile(root, server)
    app = AppServices.open(root, keyring_backend=null.Keyring())  # type: ignore[no-untyped-call]
    for spec in app.registry:
        enabled = spec.id not in (disabled or [])
        change = ProviderUpdate(rate_limit=scaled_rate(spec, scale), daily_quota=None, enabled=enabled)
        await app.providers.update(spec.id, change)
    return app


def add_movies(app: AppServices, server: SandboxServer, count: int) -> list[int]:
    titles = [t for t in server.catalog.titles if t.kind == "movie"][:count]

    def work() -> list[int]:
        ids = []
        with app.database.atomic():
            for title in titles:
                record = app.movies.add(
                    title.title,
                    year=title.year,
                    ids=ExternalIds(tmdb=title.tmdb, imdb=title.imdb, tvdb=title.tvdb),
                    status=IdentificationStatus.IDENTIFIED,
                )
                ids.append(record.id)
        return ids

    return work()


async def sequential_sample(
    app: AppServices, server: SandboxServer, sample: int, disabled: list[str]
) -> tuple[float, int]:
    """Seconds for `sample` movies through fresh plain clients, one request at a time."""
    clients = [
        spec.create(api_key=DEMO_KEYS[spec.id], base_url=server.urls[spec.id])
        for spec in app.registry
        if spec.id not in disabled
    ]
    titles = [t for t in server.catalog.titles if t.kind == "movie"][-sample:]
    started = time.perf_counter()
    try:
        for title in titles:
            request = MetadataRequest(ExternalIds(tmdb=title.tmdb, imdb=title.imdb, tvdb=title.tvdb))
            for client in clients:
                await client.get_metadata(request)
    finally:
        for client in clients:
            await client.aclose()
    return time.perf_counter() - started, len(titles)


async def longest_stall() -> float:
    """Until cancelled: the longest time (s) the event loop kept a 1 ms timer waiting.

    A guard against a pass that never yields (it would equal the whole pass)."""
    longest = 0.0
    try:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            longest = max(longest, time.perf_counter() - before - 0.001)
    except asyncio.CancelledError:
        return longest


async def run(args: argparse.Namespace) -> dict[str, Any]:
    scale = args.rate_scale
    server = SandboxServer(
        f"synthetic:{args.movies + args.sample}",
        latency=args.latency_ms,
        limits=sandbox_limits(scale),
        seed=7,
    )
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="metarr-bench-") as tmp:
            app = await open_profile(Path(tmp) / "profile", server, scale, args.disable)
            try:
                suite = LibrarySuite.create(app)
                movie_ids = add_movies(app, server, args.movies)
                options = EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND)
                server.stats.reset()

                def note(report: Any, result: Any) -> None:
                    done = len(report.results)
                    if not args.json and done % max(1, args.movies // 10) == 0:
                        sys.stderr.write(f"  {done}/{args.movies}\n")

                started = time.perf_counter()
                first = await suite.enrichment.enrich_many(
                    movie_ids, options, concurrency=args.concurrency, on_progress=note
                )
                wall = time.perf_counter() - started
                stats = server.stats.snapshot()
                rates = {r.id: r.settings.rate_limit for r in app.pool.all() if r.settings.rate_limit}
                bounds = {
                    provider: count / rates[provider].per_second
                    for provider, count in stats["requests"].items()
                    if provider in rates
                }
                bound = max(bounds.values()) if bounds else 0.0
                http_429 = sum(c.get(429, 0) for c in stats["statuses"].values())

                sample_s, sampled = await sequential_sample(app, server, args.sample, args.disable)
                sequential = sample_s / max(1, sampled) * args.movies

                server.stats.reset()
                watch = asyncio.ensure_future(longest_stall())
                started = time.perf_counter()
                second = await suite.enrichment.enrich_many(movie_ids, options, concurrency=args.concurrency)
                cached_wall = time.perf_counter() - started
                watch.cancel()
                stall = await watch
                cached_requests = server.stats.snapshot()["total"]
            finally:
                await app.aclose()
    finally:
        server.stop()
    return {
        "movies": args.movies,
        "rate_scale": scale,
        "concurrency": args.concurrency,
        "wall_s": round(wall, 2),
        "bound_s": round(bound, 2),
        "bound_by_provider_s": {p: round(b, 2) for p, b in sorted(bounds.items())},
        "ratio": round(wall / bound, 3) if bound else None,
        "requests": stats["requests"],
        "http_429": http_429,
        "results": first.summary(),
        "sequential_wall_s": round(sequential, 1),
        "sequential_note": (
            f"measured on {sampled} movies through the plain clients, one request at a time, "
            f"and scaled to {args.movies}"
        ),
        "speedup": round(sequential / wall, 1) if wall else None,
        # No client that respects the rate limits can beat bound_s, so no speed-up can exceed this.
        "speedup_ceiling": round(sequential / bound, 1) if bound else None,
        "disabled": args.disable,
        "cached_network_requests": cached_requests,
        "cached_results": second.summary(),
        "cached_wall_s": round(cached_wall, 3),
        "cached_ms_per_movie": round(cached_wall / max(1, args.movies) * 1000.0, 3),
        "cached_max_loop_stall_ms": round(stall * 1000.0, 1),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    outcome = asyncio.run(run(args))
    if args.json:
        print(json.dumps(outcome))
    else:
        for key, value in outcome.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
