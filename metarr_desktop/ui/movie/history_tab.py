"""The movie page's History tab: one row per enrichment of the movie (`HistoryModel`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from metarr_desktop.ui.movie.models import HistoryModel

#: The History tab's column widths (the Changed column takes the rest).
COLUMN_WIDTHS = (
    (HistoryModel.WHEN, 220),
    (HistoryModel.MODE, 90),
    (HistoryModel.RESULT, 130),
    (HistoryModel.PROVIDERS, 260),
)


class HistoryView(QTableView):
    """The enrichment history, newest first, read-only."""

    def __init__(self, model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("movie-history")
        self.setAccessibleName("Enrichment history")
        self.setModel(model)
        self.verticalHeader().hide()
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setDefaultSectionSize(30)
        self._build_columns()

    def _build_columns(self) -> None:
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in COLUMN_WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(HistoryModel.CHANGED, QHeaderView.ResizeMode.Stretch)
