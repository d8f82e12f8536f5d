"""The daily enrichment inside the window: runs are jobs (progress, Cancel), a missed run is caught up
at start, and the dialog stores the time of day the CLI's `metarr schedule` reads."""

from __future__ import annotations

import asyncio
from datetime import time
from datetime import timedelta

import pytest
from PySide6.QtCore import QTime
from pytestqt.qtbot import QtBot

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.jobs import JobState
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.schedule.dialog import DAILY_TITLE
from metarr_desktop.ui.schedule.dialog import ScheduleDialog
from metarr_desktop.ui.schedule.dialog import WindowSchedule
from tests.helpers.qt import until

pytestmark = pytest.mark.gui


@pytest.fixture
def daily(ctx: UiContext) -> WindowSchedule:
    assert ctx.suite is not None and ctx.library is not None
    ctx.library.add("Inception", year=2010, ids=ExternalIds(tmdb=27205))
    ctx.library.add("Heat", year=1995, ids=ExternalIds(tmdb=949))
    return WindowSchedule(ctx.suite, ctx.jobs)


def test_the_window_runs_the_suites_one_schedule(ctx: UiContext, daily: WindowSchedule) -> None:
    assert ctx.suite is not None and daily.schedule is ctx.suite.schedule


async def test_a_missed_run_is_caught_up_at_start_as_a_job(ctx: UiContext, daily: WindowSchedule) -> None:
    # The app was closed over the last scheduled time (a brand-new profile would wait instead).
    daily.schedule.record_run(daily.schedule.previous_run_time() - timedelta(days=1))
    assert daily.schedule.is_missed()
    daily.start()
    try:
        await until(lambda: daily.schedule.runs == 1)
    finally:
        await daily.stop()
    job = daily.last_job
    assert job is not None and job.title == DAILY_TITLE
    assert job.state is JobState.DONE and (job.done, job.total) == (2, 2)
    assert isinstance(job.result, EnrichReport) and len(job.result.results) == 2
    assert any("2 of 2 movies" in event.message for event in job.events)
    assert daily.schedule.last_run() is not None and not daily.schedule.is_missed()


async def test_cancelling_the_job_stops_the_run_and_the_schedule_lives_on(
    ctx: UiContext, daily: WindowSchedule
) -> None:
    cancelled = []

    def on_added(job: object) -> None:
        # At once, before the job's task has taken a step (the hardest moment to cancel).
        asyncio.get_running_loop().call_soon(lambda: cancelled.append(ctx.jobs.cancel(ctx.jobs.jobs[-1].id)))

    class Listener:
        def job_added(self, job: object) -> None:
            on_added(job)

        def job_event(self, *_: object) -> None: ...
        def job_updated(self, *_: object) -> None: ...
        def job_removed(self, *_: object) -> None: ...

    unsubscribe = ctx.jobs.subscribe(Listener())  # type: ignore[arg-type]
    try:
        assert await daily.schedule.run_now() is None
    finally:
        unsubscribe()
    assert cancelled == [True]
    assert daily.last_job is not None and daily.last_job.state is JobState.CANCELLED
    # The attempt is recorded: a cancelled run is not restarted in a loop, the next one is tomorrow.
    assert daily.schedule.runs == 1 and not daily.schedule.is_missed()


async def test_the_dialog_loads_and_saves_the_schedule(qtbot: QtBot, daily: WindowSchedule) -> None:
    daily.schedule.set_time_of_day("04:30")
    dialog = ScheduleDialog(daily.schedule)
    qtbot.addWidget(dialog)
    assert dialog.time.time() == QTime(4, 30) and dialog.enabled.isChecked()
    assert dialog.last_run.text() == "never"
    dialog.time.setTime(QTime(22, 15))
    dialog.enabled.setChecked(False)
    assert not dialog.time.isEnabled()
    dialog.accept()
    assert daily.schedule.time_of_day() == time(22, 15) and not daily.schedule.enabled()
    reopened = ScheduleDialog(daily.schedule)
    qtbot.addWidget(reopened)
    assert reopened.next_run.text() == "off"

    requested = []
    reopened.runNowRequested.connect(lambda: requested.append(True))
    reopened.run_now.click()
    assert requested == [True]
