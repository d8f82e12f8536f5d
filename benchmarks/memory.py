"""Benchmark: the peak memory (RSS) of one `metarr` command against the sandbox, in a child process.

    .venv/bin/python benchmarks/memory.py huge-body [--code DIR]
    .venv/bin/python benchmarks/memory.py enrich-all --movies 10000 [--code DIR]

huge-body: the sandbox answers every TMDB request with a 200 MB JSON body of unknown length (fault
``tmdb:huge``); one ``metarr enrich 1 --json`` of a demo movie runs in a child process and its peak
RSS (``VmHWM`` of /proc/self/status at exit) is reported.

enrich-all: a synthetic library of N identified movies (sandbox without rate limits or latency; the
engine's rates lifted). ``metarr enrich --all`` runs in child processes: with an empty cache
(``fresh``, every answer fetched and every field a change), the same with ``--json`` on a second
profile (``fresh_json``: the largest document), then from the cache the fresh run filled
(``cached``, ``cached_json``: every movie unchanged). Each child's stdout goes to /dev/null; each
run's peak RSS and wall time are reported.

``--code DIR`` runs the children on another copy of the ``metarr_desktop`` package (its parent
folder goes first on PYTHONPATH), to compare with an older version: e.g. ``git archive <commit>
metarr_desktop | tar -x -C /tmp/before`` then ``--code /tmp/before``. The sandbox always runs this
checkout's code.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from keyring.backends import null

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.sandbox import SandboxLimits
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.context import AppServices

RSS_FILE = "METARR_BENCH_RSS_FILE"


def peak_rss_kb() -> int:
    """This process's peak RSS (kB): VmHWM where /proc has it. (`ru_maxrss` is kept across exec on
    Linux, so in a child it never reads below the parent's RSS at the fork.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_main(argv: list[str]) -> None:
    """In the child: run one metarr command, then write this process's peak RSS (kB) to the file."""
    from metarr_desktop.cli.main import run

    code = 0
    try:
        code = run(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    finally:
        Path(os.environ[RSS_FILE]).write_text(str(peak_rss_kb()))
    sys.exit(code)


def measure(argv: list[str], code_dir: str | None) -> dict[str, Any]:
    """Run `metarr argv` in a fresh child; its exit code, peak RSS (MB) and wall time (s)."""
    with tempfile.NamedTemporaryFile(prefix="metarr-rss-", delete=False) as handle:
        rss_file = handle.name
    env = dict(os.environ, **{RSS_FILE: rss_file})
    if code_dir:
        env["PYTHONPATH"] = os.pathsep.join([code_dir, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    try:
        rss_kb = int(Path(rss_file).read_text() or 0)
    finally:
        Path(rss_file).unlink(missing_ok=True)
    last = completed.stderr.strip().splitlines()[-1:] if completed.stderr.strip() else []
    return {
        "exit": completed.returncode,
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "wall_s": round(wall, 1),
        "last_stderr_line": last[0][:200] if last else "",
    }


def package_of(code_dir: str | None) -> str:
    """Which metarr_desktop the children import (a check that --code works)."""
    env = dict(os.environ)
    if code_dir:
        env["PYTHONPATH"] = code_dir
    command = [sys.executable, __file__, "--package"]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout.strip()


async def open_profile(root: Path, server: SandboxServer) -> AppServices:
    await configure_profile(root, server)
    app = AppServices.open(root, keyring_backend=null.Keyring())  # type: ignore[no-untyped-call]
    for spec in app.registry:
        await app.providers.update(spec.id, ProviderUpdate(rate_limit=RateLimit(10_000, 1), daily_quota=None))
    return app


async def huge_body(args: argparse.Namespace) -> dict[str, Any]:
    server = SandboxServer("demo", faults="tmdb:huge", seed=1)
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="metarr-mem-") as tmp:
            profile = Path(tmp) / "profile"
            app = await open_profile(profile, server)
            try:
                app.movies.add("Inception", year=2010, ids=ExternalIds(tmdb=27205, imdb="tt1375666"))
            finally:
                await app.aclose()
            run = measure(["--data-dir", str(profile), "enrich", "1", "--json"], args.code)
    finally:
        server.stop()
    return {"scenario": "huge-body", "body_mb": 200, "package": package_of(args.code), "enrich": run}


async def library_profile(root: Path, server: SandboxServer, movies: int) -> Path:
    """A fresh profile pointed at `server` with `movies` identified movies of its catalog."""
    app = await open_profile(root, server)
    try:
        titles = [t for t in server.catalog.titles if t.kind == "movie"][:movies]
        with app.database.atomic():
            for title in titles:
                app.movies.add(
                    title.title,
                    year=title.year,
                    ids=ExternalIds(tmdb=title.tmdb, imdb=title.imdb, tvdb=title.tvdb),
                    status=IdentificationStatus.IDENTIFIED,
                )
    finally:
        await app.aclose()
    return root


RUNS = ("fresh", "fresh_json", "cached", "cached_json")


async def enrich_all(args: argparse.Namespace) -> dict[str, Any]:
    wanted = [r.strip() for r in args.runs.split(",") if r.strip()]
    unknown = [r for r in wanted if r not in RUNS]
    if unknown:
        raise SystemExit(f"unknown runs {unknown} (known: {', '.join(RUNS)})")
    server = SandboxServer(f"synthetic:{args.movies}", limits=SandboxLimits.none(), seed=7)
    server.start()
    runs: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="metarr-mem-") as tmp:
            # "fresh" fills profile a's cache for the cached runs; "fresh_json" has a profile of its own.
            a = await library_profile(Path(tmp) / "a", server, args.movies)
            for name in wanted:
                profile = a
                if name == "fresh_json":
                    profile = await library_profile(Path(tmp) / "b", server, args.movies)
                argv = ["--data-dir", str(profile), "enrich", "--all"]
                runs[name] = measure([*argv, "--json"] if name.endswith("json") else argv, args.code)
            requests = server.stats.snapshot()["total"]
    finally:
        server.stop()
    return {
        "scenario": "enrich-all",
        "movies": args.movies,
        "package": package_of(args.code),
        "sandbox_requests": requests,
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child_main(argv[1:])
        return
    if argv[:1] == ["--package"]:
        import metarr_desktop

        print(Path(metarr_desktop.__file__).parent)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["huge-body", "enrich-all"])
    parser.add_argument("--movies", type=int, default=1000)
    parser.add_argument("--code", metavar="DIR", help="run the children on the package in DIR")
    parser.add_argument(
        "--runs",
        default=",".join(RUNS),
        help="enrich-all: which runs, in order (cached ones read the cache the fresh run filled)",
    )
    args = parser.parse_args(argv)
    result = asyncio.run(huge_body(args) if args.scenario == "huge-body" else enrich_all(args))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
