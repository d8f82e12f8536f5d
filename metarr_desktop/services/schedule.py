"""The daily schedule (document 5, "Scheduled Enrichment"): enrich the whole library once a day.

At a time of day the user sets (default 03:00 local time, stored in the settings table), the
schedule runs `enrich_all` in auto mode (unmonitored movies are skipped) at background priority,
through the cache: a movie whose answers are all fresh costs no request. The time of the last run is
stored too, so a run missed while the app was closed (or the computer asleep) is caught up at start.
Between daily runs, movies marked incomplete for a provider (rate limited, quota spent) are retried
once their provider's reset time has come, at most every `retry_interval_s`.

Headless installs run the same job from the system's scheduler with ``metarr enrich --all``, which
records the run too (see packaging/ for a systemd timer).

Why a small hand-written loop rather than APScheduler's AsyncIOScheduler with a CronTrigger: the loop
waits on the injected `Clock`, so tests drive whole days in simulated time (`VirtualClock`) without
sleeping; it re-reads the wall clock at least every `step_s` seconds, so a suspended laptop or a
changed time zone is noticed on wake instead of firing at a stale instant; and the catch-up rule
needs the stored last-run time in any case, which APScheduler's misfire handling does not know
about across restarts without its own job store.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable
from collections.abc import Callable
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from datetime import tzinfo
from typing import Any

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.settings import SETTINGS
from metarr_desktop.store.config import SettingsRepository

log = logging.getLogger(__name__)

#: Storage keys: the two user settings are declared in `core.settings`; the last run is state.
SCHEDULE_TIME = SETTINGS["schedule.time"].storage_key
SCHEDULE_ENABLED = SETTINGS["schedule.enabled"].storage_key
SCHEDULE_LAST_RUN = "enrich_schedule_last_run"
#: Scheduled instants at or before this moment are never "missed": the schedule began then (the
#: first start of a new profile) or its time of day was moved to a slot already past today.
SCHEDULE_SINCE = "enrich_schedule_since"

DEFAULT_TIME = time(3, 0)
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


class ScheduleError(ValueError):
    """A time of day that is not HH:MM (bad input)."""


def parse_time_of_day(text: str) -> time:
    """``"03:00"`` -> 03:00; `ScheduleError` for anything that is not a valid 24-hour HH:MM."""
    match = _TIME_RE.match(text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ScheduleError(f"expected a time of day as HH:MM (00:00 to 23:59), got {text!r}")
    return time(int(match.group(1)), int(match.group(2)))


class DailySchedule:
    """Runs a job once a day at the stored time of day, catching up a missed run at start.

    Attributes:
        runs: how many times the job ran since this object was made.
        running: True while the job runs.
    """

    def __init__(
        self,
        job: Callable[[], Awaitable[Any]],
        settings: SettingsRepository,
        clock: Clock,
        *,
        tz: tzinfo | None = None,
        retry: Callable[[], Awaitable[Any]] | None = None,
        retry_interval_s: float = 15 * 60.0,
        step_s: float = 60.0,
    ) -> None:
        """
        Args:
            job: the daily work (the app passes enrich-all, auto mode, background priority).
            settings: where the time of day and the last run are kept.
            tz: the time zone of the time of day (default: the system's local time, DST included).
            retry: the work between daily runs (the app passes: retry movies whose incomplete
                providers have reset); None for none.
            step_s: the longest single wait, after which the wall clock is read again.
        """
        self._job = job
        self._settings = settings
        self._clock = clock
        self._tz = tz
        self._retry = retry
        self._retry_interval_s = retry_interval_s
        self._step_s = step_s
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self.runs = 0
        self.running = False

    # -- settings ------------------------------------------------------------------------------------

    def time_of_day(self) -> time:
        stored = self._settings.get(SCHEDULE_TIME)
        if isinstance(stored, str):
            try:
                return parse_time_of_day(stored)
            except ScheduleError:
                log.warning("the stored schedule time %r is not HH:MM; using 03:00", stored)
        return DEFAULT_TIME

    def set_time_of_day(self, value: str | time) -> time:
        """Store a new time of day (HH:MM, local); a running loop picks it up at once.

        A time earlier than now (but after the last run) means "from tomorrow": moving the slot to
        an instant already past today does not start a run at once. A run that was missed before
        the change is still caught up.
        """
        parsed = (
            parse_time_of_day(value) if isinstance(value, str) else value.replace(second=0, microsecond=0)
        )
        missed_before = self.is_missed()
        self._settings.set(SCHEDULE_TIME, parsed.strftime("%H:%M"))
        if not missed_before and self.is_missed():
            self._set_since(self._clock.now())
        self._wake.set()
        return parsed

    def enabled(self) -> bool:
        return self._settings.get(SCHEDULE_ENABLED, True) is not False

    def set_enabled(self, enabled: bool) -> None:
        self._settings.set(SCHEDULE_ENABLED, bool(enabled))
        self._wake.set()

    def last_run(self) -> datetime | None:
        return self._stored_time(SCHEDULE_LAST_RUN)

    def _stored_time(self, key: str) -> datetime | None:
        stored = self._settings.get(key)
        if not isinstance(stored, str):
            return None
        try:
            when = datetime.fromisoformat(stored)
        except ValueError:
            return None
        return when if when.tzinfo else when.replace(tzinfo=UTC)

    def since(self) -> datetime | None:
        """Scheduled instants at or before this are not missed (see `SCHEDULE_SINCE`)."""
        return self._stored_time(SCHEDULE_SINCE)

    def _set_since(self, at: datetime) -> None:
        self._settings.set(SCHEDULE_SINCE, at.astimezone(UTC).isoformat())

    def begin(self) -> None:
        """The schedule's first start on this profile: nothing is missed yet. A brand-new profile
        runs at the next scheduled time (or when the user asks), not at once."""
        if self.last_run() is None and self.since() is None:
            self._set_since(self._clock.now())

    def record_run(self, at: datetime | None = None) -> None:
        """Remember that the daily job ran (`metarr enrich --all` calls this too)."""
        self._settings.set(SCHEDULE_LAST_RUN, (at or self._clock.now()).astimezone(UTC).isoformat())

    # -- when ----------------------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self._tz) if self._tz is not None else moment.astimezone()

    def _slot(self, day: date) -> datetime:
        at = datetime.combine(day, self.time_of_day())
        local = at.replace(tzinfo=self._tz) if self._tz is not None else at.astimezone()
        return local.astimezone(UTC)

    def previous_run_time(self, now: datetime | None = None) -> datetime:
        """The latest scheduled instant at or before `now` (UTC)."""
        now = now or self._clock.now()
        today = self._local(now).date()
        slot = self._slot(today)
        return slot if slot <= now else self._slot(today - timedelta(days=1))

    def next_run_time(self, now: datetime | None = None) -> datetime:
        """The first scheduled instant after `now` (UTC)."""
        now = now or self._clock.now()
        today = self._local(now).date()
        slot = self._slot(today)
        return slot if slot > now else self._slot(today + timedelta(days=1))

    def is_missed(self, now: datetime | None = None) -> bool:
        """True when the last scheduled instant passed without a run since the schedule began (a
        profile that never ran and never started the schedule counts as missed, for the CLI's
        status; `run_forever` calls `begin` first)."""
        marks = [m for m in (self.last_run(), self.since()) if m is not None]
        return not marks or max(marks) < self.previous_run_time(now)

    def to_json(self) -> dict[str, Any]:
        last = self.last_run()
        return {
            "enabled": self.enabled(),
            "time": self.time_of_day().strftime("%H:%M"),
            "last_run": last.isoformat() if last else None,
            "next_run": self.next_run_time().isoformat(),
            "missed": self.is_missed(),
        }

    # -- running -------------------------------------------------------------------------------------

    def run_with(
        self, job: Callable[[], Awaitable[Any]], retry: Callable[[], Awaitable[Any]] | None = None
    ) -> None:
        """Replace what a run does (the window makes each run a job of its own); the time of day,
        the catch-up rule and the record of runs stay this schedule's."""
        self._job = job
        self._retry = retry

    async def run_now(self) -> Any:
        """Run the job once (never twice at the same time) and record the run's start time."""
        async with self._lock:
            started = self._clock.now()
            self.running = True
            try:
                return await self._job()
            finally:
                # Recorded even when the run failed or was cut short: the next attempt is the next
                # scheduled instant (a failing job must not be restarted in a tight loop), and the
                # movies it did finish are kept.
                self.running = False
                self.runs += 1
                self.record_run(started)

    async def _run_logged(self, job: Callable[[], Awaitable[Any]], what: str) -> None:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:  # the schedule must survive a failed run; the next one tries again
            log.exception("the %s failed", what)

    async def run_forever(self) -> None:
        """Catch up a missed run, then run at every scheduled instant until cancelled.

        One rule covers both: whenever the latest scheduled instant has no run recorded after it,
        the job runs (at start that is the catch-up; later, the instant has just been reached).
        """
        self.begin()
        next_retry = self._clock.monotonic() + self._retry_interval_s
        while True:
            now = self._clock.now()
            due = self.next_run_time(now)
            if self.enabled() and self.is_missed(now):
                await self._run_logged(self.run_now, "daily enrichment")
                continue
            if self._retry is not None and self.enabled() and self._clock.monotonic() >= next_retry:
                await self._run_logged(self._retry, "retry of incomplete movies")
                next_retry = self._clock.monotonic() + self._retry_interval_s
            wait = min(self._step_s, max(0.0, (due - now).total_seconds()))
            await self._sleep_or_wake(wait)

    async def _sleep_or_wake(self, seconds: float) -> None:
        """Wait `seconds` on the clock, or less when the settings changed."""
        self._wake.clear()
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, waker):
                task.cancel()
            await asyncio.gather(sleeper, waker, return_exceptions=True)

    def start(self) -> asyncio.Task[None]:
        """Run the schedule in the background on the running loop (idempotent)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run_forever(), name="daily-schedule")
        return self._task

    async def stop(self) -> None:
        """Stop the background loop (a running job is cancelled; finished movies are kept)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
