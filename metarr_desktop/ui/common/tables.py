"""The look of the window's read-only tables (a movie's history, its changed fields, the previews)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QTableView


def read_only_rows(view: QTableView) -> QTableView:
    """Set `view` up as a read-only list of whole rows: no row numbers, no grid, alternating rows,
    no wrapping, left-aligned headings. Returns `view`."""
    view.verticalHeader().hide()
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view
