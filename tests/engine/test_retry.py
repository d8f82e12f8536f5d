"""Retry policy, backoff with jitter, Retry-After, budgets and timeouts that cancel."""

from __future__ import annotations

import asyncio
import random

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.providers import Priority
from metarr_desktop.engine.resilience import POLICIES
from metarr_desktop.engine.resilience import RetryPolicy
from metarr_desktop.engine.resilience import backoff_delay
from metarr_desktop.engine.resilience import call_with_retries
from metarr_desktop.engine.resilience import run_with_timeout
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import DeadlineExceededError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.errors import ServerError

NOMINAL = [1, 2, 4, 8, 16, 30, 30, 30]


@pytest.mark.parametrize("retry_number", range(1, 9))
def test_backoff_stays_within_jitter_bounds_and_cap(retry_number: int) -> None:
    policy = POLICIES[Priority.BACKGROUND]
    nominal = NOMINAL[retry_number - 1]
    delays = [backoff_delay(retry_number, policy, random.Random(seed)) for seed in range(300)]
    assert min(delays) >= nominal * 0.8 - 1e-9
    assert max(delays) <= min(nominal * 1.2, 30.0) + 1e-9
    assert len(set(delays)) > 100  # it is jittered, not constant


def test_priority_budgets() -> None:
    assert POLICIES[Priority.USER].timeout_s == 10 and POLICIES[Priority.USER].max_retries == 2
    assert POLICIES[Priority.BACKGROUND].timeout_s == 60 and POLICIES[Priority.BACKGROUND].max_retries == 5


class Flaky:
    def __init__(self, failures: int, error: ProviderError | None = None) -> None:
        self.failures = failures
        self.error = error or ServerError("p", "boom", status_code=500)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "ok"


@pytest.mark.parametrize(("priority", "failures"), [(p, n) for p in Priority for n in range(0, 7)])
async def test_fails_n_times_then_succeeds(priority: Priority, failures: int) -> None:
    clock = VirtualClock()
    policy = POLICIES[priority]
    flaky = Flaky(failures)
    retries: list[tuple[int, int]] = []
    work = call_with_retries(
        flaky, policy, clock=clock, rng=random.Random(1), on_retry=lambda n, m, e, d: retries.append((n, m))
    )
    if failures <= policy.max_retries:
        assert await work == "ok"
        assert flaky.calls == failures + 1
    else:
        with pytest.raises(ServerError):
            await work
        assert flaky.calls == policy.max_retries + 1
    assert retries == [(n, policy.max_retries) for n in range(1, min(failures, policy.max_retries) + 1)]


@pytest.mark.parametrize(
    "error",
    [
        NotFoundError("p", "none"),
        AuthenticationError("p", "bad key", status_code=401),
        BadResponseError("p", "garbage", status_code=200),
        RateLimitedError("p", quota_exhausted=True),
    ],
)
async def test_permanent_errors_are_not_retried(error: ProviderError) -> None:
    flaky = Flaky(1, error)
    with pytest.raises(type(error)):
        await call_with_retries(flaky, POLICIES[Priority.USER], clock=VirtualClock(), rng=random.Random(1))
    assert flaky.calls == 1


async def test_retry_after_overrides_backoff() -> None:
    clock = VirtualClock()
    flaky = Flaky(1, RateLimitedError("p", retry_after=7.5))
    delays: list[float] = []
    result = await call_with_retries(
        flaky,
        POLICIES[Priority.USER],
        clock=clock,
        rng=random.Random(1),
        on_retry=lambda n, m, e, d: delays.append(d),
    )
    assert result == "ok"
    assert delays == [7.5]
    assert clock.monotonic() == pytest.approx(7.5)


async def test_a_wait_past_the_deadline_is_not_taken() -> None:
    clock = VirtualClock()
    flaky = Flaky(1, RateLimitedError("p", retry_after=3600))
    with pytest.raises(RateLimitedError):
        await call_with_retries(
            flaky, POLICIES[Priority.USER], clock=clock, rng=random.Random(1), deadline=10.0
        )
    assert flaky.calls == 1
    assert clock.monotonic() == 0


async def test_may_retry_stops_the_loop() -> None:
    flaky = Flaky(5)
    with pytest.raises(ServerError):
        await call_with_retries(
            flaky,
            POLICIES[Priority.BACKGROUND],
            clock=VirtualClock(),
            rng=random.Random(1),
            may_retry=lambda: False,
        )
    assert flaky.calls == 1


async def test_timeout_cancels_the_work() -> None:
    clock = VirtualClock()
    cancelled = asyncio.Event()

    async def never() -> str:
        try:
            await clock.sleep(10_000)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "late"

    with pytest.raises(DeadlineExceededError, match="within 10 s"):
        await run_with_timeout(never(), 10, clock=clock, provider="tmdb")
    assert cancelled.is_set()
    assert clock.monotonic() == pytest.approx(10)


async def test_work_that_finishes_first_wins() -> None:
    clock = VirtualClock()

    async def quick() -> str:
        await clock.sleep(1)
        return "done"

    assert await run_with_timeout(quick(), 10, clock=clock) == "done"


async def test_outer_cancellation_cancels_the_work() -> None:
    clock = VirtualClock()
    cancelled = asyncio.Event()

    async def never() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    task = asyncio.ensure_future(run_with_timeout(never(), 10, clock=clock))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()


def test_custom_policy_is_a_value() -> None:
    policy = RetryPolicy(timeout_s=5, max_retries=1)
    assert policy.max_delay_s == 30 and policy.jitter == 0.2
