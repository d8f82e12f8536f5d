"""The players table: one row per configured player (`PlayerRow`)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import Qt

from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.players.presenter import PlayerRow


class Column(IntEnum):
    NAME = 0
    KIND = 1
    STATUS = 2
    PENDING = 3
    LAST_SYNC = 4
    LAST_ERROR = 5


HEADERS = {
    Column.NAME: "Player",
    Column.KIND: "Kind",
    Column.STATUS: "Status",
    Column.PENDING: "Pending",
    Column.LAST_SYNC: "Last sync",
    Column.LAST_ERROR: "Last error",
}

#: The player's id on every cell.
PLAYER_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class PlayersModel(QAbstractTableModel):
    """Attributes: rows (the players shown, in id order)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[PlayerRow] = []

    def set_rows(self, rows: list[PlayerRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_of(self, player_id: int) -> int | None:
        for number, row in enumerate(self.rows):
            if row.id == player_id:
                return number
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or not 0 <= index.row() < len(self.rows)
            or not 0 <= index.column() < len(Column)
        ):
            return None
        row = self.rows[index.row()]
        column = Column(index.column())
        if role == PLAYER_ID_ROLE:
            return row.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = {
                Column.NAME: row.name,
                Column.KIND: row.kind,
                Column.STATUS: row.status,
                Column.PENDING: str(row.pending),
                Column.LAST_SYNC: row.last_sync,
                Column.LAST_ERROR: row.last_error or "—",
            }
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.url if column is Column.NAME else values[column]
            return values[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.PENDING:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
