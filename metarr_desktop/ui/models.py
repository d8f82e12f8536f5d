"""Item models of the window: provider order, field-authority overrides, provider health, jobs.

Each model holds plain data (lists of dataclasses from the lower layers) and exposes it through
custom roles; views and delegates only show and edit it. Every model here is checked with
pytest-qt's ``qtmodeltester``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.fields import label
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.ui import formatting
from metarr_desktop.ui.formatting import DisplayStatus
from metarr_desktop.ui.jobs import Job, JobEvent, JobState
from metarr_desktop.ui.theme import status_icon

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


def horizontal_header(headers: tuple[str, ...], section: int, orientation: Qt.Orientation, role: int) -> Any:
    """`headerData` of a table whose columns are named by `headers` (and whose rows are not)."""
    if (
        orientation == Qt.Orientation.Horizontal
        and role == Qt.ItemDataRole.DisplayRole
        and 0 <= section < len(headers)
    ):
        return headers[section]
    return None


class HeadedTableModel(QAbstractTableModel):
    """A flat table whose columns are named by `HEADERS` (its rows are not): the row and column
    counts and the header, written once. Subclasses say how many rows there are (`row_count`) and
    give `data`."""

    HEADERS: tuple[str, ...] = ()

    def row_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return horizontal_header(self.HEADERS, section, orientation, role)


class Role(IntEnum):
    """Custom item roles shared by the models."""

    PROVIDER_ID = Qt.ItemDataRole.UserRole + 1
    ENABLED = Qt.ItemDataRole.UserRole + 2
    PRIORITY = Qt.ItemDataRole.UserRole + 3
    HINT = Qt.ItemDataRole.UserRole + 4
    FIELD = Qt.ItemDataRole.UserRole + 10
    PROVIDERS = Qt.ItemDataRole.UserRole + 11
    EXCLUSIVE = Qt.ItemDataRole.UserRole + 12
    HEALTH = Qt.ItemDataRole.UserRole + 20
    DISPLAY_STATUS = Qt.ItemDataRole.UserRole + 21
    JOB_ID = Qt.ItemDataRole.UserRole + 30
    JOB_STATE = Qt.ItemDataRole.UserRole + 31
    PROGRESS = Qt.ItemDataRole.UserRole + 32
    EVENT_KIND = Qt.ItemDataRole.UserRole + 33


# --------------------------------------------------------------------------------------------------
# Provider order (Picard style: an ordered list of (provider_id, enabled) pairs)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProviderRow:
    """One row of the provider list.

    Attributes:
        id: provider id.
        name: display name.
        enabled: the user's switch.
        hint: a short note shown under the name ("no API key"), or "".
    """

    id: str
    name: str
    enabled: bool
    hint: str = ""


PROVIDER_MIME = "application/x-metarr-provider-ids"


class ProviderOrderModel(QAbstractListModel):
    """The providers in priority order with their enabled switch; reordered by drag and drop.

    Rows move with `moveRows` (what `QListView` calls for an internal move) or `move`; the check
    state is the enabled switch. `pairs()` reads the model back as ``[(provider_id, enabled), ...]``.

    Attributes:
        rows: the providers, best first.
    """

    def __init__(self, rows: list[ProviderRow] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ProviderRow] = list(rows or [])

    # -- reading and writing the whole list -------------------------------------------------------

    def set_rows(self, rows: list[ProviderRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def pairs(self) -> list[tuple[str, bool]]:
        return [(row.id, row.enabled) for row in self.rows]

    def ids(self) -> list[str]:
        return [row.id for row in self.rows]

    def row_of(self, provider_id: str) -> int:
        for number, row in enumerate(self.rows):
            if row.id == provider_id:
                return number
        raise KeyError(provider_id)

    def set_hint(self, provider_id: str, hint: str) -> None:
        number = self.row_of(provider_id)
        self.rows[number] = replace(self.rows[number], hint=hint)
        index = self.index(number)
        self.dataChanged.emit(index, index, [Role.HINT, Qt.ItemDataRole.ToolTipRole])

    def set_enabled(self, provider_id: str, enabled: bool) -> None:
        self.setData(self.index(self.row_of(provider_id)), enabled, Role.ENABLED)

    # -- Qt model API ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row() + 1}.  {row.name}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if row.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            text = f"{row.name} ({row.id}): {'enabled' if row.enabled else 'disabled'}"
            return f"{text}. {row.hint}" if row.hint else text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row.name}, priority {index.row() + 1}, {'enabled' if row.enabled else 'disabled'}"
        if role == Role.PROVIDER_ID:
            return row.id
        if role == Role.ENABLED:
            return row.enabled
        if role == Role.PRIORITY:
            return index.row() + 1
        if role == Role.HINT:
            return row.hint
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return False
        if role == Qt.ItemDataRole.CheckStateRole:
            enabled = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role == Role.ENABLED:
            enabled = bool(value)
        else:
            return False
        row = self.rows[index.row()]
        if row.enabled != enabled:
            self.rows[index.row()] = replace(row, enabled=enabled)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole, Role.ENABLED])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update(
            {
                int(Role.PROVIDER_ID): QByteArray(b"providerId"),
                int(Role.ENABLED): QByteArray(b"enabled"),
                int(Role.PRIORITY): QByteArray(b"priority"),
            }
        )
        return names

    # -- moving ----------------------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [PROVIDER_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        mime = QMimeData()
        ids = [self.rows[i.row()].id for i in sorted(indexes, key=lambda i: i.row()) if i.isValid()]
        mime.setData(PROVIDER_MIME, QByteArray("\n".join(ids).encode()))
        return mime

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        """A drop from another view: move the named providers to `row` (used when the list view
        does not move rows itself)."""
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not data.hasFormat(PROVIDER_MIME) or action != Qt.DropAction.MoveAction:
            return False
        ids = bytes(data.data(PROVIDER_MIME).data()).decode().split("\n")
        target = row if row >= 0 else (parent.row() if parent.isValid() else len(self.rows))
        for provider_id in ids:
            if provider_id not in self.ids():
                return False
            source = self.row_of(provider_id)
            self.move(source, target)
            target = self.row_of(provider_id) + 1
        return False  # moved here already: tell the view not to remove the source rows

    def moveRows(
        self, source_parent: Index, source_row: int, count: int, dest_parent: Index, dest_child: int
    ) -> bool:
        """Move `count` rows starting at `source_row` to before `dest_child` (Qt's convention)."""
        if source_parent.isValid() or dest_parent.isValid() or count < 1:
            return False
        if source_row < 0 or source_row + count > len(self.rows) or not 0 <= dest_child <= len(self.rows):
            return False
        if source_row <= dest_child <= source_row + count:
            return dest_child in (source_row, source_row + count)  # a no-op move
        if not self.beginMoveRows(_ROOT, source_row, source_row + count - 1, _ROOT, dest_child):
            return False
        moving = self.rows[source_row : source_row + count]
        del self.rows[source_row : source_row + count]
        insert_at = dest_child - count if dest_child > source_row else dest_child
        self.rows[insert_at:insert_at] = moving
        self.endMoveRows()
        self._renumbered()
        return True

    def move(self, source: int, target: int) -> bool:
        """Move one row so that it ends up at position `target` (0-based, after removal)."""
        if not 0 <= source < len(self.rows):
            return False
        target = max(0, min(target, len(self.rows) - 1))
        if source == target:
            return False
        dest = target + 1 if target > source else target
        return self.moveRows(_ROOT, source, 1, _ROOT, dest)

    def _renumbered(self) -> None:
        if self.rows:
            self.dataChanged.emit(
                self.index(0),
                self.index(len(self.rows) - 1),
                [Qt.ItemDataRole.DisplayRole, Role.PRIORITY, Qt.ItemDataRole.AccessibleTextRole],
            )


# --------------------------------------------------------------------------------------------------
# Field-authority overrides
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OverrideRow:
    """One field-authority override: the field, its providers best first, exclusive or not."""

    field: str
    providers: tuple[str, ...]
    exclusive: bool = False

    def to_authority(self) -> FieldAuthority:
        return FieldAuthority(list(self.providers), self.exclusive)


class FieldAuthorityModel(HeadedTableModel):
    """Per-field overrides: Field | Providers (best first) | Exclusive.

    Attributes:
        rows: the overrides in display order.
        names: provider id -> display name (for the providers column).
    """

    FIELD, PROVIDERS, EXCLUSIVE = range(3)
    HEADERS = ("Field", "Providers (best first)", "Exclusive")

    def __init__(self, names: dict[str, str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[OverrideRow] = []
        self.names: dict[str, str] = dict(names or {})

    def set_rows(self, rows: list[OverrideRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def authorities(self) -> dict[str, FieldAuthority]:
        return {row.field: row.to_authority() for row in self.rows}

    def fields(self) -> list[str]:
        return [row.field for row in self.rows]

    def add(self, row: OverrideRow) -> int:
        """Append an override (or replace the one for the same field); returns its row."""
        for number, existing in enumerate(self.rows):
            if existing.field == row.field:
                self.rows[number] = row
                self.dataChanged.emit(self.index(number, 0), self.index(number, 2))
                return number
        number = len(self.rows)
        self.beginInsertRows(_ROOT, number, number)
        self.rows.append(row)
        self.endInsertRows()
        return number

    def remove(self, number: int) -> bool:
        return self.removeRows(number, 1)

    def removeRows(self, row: int, count: int, parent: Index = _ROOT) -> bool:
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self.rows):
            return False
        self.beginRemoveRows(_ROOT, row, row + count - 1)
        del self.rows[row : row + count]
        self.endRemoveRows()
        return True

    def providers_text(self, providers: tuple[str, ...]) -> str:
        if not providers:
            return "(no provider)"
        return " > ".join(self.names.get(p, p) for p in providers)

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Role.FIELD:
            return row.field
        if role == Role.PROVIDERS:
            return list(row.providers)
        if role == Role.EXCLUSIVE:
            return row.exclusive
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.FIELD:
                return label(row.field)
            if column == self.PROVIDERS:
                return self.providers_text(row.providers)
            return None
        if role == Qt.ItemDataRole.CheckStateRole and column == self.EXCLUSIVE:
            return Qt.CheckState.Checked if row.exclusive else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.FIELD:
                return row.field
            if column == self.PROVIDERS:
                return "Double-click or press F2 to choose and order the providers"
            return "Exclusive: never fall back to other providers for this field"
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return False
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self.EXCLUSIVE:
            new = replace(row, exclusive=Qt.CheckState(value) == Qt.CheckState.Checked)
        elif role == Role.EXCLUSIVE:
            new = replace(row, exclusive=bool(value))
        elif role == Role.PROVIDERS:
            new = replace(row, providers=tuple(str(p) for p in value))
        else:
            return False
        self.rows[index.row()] = new
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), 2))
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.EXCLUSIVE:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags


# --------------------------------------------------------------------------------------------------
# Provider health
# --------------------------------------------------------------------------------------------------


class HealthModel(QAbstractListModel):
    """One row per provider with its latest `ProviderHealth` snapshot.

    Attributes:
        rows: the snapshots, in priority order as first loaded; new providers are appended.
        names: provider id -> display name.
    """

    def __init__(self, names: dict[str, str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ProviderHealth] = []
        self.names: dict[str, str] = dict(names or {})

    def set_snapshots(self, snapshots: list[ProviderHealth]) -> None:
        self.beginResetModel()
        self.rows = list(snapshots)
        self.endResetModel()

    def update(self, health: ProviderHealth) -> int:
        """Replace that provider's snapshot (or append it); returns its row."""
        for number, existing in enumerate(self.rows):
            if existing.id == health.id:
                self.rows[number] = health
                index = self.index(number)
                self.dataChanged.emit(index, index)
                return number
        number = len(self.rows)
        self.beginInsertRows(_ROOT, number, number)
        self.rows.append(health)
        self.endInsertRows()
        return number

    def health(self, provider_id: str) -> ProviderHealth:
        for row in self.rows:
            if row.id == provider_id:
                return row
        raise KeyError(provider_id)

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        health = self.rows[index.row()]
        status = formatting.display_status(health)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{self.names.get(health.id, health.id)}: {status.label}"
        if role == Qt.ItemDataRole.DecorationRole:
            return status_icon(status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return health.last_error or status.label
        if role == Role.PROVIDER_ID:
            return health.id
        if role == Role.HEALTH:
            return health
        if role == Role.DISPLAY_STATUS:
            return status.value
        if role == Role.ENABLED:
            return health.enabled
        return None


# --------------------------------------------------------------------------------------------------
# Jobs and their events (a two-level tree)
# --------------------------------------------------------------------------------------------------


#: A job shows at most its latest this many events (the job itself keeps them all).
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
        self.beginInsertRows(_ROOT, 0, 0)
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
        self.beginRemoveRows(_ROOT, row, row)
        del self.jobs[row]
        self._windows.pop(job.id, None)
        self._reindex()
        self.endRemoveRows()

    # -- Qt model API ------------------------------------------------------------------------------

    def index(self, row: int, column: int = 0, parent: Index = _ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() != 0:
            return QModelIndex()
        job = self.jobs[parent.row()]
        return self.createIndex(row, column, job.id)

    def parent(self, index: Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        row = self._job_row(index.internalId())
        return self.createIndex(row, 0, 0) if row >= 0 else QModelIndex()

    def rowCount(self, parent: Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self.jobs)
        if parent.column() != 0 or parent.internalId() != 0:
            return 0
        return self._windows.get(self.jobs[parent.row()].id, (0, 0))[1]

    def columnCount(self, parent: Index = _ROOT) -> int:
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
            return job.error
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


__all__ = [
    "DisplayStatus",
    "FieldAuthorityModel",
    "HealthModel",
    "JobsModel",
    "OverrideRow",
    "ProviderOrderModel",
    "ProviderRow",
    "Role",
]
