"""Keeping each provider's rate-limit and health state across restarts.

The service listens to the pool's health notifications. A change that matters (a provider becomes
rate limited or free again, its circuit opens or closes) is written at once; routine changes (one
more request counted, one more latency sample) at most every `min_interval_s` per provider, and on
`flush()` (after every fetch through the cache manager, and at shutdown). At start, `restore_all()`
gives every provider back what it had: a provider that used up its quota before a restart stays
skipped until its reset.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from metarr_desktop.core.errors import StoreError
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.engine.runtime import ProviderRuntime
from metarr_desktop.store.config import RateLimitStateRecord
from metarr_desktop.store.config import RateLimitStateRepository

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Saved:
    limited_until: datetime | None
    auto_disabled: bool
    exhausted_at: datetime | None
    consecutive: int
    saved_at: float


class RateLimitStateService:
    """Persists `ProviderRuntime.to_state()` and document 5's rate-limit state per provider."""

    def __init__(
        self,
        pool: ProviderPool,
        repository: RateLimitStateRepository,
        *,
        min_interval_s: float = 5.0,
    ) -> None:
        self._pool = pool
        self._repository = repository
        self._min_interval_s = min_interval_s
        self._saved: dict[str, _Saved] = {}
        self._dirty: set[str] = set()
        self._unsubscribe: Callable[[], None] | None = None

    # -- start and stop ------------------------------------------------------------------------------

    def restore_all(self) -> list[str]:
        """Give every provider in the pool its saved state; returns the providers restored."""
        restored: list[str] = []
        for runtime in self._pool.all():
            record = self._repository.get(runtime.id)
            if record is None:
                continue
            if record.runtime_state:
                try:
                    runtime.restore(self._age_state(record))
                except (ValueError, TypeError, KeyError) as exc:  # an unreadable state is forgotten
                    log.warning("saved state of %s is unreadable (%s); starting fresh", runtime.id, exc)
                    continue
            snapshot = runtime.health_snapshot()
            self._saved[runtime.id] = _Saved(
                snapshot.rate_limited_until,
                snapshot.auto_disabled,
                record.exhausted_at if snapshot.rate_limited_until else None,
                record.consecutive_rate_limits if snapshot.rate_limited_until else 0,
                self._pool.clock.monotonic(),
            )
            restored.append(runtime.id)
        return restored

    def _age_state(self, record: RateLimitStateRecord) -> dict[str, Any]:
        """The breaker keeps its open period as seconds from the moment it was saved: subtract the
        time that passed since, so a restart does not extend it."""
        state = deepcopy(record.runtime_state or {})
        breaker = state.get("breaker")
        if isinstance(breaker, dict) and breaker.get("open_for_s") is not None:
            elapsed = max(0.0, (self._pool.clock.now() - record.updated_at).total_seconds())
            breaker["open_for_s"] = max(0.0, float(breaker["open_for_s"]) - elapsed)
        return state

    def attach(self) -> None:
        """Start listening to the pool."""
        if self._unsubscribe is None:
            self._unsubscribe = self._pool.subscribe(self._on_health)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # -- saving --------------------------------------------------------------------------------------

    def _on_health(self, snapshot: ProviderHealth) -> None:
        self._dirty.add(snapshot.id)
        previous = self._saved.get(snapshot.id)
        if (
            previous is None
            or previous.limited_until != snapshot.rate_limited_until
            or previous.auto_disabled != snapshot.auto_disabled
            or self._pool.clock.monotonic() - previous.saved_at >= self._min_interval_s
        ):
            self.save(snapshot.id)

    def save(self, provider_id: str) -> bool:
        """Write one provider's state now; a database failure is logged and reported as False."""
        if provider_id not in self._pool:
            return False
        runtime = self._pool.get(provider_id)
        record, saved = self._record(runtime)
        try:
            self._repository.save(record)
        except StoreError as exc:
            exc.log(log, "could not save the rate-limit state of %s: %s", provider_id, exc)
            return False
        self._saved[provider_id] = saved
        self._dirty.discard(provider_id)
        return True

    def flush(self) -> None:
        """Write every provider whose state changed since it was last written."""
        for provider_id in sorted(self._dirty):
            self.save(provider_id)

    def _record(self, runtime: ProviderRuntime) -> tuple[RateLimitStateRecord, _Saved]:
        snapshot = runtime.health_snapshot()
        previous = self._saved.get(runtime.id)
        until = snapshot.rate_limited_until
        now = self._pool.clock.now()
        if until is None:
            exhausted_at, consecutive = None, 0
        elif previous is not None and previous.limited_until is not None:
            exhausted_at = previous.exhausted_at or now
            consecutive = previous.consecutive + (1 if until != previous.limited_until else 0)
        else:
            exhausted_at, consecutive = now, (previous.consecutive if previous else 0) + 1
        record = RateLimitStateRecord(
            provider_id=runtime.id,
            exhausted_at=exhausted_at,
            reset_at=until,
            consecutive_rate_limits=consecutive,
            requests_today=snapshot.requests_today,
            runtime_state=runtime.to_state(),
            updated_at=now,
        )
        saved = _Saved(until, snapshot.auto_disabled, exhausted_at, consecutive, self._pool.clock.monotonic())
        return record, saved

    # -- reading -------------------------------------------------------------------------------------

    def rate_limited_until(self, provider_id: str) -> datetime | None:
        """When the provider may be asked again, if not now (in memory: microseconds)."""
        return self._pool.get(provider_id).gate.rate_limited_until()
