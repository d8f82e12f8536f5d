"""A circuit breaker per provider with escalating open periods.

Closed: calls go through; 5 consecutive failures open it. Open: calls are refused until the open
period ends. Then half-open: exactly one probe goes through; its success closes the circuit and steps
the escalation back one level, its failure re-opens it for the next, longer period (1 min, 5 min,
15 min, 30 min, 1 h, 2 h ... 24 h at most).

Hand-written rather than purgatory or pybreaker: neither escalates the open period, and both read the
system clock where we inject ours.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from metarr_desktop.core.clock import Clock

OPEN_PERIODS_S: tuple[float, ...] = (60, 300, 900, 1800, 3600, 7200, 14400, 28800, 57600, 86400)
FAILURE_THRESHOLD = 5


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Attributes:
    consecutive_failures: failures since the last success.
    level: index into the open periods used the next time it opens.
    opened_until: monotonic time the current open period ends (None when closed).
    """

    def __init__(
        self,
        clock: Clock,
        *,
        threshold: int = FAILURE_THRESHOLD,
        open_periods: tuple[float, ...] = OPEN_PERIODS_S,
    ) -> None:
        self._clock = clock
        self.threshold = threshold
        self.open_periods = open_periods
        self.consecutive_failures = 0
        self.level = 0
        self.opened_until: float | None = None
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        if self.opened_until is None:
            return BreakerState.CLOSED
        if self._clock.monotonic() < self.opened_until:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    @property
    def is_closed(self) -> bool:
        return self.opened_until is None

    def seconds_until_probe(self) -> float:
        if self.opened_until is None:
            return 0.0
        return max(0.0, self.opened_until - self._clock.monotonic())

    def allow(self) -> bool:
        """May a call go out now? In half-open state this hands out the single probe."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.OPEN or self._probe_in_flight:
            return False
        self._probe_in_flight = True
        return True

    def record_success(self) -> None:
        if self.opened_until is not None:
            self.level = max(0, self.level - 1)
        self.opened_until = None
        self._probe_in_flight = False
        self.consecutive_failures = 0

    def record_failure(self) -> None:
        self.consecutive_failures += 1
        if self.opened_until is not None:
            if self.state is BreakerState.HALF_OPEN:
                self.level = min(self.level + 1, len(self.open_periods) - 1)
                self._open()
            return
        if self.consecutive_failures >= self.threshold:
            self._open()

    def release_probe(self) -> None:
        """The probe ended with neither success nor failure (rate limited, cancelled)."""
        self._probe_in_flight = False

    def reset(self) -> None:
        """The user re-enabled the provider by hand: close and forget the streak."""
        self.opened_until = None
        self._probe_in_flight = False
        self.consecutive_failures = 0

    def _open(self) -> None:
        self.opened_until = self._clock.monotonic() + self.open_periods[self.level]
        self._probe_in_flight = False

    def to_state(self) -> dict[str, Any]:
        return {
            "consecutive_failures": self.consecutive_failures,
            "level": self.level,
            "open_for_s": self.seconds_until_probe() if self.opened_until is not None else None,
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.consecutive_failures = int(state.get("consecutive_failures", 0))
        self.level = min(int(state.get("level", 0)), len(self.open_periods) - 1)
        open_for = state.get("open_for_s")
        self.opened_until = None if open_for is None else self._clock.monotonic() + float(open_for)
