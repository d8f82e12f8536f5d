"""`ProviderCacheManager`: the single interface to provider data (document 3).

- `fetch_assets` answers from the cache while each provider's answer is fresh (younger than the TTL,
  7 days by default) and fetches only the providers without a fresh answer through the engine
  (`FetchOrchestrator.fetch_all`), then stores what they answered. `force` ignores the cache.
- `search` always asks the providers (identification); nothing is cached.
- `get_cached_assets` only reads the stored candidates: never a network call, [] when there are none.

A cache row that cannot be read counts as a miss; a failed write is logged and the fetched data is
still returned. Concurrent `fetch_assets` calls for the same entity share one network fetch: the
later callers wait for the first, then take the providers it answered from the cache and the outcome
of those it could not answer (failed, timed out, rate limited) from that same fetch.

Memory-first identification (document 2): answers fetched before an identity is confirmed stay in
memory; once confirmed, `save` stores them without asking again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import timedelta
from typing import Any

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.core.providers import metadata_request
from metarr_desktop.core.records import CachedAsset
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.core.results import ProviderResults
from metarr_desktop.core.settings import SETTINGS
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.base import answer_key
from metarr_desktop.providers.base import describe_error
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ProviderTimeoutError
from metarr_desktop.providers.errors import ProviderUnavailableError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.store.cache import AnswerToStore
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import CachedAnswer
from metarr_desktop.store.cache import ProviderCacheRepository

log = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(days=SETTINGS["cache.ttl_days"].default)

_EntityKey = tuple[str, int]


@dataclass(slots=True)
class CacheStats:
    """Counts since start (document 3, "Performance Monitoring").

    Attributes:
        hits: provider answers served from the cache.
        misses: provider answers that had to be fetched.
        network_fetches: network fetches made (a `fetch_assets` or an enrichment that asked).
        shared: provider outcomes taken from a concurrent caller's fetch.
        write_failures: fetched answers that could not be stored.
        fetch_time_s: time the network fetches took, together.

    Both ways to provider answers count here, through `record` only: `fetch_assets` and the
    enrichment, whose answers asked for include those its identification's lookup fetched (one
    network fetch per movie, however many requests it took).
    """

    hits: int = 0
    misses: int = 0
    network_fetches: int = 0
    shared: int = 0
    write_failures: int = 0
    fetch_time_s: float = 0.0

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    @property
    def average_fetch_s(self) -> float:
        """Average duration of one network fetch (every provider asked at once)."""
        return self.fetch_time_s / self.network_fetches if self.network_fetches else 0.0

    def record(self, *, hits: int, misses: int, fetch_s: float | None = None, shared: int = 0) -> None:
        """Provider answers served from the cache (`hits`) and asked for (`misses`, `shared` of them
        taken from a concurrent caller's fetch); `fetch_s` when a network fetch was made."""
        self.hits += hits
        self.misses += misses
        self.shared += shared
        if fetch_s is not None:
            self.network_fetches += 1
            self.fetch_time_s += fetch_s

    def to_json(self) -> dict[str, Any]:
        return {
            "hits": self.hits,
            "misses": self.misses,
            "hit_rate": round(self.hit_rate, 4),
            "network_fetches": self.network_fetches,
            "average_fetch_s": round(self.average_fetch_s, 3),
            "shared": self.shared,
            "write_failures": self.write_failures,
        }


@dataclass(slots=True)
class AssetFetchResult:
    """What `fetch_assets` returns.

    Attributes:
        cached: True when every answer came from the cache (no network fetch at all).
        cache_age: age of the oldest cached answer used (None when none was).
        providers: provider id -> its data (cache or network), assets limited to the asked types.
        cached_providers: providers answered from the cache (found or "not found").
        fetched_providers: providers answered by a network fetch during this call.
        results: how every provider's part ended; cached answers count as completed / not_found.
        unreadable: providers whose cache row could not be read (treated as misses).
        saved: False when fetched answers could not be written to the cache.
    """

    cached: bool
    cache_age: timedelta | None
    providers: dict[str, ProviderData]
    cached_providers: list[str]
    fetched_providers: list[str]
    results: ProviderResults
    unreadable: list[str] = field(default_factory=list)
    saved: bool = True

    @property
    def cache_age_days(self) -> float | None:
        return None if self.cache_age is None else self.cache_age.total_seconds() / 86400.0

    def to_json(self) -> dict[str, Any]:
        return {
            "cached": self.cached,
            "cache_age_days": None if self.cache_age_days is None else round(self.cache_age_days, 3),
            "providers": {pid: data.to_json() for pid, data in self.providers.items()},
            "cached_providers": list(self.cached_providers),
            "fetched_providers": list(self.fetched_providers),
            "metadata": self.results.to_json(),
            "unreadable": list(self.unreadable),
            "saved": self.saved,
        }


@dataclass(slots=True)
class SearchOutcome:
    """Every provider's search results (never cached) and how each provider's part ended."""

    results: dict[str, list[SearchResult]] = field(default_factory=dict)
    failed: list[FailedProvider] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    rate_limited: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def all(self) -> list[SearchResult]:
        return [result for results in self.results.values() for result in results]


@dataclass(slots=True)
class _Plan:
    cached: dict[str, CachedAnswer]
    missing: list[str]
    unreadable: list[str]


@dataclass(slots=True)
class _Fetch:
    """A finished network fetch, kept while callers for the same entity still wait."""

    seq: int
    results: ProviderResults
    asked: frozenset[str]
    wanted: frozenset[AssetType]


@dataclass(slots=True)
class _Flight:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0
    last: _Fetch | None = None


def _limit_assets(data: ProviderData, wanted: frozenset[AssetType]) -> ProviderData:
    if not wanted:
        return data
    return replace(data, assets=[a for a in data.assets if a.type in wanted])


def _covers(held: frozenset[AssetType], wanted: frozenset[AssetType]) -> bool:
    """Does a fetch made for `held` (empty: every type) answer a request for `wanted`?"""
    return not held or (bool(wanted) and wanted <= held)


def _copy_outcome(
    source: ProviderResults, target: ProviderResults, provider: str, wanted: frozenset[AssetType]
) -> None:
    """Put `provider`'s outcome in `source` into `target`, in the same list."""
    data = source.providers.get(provider)
    target.providers[provider] = _limit_assets(data, wanted) if data is not None else None
    for name in ("completed", "not_found", "timed_out", "rate_limited", "skipped"):
        if provider in getattr(source, name):
            getattr(target, name).append(provider)
            return
    for failure in source.failed:
        if failure.provider == provider:
            target.failed.append(failure)
            return


class ProviderCacheManager:
    """The one way to provider data: cached fetches, uncached searches, read-only asset lookups.

    Attributes:
        ttl: how long an answer stays fresh (7 days by default).
        stats: hit and miss counts since start.
    """

    def __init__(
        self,
        orchestrator: FetchOrchestrator,
        cache: ProviderCacheRepository,
        assets: AssetRepository,
        *,
        ttl: timedelta = DEFAULT_TTL,
        after_fetch: Callable[[], None] | None = None,
        language_policy: Callable[[], LanguagePolicy] = LanguagePolicy,
    ) -> None:
        self._orchestrator = orchestrator
        self._cache = cache
        self._assets = assets
        self.ttl = ttl
        self._after_fetch = after_fetch
        #: The user's language settings, read at each fetch (they key the cache).
        self.language_policy = language_policy
        self._flights: dict[_EntityKey, _Flight] = {}
        self._seq = 0
        self.stats = CacheStats()

    # -- fetch_assets --------------------------------------------------------------------------------

    async def fetch_assets(
        self,
        entity_type: EntityType | str,
        entity_id: int,
        ids: ExternalIds,
        asset_types: Iterable[AssetType | str] = (),
        force: bool = False,
        priority: Priority = Priority.USER,
        providers: Collection[str] | None = None,
        progress: FetchProgress | None = None,
    ) -> AssetFetchResult:
        """Metadata and assets of one entity from every enabled provider, through the cache.

        Args:
            asset_types: the asset types wanted (empty: every type).
            force: ignore cached answers and fetch every provider again.
            priority: `user` or `background` (time budget and retries of the fetch).
            providers: only these providers (still only the enabled ones).
            progress: receives the fetch's per-provider events.
        """
        kind = EntityType(entity_type)
        wanted = frozenset(AssetType(t) for t in asset_types)
        key: _EntityKey = (kind.value, entity_id)
        started_seq = self._seq
        targets, skipped = self._targets(kind, ids, providers)
        request = metadata_request(ids, self.language_policy(), entity_type=kind, asset_types=wanted)
        if not force:
            plan = self._plan(key, request, targets)
            if not plan.missing:
                return self._finish(
                    plan, skipped, wanted, network=None, shared=None, shared_ids=[], saved=True
                )
        flight = self._flights.setdefault(key, _Flight())
        flight.users += 1
        try:
            async with flight.lock:
                plan = self._plan(key, request, targets, force=force)
                shared_ids: list[str] = []
                last = flight.last
                if last is not None and last.seq > started_seq and _covers(last.wanted, wanted):
                    shared_ids = [p for p in plan.missing if p in last.asked]
                to_fetch = [p for p in plan.missing if p not in shared_ids]
                network: ProviderResults | None = None
                saved = True
                if to_fetch:
                    network = await self._orchestrator.fetch_all(
                        request, priority=priority, providers=to_fetch, progress=progress
                    )
                    self._seq += 1
                    flight.last = _Fetch(self._seq, network, frozenset(to_fetch), wanted)
                    saved = self._store(kind, entity_id, ids, network, wanted)
                    if self._after_fetch is not None:
                        self._after_fetch()
                return self._finish(
                    plan,
                    skipped,
                    wanted,
                    network=network,
                    shared=last if shared_ids else None,
                    shared_ids=shared_ids,
                    saved=saved,
                )
        finally:
            flight.users -= 1
            if flight.users == 0:
                del self._flights[key]

    def _targets(
        self, kind: EntityType, ids: ExternalIds, only: Collection[str] | None
    ) -> tuple[list[str], list[str]]:
        """Enabled providers (of `only`) that can serve this request, and those that cannot."""
        pool = self._orchestrator.pool
        capable = [runtime.id for runtime in pool.serving(kind, ids, only)]
        skipped = [runtime.id for runtime in pool.enabled(only) if runtime.id not in capable]
        return capable, skipped

    def is_fresh(
        self,
        answer: CachedAnswer,
        ids: ExternalIds,
        wanted: frozenset[AssetType] = frozenset(),
        *,
        request_key: str | None = None,
    ) -> bool:
        """The one freshness test: younger than the TTL, for these ids, holding the wanted assets,
        and (given the request's key, `providers.base.answer_key`) asked in the same languages: an
        answer in English is not fresh for a German request. "Not found" holds in every language."""
        return (
            self._orchestrator.clock.now() - answer.fetched_at < self.ttl
            and answer.matches(ids)
            and answer.covers(wanted)
            and (request_key is None or answer.data is None or answer.data.request_key == request_key)
        )

    def cached_fields(self, kind: EntityType, entity_id: int) -> dict[str, CachedAnswer]:
        """Every provider's last answer for this entity, fresh or not, fields only (the asset
        candidates stay in the cache, undecoded): fresh ones answer a fetch, older ones stand in
        for a provider that cannot answer now. A cache that cannot be read is empty (logged)."""
        try:
            answers, _unreadable = self._cache.answers(kind.value, entity_id, assets=False)
        except StoreError as exc:
            exc.log(log, "the cache of %s %s could not be read (%s); fetching", kind.value, entity_id, exc)
            return {}
        return answers

    def _request_key(self, provider_id: str, request: MetadataRequest) -> str:
        """The key `provider_id`'s answer to `request` carries (`providers.base.answer_key`)."""
        pool = self._orchestrator.pool
        provider = pool.get(provider_id).provider if provider_id in pool else None
        return answer_key(provider, request)

    def _plan(
        self,
        key: _EntityKey,
        request: MetadataRequest,
        targets: list[str],
        *,
        force: bool = False,
    ) -> _Plan:
        """Which targets the cache answers now (fresh, and in the request's languages), and which
        must be fetched."""
        ids, wanted = request.ids, request.asset_types
        if force:
            return _Plan({}, list(targets), [])
        try:
            answers, unreadable = self._cache.answers(key[0], key[1])
        except StoreError as exc:
            exc.log(log, "the cache of %s %s could not be read (%s); fetching", key[0], key[1], exc)
            return _Plan({}, list(targets), list(targets))
        cached: dict[str, CachedAnswer] = {}
        missing: list[str] = []
        for provider in targets:
            answer = answers.get(provider)
            request_key = self._request_key(provider, request)
            if answer is not None and self.is_fresh(answer, ids, wanted, request_key=request_key):
                cached[provider] = answer
            else:
                missing.append(provider)
        return _Plan(cached, missing, [p for p in unreadable if p in targets])

    def _finish(
        self,
        plan: _Plan,
        skipped: list[str],
        wanted: frozenset[AssetType],
        *,
        network: ProviderResults | None,
        shared: _Fetch | None,
        shared_ids: list[str],
        saved: bool,
    ) -> AssetFetchResult:
        now = self._orchestrator.clock.now()
        results = ProviderResults(fetched_at=network.fetched_at if network else now)
        for provider in skipped:
            results.skipped.append(provider)
            results.providers[provider] = None
        for provider, answer in plan.cached.items():
            if answer.data is None:
                results.not_found.append(provider)
                results.providers[provider] = None
            else:
                results.completed.append(provider)
                results.providers[provider] = _limit_assets(answer.data, wanted)
        if shared is not None:
            for provider in shared_ids:
                _copy_outcome(shared.results, results, provider, wanted)
        fetched = list(shared_ids)
        if network is not None:
            for provider in network.providers:
                _copy_outcome(network, results, provider, wanted)
                fetched.append(provider)
            results.duration_s = network.duration_s
        self.stats.record(
            hits=len(plan.cached),
            misses=len(fetched),
            fetch_s=None if network is None else network.duration_s,
            shared=len(shared_ids),
        )
        oldest = min((a.fetched_at for a in plan.cached.values()), default=None)
        return AssetFetchResult(
            cached=not fetched and bool(plan.cached),
            cache_age=None if oldest is None else max(timedelta(0), now - oldest),
            providers={pid: data for pid, data in results.providers.items() if data is not None},
            cached_providers=list(plan.cached),
            fetched_providers=fetched,
            results=results,
            unreadable=plan.unreadable,
            saved=saved,
        )

    # -- storing -------------------------------------------------------------------------------------

    def _store(
        self,
        kind: EntityType,
        entity_id: int,
        ids: ExternalIds,
        results: ProviderResults,
        wanted: frozenset[AssetType],
    ) -> bool:
        """Store the answers of providers that completed or said "not found"; False when the write failed."""
        fallback = results.fetched_at or self._orchestrator.clock.now()
        answers: list[AnswerToStore] = []
        for provider in results.completed:
            data = results.providers.get(provider)
            if data is not None:
                answers.append(AnswerToStore(provider, data, data.fetched_at or fallback, wanted or None))
        for provider in results.not_found:
            answers.append(AnswerToStore(provider, None, fallback, None))
        if not answers:
            return True
        try:
            self._cache.store(kind.value, entity_id, ids, answers)
        except OSError as exc:  # a `StoreError` among them
            self.stats.write_failures += 1
            message = "could not write the cache of %s %s: %s"
            if isinstance(exc, StoreError):
                exc.log(log, message, kind.value, entity_id, exc)
            else:
                log.warning(message, kind.value, entity_id, exc)
            return False
        return True

    def save(
        self,
        entity_type: EntityType | str,
        entity_id: int,
        ids: ExternalIds,
        answers: ProviderResults | Mapping[str, ProviderData | None],
        asset_types: Iterable[AssetType | str] = (),
    ) -> bool:
        """Store answers fetched earlier (identification commits them once the identity is confirmed).

        `answers` is a fetch's results (completed and "not found" providers are stored) or a mapping
        of provider id -> data (None: "not found"). Returns False when the write failed (logged).
        """
        kind = EntityType(entity_type)
        wanted = frozenset(AssetType(t) for t in asset_types)
        if isinstance(answers, ProviderResults):
            results = answers
        else:
            results = ProviderResults(fetched_at=self._orchestrator.clock.now())
            request = metadata_request(ids, self.language_policy(), entity_type=kind, asset_types=wanted)
            for provider, data in answers.items():
                if data is not None and not data.request_key:
                    # An answer that does not say what it was asked with was asked now.
                    data = replace(data, request_key=self._request_key(provider, request))
                results.providers[provider] = data
                (results.completed if data is not None else results.not_found).append(provider)
        self._seq += 1
        return self._store(kind, entity_id, ids, results, wanted)

    def invalidate(
        self,
        entity_type: EntityType | str,
        entity_id: int,
        *,
        asset_type: AssetType | str | None = None,
        provider: str | None = None,
    ) -> None:
        """Make the next `fetch_assets` of this entity fetch again: every answer, one provider's,
        or (with `asset_type`) only what concerns that asset type."""
        kind = EntityType(entity_type).value
        if asset_type is not None:
            self._cache.invalidate_asset_type(kind, entity_id, AssetType(asset_type))
        else:
            self._cache.invalidate(kind, entity_id, provider)

    # -- read-only -----------------------------------------------------------------------------------

    @property
    def assets(self) -> AssetRepository:
        """The stored candidates, for the user's choices (select, reject, unreject) in the asset
        browser: reading and choosing never asks a provider."""
        return self._assets

    def get_cached_assets(
        self, entity_type: EntityType | str, entity_id: int, asset_type: AssetType | str | None = None
    ) -> list[CachedAsset]:
        """The stored candidates of the entity (of one type); [] when there are none or the cache
        cannot be read. Never a network call."""
        kind = EntityType(entity_type).value
        wanted = None if asset_type is None else AssetType(asset_type)
        try:
            return self._assets.for_entity(kind, entity_id, wanted)
        except StoreError as exc:
            exc.log(log, "the assets of %s %s could not be read: %s", kind, entity_id, exc)
            return []

    # -- search --------------------------------------------------------------------------------------

    async def search(
        self,
        request: SearchRequest,
        *,
        priority: Priority = Priority.USER,
        providers: Collection[str] | None = None,
    ) -> SearchOutcome:
        """Ask every enabled provider that can search, in parallel; never cached."""
        outcome = SearchOutcome()
        runnable: list[str] = []
        for runtime in self._orchestrator.pool.enabled(providers):
            capabilities = runtime.provider.capabilities
            if capabilities.can_search and request.entity_type in capabilities.entity_types:
                runnable.append(runtime.id)
            else:
                outcome.skipped.append(runtime.id)

        async def operation(provider: MetadataProvider) -> list[SearchResult]:
            return await provider.search(request)

        async def run_one(provider_id: str) -> None:
            try:
                outcome.results[provider_id] = await self._orchestrator.call(
                    provider_id, operation, priority=priority
                )
            except ProviderTimeoutError:
                outcome.timed_out.append(provider_id)
            except (RateLimitedError, ProviderUnavailableError):
                outcome.rate_limited.append(provider_id)
            except ProviderError as exc:
                outcome.failed.append(FailedProvider(provider_id, describe_error(exc), exc.retryable))

        async with asyncio.TaskGroup() as group:
            for provider_id in runnable:
                group.create_task(run_one(provider_id))
        if self._after_fetch is not None:
            self._after_fetch()
        return outcome
