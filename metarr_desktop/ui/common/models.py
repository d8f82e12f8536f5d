"""Shared pieces of the window's item models: a table with headers, the custom roles."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
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


__all__ = ["HeadedTableModel", "Index", "Role", "horizontal_header"]
