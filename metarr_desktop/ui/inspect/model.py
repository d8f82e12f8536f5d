"""The inspector's table: Provider | Value | Language | Fetched | Verdict, one row per provider."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import RowTableModel
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.inspect.presenter import CandidateRow


class CandidatesModel(RowTableModel[CandidateRow]):
    """Every provider's value of the inspected field (plain text only: provider text is data)."""

    PROVIDER, VALUE, LANGUAGE, FETCHED, VERDICT = range(5)
    HEADERS = ("Provider", "Value", "Language", "Fetched", "Verdict")

    def row_data(self, row: CandidateRow, index: Index, role: int) -> Any:
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.PROVIDER:
                return row.name
            if column == self.VALUE:
                return row.value
            if column == self.LANGUAGE:
                return row.language
            if column == self.FETCHED:
                return row.fetched
            return row.verdict if not row.why or row.outcome == "no_value" else f"{row.verdict}: {row.why}"
        if role == Qt.ItemDataRole.ToolTipRole and column in (self.VALUE, self.VERDICT):
            # A tooltip may be read as rich text: the provider's text goes in escaped.
            return f"<p>{html.escape(row.value if column == self.VALUE else row.why or row.verdict)}</p>"
        if role == Qt.ItemDataRole.FontRole and row.outcome == "chosen":
            font = QFont()
            font.setBold(True)
            return font
        if role == Role.SOURCE:
            return row.provider
        return None
