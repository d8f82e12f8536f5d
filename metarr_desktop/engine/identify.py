"""Identification (document 2): which film does an entity hold?

Lookup mode, from any id: ask every provider that accepts one of the ids known so far (in parallel),
merge the ids their answers reveal, and repeat with the providers that can now be asked, until the id
set is complete or nobody can add more. Search mode, from a title (and year): every provider that can
search, results merged by shared ids and scored (`core.matching`); the automated decision never
guesses between look-alikes.

Progress: every method takes an optional `FetchProgress`. Each step (the search, each round of
lookups) is announced with the providers it asks; each provider asked sends its start, retries,
timeout and completion as in a fetch, preceded by its `ProviderOutcome` (answered, not found,
failed, timed out, rate limited); a provider that cannot be asked now (rate limited, circuit open)
sends only its outcome, and no request is made. A failing provider never stops the others.

Memory-first: nothing here writes anything. Every answer fetched on the way is returned in
`answers`, so the enrichment that follows reuses it instead of asking again; the caller commits only
once the identity is confirmed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Generic
from typing import TypeVar

from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.core.matching import Candidate
from metarr_desktop.core.matching import Decision
from metarr_desktop.core.matching import Outcome
from metarr_desktop.core.matching import decide
from metarr_desktop.core.matching import rank
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.core.providers import metadata_request
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.core.results import SkipReason
from metarr_desktop.engine.budget import ActionBudget
from metarr_desktop.engine.budget import NotAskedError
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.events import ProviderOutcome
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.fetch import Operation
from metarr_desktop.engine.runtime import ProviderRuntime
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.base import describe_error
from metarr_desktop.providers.base import fetch_metadata
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ProviderTimeoutError
from metarr_desktop.providers.errors import ProviderUnavailableError
from metarr_desktop.providers.errors import RateLimitedError

T = TypeVar("T")


class IdentificationError(Exception):
    """No provider could be asked or every one failed: nothing can be said about the entity."""

    def __init__(self, message: str, failures: list[FailedProvider]) -> None:
        super().__init__(message)
        self.message = message
        self.failures = failures


@dataclass(slots=True)
class LookupResult:
    """Attributes:
    ids: the id set after cross-referencing.
    answers: every provider answer fetched on the way (provider id -> data), to be reused.
    not_found: providers that answered "no such entity".
    failures: providers that failed, timed out or were rate limited.
    """

    ids: ExternalIds
    answers: dict[str, ProviderData] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)
    failures: list[FailedProvider] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Scope:
    """What every provider call of one lookup, search or identification shares."""

    entity_type: EntityType
    priority: Priority
    providers: Collection[str] | None
    progress: FetchProgress
    budget: ActionBudget | None


@dataclass(slots=True)
class _Step(Generic[T]):
    """How the providers asked at once in one step ended, each in the order asked.

    Attributes:
        answers: what each provider that answered said (provider id -> answer).
        not_found: providers that answered "no such entity".
        failures: providers that failed, timed out, were rate limited or were not asked.
    """

    answers: dict[str, T] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)
    failures: list[FailedProvider] = field(default_factory=list)


@dataclass(slots=True)
class SearchOutcome:
    candidates: list[Candidate]
    failures: list[FailedProvider] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Identification:
    """The automated identification of one entity.

    Attributes:
        status: identified, or needs identification (ambiguous, not found or no title).
        reason: None, "not_found" or "ambiguous".
        ids: the confirmed ids (identified) or the ids known before (otherwise).
        candidates: the scored candidates (search mode).
        lookup: the lookup that confirmed the identity, with its reusable answers.
    """

    status: IdentificationStatus
    reason: str | None
    ids: ExternalIds
    candidates: list[Candidate] = field(default_factory=list)
    lookup: LookupResult | None = None
    failures: list[FailedProvider] = field(default_factory=list)
    why: dict[str, Any] = field(default_factory=dict)


def lookup_why(known: ExternalIds, lookup: LookupResult) -> dict[str, Any]:
    """The `why` of an identification by ids: which ids were looked up and which providers agreed."""
    return {
        "outcome": "identified" if lookup.answers else "not_found",
        "rule": "looked up by the ids the movie already had (no title search)",
        "ids_looked_up": [f"{kind.value} {value}" for kind, value in known.known().items()],
        "ids_cross_checked": cross_checked(lookup),
        "providers": sorted(lookup.answers),
    }


def cross_checked(lookup: LookupResult) -> list[str]:
    """The ids that two or more providers' answers agree on."""
    counts: dict[str, int] = {}
    for data in lookup.answers.values():
        for kind, value in data.ids.known().items():
            counts[f"{kind.value} {value}"] = counts.get(f"{kind.value} {value}", 0) + 1
    return [key for key, count in counts.items() if count >= 2]


