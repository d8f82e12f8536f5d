"""The library's table: Title (with the poster), Year, Status and Last enriched, whole rows selected."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.library.model import POSTER_ROW_HEIGHT
from metarr_desktop.ui.library.model import THUMB_SIZE
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.model import LibraryModel

COMPACT_ROW_HEIGHT = 26


class PosterDelegate(QStyledItemDelegate):
    """Draws every poster in the same box (centred, never stretched), so that titles line up."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration:
            option.decorationSize = THUMB_SIZE


class LibraryTable(QTableView):
    """The movies as a sortable table over `model` (sorted by title at first)."""

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("library-table")
        self.setModel(model)
        self.setItemDelegateForColumn(Column.TITLE, PosterDelegate(self))
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setSortingEnabled(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._build_header(model)

    def _build_header(self, model: LibraryModel) -> None:
        heading = self.horizontalHeader()
        # The header gets a selection model of its own, always empty. Sharing the table's (Qt's
        # default) makes every paint of the header ask `isColumnSelected` for each column, and Qt
        # answers that by visiting every row of the column: with 100,000 movies all selected, each
        # header paint cost 4 x 100,000 calls of the model's flags() (about 5 s after a select all,
        # a shift-click to the last row or a hover over the header). Whole rows are selected here,
        # so the header has nothing to highlight anyway (like the movie page's field table).
        heading.setHighlightSections(False)
        heading.setSelectionModel(QItemSelectionModel(model, heading))
        heading.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((Column.YEAR, 64), (Column.STATUS, 250), (Column.ENRICHED, 130)):
            heading.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            heading.resizeSection(column, width)
        heading.setSortIndicator(Column.TITLE, Qt.SortOrder.AscendingOrder)

    def set_row_height(self, posters: bool) -> None:
        """Rows tall enough for the poster thumbnails, or compact ones."""
        self.verticalHeader().setDefaultSectionSize(POSTER_ROW_HEIGHT if posters else COMPACT_ROW_HEIGHT)
