"""Models of the movie page: the fields with their sources and locks, a refresh's change set, the
enrichment history, and each provider's progress during a refresh.

The models hold plain data from the services (`MovieDetail`, `ChangeSet`, `EnrichmentLogRecord`);
the page's delegates paint them. Writing goes through callbacks the page sets (`FieldsModel.writer`,
`FieldsModel.locker`), so that the model never reaches into the store. `RefreshProgress` is the
`FetchProgress` of one refresh: it keeps each provider's state and is Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette

from metarr_desktop.core import formatting
from metarr_desktop.core.changes import FieldChange
from metarr_desktop.core.fields import FIELD_GROUPS, FIELD_SPECS, RATING_FIELDS, label
from metarr_desktop.core.languages import is_preferred
from metarr_desktop.core.records import EnrichmentLogRecord
from metarr_desktop.core.results import SkipReason
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.movie_fields import (
    USER_SOURCE,
    FieldDetail,
    MovieDetail,
    input_hint,
    is_editable,
)
from metarr_desktop.ui.common.models import HeadedTableModel
from metarr_desktop.ui.common.safe_text import escape, plain_tip

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

#: How many cast members the table lists before "and N more" (the tooltip has all of them).
CAST_SHOWN = 8

#: How the rating sources of `core.merge.ratings` are named (the rating field's label, without "rating").
RATING_NAMES = {
    source: FIELD_SPECS[name].label.removesuffix(" rating")
    for name, (source, _votes) in RATING_FIELDS.items()
}

#: The rating field behind each rating source (for the source badge of a rating).
RATING_SOURCE_FIELDS = {source: name for name, (source, _votes) in RATING_FIELDS.items()}


class MovieRole(IntEnum):
    """Custom item roles of the movie page's models."""

    FIELD = Qt.ItemDataRole.UserRole + 100
    SOURCE = Qt.ItemDataRole.UserRole + 101
    SOURCE_NAME = Qt.ItemDataRole.UserRole + 102
    LOCKED = Qt.ItemDataRole.UserRole + 103
    GROUP = Qt.ItemDataRole.UserRole + 104
    EMPTY = Qt.ItemDataRole.UserRole + 105
    EDITABLE = Qt.ItemDataRole.UserRole + 106


# --------------------------------------------------------------------------------------------------
# Values as text
# --------------------------------------------------------------------------------------------------


def _person(entry: Any) -> str:
    return str(entry.get("name", "")) if isinstance(entry, Mapping) else str(entry)


def cast_text(cast: list[Any], limit: int | None = CAST_SHOWN) -> str:
    """ "Leonardo DiCaprio (Dom Cobb), Joseph Gordon-Levitt (Arthur), … and 12 more"."""
    names = []
    for entry in cast:
        name = _person(entry)
        role = entry.get("role") if isinstance(entry, Mapping) else None
        names.append(f"{name} ({role})" if role else name)
    if limit is not None and len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def display_value(name: str, value: Any) -> str:
    """A field's value as the table shows it ("" when empty)."""
    if value is None or value == "" or value == []:
        return ""
    if name == "cast" and isinstance(value, list):
        return cast_text(value)
    if isinstance(value, list):
        return ", ".join(_person(v) for v in value)
    if name == "runtime" and isinstance(value, int):
        hours, minutes = divmod(value, 60)
        return f"{value} min ({hours} h {minutes:02d})" if hours else f"{value} min"
    if name in ("imdb_votes", "tmdb_votes") and isinstance(value, int):
        return f"{value:,}"
    if name in ("imdb_rating", "tmdb_rating") and isinstance(value, int | float):
        return f"{value:g} / 10"
    if name == "rotten_tomatoes_score":
        return f"{value} %"
    if name == "metacritic_score":
        return f"{value} / 100"
    return str(value)


def edit_text(name: str, value: Any) -> str:
    """A field's value as the editor starts with it (lists comma-separated, cast as names)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_person(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def short_value(name: str, value: Any, width: int = 80) -> str:
    """A value on one line, shortened (for the change set)."""
    if value is None or value == "" or value == []:
        return "(empty)"
    text = (
        cast_text(value, limit=4)
        if name == "cast" and isinstance(value, list)
        else display_value(name, value)
    )
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def source_name(source: str | None, names: Mapping[str, str]) -> str:
    """The badge text of a source: the provider's display name, "EDITED" for a hand edit."""
    if not source:
        return ""
    if source == USER_SOURCE:
        return "EDITED"
    return names.get(source, source)


def rating_text(rating: Mapping[str, Any]) -> str:
    """ "8.8", "87 %", "74"."""
    value = rating.get("value")
    source = rating.get("source")
    if source == "rotten_tomatoes":
        return f"{value} %"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def rating_scale(rating: Mapping[str, Any]) -> str:
    source = rating.get("source")
    return {"imdb": "/ 10", "tmdb": "/ 10", "metacritic": "/ 100"}.get(str(source), "")


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


