"""Models of the movie page: the fields with their sources and locks, a refresh's change set, the
enrichment history.

The models hold plain data from the services (`MovieDetail`, `ChangeSet`, `EnrichmentLogRecord`);
the page's delegates paint them. Writing goes through callbacks the page sets (`FieldsModel.writer`,
`FieldsModel.locker`), so that the model never reaches into the store. The values' texts live in
`ui.movie.values` and each provider's progress in `services.progress` (both Qt-free; the names are
importable from here too; `RefreshProgress` is the services' `ProviderBoard`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QGuiApplication
from PySide6.QtGui import QPalette

from metarr_desktop.core.changes import FieldChange
from metarr_desktop.core.changes import sync_reason_text
from metarr_desktop.core.fields import FIELD_GROUPS
from metarr_desktop.core.fields import label
from metarr_desktop.core.languages import is_preferred
from metarr_desktop.core.records import EnrichmentLogRecord
from metarr_desktop.services import formatting
from metarr_desktop.services.movie_fields import USER_SOURCE
from metarr_desktop.services.movie_fields import FieldDetail
from metarr_desktop.services.movie_fields import MovieDetail
from metarr_desktop.services.movie_fields import input_hint
from metarr_desktop.services.movie_fields import is_editable
from metarr_desktop.services.progress import ProviderBoard
from metarr_desktop.services.progress import ProviderProgress
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import RowTableModel
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.safe_text import escape
from metarr_desktop.ui.common.safe_text import plain_tip
from metarr_desktop.ui.movie.values import CAST_SHOWN
from metarr_desktop.ui.movie.values import RATING_NAMES
from metarr_desktop.ui.movie.values import RATING_SOURCE_FIELDS
from metarr_desktop.ui.movie.values import cast_text
from metarr_desktop.ui.movie.values import display_value
from metarr_desktop.ui.movie.values import edit_text
from metarr_desktop.ui.movie.values import rating_scale
from metarr_desktop.ui.movie.values import rating_text
from metarr_desktop.ui.movie.values import short_value
from metarr_desktop.ui.movie.values import source_name


def _muted() -> QColor:
    return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)


# --------------------------------------------------------------------------------------------------
# The fields
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _GroupRow:
    title: str


Writer = Callable[[str, str], FieldDetail]
Locker = Callable[[str, bool], None]


class FieldsModel(RowTableModel[_GroupRow | str]):
    """Every canonical field of one movie, grouped: Field | Value | Source | Lock.

    Group rows (a title spanning the row) come before each group's fields. A field's value is
    edited through the Edit role of the Value column (`writer(field, text)` stores it and returns the
    new state, or raises with a message); its lock through the check state of the Lock column
    (`locker(field, locked)`).

    Attributes:
        details: field name -> what is shown.
        names: provider id -> display name (for the source badges).
        writer, locker: set by the page; without them the table is read-only.

    Signals:
        edited(str): a field was changed by hand (and locked).
        lockChanged(str, bool): a field was locked or unlocked.
        failed(str): an edit or a lock could not be stored (the message says why).
    """

    FIELD, VALUE, SOURCE, LOCK = range(4)
    HEADERS = ("Field", "Value", "Source", "Lock")

    edited = Signal(str)
    lockChanged = Signal(str, bool)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        for title, names in FIELD_GROUPS:
            self.rows.append(_GroupRow(title))
            self.rows.extend(names)
        self._row_of = {row: number for number, row in enumerate(self.rows) if isinstance(row, str)}
        self.details: dict[str, FieldDetail] = {}
        self.names: dict[str, str] = {}
        #: the metadata language: a value in another language has it on its badge ("TMDB · en")
        self.preferred_language: str | None = None
        self.writer: Writer | None = None
        self.locker: Locker | None = None

    # -- reading and writing the whole movie -----------------------------------------------------

    def set_detail(self, detail: MovieDetail | None, names: Mapping[str, str] | None = None) -> None:
        self.beginResetModel()
        self.details = dict(detail.fields) if detail is not None else {}
        if names is not None:
            self.names = dict(names)
        self.endResetModel()

    def update_field(self, detail: FieldDetail) -> None:
        self.details[detail.name] = detail
        row = self._row_of[detail.name]
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def row_of(self, name: str) -> int:
        return self._row_of[name]

    def field_at(self, index: Index) -> str | None:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        return row if isinstance(row, str) else None

    def group_rows(self) -> list[int]:
        return [number for number, row in enumerate(self.rows) if isinstance(row, _GroupRow)]

    def locked(self) -> set[str]:
        return {name for name, detail in self.details.items() if detail.locked}

    # -- Qt model API ------------------------------------------------------------------------------

    def row_data(self, row: _GroupRow | str, index: Index, role: int) -> Any:
        column = index.column()
        if isinstance(row, _GroupRow):
            if role == Qt.ItemDataRole.DisplayRole and column == self.FIELD:
                return row.title
            if role == Role.GROUP_HEADING:
                return True
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        detail = self.details.get(row)
        value = detail.value if detail else None
        source = detail.source if detail else None
        locked = bool(detail and detail.locked)
        if role == Role.FIELD:
            return row
        if role == Role.GROUP_HEADING:
            return False
        if role == Role.SOURCE:
            return source
        if role == Role.SOURCE_NAME:
            return self._badge(detail)
        if role == Role.LOCKED:
            return locked
        if role == Role.EMPTY:
            return not display_value(row, value)
        if role == Role.EDITABLE:
            return is_editable(row) and self.writer is not None
        if column == self.FIELD:
            if role == Qt.ItemDataRole.DisplayRole:
                return label(row)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{label(row)} ({row}): {input_hint(row)}"
            return None
        if column == self.VALUE:
            return self._value_data(row, value, role)
        if column == self.SOURCE:
            if role == Qt.ItemDataRole.DisplayRole:
                return self._badge(detail)
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._source_tip(detail)
            return None
        if column == self.LOCK:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if locked else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                if locked:
                    return f"{label(row)} is locked: refreshes never change it. Click to unlock."
                return f"Lock {label(row)}: refreshes will then never change it."
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{label(row)} {'locked' if locked else 'unlocked'}"
        return None

    def _value_data(self, name: str, value: Any, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return display_value(name, value) or "—"
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(name, value)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _muted() if not display_value(name, value) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if name == "cast" and isinstance(value, list) and value:
                return plain_tip(cast_text(value, limit=None), wrap=True)
            text = display_value(name, value)
            if not text:
                return f"No {label(name).lower()} yet" + (
                    "" if is_editable(name) else " (set by identification)"
                )
            if not is_editable(name):
                return plain_tip(f"{text}: the movie's identity, changed with Identify…")
            return plain_tip(text, wrap=len(text) > 60)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{label(name)}: {display_value(name, value) or 'empty'}"
        return None

    def _badge(self, detail: FieldDetail | None) -> str:
        """The source badge; with the value's language when it is not the preferred one."""
        source = detail.source if detail else None
        name = source_name(source, self.names)
        # An original title is in the original language by definition: no note.
        language = detail.language if detail and detail.name != "original_title" else None
        if (
            name
            and language
            and self.preferred_language
            and not is_preferred(self.preferred_language, language)
        ):
            return f"{name} · {language}"
        return name

    def _source_tip(self, detail: FieldDetail | None) -> str | None:
        if detail is None or not detail.source:
            return None
        when = detail.fetched_at.strftime("%Y-%m-%d %H:%M UTC") if detail.fetched_at else None
        if detail.source == USER_SOURCE:
            return "You edited this value" + (f" ({when})" if when else "")
        name = self.names.get(detail.source, detail.source)
        language = f", in {detail.language}" if detail.language else ""
        return plain_tip(f"From {name}{language}" + (f", fetched {when}" if when else ""))

    def flags(self, index: Index) -> Qt.ItemFlag:
        name = self.field_at(index)
        if name is None:
            return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.VALUE and is_editable(name) and self.writer is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        if index.column() == self.LOCK and self.locker is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        name = self.field_at(index)
        if name is None:
            return False
        if index.column() == self.VALUE and role == Qt.ItemDataRole.EditRole:
            return self._write(name, "" if value is None else str(value))
        if index.column() == self.LOCK and role == Qt.ItemDataRole.CheckStateRole:
            return self._lock(name, Qt.CheckState(value) == Qt.CheckState.Checked)
        return False

    def _write(self, name: str, text: str) -> bool:
        if self.writer is None or not is_editable(name):
            return False
        try:
            detail = self.writer(name, text)
        except Exception as exc:  # the writer's message says why (bad value, database error)
            self.failed.emit(f"{label(name)} was not changed: {exc}")
            return False
        self.update_field(detail)
        self.edited.emit(name)
        return True

    def _lock(self, name: str, locked: bool) -> bool:
        if self.locker is None:
            return False
        current = self.details.get(name)
        if current is not None and current.locked == locked:
            return True
        try:
            self.locker(name, locked)
        except Exception as exc:
            self.failed.emit(f"{label(name)} could not be {'locked' if locked else 'unlocked'}: {exc}")
            return False
        base = current or FieldDetail(name=name, value=None, source=None, locked=False)
        self.update_field(
            FieldDetail(
                name=name, value=base.value, source=base.source, locked=locked, fetched_at=base.fetched_at
            )
        )
        self.lockChanged.emit(name, locked)
        return True


