"""Retry policy per priority, backoff with jitter, `Retry-After`, and timeouts that really cancel.

The retry loop is tenacity's (`AsyncRetrying`) with our own wait, stop and retry decisions: retry only
errors that say they are retryable; wait the provider's `Retry-After` when it gave one, otherwise
1, 2, 4, 8, 16 s ... capped at 30 s with +/-20 % jitter; stop after the policy's retries, or earlier
when the next wait would overrun the deadline (a wait that cannot finish in time is not worth taking).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying
from tenacity import RetryCallState
from tenacity import retry_if_exception

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.providers import Priority
from metarr_desktop.providers.errors import DeadlineExceededError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import RateLimitedError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long one provider may take and how often it is retried.

    Attributes:
        timeout_s: the provider's whole budget for one request, retries and waits included.
        max_retries: retries after the first attempt.
        base_delay_s, max_delay_s, jitter: backoff base, cap and relative jitter.
    """

    timeout_s: float
    max_retries: int
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    jitter: float = 0.2


#: User: a person waits at the window. Background: the nightly run can afford patience.
POLICIES: dict[Priority, RetryPolicy] = {
    Priority.USER: RetryPolicy(timeout_s=10.0, max_retries=2),
    Priority.BACKGROUND: RetryPolicy(timeout_s=60.0, max_retries=5),
}


def backoff_delay(retry_number: int, policy: RetryPolicy, rng: random.Random) -> float:
    """Delay before retry `retry_number` (1-based): base * 2^(n-1), jittered, never above the cap."""
    nominal = min(policy.base_delay_s * 2 ** (retry_number - 1), policy.max_delay_s)
    jittered: float = nominal * rng.uniform(1.0 - policy.jitter, 1.0 + policy.jitter)
    return min(jittered, policy.max_delay_s)


def retry_delay(
    error: BaseException | None, retry_number: int, policy: RetryPolicy, rng: random.Random
) -> float:
    """`Retry-After` when the provider gave one, the backoff otherwise."""
    if isinstance(error, RateLimitedError) and error.retry_after is not None:
        return error.retry_after
    return backoff_delay(retry_number, policy, rng)


def _is_retryable(exc: BaseException) -> bool:
    return isinstance(exc, ProviderError) and exc.retryable


#: Called before each retry with (retry number, max retries, the error, the delay).
RetryHook = Callable[[int, int, ProviderError, float], None]


async def call_with_retries(
    attempt: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    clock: Clock,
    rng: random.Random,
    deadline: float | None = None,
    may_retry: Callable[[], bool] | None = None,
    on_retry: RetryHook | None = None,
) -> T:
    """Run `attempt` until it succeeds, fails for good, or the policy says stop; re-raise the last error.

    `deadline` is a `clock.monotonic()` time after which no wait is started; `may_retry` is asked
    before each retry (the circuit breaker says no once it opened).
    """

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        return retry_delay(error, state.attempt_number, policy, rng)

    def stop(state: RetryCallState) -> bool:
        if state.attempt_number > policy.max_retries:
            return True
        if deadline is not None and clock.monotonic() + state.upcoming_sleep >= deadline:
            return True
        return may_retry is not None and not may_retry()

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        if on_retry is not None and isinstance(error, ProviderError):
            on_retry(state.attempt_number, policy.max_retries, error, state.upcoming_sleep)

    retrying: AsyncRetrying = AsyncRetrying(
        sleep=clock.sleep,
        stop=stop,
        wait=wait,
        retry=retry_if_exception(_is_retryable),
        before_sleep=before_sleep,
        reraise=True,
    )
    return await retrying(attempt)


async def run_with_timeout(
    work: Awaitable[T], seconds: float, *, clock: Clock, provider: str = "provider"
) -> T:
    """Await `work`, but give up after `seconds` on `clock`: the work is cancelled (closing its HTTP
    connection) and awaited until it has unwound, then `DeadlineExceededError` is raised."""
    task: asyncio.Future[T] = asyncio.ensure_future(work)
    timer: asyncio.Future[None] = asyncio.ensure_future(clock.sleep(seconds))
    waiting: set[asyncio.Future[object]] = {task, timer}  # type: ignore[arg-type]
    try:
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        timer.cancel()
        await asyncio.gather(task, timer, return_exceptions=True)
        raise
    if task.done():
        timer.cancel()
        await asyncio.gather(timer, return_exceptions=True)
        return task.result()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    raise DeadlineExceededError(provider, f"gave no answer within {seconds:g} s")
