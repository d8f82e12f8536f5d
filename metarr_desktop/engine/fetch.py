"""`FetchOrchestrator`: ask every enabled provider at once (or one after another by priority), each
within its own timeout and retry budget, and collect whatever came back.

The data flow for one provider: is it able to serve this request (entity type, a usable id)? Is it
available (not rate limited, quota left, circuit not open)? Then the call runs under
`run_with_timeout` (which really cancels) around `call_with_retries`; every attempt passes the
provider's gate (pacing, quota) inside the client and is recorded in the provider's health and
circuit breaker. Partial results are the normal case: the `ProviderResults` says for every provider
how its part ended.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Collection
from datetime import timedelta
from enum import StrEnum
from typing import TypeVar

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.core.results import ProviderProblems
from metarr_desktop.core.results import ProviderResults
from metarr_desktop.core.results import SkippedProvider
from metarr_desktop.core.results import SkipReason
from metarr_desktop.engine.budget import ActionBudget
from metarr_desktop.engine.budget import NotAskedError
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.health import OrchestratorMetrics
from metarr_desktop.engine.resilience import call_with_retries
from metarr_desktop.engine.resilience import run_with_timeout
from metarr_desktop.engine.runtime import TRACE
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.engine.runtime import ProviderRuntime
from metarr_desktop.engine.runtime import RequestTrace
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.base import describe_error
from metarr_desktop.providers.base import fetch_metadata
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import DeadlineExceededError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ProviderTimeoutError
from metarr_desktop.providers.errors import ProviderUnavailableError
from metarr_desktop.providers.errors import RateLimitedError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: One operation on one provider, e.g. ``lambda p: p.get_metadata(request)``.
Operation = Callable[[MetadataProvider], Awaitable[T]]


class ExecutionMode(StrEnum):
    PARALLEL = "parallel"
    SEQUENTIAL = "sequential"


class FetchOrchestrator:
    """Runs provider operations with every resilience rule applied.

    Attributes:
        pool: the providers' runtimes (shared with the services and the health dashboard).
        metrics: counts over every fetch of an entity's providers (`record_fetch`).
    """

    def __init__(
        self, pool: ProviderPool, *, clock: Clock | None = None, rng: random.Random | None = None
    ) -> None:
        self.pool = pool
        self.clock = clock or pool.clock
        self.rng = rng or random.Random()
        self.metrics = OrchestratorMetrics()

    # ---------------------------------------------------------------------------------------------
    # One provider
    # ---------------------------------------------------------------------------------------------

    async def call(
        self,
        provider_id: str,
        operation: Operation[T],
        *,
        priority: Priority = Priority.USER,
        progress: FetchProgress | None = None,
        timeout_s: float | None = None,
        budget: ActionBudget | None = None,
    ) -> T:
        """Run one operation on one provider with pacing, retries, timeout, breaker and health.

        One call is one *execution* (its retries included): the circuit breaker counts executions,
        the health record counts attempts (requests that got an answer or an error). Time spent
        waiting in our own gate (the pacer, a short `Retry-After`) is never the provider's failure
        and is not part of its latency.

        With `budget` (one user action) the provider's time budget is shared with the action's
        earlier calls, and a provider whose part of the action already ended badly raises that
        same error again without any request.

        Raises `NotAskedError` (a `ProviderUnavailableError`) without any request when the provider
        is rate limited, out of quota or its circuit is open, and also when the budget ran out
        while it waited in our own pacer (no request was sent); otherwise the operation's result or
        its final `ProviderError` (`DeadlineExceededError` when the budget ran out).
        """
        runtime = self.pool.get(provider_id)
        if budget is not None:
            ended = budget.ended(provider_id)
            if ended is not None:
                raise ended
        try:
            return await self._execute(
                runtime, operation, priority, progress or FetchProgress(), timeout_s, budget
            )
        except ProviderError as exc:
            if budget is not None:
                budget.end(provider_id, exc)
            raise

    async def _execute(
        self,
        runtime: ProviderRuntime,
        operation: Operation[T],
        priority: Priority,
        progress: FetchProgress,
        timeout_s: float | None,
        budget: ActionBudget | None,
    ) -> T:
        provider_id = runtime.id
        skip = runtime.unavailability()
        if skip is not None and skip.reason is not SkipReason.DISABLED:
            raise NotAskedError(skip)
        if not runtime.breaker.allow():
            raise NotAskedError(
                SkippedProvider(
                    provider_id, SkipReason.CIRCUIT_OPEN, None, "circuit open after repeated failures"
                )
            )
        policy = runtime.settings.policy(priority)
        now = self.clock.monotonic()
        deadline = now + (policy.timeout_s if timeout_s is None else min(timeout_s, policy.timeout_s))
        if budget is not None:
            deadline = min(deadline, budget.deadline(provider_id, policy.timeout_s))
        remaining = max(0.0, deadline - now)
        trace = RequestTrace(priority=priority)
        started = now

        def on_retry(retry_number: int, max_retries: int, error: ProviderError, delay: float) -> None:
            log.info(
                "%s: retry %d of %d in %.1f s after: %s",
                provider_id,
                retry_number,
                max_retries,
                delay,
                error.message,
            )
            progress.on_provider_retry(provider_id, retry_number, max_retries)

        async def attempt() -> T:
            nonlocal trace
            trace = RequestTrace(priority=priority)
            token = TRACE.set(trace)
            try:
                return await self._attempt(runtime, operation, trace)
            finally:
                TRACE.reset(token)

        work = call_with_retries(
            attempt,
            policy,
            clock=self.clock,
            rng=self.rng,
            deadline=deadline,
            may_retry=lambda: runtime.breaker.is_closed,
            on_retry=on_retry,
        )
        try:
            result = await run_with_timeout(work, remaining, clock=self.clock, provider=provider_id)
        except DeadlineExceededError as exc:
            if trace.stopped_in_gate:
                # The budget ran out in our own pacer: the provider was never given the chance.
                runtime.breaker.release_probe()
                wait = runtime.gate.pacer_wait_s()
                raise NotAskedError(
                    SkippedProvider(
                        provider_id,
                        SkipReason.RATE_LIMITED,
                        self.clock.now() + timedelta(seconds=wait),
                        f"waiting for the rate limit ({trace.queued_s:.1f} s waited, {wait:.1f} s more)",
                    )
                ) from exc
            runtime.health.record_failure(exc.message, self.clock.now())
            self._end_execution(runtime, exc, started)
            progress.on_provider_timeout(provider_id)
            raise
        except ProviderError as exc:
            self._end_execution(runtime, exc, started)
            if isinstance(exc, ProviderTimeoutError):
                progress.on_provider_timeout(provider_id)
            raise
        except asyncio.CancelledError:
            runtime.breaker.release_probe()
            raise
        self._end_execution(runtime, None, started)
        return result

    def _end_execution(self, runtime: ProviderRuntime, error: ProviderError | None, started: float) -> None:
        """One execution ended: the breaker counts it (a success, a failure, or neither), and so
        does the provider's 24-hour activity log (a refusal such as a 429 is not an execution
        outcome and is left out of both)."""
        answered = error is None or isinstance(error, NotFoundError)
        if answered:
            runtime.breaker.record_success()
        elif error is not None and error.health_failure:
            runtime.breaker.record_failure()
        else:
            runtime.breaker.release_probe()
        if answered or (error is not None and error.health_failure):
            duration = self.clock.monotonic() - started
            runtime.gate.activity.record_execution(self.clock.now(), answered, duration)
        self.pool.notify(runtime)

    async def _attempt(self, runtime: ProviderRuntime, operation: Operation[T], trace: RequestTrace) -> T:
        """One attempt; its answer (or error) goes into the health record, not the breaker."""
        started = self.clock.monotonic()
        try:
            result = await operation(runtime.provider)
        except NotFoundError:
            self._record_success(runtime, started, trace)
            raise
        except RateLimitedError as exc:
            runtime.gate.note_rate_limited(exc)
            runtime.health.record_rate_limited(exc.message, self.clock.now())
            self.pool.notify(runtime)
            raise
        except ProviderError as exc:
            if exc.health_failure:
                self._record_failure(runtime, exc.message)
            raise
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in a client must cost that provider, not the whole fetch
            log.exception("%s: unexpected error while reading its answer", runtime.id)
            self._record_failure(runtime, f"could not read the answer ({type(exc).__name__})")
            raise BadResponseError(runtime.id, f"could not read the answer ({type(exc).__name__})") from exc
        self._record_success(runtime, started, trace)
        return result

    def _record_success(self, runtime: ProviderRuntime, started: float, trace: RequestTrace) -> None:
        """Latency is from the request leaving to the answer arriving: our own queueing is not in it."""
        latency_ms = max(0.0, self.clock.monotonic() - started - trace.queued_s) * 1000.0
        runtime.health.record_success(latency_ms, self.clock.now())
        self.pool.notify(runtime)

    def _record_failure(self, runtime: ProviderRuntime, message: str) -> None:
        runtime.health.record_failure(message, self.clock.now())
        self.pool.notify(runtime)

    # ---------------------------------------------------------------------------------------------
    # Every provider
    # ---------------------------------------------------------------------------------------------

    async def fetch_all(
        self,
        request: MetadataRequest,
        *,
        priority: Priority = Priority.USER,
        providers: Collection[str] | None = None,
        progress: FetchProgress | None = None,
        deadline_s: float | None = None,
        mode: ExecutionMode = ExecutionMode.PARALLEL,
        min_successful: int = 1,
        budget: ActionBudget | None = None,
    ) -> ProviderResults:
        """Fetch metadata and assets for one entity from every enabled provider.

        Args:
            request: the entity's ids, type, language and wanted asset types.
            priority: `user` (10 s, 2 retries) or `background` (60 s, 5 retries) per provider.
            providers: only these providers (still only the enabled ones).
            progress: receives start / retry / timeout / complete events.
            deadline_s: a global deadline for the whole fetch; unfinished providers time out.
            mode: all at once, or one after another in priority order.
            min_successful: in sequential mode, stop once this many providers answered with data;
                in both modes, `results.met_minimum` says whether it was reached.
            budget: the action this fetch is part of (`ActionBudget`): providers whose part of it
                already ended are reported with that outcome again, without a request.
        """
        progress = progress or FetchProgress()
        started = self.clock.monotonic()
        results = ProviderResults(fetched_at=self.clock.now(), min_successful=min_successful)
        runnable: list[ProviderRuntime] = []
        for runtime in self.pool.enabled(providers):
            if not runtime.can_serve(request.entity_type, request.ids):
                results.skipped.append(runtime.id)
                results.providers[runtime.id] = None
                continue
            ended = budget.ended(runtime.id) if budget is not None else None
            skip = runtime.unavailability()
            if ended is None and skip is not None:
                ended = NotAskedError(skip)
            if ended is not None:
                if budget is not None:
                    budget.end(runtime.id, ended)
                self._settle(runtime, ended, results)
                results.providers[runtime.id] = None
                continue
            runnable.append(runtime)

        global_deadline = None if deadline_s is None else started + deadline_s

        def operation(provider: MetadataProvider) -> Awaitable[ProviderData]:
            return fetch_metadata(provider, request)

        async def run_one(runtime: ProviderRuntime) -> None:
            timeout = None
            if global_deadline is not None:
                timeout = max(0.0, global_deadline - self.clock.monotonic())
            await self._fetch_one(runtime, operation, priority, progress, timeout, results, budget)

        if mode is ExecutionMode.PARALLEL:
            async with asyncio.TaskGroup() as group:
                for runtime in runnable:
                    group.create_task(run_one(runtime))
        else:
            for index, runtime in enumerate(runnable):
                if len(results.completed) >= min_successful:
                    for rest in runnable[index:]:
                        results.skipped.append(rest.id)
                        results.providers[rest.id] = None
                    break
                await run_one(runtime)

        results.duration_s = self.clock.monotonic() - started
        self.record_fetch(not results.all_failed, results.duration_s, budget)
        return results

    def record_fetch(self, answered: bool, duration_s: float, budget: ActionBudget | None = None) -> None:
        """One fetch of an entity's providers ended (`fetch_all`, or `Identifier.lookup`): one
        execution in the metrics, successful when some provider answered (data or "not found").

        The fetches of one action (`budget`: a refresh that identifies the movie, then fetches the
        providers the lookup did not ask) are one execution: a later one adds its time, and its
        success when the earlier ones had no answer.
        """
        if budget is None or not budget.fetches:
            self.metrics.record(answered, duration_s)
        else:
            self.metrics.extend_execution(answered and not budget.answered, duration_s)
        if budget is not None:
            budget.note_fetch(answered, duration_s)

    async def _fetch_one(
        self,
        runtime: ProviderRuntime,
        operation: Operation[ProviderData],
        priority: Priority,
        progress: FetchProgress,
        timeout_s: float | None,
        results: ProviderResults,
        budget: ActionBudget | None,
    ) -> None:
        pid = runtime.id
        started = self.clock.monotonic()
        progress.on_provider_start(pid)
        data: ProviderData | None = None
        success = False
        try:
            data = await self.call(
                pid, operation, priority=priority, progress=progress, timeout_s=timeout_s, budget=budget
            )
        except ProviderError as exc:
            success = self._settle(runtime, exc, results)
        else:
            if data.fetched_at is None:
                data.fetched_at = self.clock.now()
            results.completed.append(pid)
            success = True
        results.providers[pid] = data
        self.metrics.record_provider(pid, success and data is not None, self.clock.monotonic() - started)
        progress.on_provider_complete(pid, success)

    def _settle(self, runtime: ProviderRuntime, error: ProviderError, results: ProviderResults) -> bool:
        """File a provider's part that ended with `error` under its list; True for "not found"."""
        if isinstance(error, NotFoundError):
            results.not_found.append(runtime.id)
            return True
        file_problem(results, runtime, error)
        return False


