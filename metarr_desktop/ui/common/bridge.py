"""Bridges from plain engine callbacks to Qt signals, and small asyncio/Qt helpers.

The engine and the job tracker know nothing of Qt: they call plain listeners on the event loop's
thread (which, under qasync, is the Qt thread). The bridges here subscribe once and re-emit every
callback as a signal; widgets connect only to these signals.

`dialog_result` opens a dialog with ``open()`` and returns a future of its result, so a coroutine can
await a dialog without a nested, modal ``exec()`` loop.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from collections.abc import Coroutine
from typing import Any
from typing import TypeVar
from typing import cast

from PySide6.QtCore import QObject
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog
from qasync import asyncSlot

from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobEvent
from metarr_desktop.services.jobs import JobListener
from metarr_desktop.services.jobs import JobTracker

F = TypeVar("F", bound=Callable[..., Any])


def async_slot(*types: type) -> Callable[[F], F]:
    """qasync's ``@asyncSlot`` with its type kept (qasync ships no type hints).

    The decorated method stays a thin wrapper: it only awaits a plain ``async def`` that tests call.
    """
    return cast(Callable[[F], F], asyncSlot(*types))


_background: set[asyncio.Task[Any]] = set()


def spawn(coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Run a coroutine from synchronous Qt code; an exception it raises goes to ``sys.excepthook``
    (as one escaping an ``@asyncSlot`` does), never silently lost."""
    task = asyncio.get_running_loop().create_task(coroutine)
    _background.add(task)

    def done(finished: asyncio.Task[Any]) -> None:
        _background.discard(finished)
        if not finished.cancelled() and (error := finished.exception()) is not None:
            sys.excepthook(type(error), error, error.__traceback__)

    task.add_done_callback(done)
    return task


class HealthBridge(QObject):
    """Re-emits every health snapshot the provider pool pushes.

    Signals:
        healthChanged(ProviderHealth): one provider's fresh snapshot.
    """

    healthChanged = Signal(object)

    def __init__(self, pool: ProviderPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool
        self._unsubscribe = pool.subscribe(self._on_health)

    def _on_health(self, health: ProviderHealth) -> None:
        self.healthChanged.emit(health)

    def snapshot(self) -> list[ProviderHealth]:
        return self.pool.health()

    def close(self) -> None:
        self._unsubscribe()


class _JobForwarder(JobListener):
    def __init__(self, bridge: JobBridge) -> None:
        self._bridge = bridge

    def job_added(self, job: Job) -> None:
        self._bridge.jobAdded.emit(job)

    def job_event(self, job: Job, event: JobEvent) -> None:
        self._bridge.jobEvent.emit(job, event)

    def job_updated(self, job: Job) -> None:
        self._bridge.jobUpdated.emit(job)

    def job_removed(self, job: Job) -> None:
        self._bridge.jobRemoved.emit(job)


class JobBridge(QObject):
    """The job tracker as Qt signals.

    Attributes:
        tracker: the Qt-free registry of jobs.

    Signals:
        jobAdded(Job), jobEvent(Job, JobEvent), jobUpdated(Job), jobRemoved(Job)
    """

    jobAdded = Signal(object)
    jobEvent = Signal(object, object)
    jobUpdated = Signal(object)
    jobRemoved = Signal(object)

    def __init__(self, tracker: JobTracker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self._unsubscribe = tracker.subscribe(_JobForwarder(self))

    def close(self) -> None:
        self._unsubscribe()


def dialog_result(dialog: QDialog) -> asyncio.Future[int]:
    """Open `dialog` window-modally with ``open()``; the future resolves to its result code."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        dialog.finished.disconnect(finished)
        if not future.done():
            future.set_result(int(code))

    dialog.finished.connect(finished)
    dialog.open()
    return future
