"""The players table: one row per configured player (`PlayerRow`)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import RowTableModel
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.players.presenter import PlayerRow


class Column(IntEnum):
    NAME = 0
    KIND = 1
    STATUS = 2
    PENDING = 3
    LAST_SYNC = 4
    LAST_ERROR = 5


class PlayersModel(RowTableModel[PlayerRow]):
    """Attributes: rows (the players shown, in id order)."""

    HEADERS = ("Player", "Kind", "Status", "Pending", "Last sync", "Last error")  # in `Column` order

    def row_of(self, player_id: int) -> int | None:
        for number, row in enumerate(self.rows):
            if row.id == player_id:
                return number
        return None

    def row_data(self, row: PlayerRow, index: Index, role: int) -> Any:
        if not 0 <= index.column() < len(Column):
            return None
        column = Column(index.column())
        if role == Role.PLAYER_ID:
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
