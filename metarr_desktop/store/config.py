"""Repositories of the configuration: providers, field authorities, settings, rate-limit state.

These store what they are given; the rules (contiguous priorities, positive rates, known providers)
are checked by `services.config`, which also applies changes to the running engine. API keys are
never stored here: they live in `store.secrets`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.clock import Clock
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.store.database import Database
from metarr_desktop.store.models import FieldAuthorityRow
from metarr_desktop.store.models import ProviderConfig
from metarr_desktop.store.models import ProviderRateLimitState
from metarr_desktop.store.models import Setting
from metarr_desktop.store.rows import record_of
from metarr_desktop.store.rows import upsert

#: Settings keys.
PROVIDER_PRIORITY = "provider_priority"
FILL_GAPS = "fill_gaps"
PREFER_LANGUAGE = "prefer_language"
CACHE_TTL_DAYS = "cache_ttl_days"


@dataclass(frozen=True, slots=True)
class ProviderConfigRecord:
    """One provider's stored configuration.

    Attributes:
        priority: 1 is asked first; priorities are unique and contiguous over all providers.
        rate_limit: None means "not paced" (the provider's own 429s still slow us down).
        daily_quota: None means no daily limit.
        user_timeout_s, background_timeout_s: overrides of the priority's default time budget.
    """

    provider_id: str
    name: str
    enabled: bool
    priority: int
    base_url: str
    rate_limit: RateLimit | None
    daily_quota: int | None
    user_timeout_s: float | None = None
    background_timeout_s: float | None = None


def _config_record(row: ProviderConfig) -> ProviderConfigRecord:
    rate = None
    if row.rate_limit_requests is not None and row.rate_limit_window_seconds is not None:
        rate = RateLimit(int(row.rate_limit_requests), float(row.rate_limit_window_seconds))
    return record_of(
        ProviderConfigRecord,
        row,
        name=row.provider_name,
        enabled=bool(row.enabled),
        priority=int(row.priority_order),
        rate_limit=rate,
    )


class ProviderConfigRepository:
    """The ``provider_config`` table."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    def all(self) -> list[ProviderConfigRecord]:
        """Every provider ever configured, highest priority (lowest number) first."""
        query = ProviderConfig.select().order_by(ProviderConfig.priority_order, ProviderConfig.provider_id)
        return [_config_record(row) for row in query]

    def get(self, provider_id: str) -> ProviderConfigRecord | None:
        row = ProviderConfig.get_or_none(ProviderConfig.provider_id == provider_id)
        return None if row is None else _config_record(row)

    def append(
        self,
        provider_id: str,
        name: str,
        *,
        base_url: str,
        rate_limit: RateLimit | None,
        daily_quota: int | None,
        enabled: bool,
    ) -> ProviderConfigRecord:
        """Add a provider after every existing one (lowest priority)."""
        now = self._clock.now()
        with self._database.atomic():
            last = (
                ProviderConfig.select(ProviderConfig.priority_order)
                .order_by(ProviderConfig.priority_order.desc())
                .first()
            )
            row = ProviderConfig.create(
                provider_id=provider_id,
                provider_name=name,
                enabled=enabled,
                priority_order=(last.priority_order + 1) if last else 1,
                base_url=base_url,
                rate_limit_requests=rate_limit.requests if rate_limit else None,
                rate_limit_window_seconds=rate_limit.window_seconds if rate_limit else None,
                daily_quota=daily_quota,
                created_at=now,
                updated_at=now,
            )
        return _config_record(row)

    def save_all(self, records: list[ProviderConfigRecord]) -> None:
        """Write these records (existing providers) in one transaction."""
        now = self._clock.now()
        with self._database.atomic():
            for record in records:
                ProviderConfig.update(
                    provider_name=record.name,
                    enabled=record.enabled,
                    priority_order=record.priority,
                    base_url=record.base_url,
                    rate_limit_requests=record.rate_limit.requests if record.rate_limit else None,
                    rate_limit_window_seconds=record.rate_limit.window_seconds if record.rate_limit else None,
                    daily_quota=record.daily_quota,
                    user_timeout_s=record.user_timeout_s,
                    background_timeout_s=record.background_timeout_s,
                    updated_at=now,
                ).where(ProviderConfig.provider_id == record.provider_id).execute()


class SettingsRepository:
    """Named JSON settings."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    def get(self, key: str, default: Any = None) -> Any:
        row = Setting.get_or_none(Setting.key == key)
        return default if row is None else row.value

    def has(self, key: str) -> bool:
        return Setting.select().where(Setting.key == key).exists()

    def set(self, key: str, value: Any) -> None:
        upsert(Setting, {"key": key, "value": value, "updated_at": self._clock.now()}, key=["key"])


class FieldAuthorityRepository:
    """The field-authority configuration: ``field_authorities`` rows plus two settings."""

    def __init__(self, database: Database, settings: SettingsRepository, clock: Clock) -> None:
        self._database = database
        self._settings = settings
        self._clock = clock

    def load(self) -> FieldAuthorityConfig | None:
        """The stored configuration, or None when none was ever saved."""
        priority = self._settings.get(PROVIDER_PRIORITY)
        if priority is None:
            return None
        authorities = {
            row.field_name: FieldAuthority(list(row.providers), bool(row.exclusive))
            for row in FieldAuthorityRow.select().order_by(FieldAuthorityRow.id)
        }
        return FieldAuthorityConfig(
            list(priority),
            authorities,
            bool(self._settings.get(FILL_GAPS, True)),
            bool(self._settings.get(PREFER_LANGUAGE, True)),
        )

    def save(self, config: FieldAuthorityConfig) -> None:
        """Replace the whole configuration in one transaction."""
        now = self._clock.now()
        with self._database.atomic():
            FieldAuthorityRow.delete().execute()
            for name, authority in config.field_authorities.items():
                FieldAuthorityRow.create(
                    field_name=name,
                    providers=list(authority.providers),
                    exclusive=authority.exclusive,
                    created_at=now,
                )
            self._settings.set(PROVIDER_PRIORITY, list(config.provider_priority))
            self._settings.set(FILL_GAPS, config.fill_gaps)
            self._settings.set(PREFER_LANGUAGE, config.prefer_language)


@dataclass(frozen=True, slots=True)
class RateLimitStateRecord:
    """A provider's rate-limit state (document 5) plus the engine's runtime state.

    Attributes:
        exhausted_at: when the current rate limit began (None when not limited).
        reset_at: when the provider may be asked again (None when not limited).
        consecutive_rate_limits: rate limits in a row without a good answer in between.
        requests_today: requests counted against today's quota.
        runtime_state: `ProviderRuntime.to_state()` (health windows, breaker, quota, waits).
        updated_at: when this was saved.
    """

    provider_id: str
    exhausted_at: datetime | None
    reset_at: datetime | None
    consecutive_rate_limits: int
    requests_today: int
    runtime_state: dict[str, Any] | None
    updated_at: datetime


class RateLimitStateRepository:
    """The ``provider_rate_limit_state`` table."""

    def get(self, provider_id: str) -> RateLimitStateRecord | None:
        row = ProviderRateLimitState.get_or_none(ProviderRateLimitState.provider_id == provider_id)
        if row is None:
            return None
        try:
            state = json.loads(row.runtime_state) if row.runtime_state else None
        except ValueError:
            state = None  # an unreadable state is forgotten, not fatal
        return record_of(
            RateLimitStateRecord,
            row,
            consecutive_rate_limits=int(row.consecutive_rate_limits),
            requests_today=int(row.requests_today),
            runtime_state=state if isinstance(state, dict) else None,
        )

    def save(self, record: RateLimitStateRecord) -> None:
        row = {
            "provider_id": record.provider_id,
            "exhausted_at": record.exhausted_at,
            "reset_at": record.reset_at,
            "consecutive_rate_limits": record.consecutive_rate_limits,
            "requests_today": record.requests_today,
            "runtime_state": (
                json.dumps(record.runtime_state, separators=(",", ":")) if record.runtime_state else None
            ),
            "updated_at": record.updated_at,
        }
        upsert(ProviderRateLimitState, row, key=["provider_id"])
