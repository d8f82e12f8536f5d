"""Configuration services: providers (settings, keys, order) and field authority.

Both the window's settings pages and `metarr providers/authority` call these. Every change is checked
completely before anything is written (nothing is half-applied), written in one transaction, and then
applied to the running engine (`ProviderPool`): settings, the gate's pacing and quota, and, when the
address or key changed, a new client that keeps the old one's health and quota state.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import httpx

from metarr_desktop.core.authority import AuthorityError
from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.authority import default_authority
from metarr_desktop.core.errors import ProblemsError
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.engine.resilience import POLICIES
from metarr_desktop.engine.resilience import run_with_timeout
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.engine.runtime import ProviderSettings
from metarr_desktop.logsetup import redact
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.base import describe_error
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import NotFoundError

# What `ProviderConfigService.test_key` may raise, exported for the window (which never imports the
# providers' errors itself).
from metarr_desktop.providers.errors import ProviderError as ProviderError
from metarr_desktop.providers.errors import ProviderUnavailableError
from metarr_desktop.providers.registry import ProviderRegistry
from metarr_desktop.providers.registry import ProviderSpec
from metarr_desktop.store.config import FieldAuthorityRepository
from metarr_desktop.store.config import ProviderConfigRecord
from metarr_desktop.store.config import ProviderConfigRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.secrets import KeyStorage
from metarr_desktop.store.secrets import SecretStore
from metarr_desktop.store.secrets import SecretStoreError

log = logging.getLogger(__name__)

#: A movie every provider knows (Inception), for checking a key with one real request.
KEY_CHECK_IDS = ExternalIds(tmdb=27205, imdb="tt1375666")
KEY_CHECK_SEARCH = SearchRequest(query="Inception", year=2010, limit=1)


class ConfigError(ProblemsError):
    """A configuration change that breaks a rule (bad input; `problems`: every broken rule);
    nothing was changed."""


class UnknownProviderError(KeyError):
    """No provider with that id is registered (bad input)."""


class Unset(Enum):
    """Marks an option of `ProviderUpdate` that is left as it is (None is a value: "no limit")."""

    UNSET = "unset"


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class ProviderUpdate:
    """A change to one provider; fields left `UNSET` keep their value.

    Attributes:
        api_key: a new key; `clear_api_key` removes the stored one instead.
        rate_limit: a new pace, or None for "not paced".
        daily_quota: a new daily quota, or None for "no quota".
        priority: the new position (1 first); the others shift to stay contiguous.
    """

    enabled: bool | Unset = UNSET
    api_key: str | Unset = UNSET
    clear_api_key: bool = False
    base_url: str | Unset = UNSET
    rate_limit: RateLimit | Unset | None = UNSET
    daily_quota: int | Unset | None = UNSET
    priority: int | Unset = UNSET
    user_timeout_s: float | Unset | None = UNSET
    background_timeout_s: float | Unset | None = UNSET


@dataclass(frozen=True, slots=True)
class ProviderView:
    """One provider as `metarr providers list` and the providers page show it (never the key)."""

    config: ProviderConfigRecord
    spec: ProviderSpec
    has_api_key: bool
    key_storage: KeyStorage
    start_error: str | None = None

    @property
    def id(self) -> str:
        return self.config.provider_id

    def to_json(self) -> dict[str, Any]:
        config = self.config
        return {
            "id": config.provider_id,
            "name": self.spec.name,
            "enabled": config.enabled,
            "priority": config.priority,
            "base_url": config.base_url,
            "has_api_key": self.has_api_key,
            "needs_api_key": self.spec.needs_api_key,
            "key_storage": self.key_storage.value,
            "rate_limit": config.rate_limit.to_json() if config.rate_limit else None,
            "daily_quota": config.daily_quota,
            "user_timeout_s": config.user_timeout_s,
            "background_timeout_s": config.background_timeout_s,
            "capabilities": self.spec.capabilities.to_json(),
            "builtin": self.spec.builtin,
            "start_error": self.start_error,
        }


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """The outcome of `ProviderConfigService.test_key`.

    Attributes:
        valid: True (the key works), False (refused or missing) or None (could not tell).
    """

    provider_id: str
    valid: bool | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.provider_id, "valid": self.valid, "message": self.message}


def settings_of(record: ProviderConfigRecord) -> ProviderSettings:
    return ProviderSettings(
        enabled=record.enabled,
        priority=record.priority,
        rate_limit=record.rate_limit,
        daily_quota=record.daily_quota,
        user_timeout_s=record.user_timeout_s,
        background_timeout_s=record.background_timeout_s,
    )


def check_base_url(url: str) -> str | None:
    """Why `url` cannot be a provider's base URL, or None when it can."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"base URL {url!r} must start with http:// or https://"
    if not parts.hostname:
        return f"base URL {url!r} has no host"
    if parts.query or parts.fragment:
        return f"base URL {url!r} must not have a query or fragment"
    return None


