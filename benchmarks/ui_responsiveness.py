"""Benchmark: how responsive the window stays while the whole library is enriched.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_responsiveness.py --movies 1000 --json

The real set-up, offscreen: a qasync event loop over a QApplication, the real `MainWindow` over real
services (a fresh profile per page), the sandbox serving a synthetic catalog of N movies with
50-200 ms latency and every rate limit times S, the providers' engine rates (their real defaults)
times S, OMDb's daily quota lifted on both sides (as ``benchmarks/enrich.py``), posters loaded from
the sandbox as the app's demo mode does. The N movies are added already identified.

For each page (Library, then Activity, which follows every step and note of the job), the window
shows that page, start-up objects leave the collector (``gc.collect(); gc.freeze()`` as app.py does),
and the library page's "Enrich all" button is clicked twice:

- fresh: every answer comes from the sandbox (the page's own job body: progress, notes, row reloads);
- cached: the same again, every answer fresh in the cache, so no request is sent.

During each pass a 5 ms `QTimer` on the loop thread records every gap between its ticks (until the
job has finished and 0.3 s more, for the last repaint): ``longest_stall_ms`` is the longest gap minus
5 ms (the longest the UI was frozen), ``p99_stall_ms`` the 99th percentile, ``ticks`` the count.
``ok`` is every longest stall <= 100 ms (no freeze a user can see); the exit code is 1 otherwise.

The sandbox runs in a child process by default (real providers are not in the app's process; its
request threads would otherwise take the GIL from the window); ``--sandbox thread`` serves it
in-process, as ``benchmarks/enrich.py`` and ``metarr-desktop --demo`` do. ``--profile`` prints (stderr)
where the loop thread's time went: each pass's longest stalls with the Qt events and asyncio steps
that filled them, collector runs, and the loop thread's stack sampled during every stall over 30 ms
(its own figures are a little worse: every Qt event is timed).
1,000 movies take about 80 s on a 2-core machine (the fresh passes are paced by the rate
limits); ``--movies 200`` is a quick look.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qasync
from keyring.backends import null
from PySide6.QtWidgets import QApplication

from benchmarks.enrich import scaled_rate
from benchmarks.stall_tools import LoopProfiler
from benchmarks.stall_tools import ProfiledApplication
from benchmarks.stall_tools import SandboxProcess
from benchmarks.stall_tools import StallSampler
from benchmarks.stall_tools import TickMeter
from benchmarks.stall_tools import sandbox_limits
from metarr_desktop.app import shutdown
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.sandbox import DEMO_KEYS
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.catalog import parse_catalog_spec
from metarr_desktop.sandbox.images import sandbox_image_transport
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.jobs import JobState
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.common.theme import ThemeController
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.main_window import MainWindow
from metarr_desktop.ui.main_window import Page
from metarr_desktop.ui.main_window import window_settings

TARGET_MS = 100.0
#: After the job: its last row reloads, status bar and activity flushes are painted meanwhile.
SETTLE_S = 0.3
PAGES = {"library": Page.LIBRARY, "activity": Page.ACTIVITY}
#: --profile: how many of each pass's longest stalls are explained.
PROFILED_STALLS = 4


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--movies", type=int, default=1000, help="library size (default 1,000)")
    parser.add_argument("--rate-scale", type=float, default=10.0, help="rate limits times this (10)")
    parser.add_argument("--latency-ms", default="50-200", help="sandbox latency per request (50-200)")
    parser.add_argument(
        "--pages", default="library,activity", help="pages to measure on, in order (library,activity)"
    )
    parser.add_argument("--sandbox", choices=["process", "thread"], default="process")
    parser.add_argument("--profile", action="store_true", help="sample the stack during stalls (stderr)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.movies < 1 or args.rate_scale <= 0:
        parser.error("--movies must be at least 1 and --rate-scale positive")
    args.page_list = [name.strip() for name in args.pages.split(",") if name.strip()]
    unknown = [name for name in args.page_list if name not in PAGES]
    if unknown or not args.page_list:
        parser.error(f"--pages: choose from {', '.join(PAGES)}")
    return args


class Sandbox:
    """The sandbox for one page's runs (fresh rate-limit windows), in a child process or a thread."""

    def __init__(self, args: argparse.Namespace) -> None:
        catalog = f"synthetic:{args.movies}"
        self.titles = [t for t in parse_catalog_spec(catalog).titles if t.kind == "movie"][: args.movies]
        self._process: SandboxProcess | None = None
        self._server: SandboxServer | None = None
        if args.sandbox == "process":
            self._process = SandboxProcess(catalog, latency=args.latency_ms, scale=args.rate_scale)
        else:
            self._server = SandboxServer(
                catalog, latency=args.latency_ms, limits=sandbox_limits(args.rate_scale), seed=7
            )

    def start(self) -> dict[str, str]:
        if self._process is not None:
            return self._process.start()
        assert self._server is not None
        return self._server.start()

    def stop(self) -> None:
        if self._process is not None:
            self._process.stop()
        elif self._server is not None:
            self._server.stop()


