"""The provider health dashboard (document 5, UI 3): one card per provider, updated live.

The engine pushes every health change through `ProviderPool.subscribe`; the `HealthBridge` turns it
into a Qt signal, the `HealthModel` takes the snapshot and the card of that row repaints. Nothing is
polled: the only timer re-renders relative times ("5 s ago", "resets in 3 min") and the session's
figures.

Document 4's and document 3's metrics are shown too: per provider, the last 24 hours' executions (a
call with its retries), their success rate and average duration, with the requests of each hour as
a small bar chart (`RequestsChart`, kept across restarts in the provider's saved state); overall,
"N healthy of M", this session's fetches (`OrchestratorMetrics`) and the cache's hit rate and
average fetch time (`CacheStats`).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPaintEvent
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QScrollArea
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.engine.health import ACTIVITY_HOURS
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.services import formatting
from metarr_desktop.services.jobs import Job
from metarr_desktop.ui.common.bridge import HealthBridge
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.pages import title_label
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.widgets import HealthCard
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.health.models import HealthModel

#: How often relative times are re-rendered (milliseconds).
TICK_MS = 1000
#: Pushed changes are painted at most this often (milliseconds): a busy engine sends hundreds of
#: snapshots a second, and repainting a card for each would starve the event loop.
COALESCE_MS = 50


class RequestsChart(QWidget):
    """The requests of each of the last 24 hours as bars (oldest left, the current hour right)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: tuple[int, ...] = ()
        self.setMinimumSize(120, 30)
        self.setMaximumWidth(264)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Requests per hour, last 24 hours")

    def sizeHint(self) -> QSize:
        return QSize(220, 34)

    def set_counts(self, counts: tuple[int, ...]) -> None:
        if counts == self.counts:
            return
        self.counts = counts
        total = sum(counts)
        busiest = max(counts, default=0)
        self.setToolTip(
            f"{total:,} requests in the last 24 hours; at most {busiest:,} in one hour"
            if total
            else "No requests in the last 24 hours"
        )
        self.update()

    def bars(self) -> list[QRectF]:
        """Where each hour's bar is drawn (exposed for tests); empty hours have no bar."""
        rect = QRectF(self.rect()).adjusted(2, 3, -2, -4)
        slots = max(len(self.counts), ACTIVITY_HOURS)
        width = rect.width() / slots
        top = max(self.counts, default=0)
        bars = []
        for index, count in enumerate(self.counts):
            if count <= 0 or top <= 0:
                continue
            height = max(1.5, rect.height() * count / top)
            bars.append(
                QRectF(rect.left() + index * width + 0.5, rect.bottom() - height, width - 1.5, height)
            )
        return bars

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.setPen(QPen(QColor(palette.color(QPalette.ColorRole.Mid)), 1))
        painter.drawLine(2, self.height() - 4, self.width() - 2, self.height() - 4)
        bars = self.bars()
        if not bars:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no requests")
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        for bar in bars:
            painter.drawRect(bar)


