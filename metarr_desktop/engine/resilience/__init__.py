"""Surviving providers: retry with backoff, timeouts that cancel, pacing, quotas, circuit breaking.

Nothing here imports Qt; time comes from an injected `Clock`.
"""

from metarr_desktop.engine.resilience.breaker import BreakerState, CircuitBreaker
from metarr_desktop.engine.resilience.pacing import DailyQuota, SlidingWindowPacer
from metarr_desktop.engine.resilience.retry import (
    POLICIES,
    RetryPolicy,
    backoff_delay,
    call_with_retries,
    retry_delay,
    run_with_timeout,
)

__all__ = [
    "POLICIES",
    "BreakerState",
    "CircuitBreaker",
    "DailyQuota",
    "RetryPolicy",
    "SlidingWindowPacer",
    "backoff_delay",
    "call_with_retries",
    "retry_delay",
    "run_with_timeout",
]