def file_problem(problems: ProviderProblems, runtime: ProviderRuntime, error: ProviderError) -> None:
    """File a provider whose part ended with `error` (not a "not found") under exactly one list of
    `problems`: refused (open circuit, rate limit, quota: `rate_limited`, and why in its
    `refusals`), timed out, or failed (with the error and whether a retry may help)."""
    skip = unavailability_of(runtime, error)
    if skip is not None:
        problems.rate_limited.append(runtime.id)
        problems.refusals.append(skip)
    elif isinstance(error, ProviderTimeoutError):
        problems.timed_out.append(runtime.id)
    else:
        problems.failed.append(FailedProvider(runtime.id, describe_error(error), error.retryable))


def unavailability_of(runtime: ProviderRuntime, error: ProviderError) -> SkippedProvider | None:
    """Why a provider whose part ended with `error` could not answer now, when the reason was a
    refusal (open circuit, rate limit, quota) rather than a failure (None then)."""
    if isinstance(error, NotAskedError):
        return error.skip
    if isinstance(error, RateLimitedError):
        reason = SkipReason.QUOTA if error.quota_exhausted else SkipReason.RATE_LIMITED
        return SkippedProvider(runtime.id, reason, runtime.gate.rate_limited_until(), error.message)
    if isinstance(error, ProviderUnavailableError):
        return runtime.unavailability() or SkippedProvider(
            runtime.id, SkipReason.CIRCUIT_OPEN, None, error.message
        )
    return None
