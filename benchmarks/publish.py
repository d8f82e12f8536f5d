"""Benchmark: enrich a synthetic library against the sandbox, then publish its library files.

    .venv/bin/python benchmarks/publish.py --movies 1000 --json

1. Starts the sandbox with a synthetic catalog of N movies (no latency: this measures publishing),
   opens a fresh profile pointed at it (engine rates scaled like benchmarks/enrich.py), creates a
   folder with one video file per movie, adds the movies and enriches them.
2. Publishes every movie with artwork from the sandbox's image route (through the engine's image
   host provider): wall_s, bytes_downloaded, files_written.
   The image hosts' rate (20 a second) is scaled by --rate-scale like the providers'.
3. Publishes again: nothing changed, so 0 files may be written and nothing downloaded;
   second_ms_per_movie is that pass per movie (target: at most 2 ms). It reads the files written
   by the first pass once more (their modification times were too fresh to trust then) and stores
   their verified (size, mtime_ns); a third pass (third_ms_per_movie) trusts those without reading.
   --profile FILE writes a cProfile of the second pass (--profile-pass 3: the third), its top
   functions on stderr; the worker-thread parts run inline while profiled.

Prints one JSON object with --json (a readable summary otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from keyring.backends import null

from benchmarks.enrich import open_profile
from benchmarks.enrich import sandbox_limits
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.images import sandbox_image_transport
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.publish import PublishReport
from metarr_desktop.services.publish import PublishService


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=200)
    parser.add_argument("--rate-scale", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--extrafanart", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--profile", metavar="FILE", help="cProfile a publish pass into FILE (pstats)")
    parser.add_argument("--profile-pass", type=int, choices=(2, 3), default=2)
    return parser.parse_args(argv)


def add_movies(app: AppServices, server: SandboxServer, count: int, library: Path) -> list[int]:
    titles = [t for t in server.catalog.titles if t.kind == "movie"][:count]
    ids = []
    with app.database.atomic():
        for number, title in enumerate(titles):
            folder = library / f"movie{number:05d} ({title.year})"
            folder.mkdir(parents=True)
            (folder / f"movie{number:05d}.mkv").write_bytes(b"\x1a\x45\xdf\xa3")
            record = app.movies.add(
                title.title,
                year=title.year,
                ids=ExternalIds(tmdb=title.tmdb, imdb=title.imdb, tvdb=title.tvdb),
                status=IdentificationStatus.IDENTIFIED,
                path=str(folder),
            )
            ids.append(record.id)
    return ids


async def _inline(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


async def timed(
    publish: PublishService, movie_ids: list[int], profile: str | None
) -> tuple[PublishReport, float, float]:
    """One publish of every movie, its wall time and its CPU time (every thread's: a figure a busy
    machine disturbs less than the wall time); cProfiled into `profile` when given (the
    worker-thread parts then run inline: cProfile sees one thread)."""
    profiler = cProfile.Profile() if profile else None
    to_thread = asyncio.to_thread
    if profiler is not None:
        asyncio.to_thread = _inline
        profiler.enable()
    started = time.perf_counter()
    cpu = time.process_time()
    try:
        report = await publish.publish(movie_ids)
    finally:
        wall = time.perf_counter() - started
        asyncio.to_thread = to_thread
    cpu = time.process_time() - cpu
    if profiler is not None and profile:
        profiler.disable()
        profiler.dump_stats(profile)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    return report, wall, cpu


async def run(args: argparse.Namespace) -> dict[str, Any]:
    server = SandboxServer(
        f"synthetic:{args.movies}", latency="0", limits=sandbox_limits(args.rate_scale), seed=7
    )
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="metarr-bench-publish-") as tmp:
            root = Path(tmp)
            configured = await open_profile(root / "profile", server, args.rate_scale)
            await configured.aclose()
            app = AppServices.open(
                root / "profile",
                keyring_backend=null.Keyring(),  # type: ignore[no-untyped-call]
                image_transport=sandbox_image_transport(server.urls["tmdb"]),
            )
            try:
                suite = LibrarySuite.create(app)
                # The image hosts' pace (20 a second by default) scaled like the providers'.
                app.image_pool.get("images").gate.configure(RateLimit(int(20 * args.rate_scale), 1.0), None)
                app.user_settings.set("publish.extrafanart", args.extrafanart)
                movie_ids = add_movies(app, server, args.movies, root / "library")
                started = time.perf_counter()
                await suite.enrichment.enrich_many(
                    movie_ids,
                    EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND),
                    concurrency=args.concurrency,
                )
                enrich_s = time.perf_counter() - started

                started = time.perf_counter()
                first = await app.publish.publish(movie_ids)
                wall = time.perf_counter() - started

                second, second_wall, second_cpu = await timed(
                    app.publish, movie_ids, args.profile if args.profile_pass == 2 else None
                )
                third, third_wall, third_cpu = await timed(
                    app.publish, movie_ids, args.profile if args.profile_pass == 3 else None
                )
            finally:
                await app.aclose()
    finally:
        server.stop()
    return {
        "movies": args.movies,
        "enrich_s": round(enrich_s, 2),
        "wall_s": round(wall, 2),
        "ms_per_movie": round(wall / max(1, args.movies) * 1000, 2),
        "bytes_downloaded": first.bytes_downloaded,
        "files_written": first.files_written,
        "failed": first.summary()["failed"],
        "second_wall_s": round(second_wall, 3),
        "second_files_written": second.files_written,
        "second_bytes_downloaded": second.bytes_downloaded,
        "second_ms_per_movie": round(second_wall / max(1, args.movies) * 1000, 3),
        "second_cpu_ms_per_movie": round(second_cpu / max(1, args.movies) * 1000, 3),
        "third_files_written": third.files_written,
        "third_ms_per_movie": round(third_wall / max(1, args.movies) * 1000, 3),
        "third_cpu_ms_per_movie": round(third_cpu / max(1, args.movies) * 1000, 3),
        "second_written_sample": [
            f"{Path(f.path).name}: {f.action.value}"
            for r in second.results
            for f in r.files
            if f.action.value in ("created", "updated")
        ][:5],
    }


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    result = asyncio.run(run(args))
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['movies']} movies: enriched in {result['enrich_s']} s; published in {result['wall_s']} s "
        f"({result['ms_per_movie']} ms/movie), {result['files_written']} files, "
        f"{result['bytes_downloaded']:,} bytes downloaded, {result['failed']} failed\n"
        f"second publish: {result['second_files_written']} files written, "
        f"{result['second_ms_per_movie']} ms/movie; third: {result['third_files_written']} files, "
        f"{result['third_ms_per_movie']} ms/movie"
    )


if __name__ == "__main__":
    main()
