"""The movie page's painted bits: source badges, the padlock, and rows of chips (the banner's status and
ratings, each provider's progress during a refresh)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QEvent
from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import QHelpEvent
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPainterPath
from PySide6.QtGui import QPaintEvent
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QToolTip
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.movie_fields import USER_SOURCE
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.ui.common.safe_text import plain_tip
from metarr_desktop.ui.common.theme import is_dark
from metarr_desktop.ui.common.theme import status_colour
from metarr_desktop.ui.movie.presenter import STATE_STATUS
from metarr_desktop.ui.movie.presenter import ChipSpec

#: Badge colours per source: (light scheme, dark scheme).
_SOURCE_COLOURS: dict[str, tuple[str, str]] = {
    "tmdb": ("#0b6e8f", "#4fc3e8"),
    "omdb": ("#9a6700", "#ffc65c"),
    "tvdb": ("#2e7d32", "#7bd47f"),
    "fanart": ("#7b1fa2", "#d59cf0"),
    USER_SOURCE: ("#c2410c", "#ff9a6b"),
}
_SPARE_COLOURS: tuple[tuple[str, str], ...] = (
    ("#3949ab", "#9fa8ff"),
    ("#00796b", "#62d6c4"),
    ("#ad1457", "#f48fb1"),
    ("#5d4037", "#d7b7a8"),
)


def source_colour(source: str, palette: QPalette | None = None) -> QColor:
    """The colour of a source's badge (a provider's own, the edit colour for "user")."""
    pair = _SOURCE_COLOURS.get(source)
    if pair is None:
        digest = hashlib.sha1(source.encode()).digest()[0]
        pair = _SPARE_COLOURS[digest % len(_SPARE_COLOURS)]
    return QColor(pair[1] if is_dark(palette) else pair[0])


def badge_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(7.0, base.pointSizeF() * 0.78))
    font.setBold(True)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 104)
    font.setCapitalization(QFont.Capitalization.AllUppercase)
    return font


def badge_size(text: str, font: QFont) -> QSize:
    metrics = QFontMetrics(badge_font(font))
    return QSize(metrics.horizontalAdvance(text) + 14, metrics.height() + 6)


def paint_badge(painter: QPainter, rect: QRectF, text: str, colour: QColor, palette: QPalette) -> None:
    """A rounded pill: solid with white text in the light scheme, tinted with coloured text in dark."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    radius = rect.height() / 2
    if is_dark(palette):
        fill = QColor(colour)
        fill.setAlpha(48)
        painter.setPen(QPen(QColor(colour.red(), colour.green(), colour.blue(), 150), 1))
        painter.setBrush(fill)
        text_colour = colour
    else:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        text_colour = QColor("white")
    painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    painter.setPen(text_colour)
    painter.setFont(badge_font(painter.font()))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def paint_padlock(painter: QPainter, rect: QRectF, locked: bool, colour: QColor) -> None:
    """A padlock, closed or open, drawn in `colour` inside `rect`."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = min(rect.width(), rect.height())
    x0 = rect.center().x() - side / 2
    y0 = rect.center().y() - side / 2
    body = QRectF(x0 + side * 0.18, y0 + side * 0.45, side * 0.64, side * 0.48)
    pen = QPen(colour, max(1.6, side * 0.11), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    shackle = QPainterPath()
    left = x0 + side * 0.31
    right = x0 + side * 0.69
    bottom = body.top()
    if locked:
        top = y0 + side * 0.08
        shackle.moveTo(left, bottom)
        shackle.lineTo(left, top + side * 0.17)
        shackle.arcTo(QRectF(left, top, right - left, side * 0.34), 180, -180)
        shackle.lineTo(right, bottom)
    else:  # open: the shackle raised, its left post out of the body
        top = y0 - side * 0.02
        shackle.moveTo(right, bottom)
        shackle.lineTo(right, top + side * 0.17)
        shackle.arcTo(QRectF(left, top, right - left, side * 0.34), 0, 180)
        shackle.lineTo(left, top + side * 0.24)
    painter.drawPath(shackle)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(body, side * 0.08, side * 0.08)
    hole = QColor(0, 0, 0, 110) if colour.lightness() > 128 else QColor(255, 255, 255, 170)
    painter.setBrush(hole)
    painter.drawEllipse(QPointF(body.center().x(), body.center().y() - side * 0.02), side * 0.06, side * 0.06)
    painter.restore()


def lock_colour(palette: QPalette) -> QColor:
    """The accent of a locked field (the edit colour, so a hand edit and its lock read together)."""
    return source_colour(USER_SOURCE, palette)


@dataclass(frozen=True, slots=True)
class Chip:
    """One pill of a `ChipRow`.

    Attributes:
        text: the main text; `secondary` follows it, dimmer.
        dot: a status dot before the text (invalid colour: none).
        tooltip: shown when hovering this chip.
        key: what tests and callers find the chip by (a provider id, a rating source).
    """

    text: str
    secondary: str = ""
    dot: QColor | None = None
    tooltip: str = ""
    key: str = ""


class ChipRow(QWidget):
    """A row of painted pills: the ratings and status on the banner, the providers' progress.

    Attributes:
        chips: what is shown.
        overlay: drawn on the dark banner (translucent white) instead of the window's palette.
    """

    HEIGHT = 26
    GAP = 8

    def __init__(self, *, overlay: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips: list[Chip] = []
        self.overlay = overlay
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)

    def set_chips(self, chips: Iterable[Chip]) -> None:
        self.chips = list(chips)
        self.setAccessibleDescription("; ".join(f"{c.text} {c.secondary}".strip() for c in self.chips))
        self.updateGeometry()
        self.update()

    def chip(self, key: str) -> Chip | None:
        return next((c for c in self.chips if c.key == key), None)

    def _fonts(self) -> tuple[QFont, QFont]:
        main = QFont(self.font())
        main.setBold(True)
        secondary = QFont(self.font())
        secondary.setPointSizeF(self.font().pointSizeF() * 0.9)
        return main, secondary

    def _rects(self) -> list[QRectF]:
        main, secondary = self._fonts()
        main_m, secondary_m = QFontMetrics(main), QFontMetrics(secondary)
        rects = []
        x = 0.0
        for chip in self.chips:
            width = 20.0 + main_m.horizontalAdvance(chip.text)
            if chip.secondary:
                width += 6 + secondary_m.horizontalAdvance(chip.secondary)
            if chip.dot is not None:
                width += 14
            rects.append(QRectF(x, 0, width, self.HEIGHT))
            x += width + self.GAP
        return rects

    def sizeHint(self) -> QSize:
        rects = self._rects()
        width = int(rects[-1].right()) + 2 if rects else 0
        return QSize(width, self.HEIGHT + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.HEIGHT + 2)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            for chip, rect in zip(self.chips, self._rects(), strict=True):
                if rect.contains(QPointF(event.pos())) and chip.tooltip:
                    QToolTip.showText(event.globalPos(), plain_tip(chip.tooltip), self, rect.toRect())
                    return True
            QToolTip.hideText()
            event.ignore()
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        main, secondary = self._fonts()
        for chip, rect in zip(self.chips, self._rects(), strict=True):
            if self.overlay:
                fill, border = QColor(255, 255, 255, 38), QColor(255, 255, 255, 70)
                text, dim = QColor("white"), QColor(255, 255, 255, 190)
            else:
                fill = QColor(palette.color(QPalette.ColorRole.Base))
                border = QColor(palette.color(QPalette.ColorRole.Mid))
                text = palette.color(QPalette.ColorRole.Text)
                dim = palette.color(QPalette.ColorRole.PlaceholderText)
            box = rect.adjusted(0.5, 0.5, -0.5, -0.5)
            painter.setPen(QPen(border, 1))
            painter.setBrush(fill)
            painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
            x = rect.left() + 10
            if chip.dot is not None:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(chip.dot)
                painter.drawEllipse(QPointF(x + 4, rect.center().y()), 4, 4)
                x += 14
            painter.setFont(main)
            painter.setPen(text)
            width = QFontMetrics(main).horizontalAdvance(chip.text)
            painter.drawText(
                QRectF(x, rect.top(), width + 1, rect.height()), Qt.AlignmentFlag.AlignVCenter, chip.text
            )
            if chip.secondary:
                x += width + 6
                painter.setFont(secondary)
                painter.setPen(dim)
                painter.drawText(
                    QRectF(x, rect.top(), rect.right() - x, rect.height()),
                    Qt.AlignmentFlag.AlignVCenter,
                    chip.secondary,
                )


def provider_state_colour(state: ProviderState, palette: QPalette) -> QColor:
    """The dot of a provider chip in `state` (the refresh chips and the Identify dialog's)."""
    return status_colour(STATE_STATUS[state], palette)


def chips_from(specs: Iterable[ChipSpec], palette: QPalette) -> list[Chip]:
    """The presenter's chips with their dots coloured for `palette`."""
    return [
        Chip(
            spec.text,
            spec.secondary,
            dot=status_colour(spec.status, palette) if spec.status is not None else None,
            tooltip=spec.tooltip,
            key=spec.key,
        )
        for spec in specs
    ]


__all__ = [
    "Chip",
    "ChipRow",
    "badge_font",
    "badge_size",
    "chips_from",
    "lock_colour",
    "paint_badge",
    "paint_padlock",
    "provider_state_colour",
    "source_colour",
]
