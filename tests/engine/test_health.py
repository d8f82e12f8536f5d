"""Health windows, statuses and their thresholds, auto-disable and re-enable."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.engine.health import HealthTracker
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.engine.runtime import ProviderSettings
from metarr_desktop.providers.errors import RateLimitedError
from tests.helpers.fakes import FakeProvider

AT = datetime(2026, 11, 21, tzinfo=UTC)


def test_uptime_is_over_the_last_100_calls() -> None:
    tracker = HealthTracker()
    for _ in range(50):
        tracker.record_failure("boom", AT)
    for _ in range(100):
        tracker.record_success(10, AT)
    assert tracker.uptime_percent == 100.0
    for _ in range(25):
        tracker.record_failure("boom", AT)
    assert tracker.uptime_percent == 75.0


def test_latency_is_the_average_of_the_last_10_successes() -> None:
    tracker = HealthTracker()
    for _ in range(20):
        tracker.record_success(1000, AT)
    for _ in range(10):
        tracker.record_success(100, AT)
    tracker.record_failure("slow", AT)  # failures do not count towards latency
    assert tracker.avg_latency_ms == 100.0


def test_status_thresholds() -> None:
    tracker = HealthTracker()
    assert tracker.call_status() is HealthStatus.UNKNOWN
    for _ in range(20):
        tracker.record_success(50, AT)
    assert tracker.call_status() is HealthStatus.HEALTHY
    tracker.record_failure("boom", AT)
    assert tracker.call_status() is HealthStatus.DEGRADED
    tracker.record_failure("boom", AT)
    tracker.record_failure("boom", AT)
    assert tracker.call_status() is HealthStatus.DOWN
    tracker.record_success(50, AT)
    assert tracker.call_status() is HealthStatus.DEGRADED  # uptime 20/23 is below 90 %
    slow = HealthTracker()
    for _ in range(10):
        slow.record_success(6000, AT)
    assert slow.call_status() is HealthStatus.DEGRADED


def test_tracker_state_round_trip() -> None:
    tracker = HealthTracker()
    tracker.record_success(42, AT)
    tracker.record_failure("boom", AT)
    copy = HealthTracker()
    copy.restore(tracker.to_state())
    assert copy.to_state() == tracker.to_state()
    assert copy.last_error == "boom" and copy.uptime_percent == 50.0


def test_snapshot_status_precedence_and_listeners() -> None:
    clock = VirtualClock()
    pool = ProviderPool(clock)
    runtime = pool.add(FakeProvider("omdb", clock), ProviderSettings(daily_quota=1000))
    seen: list[str] = []
    unsubscribe = pool.subscribe(lambda h: seen.append(h.status.value))

    assert runtime.health_snapshot().status is HealthStatus.UNKNOWN
    runtime.health.record_success(30, clock.now())
    pool.notify(runtime)
    runtime.gate.note_rate_limited(RateLimitedError("omdb", quota_exhausted=True))
    pool.notify(runtime)
    snap = runtime.health_snapshot()
    assert snap.status is HealthStatus.RATE_LIMITED
    assert snap.rate_limited_until is not None
    runtime.settings.enabled = False
    pool.notify(runtime)
    unsubscribe()
    pool.notify(runtime)
    assert seen == ["healthy", "rate_limited", "disabled"]
    assert runtime.health_snapshot().to_json()["status"] == "disabled"


def test_auto_disable_and_manual_reenable() -> None:
    clock = VirtualClock()
    pool = ProviderPool(clock)
    runtime = pool.add(FakeProvider("tvdb", clock))
    for _ in range(5):
        runtime.health.record_failure("boom", clock.now())
        runtime.breaker.record_failure()
    snap = runtime.health_snapshot()
    assert snap.status is HealthStatus.DOWN and snap.auto_disabled
    assert runtime.unavailable_reason() == "circuit open after repeated failures"
    pool.reenable("tvdb")
    assert not runtime.health_snapshot().auto_disabled
    assert runtime.unavailable_reason() is None


def test_the_activity_log_keeps_24_hours_by_the_hour_and_survives_a_restart() -> None:
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    from metarr_desktop.engine.health import ActivityLog

    start = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
    log = ActivityLog()
    for hours in (0, 1, 1, 30):
        log.record_request(start + timedelta(hours=hours))
    log.record_execution(start + timedelta(hours=30), True, 0.5)
    log.record_execution(start + timedelta(hours=30), False, 1.5)
    now = start + timedelta(hours=30)
    counts = log.requests_per_hour(now)
    assert len(counts) == 24 and counts[-1] == 1 and sum(counts) == 1  # hours 0 and 1 are > 24 h ago
    totals = log.totals(now)
    assert (totals.executions, totals.success_rate, totals.average_duration_s) == (2, 0.5, 1.0)
    again = ActivityLog()
    again.restore(log.to_state())
    assert again.requests_per_hour(now) == counts and again.totals(now).executions == 2
