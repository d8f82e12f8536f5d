from __future__ import annotations

import asyncio

from metarr_desktop.core.clock import SystemClock
from metarr_desktop.core.clock import VirtualClock


async def test_virtual_sleepers_wake_in_deadline_order_without_real_waiting() -> None:
    clock = VirtualClock()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.monotonic()))

    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(sleeper("long", 3600), sleeper("short", 5), sleeper("mid", 60))
    assert woke == [("short", 5), ("mid", 60), ("long", 3600)]
    assert loop.time() - started < 1.0


async def test_virtual_wall_clock_moves_with_monotonic_time() -> None:
    clock = VirtualClock()
    before = clock.now()
    await clock.sleep(90)
    assert (clock.now() - before).total_seconds() == 90
    assert clock.now().tzinfo is not None


async def test_cancelled_virtual_sleep_does_not_block_others() -> None:
    clock = VirtualClock()
    task = asyncio.ensure_future(clock.sleep(10))
    await asyncio.sleep(0)
    task.cancel()
    await clock.sleep(20)
    assert clock.monotonic() == 20


async def test_system_clock_is_utc_and_monotonic() -> None:
    clock = SystemClock()
    first = clock.monotonic()
    await clock.sleep(0)
    assert clock.monotonic() >= first
    assert clock.now().utcoffset() is not None
