"""A busy engine never freezes the window: while many fetches run against faulty providers, with the
health cards and the activity view updating live, the event loop keeps turning.

The figure itself (the longest stall, aimed at well under 100 ms) is measured by
`benchmarks/ui_responsiveness.py`; this test only guards against a freeze (a whole run in one loop
step, a blocking call), with a bound far above what a busy test machine adds, so it cannot flake."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobState
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.main_window import MainWindow
from metarr_desktop.ui.main_window import Page
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.qt import until
from tests.ui.fakes import faulty_registry

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

FETCHES = 240
CONCURRENCY = 24
#: A freeze, not a slow tick: the benchmark measures the real figure (tens of ms at most).
MAX_STALL_MS = 1000.0


class StallMeter:
    """A 5 ms timer that records the longest gap between its ticks."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest_ms = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest_ms = max(self.longest_ms, (now - self.last) * 1000.0)
        self.last = now
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()


@pytest.fixture
async def busy_services(tmp_path: Path) -> AsyncIterator[AppServices]:
    registry = faulty_registry(
        {"alpha": (0.004, 0.15), "beta": (0.002, 0.05), "gamma": (0.008, 0.3), "delta": (0.001, 0.0)}
    )
    services = AppServices.open(tmp_path / "busy", registry=registry, keyring_backend=MemoryKeyring())
    try:
        yield services
    finally:
        await services.aclose()


@pytest.mark.slow
@pytest.mark.parametrize("page", [Page.HEALTH, Page.ACTIVITY])
async def test_the_window_stays_responsive_under_load(
    qtbot: QtBot, busy_services: AppServices, page: Page
) -> None:
    ctx = UiContext.from_services(busy_services)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    await window.load_page(Page.ACTIVITY)
    await window.load_page(Page.HEALTH)
    window.show_page(page)

    async def body(handle: JobHandle) -> int:
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def one(number: int) -> None:
            async with semaphore:
                request = MetadataRequest(ids=ExternalIds(tmdb=number + 1))
                await ctx.orchestrator.fetch_all(request, progress=handle.progress)
                handle.advance()

        await asyncio.gather(*(one(n) for n in range(FETCHES)))
        return FETCHES

    # As `metarr-desktop` does once the window is up (app.py): start-up objects (here also pytest's)
    # leave the collector's generations, so a full collection does not walk them again.
    gc.collect()
    gc.freeze()
    meter = StallMeter()
    meter.start()
    job = ctx.jobs.start("Refresh metadata: 240 movies", body, total=FETCHES)
    await ctx.jobs.wait(job)
    meter.stop()
    # Not unfrozen: that would also undo the session's freeze after collection (tests/conftest.py)
    # for every later test of this worker. What this test froze stays out of the collector's way.
    # The dashboard followed the engine (pushed, then painted on the coalescing tick).
    await until(lambda: not window.health_page.repaint_timer.isActive())
    for runtime in ctx.pool.all():
        shown, now = window.health_page.cards[runtime.id].health, runtime.health_snapshot()
        assert shown is not None
        # The last 24 hours are counted by the wall clock's hour: a snapshot taken after an hour
        # turned holds the same requests one bucket earlier.
        assert replace(shown, requests_24h=()) == replace(now, requests_24h=())
        assert sum(shown.requests_24h) == sum(now.requests_24h)
    window.dispose()

    assert job.state is JobState.DONE and job.done == FETCHES
    assert len(job.events) >= FETCHES * 4 * 2  # start and complete per provider, plus retries
    calls = sum(r.provider.calls for r in ctx.pool.all())  # type: ignore[attr-defined]
    assert calls >= FETCHES * 4
    assert meter.ticks > 20
    assert meter.longest_ms < MAX_STALL_MS, f"the event loop stalled for {meter.longest_ms:.1f} ms"
