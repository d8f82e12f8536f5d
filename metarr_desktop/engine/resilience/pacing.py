"""Pacing to a provider's rate (N requests in any window) and counting its daily quota.

Hand-written rather than aiolimiter: aiolimiter is a leaky bucket, which lets through up to about
twice N in some windows after an idle period, while providers such as TheTVDB (30 per 10 s) count a
sliding window; we never knowingly send a request that must fail. It also reads the loop's clock,
while ours takes an injected `Clock` so the tests run in simulated time.
"""

from __future__ import annotations

import asyncio
from collections import deque
from datetime import datetime
from datetime import timedelta
from typing import Any

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import RateLimit


class SlidingWindowPacer:
    """At most `limit.requests` acquisitions in any window of `limit.window_seconds`.

    Waiters are served in order of priority, then of arrival: every waiting user-priority acquisition
    goes before every waiting background one (a click during Enrich all does not queue behind the
    whole run), and within a priority first come, first served. Only the head of the line takes a
    slot, and only when the window has one, so the rate is never exceeded whoever jumps ahead.

    Background acquisitions also leave `reserve` slots of every window free (a fifth of the rate,
    none below 5 per window): a click during Enrich all finds a slot at once instead of waiting for
    one to expire from a window the bulk run keeps full. Background throughput pays for it.
    """

    def __init__(self, limit: RateLimit, clock: Clock) -> None:
        self.limit = limit
        self.reserve = limit.requests // 5
        self._clock = clock
        self._stamps: deque[float] = deque()
        self._waiting: dict[Priority, deque[object]] = {p: deque() for p in _SERVICE_ORDER}
        self._changed = asyncio.Event()

    def _prune(self, now: float) -> None:
        horizon = now - self.limit.window_seconds
        while self._stamps and self._stamps[0] <= horizon:
            self._stamps.popleft()

    def wait_time(self, priority: Priority = Priority.USER) -> float:
        """Seconds until a slot frees for `priority` (0 when one is free now)."""
        now = self._clock.monotonic()
        self._prune(now)
        capacity = self.limit.requests - (self.reserve if priority is Priority.BACKGROUND else 0)
        if len(self._stamps) < capacity:
            return 0.0
        # The slot frees when the stamp that keeps the window at capacity leaves it.
        blocking = self._stamps[len(self._stamps) - capacity]
        return max(0.0, blocking + self.limit.window_seconds - now)

    @property
    def waiting(self) -> int:
        """Acquisitions waiting now (every priority)."""
        return sum(len(q) for q in self._waiting.values())

    def _head(self) -> object | None:
        for priority in _SERVICE_ORDER:
            if self._waiting[priority]:
                return self._waiting[priority][0]
        return None

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def acquire(self, priority: Priority = Priority.USER) -> None:
        ticket = object()
        line = self._waiting[priority]
        line.append(ticket)
        if self._head() is not ticket:
            self._notify()  # a sleeping head of lower priority re-checks when it wakes
        try:
            while True:
                if self._head() is ticket:
                    delay = self.wait_time(priority)
                    if delay <= 0:
                        self._stamps.append(self._clock.monotonic())
                        return
                    changed = self._changed
                    sleeper = asyncio.ensure_future(self._clock.sleep(delay))
                    woken = asyncio.ensure_future(changed.wait())
                    try:
                        await asyncio.wait({sleeper, woken}, return_when=asyncio.FIRST_COMPLETED)
                    finally:
                        for task in (sleeper, woken):
                            task.cancel()
                else:
                    await self._changed.wait()
        finally:
            line.remove(ticket)
            self._notify()


#: The order the pacer serves waiting acquisitions in.
_SERVICE_ORDER: tuple[Priority, ...] = (Priority.USER, Priority.BACKGROUND)


def next_utc_midnight(moment: datetime) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=1)


class DailyQuota:
    """Requests made today and, when the provider has one, its daily quota.

    The day ends at UTC midnight unless the provider said otherwise (`mark_exhausted(reset_at)`).
    """

    def __init__(self, limit: int | None, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self.used = 0
        self.reset_at = next_utc_midnight(clock.now())
        self.exhausted_until: datetime | None = None

    def _roll(self) -> None:
        now = self._clock.now()
        if self.exhausted_until is not None and now >= self.exhausted_until:
            self.exhausted_until = None
            self.used = 0
            self.reset_at = next_utc_midnight(now)
        if now >= self.reset_at:
            self.used = 0
            self.reset_at = next_utc_midnight(now)

    @property
    def exhausted(self) -> bool:
        self._roll()
        if self.exhausted_until is not None:
            return True
        return self.limit is not None and self.used >= self.limit

    @property
    def resets_at(self) -> datetime:
        self._roll()
        return self.exhausted_until or self.reset_at

    @property
    def requests_today(self) -> int:
        self._roll()
        return self.used

    def try_consume(self) -> bool:
        if self.exhausted:
            return False
        self.used += 1
        return True

    def mark_exhausted(self, reset_at: datetime | None = None) -> None:
        """The provider said the quota is spent; believe it until `reset_at` (default: midnight UTC)."""
        self._roll()
        self.exhausted_until = reset_at or self.reset_at

    def to_state(self) -> dict[str, Any]:
        self._roll()
        return {
            "used": self.used,
            "reset_at": self.reset_at.isoformat(),
            "exhausted_until": self.exhausted_until.isoformat() if self.exhausted_until else None,
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Take back a state saved before a restart (stale parts roll over by themselves)."""
        self.used = int(state.get("used", 0))
        self.reset_at = datetime.fromisoformat(state["reset_at"]) if state.get("reset_at") else self.reset_at
        until = state.get("exhausted_until")
        self.exhausted_until = datetime.fromisoformat(until) if until else None
        self._roll()
