"""The daily schedule in simulated time: the stored time of day, catch-up at start, daily runs."""

from __future__ import annotations

import asyncio
from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.services.schedule import DailySchedule
from metarr_desktop.services.schedule import ScheduleError
from metarr_desktop.services.schedule import parse_time_of_day
from metarr_desktop.store.config import SettingsRepository

START = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class Job:
    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.times: list[datetime] = []

    async def __call__(self) -> str:
        self.times.append(self.clock.now())
        await self.clock.sleep(30)  # a run takes time
        return "done"


@pytest.fixture
def vclock() -> VirtualClock:
    return VirtualClock(START)


def make(settings: SettingsRepository, clock: VirtualClock, job: Job) -> DailySchedule:
    return DailySchedule(job, settings, clock, tz=UTC, step_s=3600.0)


def test_time_of_day_defaults_to_three_and_is_stored(
    settings: SettingsRepository, vclock: VirtualClock
) -> None:
    schedule = make(settings, vclock, Job(vclock))
    assert schedule.time_of_day() == time(3, 0)
    assert schedule.next_run_time() == datetime(2026, 3, 11, 3, 0, tzinfo=UTC)
    schedule.set_time_of_day("22:15")
    assert make(settings, vclock, Job(vclock)).time_of_day() == time(22, 15)
    assert schedule.next_run_time() == datetime(2026, 3, 10, 22, 15, tzinfo=UTC)
    for bad in ("25:00", "3", "03:60", "noon"):
        with pytest.raises(ScheduleError):
            schedule.set_time_of_day(bad)
    assert parse_time_of_day(" 7:05 ") == time(7, 5)


async def test_a_missed_run_is_caught_up_at_start_then_runs_daily(
    settings: SettingsRepository, vclock: VirtualClock
) -> None:
    job = Job(vclock)
    schedule = make(settings, vclock, job)
    schedule.record_run(START - timedelta(days=2))  # the app was closed for two days
    assert schedule.is_missed()
    task = schedule.start()
    await vclock.sleep(3 * 86400)
    await schedule.stop()
    assert task.done()
    assert job.times == [
        START,
        datetime(2026, 3, 11, 3, 0, tzinfo=UTC),
        datetime(2026, 3, 12, 3, 0, tzinfo=UTC),
        datetime(2026, 3, 13, 3, 0, tzinfo=UTC),
    ]
    assert schedule.last_run() == datetime(2026, 3, 13, 3, 0, tzinfo=UTC)


async def test_no_catch_up_when_the_last_run_is_recent(
    settings: SettingsRepository, vclock: VirtualClock
) -> None:
    job = Job(vclock)
    schedule = make(settings, vclock, job)
    schedule.record_run(START.replace(hour=3))  # `metarr enrich --all` ran from cron this morning
    schedule.start()
    await vclock.sleep(10 * 3600)
    assert job.times == []
    await vclock.sleep(6 * 3600)
    await schedule.stop()
    assert job.times == [datetime(2026, 3, 11, 3, 0, tzinfo=UTC)]


async def test_changing_the_time_takes_effect_at_once(
    settings: SettingsRepository, vclock: VirtualClock
) -> None:
    job = Job(vclock)
    schedule = make(settings, vclock, job)
    schedule.record_run(START)
    schedule.start()
    await vclock.sleep(60)
    schedule.set_time_of_day("13:00")
    await vclock.sleep(3600)
    await schedule.stop()
    assert job.times == [datetime(2026, 3, 10, 13, 0, tzinfo=UTC)]


async def test_a_failing_run_does_not_stop_the_schedule(
    settings: SettingsRepository, vclock: VirtualClock
) -> None:
    calls: list[datetime] = []

    async def broken() -> None:
        calls.append(vclock.now())
        raise RuntimeError("boom")

    schedule = DailySchedule(broken, settings, vclock, tz=UTC, step_s=3600.0)
    schedule.record_run(START)
    schedule.start()
    await vclock.sleep(2 * 86400)
    await schedule.stop()
    assert len(calls) == 2


async def test_disabled_schedule_does_not_run(settings: SettingsRepository, vclock: VirtualClock) -> None:
    job = Job(vclock)
    schedule = make(settings, vclock, job)
    schedule.set_enabled(False)
    schedule.start()
    await vclock.sleep(2 * 86400)
    await schedule.stop()
    assert job.times == [] and schedule.to_json()["enabled"] is False
    await asyncio.sleep(0)


async def test_moving_the_time_to_a_slot_already_past_today_means_from_tomorrow(
    settings: SettingsRepository, vclock: VirtualClock
) -> None:
    job = Job(vclock)
    schedule = make(settings, vclock, job)
    schedule.record_run(START.replace(hour=3))  # ran at 03:00 today; now it is 12:00
    schedule.start()
    await vclock.sleep(60)
    schedule.set_time_of_day("08:00")  # earlier than now, later than the last run
    assert not schedule.is_missed()
    await vclock.sleep(86400)
    await schedule.stop()
    assert job.times == [datetime(2026, 3, 11, 8, 0, tzinfo=UTC)]


async def test_a_run_missed_before_the_change_is_still_caught_up(
    settings: SettingsRepository, vclock: VirtualClock
) -> None:
    schedule = make(settings, vclock, Job(vclock))
    schedule.record_run(START - timedelta(days=2))
    schedule.set_time_of_day("08:00")
    assert schedule.is_missed()


async def test_a_brand_new_profile_waits_for_the_scheduled_time(
    settings: SettingsRepository, vclock: VirtualClock
) -> None:
    job = Job(vclock)
    schedule = make(settings, vclock, job)  # never ran: no last run on record
    schedule.start()
    await vclock.sleep(3600)
    assert job.times == []
    await vclock.sleep(86400)
    await schedule.stop()
    assert job.times == [datetime(2026, 3, 11, 3, 0, tzinfo=UTC)]
