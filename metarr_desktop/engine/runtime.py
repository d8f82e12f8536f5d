"""One provider at run time: its settings, its gate (pacer, quota, waits it was asked for), its
circuit breaker and its health record; and the pool of them all.

The pool is what the orchestrator, the services and the health dashboard share. Every change to a
provider's health is pushed to listeners (plain callbacks; the window turns them into Qt signals).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.providers import Priority, RateLimit
from metarr_desktop.engine.health import HealthStatus, HealthTracker, ProviderHealth
from metarr_desktop.engine.resilience import (
    POLICIES,
    CircuitBreaker,
    DailyQuota,
    RetryPolicy,
    SlidingWindowPacer,
)
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.errors import RateLimitedError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ProviderSettings:
    """What the user configured for one provider (persisted by the store)."""

    enabled: bool = True
    priority: int = 1
    rate_limit: RateLimit | None = None
    daily_quota: int | None = None
    user_timeout_s: float | None = None
    background_timeout_s: float | None = None

    def policy(self, priority: Priority) -> RetryPolicy:
        base = POLICIES[priority]
        override = self.user_timeout_s if priority is Priority.USER else self.background_timeout_s
        if override is None:
            return base
        return RetryPolicy(
            timeout_s=override,
            max_retries=base.max_retries,
            base_delay_s=base.base_delay_s,
            max_delay_s=base.max_delay_s,
            jitter=base.jitter,
        )


class ProviderGate:
    """Awaited before every HTTP request of one provider (`providers.base.RequestGate`).

    Refuses at once when the daily quota is spent, waits out a short `Retry-After` the provider
    asked for, paces to the configured rate, then counts the request.
    """

    def __init__(
        self, provider: str, clock: Clock, rate_limit: RateLimit | None, daily_quota: int | None
    ) -> None:
        self.provider = provider
        self._clock = clock
        self.pacer = SlidingWindowPacer(rate_limit, clock) if rate_limit else None
        self.quota = DailyQuota(daily_quota, clock)
        self.blocked_until: datetime | None = None

    def configure(self, rate_limit: RateLimit | None, daily_quota: int | None) -> None:
        if rate_limit is None:
            self.pacer = None
        elif self.pacer is None or self.pacer.limit != rate_limit:
            self.pacer = SlidingWindowPacer(rate_limit, self._clock)
        self.quota.limit = daily_quota

    def rate_limited_until(self) -> datetime | None:
        """When this provider may be asked again, if it may not be now."""
        now = self._clock.now()
        if self.quota.exhausted:
            return self.quota.resets_at
        if self.blocked_until is not None and self.blocked_until > now:
            return self.blocked_until
        return None

    def note_rate_limited(self, error: RateLimitedError) -> None:
        """The provider said stop: for `retry_after` seconds, or until its quota resets."""
        now = self._clock.now()
        if error.quota_exhausted:
            self.quota.mark_exhausted(error.reset_at)
        elif error.retry_after is not None:
            until = now + timedelta(seconds=error.retry_after)
            self.blocked_until = max(self.blocked_until or until, until)
        elif error.reset_at is not None:
            self.blocked_until = error.reset_at

    async def acquire(self) -> None:
        if self.quota.exhausted:
            raise RateLimitedError(
                self.provider,
                "daily quota used up",
                reset_at=self.quota.resets_at,
                quota_exhausted=True,
                status_code=None,
            )
        while self.blocked_until is not None:
            wait = (self.blocked_until - self._clock.now()).total_seconds()
            if wait <= 0:
                self.blocked_until = None
                break
            await self._clock.sleep(wait)
        if self.pacer is not None:
            await self.pacer.acquire()
        if not self.quota.try_consume():
            raise RateLimitedError(
                self.provider,
                "daily quota used up",
                reset_at=self.quota.resets_at,
                quota_exhausted=True,
                status_code=None,
            )


class ProviderRuntime:
    """A provider with everything the engine keeps about it."""

    def __init__(
        self, provider: MetadataProvider, settings: ProviderSettings, gate: ProviderGate, clock: Clock
    ) -> None:
        self.provider = provider
        self.settings = settings
        self.gate = gate
        self.breaker = CircuitBreaker(clock)
        self.health = HealthTracker()

    @property
    def id(self) -> str:
        return self.provider.id

    def unavailable_reason(self) -> str | None:
        """Why this provider must not be asked now (without handing out a breaker probe)."""
        until = self.gate.rate_limited_until()
        if until is not None:
            return f"rate limited until {until.isoformat(timespec='seconds')}"
        if not self.breaker.is_closed and self.breaker.seconds_until_probe() > 0:
            return "circuit open after repeated failures"
        return None

    def health_snapshot(self) -> ProviderHealth:
        limited_until = self.gate.rate_limited_until()
        auto_disabled = not self.breaker.is_closed
        if not self.settings.enabled:
            status = HealthStatus.DISABLED
        elif limited_until is not None:
            status = HealthStatus.RATE_LIMITED
        elif auto_disabled:
            status = HealthStatus.DOWN
        else:
            status = self.health.call_status()
        return ProviderHealth(
            id=self.id,
            enabled=self.settings.enabled,
            status=status,
            auto_disabled=auto_disabled,
            uptime_percent=self.health.uptime_percent,
            avg_latency_ms=self.health.avg_latency_ms,
            consecutive_failures=self.health.consecutive_failures,
            last_request_at=self.health.last_request_at,
            last_error=self.health.last_error,
            rate_limited_until=limited_until,
            requests_today=self.gate.quota.requests_today,
            daily_quota=self.gate.quota.limit,
            circuit_state=self.breaker.state.value,
            probe_in_s=self.breaker.seconds_until_probe() if auto_disabled else None,
            latencies_ms=tuple(self.health.latencies_ms),
        )

    def to_state(self) -> dict[str, Any]:
        """Everything worth keeping across a restart (the store persists it)."""
        return {
            "health": self.health.to_state(),
            "breaker": self.breaker.to_state(),
            "quota": self.gate.quota.to_state(),
            "blocked_until": self.gate.blocked_until.isoformat() if self.gate.blocked_until else None,
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.health.restore(state.get("health", {}))
        self.breaker.restore(state.get("breaker", {}))
        if "quota" in state:
            self.gate.quota.restore(state["quota"])
        blocked = state.get("blocked_until")
        self.gate.blocked_until = datetime.fromisoformat(blocked) if blocked else None


HealthListener = Callable[[ProviderHealth], None]


class ProviderPool:
    """Every provider's runtime, in priority order, and the listeners of health changes."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._runtimes: dict[str, ProviderRuntime] = {}
        self._listeners: list[HealthListener] = []

    def add(self, provider: MetadataProvider, settings: ProviderSettings | None = None) -> ProviderRuntime:
        """Register a provider; its gate is attached to it when it accepts one (`provider.gate`)."""
        settings = settings or ProviderSettings(priority=len(self._runtimes) + 1)
        gate = ProviderGate(provider.id, self.clock, settings.rate_limit, settings.daily_quota)
        if hasattr(provider, "gate"):
            cast(Any, provider).gate = gate
        runtime = ProviderRuntime(provider, settings, gate, self.clock)
        self._runtimes[provider.id] = runtime
        return runtime

    def get(self, provider_id: str) -> ProviderRuntime:
        try:
            return self._runtimes[provider_id]
        except KeyError:
            raise KeyError(f"unknown provider {provider_id!r}") from None

    def __contains__(self, provider_id: object) -> bool:
        return provider_id in self._runtimes

    def all(self) -> list[ProviderRuntime]:
        """Every runtime, highest priority (lowest number) first."""
        return sorted(self._runtimes.values(), key=lambda r: (r.settings.priority, r.id))

    def enabled(self, only: Iterable[str] | None = None) -> list[ProviderRuntime]:
        wanted = set(only) if only is not None else None
        return [r for r in self.all() if r.settings.enabled and (wanted is None or r.id in wanted)]

    def subscribe(self, listener: HealthListener) -> Callable[[], None]:
        """Call `listener` with a fresh snapshot whenever a provider's health changes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def notify(self, runtime: ProviderRuntime) -> None:
        self.relay(runtime.health_snapshot())

    def relay(self, snapshot: ProviderHealth) -> None:
        """Tell the listeners of one snapshot (also one from another pool: the image hosts')."""
        for listener in list(self._listeners):
            try:
                listener(snapshot)
            except Exception:  # a broken listener must not break fetching
                log.exception("health listener failed")

    def health(self) -> list[ProviderHealth]:
        return [r.health_snapshot() for r in self.all()]

    def reenable(self, provider_id: str) -> None:
        """The user's "Re-enable" on an auto-disabled provider: close its circuit now."""
        runtime = self.get(provider_id)
        runtime.breaker.reset()
        self.notify(runtime)

    async def aclose(self) -> None:
        for runtime in self._runtimes.values():
            await runtime.provider.aclose()
