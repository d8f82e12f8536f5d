"""The movie page's History tab: one row per enrichment of the movie (`HistoryModel`)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.common.tables import read_only_rows
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
        read_only_rows(self)
        self.verticalHeader().setDefaultSectionSize(30)
        self._build_columns()

    def _build_columns(self) -> None:
        header = self.horizontalHeader()
        for column, width in COLUMN_WIDTHS:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(HistoryModel.CHANGED, QHeaderView.ResizeMode.Stretch)
