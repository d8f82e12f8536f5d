"""Benchmark: a user's refresh of one movie while Enrich all runs, against the sandbox on loopback.

    .venv/bin/python benchmarks/user_during_bulk.py --movies 1000 --duration 60 --interval 3 --json

What it does:

1. Starts the sandbox with a synthetic catalog (N library movies plus the movies the "user"
   refreshes), 50-200 ms latency per request and every service's real rate limit times S (default
   1: the real limits). Opens a fresh profile pointed at it with the engine's rates times S.
2. Idle: refreshes one movie at user priority (`force`, so every provider is asked) every I
   seconds, R times, with nothing else running: idle p50/p95/max of the refresh's wall time.
3. Busy: starts `enrich_all` over the N movies at background priority (the daily run), lets it
   queue up for I seconds, then refreshes one movie at user priority every I seconds for D seconds;
   the background run is cancelled at the end (its finished movies are kept, as always).
   busy p50/p95/max, and how many background movies finished meanwhile.

Targets (issue 13, item 4): busy p95 within the user budget (10 s) and at most 1.5 x idle p95.
Bounded: the busy phase lasts D seconds whatever N is (Enrich all over 1,000 movies at the real
limits takes far longer; the point is the queue it builds up, which is there within seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.enrich import open_profile
from benchmarks.enrich import sandbox_limits
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.library_suite import LibrarySuite

USER = EnrichOptions(mode=Mode.MANUAL, priority=Priority.USER, force=True)
BACKGROUND = EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=1000, help="library movies Enrich all works on")
    parser.add_argument("--rate-scale", type=float, default=1.0, help="1 = the providers' real limits")
    parser.add_argument("--latency-ms", default="50-200")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between user refreshes")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the busy phase")
    parser.add_argument("--idle-refreshes", type=int, default=8)
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def add_movies(app: AppServices, server: SandboxServer) -> list[int]:
    titles = [t for t in server.catalog.titles if t.kind == "movie"]
    with app.database.atomic():
        return [
            app.movies.add(
                t.title,
                year=t.year,
                ids=ExternalIds(tmdb=t.tmdb, imdb=t.imdb, tvdb=t.tvdb),
                status=IdentificationStatus.IDENTIFIED,
            ).id
            for t in titles
        ]


def figures(walls: list[float]) -> dict[str, float | int]:
    ordered = sorted(walls)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "count": len(ordered),
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(p95, 3),
        "max_s": round(ordered[-1], 3),
    }


async def refresh(suite: LibrarySuite, movie_id: int, walls: list[float], problems: list[str]) -> None:
    started = time.perf_counter()
    result = await suite.enrichment.enrich(movie_id, USER)
    walls.append(time.perf_counter() - started)
    problems.extend(result.problems)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    refreshes = args.idle_refreshes + int(args.duration / args.interval) + 2
    server = SandboxServer(
        f"synthetic:{args.movies + refreshes}",
        latency=args.latency_ms,
        limits=sandbox_limits(args.rate_scale),
        seed=11,
    )
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="metarr-bench-") as tmp:
            app = await open_profile(Path(tmp) / "profile", server, args.rate_scale)
            try:
                suite = LibrarySuite.create(app)
                every = add_movies(app, server)
                library, users = every[: args.movies], iter(every[args.movies :])
                idle: list[float] = []
                idle_problems: list[str] = []
                for _ in range(args.idle_refreshes):
                    await refresh(suite, next(users), idle, idle_problems)
                    await asyncio.sleep(max(0.0, args.interval - idle[-1]))

                report = EnrichReport()
                bulk = asyncio.ensure_future(suite.enrichment.enrich_many(library, BACKGROUND, report=report))
                busy: list[float] = []
                busy_problems: list[str] = []
                await asyncio.sleep(args.interval)  # let the run queue up
                clicks: list[asyncio.Future[None]] = []
                ends = time.perf_counter() + args.duration
                while time.perf_counter() < ends:
                    clicks.append(asyncio.ensure_future(refresh(suite, next(users), busy, busy_problems)))
                    await asyncio.sleep(args.interval)
                await asyncio.gather(*clicks)
                bulk.cancel()
                await asyncio.gather(bulk, return_exceptions=True)
                background_done = len(report.results)
                stats = server.stats.snapshot()
            finally:
                await app.aclose()
    finally:
        server.stop()
    idle_f, busy_f = figures(idle), figures(busy)
    return {
        "movies": args.movies,
        "rate_scale": args.rate_scale,
        "interval_s": args.interval,
        "busy_duration_s": args.duration,
        "idle": idle_f,
        "busy": busy_f,
        "busy_p95_over_idle_p95": round(float(busy_f["p95_s"]) / float(idle_f["p95_s"]), 2),
        "targets_met": float(busy_f["p95_s"]) <= 10.0
        and float(busy_f["p95_s"]) <= 1.5 * float(idle_f["p95_s"]),
        "background_movies_done": background_done,
        "refresh_problems": {"idle": sorted(set(idle_problems)), "busy": sorted(set(busy_problems))},
        "http_429": sum(c.get(429, 0) for c in stats["statuses"].values()),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for phase in ("idle", "busy"):
            f = result[phase]
            print(
                f"{phase}: {f['count']} refreshes, p50 {f['p50_s']} s, p95 {f['p95_s']} s, max {f['max_s']} s"
            )
        print(
            f"busy p95 / idle p95 = {result['busy_p95_over_idle_p95']}; "
            f"targets met: {result['targets_met']}; "
            f"{result['background_movies_done']} background movies done; {result['http_429']} HTTP 429"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
