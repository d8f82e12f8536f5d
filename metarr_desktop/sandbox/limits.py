"""Each simulated service's rate limit and daily quota, and the counters that enforce them.

Defaults follow the real services: TMDB about 50 requests per second per IP (429, ``status_code``
25, ``Retry-After``); OMDb's free key 1,000 requests a day (then HTTP 401 "Request limit
reached!" until midnight UTC); TheTVDB and fanart.tv publish no figure, so they get limits above
what the clients pace themselves to. `SandboxLimits.scaled` multiplies every rate (not the daily
quota) for benchmarks that run the clients faster than real time.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import UTC
from datetime import date
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ServiceLimit:
    """At most `requests` in any `window_seconds` (None: no rate limit); `daily_quota` a day."""

    requests: int | None = None
    window_seconds: float = 1.0
    daily_quota: int | None = None


def _default_limits() -> dict[str, ServiceLimit]:
    return {
        "tmdb": ServiceLimit(50, 1.0),
        "omdb": ServiceLimit(None, 1.0, daily_quota=1000),
        "tvdb": ServiceLimit(40, 10.0),
        "fanart": ServiceLimit(20, 1.0),
    }


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    """The limits of every service."""

    services: dict[str, ServiceLimit] = field(default_factory=_default_limits)

    @classmethod
    def none(cls) -> SandboxLimits:
        """No rate limits and no quotas."""
        return cls({name: ServiceLimit() for name in _default_limits()})

    def get(self, service: str) -> ServiceLimit:
        return self.services.get(service, ServiceLimit())

    def scaled(self, factor: float) -> SandboxLimits:
        """Every rate multiplied by `factor` (the window stays, the request count grows)."""
        if factor <= 0:
            raise ValueError("the limit scale must be positive")
        return SandboxLimits(
            {
                name: replace(limit, requests=max(1, math.floor(limit.requests * factor)))
                if limit.requests is not None
                else limit
                for name, limit in self.services.items()
            }
        )

    def with_quota(self, service: str, quota: int | None) -> SandboxLimits:
        services = dict(self.services)
        services[service] = replace(self.get(service), daily_quota=quota)
        return SandboxLimits(services)


class LimitCounter:
    """A sliding-window counter and a daily counter for one service; thread-safe.

    Only accepted requests count, so a client that backs off after a 429 gets through again.
    """

    def __init__(
        self,
        limit: ServiceLimit,
        monotonic: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.limit = limit
        self._monotonic = monotonic
        self._today = today
        self._stamps: deque[float] = deque()
        self._day = today()
        self._used_today = 0
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._stamps.clear()
            self._used_today = 0
            self._day = self._today()

    @property
    def used_today(self) -> int:
        return self._used_today

    def admit(self) -> tuple[str, int] | None:
        """None when the request may go through (and it is counted); else ("quota", 0) or
        ("rate", seconds until a slot frees, at least 1)."""
        with self._lock:
            today = self._today()
            if today != self._day:
                self._day = today
                self._used_today = 0
            quota = self.limit.daily_quota
            if quota is not None and self._used_today >= quota:
                return ("quota", 0)
            if self.limit.requests is not None:
                now = self._monotonic()
                horizon = now - self.limit.window_seconds
                while self._stamps and self._stamps[0] <= horizon:
                    self._stamps.popleft()
                if len(self._stamps) >= self.limit.requests:
                    wait = self._stamps[0] + self.limit.window_seconds - now
                    return ("rate", max(1, math.ceil(wait)))
                self._stamps.append(now)
            self._used_today += 1
            return None