class ProviderActivity(QWidget):
    """The last 24 hours of one provider, under its card: executions, success rate, average
    duration, and the requests per hour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures = QLabel()
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        self.figures.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.chart = RequestsChart()
        self.chart.setFixedWidth(240)
        caption = QLabel("Last 24 h")
        caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 0, 14, 8)
        layout.addWidget(caption)
        layout.addSpacing(8)
        layout.addWidget(self.figures, 1)
        layout.addSpacing(12)
        layout.addWidget(self.chart)

    def set_health(self, health: ProviderHealth) -> None:
        self.figures.setText(activity_text(health))
        self.chart.set_counts(health.requests_24h)


def activity_text(health: ProviderHealth) -> str:
    """ "34 executions · 97 % succeeded · 0.21 s on average" (or "no executions")."""
    requests = sum(health.requests_24h)
    head = f"{requests:,} request{'s' if requests != 1 else ''}"
    if not health.executions_24h:
        return f"{head} · no executions"
    rate = formatting.percent(None if health.success_rate_24h is None else health.success_rate_24h * 100)
    average = health.avg_duration_s_24h or 0.0
    return (
        f"{head} · {health.executions_24h:,} execution{'s' if health.executions_24h != 1 else ''}"
        f" · {rate} succeeded · {average:.2f} s on average"
    )


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
        # Names before any push can arrive: a card made from an early update shows the name too.
        self.model.names = ctx.provider_names()
        if ctx.players is not None:
            self.model.names.update(ctx.players.names())
        self.cards: dict[str, HealthCard] = {}
        self.activity: dict[str, ProviderActivity] = {}

        title = title_label("Provider health")
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
            "Updated live as requests complete. Uptime covers the last 100 requests (each retry counts) "
            "and latency the last 10, from the request leaving to the answer arriving; a provider is "
            "auto-disabled after 5 failed executions in a row (a call with its retries is one)."
        )
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        note.setWordWrap(True)
        layout.addWidget(note)
        self.overview = QLabel()
        self.overview.setObjectName("health-overview")
        self.overview.setTextFormat(Qt.TextFormat.PlainText)
        self.overview.setWordWrap(True)
        layout.addWidget(self.overview)
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
        for pid, card in self.cards.items():  # cards made from pushes before the page loaded
            card.name.setText(self.model.names.get(pid, pid))
        self.model.set_rows(snapshots)
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
                self.activity.pop(pid, None)
        for position, pid in enumerate(wanted):
            card = self.cards.get(pid)
            if card is None:
                card = HealthCard(pid, self.model.names.get(pid, pid))
                card.reenableRequested.connect(self.reenable)
                self.cards[pid] = card
                activity = ProviderActivity(card)
                card_layout = card.layout()
                if card_layout is not None:
                    card_layout.addWidget(activity)
                self.activity[pid] = activity
            self.cards_layout.insertWidget(position, card)
            card.set_health(self.model.rows[position], self.ctx.clock.now())
            self.activity[pid].set_health(self.model.rows[position])
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
                self.activity[pid].set_health(self.model.health(pid))
        self._update_summary()

    def _update_summary(self) -> None:
        rows = [r for r in self.model.rows if r.enabled]
        healthy = sum(1 for r in rows if r.status is HealthStatus.HEALTHY)
        waiting = sum(1 for r in rows if r.status is HealthStatus.UNKNOWN)
        troubled = len(rows) - healthy - waiting
        parts = [f"{healthy} healthy of {len(rows)} enabled"]
        if troubled:
            parts.append(f"{troubled} with problems")
        if waiting:
            parts.append(f"{waiting} not asked yet")
        self.summary.setText(", ".join(parts))
        self._update_overview()

    def _update_overview(self) -> None:
        """This session's fetches and the cache's figures (in memory since the app started)."""
        metrics = self.ctx.orchestrator.metrics
        if metrics.executions:
            fetches = (
                f"This session: {metrics.executions:,} fetch{'es' if metrics.executions != 1 else ''}"
                f" · {formatting.percent(metrics.success_rate * 100)} succeeded"
                f" · {metrics.average_duration_s:.2f} s on average"
            )
        else:
            fetches = "This session: no fetches yet"
        parts = [fetches]
        if self.ctx.suite is not None:
            stats = self.ctx.suite.cache_stats
            if stats.hits + stats.misses:
                parts.append(
                    f"Cache: {formatting.percent(stats.hit_rate * 100)} of answers from the cache"
                    f" · {stats.average_fetch_s:.2f} s per network fetch"
                )
            else:
                parts.append("Cache: no answers asked for yet")
        self.overview.setText("   ·   ".join(parts))

    def on_job_updated(self, job: Job) -> None:
        """A job ended: its fetches and cache answers are counted by now (a run's last health push
        comes before its counters move), so the session's figures are shown again at once."""
        if job.state.finished:
            self._update_overview()

    def refresh_times(self) -> None:
        now = self.ctx.clock.now()
        for card in self.cards.values():
            card.refresh_times(now)
        # The hours of the chart are relative times too: they move on with the clock.
        for pid, activity in self.activity.items():
            if pid in self.ctx.pool:
                activity.set_health(self.ctx.pool.get(pid).health_snapshot())
        self._update_overview()

    def reenable(self, provider_id: str) -> None:
        """The card's Re-enable: close the circuit and clear the rate-limit blocks (the pool pushes
        the new health)."""
        self.ctx.pool.reenable(provider_id)
        self.message.emit(f"{self.model.names.get(provider_id, provider_id)} re-enabled.")
