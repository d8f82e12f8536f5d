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
from collections.abc import Awaitable, Callable, Collection
from enum import StrEnum
from typing import TypeVar

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.providers import MetadataRequest, Priority, ProviderData
from metarr_desktop.core.results import FailedProvider, ProviderResults
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.health import OrchestratorMetrics
from metarr_desktop.engine.resilience import call_with_retries, run_with_timeout
from metarr_desktop.engine.runtime import ProviderPool, ProviderRuntime
from metarr_desktop.providers.base import MetadataProvider, describe_error
from metarr_desktop.providers.errors import (
    BadResponseError,
    DeadlineExceededError,
    NotFoundError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
)

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
        metrics: counts over every `fetch_all`.
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
    ) -> T:
        """Run one operation on one provider with pacing, retries, timeout, breaker and health.

        Raises `ProviderUnavailableError` without any request when the provider is rate limited,
        out of quota or its circuit is open; otherwise the operation's result or its final
        `ProviderError` (`ProviderTimeoutError` when the budget ran out).
        """
        runtime = self.pool.get(provider_id)
        reason = runtime.unavailable_reason()
        if reason is not None or not runtime.breaker.allow():
            raise ProviderUnavailableError(provider_id, reason or "circuit open after repeated failures")
        policy = runtime.settings.policy(priority)
        budget = policy.timeout_s if timeout_s is None else min(timeout_s, policy.timeout_s)
        deadline = self.clock.monotonic() + budget
        progress = progress or FetchProgress()

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
            return await self._attempt(runtime, operation)

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
            return await run_with_timeout(work, budget, clock=self.clock, provider=provider_id)
        except DeadlineExceededError as exc:
            self._record_failure(runtime, exc.message)
            progress.on_provider_timeout(provider_id)
            raise
        except ProviderTimeoutError:
            progress.on_provider_timeout(provider_id)
            raise

    async def _attempt(self, runtime: ProviderRuntime, operation: Operation[T]) -> T:
        started = self.clock.monotonic()
        try:
            result = await operation(runtime.provider)
        except NotFoundError:
            self._record_success(runtime, started)
            raise
        except RateLimitedError as exc:
            runtime.gate.note_rate_limited(exc)
            runtime.breaker.release_probe()
            runtime.health.record_rate_limited(exc.message, self.clock.now())
            self.pool.notify(runtime)
            raise
        except ProviderError as exc:
            if exc.health_failure:
                self._record_failure(runtime, exc.message)
            else:
                runtime.breaker.release_probe()
            raise
        except asyncio.CancelledError:
            runtime.breaker.release_probe()
            raise
        except Exception as exc:  # a bug in a client must cost that provider, not the whole fetch
            log.exception("%s: unexpected error while reading its answer", runtime.id)
            self._record_failure(runtime, f"could not read the answer ({type(exc).__name__})")
            raise BadResponseError(runtime.id, f"could not read the answer ({type(exc).__name__})") from exc
        self._record_success(runtime, started)
        return result

    def _record_success(self, runtime: ProviderRuntime, started: float) -> None:
        latency_ms = (self.clock.monotonic() - started) * 1000.0
        runtime.health.record_success(latency_ms, self.clock.now())
        runtime.breaker.record_success()
        self.pool.notify(runtime)

    def _record_failure(self, runtime: ProviderRuntime, message: str) -> None:
        runtime.health.record_failure(message, self.clock.now())
        runtime.breaker.record_failure()
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
        """
        progress = progress or FetchProgress()
        started = self.clock.monotonic()
        results = ProviderResults(fetched_at=self.clock.now(), min_successful=min_successful)
        runnable: list[ProviderRuntime] = []
        for runtime in self.pool.enabled(providers):
            if request.entity_type not in runtime.provider.capabilities.entity_types or not (
                runtime.provider.capabilities.accepts(request.ids)
            ):
                results.skipped.append(runtime.id)
                results.providers[runtime.id] = None
                continue
            if runtime.unavailable_reason() is not None:
                results.rate_limited.append(runtime.id)
                results.providers[runtime.id] = None
                continue
            runnable.append(runtime)

        global_deadline = None if deadline_s is None else started + deadline_s

        def operation(provider: MetadataProvider) -> Awaitable[ProviderData]:
            return provider.get_metadata(request)

        async def run_one(runtime: ProviderRuntime) -> None:
            timeout = None
            if global_deadline is not None:
                timeout = max(0.0, global_deadline - self.clock.monotonic())
            await self._fetch_one(runtime, operation, priority, progress, timeout, results)

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
        self.metrics.record_execution(not results.all_failed, results.duration_s)
        return results

    async def _fetch_one(
        self,
        runtime: ProviderRuntime,
        operation: Operation[ProviderData],
        priority: Priority,
        progress: FetchProgress,
        timeout_s: float | None,
        results: ProviderResults,
    ) -> None:
        pid = runtime.id
        started = self.clock.monotonic()
        progress.on_provider_start(pid)
        data: ProviderData | None = None
        success = False
        try:
            data = await self.call(pid, operation, priority=priority, progress=progress, timeout_s=timeout_s)
        except ProviderTimeoutError:
            results.timed_out.append(pid)
        except NotFoundError:
            results.not_found.append(pid)
            success = True
        except (RateLimitedError, ProviderUnavailableError):
            results.rate_limited.append(pid)
        except ProviderError as exc:
            results.failed.append(FailedProvider(pid, describe_error(exc), exc.retryable))
        else:
            if data.fetched_at is None:
                data.fetched_at = self.clock.now()
            results.completed.append(pid)
            success = True
        results.providers[pid] = data
        self.metrics.record_provider(pid, success and data is not None, self.clock.monotonic() - started)
        progress.on_provider_complete(pid, success)
