"""Surviving providers: retry with backoff, timeouts that cancel, pacing, quotas, circuit breaking.

Nothing here imports Qt; time comes from an injected `Clock`.
"""

from metarr_desktop.engine.resilience.breaker import BreakerState
from metarr_desktop.engine.resilience.breaker import CircuitBreaker
from metarr_desktop.engine.resilience.pacing import DailyQuota
from metarr_desktop.engine.resilience.pacing import SlidingWindowPacer
from metarr_desktop.engine.resilience.retry import POLICIES
from metarr_desktop.engine.resilience.retry import RetryPolicy
from metarr_desktop.engine.resilience.retry import backoff_delay
from metarr_desktop.engine.resilience.retry import call_with_retries
from metarr_desktop.engine.resilience.retry import retry_delay
from metarr_desktop.engine.resilience.retry import run_with_timeout

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
