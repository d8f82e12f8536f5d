"""Pieces the window's pages and dialogs build from: the bold title over a page, a table of rows
picked one at a time, and a table's fixed and stretching columns (buttons and wrapping labels are in
`ui.common.controls`)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QWidget

#: How much larger than the text a page's title is.
PAGE_TITLE_SCALE = 1.4


def bold_font(widget: QWidget, scale: float = 1.0) -> QFont:
    """`widget`'s font in bold, `scale` times its size."""
    font = QFont(widget.font())
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    return font


def title_label(text: str, scale: float = PAGE_TITLE_SCALE) -> QLabel:
    """The bold title over a page or a dialog."""
    title = QLabel(text)
    title.setFont(bold_font(title, scale))
    return title


def row_table(name: str, model: QAbstractItemModel) -> QTableView:
    """A table of `model`, named `name`, whose rows are chosen one whole row at a time (no row
    numbers, no wrapping)."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    return table


def fix_columns(header: QHeaderView, widths: dict[int, int], stretch: tuple[int, ...] = ()) -> None:
    """Give the columns of `widths` those fixed widths; the `stretch` columns share the rest."""
    for column, width in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(column, width)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


__all__ = ["PAGE_TITLE_SCALE", "bold_font", "fix_columns", "row_table", "title_label"]
