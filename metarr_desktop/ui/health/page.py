"""The provider health dashboard (document 5, UI 3): one card per provider, updated live.

The engine pushes every health change through `ProviderPool.subscribe`; the `HealthBridge` turns it
into a Qt signal, the `HealthModel` takes the snapshot and the card of that row repaints. Nothing is
polled: the only timer re-renders relative times ("5 s ago", "resets in 3 min").
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from metarr_desktop.engine.health import HealthStatus, ProviderHealth
from metarr_desktop.ui.common.bridge import HealthBridge
from metarr_desktop.ui.common.models import Role
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.widgets import HealthCard
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.health.models import HealthModel

#: How often relative times are re-rendered (milliseconds).
TICK_MS = 1000
#: Pushed changes are painted at most this often (milliseconds): a busy engine sends hundreds of
#: snapshots a second, and repainting a card for each would starve the event loop.
COALESCE_MS = 50


class HealthPage(PageView):
    """Health cards for every provider.

    Attributes:
        model: one `ProviderHealth` per provider.
        cards: provider id -> its card.
        bridge: the pool's health pushes as a Qt signal.

    Signals:
        loaded(): the first snapshots are shown.
        message(str): a status message for the window.
    """


    def __init__(self, ctx: UiContext, bridge: HealthBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bridge = bridge
        self.setObjectName("health-page")
        self.model = HealthModel(parent=self)
        self.cards: dict[str, HealthCard] = {}

        title = QLabel("Provider health")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.summary = QLabel()
        self.summary.setObjectName("health-summary")
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.summary)

        self.container = QWidget()
        self.cards_layout = QVBoxLayout(self.container)
        self.cards_layout.setContentsMargins(0, 0, 6, 0)
        self.cards_layout.setSpacing(10)
        self.cards_layout.addStretch(1)
        self.empty = QLabel("No providers are installed.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.container)

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        note = QLabel(
            "Updated live as requests complete. Uptime covers the last 100 calls; latency the last 10."
        )
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)

        self.model.modelReset.connect(self._rebuild_cards)
        self.model.rowsInserted.connect(self._rebuild_cards)
        self.model.dataChanged.connect(self._on_data_changed)
        bridge.healthChanged.connect(self.on_health)

        self._pending: set[str] = set()
        self.repaint_timer = QTimer(self)
        self.repaint_timer.setSingleShot(True)
        self.repaint_timer.setInterval(COALESCE_MS)
        self.repaint_timer.timeout.connect(self.flush_pending)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.refresh_times)

    async def load(self) -> None:
        """Show the current snapshot of every provider, then follow the pushes."""
        self.model.names = self.ctx.provider_names()
        snapshots = self.ctx.providers.health()
        if self.ctx.players is not None:  # media players are providers of a kind: listed after them
            self.model.names.update(self.ctx.players.names())
            snapshots += self.ctx.players.health()
        self.model.set_snapshots(snapshots)
        self.timer.start()
        self.loaded.emit()

    def on_health(self, health: ProviderHealth) -> None:
        self.model.update(health)

    def _rebuild_cards(self, *_args: object) -> None:
        wanted = [row.id for row in self.model.rows]
        for pid in list(self.cards):
            if pid not in wanted:
                gone = self.cards.pop(pid)
                self.cards_layout.removeWidget(gone)
                gone.deleteLater()
        for position, pid in enumerate(wanted):
            card = self.cards.get(pid)
            if card is None:
                card = HealthCard(pid, self.model.names.get(pid, pid))
                card.reenableRequested.connect(self.reenable)
                self.cards[pid] = card
            self.cards_layout.insertWidget(position, card)
            card.set_health(self.model.rows[position], self.ctx.clock.now())
        self.empty.setVisible(not wanted)
        self._update_summary()

    def _on_data_changed(
        self,
        top: QModelIndex | QPersistentModelIndex,
        bottom: QModelIndex | QPersistentModelIndex,
        *_: object,
    ) -> None:
        """A snapshot arrived: its card is repainted on the next coalescing tick (started here, by
        the push; nothing is polled)."""
        for row in range(top.row(), bottom.row() + 1):
            self._pending.add(str(self.model.index(row).data(Role.PROVIDER_ID)))
        if not self.repaint_timer.isActive():
            self.repaint_timer.start()

    def flush_pending(self) -> None:
        """Show every snapshot received since the last repaint."""
        self.repaint_timer.stop()
        now = self.ctx.clock.now()
        pending, self._pending = self._pending, set()
        for pid in pending:
            card = self.cards.get(pid)
            if card is not None:
                card.set_health(self.model.health(pid), now)
        self._update_summary()

    def _update_summary(self) -> None:
        rows = [r for r in self.model.rows if r.enabled]
        healthy = sum(1 for r in rows if r.status is HealthStatus.HEALTHY)
        waiting = sum(1 for r in rows if r.status is HealthStatus.UNKNOWN)
        troubled = len(rows) - healthy - waiting
        parts = [f"{healthy} healthy"]
        if troubled:
            parts.append(f"{troubled} with problems")
        if waiting:
            parts.append(f"{waiting} not asked yet")
        self.summary.setText(", ".join(parts) + f" (of {len(rows)} enabled)")

    def refresh_times(self) -> None:
        now = self.ctx.clock.now()
        for card in self.cards.values():
            card.refresh_times(now)

    def reenable(self, provider_id: str) -> None:
        """The card's Re-enable: close the circuit and clear the rate-limit blocks (the pool pushes
        the new health)."""
        self.ctx.pool.reenable(provider_id)
        self.message.emit(f"{self.model.names.get(provider_id, provider_id)} re-enabled.")
