"""Enrichment (document 5): one movie, or the whole library, brought up to date from every provider.

One enrichment, in order (ARCHITECTURE.md, "One enrichment, end to end"):

1. Auto mode skips unmonitored movies (status "skipped"); manual mode never does.
2. A movie that is not identified yet is identified first (automated, memory-first): when that does
   not confirm an identity, the status "needs_identification" is stored and nothing else is written.
   In auto mode a movie already waiting for the user's choice is not searched again.
   The answers the lookup fetched are reused below, never requested again.
3. Each capable provider is answered from the cache while its answer is fresh (the cache manager's
   TTL, 7 days by default; `force` ignores the cache), otherwise fetched in parallel through the
   engine at the given priority. A provider that is rate limited, out of quota or whose circuit is
   open is skipped for this movie without a request; the movie is enriched from the others and
   marked incomplete for that provider until its reset time (`MovieRepository.set_incomplete`).
   Where a provider could not answer now (or was left out with `providers`), its last cached answer,
   however old, stands in for it in the merge, so that a passing rate limit never flips a field to a
   lower-priority provider's value and back.
4. The answers are merged under the field-authority rules (`core.merge`) and compared with the stored
   values (`core.changes`: locked fields never change, values are never erased).
5. ONE transaction writes the changed, unlocked fields, their sources, the identification (ids and
   status), the incomplete markers, the enrichment log entry and the fetched answers into the cache.
   It is synchronous and runs on the loop without awaiting, so concurrent enrichments never interleave
   inside it and an interruption can never leave half of it written.

If no provider gave a usable answer now (every one failed, timed out, was rate limited or had
nothing), the status is "failed" and the movie is left exactly as it was.

`enrich_many` / `enrich_all` run many movies at once (bounded concurrency), keep going past failures,
report progress through a callback and can be cancelled: every movie finished before that is kept.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.changes import ChangeSet, detect_changes
from metarr_desktop.core.clock import Clock
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.languages import LanguagePolicy, country_rank, format_certification
from metarr_desktop.core.merge import MergeResult, aggregate
from metarr_desktop.core.preview import restrict_merge
from metarr_desktop.core.providers import Priority, ProviderData, metadata_request
from metarr_desktop.core.records import (
    EnrichmentLogRecord,
    FieldSourceRecord,
    IdentificationStatus,
    MovieRecord,
    UnknownEntityError,
)
from metarr_desktop.core.results import FailedProvider, ProviderResults, SkippedProvider
from metarr_desktop.engine.budget import ActionBudget
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.fetch import FetchOrchestrator, unavailability_of
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.logsetup import redact
from metarr_desktop.providers.base import answer_key, describe_error
from metarr_desktop.providers.errors import ProviderTimeoutError
from metarr_desktop.services.identification import IdentificationService, IdentifyResult
from metarr_desktop.services.provider_cache import ProviderCacheManager
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import EnrichmentLogRepository, MovieRepository

log = logging.getLogger(__name__)

MOVIE = EntityType.MOVIE

#: When a provider failed in a way a retry may fix (not a rate limit, which has its own reset time),
#: the movie is marked incomplete for it and retried after this long.
RETRY_AFTER_FAILURE = timedelta(hours=1)

#: Movies enriched at once by `enrich_many` (each asks all providers in parallel; the providers'
#: pacers keep the total within their rates).
DEFAULT_CONCURRENCY = 12


def _provider(source: FieldSourceRecord | None) -> str | None:
    return source.provider if source is not None else None


class Mode(StrEnum):
    """`auto` (the schedule: unmonitored movies are skipped) or `manual` (a person asked)."""

    AUTO = "auto"
    MANUAL = "manual"


class Status(StrEnum):
    ENRICHED = "enriched"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    NEEDS_IDENTIFICATION = "needs_identification"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class EnrichOptions:
    """How to enrich.

    Attributes:
        mode: auto skips unmonitored movies.
        priority: user (10 s, 2 retries per provider) or background (60 s, 5 retries).
        force: ignore cached answers and ask every provider again.
        providers: ask only these providers (the others' cached answers still count in the merge).
        preview: compute the change set and write no field of the movie (answers fetched on the way
            are cached, and a movie identified on the way keeps its identity, so that accepting the
            preview needs no request: `services.preview`).
        cache_only: answer every provider from its cached answer, however old, and never send a
            request (accepting a preview).
        fields: write only these fields (None: every field).
    """

    mode: Mode = Mode.MANUAL
    priority: Priority = Priority.USER
    force: bool = False
    providers: tuple[str, ...] | None = None
    preview: bool = False
    cache_only: bool = False
    fields: frozenset[str] | None = None


@dataclass(slots=True)
class EnrichResult:
    """The outcome of enriching one movie (one entry of `metarr enrich`'s ``results``).

    Attributes:
        providers: providers that answered over the network during this enrichment (identification
            lookups included).
        cached: providers whose cached answer was used (fresh, or standing in for one that could not
            answer now).
        cache_hits: fresh cached answers used (found or "not found").
        skipped: every provider that could not be asked (or was stopped before its request left),
            with the reason (open circuit, rate limit, quota, switched off) and when it may be asked
            again; the circuit-open, rate-limited and out-of-quota ones are also in `rate_limited`.
        error: why the movie failed, in one line (None otherwise).
    """

    movie_id: int
    status: Status
    changes: ChangeSet = field(default_factory=ChangeSet)
    providers: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    rate_limited: list[str] = field(default_factory=list)
    failed: list[FailedProvider] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    skipped: list[SkippedProvider] = field(default_factory=list)
    cache_hits: int = 0
    error: str | None = None
    identification: IdentifyResult | None = None
    preview: bool = False

    @property
    def problems(self) -> list[str]:
        """Providers that could not answer this time (failed, timed out, rate limited, not asked)."""
        return [*self.rate_limited, *self.timed_out, *(f.provider for f in self.failed)]

    @property
    def shortfall(self) -> str | None:
        """What a finished job must say besides "done" ("fanart failed, tvdb timed out"), if anything."""
        reasons = {s.provider: s.reason.value.replace("_", " ") for s in self.skipped}
        parts = [f"{f.provider} failed" for f in self.failed]
        parts += [f"{p} timed out" for p in self.timed_out]
        parts += [f"{p} skipped ({reasons.get(p, 'rate limited')})" for p in self.rate_limited]
        return ", ".join(parts) or None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"movie_id": self.movie_id, "status": self.status.value}
        if self.preview:
            document["preview"] = True
        document.update(self.changes.to_json())
        document.update(
            {
                "providers": list(self.providers),
                "cached": list(self.cached),
                "rate_limited": list(self.rate_limited),
                "failed": [f.to_json() for f in self.failed],
                "timed_out": list(self.timed_out),
                "not_found": list(self.not_found),
                "skipped": [s.to_json() for s in self.skipped],
                "error": self.error,
            }
        )
        if self.identification is not None:
            document["identification"] = {
                "status": self.identification.status,
                "reason": self.identification.reason,
                "ids": self.identification.ids.to_json(),
                "candidates": [c.to_json() for c in self.identification.candidates],
            }
        return document


@dataclass(slots=True)
class EnrichReport:
    """Every result of a run and its summary; filled in as movies finish (so an interrupted run
    still holds what was done).

    Attributes:
        total: movies the run was asked to enrich.
        network_requests: HTTP requests sent to providers during the run.
        interrupted: the run was cancelled before every movie was done.
        streamed: per-status counts and cache hits of results handed to an `on_result` callback
            of `enrich_many` instead of being kept in `results` (a large run's memory stays flat).
    """

    results: list[EnrichResult] = field(default_factory=list)
    total: int = 0
    network_requests: int = 0
    duration_s: float = 0.0
    interrupted: bool = False
    streamed: Counter[str] = field(default_factory=Counter)

    def count_streamed(self, result: EnrichResult) -> None:
        """Count a result that is passed on rather than kept."""
        self.streamed[result.status.value] += 1
        self.streamed["cache_hits"] += result.cache_hits

    def count(self, status: Status) -> int:
        return self.streamed[status.value] + sum(1 for r in self.results if r.status is status)

    @property
    def finished(self) -> int:
        """Movies done so far (kept or streamed)."""
        return len(self.results) + sum(self.streamed[s.value] for s in Status)

    @property
    def cache_hits(self) -> int:
        return self.streamed["cache_hits"] + sum(r.cache_hits for r in self.results)

    @property
    def shortfall(self) -> str | None:
        """What a finished job must say besides "done" ("3 movies failed"), if anything."""
        failed = self.count(Status.FAILED)
        return f"{failed} movie{'s' if failed != 1 else ''} failed" if failed else None

    @property
    def all_failed(self) -> bool:
        """Every movie of a non-empty run failed (the CLI's exit code 1)."""
        return self.finished > 0 and self.count(Status.FAILED) == self.finished

    def summary(self) -> dict[str, Any]:
        return {
            "enriched": self.count(Status.ENRICHED),
            "unchanged": self.count(Status.UNCHANGED),
            "skipped": self.count(Status.SKIPPED),
            "needs_identification": self.count(Status.NEEDS_IDENTIFICATION),
            "failed": self.count(Status.FAILED),
            "network_requests": self.network_requests,
            "cache_hits": self.cache_hits,
            "duration_s": round(self.duration_s, 3),
            "total": self.total,
            "interrupted": self.interrupted,
        }

    def to_json(self) -> dict[str, Any]:
        return {"results": [r.to_json() for r in self.results], "summary": self.summary()}


class RequestMeter:
    """Counts the HTTP requests providers sent since it was made, from each provider's request
    counter (every request passes its gate, which counts it for the daily quota)."""

    def __init__(self, pool: ProviderPool) -> None:
        self._pool = pool
        self._start = self._snapshot()

    def _snapshot(self) -> dict[str, tuple[datetime, int]]:
        snapshot = {}
        for runtime in self._pool.all():
            used = runtime.gate.quota.requests_today  # rolls the day over first
            snapshot[runtime.id] = (runtime.gate.quota.reset_at, used)
        return snapshot

    def count(self) -> int:
        total = 0
        for provider, (reset_at, used) in self._snapshot().items():
            start = self._start.get(provider)
            if start is not None and start[0] == reset_at:
                total += max(0, used - start[1])
            else:  # a new day began meanwhile (or a new provider): its counter started from zero
                total += used
        return total


class _OwnerCancelled(Exception):
    """The enrichment a caller joined was cancelled by its owner: the caller runs its own."""


@dataclass(slots=True)
class _Flight:
    """An enrichment of one movie in progress, which a concurrent caller with compatible options
    joins instead of asking the providers again (single-flight)."""

    options: EnrichOptions
    outcome: asyncio.Future[EnrichResult]

    def serves(self, options: EnrichOptions) -> bool:
        """Would this enrichment's outcome answer a call with `options`? (Any priority: a caller
        that joins waits no longer than it would behind the movie's lock.)"""
        return (
            options.providers == self.options.providers
            and (self.options.mode is Mode.MANUAL or options.mode is Mode.AUTO)
            and (self.options.force or not options.force)
        )


ProgressCallback = Callable[[EnrichReport, EnrichResult], None]
#: The provider-progress listener of one movie of a bulk run, by movie id (None: no listener).
ProgressOf = Callable[[int], FetchProgress | None]


class EnrichmentService:
    """Enriches movies; the window's "Refresh metadata", `metarr enrich` and the schedule call it."""

    def __init__(
        self,
        *,
        database: Database,
        movies: MovieRepository,
        enrichment_log: EnrichmentLogRepository,
        cache: ProviderCacheManager,
        orchestrator: FetchOrchestrator,
        identification: IdentificationService,
        authority: Callable[[], FieldAuthorityConfig],
        clock: Clock,
        language_policy: Callable[[], LanguagePolicy] = LanguagePolicy,
    ) -> None:
        self._database = database
        self._movies = movies
        self._log = enrichment_log
        self._cache = cache
        self._orchestrator = orchestrator
        self._identification = identification
        self._authority = authority
        self._clock = clock
        self._language_policy = language_policy
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._flights: dict[int, _Flight] = {}
        #: Awaited after each movie's enrichment with its result (`LibrarySuite` adds the
        #: library-files publisher: it publishes when the change set requires a player sync).
        self.after_enrich: list[Callable[[EnrichResult], Awaitable[object]]] = []

    @property
    def pool(self) -> ProviderPool:
        return self._orchestrator.pool

    # -- one movie -----------------------------------------------------------------------------------

    async def enrich(
        self,
        movie_id: int,
        options: EnrichOptions | None = None,
        *,
        authority: FieldAuthorityConfig | None = None,
        progress: FetchProgress | None = None,
    ) -> EnrichResult:
        """Enrich one movie (see the module docstring). Raises `UnknownEntityError` for an unknown id.

        `progress` receives each provider's start, retries, timeout and completion while the providers
        are fetched (providers answered from the cache send no event); a movie that is identified
        first also sends the identification's events (`IdentificationService.identify`) before them.
        """
        options = options or EnrichOptions()
        movie = self._movies.require(movie_id)
        if options.mode is Mode.AUTO and not movie.monitored:
            return EnrichResult(movie_id, Status.SKIPPED)
        rules = authority or self._authority()
        while (flight := self._flights.get(movie_id)) is not None and flight.serves(options):
            # The window and the schedule asked for the same movie at once: one set of requests,
            # and this caller gets its outcome (failures included). Its own progress sees nothing.
            try:
                return copy.copy(await asyncio.shield(flight.outcome))
            except _OwnerCancelled:
                continue
        entry = self._locks.get(movie_id)
        contended = entry is not None
        async with self._movie_lock(movie_id):
            if contended:  # another enrichment of this movie ran meanwhile: read what it wrote
                movie = self._movies.require(movie_id)
            outcome: asyncio.Future[EnrichResult] = asyncio.get_running_loop().create_future()
            outcome.add_done_callback(lambda f: f.exception())  # joiners are optional
            self._flights[movie_id] = _Flight(options, outcome)
            try:
                result = await self._enrich(movie, options, rules, progress)
            except asyncio.CancelledError:
                outcome.set_exception(_OwnerCancelled())
                raise
            except BaseException as exc:
                outcome.set_exception(exc)
                raise
            else:
                outcome.set_result(result)
            finally:
                del self._flights[movie_id]
        await self._after_enrich(result)
        return result

    async def _after_enrich(self, result: EnrichResult) -> None:
        """Tell each `after_enrich` listener (e.g. the library-files publisher); a listener that
        fails is logged and never fails the enrichment."""
        for listener in list(self.after_enrich):
            try:
                await listener(result)
            except Exception:
                log.exception("a listener after enriching movie %s failed", result.movie_id)

    @asynccontextmanager
    async def _movie_lock(self, movie_id: int) -> AsyncIterator[None]:
        """One enrichment of a movie at a time (the window and the schedule may overlap)."""
        lock, users = self._locks.get(movie_id, (asyncio.Lock(), 0))
        self._locks[movie_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[movie_id]
            if users <= 1:
                del self._locks[movie_id]
            else:
                self._locks[movie_id] = (lock, users - 1)

    def _targets(self, ids: ExternalIds, only: Collection[str] | None) -> list[str]:
        return [r.id for r in self.pool.serving(MOVIE, ids, only)]

    async def _enrich(
        self,
        movie: MovieRecord,
        options: EnrichOptions,
        authority: FieldAuthorityConfig,
        progress: FetchProgress | None = None,
    ) -> EnrichResult:
        movie_id = movie.id
        result = EnrichResult(movie_id, Status.FAILED, preview=options.preview)
        identification: IdentifyResult | None = None
        ids = movie.ids
        if options.cache_only and (movie.status is not IdentificationStatus.IDENTIFIED or ids.is_empty()):
            # Identifying asks the providers: a movie applied from the cache must be identified.
            result.status = Status.NEEDS_IDENTIFICATION
            result.error = "not identified yet: identify it (or preview its refresh) first"
            return result
        if options.mode is Mode.AUTO and movie.status is IdentificationStatus.NEEDS_IDENTIFICATION:
            # Waiting for the user's choice: the schedule does not search again every day.
            result.status = Status.NEEDS_IDENTIFICATION
            return result
        # One budget per provider for this whole action: identification and fetch together.
        budget = ActionBudget(self._clock)
        if movie.status is not IdentificationStatus.IDENTIFIED or ids.is_empty():
            try:
                identification = await self._identification.identify(
                    movie_id,
                    priority=options.priority,
                    providers=options.providers,
                    commit=False,
                    progress=progress,
                    budget=budget,
                )
            except IdentificationError as exc:
                # Nobody could say which film it is (or a provider that might know could not
                # answer now): the movie stays unidentified and is tried again on the next run,
                # or after the reset of the providers that could not answer.
                self._settle(result, budget, ids, options)
                result.error = f"identification failed: {exc.message}"
                self._mark_for_retry(movie, result)
                return result
            result.identification = identification
            if not identification.identified:
                with self._database.atomic():
                    self._identification.commit(identification)
                result.status = Status.NEEDS_IDENTIFICATION
                self._settle(result, budget, ids, options)
                return result
            ids = identification.ids.merged(ids)

        prefetched = identification.answers if identification else {}
        prefetched_missing = set(identification.not_found) if identification else set()
        changed_identity = identification is not None and identification.identity_changed
        cached = {} if changed_identity else self._cache.cached_fields(MOVIE, movie_id)
        answers: dict[str, ProviderData] = {}
        missing: list[str] = []
        # Built once: the request's languages key the cache (an answer in another language is
        # not fresh for it), and the same request is what is sent.
        policy = self._language_policy()
        request = metadata_request(ids, policy)
        for provider in self._targets(ids, options.providers):
            if provider in prefetched:
                answers[provider] = prefetched[provider]
                result.providers.append(provider)
                continue
            if provider in prefetched_missing:
                result.not_found.append(provider)
                continue
            answer = cached.get(provider)
            # A cache-only pass (accepting a preview) takes every cached answer, however old.
            usable = options.cache_only and answer is not None and answer.matches(ids)
            key = answer_key(self.pool.get(provider).provider, request)
            fresh = answer is not None and self._cache.is_fresh(answer, ids, request_key=key)
            if usable or (not options.force and fresh):
                assert answer is not None
                result.cache_hits += 1
                if answer.data is None:
                    result.not_found.append(provider)
                else:
                    answers[provider] = answer.data
                    result.cached.append(provider)
                continue
            missing.append(provider)

        fetched: ProviderResults | None = None
        if missing and not options.cache_only:
            # Providers that failed, timed out or were refused while identifying are not asked
            # again: the budget reports their outcome.
            fetched = await self._orchestrator.fetch_all(
                request,
                priority=options.priority,
                providers=missing,
                progress=progress,
                budget=budget,
            )
            for provider in fetched.completed:
                data = fetched.providers.get(provider)
                if data is not None:
                    answers[provider] = data
                    result.providers.append(provider)
            result.not_found.extend(fetched.not_found)
        self._cache.stats.record(
            hits=result.cache_hits,
            misses=len(missing),
            fetch_s=fetched.duration_s if fetched is not None else None,
        )
        self._settle(result, budget, ids, options)

        if not answers:
            result.error = "no provider gave a usable answer; nothing was changed"
            return result

        # Stand-ins: last known answers of providers that could not (or were not asked to) answer now.
        absent = set(result.problems)
        if options.providers is not None:
            absent |= {r.id for r in self.pool.enabled() if r.id not in options.providers}
        answered = {*result.providers, *result.not_found, *result.cached}
        merge_input = dict(answers)
        for provider in sorted(absent - set(answers)):
            answer = cached.get(provider)
            if answer is not None and answer.data is not None and answer.matches(ids):
                merge_input[provider] = answer.data
                result.cached.append(provider)

        merged = self._merge(merge_input, authority, policy)
        if options.fields is not None:
            merged = restrict_merge(merged, options.fields)
        try:
            locked = self._movies.locked_fields(movie_id)
            result.changes = detect_changes(movie.fields, merged, locked)
            used = [r.id for r in self.pool.all() if r.id in merge_input]
            used += [p for p in merge_input if p not in used]
            if options.preview:
                self._commit_preview(movie_id, identification, fetched, ids)
            else:
                self._commit(
                    movie, options, result, merged, locked, used, answered, identification, fetched, ids
                )
        except StoreError as exc:
            exc.log(log, "movie %s could not be saved: %s", movie_id, exc.reason)
            result.changes = ChangeSet()
            result.error = f"could not be saved: {exc.reason}; nothing was changed"
            result.status = Status.FAILED
            return result
        result.status = Status.ENRICHED if result.changes.changed_fields else Status.UNCHANGED
        return result

    def _merge(
        self, answers: dict[str, ProviderData], authority: FieldAuthorityConfig, policy: LanguagePolicy
    ) -> MergeResult:
        """`core.merge.aggregate` with the language rule, then the certification in
        the user's style (`policy`: the language settings the answers were asked with)."""
        original = next(
            (d.languages["original_title"] for d in answers.values() if d.languages.get("original_title")),
            None,
        )
        merged = aggregate(
            {p: data.fields for p, data in answers.items()},
            authority,
            languages={p: data.languages for p, data in answers.items()},
            chain=policy.chain(original),
        )
        # The certification: the first country of the user's list wins across providers (OMDb's
        # Rated is US), then the field-authority order; written in the user's style.
        rated = [
            p
            for p in authority.providers_for("content_rating")
            if p in answers and isinstance(answers[p].fields.get("content_rating"), str)
        ]
        if rated:
            countries = policy.certification_countries
            best = min(rated, key=lambda p: country_rank(countries, answers[p].certification_country))
            data = answers[best]
            merged.sources["content_rating"] = best
            merged.values["content_rating"] = format_certification(
                str(data.fields["content_rating"]), data.certification_country, policy.certification_style
            )
        return merged

    def _settle(
        self, result: EnrichResult, budget: ActionBudget, ids: ExternalIds, options: EnrichOptions
    ) -> None:
        """File every provider whose part of this action ended badly under exactly one list, from
        the action's budget (identification and fetch together): refused (open circuit, rate
        limit, quota: `rate_limited` and `skipped` with the reason), timed out, or failed. Providers
        switched off that could have served the movie are in `skipped` as "disabled"."""
        answered = {*result.providers, *result.not_found, *result.cached}
        result.rate_limited, result.timed_out, result.failed, result.skipped = [], [], [], []
        for provider, error in budget.ended_providers.items():
            if provider in answered or provider not in self.pool:
                continue
            skip = unavailability_of(self.pool.get(provider), error)
            if skip is not None:
                result.rate_limited.append(provider)
                result.skipped.append(skip)
            elif isinstance(error, ProviderTimeoutError):
                result.timed_out.append(provider)
            else:
                result.failed.append(FailedProvider(provider, describe_error(error), error.retryable))
        for runtime in self.pool.all():
            if options.providers is not None and runtime.id not in options.providers:
                continue
            if not runtime.settings.enabled and runtime.can_serve(MOVIE, ids):
                skip = runtime.unavailability()
                if skip is not None:
                    result.skipped.append(skip)

    def _mark_for_retry(self, movie: MovieRecord, result: EnrichResult) -> None:
        """A movie that could not be identified because providers could not answer now is asked
        again after their reset (`due_for_retry`); the next automatic run tries it anyway."""
        now = self._clock.now()
        retry = [
            *result.rate_limited,
            *result.timed_out,
            *(f.provider for f in result.failed if f.retryable),
        ]
        if not retry:
            return
        try:
            with self._database.atomic():
                for provider in retry:
                    at = self.pool.retry_at(provider, now, after_failure=RETRY_AFTER_FAILURE)
                    self._movies.set_incomplete(movie.id, provider, at)
        except StoreError as exc:
            exc.log(log, "movie %s: its retry could not be noted (%s)", movie.id, exc.reason)

    def _commit(
        self,
        movie: MovieRecord,
        options: EnrichOptions,
        result: EnrichResult,
        merged: MergeResult,
        locked: set[str],
        used: list[str],
        answered: set[str],
        identification: IdentifyResult | None,
        fetched: ProviderResults | None,
        ids: ExternalIds,
    ) -> None:
        """The one transaction of an enrichment (no await inside: nothing can interleave).

        An automatic run answered entirely from the cache that changes nothing writes nothing: the
        movie's `last_enriched_at` keeps the time its data was last fetched, and the history gets no
        no-op entry (the daily run over a large library would otherwise add one row per movie per
        day). A manual refresh is always recorded: the user asked, and the history shows it.
        """
        movie_id = movie.id
        now = self._clock.now()
        values = {change.field: change.new for change in result.changes.changed_fields}
        current_sources = self._movies.field_sources(movie_id)
        sources = {
            name: provider
            for name, provider in merged.sources.items()
            if name not in locked
            and (
                name in values
                or name not in current_sources
                or current_sources[name].provider != provider
                or current_sources[name].language != merged.languages.get(name)
            )
        }
        nothing_new = (
            options.mode is Mode.AUTO
            and identification is None
            and fetched is None
            and not values
            and not sources
            and not (result.rate_limited or result.timed_out or result.failed)
            and not (answered & set(movie.incomplete_providers))
        )
        if nothing_new:
            return
        with self._database.atomic():
            if identification is not None:
                self._identification.commit(identification)
            if values or sources:
                self._movies.set_fields(movie_id, values, sources, fetched_at=now, languages=merged.languages)
            # "Last enriched … from X" names the providers that answered (now, or fresh from the
            # cache), never a stand-in for one that failed.
            self._movies.mark_enriched(movie_id, now, [p for p in used if p in answered])
            for provider in result.rate_limited:
                at = self.pool.retry_at(provider, now, after_failure=RETRY_AFTER_FAILURE)
                self._movies.set_incomplete(movie_id, provider, at)
            for provider in result.timed_out:
                self._movies.set_incomplete(movie_id, provider, now + RETRY_AFTER_FAILURE)
            for failure in result.failed:
                if failure.retryable and failure.provider not in {*result.providers, *result.rate_limited}:
                    self._movies.set_incomplete(movie_id, failure.provider, now + RETRY_AFTER_FAILURE)
            for provider in sorted(answered & set(movie.incomplete_providers)):
                self._movies.clear_incomplete(movie_id, provider)
            self._log.append(
                EnrichmentLogRecord(
                    entity_type=MOVIE.value,
                    entity_id=movie_id,
                    mode=options.mode.value,
                    providers=used,
                    changed_fields=[
                        # The old source too, so that an undo restores it (`services.undo`).
                        {**change.to_json(), "old_source": _provider(current_sources.get(change.field))}
                        for change in result.changes.changed_fields
                    ],
                    requires_player_sync=result.changes.requires_player_sync,
                    sync_reason=result.changes.sync_reason,
                    enriched_at=now,
                )
            )
            if fetched is not None and (fetched.completed or fetched.not_found):
                self._cache.save(MOVIE, movie_id, ids, fetched)

    def _commit_preview(
        self,
        movie_id: int,
        identification: IdentifyResult | None,
        fetched: ProviderResults | None,
        ids: ExternalIds,
    ) -> None:
        """What a preview writes: no field, but the answers fetched (into the cache) and, for a movie
        that was identified on the way, its identity (ids and status, as Identify stores them), so
        that accepting the preview needs no request."""
        with self._database.atomic():
            if identification is not None:
                self._identification.commit(identification)
            if fetched is not None and (fetched.completed or fetched.not_found):
                self._cache.save(MOVIE, movie_id, ids, fetched)

    # -- many movies ---------------------------------------------------------------------------------

    async def _enrich_safely(
        self,
        movie_id: int,
        options: EnrichOptions,
        authority: FieldAuthorityConfig,
        progress: FetchProgress | None = None,
    ) -> EnrichResult:
        """`enrich`, with any failure of this one movie turned into a "failed" result."""
        try:
            return await self.enrich(movie_id, options, authority=authority, progress=progress)
        except UnknownEntityError:
            return EnrichResult(movie_id, Status.FAILED, error=f"unknown movie id {movie_id}")
        except StoreError as exc:
            if exc.is_bug:
                log.error("enriching movie %s failed on a database bug", movie_id, exc_info=exc)
            return EnrichResult(movie_id, Status.FAILED, error=exc.reason)
        except Exception as exc:
            log.exception("enriching movie %s failed unexpectedly", movie_id)
            message = redact(f"{type(exc).__name__}: {exc}"[:300])  # never a key in the result
            return EnrichResult(movie_id, Status.FAILED, error=message)

    async def enrich_many(
        self,
        movie_ids: Sequence[int],
        options: EnrichOptions | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        report: EnrichReport | None = None,
        progress_of: ProgressOf | None = None,
        on_result: Callable[[EnrichResult], None] | None = None,
    ) -> EnrichReport:
        """Enrich `movie_ids`, at most `concurrency` at once, keeping going past failures.

        Results are in the order of `movie_ids`. When cancelled, the movies already finished are
        kept (each was committed on its own) and stay in `report`, which the caller may pass in to
        read after the `CancelledError`. `progress_of` gives each movie's provider-progress listener
        (by movie id), for a window that shows what went wrong with which movie.

        With `on_result`, each result is handed to it (in the order of `movie_ids`) and only counted
        in `report` (`EnrichReport.streamed`), not kept: memory does not grow with the library.
        """
        options = options or EnrichOptions()
        report = report if report is not None else EnrichReport()
        report.total = len(movie_ids)
        authority = self._authority()
        meter = RequestMeter(self.pool)
        started = self._clock.monotonic()
        done: dict[int, EnrichResult] = {}
        queue = iter(enumerate(movie_ids))
        handed = 0  # with on_result: results up to this index were handed on

        def hand_on(final: bool = False) -> None:
            nonlocal handed
            assert on_result is not None
            while handed in done or (final and done):
                index = handed if handed in done else min(done)
                on_result(done.pop(index))
                handed = index + 1

        async def worker() -> None:
            for index, movie_id in queue:
                listener = progress_of(movie_id) if progress_of is not None else None
                result = await self._enrich_safely(movie_id, options, authority, listener)
                done[index] = result
                if on_result is None:
                    report.results.append(result)
                else:
                    report.count_streamed(result)
                    hand_on()
                if on_progress is not None:
                    on_progress(report, result)
                # A movie answered from the cache never waits on anything: without this the whole
                # run would be one step of the event loop, and the window (which shares the loop)
                # would freeze for all of it.
                await asyncio.sleep(0)

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(max(1, min(concurrency, len(movie_ids)))):
                    group.create_task(worker())
        except asyncio.CancelledError:
            report.interrupted = True
            raise
        finally:
            if on_result is None:
                report.results[:] = [done[index] for index in sorted(done)]
            else:
                hand_on(final=True)  # after a cancellation: what finished, in order
            report.network_requests = meter.count()
            report.duration_s = self._clock.monotonic() - started
        return report

    async def enrich_all(
        self,
        options: EnrichOptions | None = None,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        on_progress: ProgressCallback | None = None,
        report: EnrichReport | None = None,
        progress_of: ProgressOf | None = None,
    ) -> EnrichReport:
        """Every movie of the library (defaults: auto mode, background priority, cache used)."""
        options = options or EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND)
        # Only the ids: each movie is read when its turn comes (full records of a large library
        # would cost seconds and memory up front).
        movie_ids = await self._movies.ids_async()
        return await self.enrich_many(
            movie_ids,
            options,
            concurrency=concurrency,
            on_progress=on_progress,
            report=report,
            progress_of=progress_of,
        )

    def due_for_retry(self) -> list[int]:
        """Movies marked incomplete for a provider whose reset time has come."""
        return [m.id for m in self._movies.incomplete_due(self._clock.now())]