def _failure(provider: str, exc: BaseException) -> FailedProvider:
    retryable = isinstance(exc, ProviderError) and exc.retryable
    if isinstance(exc, RateLimitedError | ProviderUnavailableError | ProviderTimeoutError):
        retryable = True
    return FailedProvider(provider, describe_error(exc), retryable)


def _not_found_for_now(failures: list[FailedProvider]) -> None:
    """Nobody found the film, but a provider that might know it could not answer for a reason that
    passes: raise `IdentificationError` (the entity stays unidentified) rather than "not found"."""
    passing = [f for f in failures if f.retryable]
    if passing:
        names = ", ".join(f.provider for f in passing)
        raise IdentificationError(f"not found for now: {names} could not answer", failures)


def _limited(runtime: ProviderRuntime) -> ProviderOutcome:
    """A provider that may not be asked now: rate limited (until its reset time), else its circuit
    is open (skipped)."""
    if runtime.gate.rate_limited_until() is not None:
        return ProviderOutcome.RATE_LIMITED
    return ProviderOutcome.SKIPPED


def _outcome_of(runtime: ProviderRuntime, exc: ProviderError) -> ProviderOutcome:
    if isinstance(exc, NotFoundError):
        return ProviderOutcome.NOT_FOUND
    if isinstance(exc, RateLimitedError):
        return ProviderOutcome.RATE_LIMITED
    if isinstance(exc, NotAskedError):
        if exc.skip.reason is SkipReason.CIRCUIT_OPEN:
            return ProviderOutcome.SKIPPED
        return ProviderOutcome.RATE_LIMITED
    if isinstance(exc, ProviderUnavailableError):
        return _limited(runtime)
    if isinstance(exc, ProviderTimeoutError):
        return ProviderOutcome.TIMED_OUT
    return ProviderOutcome.FAILED


def _found(data: ProviderData) -> tuple[ProviderOutcome, str]:
    """A lookup's answer: the ids it knows, as the detail."""
    ids = ", ".join(f"{kind.value} {value}" for kind, value in data.ids.known().items())
    return ProviderOutcome.ANSWERED, ids


def _results(found: list[SearchResult]) -> tuple[ProviderOutcome, str]:
    """A search's answer: how many results."""
    if not found:
        return ProviderOutcome.NOT_FOUND, "no results"
    return ProviderOutcome.ANSWERED, f"{len(found)} result{'s' if len(found) != 1 else ''}"


