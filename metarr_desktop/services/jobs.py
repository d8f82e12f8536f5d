"""The job registry of the window: running and recent jobs, their per-provider events, cancellation.

Qt-free on purpose: a `JobTracker` holds the asyncio task of every job it started and the
`FetchProgress` events reported while it ran, and tells plain-callback listeners about every change.
The window's `JobBridge` (``ui/bridge.py``) turns those callbacks into Qt signals; tests drive the
tracker directly.

A job is any coroutine; it receives a `JobHandle` to report steps (``advance``) and to pass
``handle.progress`` to `FetchOrchestrator.fetch_all` / `call`, which then records each provider's
start, retries, timeouts and completion under that job. `JobTracker.cancel` cancels the task itself,
so the engine's cancellation reaches the HTTP requests in flight.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Any

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.clock import SystemClock
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.services.progress import ProviderBoard
from metarr_desktop.services.progress import ProviderProgress
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.services.progress import chip_text

log = logging.getLogger(__name__)

#: How many finished jobs are kept for the Activity view.
RECENT_JOBS = 50


class JobState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self is not JobState.RUNNING


class EventKind(StrEnum):
    START = "start"
    RETRY = "retry"
    TIMEOUT = "timeout"
    COMPLETE = "complete"
    FAILED = "failed"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class JobEvent:
    """One thing that happened during a job (usually one provider's progress).

    Attributes:
        at: when it happened (UTC).
        kind: start, retry, timeout, complete, failed (a provider's part ended without success), note.
        provider: the provider id, or "" for a note about the whole job.
        attempt, max_retries: for retries, "retry `attempt` of `max_retries`".
        message: a note's text; for a provider event, the item of a bulk job it concerns (or "").
    """

    at: datetime
    kind: EventKind
    provider: str = ""
    attempt: int = 0
    max_retries: int = 0
    message: str = ""

    @property
    def text(self) -> str:
        """The event as one line a user can read (a provider event about one item of a bulk job
        carries that item's name in `message` and reads "Inception (2010) · tmdb: retry 1 of 2")."""
        if self.kind is not EventKind.NOTE and self.message:
            return f"{self.message} · {self._provider_text()}"
        return self._provider_text() if self.kind is not EventKind.NOTE else self.message

    def _provider_text(self) -> str:
        if self.kind is EventKind.START:
            return f"{self.provider}: started"
        if self.kind is EventKind.RETRY:
            retry = ProviderProgress(self.provider, ProviderState.RETRY, self.attempt, self.max_retries)
            return f"{self.provider}: {chip_text(retry)}"
        if self.kind is EventKind.TIMEOUT:
            return f"{self.provider}: timed out (request cancelled)"
        if self.kind is EventKind.COMPLETE:
            return f"{self.provider}: complete"
        if self.kind is EventKind.FAILED:
            return f"{self.provider}: no result"
        return self.message


@dataclass(eq=False)
class Job:
    """A running or finished job.

    Attributes:
        id: unique within the tracker, increasing.
        title: what the user sees ("Refresh metadata: Inception").
        state: running, done, failed or cancelled.
        started_at, finished_at: UTC times.
        total: how many steps the job has, when known (for a determinate progress bar).
        done: how many steps are finished.
        events: everything reported while it ran, oldest first.
        error: a readable message when it failed.
        result: what the coroutine returned.
    """

    id: int
    title: str
    started_at: datetime
    state: JobState = JobState.RUNNING
    finished_at: datetime | None = None
    total: int | None = None
    done: int = 0
    events: list[JobEvent] = field(default_factory=list)
    error: str | None = None
    result: Any = None
    task: asyncio.Task[Any] | None = field(default=None, repr=False)

    @property
    def fraction(self) -> float | None:
        """Progress between 0 and 1, or None when the number of steps is unknown."""
        if self.state is JobState.DONE:
            return 1.0
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    @property
    def status_text(self) -> str:
        if self.state is JobState.RUNNING:
            return f"running, {self.done} of {self.total}" if self.total else "running"
        if self.state is JobState.FAILED:
            return f"failed: {self.error}" if self.error else "failed"
        shortfall = getattr(self.result, "shortfall", None)
        if self.state is JobState.DONE and isinstance(shortfall, str) and shortfall:
            return f"done, but {shortfall}"
        return self.state.value


class JobListener:
    """Receives tracker changes; override what you need. Called on the event loop's thread."""

    def job_added(self, job: Job) -> None:
        """A job started."""

    def job_event(self, job: Job, event: JobEvent) -> None:
        """An event was appended to `job.events`."""

    def job_updated(self, job: Job) -> None:
        """The job's state or step count changed."""

    def job_removed(self, job: Job) -> None:
        """A finished job fell out of the recent list."""


class JobProgress(ProviderBoard):
    """The progress of one job: each provider's state (the one state machine of `services.progress`,
    readable as `states`), and every engine callback of a provider becomes a `JobEvent`."""

    def __init__(self, tracker: JobTracker, job: Job) -> None:
        super().__init__()
        self._tracker = tracker
        self._job = job

    def on_provider_start(self, provider: str) -> None:
        super().on_provider_start(provider)
        self._tracker.record(self._job, EventKind.START, provider)

    def on_provider_complete(self, provider: str, success: bool) -> None:
        super().on_provider_complete(provider, success)
        self._tracker.record(self._job, EventKind.COMPLETE if success else EventKind.FAILED, provider)

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        super().on_provider_retry(provider, attempt, max_retries)
        self._tracker.record(self._job, EventKind.RETRY, provider, attempt=attempt, max_retries=max_retries)

    def on_provider_timeout(self, provider: str) -> None:
        super().on_provider_timeout(provider)
        self._tracker.record(self._job, EventKind.TIMEOUT, provider)


class NotableProgress(ProviderBoard):
    """The progress of one item of a bulk job: its providers' states are kept (`states`), and only
    retries and timeouts are recorded, live, named after the item. A library-wide run would otherwise
    keep eight events per movie that nobody reads; how an item ended (with the reasons) is the job's
    own note (see ``services/enrich_job.py``)."""

    def __init__(self, tracker: JobTracker, job: Job, subject: str | Callable[[], str]) -> None:
        super().__init__()
        self._tracker = tracker
        self._job = job
        self._subject = subject

    @property
    def subject(self) -> str:
        """The item's name (worked out only when something is recorded)."""
        if callable(self._subject):
            self._subject = self._subject()
        return self._subject

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        super().on_provider_retry(provider, attempt, max_retries)
        self._tracker.record(
            self._job,
            EventKind.RETRY,
            provider,
            attempt=attempt,
            max_retries=max_retries,
            message=self.subject,
        )

    def on_provider_timeout(self, provider: str) -> None:
        super().on_provider_timeout(provider)
        self._tracker.record(self._job, EventKind.TIMEOUT, provider, message=self.subject)


class JobHandle:
    """What a job's coroutine gets: its progress sink and step counter.

    Attributes:
        job: the job being run.
        progress: pass to the orchestrator so that provider events land in this job.
    """

    def __init__(self, tracker: JobTracker, job: Job) -> None:
        self._tracker = tracker
        self.job = job
        self.progress = JobProgress(tracker, job)

    def set_total(self, total: int | None) -> None:
        self.job.total = total
        self._tracker.changed(self.job)

    def advance(self, steps: int = 1) -> None:
        self.job.done += steps
        self._tracker.changed(self.job)

    def note(self, message: str) -> None:
        self._tracker.record(self.job, EventKind.NOTE, message=message)

    def progress_of(self, subject: str | Callable[[], str]) -> FetchProgress:
        """The progress listener for one item of a bulk job ("Inception (2010)", or a function that
        names it when first needed): its providers' retries and timeouts land in this job, named
        after the item."""
        return NotableProgress(self._tracker, self.job, subject)


JobBody = Callable[[JobHandle], Awaitable[Any]]


class JobTracker:
    """Running and recent jobs; starts them as asyncio tasks and cancels them on request.

    Attributes:
        jobs: every job still listed, in the order they were started.
    """

    def __init__(self, clock: Clock | None = None, *, keep_recent: int = RECENT_JOBS) -> None:
        self._clock = clock or SystemClock()
        self._ids = itertools.count(1)
        self._keep_recent = keep_recent
        self._listeners: list[JobListener] = []
        self.jobs: list[Job] = []

    # -- listeners -------------------------------------------------------------------------------

    def subscribe(self, listener: JobListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _tell(self, method: str, *args: Any) -> None:
        for listener in list(self._listeners):
            try:
                getattr(listener, method)(*args)
            except Exception:  # a broken view must not break the job
                log.exception("job listener failed")

    # -- jobs ------------------------------------------------------------------------------------

    def start(self, title: str, body: JobBody, *, total: int | None = None) -> Job:
        """Run `body(handle)` as a task on the running loop and list it; returns the job at once."""
        job = Job(id=next(self._ids), title=title, started_at=self._clock.now(), total=total)
        handle = JobHandle(self, job)
        self.jobs.append(job)
        self._tell("job_added", job)
        job.task = asyncio.get_running_loop().create_task(self._run(job, body, handle), name=f"job-{job.id}")
        job.task.add_done_callback(lambda task: self._cancelled_before_start(job, task))
        return job

    def _cancelled_before_start(self, job: Job, task: asyncio.Task[Any]) -> None:
        """A task cancelled before its first step never enters `_run`: finish its job here."""
        if task.cancelled() and job.state is JobState.RUNNING:
            self._finish(job, JobState.CANCELLED)

    async def _run(self, job: Job, body: JobBody, handle: JobHandle) -> Any:
        try:
            job.result = await body(handle)
        except asyncio.CancelledError:
            self._finish(job, JobState.CANCELLED)
            raise
        except Exception as exc:
            log.warning("job %r failed: %s", job.title, exc, exc_info=not isinstance(exc, OSError))
            job.error = str(exc) or type(exc).__name__
            self._finish(job, JobState.FAILED)
            return None
        self._finish(job, JobState.DONE)
        return job.result

    def _finish(self, job: Job, state: JobState) -> None:
        job.state = state
        job.finished_at = self._clock.now()
        self._tell("job_updated", job)
        self._prune()

    def _prune(self) -> None:
        finished = [j for j in self.jobs if j.state.finished]
        for job in finished[: max(0, len(finished) - self._keep_recent)]:
            self.jobs.remove(job)
            self._tell("job_removed", job)

    def record(
        self,
        job: Job,
        kind: EventKind,
        provider: str = "",
        *,
        attempt: int = 0,
        max_retries: int = 0,
        message: str = "",
    ) -> JobEvent:
        event = JobEvent(self._clock.now(), kind, provider, attempt, max_retries, message)
        job.events.append(event)
        self._tell("job_event", job, event)
        return event

    def changed(self, job: Job) -> None:
        self._tell("job_updated", job)

    def get(self, job_id: int) -> Job:
        for job in self.jobs:
            if job.id == job_id:
                return job
        raise KeyError(f"no job {job_id}")

    def forget(self, job_id: int) -> bool:
        """Drop a finished job from the list (running jobs stay); True when one was dropped."""
        job = self.get(job_id)
        if not job.state.finished:
            return False
        self.jobs.remove(job)
        self._tell("job_removed", job)
        return True

    @property
    def running(self) -> list[Job]:
        return [j for j in self.jobs if j.state is JobState.RUNNING]

    def cancel(self, job_id: int) -> bool:
        """Ask a running job's task to stop; True when there was one to cancel."""
        job = self.get(job_id)
        if job.state is not JobState.RUNNING or job.task is None or job.task.done():
            return False
        job.task.cancel()
        return True

    async def wait(self, job: Job) -> Any:
        """Wait for a job to finish (cancelled jobs return None); the result or None."""
        if job.task is None:
            return job.result
        try:
            return await asyncio.shield(job.task)
        except asyncio.CancelledError:
            if job.task.cancelled():
                return None
            raise

    async def cancel_all(self) -> None:
        """Cancel every running job and wait until they have all stopped (used at shutdown)."""
        tasks = [j.task for j in self.running if j.task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
