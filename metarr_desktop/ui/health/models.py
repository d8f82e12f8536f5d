"""The health page's model: one row per provider with its health."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtCore import Qt

from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.services import formatting
from metarr_desktop.ui.common.models import ROOT
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import RowListModel
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.safe_text import plain_tip
from metarr_desktop.ui.common.theme import status_icon


class HealthModel(RowListModel[ProviderHealth]):
    """One row per provider with its latest `ProviderHealth` snapshot.

    Attributes:
        rows: the snapshots, in priority order as first loaded; new providers are appended.
        names: provider id -> display name.
    """

    def __init__(self, names: dict[str, str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.names: dict[str, str] = dict(names or {})

    def update(self, health: ProviderHealth) -> int:
        """Replace that provider's snapshot (or append it); returns its row."""
        for number, existing in enumerate(self.rows):
            if existing.id == health.id:
                self.rows[number] = health
                index = self.index(number)
                self.dataChanged.emit(index, index)
                return number
        number = len(self.rows)
        self.beginInsertRows(ROOT, number, number)
        self.rows.append(health)
        self.endInsertRows()
        return number

    def health(self, provider_id: str) -> ProviderHealth:
        for row in self.rows:
            if row.id == provider_id:
                return row
        raise KeyError(provider_id)

    def row_data(self, health: ProviderHealth, index: Index, role: int) -> Any:
        status = formatting.display_status(health)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{self.names.get(health.id, health.id)}: {status.label}"
        if role == Qt.ItemDataRole.DecorationRole:
            return status_icon(status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(health.last_error or status.label)
        if role == Role.PROVIDER_ID:
            return health.id
        if role == Role.HEALTH:
            return health
        if role == Role.DISPLAY_STATUS:
            return status.value
        if role == Role.ENABLED:
            return health.enabled
        return None


__all__ = ["HealthModel"]
