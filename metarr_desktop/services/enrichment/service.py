"""`EnrichmentService`: one movie brought up to date from every provider (document 5).

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

Step 4 and 5 are `commit.py`; `enrich_many` / `enrich_all` hand the movies to `bulk.py` (bounded
concurrency, past failures, progress, cancellation); the options and results are `results.py`.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.changes import detect_changes
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.core.preview import restrict_merge
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import metadata_request
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.results import ProviderResults
from metarr_desktop.engine.budget import ActionBudget
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.fetch import file_problem
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.providers.base import answer_key
from metarr_desktop.services.enrichment.bulk import DEFAULT_CONCURRENCY
from metarr_desktop.services.enrichment.bulk import run_bulk
from metarr_desktop.services.enrichment.commit import EnrichmentWriter
from metarr_desktop.services.enrichment.commit import merge_answers
from metarr_desktop.services.enrichment.results import EnrichOptions
from metarr_desktop.services.enrichment.results import EnrichReport
from metarr_desktop.services.enrichment.results import EnrichResult
from metarr_desktop.services.enrichment.results import Mode
from metarr_desktop.services.enrichment.results import ProgressCallback
from metarr_desktop.services.enrichment.results import ProgressOf
from metarr_desktop.services.enrichment.results import Status
from metarr_desktop.services.identification import IdentificationService
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.library_store import LibraryStore
from metarr_desktop.services.provider_cache import ProviderCacheManager

log = logging.getLogger(__name__)

MOVIE = EntityType.MOVIE


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


class EnrichmentService:
    """Enriches movies; the window's "Refresh metadata", `metarr enrich` and the schedule call it."""

    def __init__(
        self,
        store: LibraryStore,
        *,
        cache: ProviderCacheManager,
        orchestrator: FetchOrchestrator,
        identification: IdentificationService,
        authority: Callable[[], FieldAuthorityConfig],
        language_policy: Callable[[], LanguagePolicy] = LanguagePolicy,
    ) -> None:
        self._store = store
        self._cache = cache
        self._orchestrator = orchestrator
        self._identification = identification
        self._authority = authority
        self._language_policy = language_policy
        self._writer = self._build_writer()
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._flights: dict[int, _Flight] = {}
        #: Awaited after each movie's enrichment with its result (`LibrarySuite` adds the
        #: library-files publisher: it publishes when the change set requires a player sync).
        self.after_enrich: list[Callable[[EnrichResult], Awaitable[object]]] = []

    def _build_writer(self) -> EnrichmentWriter:
        """The merge-and-write step's transaction, over the same store, cache and pool."""
        return EnrichmentWriter(
            self._store, cache=self._cache, identification=self._identification, pool=self.pool
        )

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
        movie = self._store.movies.require(movie_id)
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
                movie = self._store.movies.require(movie_id)
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
        budget = ActionBudget(self._store.clock)
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
                self._writer.mark_for_retry(movie, result)
                return result
            result.identification = identification
            if not identification.identified:
                with self._store.database.atomic():
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
        #: Providers whose answer the identification's lookup asked for (cache misses too).
        looked_up = 0
        # Built once: the request's languages key the cache (an answer in another language is
        # not fresh for it), and the same request is what is sent.
        policy = self._language_policy()
        request = metadata_request(ids, policy)
        for provider in self._targets(ids, options.providers):
            if provider in prefetched:
                answers[provider] = prefetched[provider]
                result.providers.append(provider)
                looked_up += 1
                continue
            if provider in prefetched_missing:
                result.not_found.append(provider)
                looked_up += 1
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
        # The cache's figures: answers taken from it and answers asked for (by the lookup or the
        # fetch), with the time of this movie's fetches (the budget saw each of them).
        self._cache.stats.record(
            hits=result.cache_hits,
            misses=looked_up + (len(missing) if fetched is not None else 0),
            fetch_s=budget.fetch_s if budget.fetches else None,
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

        merged = merge_answers(merge_input, authority, policy)
        if options.fields is not None:
            merged = restrict_merge(merged, options.fields)
        try:
            locked = self._store.movies.locked_fields(movie_id)
            result.changes = detect_changes(movie.fields, merged, locked)
            used = [r.id for r in self.pool.all() if r.id in merge_input]
            used += [p for p in merge_input if p not in used]
            if options.preview:
                self._writer.commit_preview(movie_id, identification, fetched, ids)
            else:
                self._writer.commit(
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
            file_problem(result, self.pool.get(provider), error)
        for runtime in self.pool.all():
            if options.providers is not None and runtime.id not in options.providers:
                continue
            if not runtime.settings.enabled and runtime.can_serve(MOVIE, ids):
                skip = runtime.unavailability()
                if skip is not None:
                    result.skipped.append(skip)

    # -- many movies ---------------------------------------------------------------------------------

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
        """Enrich `movie_ids`, at most `concurrency` at once, keeping going past failures (`bulk.py`).

        Results are in the order of `movie_ids`. When cancelled, the movies already finished are
        kept (each was committed on its own) and stay in `report`, which the caller may pass in to
        read after the `CancelledError`. `progress_of` gives each movie's provider-progress listener
        (by movie id), for a window that shows what went wrong with which movie.

        With `on_result`, each result is handed to it (in the order of `movie_ids`) and only counted
        in `report` (`EnrichReport.streamed`), not kept: memory does not grow with the library.
        """
        return await run_bulk(
            # `self.enrich` is looked up for each movie, as a caller may have replaced it.
            lambda movie_id, opts, rules, progress: self.enrich(
                movie_id, opts, authority=rules, progress=progress
            ),
            movie_ids,
            options or EnrichOptions(),
            authority=self._authority(),
            pool=self.pool,
            clock=self._store.clock,
            concurrency=concurrency,
            on_progress=on_progress,
            report=report if report is not None else EnrichReport(),
            progress_of=progress_of,
            on_result=on_result,
        )

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
        movie_ids = await self._store.movies.ids_async()
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
        return [m.id for m in self._store.movies.incomplete_due(self._store.clock.now())]
