"""Plain text for the window: relative times, durations, percentages, status names (no Qt)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.engine.health import ProviderHealth


class DisplayStatus(StrEnum):
    """What a health card shows; `auto_disabled` (an open circuit) is told apart from `down`."""

    HEALTHY = "healthy"
    DEGRADED = "degraded"
    DOWN = "down"
    RATE_LIMITED = "rate_limited"
    DISABLED = "disabled"
    AUTO_DISABLED = "auto_disabled"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    DisplayStatus.HEALTHY: "Healthy",
    DisplayStatus.DEGRADED: "Degraded",
    DisplayStatus.DOWN: "Down",
    DisplayStatus.RATE_LIMITED: "Rate limited",
    DisplayStatus.DISABLED: "Disabled",
    DisplayStatus.AUTO_DISABLED: "Auto-disabled",
    DisplayStatus.UNKNOWN: "No requests yet",
}


def display_status(health: ProviderHealth) -> DisplayStatus:
    """The state to show: the user's switch first, then rate limits, then an open circuit."""
    if not health.enabled or health.status is HealthStatus.DISABLED:
        return DisplayStatus.DISABLED
    if health.status is HealthStatus.RATE_LIMITED:
        return DisplayStatus.RATE_LIMITED
    if health.auto_disabled:
        return DisplayStatus.AUTO_DISABLED
    return DisplayStatus(health.status.value)


def duration(seconds: float) -> str:
    """A short, rounded duration: "45 s", "3 min", "2 h 5 min", "1 d 3 h"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{round(seconds)} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def relative_time(when: datetime | None, now: datetime) -> str:
    """ "never", "just now", "5 s ago", "2 min ago", "in 3 min" (for times in the future)."""
    if when is None:
        return "never"
    delta = (now - when).total_seconds()
    if abs(delta) < 1:
        return "just now"
    if delta < 0:
        return f"in {duration(-delta)}"
    return f"{duration(delta)} ago"


def resets_in(until: datetime | None, now: datetime) -> str:
    if until is None:
        return "-"
    remaining = (until - now).total_seconds()
    return "now" if remaining <= 0 else duration(remaining)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} %"


def latency(value_ms: float | None) -> str:
    if value_ms is None:
        return "-"
    if value_ms >= 1000:
        return f"{value_ms / 1000:.2f} s"
    return f"{value_ms:.0f} ms"


def usage(requests_today: int, daily_quota: int | None) -> str:
    """ "145 / 1,000 (15 %)" or "145 (no daily quota)"."""
    if not daily_quota:
        return f"{requests_today:,} (no daily quota)"
    share = 100.0 * requests_today / daily_quota
    return f"{requests_today:,} / {daily_quota:,} ({share:.0f} %)"