class FieldsModel(HeadedTableModel):
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
        self.rows: list[_GroupRow | str] = []
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

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if isinstance(row, _GroupRow):
            if role == Qt.ItemDataRole.DisplayRole and column == self.FIELD:
                return row.title
            if role == MovieRole.GROUP:
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
        if role == MovieRole.FIELD:
            return row
        if role == MovieRole.GROUP:
            return False
        if role == MovieRole.SOURCE:
            return source
        if role == MovieRole.SOURCE_NAME:
            return self._badge(detail)
        if role == MovieRole.LOCKED:
            return locked
        if role == MovieRole.EMPTY:
            return not display_value(row, value)
        if role == MovieRole.EDITABLE:
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


class ChangeSetModel(HeadedTableModel):
    """The fields a refresh changed: Field | Before | After | Source.

    Attributes:
        changes: in canonical field order.
        names: provider id -> display name.
    """

    FIELD, OLD, NEW, SOURCE = range(4)
    HEADERS = ("Field", "Before", "After", "Source")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.changes: list[FieldChange] = []
        self.names: dict[str, str] = {}

    def set_changes(self, changes: Iterable[FieldChange], names: Mapping[str, str] | None = None) -> None:
        self.beginResetModel()
        self.changes = list(changes)
        if names is not None:
            self.names = dict(names)
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.changes)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.changes):
            return None
        change = self.changes[index.row()]
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
        if role == MovieRole.FIELD:
            return change.field
        if role == MovieRole.SOURCE:
            return change.source
        if role == MovieRole.SOURCE_NAME:
            return source_name(change.source, self.names)
        return None


# --------------------------------------------------------------------------------------------------
# The enrichment history
# --------------------------------------------------------------------------------------------------


#: How the history names each entry's mode ("undo": an undone refresh, `services.undo`).
MODE_NAMES = {"manual": "Manual", "auto": "Automatic", "undo": "Undo"}


class HistoryModel(HeadedTableModel):
    """The movie's enrichment log, newest first: When | Mode | Result | Providers | Changed fields.

    Attributes:
        entries: the log entries shown.
        now: the time relative times are measured from.
        names: provider id -> display name.
    """

    WHEN, MODE, RESULT, PROVIDERS, CHANGED = range(5)
    HEADERS = ("When", "Mode", "Result", "Providers", "Changed fields")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[EnrichmentLogRecord] = []
        self.now: datetime | None = None
        self.names: dict[str, str] = {}

    def set_entries(
        self, entries: Iterable[EnrichmentLogRecord], now: datetime, names: Mapping[str, str] | None = None
    ) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.now = now
        if names is not None:
            self.names = dict(names)
        self.endResetModel()

    def set_now(self, now: datetime) -> None:
        """Measure the relative times from `now` (the rows stay, so does the selection)."""
        self.now = now
        if self.entries:
            self.dataChanged.emit(
                self.index(0, self.WHEN),
                self.index(len(self.entries) - 1, self.WHEN),
                [Qt.ItemDataRole.DisplayRole],
            )

    def row_count(self) -> int:
        return len(self.entries)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        entry = self.entries[index.row()]
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
                    lines.append(f"<i>Player resync: {escape(entry.sync_reason)}</i>")
                return "<br>".join(lines)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column in (self.CHANGED, self.PROVIDERS):
            return _muted() if not changed and column == self.CHANGED else None
        return None


# --------------------------------------------------------------------------------------------------
# Each provider's progress during a refresh (Qt-free)
# --------------------------------------------------------------------------------------------------