ConfigListener = Callable[[str], None]


class ProviderConfigService:
    """Provider configuration, kept in the database and applied to the running pool.

    Attributes:
        start_errors: provider id -> why its client could not be created (it is left out of the pool).
    """

    def __init__(
        self,
        *,
        database: Database,
        registry: ProviderRegistry,
        configs: ProviderConfigRepository,
        secrets: SecretStore,
        orchestrator: FetchOrchestrator,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._database = database
        self._registry = registry
        self._configs = configs
        self._secrets = secrets
        self._orchestrator = orchestrator
        self._transport = transport
        self._listeners: list[ConfigListener] = []
        self.start_errors: dict[str, str] = {}
        #: Pools of helpers that are not configured providers (the image hosts): listed in health.
        self.extra_pools: list[ProviderPool] = []

    @property
    def pool(self) -> ProviderPool:
        """The running providers: the pool the orchestrator asks."""
        return self._orchestrator.pool

    # -- start-up ------------------------------------------------------------------------------------

    def ensure_defaults(self) -> list[str]:
        """Give every registered provider without a row one: built-ins enabled, in registry order;
        plug-ins appended at the end, disabled (Picard's rule). Returns the ids added."""
        added: list[str] = []
        with self._database.atomic():
            for spec in self._registry:
                if self._configs.get(spec.id) is not None:
                    continue
                self._configs.append(
                    spec.id,
                    spec.name,
                    base_url=spec.default_base_url,
                    rate_limit=spec.default_rate_limit,
                    daily_quota=spec.default_daily_quota,
                    enabled=spec.builtin,
                )
                added.append(spec.id)
        return added

    def start_providers(self) -> None:
        """Create every registered provider's client from its stored configuration and add it to the
        pool; a provider that cannot be created is logged and left out (`start_errors`)."""
        for record in self._configs.all():
            if record.provider_id not in self._registry:
                continue
            try:
                provider = self._create(record)
            except Exception as exc:  # a broken client or plug-in must not stop the app
                self.start_errors[record.provider_id] = redact(f"{type(exc).__name__}: {exc}"[:300])
                log.warning("provider %s could not be started: %s", record.provider_id, type(exc).__name__)
                continue
            self.pool.add(provider, settings_of(record))

    def _create(self, record: ProviderConfigRecord) -> MetadataProvider:
        spec = self._registry.get(record.provider_id)
        provider: MetadataProvider = spec.create(
            api_key=self._read_key(record.provider_id),
            base_url=record.base_url,
            transport=self._transport,
        )
        return provider

    def _read_key(self, provider_id: str) -> str | None:
        """The stored key; when the keyring cannot be read, None (the provider runs without one and
        the failure is logged, without the key)."""
        try:
            return self._secrets.get(provider_id)
        except SecretStoreError as exc:
            log.warning("%s", exc)
            return None

    # -- reading -------------------------------------------------------------------------------------

    @property
    def key_storage(self) -> KeyStorage:
        return self._secrets.storage

    @property
    def key_storage_warning(self) -> str | None:
        """Shown by the window and `providers list` when keys are stored unencrypted."""
        return self._secrets.warning

    def names(self) -> dict[str, str]:
        """Every registered provider's name users know, by id (no key is read: cheap, never blocks
        on the keyring)."""
        names = {spec.id: spec.name for spec in self._registry}
        for extra in self.extra_pools:
            names.update({runtime.id: runtime.provider.name for runtime in extra.all()})
        return names

    def all(self) -> list[ProviderView]:
        """Every registered provider, in priority order."""
        return [self._view(r) for r in self._configs.all() if r.provider_id in self._registry]

    def get(self, provider_id: str) -> ProviderView:
        return self._view(self._record(provider_id))

    def _record(self, provider_id: str) -> ProviderConfigRecord:
        record = self._configs.get(provider_id)
        if record is None or provider_id not in self._registry:
            known = ", ".join(view.id for view in self.all())
            raise UnknownProviderError(f"unknown provider {provider_id!r} (known: {known})")
        return record

    def _view(self, record: ProviderConfigRecord) -> ProviderView:
        return ProviderView(
            config=record,
            spec=self._registry.get(record.provider_id),
            has_api_key=bool(self._read_key(record.provider_id)),
            key_storage=self._secrets.storage,
            start_error=self.start_errors.get(record.provider_id),
        )

    def health(self) -> list[ProviderHealth]:
        """Every registered provider's health in priority order (`metarr providers health`)."""
        snapshots: list[ProviderHealth] = []
        for record in self._configs.all():
            if record.provider_id not in self._registry:
                continue
            if record.provider_id in self.pool:
                snapshots.append(self.pool.get(record.provider_id).health_snapshot())
                continue
            snapshots.append(
                ProviderHealth(
                    id=record.provider_id,
                    enabled=record.enabled,
                    status=HealthStatus.DISABLED if not record.enabled else HealthStatus.UNKNOWN,
                    auto_disabled=False,
                    uptime_percent=None,
                    avg_latency_ms=None,
                    consecutive_failures=0,
                    last_request_at=None,
                    last_error=self.start_errors.get(record.provider_id),
                    rate_limited_until=None,
                    requests_today=0,
                    daily_quota=record.daily_quota,
                )
            )
        for extra in self.extra_pools:
            snapshots.extend(extra.health())
        return snapshots

    def subscribe(self, listener: ConfigListener) -> Callable[[], None]:
        """Call `listener(provider_id)` after every change of that provider's configuration."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # -- changing ------------------------------------------------------------------------------------

    def _validate(self, change: ProviderUpdate, count: int) -> list[str]:
        problems: list[str] = []
        if not isinstance(change.api_key, Unset):
            if change.clear_api_key:
                problems.append("give a new API key or clear it, not both")
            if (
                not change.api_key
                or change.api_key != change.api_key.strip()
                or any(c.isspace() for c in change.api_key)
            ):
                problems.append("the API key must be non-empty and contain no spaces")
        if not isinstance(change.base_url, Unset) and (reason := check_base_url(change.base_url)):
            problems.append(reason)
        if isinstance(change.rate_limit, RateLimit) and (
            change.rate_limit.requests <= 0 or change.rate_limit.window_seconds <= 0
        ):
            problems.append("the rate limit needs a positive number of requests and a positive window")
        if isinstance(change.daily_quota, int) and change.daily_quota <= 0:
            problems.append("the daily quota must be a positive number (or none)")
        if not isinstance(change.priority, Unset) and not 1 <= change.priority <= count:
            problems.append(f"the priority must be between 1 and {count}")
        for name, value in (
            ("user timeout", change.user_timeout_s),
            ("background timeout", change.background_timeout_s),
        ):
            if isinstance(value, float | int) and not isinstance(value, bool) and value <= 0:
                problems.append(f"the {name} must be positive seconds (or none)")
        return problems

    async def update(self, provider_id: str, change: ProviderUpdate) -> ProviderView:
        """Check, store and apply a change; raise `ConfigError` (nothing changed) when a rule breaks."""
        record = self._record(provider_id)
        records = self._configs.all()
        problems = self._validate(change, len(records))
        if problems:
            raise ConfigError(problems)
        updated = replace(
            record,
            enabled=record.enabled if isinstance(change.enabled, Unset) else change.enabled,
            base_url=record.base_url if isinstance(change.base_url, Unset) else change.base_url.rstrip("/"),
            rate_limit=record.rate_limit if isinstance(change.rate_limit, Unset) else change.rate_limit,
            daily_quota=record.daily_quota if isinstance(change.daily_quota, Unset) else change.daily_quota,
            user_timeout_s=(
                record.user_timeout_s if isinstance(change.user_timeout_s, Unset) else change.user_timeout_s
            ),
            background_timeout_s=(
                record.background_timeout_s
                if isinstance(change.background_timeout_s, Unset)
                else change.background_timeout_s
            ),
        )
        order = [r.provider_id for r in records]
        if not isinstance(change.priority, Unset):
            order.remove(provider_id)
            order.insert(change.priority - 1, provider_id)
        previous = {r.provider_id: r for r in records}
        by_id = {**previous, provider_id: updated}
        new_records = [replace(by_id[pid], priority=index) for index, pid in enumerate(order, start=1)]
        changed = [r for r in new_records if r != previous[r.provider_id]]
        with self._database.atomic():
            self._configs.save_all(changed)
            # The key is written inside the transaction: if the keyring fails, the rows roll back.
            if not isinstance(change.api_key, Unset):
                self._secrets.set(provider_id, change.api_key)
            elif change.clear_api_key:
                self._secrets.delete(provider_id)
        rebuild = (
            not isinstance(change.api_key, Unset)
            or change.clear_api_key
            or updated.base_url != record.base_url
        )
        await self._apply(new_records, provider_id if rebuild else None)
        for listener in list(self._listeners):
            listener(provider_id)
        return self.get(provider_id)

    async def reorder(self, order: list[str]) -> list[ProviderView]:
        """Set the whole priority order at once (the providers page's drag and drop)."""
        records = self._configs.all()
        known = [r.provider_id for r in records]
        if sorted(order) != sorted(known):
            raise ConfigError([f"the order must list every provider exactly once: {', '.join(known)}"])
        by_id = {r.provider_id: r for r in records}
        new_records = [replace(by_id[pid], priority=index) for index, pid in enumerate(order, start=1)]
        with self._database.atomic():
            self._configs.save_all(new_records)
        await self._apply(new_records, None)
        for listener in list(self._listeners):
            listener("*")
        return self.all()

    async def _apply(self, records: list[ProviderConfigRecord], rebuild: str | None) -> None:
        """Make the running pool match the stored configuration."""
        for record in records:
            if record.provider_id not in self.pool:
                continue
            runtime = self.pool.get(record.provider_id)
            if record.provider_id == rebuild:
                try:
                    provider = self._create(record)
                except Exception as exc:
                    self.start_errors[record.provider_id] = redact(f"{type(exc).__name__}: {exc}"[:300])
                    log.warning(
                        "provider %s could not be restarted: %s", record.provider_id, type(exc).__name__
                    )
                else:
                    state = runtime.to_state()
                    old = runtime.provider
                    runtime = self.pool.add(provider, settings_of(record))
                    runtime.restore(state)
                    await old.aclose()
            settings = runtime.settings
            settings.enabled = record.enabled
            settings.priority = record.priority
            settings.rate_limit = record.rate_limit
            settings.daily_quota = record.daily_quota
            settings.user_timeout_s = record.user_timeout_s
            settings.background_timeout_s = record.background_timeout_s
            runtime.gate.configure(record.rate_limit, record.daily_quota)
            self.pool.notify(runtime)

    # -- checking a key ------------------------------------------------------------------------------

    async def test_key(
        self, provider_id: str, *, api_key: str | None = None, base_url: str | None = None
    ) -> KeyCheck:
        """Check a key with one real request (paced and counted like any other).

        Without arguments the stored key and address are checked, through the engine. With `api_key`
        and/or `base_url` (typed in the settings dialog, not saved yet) a throw-away client is made
        with them and asked once, under the user-priority time budget; nothing is stored.
        """
        view = self.get(provider_id)
        if api_key is not None or base_url is not None:
            return await self._test_unsaved(view, api_key, base_url)
        if view.spec.needs_api_key and not view.has_api_key:
            return KeyCheck(provider_id, False, "no API key is set")
        if provider_id not in self.pool:
            return KeyCheck(provider_id, None, f"the provider could not be started: {view.start_error}")
        capabilities = view.spec.capabilities

        def probe(provider: MetadataProvider) -> Awaitable[object]:
            return _probe_key(provider, capabilities)

        try:
            outcome: object | BaseException = await self._orchestrator.call(
                provider_id, probe, priority=Priority.USER
            )
        except ProviderUnavailableError as exc:
            return KeyCheck(provider_id, None, f"could not check the key now: {exc.message}")
        except ProviderError as exc:
            outcome = exc
        return _key_check(provider_id, outcome)

    async def _test_unsaved(self, view: ProviderView, api_key: str | None, base_url: str | None) -> KeyCheck:
        """Ask once with a throw-away client made from the typed key and address."""
        provider_id = view.id
        key = api_key if api_key is not None else self._read_key(provider_id)
        if view.spec.needs_api_key and not key:
            return KeyCheck(provider_id, False, "no API key is set")
        url = (base_url or view.config.base_url).rstrip("/")
        if (problem := check_base_url(url)) is not None:
            return KeyCheck(provider_id, False, problem)
        gate = self.pool.get(provider_id).gate if provider_id in self.pool else None
        try:
            client = view.spec.create(api_key=key, base_url=url, transport=self._transport, gate=gate)
        except Exception as exc:  # a broken plug-in must not break the dialog
            return KeyCheck(provider_id, None, f"the provider could not be started: {type(exc).__name__}")
        budget = POLICIES[Priority.USER].timeout_s
        try:
            outcome: object | BaseException = await run_with_timeout(
                _probe_key(client, view.spec.capabilities),
                budget,
                clock=self._orchestrator.clock,
                provider=provider_id,
            )
        except ProviderError as exc:
            outcome = exc
        finally:
            await client.aclose()
        return _key_check(provider_id, outcome)


async def _probe_key(provider: MetadataProvider, capabilities: ProviderCapabilities) -> object:
    """One cheap request that needs a valid key: the client's own check, a search, or a lookup."""
    check = getattr(provider, "check_api_key", None)
    if callable(check):
        return await check()
    if capabilities.can_search:
        return await provider.search(KEY_CHECK_SEARCH)
    request = MetadataRequest(ids=KEY_CHECK_IDS, entity_type=next(iter(capabilities.entity_types)))
    return await provider.get_metadata(request)


def _key_check(provider_id: str, outcome: object | BaseException) -> KeyCheck:
    """What a probe's outcome says about the key."""
    if isinstance(outcome, AuthenticationError):
        return KeyCheck(provider_id, False, outcome.message)
    if isinstance(outcome, NotFoundError):
        return KeyCheck(provider_id, True, "the key was accepted")
    if isinstance(outcome, ProviderError):
        return KeyCheck(provider_id, None, f"could not check the key: {describe_error(outcome)}")
    if outcome is False:
        return KeyCheck(provider_id, False, "the key was refused")
    return KeyCheck(provider_id, True, "the key was accepted")


def order_following(priority: list[str], current_order: list[str]) -> list[str]:
    """The provider order after `authority set`: its priority first, the other providers after, in
    their current order."""
    return [*priority, *(p for p in current_order if p not in priority)]


class FieldAuthorityService:
    """The field-authority configuration (document 5), validated against the configured providers."""

    def __init__(self, repository: FieldAuthorityRepository, configs: ProviderConfigRepository) -> None:
        self._repository = repository
        self._configs = configs
        self._listeners: list[Callable[[FieldAuthorityConfig], None]] = []

    def known_providers(self) -> list[str]:
        return [r.provider_id for r in self._configs.all()]

    def ensure_defaults(self, new_providers: list[str]) -> None:
        """At first start, store the defaults (limited to the providers that exist); later, append
        providers registered since (plug-ins) to the end of the global priority."""
        known = self.known_providers()
        current = self._repository.load()
        if current is None:
            defaults = default_authority()
            priority = [p for p in defaults.provider_priority if p in known]
            priority += [p for p in known if p not in priority]
            authorities = {}
            for name, authority in defaults.field_authorities.items():
                providers = [p for p in authority.providers if p in known]
                if providers:
                    authorities[name] = replace(authority, providers=providers)
            self._repository.save(
                FieldAuthorityConfig(priority, authorities, defaults.fill_gaps, defaults.prefer_language)
            )
            return
        missing = [p for p in new_providers if p not in current.provider_priority and p in known]
        if missing:
            self._repository.save(replace(current, provider_priority=[*current.provider_priority, *missing]))

    def follow_order(self, order: list[str]) -> None:
        """The providers were reordered (drag and drop, `providers set --priority`): the global
        priority of the field-authority rules follows, so there is one provider order. Providers the
        user left out of that priority stay out."""
        current = self.get()
        priority = [p for p in order if p in current.provider_priority]
        if priority != current.provider_priority:
            self.set(replace(current, provider_priority=priority))

    def get(self) -> FieldAuthorityConfig:
        config = self._repository.load()
        if config is None:
            return default_authority()
        return config

    def set(self, config: FieldAuthorityConfig) -> None:
        """Validate, then replace the whole configuration; `AuthorityError` leaves it unchanged."""
        config.validate(self.known_providers())
        self._repository.save(config)
        for listener in list(self._listeners):
            listener(config)

    def set_json(self, document: Any) -> FieldAuthorityConfig:
        """`set` from the JSON shape of `metarr authority show` (raises `AuthorityError`)."""
        config = FieldAuthorityConfig.from_json(document)
        self.set(config)
        return config

    def reset(self) -> FieldAuthorityConfig:
        """Back to the defaults of document 5, Appendix A (limited to the providers that exist)."""
        defaults = default_authority()
        known = set(self.known_providers())
        unknown = defaults.provider_ids() - known
        if unknown:
            raise AuthorityError([f"the defaults need providers that are not installed: {sorted(unknown)}"])
        self.set(defaults)
        return defaults

    def subscribe(self, listener: Callable[[FieldAuthorityConfig], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None
