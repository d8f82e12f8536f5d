"""Many movies at once: the bulk runner behind `EnrichmentService.enrich_many` / `enrich_all`.

At most `concurrency` movies are enriched at once (each asks all providers in parallel; the
providers' pacers keep the total within their rates). A movie that fails becomes a "failed" result
and the run goes on; progress goes to a callback after each movie; a cancelled run keeps every movie
finished before it (each was committed on its own). `RequestMeter` counts the requests the run sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from datetime import datetime

from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.clock import Clock
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.logsetup import redact
from metarr_desktop.services.enrichment.results import EnrichOptions
from metarr_desktop.services.enrichment.results import EnrichReport
from metarr_desktop.services.enrichment.results import EnrichResult
from metarr_desktop.services.enrichment.results import ProgressCallback
from metarr_desktop.services.enrichment.results import ProgressOf
from metarr_desktop.services.enrichment.results import Status

log = logging.getLogger(__name__)

#: Movies enriched at once by `enrich_many` (each asks all providers in parallel; the providers'
#: pacers keep the total within their rates).
DEFAULT_CONCURRENCY = 12

#: Enrich one movie: (movie id, options, field authority, its provider-progress listener).
EnrichOne = Callable[
    [int, EnrichOptions, FieldAuthorityConfig, FetchProgress | None], Awaitable[EnrichResult]
]


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


async def enrich_safely(
    enrich: EnrichOne,
    movie_id: int,
    options: EnrichOptions,
    authority: FieldAuthorityConfig,
    progress: FetchProgress | None = None,
) -> EnrichResult:
    """`enrich`, with any failure of this one movie turned into a "failed" result."""
    try:
        return await enrich(movie_id, options, authority, progress)
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


async def run_bulk(
    enrich: EnrichOne,
    movie_ids: Sequence[int],
    options: EnrichOptions,
    *,
    authority: FieldAuthorityConfig,
    pool: ProviderPool,
    clock: Clock,
    concurrency: int,
    on_progress: ProgressCallback | None,
    report: EnrichReport,
    progress_of: ProgressOf | None,
    on_result: Callable[[EnrichResult], None] | None,
) -> EnrichReport:
    """Enrich `movie_ids` into `report` (see `EnrichmentService.enrich_many`)."""
    report.total = len(movie_ids)
    meter = RequestMeter(pool)
    started = clock.monotonic()
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
            result = await enrich_safely(enrich, movie_id, options, authority, listener)
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
        report.duration_s = clock.monotonic() - started
    return report
