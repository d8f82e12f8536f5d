"""The Qt-free job tracker and the text helpers (plain asyncio, no window)."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.services import formatting
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.services.jobs import EventKind
from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobEvent
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobListener
from metarr_desktop.services.jobs import JobState
from metarr_desktop.services.jobs import JobTracker
from tests.helpers.fakes import HANG
from tests.helpers.fakes import FakeProvider


def state_of(job: Job) -> JobState:
    """The state read afresh: mypy would keep `job.state` narrowed across the awaits that change it."""
    return job.state


REQUEST = MetadataRequest(ids=ExternalIds(tmdb=27205, imdb="tt1375666"))


class Recorder(JobListener):
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def job_added(self, job: Job) -> None:
        self.calls.append(("added", job.id))

    def job_event(self, job: Job, event: JobEvent) -> None:
        self.calls.append((f"event:{event.kind.value}", job.id))

    def job_updated(self, job: Job) -> None:
        self.calls.append((f"updated:{job.state.value}", job.id))

    def job_removed(self, job: Job) -> None:
        self.calls.append(("removed", job.id))


def build(clock: VirtualClock, **outcomes: list[object]) -> tuple[FetchOrchestrator, dict[str, FakeProvider]]:
    pool = ProviderPool(clock)
    fakes = {pid: FakeProvider(pid, clock, outcomes=list(o)) for pid, o in outcomes.items()}
    for fake in fakes.values():
        pool.add(fake)
    return FetchOrchestrator(pool, clock=clock, rng=random.Random(3)), fakes


async def test_a_fetch_job_records_every_provider_event() -> None:
    clock = VirtualClock()
    orchestrator, _ = build(clock, tmdb=[], omdb=[ServerError("omdb", "boom", status_code=503)])
    tracker = JobTracker(clock)
    recorder = Recorder()
    tracker.subscribe(recorder)

    async def body(handle: JobHandle) -> list[str]:
        results = await orchestrator.fetch_all(REQUEST, progress=handle.progress)
        handle.advance()
        return results.completed

    job = tracker.start("Refresh metadata: Inception", body, total=1)
    assert job.state is JobState.RUNNING
    assert await tracker.wait(job) == ["tmdb", "omdb"]
    assert state_of(job) is JobState.DONE and job.fraction == 1.0
    texts = [e.text for e in job.events]
    assert "tmdb: started" in texts and "tmdb: complete" in texts
    assert "omdb: retry 1 of 2" in texts
    assert texts[-1].endswith("complete")
    assert recorder.calls[0] == ("added", job.id)
    assert ("updated:done", job.id) in recorder.calls


async def test_an_item_of_a_bulk_job_records_its_retries_under_its_name() -> None:
    clock = VirtualClock()
    orchestrator, _ = build(
        clock,
        tmdb=[],
        omdb=[ServerError("omdb", "boom", status_code=503)] * 3,  # retried twice, then given up
    )
    tracker = JobTracker(clock)
    named: list[str] = []

    def name() -> str:
        named.append("Inception")
        return "Inception (2010)"

    async def body(handle: JobHandle) -> None:
        await orchestrator.fetch_all(REQUEST, progress=handle.progress_of(name))
        quiet = handle.progress_of(lambda: pytest.fail("nothing went wrong: the name is never needed"))
        await orchestrator.fetch_all(REQUEST, progress=quiet, providers=["tmdb"])

    job = tracker.start("Enrich all movies", body)
    await tracker.wait(job)
    assert job.state is JobState.DONE
    assert [e.text for e in job.events] == [
        "Inception (2010) · omdb: retry 1 of 2",
        "Inception (2010) · omdb: retry 2 of 2",
    ]  # how it ended is the job's own note, with the reason (ui/enrich_job.py)
    assert named == ["Inception"]  # worked out once, when first needed


async def test_cancel_really_stops_the_task_and_the_request() -> None:
    clock = VirtualClock()
    orchestrator, fakes = build(clock, tmdb=[HANG])
    tracker = JobTracker(clock)
    called = asyncio.Event()
    fakes["tmdb"].on_call = called.set
    job = tracker.start("Hanging fetch", lambda h: orchestrator.fetch_all(REQUEST, progress=h.progress))
    await called.wait()
    assert tracker.cancel(job.id) is True
    assert await tracker.wait(job) is None
    assert job.state is JobState.CANCELLED and job.task is not None and job.task.cancelled()
    assert fakes["tmdb"].cancelled == 1
    assert tracker.cancel(job.id) is False  # nothing left to cancel


async def test_a_job_cancelled_before_its_first_step_is_listed_as_cancelled() -> None:
    tracker = JobTracker(VirtualClock())
    started = []

    async def body(handle: JobHandle) -> None:
        started.append(True)

    job = tracker.start("never runs", body)
    assert tracker.cancel(job.id)
    assert await tracker.wait(job) is None
    assert job.state is JobState.CANCELLED and not started and tracker.running == []


async def test_a_failing_job_keeps_a_readable_error() -> None:
    tracker = JobTracker(VirtualClock())

    async def body(handle: JobHandle) -> None:
        handle.note("reading the folder")
        raise OSError("the folder /movies cannot be read")

    job = tracker.start("Scan", body)
    assert await tracker.wait(job) is None
    assert job.state is JobState.FAILED
    assert job.status_text == "failed: the folder /movies cannot be read"
    assert job.events[0].kind is EventKind.NOTE


async def test_old_finished_jobs_are_pruned_and_forgotten() -> None:
    tracker = JobTracker(VirtualClock(), keep_recent=2)
    recorder = Recorder()
    tracker.subscribe(recorder)

    async def quick(handle: JobHandle) -> int:
        return handle.job.id

    jobs = [tracker.start(f"job {n}", quick) for n in range(4)]
    for job in jobs:
        await tracker.wait(job)
    assert [j.id for j in tracker.jobs] == [3, 4]
    assert ("removed", 1) in recorder.calls and ("removed", 2) in recorder.calls
    assert tracker.forget(3) is True
    assert [j.id for j in tracker.jobs] == [4]
    with pytest.raises(KeyError):
        tracker.get(1)


async def test_cancel_all_waits_for_every_running_job() -> None:
    tracker = JobTracker(VirtualClock())
    started = asyncio.Event()

    async def forever(handle: JobHandle) -> None:
        started.set()
        await asyncio.Event().wait()

    jobs = [tracker.start("a", forever), tracker.start("b", forever)]
    await started.wait()
    await tracker.cancel_all()
    assert all(j.state is JobState.CANCELLED for j in jobs)
    assert tracker.running == []


def health(**changes: object) -> ProviderHealth:
    values: dict[str, object] = {
        "id": "omdb",
        "enabled": True,
        "status": HealthStatus.HEALTHY,
        "auto_disabled": False,
        "uptime_percent": 100.0,
        "avg_latency_ms": 120.0,
        "consecutive_failures": 0,
        "last_request_at": None,
        "last_error": None,
        "rate_limited_until": None,
        "requests_today": 0,
        "daily_quota": None,
    }
    values.update(changes)
    return ProviderHealth(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, DisplayStatus.HEALTHY),
        ({"enabled": False, "status": HealthStatus.DISABLED}, DisplayStatus.DISABLED),
        ({"status": HealthStatus.DOWN, "auto_disabled": True}, DisplayStatus.AUTO_DISABLED),
        ({"status": HealthStatus.DOWN}, DisplayStatus.DOWN),
        ({"status": HealthStatus.RATE_LIMITED, "auto_disabled": True}, DisplayStatus.RATE_LIMITED),
        ({"status": HealthStatus.DEGRADED}, DisplayStatus.DEGRADED),
        ({"status": HealthStatus.UNKNOWN}, DisplayStatus.UNKNOWN),
    ],
)
def test_display_status(changes: dict[str, object], expected: DisplayStatus) -> None:
    assert formatting.display_status(health(**changes)) is expected


def test_text_helpers() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert formatting.relative_time(None, now) == "never"
    assert formatting.relative_time(now, now) == "just now"
    assert formatting.relative_time(now - timedelta(seconds=5), now) == "5 s ago"
    assert formatting.relative_time(now - timedelta(minutes=2, seconds=10), now) == "2 min ago"
    assert formatting.relative_time(now + timedelta(hours=3), now) == "in 3 h"
    assert formatting.resets_in(now + timedelta(minutes=45), now) == "45 min"
    assert formatting.resets_in(now - timedelta(seconds=1), now) == "now"
    assert formatting.duration(26 * 3600) == "1 d 2 h"
    assert formatting.usage(870, 1000) == "870 / 1,000 (87 %)"
    assert formatting.usage(12, None) == "12 (no daily quota)"
    assert formatting.latency(1530) == "1.53 s"
    assert formatting.percent(None) == "-"


def test_the_qt_binding_keeps_references_to_none() -> None:
    """PySide6 6.12 on CPython 3.11 drops a reference to None on every void call until the
    interpreter aborts; pyproject.toml keeps that binding off 3.11. This guards the pin."""
    import sys

    from PySide6.QtCore import QObject

    holder = QObject()
    before = sys.getrefcount(None)
    for _ in range(2000):
        holder.setObjectName("x")
    assert sys.getrefcount(None) - before >= 0


async def test_a_job_whose_result_has_a_shortfall_does_not_say_just_done() -> None:
    from metarr_desktop.core.clock import VirtualClock
    from metarr_desktop.core.results import FailedProvider
    from metarr_desktop.services.enrichment import EnrichResult
    from metarr_desktop.services.enrichment import Status
    from metarr_desktop.services.jobs import JobTracker

    tracker = JobTracker(VirtualClock())

    async def body(handle: object) -> EnrichResult:
        return EnrichResult(
            1, Status.ENRICHED, failed=[FailedProvider("fanart", "HTTP 503", True)], timed_out=["tvdb"]
        )

    job = tracker.start("Refresh metadata: Inception", body)
    assert job.task is not None
    await job.task
    assert job.status_text == "done, but fanart failed, tvdb timed out"