class ProviderState(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    RETRY = "retry"
    DONE = "done"
    CACHED = "cached"
    NOT_FOUND = "not_found"
    FAILED = "failed"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        return self not in (ProviderState.WAITING, ProviderState.RUNNING, ProviderState.RETRY)


@dataclass(frozen=True, slots=True)
class ProviderProgress:
    """One provider's part of a refresh.

    Attributes:
        state: where it is.
        attempt, max_retries: during a retry, "retry `attempt` of `max_retries`".
        detail: why it failed, or a note ("last answer from the cache used").
        label: the chip's text when the state's own text would hide the reason ("skipped:
            auto-disabled" for an open circuit, not "skipped: rate limited").
    """

    provider: str
    state: ProviderState = ProviderState.WAITING
    attempt: int = 0
    max_retries: int = 0
    detail: str = ""
    label: str = ""

    @property
    def text(self) -> str:
        if self.state is ProviderState.RETRY:
            return f"retry {self.attempt} of {self.max_retries}"
        return self.label or _STATE_TEXT[self.state]


_STATE_TEXT = {
    ProviderState.WAITING: "waiting",
    ProviderState.RUNNING: "running…",
    ProviderState.RETRY: "retrying",
    ProviderState.DONE: "done",
    ProviderState.CACHED: "from cache",
    ProviderState.NOT_FOUND: "not found",
    ProviderState.FAILED: "failed",
    ProviderState.TIMEOUT: "timed out",
    ProviderState.RATE_LIMITED: "skipped: rate limited",
    ProviderState.SKIPPED: "skipped",
}


#: The chip of a provider that was not asked, by the reason (the engine knows it; every place says it).
_SKIP_CHIPS: dict[SkipReason, tuple[ProviderState, str]] = {
    SkipReason.CIRCUIT_OPEN: (ProviderState.SKIPPED, "skipped: auto-disabled"),
    SkipReason.RATE_LIMITED: (ProviderState.RATE_LIMITED, "skipped: rate limited"),
    SkipReason.QUOTA: (ProviderState.RATE_LIMITED, "skipped: quota used up"),
    SkipReason.DISABLED: (ProviderState.SKIPPED, "skipped: switched off"),
}


class RefreshProgress(FetchProgress):
    """Each provider's state during one refresh; `listener(progress)` is called on every change.

    It receives the orchestrator's events and then forwards them to `forward` (the job's own progress,
    so the Activity page sees them too); `finish(result)` settles every provider from the outcome.

    Attributes:
        states: provider id -> its progress, in the order given.
        forward: receives every event too (the job's `JobHandle.progress`).
    """

    def __init__(
        self,
        providers: Iterable[str],
        *,
        forward: FetchProgress | None = None,
        listener: Callable[[ProviderProgress], None] | None = None,
    ) -> None:
        self.states: dict[str, ProviderProgress] = {p: ProviderProgress(p) for p in providers}
        self.forward = forward or FetchProgress()
        self._listener = listener

    def _set(self, provider: str, state: ProviderState, **extra: Any) -> None:
        progress = ProviderProgress(provider, state, **extra)
        if self.states.get(provider) == progress:
            return
        self.states[provider] = progress
        if self._listener is not None:
            self._listener(progress)

    def on_provider_start(self, provider: str) -> None:
        self._set(provider, ProviderState.RUNNING)
        self.forward.on_provider_start(provider)

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        self._set(provider, ProviderState.RETRY, attempt=attempt, max_retries=max_retries)
        self.forward.on_provider_retry(provider, attempt, max_retries)

    def on_provider_timeout(self, provider: str) -> None:
        self._set(provider, ProviderState.TIMEOUT)
        self.forward.on_provider_timeout(provider)

    def on_provider_complete(self, provider: str, success: bool) -> None:
        current = self.states.get(provider)
        if success:
            self._set(provider, ProviderState.DONE)
        elif current is None or current.state is not ProviderState.TIMEOUT:
            self._set(provider, ProviderState.FAILED)
        self.forward.on_provider_complete(provider, success)

    def finish(self, result: EnrichResult) -> None:
        """Settle every provider from the refresh's outcome (cache answers send no events)."""
        failures = {f.provider: f.error for f in result.failed}
        skips = {s.provider: s for s in result.skipped}
        cached = set(result.cached)
        for provider in list(self.states) + [p for p in self._mentioned(result) if p not in self.states]:
            stand_in = "; its last answer from the cache was used" if provider in cached else ""
            if provider in failures:
                self._set(provider, ProviderState.FAILED, detail=failures[provider] + stand_in)
            elif provider in result.timed_out:
                self._set(provider, ProviderState.TIMEOUT, detail="the request was cancelled" + stand_in)
            elif provider in result.rate_limited:
                skip = skips.get(provider)
                reason = skip.reason if skip is not None else SkipReason.RATE_LIMITED
                state, label = _SKIP_CHIPS[reason]
                note = f"{skip.detail}; " if skip is not None and skip.detail else ""
                self._set(
                    provider, state, label=label, detail=note + "asked again after its reset" + stand_in
                )
            elif provider in skips:  # switched off
                state, label = _SKIP_CHIPS[skips[provider].reason]
                self._set(provider, state, label=label, detail=skips[provider].detail)
            elif provider in result.providers:
                self._set(provider, ProviderState.DONE)
            elif provider in result.not_found:
                self._set(provider, ProviderState.NOT_FOUND, detail="it does not know this movie")
            elif provider in cached:
                self._set(
                    provider, ProviderState.CACHED, detail="its answer is younger than the cache lifetime"
                )
            else:
                self._set(provider, ProviderState.SKIPPED, detail="it cannot serve this movie")

    def cancel(self) -> None:
        """The refresh was cancelled: providers still working are marked skipped."""
        for provider, progress in list(self.states.items()):
            if not progress.state.finished:
                self._set(provider, ProviderState.SKIPPED, detail="cancelled")

    @staticmethod
    def _mentioned(result: EnrichResult) -> list[str]:
        mentioned = [*result.providers, *result.cached, *result.not_found, *result.rate_limited]
        mentioned += [*result.timed_out, *(f.provider for f in result.failed)]
        return list(dict.fromkeys(mentioned))


def all_fields_grouped() -> list[str]:
    """Every field of `FIELD_GROUPS`, in table order (each canonical field exactly once)."""
    return [name for _title, names in FIELD_GROUPS for name in names]
