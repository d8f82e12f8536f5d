"""The activity view: jobs and their provider events as they happen, and Cancel that stops the task."""

from __future__ import annotations

import asyncio
import random

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobState
from metarr_desktop.services.jobs import JobTracker
from metarr_desktop.ui.activity.page import ActivityPage
from metarr_desktop.ui.common.bridge import JobBridge
from metarr_desktop.ui.common.roles import Role
from tests.helpers.fakes import HANG
from tests.helpers.fakes import FakeProvider
from tests.helpers.qt import shown_and_loaded
from tests.helpers.qt import wait_signal

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

REQUEST = MetadataRequest(ids=ExternalIds(tmdb=27205, imdb="tt1375666"))


@pytest.fixture
def engine() -> tuple[FetchOrchestrator, dict[str, FakeProvider], VirtualClock]:
    clock = VirtualClock()
    pool = ProviderPool(clock)
    fakes = {
        "tmdb": FakeProvider("tmdb", clock, outcomes=[ServerError("tmdb", "boom", status_code=502)]),
        "omdb": FakeProvider("omdb", clock, outcomes=[HANG]),
    }
    for fake in fakes.values():
        pool.add(fake)
    return FetchOrchestrator(pool, clock=clock, rng=random.Random(1)), fakes, clock


@pytest.fixture
async def page(
    qtbot: QtBot, engine: tuple[FetchOrchestrator, dict[str, FakeProvider], VirtualClock]
) -> ActivityPage:
    tracker = JobTracker(engine[2])
    return await shown_and_loaded(qtbot, ActivityPage(JobBridge(tracker)), 900, 500)


async def test_events_appear_and_cancel_stops_the_job(
    qtbot: QtBot, page: ActivityPage, engine: tuple[FetchOrchestrator, dict[str, FakeProvider], VirtualClock]
) -> None:
    orchestrator, fakes, _ = engine
    tracker = page.bridge.tracker
    assert page.empty.isVisibleTo(page) and not page.cancel_button.isEnabled()

    async def body(handle: JobHandle) -> object:
        return await orchestrator.fetch_all(REQUEST, progress=handle.progress)

    hung = asyncio.Event()
    fakes["omdb"].on_call = hung.set
    job = tracker.start("Refresh metadata: Inception", body)
    assert page.model.rowCount() == 1  # a new job is shown at once
    assert not page.empty.isVisibleTo(page)
    await hung.wait()
    await wait_signal(page.bridge.jobEvent, check=lambda j, e: e.text == "tmdb: complete")
    # Events are shown in batches; flush now rather than wait for the batch timer in real time
    # (the engine runs on simulated time and would time out the hanging provider meanwhile).
    assert page.flush_timer.isActive()
    page.flush_pending()
    top = page.model.index(0, 0)
    texts = [page.model.index(r, 0, top).data() for r in range(page.model.rowCount(top))]
    assert "tmdb: retry 1 of 2" in texts and "omdb: started" in texts
    assert page.tree.isExpanded(top)
    assert page.selected_job() is job
    assert page.cancel_button.isEnabled()

    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    await wait_signal(page.bridge.jobUpdated, check=lambda j: j.state.finished)
    page.flush_pending()
    assert job.state is JobState.CANCELLED
    assert fakes["omdb"].cancelled == 1  # the request in flight was cancelled, not abandoned
    assert page.model.index(0, 1).data() == "cancelled"
    assert not page.cancel_button.isEnabled()
    assert page.clear_button.isEnabled()
    page.clear_finished()
    assert page.model.rowCount() == 0 and tracker.jobs == []


async def test_a_running_job_with_steps_has_progress(page: ActivityPage) -> None:
    tracker = page.bridge.tracker
    gate = asyncio.Event()

    async def body(handle: JobHandle) -> None:
        handle.advance()
        await gate.wait()

    job = tracker.start("Enrich 4 movies", body, total=4)
    await asyncio.sleep(0)
    page.flush_pending()
    assert page.model.index(0, 1).data() == "running, 1 of 4"
    assert page.model.index(0, 1).data(Role.PROGRESS) == 0.25
    page.tree.grab()  # the progress delegate paints without error
    gate.set()
    await tracker.wait(job)
    page.flush_pending()
    assert page.model.index(0, 1).data() == "done"
