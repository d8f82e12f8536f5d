"""The activity page's model: jobs and their events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import Qt

from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobEvent
from metarr_desktop.services.jobs import JobState
from metarr_desktop.ui.common.models import ROOT
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import horizontal_header
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.safe_text import plain_tip

#: How many events of one job the activity page lists (the newest).
EVENTS_SHOWN = 200


class JobsModel(QAbstractItemModel):
    """Jobs (newest first) with their latest events as children: Job / event | Status | Time.

    A job's index has internal id 0; an event's index has its job's id as internal id, so the
    parent of an event is found without keeping Python objects in indexes. Each job shows a window
    of its last `events_shown` events: a long job reports thousands, and a tree of thousands of rows
    costs every relayout.

    Attributes:
        jobs: newest first.
        events_shown: the size of each job's window of events.
    """

    TITLE, STATUS, TIME = range(3)
    HEADERS = ("Job / event", "Status", "Started")

    def __init__(self, parent: QObject | None = None, *, events_shown: int = EVENTS_SHOWN) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []
        self.events_shown = events_shown
        #: job id -> (index in job.events of the first event shown, how many are shown)
        self._windows: dict[int, tuple[int, int]] = {}
        self._rows: dict[int, int] = {}
        self._times: dict[datetime, str] = {}

    def _reindex(self) -> None:
        self._rows = {job.id: number for number, job in enumerate(self.jobs)}

    def _job_row(self, job_id: int) -> int:
        return self._rows.get(job_id, -1)

    def _clock_text(self, at: datetime) -> str:
        text = self._times.get(at)
        if text is None:
            if len(self._times) > 20_000:
                self._times.clear()
            text = self._times[at] = at.astimezone().strftime("%H:%M:%S")
        return text

    def job_index(self, job: Job, column: int = 0) -> QModelIndex:
        row = self._job_row(job.id)
        return self.index(row, column) if row >= 0 else QModelIndex()

    def job_at(self, index: Index) -> Job | None:
        if not index.isValid():
            return None
        job_id = index.internalId()
        if job_id == 0:
            return self.jobs[index.row()] if 0 <= index.row() < len(self.jobs) else None
        row = self._rows.get(job_id, -1)
        return self.jobs[row] if row >= 0 else None

    # -- updates from the tracker (through the bridge) --------------------------------------------

    def set_jobs(self, jobs: list[Job]) -> None:
        self.beginResetModel()
        self.jobs = sorted(jobs, key=lambda j: j.id, reverse=True)
        self._windows = {j.id: self._window_of(j) for j in self.jobs}
        self._reindex()
        self.endResetModel()

    def add_job(self, job: Job) -> None:
        if self._job_row(job.id) >= 0:
            return
        self.beginInsertRows(ROOT, 0, 0)
        self.jobs.insert(0, job)
        self._windows[job.id] = self._window_of(job)
        self._reindex()
        self.endInsertRows()

    def _window_of(self, job: Job) -> tuple[int, int]:
        count = min(len(job.events), self.events_shown)
        return len(job.events) - count, count

    def hidden_events(self, job: Job) -> int:
        """How many older events of `job` are not shown."""
        return self._windows.get(job.id, (0, 0))[0]

    def add_event(self, job: Job, _event: JobEvent | None = None) -> None:
        """Show the events appended to `job.events` since the last call (in one batch)."""
        row = self._job_row(job.id)
        if row < 0:
            return
        parent = self.index(row, 0)
        start, count = self._windows.get(job.id, (0, 0))
        new = len(job.events) - (start + count)
        if new <= 0:
            return
        overflow = count + new - self.events_shown
        if overflow > 0:
            drop = min(overflow, count)
            if drop:
                self.beginRemoveRows(parent, 0, drop - 1)
                start, count = start + drop, count - drop
                self._windows[job.id] = (start, count)
                self.endRemoveRows()
            start += overflow - drop  # events that arrived and already fell out of the window
            new -= overflow - drop
            self._windows[job.id] = (start, count)
        self.beginInsertRows(parent, count, count + new - 1)
        self._windows[job.id] = (start, count + new)
        self.endInsertRows()

    def update_job(self, job: Job) -> None:
        row = self._job_row(job.id)
        if row >= 0:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 2))

    def remove_job(self, job: Job) -> None:
        row = self._job_row(job.id)
        if row < 0:
            return
        self.beginRemoveRows(ROOT, row, row)
        del self.jobs[row]
        self._windows.pop(job.id, None)
        self._reindex()
        self.endRemoveRows()

    # -- Qt model API ------------------------------------------------------------------------------

    def index(self, row: int, column: int = 0, parent: Index = ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() != 0:
            return QModelIndex()
        job = self.jobs[parent.row()]
        return self.createIndex(row, column, job.id)

    def parent(self, index: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        row = self._job_row(index.internalId())
        return self.createIndex(row, 0, 0) if row >= 0 else QModelIndex()

    def rowCount(self, parent: Index = ROOT) -> int:
        if not parent.isValid():
            return len(self.jobs)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return self._windows.get(self.jobs[parent.row()].id, (0, 0))[1]

    def columnCount(self, parent: Index = ROOT) -> int:
        return 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return horizontal_header(self.HEADERS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            if not 0 <= index.row() < len(self.jobs):
                return None
            return self._job_data(self.jobs[index.row()], index.column(), role)
        job = self.job_at(index)
        if job is None:
            return None
        start, count = self._windows.get(job.id, (0, 0))
        if not 0 <= index.row() < count:
            return None
        return self._event_data(job, job.events[start + index.row()], index.column(), role)

    def _job_data(self, job: Job, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TITLE:
                return job.title
            if column == self.STATUS:
                return job.status_text
            return self._clock_text(job.started_at)
        if role == Role.JOB_ID:
            return job.id
        if role == Role.JOB_STATE:
            return job.state.value
        if role == Role.PROGRESS:
            fraction = job.fraction
            return -1.0 if fraction is None else fraction
        if role == Qt.ItemDataRole.ToolTipRole and job.error:
            return plain_tip(job.error)
        if role == Qt.ItemDataRole.FontRole and job.state is JobState.RUNNING and column == self.TITLE:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def _event_data(self, job: Job, event: JobEvent, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.TITLE:
                return event.text
            if column == self.STATUS:
                return event.kind.value
            return self._clock_text(event.at)
        if role == Role.JOB_ID:
            return job.id
        if role == Role.EVENT_KIND:
            return event.kind.value
        if role == Role.PROVIDER_ID:
            return event.provider
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


__all__ = ["EVENTS_SHOWN", "JobsModel"]