async def open_profile(root: Path, urls: dict[str, str], scale: float) -> AppServices:
    """A profile pointed at the sandbox: demo keys, each provider's default rate times `scale`."""
    services = AppServices.open(root, keyring_backend=null.Keyring())  # type: ignore[no-untyped-call]
    for spec in services.registry:
        change = ProviderUpdate(
            api_key=DEMO_KEYS[spec.id],
            base_url=urls[spec.id],
            rate_limit=scaled_rate(spec, scale),
            daily_quota=None,
        )
        await services.providers.update(spec.id, change)
    return services


def add_movies(services: AppServices, titles: list[Any]) -> None:
    with services.database.atomic():
        for title in titles:
            services.movies.add(
                title.title,
                year=title.year,
                ids=ExternalIds(tmdb=title.tmdb, imdb=title.imdb, tvdb=title.tvdb),
                status=IdentificationStatus.IDENTIFIED,
            )


async def measure_pass(window: MainWindow, args: argparse.Namespace, label: str) -> dict[str, Any]:
    """Click "Enrich all", wait for its job, and time the loop's ticks meanwhile."""
    ctx = window.ctx
    button = window.library_page.enrich_all_button
    assert button.isEnabled(), "Enrich all is disabled"
    meter = TickMeter()
    sampler = StallSampler(meter) if args.profile else None
    meter.start()
    if sampler is not None:
        sampler.start()
    started = time.perf_counter()
    button.click()
    job = ctx.jobs.jobs[-1]
    await ctx.jobs.wait(job)
    wall = time.perf_counter() - started
    await asyncio.sleep(SETTLE_S)
    meter.stop()
    if sampler is not None:
        sampler.stop()
        sys.stderr.write("\n".join(explain(label, meter, sampler)) + "\n")
    if job.state is not JobState.DONE:
        raise RuntimeError(f"{label}: the job ended {job.state.value}: {job.error}")
    report: EnrichReport = job.result
    return {
        "wall_s": round(wall, 2),
        "longest_stall_ms": round(meter.longest_stall_ms(), 1),
        "p99_stall_ms": round(meter.percentile_stall_ms(99), 1),
        "ticks": meter.ticks,
        "worst_stalls": [[round(ms, 1), round(at, 2)] for ms, at in meter.worst(3)],
        "network_requests": report.network_requests,
        "results": {k: v for k, v in report.summary().items() if k != "network_requests" and v},
    }


