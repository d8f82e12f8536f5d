"""The "Undo this refresh" button, shown in the movie page's tab row while the History tab is open
(`attach_undo`). It reverts the latest refresh that changed something (`services.undo`), says what
was restored and what was kept, and reloads the page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.undo.presenter import UndoPresenter

if TYPE_CHECKING:
    from metarr_desktop.ui.movie.page import MovieDetailPage


class UndoButton(QPushButton):
    """Undo this refresh (the latest one of the movie)."""

    def __init__(self, page: MovieDetailPage) -> None:
        super().__init__("Undo this refresh")
        self.page = page
        self.setObjectName("movie-undo")
        self.presenter: UndoPresenter | None = None
        suite = page.ctx.suite
        if suite is not None:
            self.presenter = UndoPresenter(suite.undo)
        self.clicked.connect(self._on_clicked)
        self.update_state()

    def update_state(self) -> None:
        """Follow the page: its movie, its history, and whether the History tab is open."""
        page = self.page
        presenter = self.presenter
        on_history = page.tabs.currentWidget() is page.history_view
        if presenter is None:
            self.setVisible(False)
            return
        detail = page.detail
        presenter.show(page.movie_id if detail is not None else None, detail.history if detail else [])
        self.setEnabled(presenter.enabled)
        self.setToolTip(presenter.tooltip())
        self.setVisible(on_history and detail is not None)

    @async_slot()
    async def _on_clicked(self) -> None:
        await self.undo()

    async def undo(self) -> str:
        """Undo the latest refresh of the page's movie; the line shown on the page."""
        presenter = self.presenter
        if presenter is None or not presenter.enabled:
            return ""
        self.setEnabled(False)
        text = await presenter.undo()
        await self.page.load()
        self.page.show_notice(text)
        self.page.message.emit(text)
        return text


def attach_undo(page: MovieDetailPage) -> UndoButton:
    """Put the button in the page's tab row (shown while the History tab is open)."""
    button = UndoButton(page)
    page.tabs.setCornerWidget(button, Qt.Corner.TopRightCorner)
    page.tabs.currentChanged.connect(lambda _index: button.update_state())
    page.loaded.connect(button.update_state)
    return button
