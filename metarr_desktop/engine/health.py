"""Provider health: status, uptime and latency windows, and orchestrator metrics.

Thresholds are defined once here and documented in the README:

- ``disabled``: the user switched the provider off.
- ``rate_limited``: a quota is exhausted or the provider asked us to wait (``Retry-After``).
- ``down``: the circuit breaker is open (the provider is auto-disabled) or the last
  `DOWN_AFTER_FAILURES` calls all failed.
- ``degraded``: the last call failed, or uptime over the window is below `DEGRADED_UPTIME_PERCENT`,
  or the average latency is above `DEGRADED_LATENCY_MS`.
- ``healthy``: none of the above, with at least one call on record.
- ``unknown``: no call on record yet.

Uptime and latency count *attempts* (each request that got an answer or an error, retries
included); the circuit breaker counts *executions* (one call with its retries: five failed
executions in a row open it). "Not found" is a good answer; being rate limited is neither good nor
bad and is not counted; waiting in our own pacer is never counted and is not part of the latency
(measured from the request leaving to the answer arriving).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from enum import StrEnum
from typing import Any

from metarr_desktop.logsetup import redact

UPTIME_WINDOW = 100
LATENCY_WINDOW = 10
DOWN_AFTER_FAILURES = 3
DEGRADED_UPTIME_PERCENT = 90.0
DEGRADED_LATENCY_MS = 5000.0


class HealthStatus(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    DOWN = "down"
    RATE_LIMITED = "rate_limited"
    DISABLED = "disabled"
    UNKNOWN = "unknown"


class HealthTracker:
    """The call record of one provider (the windows survive restarts through to_state/restore)."""

    def __init__(self) -> None:
        self.outcomes: deque[bool] = deque(maxlen=UPTIME_WINDOW)
        self.latencies_ms: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self.consecutive_failures = 0
        self.last_request_at: datetime | None = None
        self.last_error: str | None = None
        self.last_error_at: datetime | None = None

    def record_success(self, latency_ms: float, at: datetime) -> None:
        self.outcomes.append(True)
        self.latencies_ms.append(latency_ms)
        self.consecutive_failures = 0
        self.last_request_at = at

    def record_failure(self, error: str, at: datetime) -> None:
        self.outcomes.append(False)
        self.consecutive_failures += 1
        self.last_request_at = at
        self.last_error = redact(error)
        self.last_error_at = at

    def record_rate_limited(self, error: str, at: datetime) -> None:
        self.last_request_at = at
        self.last_error = redact(error)
        self.last_error_at = at

    @property
    def uptime_percent(self) -> float | None:
        if not self.outcomes:
            return None
        return 100.0 * sum(self.outcomes) / len(self.outcomes)

    @property
    def avg_latency_ms(self) -> float | None:
        if not self.latencies_ms:
            return None
        return sum(self.latencies_ms) / len(self.latencies_ms)

    def call_status(self) -> HealthStatus:
        """Status from the call record alone (without enablement, limits or the breaker)."""
        if not self.outcomes:
            return HealthStatus.UNKNOWN
        if self.consecutive_failures >= DOWN_AFTER_FAILURES:
            return HealthStatus.DOWN
        uptime = self.uptime_percent or 0.0
        latency = self.avg_latency_ms or 0.0
        if self.consecutive_failures > 0 or uptime < DEGRADED_UPTIME_PERCENT or latency > DEGRADED_LATENCY_MS:
            return HealthStatus.DEGRADED
        return HealthStatus.HEALTHY

    def to_state(self) -> dict[str, Any]:
        return {
            "outcomes": [int(o) for o in self.outcomes],
            "latencies_ms": list(self.latencies_ms),
            "consecutive_failures": self.consecutive_failures,
            "last_request_at": self.last_request_at.isoformat() if self.last_request_at else None,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.outcomes.clear()
        self.outcomes.extend(bool(o) for o in state.get("outcomes", []))
        self.latencies_ms.clear()
        self.latencies_ms.extend(float(v) for v in state.get("latencies_ms", []))
        self.consecutive_failures = int(state.get("consecutive_failures", 0))
        last = state.get("last_request_at")
        self.last_request_at = datetime.fromisoformat(last) if last else None
        last_error = state.get("last_error")
        self.last_error = redact(last_error) if isinstance(last_error, str) else None
        err_at = state.get("last_error_at")
        self.last_error_at = datetime.fromisoformat(err_at) if err_at else None


#: The activity window: the last 24 hours, in hourly buckets.
ACTIVITY_HOURS = 24


@dataclass(slots=True)
class RunMetrics:
    """How many times something ran, how many of those succeeded, and how long they took in all."""

    executions: int = 0
    successes: int = 0
    total_duration_s: float = 0.0

    @property
    def average_duration_s(self) -> float:
        return self.total_duration_s / self.executions if self.executions else 0.0

    @property
    def success_rate(self) -> float:
        return self.successes / self.executions if self.executions else 0.0

    def record(self, success: bool, duration_s: float) -> None:
        self.executions += 1
        self.successes += int(success)
        self.total_duration_s += duration_s

    def to_json(self) -> dict[str, Any]:
        return {
            "executions": self.executions,
            "success_rate": round(self.success_rate, 4),
            "average_duration_s": round(self.average_duration_s, 4),
        }


@dataclass(slots=True)
class _Hour(RunMetrics):
    requests: int = 0


class ActivityLog:
    """One provider's requests and executions over the last 24 hours, by the hour (UTC).

    A request is one HTTP request our gate let through; an execution is one call of the
    orchestrator with its retries (document 4's metrics: executions, success rate, average
    duration). Kept across restarts (`to_state`/`restore`), so the `metarr` command sees what the
    window did.
    """

    def __init__(self) -> None:
        self._hours: dict[datetime, _Hour] = {}

    @staticmethod
    def _hour(at: datetime) -> datetime:
        return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)

    def _bucket(self, at: datetime) -> _Hour:
        hour = self._hour(at)
        bucket = self._hours.get(hour)
        if bucket is None:
            bucket = self._hours[hour] = _Hour()
            horizon = hour - timedelta(hours=ACTIVITY_HOURS)
            for old in [h for h in self._hours if h <= horizon]:
                del self._hours[old]
        return bucket

    def record_request(self, at: datetime) -> None:
        self._bucket(at).requests += 1

    def record_execution(self, at: datetime, success: bool, duration_s: float) -> None:
        self._bucket(at).record(success, duration_s)

    def _recent(self, now: datetime) -> list[_Hour]:
        horizon = self._hour(now) - timedelta(hours=ACTIVITY_HOURS)
        return [b for h, b in self._hours.items() if h > horizon]

    def requests_per_hour(self, now: datetime) -> tuple[int, ...]:
        """Requests in each of the last 24 hours, oldest first (the last is the current hour)."""
        current = self._hour(now)
        return tuple(
            self._hours[h].requests if (h := current - timedelta(hours=back)) in self._hours else 0
            for back in range(ACTIVITY_HOURS - 1, -1, -1)
        )

    def totals(self, now: datetime) -> RunMetrics:
        """Executions, successes and their duration over the last 24 hours."""
        metrics = RunMetrics()
        for bucket in self._recent(now):
            metrics.executions += bucket.executions
            metrics.successes += bucket.successes
            metrics.total_duration_s += bucket.total_duration_s
        return metrics

    def to_state(self) -> dict[str, Any]:
        return {
            hour.isoformat(): [b.requests, b.executions, b.successes, round(b.total_duration_s, 3)]
            for hour, b in self._hours.items()
        }

    def restore(self, state: dict[str, Any]) -> None:
        self._hours.clear()
        for hour, (requests, executions, successes, duration_s) in state.items():
            self._hours[datetime.fromisoformat(hour)] = _Hour(
                int(executions), int(successes), float(duration_s), requests=int(requests)
            )


@dataclass(frozen=True, slots=True)
class ProviderHealth:
    """A snapshot of one provider's health, as `metarr providers health` and the dashboard show it."""

    id: str
    enabled: bool
    status: HealthStatus
    auto_disabled: bool
    uptime_percent: float | None
    avg_latency_ms: float | None
    consecutive_failures: int
    last_request_at: datetime | None
    last_error: str | None
    rate_limited_until: datetime | None
    requests_today: int
    daily_quota: int | None
    circuit_state: str = "closed"
    probe_in_s: float | None = None
    latencies_ms: tuple[float, ...] = ()
    #: Requests in each of the last 24 hours, oldest first.
    requests_24h: tuple[int, ...] = ()
    #: Executions (a call with its retries), their success rate and average duration, last 24 h.
    executions_24h: int = 0
    success_rate_24h: float | None = None
    avg_duration_s_24h: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "enabled": self.enabled,
            "status": self.status.value,
            "auto_disabled": self.auto_disabled,
            "uptime_percent": None if self.uptime_percent is None else round(self.uptime_percent, 1),
            "avg_latency_ms": None if self.avg_latency_ms is None else round(self.avg_latency_ms, 1),
            "consecutive_failures": self.consecutive_failures,
            "last_request_at": self.last_request_at.isoformat() if self.last_request_at else None,
            "last_error": self.last_error,
            "rate_limited_until": self.rate_limited_until.isoformat() if self.rate_limited_until else None,
            "requests_today": self.requests_today,
            "daily_quota": self.daily_quota,
            "circuit_state": self.circuit_state,
            "requests_24h": list(self.requests_24h),
            "executions_24h": self.executions_24h,
            "success_rate_24h": None if self.success_rate_24h is None else round(self.success_rate_24h, 4),
            "avg_duration_s_24h": None
            if self.avg_duration_s_24h is None
            else round(self.avg_duration_s_24h, 3),
        }


@dataclass(slots=True)
class OrchestratorMetrics(RunMetrics):
    """Counts since start, and each provider's part of them. An execution is one fetch of an
    entity's providers (`fetch_all`, or an identification's lookup by id; within one action they are
    one execution together, `FetchOrchestrator.record_fetch`): it succeeds unless all providers
    failed."""

    per_provider: dict[str, RunMetrics] = field(default_factory=dict)

    def extend_execution(self, success: bool, duration_s: float) -> None:
        """A later fetch of the last execution's action: its time, and its success when the action
        had none yet."""
        self.successes += int(success)
        self.total_duration_s += duration_s

    def record_provider(self, provider: str, success: bool, duration_s: float) -> None:
        self.per_provider.setdefault(provider, RunMetrics()).record(success, duration_s)

    def to_json(self) -> dict[str, Any]:
        providers = {pid: m.to_json() for pid, m in self.per_provider.items()}
        return {**RunMetrics.to_json(self), "providers": providers}