def explain(label: str, meter: TickMeter, sampler: StallSampler) -> list[str]:
    """--profile: the worst stalls of a pass, what ran in each, and where the loop's time went."""
    profiler = LoopProfiler.active
    lines = [f"=== {label}: the {PROFILED_STALLS} longest stalls"]
    for ms, at in meter.worst(PROFILED_STALLS):
        began = meter.started + at
        lines.append(f"  stall {ms:.0f} ms at {at:.2f} s")
        if profiler is not None:
            lines.extend(profiler.explain(began, began + (ms + meter.interval_ms) / 1000.0))
        lines.extend(sampler.stacks_for(began, limit=1))
    lines.append("  sampled during every stall over 30 ms (innermost project frame -> innermost frame):")
    lines.extend(sampler.totals())
    if profiler is not None:
        lines.append("  the loop thread's events over 2 ms in the whole pass, by what ran:")
        lines.extend(profiler.summary(meter.started, meter.last))
    return lines


async def measure_page(page: Page, args: argparse.Namespace, theme: ThemeController) -> dict[str, Any]:
    sandbox = Sandbox(args)
    urls = sandbox.start()
    try:
        with tempfile.TemporaryDirectory(prefix="metarr-ui-resp-") as folder:
            services = await open_profile(Path(folder) / "profile", urls, args.rate_scale)
            add_movies(services, sandbox.titles)
            images = ImageLoader(
                services.profile.image_cache_dir, transport=sandbox_image_transport(urls["tmdb"])
            )
            ctx = UiContext.from_services(services, images=images)
            window = MainWindow(ctx, settings=window_settings(services.profile.root), theme=theme)
            try:
                window.show()
                await window.load_page(Page.LIBRARY)
                window.show_page(Page.LIBRARY)
                if page is not Page.LIBRARY:
                    await window.load_page(page)
                    window.show_page(page)
                await asyncio.sleep(SETTLE_S)
                assert window.library_page.model.total == args.movies, window.library_page.model.total
                # As app.py does once the window is up.
                gc.collect()
                gc.freeze()
                fresh = await measure_pass(window, args, f"{page.value}, fresh")
                cached = await measure_pass(window, args, f"{page.value}, cached")
            finally:
                gc.unfreeze()
                await shutdown(window, ctx.jobs, services)
                await images.aclose()
    finally:
        sandbox.stop()
    return {"fresh": fresh, "cached": cached}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, Scheme.SYSTEM)
    pages: dict[str, Any] = {}
    for name in args.page_list:
        if not args.json:
            sys.stderr.write(f"{name} page…\n")
        pages[name] = await measure_page(PAGES[name], args, theme)
    stalls = [p["longest_stall_ms"] for passes in pages.values() for p in passes.values()]
    return {
        "benchmark": "ui_responsiveness",
        "movies": args.movies,
        "rate_scale": args.rate_scale,
        "latency_ms": args.latency_ms,
        "sandbox": args.sandbox,
        "pages": pages,
        "target_ms": TARGET_MS,
        "load_average": round(os.getloadavg()[0], 2),
        "ok": all(stall <= TARGET_MS for stall in stalls),
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"{result['movies']:,} movies, rate scale {result['rate_scale']}, latency {result['latency_ms']} ms, "
        f"sandbox in a {result['sandbox']}; load average {result['load_average']}"
    ]
    for page, passes in result["pages"].items():
        for name, p in passes.items():
            worst = ", ".join(f"{ms:.0f} ms at {at:.1f} s" for ms, at in p["worst_stalls"])
            lines.append(
                f"  {page:8} {name:6} {p['wall_s']:7.2f} s  longest stall {p['longest_stall_ms']:6.1f} ms  "
                f"p99 {p['p99_stall_ms']:5.1f} ms  {p['ticks']:6d} ticks  "
                f"{p['network_requests']:5d} requests  (worst: {worst})"
            )
    lines.append(f"  OK (every stall <= {TARGET_MS:.0f} ms)" if result["ok"] else "  TARGET MISSED")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kind = ProfiledApplication if args.profile else QApplication
    app = QApplication.instance() or kind([sys.argv[0] if sys.argv else "ui_responsiveness"])
    assert isinstance(app, QApplication)
    if args.profile:
        LoopProfiler().install()
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result = loop.run_until_complete(run(args))
    print(json.dumps(result) if args.json else report(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
