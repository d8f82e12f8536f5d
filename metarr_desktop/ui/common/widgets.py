"""Small custom-painted widgets: the latency sparkline, the uptime and usage bars, the health card.

They take plain values (numbers, a `ProviderHealth`) and paint with the application palette plus the
status colours of `ui.theme`, so they follow light and dark.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPainterPath
from PySide6.QtGui import QPaintEvent
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QFrame
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.services import formatting
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.ui.common.safe_text import plain_label
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.common.theme import is_dark
from metarr_desktop.ui.common.theme import status_colour
from metarr_desktop.ui.common.theme import status_pixmap


class Sparkline(QWidget):
    """A line over the recent latencies (oldest left), with the latest value as a dot.

    Attributes:
        values: latencies in milliseconds.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: tuple[float, ...] = ()
        self.colour = QColor()
        self.setMinimumSize(96, 28)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Latency of recent requests")

    def sizeHint(self) -> QSize:
        return QSize(160, 32)

    def set_values(self, values: tuple[float, ...] | list[float], colour: QColor | None = None) -> None:
        self.values = tuple(values)
        self.colour = colour or QColor()
        if self.values:
            self.setToolTip("Recent latencies: " + ", ".join(formatting.latency(v) for v in self.values))
        else:
            self.setToolTip("No successful request yet")
        self.update()

    def points(self) -> list[QPointF]:
        """Where each value is drawn (exposed for tests)."""
        rect = QRectF(self.rect()).adjusted(3, 4, -4, -4)
        if not self.values:
            return []
        top = max(self.values)
        bottom = min(0.0, min(self.values))
        span = (top - bottom) or 1.0
        count = len(self.values)
        step = rect.width() / (count - 1) if count > 1 else 0.0
        return [
            QPointF(
                rect.left() + (step * i if count > 1 else rect.width() / 2),
                rect.bottom() - (v - bottom) / span * rect.height(),
            )
            for i, v in enumerate(self.values)
        ]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        baseline = QColor(palette.color(QPalette.ColorRole.Mid))
        painter.setPen(QPen(baseline, 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(3, self.height() - 4), QPointF(self.width() - 4, self.height() - 4))
        points = self.points()
        if not points:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "no data")
            return
        colour = self.colour if self.colour.isValid() else palette.color(QPalette.ColorRole.Highlight)
        if len(points) > 1:
            fill = QPainterPath(QPointF(points[0].x(), self.height() - 4))
            for point in points:
                fill.lineTo(point)
            fill.lineTo(QPointF(points[-1].x(), self.height() - 4))
            shade = QColor(colour)
            shade.setAlpha(45)
            painter.fillPath(fill, shade)
            line = QPainterPath(points[0])
            for point in points[1:]:
                line.lineTo(point)
            painter.setPen(QPen(colour, 1.8))
            painter.drawPath(line)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(points[-1], 2.8, 2.8)


class MeterBar(QWidget):
    """A thin horizontal bar filled to a fraction, in a given colour (uptime, usage).

    Attributes:
        fraction: between 0 and 1, or None for "no data".
    """

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fraction: float | None = None
        self.colour = QColor()
        self.setAccessibleName(accessible_name)
        self.setFixedHeight(8)
        self.setMinimumWidth(80)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_fraction(self, fraction: float | None, colour: QColor | None = None) -> None:
        self.fraction = None if fraction is None else max(0.0, min(1.0, fraction))
        self.colour = colour or QColor()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = rect.height() / 2
        track = QColor(self.palette().color(QPalette.ColorRole.Mid))
        track.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(rect, radius, radius)
        if self.fraction:
            colour = (
                self.colour if self.colour.isValid() else self.palette().color(QPalette.ColorRole.Highlight)
            )
            filled = QRectF(
                rect.left(), rect.top(), max(rect.height(), rect.width() * self.fraction), rect.height()
            )
            painter.setBrush(colour)
            painter.drawRoundedRect(filled, radius, radius)


def _set_text_colour(label: QLabel, colour: QColor) -> None:
    """Colour a label's text through its palette (much cheaper than a style sheet)."""
    palette = label.palette()
    # A label on a Base-coloured card draws with the Text role, elsewhere with WindowText.
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    palette.setColor(QPalette.ColorRole.Text, colour)
    label.setPalette(palette)


class _Caption(QLabel):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)


