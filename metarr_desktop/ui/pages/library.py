"""The library page (read-only in this version).

It lists the movies of `LibraryService.all()` (the rows of ``metarr library list``). Adding, scanning,
identifying and refreshing from the window come with the next issue; the page says so instead of
offering buttons that do nothing. Without a library service (`UiContext.library` is None) it explains
why the list is missing rather than showing an empty table that looks broken.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QHeaderView, QLabel, QStackedLayout, QTableView, QVBoxLayout, QWidget

from metarr_desktop.services.library import movie_json
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.models import horizontal_header

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()


class LibraryModel(QAbstractTableModel):
    """Movies as the library service lists them (``metarr library list --json`` rows).

    Attributes:
        rows: dicts with at least ``id``, ``title``, ``year``, ``status``.
    """

    HEADERS = ("Title", "Year", "Status", "Last enriched")
    KEYS = ("title", "year", "status", "last_enriched_at")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        return horizontal_header(self.HEADERS, section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row.get(self.KEYS[index.column()])
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:
            return row.get("id")
        return None


class LibraryPage(QWidget):
    """The movie list, or an explanation while no library service exists.

    Attributes:
        model: the movies.
        available: whether a library service was given.

    Signals:
        loaded(): the page shows its final content.
    """

    loaded = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("library-page")
        self.available = ctx.library is not None
        self.model = LibraryModel(self)

        title = QLabel("Library")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAlternatingRowColors(True)

        self.empty = QLabel()
        self.empty.setObjectName("library-empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setMargin(40)

        self.stack = QStackedLayout()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        self.note = QLabel(
            "Read-only for now: add and scan with <tt>metarr library add</tt> / "
            "<tt>metarr library scan DIR</tt>; identifying and refreshing from the window come next."
        )
        self.note.setWordWrap(True)
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.note)
        layout.addLayout(self.stack, 1)

    async def load(self) -> None:
        if self.ctx.library is None:
            self.empty.setText(
                "<h3>The library list is not available</h3>"
                "<p>Browsing, scanning and refreshing movies in the window come with the next release. "
                "Until then, the <tt>metarr</tt> command manages the library "
                "(<tt>metarr library scan DIR</tt>, <tt>metarr library list</tt>, "
                "<tt>metarr enrich --all</tt>), "
                "and the Providers, Health and Activity pages here already work.</p>"
            )
            self.stack.setCurrentWidget(self.empty)
        else:
            movies = await self.ctx.library.all()
            self.model.set_rows([movie_json(m) for m in movies])
            if self.model.rowCount():
                self.stack.setCurrentWidget(self.table)
            else:
                self.empty.setText(
                    "<h3>Your library is empty</h3><p>Add movies with <tt>metarr library scan DIR</tt> "
                    "(or <tt>metarr library add --title T --year Y</tt>), then reload this page (F5).</p>"
                )
                self.stack.setCurrentWidget(self.empty)
        self.loaded.emit()
