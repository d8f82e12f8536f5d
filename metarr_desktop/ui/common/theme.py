"""Light and dark: the palette follows the system's colour scheme; status colours and icons.

`apply_theme` sets the Fusion style (it honours palettes on every platform) and a light or dark
palette matching `QStyleHints.colorScheme()`, and follows the system when it changes. The user may
pin light or dark from the View menu. Status icons are painted here, in the status colour of the
current scheme, so that they stay readable on both.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QObject
from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtGui import QGuiApplication
from PySide6.QtGui import QIcon
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPainterPath
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QStyleFactory

from metarr_desktop.bundled import ICON_SIZES
from metarr_desktop.bundled import icon_png
from metarr_desktop.bundled import icon_svg
from metarr_desktop.services.formatting import DisplayStatus


class Scheme(StrEnum):
    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


def app_icon() -> QIcon:
    """The application icon: the PNG rendered for each size, and the SVG for any other size."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_png(size)), QSize(size, size))
    icon.addFile(str(icon_svg()))
    return icon


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _dark_palette() -> QPalette:
    p = QPalette()
    # Base is lighter than Window: Fusion outlines check boxes with a darker Window colour, which
    # must stand out against Base for an unticked box to be visible.
    window, base, text = QColor("#232427"), QColor("#2e3034"), QColor("#e8e8ea")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#34363b"))
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#3a3d42"))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#8b8d92"))
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, QColor("#3a3c41"))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.BrightText, QColor("#ff6b6b"))
        p.setColor(group, QPalette.ColorRole.Light, QColor("#45484e"))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor("#3c3f44"))
        p.setColor(group, QPalette.ColorRole.Mid, QColor("#5a5d63"))
        p.setColor(group, QPalette.ColorRole.Dark, QColor("#191a1c"))
        p.setColor(group, QPalette.ColorRole.Shadow, QColor("#000000"))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#5c6bc0"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(group, QPalette.ColorRole.Link, QColor("#8c9eff"))
    disabled = QPalette.ColorGroup.Disabled
    p.setColor(disabled, QPalette.ColorRole.Window, window)
    p.setColor(disabled, QPalette.ColorRole.Base, base)
    p.setColor(disabled, QPalette.ColorRole.Button, QColor("#303236"))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(disabled, role, QColor("#74767b"))
    return p


def _wants_dark(scheme: Scheme) -> bool:
    if scheme is Scheme.DARK:
        return True
    if scheme is Scheme.LIGHT:
        return False
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


class ThemeController(QObject):
    """Keeps the application palette in line with the chosen scheme and the system's.

    Attributes:
        scheme: system (follow the desktop), light or dark.
    """

    def __init__(self, app: QApplication, scheme: Scheme = Scheme.SYSTEM) -> None:
        super().__init__(app)
        self._app = app
        self.scheme = scheme
        fusion = QStyleFactory.create("Fusion")
        if fusion is not None:
            app.setStyle(fusion)
        self._light = app.style().standardPalette()
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        self.apply()

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.scheme is Scheme.SYSTEM:
            self.apply()

    def set_scheme(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.apply()

    def apply(self) -> None:
        self._app.setPalette(_dark_palette() if _wants_dark(self.scheme) else self._light)


_STATUS_COLOURS: dict[DisplayStatus, tuple[str, str]] = {
    # (light scheme, dark scheme)
    DisplayStatus.HEALTHY: ("#2e7d32", "#66bb6a"),
    DisplayStatus.DEGRADED: ("#b26a00", "#ffb74d"),
    DisplayStatus.DOWN: ("#c62828", "#ef5350"),
    DisplayStatus.RATE_LIMITED: ("#6a1b9a", "#ce93d8"),
    DisplayStatus.DISABLED: ("#757575", "#9e9e9e"),
    DisplayStatus.AUTO_DISABLED: ("#ad1457", "#f48fb1"),
    DisplayStatus.UNKNOWN: ("#546e7a", "#90a4ae"),
}


def status_colour(status: DisplayStatus, palette: QPalette | None = None) -> QColor:
    light, dark = _STATUS_COLOURS[status]
    return QColor(dark if is_dark(palette) else light)


def error_colour(palette: QPalette | None = None) -> QColor:
    return QColor("#ef5350" if is_dark(palette) else "#c62828")


def warning_colour(palette: QPalette | None = None) -> QColor:
    return QColor("#ffb74d" if is_dark(palette) else "#9a5b00")


_pixmaps: dict[tuple[DisplayStatus, int, bool], QPixmap] = {}


def status_pixmap(status: DisplayStatus, size: int = 20, palette: QPalette | None = None) -> QPixmap:
    """A filled circle in the status colour with a white glyph: check, !, x, clock, dash, pause, ?
    (painted once per status, size and scheme)."""
    key = (status, size, is_dark(palette))
    cached = _pixmaps.get(key)
    if cached is None:
        cached = _pixmaps[key] = _paint_status(status, size, palette)
    return cached


def blank_pixmap(width: float, height: float, ratio: float = 2.0) -> QPixmap:
    """A transparent canvas of `width` x `height` logical pixels, drawn at `ratio` (sharp on
    high-density screens) for the small icons the views paint themselves."""
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


def _paint_status(status: DisplayStatus, size: int, palette: QPalette | None) -> QPixmap:
    pixmap = blank_pixmap(size, size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(status_colour(status, palette))
    s = float(size)
    painter.drawEllipse(QRectF(0.5, 0.5, s - 1, s - 1))
    pen = QPen(QColor("white"), max(1.6, s / 9), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)

    def p(x: float, y: float) -> QPointF:
        return QPointF(x * s, y * s)

    if status is DisplayStatus.HEALTHY:
        path = QPainterPath(p(0.28, 0.52))
        path.lineTo(p(0.44, 0.68))
        path.lineTo(p(0.72, 0.34))
        painter.drawPath(path)
    elif status is DisplayStatus.DEGRADED:
        painter.drawLine(p(0.5, 0.26), p(0.5, 0.58))
        painter.drawPoint(p(0.5, 0.74))
    elif status is DisplayStatus.DOWN:
        painter.drawLine(p(0.33, 0.33), p(0.67, 0.67))
        painter.drawLine(p(0.67, 0.33), p(0.33, 0.67))
    elif status is DisplayStatus.RATE_LIMITED:
        painter.drawEllipse(QRectF(0.25 * s, 0.25 * s, 0.5 * s, 0.5 * s))
        painter.drawLine(p(0.5, 0.5), p(0.5, 0.34))
        painter.drawLine(p(0.5, 0.5), p(0.62, 0.56))
    elif status is DisplayStatus.DISABLED:
        painter.drawLine(p(0.3, 0.5), p(0.7, 0.5))
    elif status is DisplayStatus.AUTO_DISABLED:
        painter.drawLine(p(0.41, 0.3), p(0.41, 0.7))
        painter.drawLine(p(0.59, 0.3), p(0.59, 0.7))
    else:
        path = QPainterPath(p(0.37, 0.38))
        path.cubicTo(p(0.37, 0.2), p(0.66, 0.2), p(0.64, 0.38))
        path.cubicTo(p(0.62, 0.5), p(0.5, 0.5), p(0.5, 0.6))
        painter.drawPath(path)
        painter.drawPoint(p(0.5, 0.76))
    painter.end()
    return pixmap


def status_icon(status: DisplayStatus, palette: QPalette | None = None) -> QIcon:
    return QIcon(status_pixmap(status, 20, palette))