class HealthCard(QFrame):
    """One provider's health: status, uptime, latency, usage, timings, failures and last error.

    Attributes:
        provider_id: which provider this card shows.
        health: the snapshot shown.

    Signals:
        reenableRequested(str): the user pressed Re-enable (the provider is auto-disabled or rate
            limited).
    """

    reenableRequested = Signal(str)

    def __init__(self, provider_id: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.provider_id = provider_id
        self.health: ProviderHealth | None = None
        self._scheme_dark = False
        self.setObjectName(f"health-card-{provider_id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

        self.icon = QLabel()
        self.icon.setFixedSize(22, 22)
        self.name = plain_label(QLabel(name))
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.name.setFont(title_font)
        self.status = QLabel()
        status_font = QFont(self.font())
        status_font.setBold(True)
        self.status.setFont(status_font)
        self.reenable = QPushButton("Re-enable")
        self.reenable.setToolTip("Clear its rate-limit wait and circuit now, and ask this provider again")
        self.reenable.clicked.connect(lambda: self.reenableRequested.emit(self.provider_id))
        self.reenable.hide()

        header = QHBoxLayout()
        header.addWidget(self.icon)
        header.addWidget(self.name)
        header.addSpacing(8)
        header.addWidget(self.status)
        header.addStretch(1)
        header.addWidget(self.reenable)

        self.uptime = QLabel()
        self.uptime_bar = MeterBar("Uptime")
        self.latency = QLabel()
        self.sparkline = Sparkline()
        self.usage = QLabel()
        self.usage_bar = MeterBar("Usage today")
        self.last_request = QLabel()
        self.resets = QLabel()
        self.resets_caption = _Caption("Resets in")
        self.failures = QLabel()
        self.error = plain_label(QLabel())
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        grid.addWidget(_Caption("Uptime"), 0, 0)
        grid.addWidget(self.uptime, 0, 1)
        grid.addWidget(self.uptime_bar, 0, 2)
        grid.addWidget(_Caption("Avg latency"), 1, 0)
        grid.addWidget(self.latency, 1, 1)
        grid.addWidget(self.sparkline, 1, 2)
        grid.addWidget(_Caption("Usage today"), 2, 0)
        grid.addWidget(self.usage, 2, 1)
        grid.addWidget(self.usage_bar, 2, 2)
        grid.addWidget(_Caption("Last request"), 0, 3)
        grid.addWidget(self.last_request, 0, 4)
        grid.addWidget(self.resets_caption, 1, 3)
        grid.addWidget(self.resets, 1, 4)
        grid.addWidget(_Caption("Failures in a row"), 2, 3)
        grid.addWidget(self.failures, 2, 4)
        grid.setColumnStretch(2, 1)
        grid.setColumnMinimumWidth(1, 110)
        grid.setColumnMinimumWidth(4, 110)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addLayout(header)
        layout.addLayout(grid)
        layout.addWidget(self.error)

    def set_health(self, health: ProviderHealth, now: datetime) -> None:
        if health == self.health and self._scheme_dark == is_dark(self.palette()):
            self.refresh_times(now)
            return
        self.health = health
        status = formatting.display_status(health)
        palette = self.palette()
        self._scheme_dark = is_dark(palette)
        colour = status_colour(status, palette)
        self.icon.setPixmap(status_pixmap(status, 20, palette))
        self.status.setText(status.label)
        _set_text_colour(self.status, colour)
        self.setAccessibleName(f"{self.name.text()}: {status.label}")
        self.reenable.setVisible(health.auto_disabled or health.rate_limited_until is not None)

        self.uptime.setText(formatting.percent(health.uptime_percent))
        uptime = None if health.uptime_percent is None else health.uptime_percent / 100.0
        uptime_status = (
            DisplayStatus.HEALTHY if (health.uptime_percent or 0) >= 90 else DisplayStatus.DEGRADED
        )
        self.uptime_bar.set_fraction(uptime, status_colour(uptime_status, palette))
        self.latency.setText(formatting.latency(health.avg_latency_ms))
        self.sparkline.set_values(health.latencies_ms, colour if health.enabled else None)
        self.usage.setText(formatting.usage(health.requests_today, health.daily_quota))
        if health.daily_quota:
            share = health.requests_today / health.daily_quota
            usage_status = DisplayStatus.HEALTHY if share < 0.8 else DisplayStatus.DEGRADED
            if share >= 1:
                usage_status = DisplayStatus.DOWN
            self.usage_bar.set_fraction(share, status_colour(usage_status, palette))
            self.usage_bar.show()
        else:
            self.usage_bar.set_fraction(None)
            self.usage_bar.hide()
        self.failures.setText(str(health.consecutive_failures))
        self.error.setVisible(bool(health.last_error))
        if health.last_error:
            self.error.setText(f"Last error: {health.last_error}")
            _set_text_colour(self.error, error_colour(palette))
        self.refresh_times(now)

    def refresh_times(self, now: datetime) -> None:
        """Re-render the relative times (called by the dashboard's timer)."""
        health = self.health
        if health is None:
            return
        self.last_request.setText(formatting.relative_time(health.last_request_at, now))
        if health.rate_limited_until is not None:
            self.resets_caption.setText("Resets in")
            self.resets.setText(formatting.resets_in(health.rate_limited_until, now))
        elif health.auto_disabled and health.probe_in_s is not None:
            self.resets_caption.setText("Next probe in")
            self.resets.setText(formatting.duration(health.probe_in_s))
        else:
            self.resets_caption.setText("Resets in")
            self.resets.setText("-")
