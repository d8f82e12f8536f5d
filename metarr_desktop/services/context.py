"""`AppServices`: everything the CLI and the window need, opened together and closed in order.

Opening: the profile folder, the database (repaired and migrated), the secrets, the provider registry,
the configuration seeded at first start (and for newly installed plug-ins), a provider pool built from
the stored configuration with each provider's saved rate-limit and health state, the fetch
orchestrator, the cache manager and the configuration services.

Closing (`aclose`): stop listening, save the providers' state, close the HTTP clients, then the
database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta
from pathlib import Path
from typing import Any
from typing import cast

import httpx

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.clock import SystemClock
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.engine.runtime import ProviderSettings
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.images import ImageHostProvider
from metarr_desktop.providers.registry import ProviderRegistry
from metarr_desktop.services.config import FieldAuthorityService
from metarr_desktop.services.config import ProviderConfigService
from metarr_desktop.services.library_store import LibraryStore
from metarr_desktop.services.players.service import PlayerSyncService
from metarr_desktop.services.provider_cache import ProviderCacheManager
from metarr_desktop.services.publish import PublishService
from metarr_desktop.services.publish import create_publish_service
from metarr_desktop.services.rate_state import RateLimitStateService
from metarr_desktop.services.settings import SettingsService
from metarr_desktop.services.settings import language_policy
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import ProviderCacheRepository
from metarr_desktop.store.config import FieldAuthorityRepository
from metarr_desktop.store.config import ProviderConfigRepository
from metarr_desktop.store.config import RateLimitStateRepository
from metarr_desktop.store.config import SettingsRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.database import store_errors
from metarr_desktop.store.library import EnrichmentLogRepository
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.players import PlayerRepository
from metarr_desktop.store.profile import Profile
from metarr_desktop.store.publish import PublishLedger
from metarr_desktop.store.secrets import SecretStore

log = logging.getLogger(__name__)


@dataclass
class AppServices:
    """The open application.

    Attributes:
        warnings: messages for the user from opening (a damaged database moved aside on request, a
            provider that could not be started); the CLI prints them, the window shows them. Whether
            keys are stored unencrypted is `secrets.warning` (shown where keys are edited and listed).
        movies, enrichment_log, settings: repositories for the enrichment and identification work.
        user_settings: the typed user settings (`core.settings`), validated on every change.
        cache: the provider cache manager (the one way to provider data).
        providers, authority: the configuration services.
        rate_state: keeps providers' rate-limit and health state across restarts.
        players: the media players and the queue of syncs owed to them (`services.players`).
        player_state: keeps the players' health and circuit state across restarts.
        image_pool: the image hosts (artwork downloads), paced and health-tracked like providers;
            their health is listed with the providers' (`ProviderConfigService.extra_pools`).
        publish: writes NFO and artwork files next to the movies (`services.publish`).
    """

    profile: Profile
    clock: Clock
    database: Database
    secrets: SecretStore
    registry: ProviderRegistry
    pool: ProviderPool
    orchestrator: FetchOrchestrator
    movies: MovieRepository
    enrichment_log: EnrichmentLogRepository
    settings: SettingsRepository
    user_settings: SettingsService
    cache: ProviderCacheManager
    providers: ProviderConfigService
    authority: FieldAuthorityService
    rate_state: RateLimitStateService
    players: PlayerSyncService
    player_state: RateLimitStateService
    image_pool: ProviderPool
    publish: PublishService
    warnings: list[str] = field(default_factory=list)
    _closed: bool = False

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        registry: ProviderRegistry | None = None,
        keyring_backend: object | None = None,
        image_transport: httpx.AsyncBaseTransport | None = None,
        set_aside_damaged: bool = False,
    ) -> AppServices:
        """Open the profile at `data_dir` (default: the platform's user data folder).

        Args:
            clock: the time source (tests and simulations pass a `VirtualClock`).
            transport: an httpx transport for every provider client (tests, the sandbox).
            registry: the providers (default: the built-ins and installed plug-ins).
            keyring_backend: a keyring backend to use instead of the system's (tests).
            image_transport: the transport of artwork downloads (default: `transport`; the sandbox
                passes one that draws the artwork).
            set_aside_damaged: the user chose to start over: a database file that cannot be used
                is moved aside and a new, empty library created (`warnings` says where it went).

        Raises `StoreError` / `ProfileError` (environment errors) when the profile or the database
        cannot be opened or written; `DamagedDatabaseError` (the file left as it was) when the
        database cannot be used and `set_aside_damaged` is not set.
        """
        clock = clock or SystemClock()
        profile = Profile.open(data_dir)
        database = Database.open(profile.database_path, now=clock.now(), set_aside_damaged=set_aside_damaged)
        try:
            services = cls._build(profile, database, clock, transport, registry, keyring_backend)
            services._start_image_hosts(image_transport or transport)
        except BaseException:
            database.close()
            raise
        return services

    @classmethod
    def _build(
        cls,
        profile: Profile,
        database: Database,
        clock: Clock,
        transport: httpx.AsyncBaseTransport | None,
        registry: ProviderRegistry | None,
        keyring_backend: object | None,
    ) -> AppServices:
        registry = registry or ProviderRegistry.default()
        secrets = SecretStore(profile.secrets_path, keyring_backend)
        settings = SettingsRepository(clock)
        user_settings = SettingsService(settings, database.path)
        configs = ProviderConfigRepository(database, clock)
        pool = ProviderPool(clock)
        orchestrator = FetchOrchestrator(pool, clock=clock)
        providers = ProviderConfigService(
            database=database,
            registry=registry,
            configs=configs,
            secrets=secrets,
            orchestrator=orchestrator,
            transport=transport,
        )
        authority = FieldAuthorityService(FieldAuthorityRepository(database, settings, clock), configs)
        with store_errors("set up", database.path):
            added = providers.ensure_defaults()
            authority.ensure_defaults(added)
        ttl_days = user_settings.get("cache.ttl_days")
        providers.start_providers()
        # One provider order: reordering the providers reorders the field-authority priority too.
        providers.subscribe(lambda _changed: authority.follow_order([v.id for v in providers.all()]))
        rate_state = RateLimitStateService(pool, RateLimitStateRepository())
        with store_errors("read", database.path):
            rate_state.restore_all()
        rate_state.attach()
        players = PlayerSyncService(
            repository=PlayerRepository(database, clock),
            movies=MovieRepository(database, clock),
            secrets=secrets,
            clock=clock,
            transport=transport,
        )
        players.start()
        # The players' health and circuit state are kept across restarts the same way.
        player_state = RateLimitStateService(players.pool, RateLimitStateRepository())
        with store_errors("read", database.path):
            player_state.restore_all()
        player_state.attach()
        assets = AssetRepository(database, clock)
        #: The language settings as the cached fetch keys the cache, read once per change (reading
        #: them costs a few database reads, and every cached fetch needs them).
        policy: list[LanguagePolicy] = []

        def current_policy() -> LanguagePolicy:
            if not policy:
                policy.append(language_policy(user_settings))
            return policy[0]

        cache = ProviderCacheManager(
            orchestrator,
            ProviderCacheRepository(database, assets),
            assets,
            ttl=timedelta(days=ttl_days),
            after_fetch=rate_state.flush,
            language_policy=current_policy,
        )

        def follow_settings(key: str, value: object) -> None:
            if key == "cache.ttl_days" and isinstance(value, float):
                cache.ttl = timedelta(days=value)
            policy.clear()  # read again at the next fetch

        user_settings.subscribe(follow_settings)
        image_pool = ProviderPool(clock)
        providers.extra_pools.append(image_pool)
        image_pool.subscribe(pool.relay)  # the Health page hears the image hosts too
        publish = create_publish_service(
            movies=MovieRepository(database, clock),
            assets=assets,
            ledger=PublishLedger(database, clock),
            orchestrator=FetchOrchestrator(image_pool, clock=clock),
            cache_dir=profile.image_cache_dir,
            settings=user_settings,
        )
        warnings = list(database.warnings)
        for provider_id, error in providers.start_errors.items():
            warnings.append(f"provider {provider_id} could not be started: {error}")
        return cls(
            profile=profile,
            clock=clock,
            database=database,
            secrets=secrets,
            registry=registry,
            pool=pool,
            orchestrator=orchestrator,
            movies=MovieRepository(database, clock),
            enrichment_log=EnrichmentLogRepository(),
            settings=settings,
            user_settings=user_settings,
            cache=cache,
            providers=providers,
            authority=authority,
            rate_state=rate_state,
            players=players,
            player_state=player_state,
            image_pool=image_pool,
            publish=publish,
            warnings=warnings,
        )

    @property
    def library_store(self) -> LibraryStore:
        """The database, the library's repositories and the clock, as the library's services take
        them (`LibrarySuite`)."""
        return LibraryStore(self.database, self.movies, self.enrichment_log, self.clock)

    def _start_image_hosts(self, transport: httpx.AsyncBaseTransport | None) -> None:
        host = ImageHostProvider(transport=transport)
        settings = ProviderSettings(priority=len(self.pool.all()) + 1, rate_limit=host.default_rate_limit)
        # The built-ins meet `MetadataProvider` through class attributes, which mypy's protocol
        # check wants as instance variables; the registry's providers pass as Any the same way.
        provider: MetadataProvider = cast(Any, host)
        self.image_pool.add(provider, settings)

    def set_cache_ttl(self, days: float) -> None:
        """Change how long cached answers stay fresh (stored; applies at once).

        Raises `SettingValueError` (a `ValueError`) for a lifetime that is not a positive number.
        """
        self.user_settings.set("cache.ttl_days", days)

    async def aclose(self) -> None:
        """Save the providers' state, close the HTTP clients and the database (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self.rate_state.detach()
        self.player_state.detach()
        try:
            self.rate_state.flush()
            self.player_state.flush()
            await self.pool.aclose()
            await self.players.aclose()
            await self.image_pool.aclose()
        finally:
            self.database.close()


__all__ = ["AppServices", "StoreError"]