class Identifier:
    """Lookup, search and the automated decision, over the orchestrator's resilient calls."""

    def __init__(
        self, orchestrator: FetchOrchestrator, language_policy: Callable[[], LanguagePolicy] | None = None
    ) -> None:
        self.orchestrator = orchestrator
        #: the user's language settings: the language searched and fetched in
        self.language_policy = language_policy or LanguagePolicy

    def _providers(self, scope: _Scope) -> list[ProviderRuntime]:
        return [
            r
            for r in self.orchestrator.pool.enabled(scope.providers)
            if scope.entity_type in r.provider.capabilities.entity_types
        ]

    async def _ask(
        self,
        runtime: ProviderRuntime,
        step: IdentifyStep,
        operation: Operation[T],
        summary: Callable[[T], tuple[ProviderOutcome, str]],
        scope: _Scope,
    ) -> T:
        """One provider's part of a step, through the orchestrator, with its progress events.

        Raises what `FetchOrchestrator.call` raises; a provider that may not be asked now (rate
        limited, circuit open, or its part of the action's budget already ended) raises without any
        request (and sends only its outcome).
        """
        provider, progress, budget = runtime.id, scope.progress, scope.budget
        ended = budget.ended(provider) if budget is not None else None
        if ended is not None:
            progress.on_provider_outcome(provider, step, _outcome_of(runtime, ended), describe_error(ended))
            raise ended
        skip = runtime.unavailability()
        if skip is not None and skip.reason is not SkipReason.DISABLED:
            progress.on_provider_outcome(provider, step, _limited(runtime), skip.detail)
            error = NotAskedError(skip)
            if budget is not None:
                budget.end(provider, error)
            raise error
        progress.on_provider_start(provider)
        try:
            answer = await self.orchestrator.call(
                provider, operation, priority=scope.priority, progress=progress, budget=budget
            )
        except ProviderError as exc:
            outcome = _outcome_of(runtime, exc)
            progress.on_provider_outcome(provider, step, outcome, describe_error(exc))
            progress.on_provider_complete(provider, outcome.success)
            raise
        outcome, detail = summary(answer)
        progress.on_provider_outcome(provider, step, outcome, detail)
        progress.on_provider_complete(provider, outcome.success)
        return answer

    async def _ask_all(
        self,
        runtimes: list[ProviderRuntime],
        step: IdentifyStep,
        operation: Operation[T],
        summary: Callable[[T], tuple[ProviderOutcome, str]],
        scope: _Scope,
    ) -> _Step[T]:
        """`_ask` of every provider of `runtimes` at once; what is not a provider's error raises."""
        if runtimes:
            scope.progress.on_identify_step(step, [r.id for r in runtimes])
        outcomes = await asyncio.gather(
            *(self._ask(r, step, operation, summary, scope) for r in runtimes), return_exceptions=True
        )
        ended: _Step[T] = _Step()
        for runtime, outcome in zip(runtimes, outcomes, strict=True):
            if isinstance(outcome, NotFoundError):
                ended.not_found.append(runtime.id)
            elif isinstance(outcome, ProviderError):
                ended.failures.append(_failure(runtime.id, outcome))
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                ended.answers[runtime.id] = outcome
        return ended

    async def lookup(
        self,
        ids: ExternalIds,
        *,
        entity_type: EntityType = EntityType.MOVIE,
        priority: Priority = Priority.USER,
        providers: Collection[str] | None = None,
        language: str | None = None,
        progress: FetchProgress | None = None,
        budget: ActionBudget | None = None,
    ) -> LookupResult:
        """Cross-reference `ids` through every provider that can; keep every answer.

        The lookup is one fetch of the entity's providers (whatever its rounds), an execution in
        the orchestrator's metrics (`FetchOrchestrator.record_fetch`) when anybody was asked.
        """
        scope = _Scope(entity_type, priority, providers, progress or FetchProgress(), budget)
        return await self._lookup(ids, scope, language)

    async def _lookup(self, ids: ExternalIds, scope: _Scope, language: str | None = None) -> LookupResult:
        policy = self.language_policy()
        result = LookupResult(ids=ids)
        asked: set[str] = set()
        runtimes = self._providers(scope)
        rounds = 0
        started = self.orchestrator.clock.monotonic()
        # The first round always runs (it confirms the identity and fetches the answers); later
        # rounds only while the id set is incomplete and somebody new can be asked.
        while rounds == 0 or not result.ids.is_complete():
            rounds += 1
            current = result.ids
            round_ = [r for r in runtimes if r.id not in asked and r.provider.capabilities.accepts(current)]
            if not round_:
                break
            asked.update(r.id for r in round_)
            request = metadata_request(current, policy, entity_type=scope.entity_type, language=language)

            def get(
                provider: MetadataProvider, request: MetadataRequest = request
            ) -> Awaitable[ProviderData]:
                return fetch_metadata(provider, request)

            step = await self._ask_all(round_, IdentifyStep.LOOKUP, get, _found, scope)
            result.not_found.extend(step.not_found)
            result.failures.extend(step.failures)
            for provider, data in step.answers.items():
                result.answers[provider] = data
                result.ids = result.ids.merged(data.ids)
        if asked:
            answered = bool(result.answers or result.not_found)
            duration = self.orchestrator.clock.monotonic() - started
            self.orchestrator.record_fetch(answered, duration, scope.budget)
        return result

    async def search(
        self,
        title: str,
        year: int | None = None,
        *,
        entity_type: EntityType = EntityType.MOVIE,
        priority: Priority = Priority.USER,
        providers: Collection[str] | None = None,
        language: str | None = None,
        progress: FetchProgress | None = None,
        budget: ActionBudget | None = None,
    ) -> SearchOutcome:
        """Search every provider that can; merged and scored candidates, best first. Never cached."""
        scope = _Scope(entity_type, priority, providers, progress or FetchProgress(), budget)
        return await self._search(title, year, scope, language)

    async def _search(
        self, title: str, year: int | None, scope: _Scope, language: str | None = None
    ) -> SearchOutcome:
        runtimes = [r for r in self._providers(scope) if r.provider.capabilities.can_search]
        request = SearchRequest(
            query=title,
            entity_type=scope.entity_type,
            year=year,
            language=language or self.language_policy().language,
        )

        def find(provider: MetadataProvider) -> Awaitable[list[SearchResult]]:
            return provider.search(request)

        step = await self._ask_all(runtimes, IdentifyStep.SEARCH, find, _results, scope)
        # Finding nothing is an answer too.
        answered = [r.id for r in runtimes if r.id in step.answers or r.id in step.not_found]
        found = [result for results in step.answers.values() for result in results]
        return SearchOutcome(rank(found, title, year), step.failures, answered)

    async def identify(
        self,
        *,
        title: str | None,
        year: int | None,
        ids: ExternalIds,
        entity_type: EntityType = EntityType.MOVIE,
        priority: Priority = Priority.USER,
        providers: Collection[str] | None = None,
        progress: FetchProgress | None = None,
        budget: ActionBudget | None = None,
    ) -> Identification:
        """The automated identification: lookup from ids when there are any, else search and decide.

        Raises `IdentificationError` when no provider could answer at all (nothing to decide on),
        and also when nobody found the film while a provider could not answer for a reason that
        passes (a server error, a timeout, a rate limit, an open circuit): "not found" then is not
        the providers' answer, so the entity stays unidentified and is tried again later.
        """
        scope = _Scope(entity_type, priority, providers, progress or FetchProgress(), budget)
        failures: list[FailedProvider] = []
        if not ids.is_empty():
            lookup = await self._lookup(ids, scope)
            if lookup.answers:
                return Identification(
                    IdentificationStatus.IDENTIFIED,
                    None,
                    lookup.ids,
                    lookup=lookup,
                    failures=lookup.failures,
                    why=lookup_why(ids, lookup),
                )
            if lookup.failures and not lookup.not_found:
                raise IdentificationError("no provider could look the ids up", lookup.failures)
            failures = list(lookup.failures)
            if not title:
                _not_found_for_now(failures)
                return Identification(
                    IdentificationStatus.NEEDS_IDENTIFICATION, "not_found", ids, failures=lookup.failures
                )
        if not title:
            return Identification(
                IdentificationStatus.NEEDS_IDENTIFICATION,
                "not_found",
                ids,
                why={"rule": "the movie has no title to search for"},
            )
        searched = await self._search(title, year, scope)
        if not searched.answered:
            raise IdentificationError("no provider could search", searched.failures)
        decision: Decision = decide(searched.candidates, title, year)
        if decision.outcome is Outcome.NOT_FOUND:
            _not_found_for_now([*failures, *searched.failures])
        if decision.outcome is not Outcome.IDENTIFIED or decision.chosen is None:
            return Identification(
                IdentificationStatus.NEEDS_IDENTIFICATION,
                decision.outcome.value,
                ids,
                candidates=decision.candidates,
                failures=searched.failures,
                why=decision.why,
            )
        chosen = decision.chosen
        lookup = await self._lookup(ids.merged(chosen.external_ids), scope)
        if not lookup.answers:
            _not_found_for_now(lookup.failures)
            return Identification(
                IdentificationStatus.NEEDS_IDENTIFICATION,
                "not_found",
                ids,
                candidates=decision.candidates,
                failures=lookup.failures,
                why={**decision.why, "outcome": "not_found", "rule": "no provider could look the match up"},
            )
        return Identification(
            IdentificationStatus.IDENTIFIED,
            None,
            lookup.ids,
            candidates=decision.candidates,
            lookup=lookup,
            failures=lookup.failures,
            why={**decision.why, "ids_cross_checked": cross_checked(lookup)},
        )