# --------------------------------------------------------------------------------------------------
# A refresh's change set
# --------------------------------------------------------------------------------------------------


class ChangeSetModel(RowTableModel[FieldChange]):
    """The fields a refresh changed: Field | Before | After | Source.

    Attributes:
        rows: the changes, in canonical field order (also `changes`).
        names: provider id -> display name.
    """

    FIELD, OLD, NEW, SOURCE = range(4)
    HEADERS = ("Field", "Before", "After", "Source")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: dict[str, str] = {}

    @property
    def changes(self) -> list[FieldChange]:
        return self.rows

    def set_changes(self, changes: Iterable[FieldChange], names: Mapping[str, str] | None = None) -> None:
        if names is not None:
            self.names = dict(names)
        self.set_rows(changes)

    def row_data(self, change: FieldChange, index: Index, role: int) -> Any:
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.FIELD:
                return label(change.field)
            if column == self.OLD:
                return short_value(change.field, change.old)
            if column == self.NEW:
                return short_value(change.field, change.new)
            return source_name(change.source, self.names)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.OLD, self.NEW):
            value = change.old if column == self.OLD else change.new
            text = (
                cast_text(value, limit=None) if change.field == "cast" and isinstance(value, list) else None
            )
            return plain_tip(text or display_value(change.field, value) or "(empty)", wrap=True)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.OLD:
            return _muted()
        if role == Role.FIELD:
            return change.field
        if role == Role.SOURCE:
            return change.source
        if role == Role.SOURCE_NAME:
            return source_name(change.source, self.names)
        return None


