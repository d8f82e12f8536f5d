"""Shared pieces of the window's item models: a table with headers, lists and tables of rows (the
custom roles are in `ui.common.roles`)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtCore import QAbstractListModel
from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import Qt

#: Any model index a view passes (Qt hands either kind to a model's methods).
Index = QModelIndex | QPersistentModelIndex
#: The invalid index: the parent of a list's or a table's rows.
ROOT = QModelIndex()


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

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return horizontal_header(self.HEADERS, section, orientation, role)

    def column_changed(self, column: int, roles: list[int]) -> None:
        """Tell the views that `roles` of `column` changed in every row (the rows stay)."""
        last = self.row_count() - 1
        if last >= 0:
            self.dataChanged.emit(self.index(0, column), self.index(last, column), roles)


Row = TypeVar("Row")

# The mixin below is a plain Python class (a second Qt base in a model's bases crashes Shiboken);
# only the type checker sees it as the item model it always ends up in.
if TYPE_CHECKING:
    _ItemModel = QAbstractItemModel
else:

    class _ItemModel:
        pass


class _RowData(_ItemModel, Generic[Row]):
    """What every model of rows shares: `data`, which looks the index's row up in `row_list()` and
    hands it to `row_data` (an invalid index or a row out of range has no data)."""

    def row_list(self) -> list[Row]:
        """The rows shown, in order."""
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rows = self.row_list()
        if not index.isValid() or not 0 <= index.row() < len(rows):
            return None
        return self.row_data(rows[index.row()], index, role)

    def row_data(self, row: Row, index: Index, role: int) -> Any:
        """The `role` of `row` at `index` (its column, its row number)."""
        raise NotImplementedError


class _Rows(_RowData[Row]):
    """What `RowListModel` and `RowTableModel` share: their own `rows`, replaced all at once."""

    rows: list[Row]

    def set_rows(self, rows: Iterable[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_list(self) -> list[Row]:
        return self.rows


class RowListModel(_Rows[Row], QAbstractListModel):
    """A flat list of `rows`, one item each. Subclasses give `row_data`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = []

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def rows_changed(self, which: Callable[[Row], bool], roles: list[int]) -> None:
        """Tell the views that `roles` changed in each row `which` picks (a picture arrived)."""
        for number, row in enumerate(self.rows):
            if which(row):
                index = self.index(number)
                self.dataChanged.emit(index, index, roles)


class RowTableModel(_Rows[Row], HeadedTableModel):
    """A `HeadedTableModel` of `rows`, one line each. Subclasses give `row_data`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = []

    def row_count(self) -> int:
        return len(self.rows)


class BorrowedRowTableModel(_RowData[Row], HeadedTableModel):
    """A `HeadedTableModel` of rows another object holds (a presenter's list, changed in place),
    read through `row_list` each time: the model keeps no copy of them. Subclasses give `row_list`
    and `row_data`."""

    def row_count(self) -> int:
        return len(self.row_list())


__all__ = [
    "ROOT",
    "BorrowedRowTableModel",
    "HeadedTableModel",
    "Index",
    "RowListModel",
    "RowTableModel",
    "horizontal_header",
]
