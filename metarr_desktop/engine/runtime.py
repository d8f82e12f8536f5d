"""One provider at run time: its settings, its gate (pacer, quota, waits it was asked for), its
circuit breaker and its health record; and the pool of them all.

The pool is what the orchestrator, the services and the health dashboard share. Every change to a
provider's health is pushed to listeners (plain callbacks; the window turns them into Qt signals).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import cast

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.results import SkippedProvider
from metarr_desktop.core.results import SkipReason
from metarr_desktop.engine.health import ActivityLog
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.engine.health import HealthTracker
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.engine.resilience import POLICIES
from metarr_desktop.engine.resilience import CircuitBreaker
from metarr_desktop.engine.resilience import DailyQuota
from metarr_desktop.engine.resilience import RetryPolicy
from metarr_desktop.engine.resilience import SlidingWindowPacer
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.errors import MAX_RETRY_AFTER_S
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


@dataclass(slots=True)
class RequestTrace:
    """What one attempt of one provider spent where: set by the orchestrator around the attempt
    (`TRACE`) and filled in by the provider's gate, which the client awaits before each request.

    Attributes:
        priority: whose attempt it is (the pacer serves user priority first).
        queued_s: time spent waiting in our own gate (pacer, a `Retry-After` being waited out).
        waiting_since: monotonic time the current wait in the gate began (None: not waiting).
        requests: requests the gate let through during the attempt.
        stopped_in_gate: the attempt was cancelled (its budget ran out) while waiting in the gate.
    """

    priority: Priority = Priority.BACKGROUND
    queued_s: float = 0.0
    waiting_since: float | None = None
    requests: int = 0
    stopped_in_gate: bool = False


#: The attempt the current task is making (None outside the orchestrator, e.g. `providers test`).
TRACE: ContextVar[RequestTrace | None] = ContextVar("metarr_request_trace", default=None)


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
        self.activity = ActivityLog()

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
            self.quota.mark_exhausted(self.capped(error.reset_at))
        elif error.retry_after is not None:
            until = now + timedelta(seconds=error.retry_after)
            self.blocked_until = max(self.blocked_until or until, until)
        elif error.reset_at is not None:
            self.blocked_until = self.capped(error.reset_at)

    def capped(self, until: datetime | None) -> datetime | None:
        """`until`, but never more than `MAX_RETRY_AFTER_S` from now (a saved or reported block in
        2099 is a day's block)."""
        if until is None:
            return None
        return min(until, self._clock.now() + timedelta(seconds=MAX_RETRY_AFTER_S))

    def clear_blocks(self) -> None:
        """Forget every rate-limit block: a Retry-After wait, a reported reset and today's count."""
        self.blocked_until = None
        self.quota.exhausted_until = None
        self.quota.used = 0

    def pacer_wait_s(self) -> float:
        """Seconds until our own pacer would let the next request go (0 when it would now)."""
        return self.pacer.wait_time() if self.pacer is not None else 0.0

    async def acquire(self) -> None:
        trace = TRACE.get()
        if trace is None:
            await self._acquire(Priority.USER)  # a direct call (a key test): someone waits
            return
        started = self._clock.monotonic()
        trace.waiting_since = started
        try:
            await self._acquire(trace.priority)
        except asyncio.CancelledError:
            trace.stopped_in_gate = True
            raise
        finally:
            trace.waiting_since = None
            trace.queued_s += self._clock.monotonic() - started
        trace.requests += 1

    def _quota_used_up(self) -> RateLimitedError:
        """The refusal when the daily quota is spent (no HTTP status: nothing was sent)."""
        return RateLimitedError(
            self.provider,
            "daily quota used up",
            reset_at=self.quota.resets_at,
            quota_exhausted=True,
            status_code=None,
        )

    async def _acquire(self, priority: Priority) -> None:
        if self.quota.exhausted:
            raise self._quota_used_up()
        while self.blocked_until is not None:
            wait = (self.blocked_until - self._clock.now()).total_seconds()
            if wait <= 0:
                self.blocked_until = None
                break
            await self._clock.sleep(wait)
        if self.pacer is not None:
            await self.pacer.acquire(priority)
        if not self.quota.try_consume():
            raise self._quota_used_up()
        self.activity.record_request(self._clock.now())


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
        self._clock = clock

    @property
    def id(self) -> str:
        return self.provider.id

    def unavailability(self) -> SkippedProvider | None:
        """Why this provider must not be asked now, and until when (without handing out a breaker
        probe): switched off, its quota used up, told to wait, or its circuit open."""
        if not self.settings.enabled:
            return SkippedProvider(self.id, SkipReason.DISABLED, None, "switched off")
        until = self.gate.rate_limited_until()
        if until is not None:
            stamp = until.isoformat(timespec="seconds")
            if self.gate.quota.exhausted:
                return SkippedProvider(self.id, SkipReason.QUOTA, until, f"daily quota used up until {stamp}")
            return SkippedProvider(self.id, SkipReason.RATE_LIMITED, until, f"rate limited until {stamp}")
        if not self.breaker.is_closed and self.breaker.seconds_until_probe() > 0:
            probe_at = self._clock.now() + timedelta(seconds=self.breaker.seconds_until_probe())
            return SkippedProvider(
                self.id, SkipReason.CIRCUIT_OPEN, probe_at, "circuit open after repeated failures"
            )
        return None

    def unavailable_reason(self) -> str | None:
        """Why this provider must not be asked now, in words (None: it may be asked)."""
        skip = self.unavailability()
        return None if skip is None or skip.reason is SkipReason.DISABLED else skip.detail

    def can_serve(self, entity_type: EntityType, ids: ExternalIds) -> bool:
        """It handles this entity type and accepts one of these ids."""
        capabilities = self.provider.capabilities
        return entity_type in capabilities.entity_types and capabilities.accepts(ids)

    def health_snapshot(self) -> ProviderHealth:
        now = self._clock.now()
        totals = self.gate.activity.totals(now)
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
            requests_24h=self.gate.activity.requests_per_hour(now),
            executions_24h=totals.executions,
            success_rate_24h=totals.success_rate if totals.executions else None,
            avg_duration_s_24h=totals.average_duration_s if totals.executions else None,
        )

    def to_state(self) -> dict[str, Any]:
        """Everything worth keeping across a restart (the store persists it)."""
        return {
            "health": self.health.to_state(),
            "breaker": self.breaker.to_state(),
            "quota": self.gate.quota.to_state(),
            "blocked_until": self.gate.blocked_until.isoformat() if self.gate.blocked_until else None,
            "activity": self.gate.activity.to_state(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.health.restore(state.get("health", {}))
        self.breaker.restore(state.get("breaker", {}))
        if "quota" in state:
            self.gate.quota.restore(state["quota"])
        self.gate.activity.restore(state.get("activity", {}))
        blocked = state.get("blocked_until")
        self.gate.blocked_until = self.gate.capped(datetime.fromisoformat(blocked) if blocked else None)
        self.gate.quota.exhausted_until = self.gate.capped(self.gate.quota.exhausted_until)


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

    def remove(self, provider_id: str) -> ProviderRuntime:
        """Forget a provider (its client is the caller's to close)."""
        return self._runtimes.pop(provider_id)

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

    def serving(
        self, entity_type: EntityType, ids: ExternalIds, only: Iterable[str] | None = None
    ) -> list[ProviderRuntime]:
        """The enabled providers (of `only`) that can serve this entity from these ids, by priority:
        the one answer to "which providers can serve this movie"."""
        return [r for r in self.enabled(only) if r.can_serve(entity_type, ids)]

    def retry_at(self, provider_id: str, now: datetime, *, after_failure: timedelta) -> datetime:
        """When a provider that could not answer for an entity should be asked again for it: its
        reset time when it is rate limited or out of quota, its next probe (a minute at least) when
        its circuit is open, else `after_failure` from now."""
        if provider_id in self._runtimes:
            runtime = self._runtimes[provider_id]
            until = runtime.gate.rate_limited_until()
            if until is not None:
                return until
            if not runtime.breaker.is_closed:
                return now + timedelta(seconds=max(60.0, runtime.breaker.seconds_until_probe()))
        return now + after_failure

    def reenable(self, provider_id: str) -> None:
        """The user's "Re-enable": close the provider's circuit and clear every rate-limit block
        (a Retry-After wait, a reported reset, the day's count), so it is asked again now."""
        runtime = self.get(provider_id)
        runtime.breaker.reset()
        runtime.gate.clear_blocks()
        self.notify(runtime)

    async def aclose(self) -> None:
        for runtime in self._runtimes.values():
            await runtime.provider.aclose()
