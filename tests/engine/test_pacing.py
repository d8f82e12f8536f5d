"""The pacer never exceeds N per window; the daily quota counts and resets."""

from __future__ import annotations

import asyncio
from datetime import UTC
from datetime import datetime

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.engine.resilience import DailyQuota
from metarr_desktop.engine.resilience import SlidingWindowPacer


def max_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    best = 0
    start = 0
    for end, stamp in enumerate(stamps):
        while stamps[start] <= stamp - window:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.mark.parametrize(("requests", "window"), [(40, 1.0), (3, 1.0), (30, 10.0), (1, 0.5)])
async def test_pacer_never_exceeds_n_per_window_under_200_callers(requests: int, window: float) -> None:
    clock = VirtualClock()
    pacer = SlidingWindowPacer(RateLimit(requests, window), clock)
    stamps: list[float] = []

    async def caller() -> None:
        await pacer.acquire()
        stamps.append(clock.monotonic())

    await asyncio.gather(*(caller() for _ in range(200)))
    assert len(stamps) == 200
    assert max_in_any_window(stamps, window) == requests
    # and it is not slower than it must be: 200 requests need ceil(200/N) - 1 full windows
    assert clock.monotonic() == pytest.approx((-(-200 // requests) - 1) * window)


async def test_pacer_serves_callers_in_arrival_order() -> None:
    clock = VirtualClock()
    pacer = SlidingWindowPacer(RateLimit(2, 1.0), clock)
    order: list[int] = []

    async def caller(index: int) -> None:
        await pacer.acquire()
        order.append(index)

    await asyncio.gather(*(caller(i) for i in range(10)))
    assert order == list(range(10))


async def test_a_cancelled_waiter_frees_its_place() -> None:
    clock = VirtualClock()
    pacer = SlidingWindowPacer(RateLimit(1, 1.0), clock)
    await pacer.acquire()
    waiter = asyncio.ensure_future(pacer.acquire())
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(waiter, return_exceptions=True)
    await pacer.acquire()
    assert clock.monotonic() == pytest.approx(1.0)


def test_quota_counts_until_exhausted_and_resets_at_utc_midnight() -> None:
    clock = VirtualClock(start=datetime(2026, 11, 21, 23, 0, tzinfo=UTC))
    quota = DailyQuota(3, clock)
    assert [quota.try_consume() for _ in range(4)] == [True, True, True, False]
    assert quota.exhausted
    assert quota.resets_at == datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
    clock.advance(3600)
    assert not quota.exhausted
    assert quota.requests_today == 0


def test_provider_reported_exhaustion_holds_until_its_reset() -> None:
    clock = VirtualClock(start=datetime(2026, 11, 21, 10, 0, tzinfo=UTC))
    quota = DailyQuota(None, clock)
    assert quota.try_consume()
    quota.mark_exhausted(datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    assert quota.exhausted and not quota.try_consume()
    clock.advance(2 * 3600)
    assert not quota.exhausted
    assert quota.try_consume()


def test_quota_state_survives_a_restart() -> None:
    clock = VirtualClock(start=datetime(2026, 11, 21, 10, 0, tzinfo=UTC))
    quota = DailyQuota(1000, clock)
    for _ in range(1000):
        quota.try_consume()
    restored = DailyQuota(1000, clock)
    restored.restore(quota.to_state())
    assert restored.exhausted and restored.requests_today == 1000
    clock.advance(14 * 3600)  # past midnight
    again = DailyQuota(1000, clock)
    again.restore(quota.to_state())
    assert not again.exhausted and again.requests_today == 0


async def test_waiting_user_acquisitions_go_before_waiting_background_ones() -> None:
    from metarr_desktop.core.providers import Priority

    clock = VirtualClock()
    pacer = SlidingWindowPacer(RateLimit(2, 1.0), clock)
    served: list[tuple[str, float]] = []

    async def caller(name: str, priority: Priority) -> None:
        await pacer.acquire(priority)
        served.append((name, clock.monotonic()))

    background = [asyncio.ensure_future(caller(f"b{i}", Priority.BACKGROUND)) for i in range(20)]
    await clock.sleep(2.5)  # the run is queued: 6 served so far, 14 waiting
    user = [asyncio.ensure_future(caller(f"u{i}", Priority.USER)) for i in range(3)]
    await asyncio.gather(*background, *user)
    order = [name for name, _ in served]
    first_user = order.index("u0")
    assert order[first_user : first_user + 3] == ["u0", "u1", "u2"]  # next in line, in order
    assert first_user <= 8  # not behind the 14 background ones still waiting
    assert max_in_any_window([t for _, t in served], 1.0) == 2  # never above the rate


async def test_background_leaves_a_reserve_that_a_user_acquisition_takes_at_once() -> None:
    from metarr_desktop.core.providers import Priority

    clock = VirtualClock()
    pacer = SlidingWindowPacer(RateLimit(30, 10.0), clock)
    stamps: list[float] = []

    async def background() -> None:
        await pacer.acquire(Priority.BACKGROUND)
        stamps.append(clock.monotonic())

    bulk = [asyncio.ensure_future(background()) for _ in range(120)]
    await clock.sleep(15.0)  # the run keeps every window at its share (24 of 30)
    asked = clock.monotonic()
    await pacer.acquire(Priority.USER)
    assert clock.monotonic() == asked  # no wait: a reserved slot was free
    stamps.append(clock.monotonic())
    await asyncio.gather(*bulk)
    assert max_in_any_window(stamps, 10.0) <= 30
