"""The movie page's "Last refresh" tab: what the refresh is doing (or how it ended), each provider's
chip, the notes, whether a media player must resync, and the fields it changed."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QTableView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.common.controls import any_width
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.safe_text import plain_label
from metarr_desktop.ui.common.tables import read_only_rows
from metarr_desktop.ui.movie.chips import ChipRow
from metarr_desktop.ui.movie.fields_view import SourceDelegate
from metarr_desktop.ui.movie.models import ChangeSetModel
from metarr_desktop.ui.movie.presenter import NO_REFRESH_TEXT


def title_font(widget: QWidget, scale: float) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    return font


class RefreshPanel(QWidget):
    """The Last refresh tab.

    Attributes:
        title: the phase while a refresh runs, then its summary.
        provider_chips: each provider's part.
        detail: the notes (why it identifies first, what the identification found, who is asked again).
        sync_label: whether a media player must resync the movie.
        changes_view: the fields the refresh changed (`ChangeSetModel`).
    """

    def __init__(self, changes: ChangeSetModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("movie-refresh-panel")
        self._build_labels()
        self.changes_view = self._build_changes(changes)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 10, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.provider_chips)
        layout.addWidget(self.detail)
        layout.addWidget(self.sync_label)
        layout.addWidget(self.changes_view, 1)
        layout.addStretch(0)

    def _build_labels(self) -> None:
        self.title = plain_label(QLabel(NO_REFRESH_TEXT))
        self.title.setObjectName("movie-refresh-title")
        self.title.setFont(title_font(self, 1.1))
        self.title.setWordWrap(True)
        any_width(self.title)  # "Refresh of <title> failed…": a movie's text never widens the window
        self.provider_chips = ChipRow()
        self.provider_chips.setObjectName("movie-provider-progress")
        self.detail = any_width(wrapped_label("movie-refresh-detail"))
        self.sync_label = any_width(wrapped_label("movie-sync"))

    @staticmethod
    def _build_changes(changes: ChangeSetModel) -> QTableView:
        view = QTableView()
        view.setObjectName("movie-changes")
        view.setAccessibleName("Changed fields")
        view.setModel(changes)
        read_only_rows(view)
        view.setItemDelegateForColumn(ChangeSetModel.SOURCE, SourceDelegate(view))
        header = view.horizontalHeader()
        header.setSectionResizeMode(ChangeSetModel.FIELD, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(ChangeSetModel.OLD, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ChangeSetModel.NEW, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ChangeSetModel.SOURCE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ChangeSetModel.FIELD, 140)
        header.resizeSection(ChangeSetModel.SOURCE, 104)
        view.verticalHeader().setDefaultSectionSize(34)
        view.hide()
        return view

    def show_detail(self, text: str) -> None:
        self.detail.setText(text)
        self.detail.setVisible(bool(text))

    def reset(self) -> None:
        """No refresh to show (another movie)."""
        self.changes_view.hide()
        self.sync_label.hide()
        self.detail.hide()
        self.provider_chips.set_chips([])
        self.title.setText(NO_REFRESH_TEXT)
