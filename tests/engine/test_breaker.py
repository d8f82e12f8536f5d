"""Circuit breaker: open after 5 failures, half-open probe, escalation and step-back."""

from __future__ import annotations

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.engine.resilience import BreakerState
from metarr_desktop.engine.resilience import CircuitBreaker
from metarr_desktop.engine.resilience.breaker import OPEN_PERIODS_S


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """The state read afresh: mypy would keep `breaker.state` narrowed across the calls that change it."""
    return breaker.state


def open_breaker(clock: VirtualClock) -> CircuitBreaker:
    breaker = CircuitBreaker(clock)
    for _ in range(5):
        assert breaker.allow()
        breaker.record_failure()
    return breaker


def test_opens_after_five_consecutive_failures() -> None:
    clock = VirtualClock()
    breaker = CircuitBreaker(clock)
    for _ in range(4):
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_success()
    for _ in range(4):
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED  # the streak was broken
    breaker.record_failure()
    assert state_of(breaker) is BreakerState.OPEN
    assert not breaker.allow()


def test_half_open_lets_exactly_one_probe_through() -> None:
    clock = VirtualClock()
    breaker = open_breaker(clock)
    clock.advance(59)
    assert not breaker.allow()
    clock.advance(1)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # the probe is in flight
    breaker.record_success()
    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.allow() and breaker.allow()


def test_failed_probes_escalate_the_open_period_up_to_a_day() -> None:
    clock = VirtualClock()
    breaker = open_breaker(clock)
    periods = []
    for _ in range(len(OPEN_PERIODS_S) + 2):
        periods.append(breaker.seconds_until_probe())
        clock.advance(breaker.seconds_until_probe())
        assert breaker.allow()
        breaker.record_failure()
    assert periods[:5] == [60, 300, 900, 1800, 3600]
    assert max(periods) == 86400
    assert periods[-1] == 86400


def test_a_successful_probe_steps_the_escalation_back() -> None:
    clock = VirtualClock()
    breaker = open_breaker(clock)
    for _ in range(3):  # 60 -> 300 -> 900 -> 1800
        clock.advance(breaker.seconds_until_probe())
        breaker.allow()
        breaker.record_failure()
    assert breaker.seconds_until_probe() == 1800
    clock.advance(1800)
    breaker.allow()
    breaker.record_success()
    for _ in range(5):
        breaker.record_failure()
    assert breaker.seconds_until_probe() == 900


def test_a_neutral_probe_frees_the_slot() -> None:
    clock = VirtualClock()
    breaker = open_breaker(clock)
    clock.advance(60)
    assert breaker.allow()
    breaker.release_probe()
    assert breaker.allow()


def test_reset_and_state_round_trip() -> None:
    clock = VirtualClock()
    breaker = open_breaker(clock)
    clock.advance(20)
    restored = CircuitBreaker(clock)
    restored.restore(breaker.to_state())
    assert restored.state is BreakerState.OPEN
    assert restored.seconds_until_probe() == 40
    restored.reset()
    assert state_of(restored) is BreakerState.CLOSED and restored.consecutive_failures == 0
