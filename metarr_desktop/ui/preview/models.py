"""The preview dialogs' tables: one movie's changes (tickable), and a bulk preview's fields
(tickable) and movies. Plain text only: provider text is data."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor

from metarr_desktop.ui.common.models import BorrowedRowTableModel
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import Row
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.preview.presenter import BulkPreviewPresenter
from metarr_desktop.ui.preview.presenter import ChangeRow
from metarr_desktop.ui.preview.presenter import FieldSummaryRow
from metarr_desktop.ui.preview.presenter import MovieSummaryRow
from metarr_desktop.ui.preview.presenter import PreviewPresenter

_CHECKED = Qt.CheckState.Checked
_UNCHECKED = Qt.CheckState.Unchecked


def _check_state(value: Any) -> bool:
    return value in (_CHECKED, _CHECKED.value, 2, True)


class _TickableModel(BorrowedRowTableModel[Row]):
    """A table of a presenter's rows whose `TICK` column ticks a row in or out. Subclasses say
    which rows (`row_list`), read and set a row's tick (`ticked`, `tick`) and give the other cells
    (`cell_data`).

    Signals:
        tickedChanged(): a row was ticked or unticked.
    """

    TICK = 0

    tickedChanged = Signal()

    def ticked(self, row: Row) -> bool:
        raise NotImplementedError

    def tick(self, row: Row, ticked: bool) -> None:
        raise NotImplementedError

    def cell_data(self, row: Row, index: Index, role: int) -> Any:
        """The `role` of `row` at `index` (any but the tick)."""
        raise NotImplementedError

    def row_data(self, row: Row, index: Index, role: int) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self.TICK:
            return _CHECKED if self.ticked(row) else _UNCHECKED
        return self.cell_data(row, index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.TICK:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.TICK or role != Qt.ItemDataRole.CheckStateRole:
            return False
        self.tick(self.row_list()[index.row()], _check_state(value))
        self.dataChanged.emit(index, index, [role])
        self.tickedChanged.emit()
        return True

    def ticks_changed(self) -> None:
        """Tell the views that the ticks of every row changed (ticked or unticked all at once)."""
        self.column_changed(self.TICK, [])


class PreviewChangesModel(_TickableModel[ChangeRow]):
    """Apply | Field | Before | After | Source, one row per previewed change."""

    APPLY, FIELD, OLD, NEW, SOURCE = range(5)
    HEADERS = ("Apply", "Field", "Before", "After", "Source")
    TICK = APPLY

    def __init__(self, presenter: PreviewPresenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter

    def row_list(self) -> list[ChangeRow]:
        return self.presenter.rows

    def ticked(self, row: ChangeRow) -> bool:
        return row.checked

    def tick(self, row: ChangeRow, ticked: bool) -> None:
        row.checked = ticked

    def cell_data(self, row: ChangeRow, index: Index, role: int) -> Any:
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                self.FIELD: row.label,
                self.OLD: row.old,
                self.NEW: row.new,
                self.SOURCE: row.source_name,
            }.get(column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.OLD, self.NEW):
            return f"<p>{html.escape(row.old if column == self.OLD else row.new)}</p>"
        if role == Role.FIELD:
            return row.field
        if role == Role.SOURCE:
            return row.source
        if role == Role.SOURCE_NAME:
            return row.source_name
        return None

    def set_all(self, checked: bool) -> None:
        self.presenter.set_all(checked)
        self.ticks_changed()
        self.tickedChanged.emit()


class FieldSummaryModel(_TickableModel[FieldSummaryRow]):
    """Accept | Field | Movies: a bulk preview by field (untick to leave a field out everywhere)."""

    ACCEPT, FIELD, MOVIES = range(3)
    HEADERS = ("Accept", "Field", "Movies")
    TICK = ACCEPT

    def __init__(self, presenter: BulkPreviewPresenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter

    def row_list(self) -> list[FieldSummaryRow]:
        return self.presenter.field_rows

    def ticked(self, row: FieldSummaryRow) -> bool:
        return row.included

    def tick(self, row: FieldSummaryRow, ticked: bool) -> None:
        row.included = ticked

    def cell_data(self, row: FieldSummaryRow, index: Index, role: int) -> Any:
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.FIELD:
                return row.label
            if column == self.MOVIES:
                return f"{row.movies:,}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.MOVIES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.FIELD:
            return row.field
        return None


class MovieSummaryModel(BorrowedRowTableModel[MovieSummaryRow]):
    """Movie | Would change: the movies of a bulk preview that would change."""

    MOVIE, FIELDS = range(2)
    HEADERS = ("Movie", "Would change")

    def __init__(self, presenter: BulkPreviewPresenter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter

    def row_list(self) -> list[MovieSummaryRow]:
        return self.presenter.movie_rows

    def row_data(self, row: MovieSummaryRow, index: Index, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return row.title if index.column() == self.MOVIE else row.text
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == self.FIELDS:
            included = set(self.presenter.included())
            if not included & set(row.fields):
                return QColor(128, 128, 128)
        if role == Role.MOVIE_ID:
            return row.movie_id
        return None

    def refresh(self) -> None:
        if self.presenter.movie_rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.presenter.movie_rows) - 1, 1))