# --------------------------------------------------------------------------------------------------
# The enrichment history
# --------------------------------------------------------------------------------------------------


#: How the history names each entry's mode ("undo": an undone refresh, `services.undo`).
MODE_NAMES = {"manual": "Manual", "auto": "Automatic", "undo": "Undo"}


class HistoryModel(RowTableModel[EnrichmentLogRecord]):
    """The movie's enrichment log, newest first: When | Mode | Result | Providers | Changed fields.

    Attributes:
        rows: the log entries shown.
        now: the time relative times are measured from.
        names: provider id -> display name.
    """

    WHEN, MODE, RESULT, PROVIDERS, CHANGED = range(5)
    HEADERS = ("When", "Mode", "Result", "Providers", "Changed fields")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.now: datetime | None = None
        self.names: dict[str, str] = {}

    def set_entries(
        self, entries: Iterable[EnrichmentLogRecord], now: datetime, names: Mapping[str, str] | None = None
    ) -> None:
        self.now = now
        if names is not None:
            self.names = dict(names)
        self.set_rows(entries)

    def set_now(self, now: datetime) -> None:
        """Measure the relative times from `now` (the rows stay, so does the selection)."""
        self.now = now
        self.column_changed(self.WHEN, [Qt.ItemDataRole.DisplayRole])

    def row_data(self, entry: EnrichmentLogRecord, index: Index, role: int) -> Any:
        column = index.column()
        changed = [str(c.get("field")) for c in entry.changed_fields]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.WHEN:
                when = entry.enriched_at.strftime("%Y-%m-%d %H:%M")
                return (
                    f"{when} ({formatting.relative_time(entry.enriched_at, self.now or entry.enriched_at)})"
                )
            if column == self.MODE:
                return MODE_NAMES.get(entry.mode, "Automatic")
            if column == self.RESULT:
                if not changed:
                    return "Nothing restored" if entry.mode == "undo" else "No change"
                done = "restored" if entry.mode == "undo" else "changed"
                return f"{len(changed)} field{'s' if len(changed) != 1 else ''} {done}"
            if column == self.PROVIDERS:
                return ", ".join(self.names.get(p, p) for p in entry.providers) or "—"
            return ", ".join(label(name) for name in changed) or "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.WHEN:
                return entry.enriched_at.strftime("%Y-%m-%d %H:%M:%S UTC")
            if column in (self.CHANGED, self.RESULT) and changed:
                lines = []
                for change in entry.changed_fields:
                    name = str(change.get("field"))
                    old = escape(short_value(name, change.get("old"), 60))
                    new = escape(short_value(name, change.get("new"), 60))
                    lines.append(f"<b>{escape(label(name))}</b>: {old} → {new}")
                if entry.sync_reason:
                    names = (str(c.get("field")) for c in entry.changed_fields)
                    reason = sync_reason_text(names) or entry.sync_reason
                    lines.append(f"<i>Player resync: {escape(reason)}</i>")
                return "<br>".join(lines)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.CHANGED, self.PROVIDERS):
            return _muted() if not changed and column == self.CHANGED else None
        return None


def all_fields_grouped() -> list[str]:
    """Every field of `FIELD_GROUPS`, in table order (each canonical field exactly once)."""
    return [name for _title, names in FIELD_GROUPS for name in names]


#: Each provider's progress during a refresh (the one state machine of `services.progress`).
RefreshProgress = ProviderBoard


__all__ = [
    "CAST_SHOWN",
    "RATING_NAMES",
    "RATING_SOURCE_FIELDS",
    "ChangeSetModel",
    "FieldsModel",
    "HistoryModel",
    "ProviderProgress",
    "ProviderState",
    "RefreshProgress",
    "all_fields_grouped",
    "cast_text",
    "display_value",
    "edit_text",
    "rating_scale",
    "rating_text",
    "short_value",
    "source_name",
]
