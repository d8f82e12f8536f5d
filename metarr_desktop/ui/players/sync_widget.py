"""The movie page's strip of player sync states: one line per player (in sync, pending, deferred
while playing, failed with its reason), stacked and shortened to the room there is (the whole text in
the tooltip) so that no reason makes the window wider, and "Sync to players"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.records import SyncState
from metarr_desktop.services.players.models import MovieSyncState
from metarr_desktop.services.players.service import PlayerSyncService
from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.common.controls import ShortenedLabel
from metarr_desktop.ui.common.safe_text import plain_tip
from metarr_desktop.ui.players.presenter import describe_report

SYMBOLS = {
    None: "○",
    SyncState.SYNCED: "✓",
    SyncState.PENDING: "…",
    SyncState.DEFERRED: "⏸",
    SyncState.FAILED: "✗",
    SyncState.NOT_FOUND: "?",
}


def chip_text(state: MovieSyncState) -> str:
    return f"{SYMBOLS[state.state]} {state.player}: {state.text}"


class MovieSyncWidget(QWidget):
    """Attributes: movie_id (the movie shown), labels (one line per player, each elided to fit).

    Signals:
        message(str): a status message for the window.
    """

    message = Signal(str)

    def __init__(self, service: PlayerSyncService | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("movie-player-sync")
        self.service = service
        self.movie_id: int | None = None
        self.labels: list[ShortenedLabel] = []
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel("Players:")
        self._row.addWidget(self.title, 0, Qt.AlignmentFlag.AlignTop)
        self._chips = QVBoxLayout()
        self._chips.setSpacing(2)
        self._row.addLayout(self._chips, 1)
        self.sync_button = QPushButton("Sync to players")
        self.sync_button.setObjectName("movie-sync-players")
        self.sync_button.setToolTip("Tell every player to re-read this movie now")
        self.sync_button.clicked.connect(self._on_sync_clicked)
        self._row.addWidget(self.sync_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setVisible(False)
        if service is not None:  # a run or an edit elsewhere changes what this shows
            service.subscribe(self.refresh)

    def set_movie(self, movie_id: int | None) -> None:
        self.movie_id = movie_id
        self.refresh()

    def states(self) -> list[MovieSyncState]:
        if self.service is None or self.movie_id is None:
            return []
        return self.service.movie_states(self.movie_id)

    def refresh(self) -> None:
        for label in self.labels:
            self._chips.removeWidget(label)
            label.deleteLater()
        self.labels = []
        states = self.states()
        for state in states:
            text = chip_text(state)
            label = ShortenedLabel(text)
            label.setToolTip(plain_tip(text))
            self._chips.addWidget(label)
            self.labels.append(label)
        self.setVisible(bool(states))

    @async_slot()
    async def _on_sync_clicked(self) -> None:
        await self.sync()

    async def sync(self) -> str:
        if self.service is None or self.movie_id is None:
            return ""
        self.sync_button.setEnabled(False)
        try:
            text = describe_report(await self.service.sync([self.movie_id]))
        finally:
            self.sync_button.setEnabled(True)
        self.refresh()
        self.message.emit(text)
        return text
