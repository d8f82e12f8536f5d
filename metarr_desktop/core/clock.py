"""Time as a dependency: the engine, the cache and the schedule ask a `Clock`, never `time` directly.

`SystemClock` is the real one. `VirtualClock` runs asyncio code in simulated time: `sleep()` parks the
caller until simulated time reaches its deadline, and time jumps forward to the next deadline as soon
as every task is waiting. Tests and simulations use it so that nothing sleeps for real and timing is
deterministic.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Protocol


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for intervals)."""

    def now(self) -> datetime:
        """The current wall time, timezone-aware UTC (for reset times, TTLs, logs)."""

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds`; cancellable."""


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class VirtualClock:
    """Simulated time for asyncio code.

    Simulated time only moves when every coroutine is blocked: `sleep()` registers a deadline, and a
    driver task, after letting the loop run until it is idle, jumps to the earliest deadline and wakes
    its sleeper. The loop counts as idle once it has cycled `idle_spins` times with nothing to run; that
    is exact for code that waits only on this clock and in-memory events (mock transports), which is
    what unit tests and simulations do.
    """

    def __init__(self, start: datetime | None = None, *, idle_spins: int = 50) -> None:
        self._start_wall = start or datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        self._now = 0.0
        self._heap: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._driver: asyncio.Task[None] | None = None
        self._idle_spins = idle_spins

    def monotonic(self) -> float:
        return self._now

    def now(self) -> datetime:
        return self._start_wall + timedelta(seconds=self._now)

    def advance(self, seconds: float) -> None:
        """Move time forward by hand (for tests that poke state between calls)."""
        self._now += seconds

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._heap, (self._now + seconds, next(self._seq), future))
        self._ensure_driver()
        await future

    def _ensure_driver(self) -> None:
        if self._driver is None or self._driver.done():
            self._driver = asyncio.get_running_loop().create_task(self._drive())

    async def _drive(self) -> None:
        while self._heap:
            for _ in range(self._idle_spins):
                await asyncio.sleep(0)
            # Drop sleepers that were cancelled meanwhile.
            while self._heap and self._heap[0][2].done():
                heapq.heappop(self._heap)
            if not self._heap:
                break
            deadline = self._heap[0][0]
            self._now = max(self._now, deadline)
            while self._heap and self._heap[0][0] <= self._now:
                _, _, future = heapq.heappop(self._heap)
                if not future.done():
                    future.set_result(None)
