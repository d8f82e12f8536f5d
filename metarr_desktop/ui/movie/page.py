"""The movie detail page (document 5, UI 4 "Entity Enrichment Status").

One movie: its poster and fanart, title, status, when it was last enriched and from which providers
(and which providers still owe an answer); every canonical field with its value, a source badge
([TMDB], [OMDb], [EDITED] for a hand edit; "Show sources" hides them) and a lock toggle; the ratings
per source, never blended; Refresh Metadata (manual, optionally ignoring the cache) as a job with
each provider's progress live on the page, then the change set; and the movie's enrichment history.

A refresh of a movie that is not identified yet starts by identifying it (search by title and year,
then id lookups): the panel says which phase runs ("Identifying…", then "Fetching…") and the same
provider chips show each provider's part of it as it happens ("searching…", "3 results", "looking
up…", "found", "failed", "skipped: rate limited"), through `IdentifyingRefreshProgress`.

Editing a field (double-click or F2 on its value) stores it with the source "user" and locks it, so
no refresh changes it, and the page says so. A value the field cannot hold is refused in the editor,
which stays open with the reason.

The fields are one model/view table (`FieldsModel`) with painted delegates for the badges and the
lock toggles, not a widget per field.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QLinearGradient,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from metarr_desktop.core import formatting
from metarr_desktop.core.fields import EntityType, label
from metarr_desktop.core.formatting import DisplayStatus
from metarr_desktop.core.ids import ExternalIds, IdType
from metarr_desktop.core.records import IdentificationStatus, UnknownEntityError
from metarr_desktop.engine.events import IdentifyStep, ProviderOutcome
from metarr_desktop.services.enrichment import EnrichOptions, EnrichResult, Mode, Status
from metarr_desktop.services.jobs import Job, JobHandle, JobState
from metarr_desktop.services.library import LibraryError
from metarr_desktop.services.movie_fields import (
    USER_SOURCE,
    FieldDetail,
    FieldValueError,
    MovieDetail,
    input_hint,
    normalise_value,
)
from metarr_desktop.store.database import describe_db_error, is_db_error
from metarr_desktop.ui.common.bridge import async_slot, spawn
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.safe_text import escape, plain_label, plain_tip
from metarr_desktop.ui.common.theme import error_colour, is_dark, status_colour, warning_colour
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.inspect.dialog import attach_inspector
from metarr_desktop.ui.movie.models import (
    RATING_NAMES,
    RATING_SOURCE_FIELDS,
    ChangeSetModel,
    FieldsModel,
    HistoryModel,
    MovieRole,
    ProviderProgress,
    ProviderState,
    RefreshProgress,
    rating_scale,
    rating_text,
)
from metarr_desktop.ui.players.sync_widget import MovieSyncWidget
from metarr_desktop.ui.preview.flow import show_movie_preview
from metarr_desktop.ui.publish.files_tab import FilesTab
from metarr_desktop.ui.undo.button import attach_undo

Index = QModelIndex | QPersistentModelIndex

#: How long `load_movie` waits for the poster and fanart before saying it is loaded (seconds); images
#: that take longer appear when they arrive.
IMAGE_WAIT_S = 3.0
#: Relative times ("2 days ago") are re-rendered this often (milliseconds).
TICK_MS = 30_000
#: Fields edited in a multi-line editor (Ctrl+Enter saves).
LONG_TEXT_FIELDS = frozenset({"plot", "outline"})

POSTER_SIZE = QSize(128, 192)
FANART_SIZE = QSize(1600, 900)
#: Artwork fields whose value is drawn with a thumbnail, and the thumbnail's box.
THUMBNAIL_FIELDS = frozenset({"poster", "fanart", "clearlogo", "clearart", "banner", "thumb", "disc"})
THUMB_SIZE = QSize(72, 44)


# --------------------------------------------------------------------------------------------------
# Colours and painted bits: source badges, the padlock, chips
# --------------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------------
# The banner: fanart behind, poster, title, status and ratings
# --------------------------------------------------------------------------------------------------


class MovieHeader(QWidget):
    """The movie's banner: its fanart (darkened) behind its poster, title, facts and ratings.

    Attributes:
        poster, fanart: the images shown (None: a placeholder is painted).
    """

    MARGIN = 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("movie-header")
        self.poster: QPixmap | None = None
        self.fanart: QPixmap | None = None
        self.poster_text = ""
        self.setMinimumHeight(POSTER_SIZE.height() + 2 * self.MARGIN)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.title = QLabel()
        self.title.setObjectName("movie-title")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        plain_label(self.title)  # provider text: never rich text
        self.facts = plain_label(QLabel())
        self.facts.setObjectName("movie-facts")
        self.facts.setWordWrap(True)
        self.tagline = plain_label(QLabel())
        self.tagline.setObjectName("movie-tagline")
        self.tagline.setWordWrap(True)
        italic = QFont(self.font())
        italic.setItalic(True)
        self.tagline.setFont(italic)
        self.status = ChipRow(overlay=True)
        self.status.setObjectName("movie-status")
        self.ratings = ChipRow(overlay=True)
        self.ratings.setObjectName("movie-ratings")
        for widget in (self.title, self.facts, self.tagline):
            palette = widget.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor("white"))
            widget.setPalette(palette)
        dim = self.facts.palette()
        dim.setColor(QPalette.ColorRole.WindowText, QColor(255, 255, 255, 215))
        self.facts.setPalette(dim)
        self.tagline.setPalette(dim)

        text = QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(self.title)
        text.addWidget(self.facts)
        text.addWidget(self.tagline)
        text.addStretch(1)
        text.addWidget(self.status)
        text.addWidget(self.ratings)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(
            self.MARGIN * 2 + POSTER_SIZE.width(), self.MARGIN - 2, self.MARGIN + 4, self.MARGIN
        )
        layout.addLayout(text, 1)

    def sizeHint(self) -> QSize:
        return QSize(800, POSTER_SIZE.height() + 2 * self.MARGIN)

    def set_images(self, poster: QPixmap | None, fanart: QPixmap | None) -> None:
        self.poster = poster if poster is not None and not poster.isNull() else None
        self.fanart = fanart if fanart is not None and not fanart.isNull() else None
        self.update()

    def poster_rect(self) -> QRectF:
        return QRectF(self.MARGIN, self.MARGIN, POSTER_SIZE.width(), POSTER_SIZE.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        bounds = QRectF(self.rect())
        clip = QPainterPath()
        clip.addRoundedRect(bounds, 10, 10)
        painter.setClipPath(clip)
        if self.fanart is not None:
            self._paint_cover(painter, self.fanart, bounds)
            shade = QLinearGradient(bounds.topLeft(), bounds.topRight())
            shade.setColorAt(0.0, QColor(8, 10, 14, 235))
            shade.setColorAt(0.55, QColor(8, 10, 14, 190))
            shade.setColorAt(1.0, QColor(8, 10, 14, 110))
            painter.fillRect(bounds, shade)
        else:
            plain = QLinearGradient(bounds.topLeft(), bounds.bottomRight())
            plain.setColorAt(0.0, QColor("#263244"))
            plain.setColorAt(1.0, QColor("#151a22"))
            painter.fillRect(bounds, plain)
        painter.setClipping(False)
        self._paint_poster(painter)

    @staticmethod
    def _paint_cover(painter: QPainter, pixmap: QPixmap, target: QRectF) -> None:
        """`pixmap` scaled to cover `target`, centred, the overflow cut (upper third kept)."""
        ratio = pixmap.devicePixelRatio() or 1.0
        width, height = pixmap.width() / ratio, pixmap.height() / ratio
        if width <= 0 or height <= 0:
            return
        scale = max(target.width() / width, target.height() / height)
        shown_w, shown_h = target.width() / scale, target.height() / scale
        source = QRectF(
            (width - shown_w) / 2 * ratio, (height - shown_h) / 3 * ratio, shown_w * ratio, shown_h * ratio
        )
        painter.drawPixmap(target, pixmap, source)

    def _paint_poster(self, painter: QPainter) -> None:
        rect = self.poster_rect()
        path = QPainterPath()
        path.addRoundedRect(rect, 6, 6)
        painter.fillPath(path.translated(0, 3), QColor(0, 0, 0, 90))
        if self.poster is not None:
            painter.save()
            painter.setClipPath(path)
            self._paint_cover(painter, self.poster, rect)
            painter.restore()
            painter.setPen(QPen(QColor(255, 255, 255, 60), 1))
            painter.drawPath(path)
            return
        painter.fillPath(path, QColor("#3a4150"))
        painter.setPen(QPen(QColor(255, 255, 255, 70), 1))
        painter.drawPath(path)
        # A film frame glyph and the reason.
        glyph = QRectF(rect.center().x() - 18, rect.center().y() - 30, 36, 28)
        painter.setPen(QPen(QColor(255, 255, 255, 150), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(glyph, 4, 4)
        painter.drawLine(QPointF(glyph.left() + 9, glyph.top()), QPointF(glyph.left() + 9, glyph.bottom()))
        painter.drawLine(QPointF(glyph.right() - 9, glyph.top()), QPointF(glyph.right() - 9, glyph.bottom()))
        painter.setPen(QColor(255, 255, 255, 190))
        text_rect = QRectF(rect.left() + 8, glyph.bottom() + 8, rect.width() - 16, 40)
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap,
            self.poster_text or "No poster",
        )


# --------------------------------------------------------------------------------------------------
# Delegates of the fields table
# --------------------------------------------------------------------------------------------------


class FieldNameDelegate(QStyledItemDelegate):
    """The Field column: a field's name (muted), or a group's title as a section heading."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        if not index.data(MovieRole.GROUP):
            super().paint(painter, option, index)
            return
        painter.save()
        palette = option.palette
        rect = QRect(option.rect)
        painter.fillRect(rect, palette.color(QPalette.ColorRole.Window))
        font = QFont(option.font)
        font.setBold(True)
        font.setPointSizeF(option.font.pointSizeF() * 1.05)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        text_rect = rect.adjusted(6, 8, -6, -2)
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), str(index.data())
        )
        line = QColor(palette.color(QPalette.ColorRole.Mid))
        painter.setPen(QPen(line, 1))
        painter.drawLine(rect.left() + 6, rect.bottom(), rect.right() - 6, rect.bottom())
        painter.restore()

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        if not index.data(MovieRole.GROUP):
            option.palette.setColor(
                QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.PlaceholderText)
            )

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(MovieRole.GROUP):
            return QSize(size.width(), size.height() + 18)
        return QSize(size.width(), size.height() + 10)


class ValueDelegate(QStyledItemDelegate):
    """The Value column: wrapped text; its editor checks what is typed for the field.

    A value the field cannot hold keeps the editor open (Enter does nothing) with a red frame and
    the reason; leaving the editor then discards it.

    Signals:
        validation(str, str): (field, reason) while the text is not acceptable; (field, "") once it is.
        refused(str, str): (field, reason) an edit was discarded because it was not acceptable.
    """

    validation = Signal(str, str)
    refused = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.images: ImageLoader | None = None
        self._requested: set[str] = set()

    def thumbnail_url(self, index: Index) -> str | None:
        """The artwork address of this row when a thumbnail is drawn for it."""
        if self.images is None or str(index.data(MovieRole.FIELD)) not in THUMBNAIL_FIELDS:
            return None
        value = index.data(Qt.ItemDataRole.EditRole)
        return str(value) if value else None

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        height = size.height() + 10
        if self.thumbnail_url(index):
            height = max(height, THUMB_SIZE.height() + 10)
        return QSize(size.width(), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        url = self.thumbnail_url(index)
        if url is None or self.images is None:
            super().paint(painter, option, index)
            return
        SourceDelegate._background(painter, option)
        box = QRect(option.rect.left() + 4, option.rect.top() + 5, THUMB_SIZE.width(), THUMB_SIZE.height())
        pixmap = self.images.cached(url, THUMB_SIZE)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if pixmap is None:
            if url not in self._requested:
                self._requested.add(url)
                self.images.request(url, THUMB_SIZE)
            shade = QColor(option.palette.color(QPalette.ColorRole.Mid))
            shade.setAlpha(70)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(shade)
            painter.drawRoundedRect(QRectF(box), 3, 3)
        else:
            ratio = pixmap.devicePixelRatio() or 1.0
            size = QSize(int(pixmap.width() / ratio), int(pixmap.height() / ratio))
            size.scale(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(
                box.left(), box.top() + (box.height() - size.height()) // 2, size.width(), size.height()
            )
            painter.drawPixmap(target, pixmap)
        painter.restore()
        shifted = QStyleOptionViewItem(option)
        shifted.rect = option.rect.adjusted(THUMB_SIZE.width() + 12, 0, 0, 0)
        super().paint(painter, shifted, index)

    def forget_requests(self) -> None:
        """Ask again for thumbnails that were requested before (another movie is shown)."""
        self._requested.clear()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        name = str(index.data(MovieRole.FIELD))
        editor: QLineEdit | QPlainTextEdit
        if name in LONG_TEXT_FIELDS:
            editor = QPlainTextEdit(parent)
            editor.setTabChangesFocus(True)
            editor.setToolTip("Ctrl+Enter saves, Esc cancels; empty clears the field")
            editor.textChanged.connect(lambda: self._check(editor, name))
        else:
            editor = QLineEdit(parent)
            editor.setPlaceholderText(f"{label(name)}: {input_hint(name)}; empty clears it")
            editor.setToolTip(f"{label(name)}: {input_hint(name)}. Enter saves, Esc cancels")
            editor.textChanged.connect(lambda _text: self._check(editor, name))
        editor.setObjectName(f"editor-{name}")
        editor.setProperty("field", name)
        editor.setAccessibleName(f"Edit {label(name)}")
        editor.setAutoFillBackground(True)
        return editor

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        rect = QRect(option.rect)
        if isinstance(editor, QPlainTextEdit):
            rect.setHeight(max(rect.height(), 110))
        editor.setGeometry(rect)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
            editor.selectAll()

    @staticmethod
    def editor_text(editor: QWidget) -> str:
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QLineEdit):
            return editor.text()
        return ""

    def _check(self, editor: QWidget, name: str) -> str:
        try:
            normalise_value(name, self.editor_text(editor))
        except FieldValueError as exc:
            reason = str(exc)
        else:
            reason = ""
        colour = error_colour(editor.palette()).name()
        kind = "QPlainTextEdit" if isinstance(editor, QPlainTextEdit) else "QLineEdit"
        editor.setStyleSheet(
            f"{kind} {{ border: 2px solid {colour}; border-radius: 3px; }}" if reason else ""
        )
        self.validation.emit(name, reason)
        return reason

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        name = str(index.data(MovieRole.FIELD))
        reason = self._check(editor, name)
        if reason:
            self.refused.emit(name, reason)
            return
        model.setData(index, self.editor_text(editor), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QWidget)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
        ):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if isinstance(watched, QPlainTextEdit) and not (
                    event.modifiers() & Qt.KeyboardModifier.ControlModifier
                ):
                    return False  # a new line in the plot
                name = str(watched.property("field"))
                if self._check(watched, name):
                    return True  # refused: the editor stays open with the reason
                self.commitData.emit(watched)
                self.closeEditor.emit(watched, QStyledItemDelegate.EndEditHint.NoHint)
                return True
        return super().eventFilter(watched, event)


class SourceDelegate(QStyledItemDelegate):
    """The Source column: a coloured badge with the provider's name, or EDITED for a hand edit."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self._background(painter, option)
        source = index.data(MovieRole.SOURCE)
        text = str(index.data(MovieRole.SOURCE_NAME) or "")
        if not source or not text:
            return
        size = badge_size(text, option.font)
        rect = QRectF(
            option.rect.left() + 6,
            option.rect.top() + (option.rect.height() - size.height()) / 2,
            min(size.width(), option.rect.width() - 10),
            size.height(),
        )
        paint_badge(painter, rect, text, source_colour(str(source), option.palette), option.palette)

    @staticmethod
    def _background(painter: QPainter, option: QStyleOptionViewItem) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        text = str(index.data(MovieRole.SOURCE_NAME) or "")
        size = badge_size(text or "TMDB", option.font)
        return QSize(size.width() + 14, size.height() + 14)


class LockDelegate(QStyledItemDelegate):
    """The Lock column: a padlock tool button; a click (or Space) locks or unlocks the field."""

    BUTTON = QSize(30, 26)

    def button_rect(self, option: QStyleOptionViewItem) -> QRect:
        rect = option.rect
        return QRect(
            rect.left() + (rect.width() - self.BUTTON.width()) // 2,
            rect.top() + (rect.height() - self.BUTTON.height()) // 2,
            self.BUTTON.width(),
            self.BUTTON.height(),
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        SourceDelegate._background(painter, option)
        if index.data(MovieRole.GROUP):
            return
        locked = bool(index.data(MovieRole.LOCKED))
        palette = option.palette
        button = QRectF(self.button_rect(option)).adjusted(0.5, 0.5, -0.5, -0.5)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if locked:
            accent = lock_colour(palette)
            fill = QColor(accent)
            fill.setAlpha(60 if is_dark(palette) else 38)
            painter.setPen(QPen(accent, 1))
            painter.setBrush(fill)
            painter.drawRoundedRect(button, 5, 5)
            colour = accent
        else:
            if hovered:
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
                painter.setBrush(palette.color(QPalette.ColorRole.Button))
                painter.drawRoundedRect(button, 5, 5)
            colour = QColor(palette.color(QPalette.ColorRole.PlaceholderText))
            if not hovered:
                colour.setAlpha(150)
        painter.restore()
        icon = QRectF(button.center().x() - 8, button.center().y() - 8.5, 16, 16)
        paint_padlock(painter, icon, locked, colour)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(self.BUTTON.width() + 12, self.BUTTON.height() + 8)

    def editorEvent(
        self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        if not (model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable):
            return False
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick) and isinstance(
            event, QMouseEvent
        ):
            return self.button_rect(option).contains(event.position().toPoint())
        if kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            if event.button() != Qt.MouseButton.LeftButton or not self.button_rect(option).contains(
                event.position().toPoint()
            ):
                return False
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() not in (Qt.Key.Key_Space, Qt.Key.Key_Select):
                return False
        else:
            return False
        return toggle_lock(model, index)


def toggle_lock(model: QAbstractItemModel, index: Index) -> bool:
    """Flip the lock of the field in `index`'s row (through the model's Lock column)."""
    lock_index = model.index(index.row(), FieldsModel.LOCK)
    locked = bool(lock_index.data(MovieRole.LOCKED))
    state = Qt.CheckState.Unchecked if locked else Qt.CheckState.Checked
    return model.setData(lock_index, state, Qt.ItemDataRole.CheckStateRole)


class FieldsView(QTableView):
    """The fields table: group rows span the row; rows grow to fit wrapped values."""

    def __init__(self, model: FieldsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("movie-fields")
        self.setAccessibleName("Fields")
        self.setModel(model)
        self.fields_model = model
        self.setShowGrid(False)
        self.setWordWrap(True)
        self.setMouseTracking(True)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.horizontalHeader()
        header.setSectionResizeMode(FieldsModel.FIELD, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(FieldsModel.VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(FieldsModel.SOURCE, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(FieldsModel.LOCK, QHeaderView.ResizeMode.Fixed)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.resizeSection(FieldsModel.FIELD, 150)
        header.resizeSection(FieldsModel.SOURCE, 104)
        header.resizeSection(FieldsModel.LOCK, 52)
        header.setHighlightSections(False)
        self.names = FieldNameDelegate(self)
        self.values = ValueDelegate(self)
        self.sources = SourceDelegate(self)
        self.locks = LockDelegate(self)
        self.setItemDelegateForColumn(FieldsModel.FIELD, self.names)
        self.setItemDelegateForColumn(FieldsModel.VALUE, self.values)
        self.setItemDelegateForColumn(FieldsModel.SOURCE, self.sources)
        self.setItemDelegateForColumn(FieldsModel.LOCK, self.locks)
        header.sectionResized.connect(lambda *_: self._fit_rows())
        model.modelReset.connect(self._after_reset)
        model.dataChanged.connect(lambda first, *_: self.resizeRowToContents(first.row()))
        self._after_reset()

    def _after_reset(self) -> None:
        self.clearSpans()
        for row in self.fields_model.group_rows():
            self.setSpan(row, 0, 1, self.fields_model.columnCount())
        self._fit_rows()

    def _fit_rows(self) -> None:
        self.resizeRowsToContents()

    def value_index(self, name: str) -> QModelIndex:
        return self.fields_model.index(self.fields_model.row_of(name), FieldsModel.VALUE)


# --------------------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------------------


def _title_font(widget: QWidget, scale: float) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    return font


def _ids_text(ids: ExternalIds) -> str:
    """``TMDB 27205, IMDb tt1375666 and TheTVDB 700003``."""
    return _join([f"{_ID_NAMES[kind]} {value}" for kind, value in ids.known().items()])


_ID_NAMES = {IdType.TMDB: "TMDB", IdType.IMDB: "IMDb", IdType.TVDB: "TheTVDB"}


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_STATE_COLOURS = {
    ProviderState.WAITING: DisplayStatus.DISABLED,
    ProviderState.RUNNING: DisplayStatus.UNKNOWN,
    ProviderState.RETRY: DisplayStatus.DEGRADED,
    ProviderState.DONE: DisplayStatus.HEALTHY,
    ProviderState.CACHED: DisplayStatus.HEALTHY,
    ProviderState.NOT_FOUND: DisplayStatus.DISABLED,
    ProviderState.FAILED: DisplayStatus.DOWN,
    ProviderState.TIMEOUT: DisplayStatus.DOWN,
    ProviderState.RATE_LIMITED: DisplayStatus.RATE_LIMITED,
    ProviderState.SKIPPED: DisplayStatus.DISABLED,
}


# --------------------------------------------------------------------------------------------------
# A refresh's progress, identification included (Qt-free)
# --------------------------------------------------------------------------------------------------


class RefreshPhase(StrEnum):
    """Where a refresh is: nothing asked yet, identifying the movie, fetching its metadata."""

    STARTING = "starting"
    IDENTIFYING = "identifying"
    FETCHING = "fetching"


_OUTCOME_STATES = {
    ProviderOutcome.ANSWERED: ProviderState.DONE,
    ProviderOutcome.NOT_FOUND: ProviderState.NOT_FOUND,
    ProviderOutcome.FAILED: ProviderState.FAILED,
    ProviderOutcome.TIMED_OUT: ProviderState.TIMEOUT,
    ProviderOutcome.RATE_LIMITED: ProviderState.RATE_LIMITED,
    ProviderOutcome.SKIPPED: ProviderState.SKIPPED,
}

#: A chip's text for a provider's state within an identification step (others read as in a fetch).
_IDENTIFY_TEXT = {
    (IdentifyStep.SEARCH, ProviderState.RUNNING): "searching…",
    (IdentifyStep.SEARCH, ProviderState.DONE): "searched",
    (IdentifyStep.SEARCH, ProviderState.NOT_FOUND): "no match",
    (IdentifyStep.SEARCH, ProviderState.FAILED): "search failed",
    (IdentifyStep.SEARCH, ProviderState.TIMEOUT): "search timed out",
    (IdentifyStep.LOOKUP, ProviderState.RUNNING): "looking up…",
    (IdentifyStep.LOOKUP, ProviderState.DONE): "found",
    (IdentifyStep.LOOKUP, ProviderState.NOT_FOUND): "not found",
    (IdentifyStep.LOOKUP, ProviderState.FAILED): "lookup failed",
    (IdentifyStep.LOOKUP, ProviderState.TIMEOUT): "lookup timed out",
}

_STEP_NAMES = {
    IdentifyStep.SEARCH: "identifying: search by title and year",
    IdentifyStep.LOOKUP: "identifying: id lookup",
}


def identify_text(step: IdentifyStep, progress: ProviderProgress) -> str:
    """What a chip says for a provider's part of an identification step ("3 results", "found")."""
    if step is IdentifyStep.SEARCH and progress.state is ProviderState.DONE and progress.detail:
        return progress.detail  # "3 results"
    return _IDENTIFY_TEXT.get((step, progress.state), progress.text)


def outcome_state(outcome: ProviderOutcome) -> ProviderState:
    """The chip state of how a provider's part of an identification step ended (also used by the
    Identify dialog's chips)."""
    return _OUTCOME_STATES[outcome]


def provider_state_colour(state: ProviderState, palette: QPalette) -> QColor:
    """The dot of a provider chip in `state` (the refresh chips and the Identify dialog's)."""
    return status_colour(_STATE_COLOURS[state], palette)


class IdentifyingRefreshProgress(RefreshProgress):
    """`RefreshProgress` that also follows the identification a refresh starts with when the movie
    is not identified yet: the phase, the step, and each provider's part of each step.

    Attributes:
        phase: where the refresh is (`RefreshPhase`).
        step: the identification step running (or last run), None before any.
        identified: None until an identification ended, then whether it confirmed the film.
        identify_steps: provider -> the identification step its current state belongs to (absent
            once the provider is asked again to fetch).
        note: called with a readable line when the phase or the step changes (the job's notes).
    """

    def __init__(
        self,
        providers: Iterable[str],
        *,
        listener: Callable[[ProviderProgress], None] | None = None,
        on_phase: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(providers, listener=listener)
        self.phase = RefreshPhase.STARTING
        self.step: IdentifyStep | None = None
        self.identified: bool | None = None
        self.identify_steps: dict[str, IdentifyStep] = {}
        self.note: Callable[[str], None] | None = None
        self._on_phase = on_phase
        self._settled: set[str] = set()

    def _phase_changed(self, note: str) -> None:
        if self.note is not None:
            self.note(note)
        if self._on_phase is not None:
            self._on_phase()

    def text_of(self, provider: str) -> str:
        """The chip text of `provider`'s current state."""
        progress = self.states[provider]
        step = self.identify_steps.get(provider)
        if step is not None:
            return identify_text(step, progress)
        if progress.state is ProviderState.WAITING and self.phase is RefreshPhase.IDENTIFYING:
            return "waiting for ids"
        return progress.text

    def on_identify_begin(self) -> None:
        self.phase = RefreshPhase.IDENTIFYING
        self.forward.on_identify_begin()
        self._phase_changed("identifying the movie first")

    def on_identify_step(self, step: IdentifyStep, providers: Sequence[str]) -> None:
        self.step = step
        self.forward.on_identify_step(step, providers)
        what = "searching by title and year" if step is IdentifyStep.SEARCH else "looking its ids up"
        self._phase_changed(f"identifying: {what} ({', '.join(providers)})")

    def on_provider_outcome(
        self, provider: str, step: IdentifyStep, outcome: ProviderOutcome, detail: str
    ) -> None:
        self.identify_steps[provider] = step
        self._settled.add(provider)
        self._set(provider, _OUTCOME_STATES[outcome], detail=detail)
        self.forward.on_provider_outcome(provider, step, outcome, detail)

    def on_identify_end(self, status: str | None) -> None:
        self.identified = status == IdentificationStatus.IDENTIFIED
        self.forward.on_identify_end(status)
        if self.identified:
            self.phase = RefreshPhase.FETCHING
            self._phase_changed("identified; fetching its metadata")
        else:
            self._phase_changed("not identified: nothing fetched")

    def on_provider_start(self, provider: str) -> None:
        self._settled.discard(provider)
        if self.phase is RefreshPhase.IDENTIFYING and self.step is not None:
            self.identify_steps[provider] = self.step
        else:
            self.identify_steps.pop(provider, None)
            if self.phase is RefreshPhase.STARTING:
                self.phase = RefreshPhase.FETCHING
                self._phase_changed("fetching its metadata")
        super().on_provider_start(provider)

    def on_provider_complete(self, provider: str, success: bool) -> None:
        if provider in self._settled:  # its outcome said more than `success` can
            self._settled.discard(provider)
            self.forward.on_provider_complete(provider, success)
            return
        super().on_provider_complete(provider, success)

    def finish(self, result: EnrichResult) -> None:
        """Settle every provider from the outcome. When the identification did not confirm the film,
        nothing was fetched: each provider keeps how its part of the identification ended, and the
        providers never asked are marked so."""
        if self.identified is False:
            for provider, progress in list(self.states.items()):
                if provider not in self.identify_steps or not progress.state.finished:
                    self.identify_steps.pop(provider, None)
                    self._set(provider, ProviderState.SKIPPED, detail="not asked: the film is not identified")
            return
        self.identify_steps.clear()
        super().finish(result)


class MovieDetailPage(PageView):
    """One movie in detail, with its fields, sources, locks, refresh and history.

    Attributes:
        movie_id: the movie shown (None before the first `load_movie`).
        detail: what was read for it (None when it does not exist).
        fields: the fields model; `history`, `changes`: the history and the last refresh's changes.
        progress: each provider's state during (and after) the last refresh, and its phase.
        last_result: the outcome of the last refresh that finished.

    Signals:
        loaded(): the page shows its final content.
        message(str): a status message for the window.
        backRequested(): the user pressed Back.
        identifyRequested(int): the user wants to (re-)identify this movie.
        assetsRequested(int): the user wants to browse its artwork.
        refreshFinished(object): a refresh ended (its `EnrichResult`, or None when cancelled/failed).
    """

    backRequested = Signal()
    identifyRequested = Signal(int)
    assetsRequested = Signal(int)
    refreshFinished = Signal(object)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("movie-page")
        self.movie_id: int | None = None
        self.detail: MovieDetail | None = None
        self.names: dict[str, str] = {}
        self.progress: IdentifyingRefreshProgress | None = None
        self._refresh_force = False
        self.last_result: EnrichResult | None = None
        self.job: Job | None = None
        self._job_movie: int | None = None
        self._image_urls: dict[str, str | None] = {"poster": None, "fanart": None}
        self._images: dict[str, QPixmap | None] = {"poster": None, "fanart": None}
        self._notice_kind = "info"

        self.fields = FieldsModel(self)
        self.fields.writer = self._write_field
        self.fields.locker = self._lock_field
        self.history = HistoryModel(self)
        self.changes = ChangeSetModel(self)

        self._build_actions()
        self.header = MovieHeader()
        self.info = QLabel()
        self.info.setObjectName("movie-enriched")
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setWordWrap(True)
        self.incomplete = plain_label(QLabel())
        self.incomplete.setObjectName("movie-incomplete")
        self.incomplete.setWordWrap(True)
        self.notice = plain_label(QLabel())
        self.notice.setObjectName("movie-notice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()

        self.table = FieldsView(self.fields)
        self.table.values.images = ctx.images
        self.table.values.validation.connect(self._on_validation)
        self.table.values.refused.connect(self._on_refused)
        self.fields.edited.connect(self._on_edited)
        self.fields.lockChanged.connect(self._on_lock_changed)
        self.fields.failed.connect(lambda text: self.show_notice(text, "error"))
        QShortcut(QKeySequence("Ctrl+L"), self.table, self.toggle_current_lock)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("movie-tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.table, "Fields")
        self.refresh_panel = self._build_refresh_panel()
        self.tabs.addTab(self.refresh_panel, "Last refresh")
        self.history_view = self._build_history()
        self.tabs.addTab(self.history_view, "History")
        self.files_tab = FilesTab(ctx)
        self.files_tab.message.connect(self.message.emit)
        self.tabs.addTab(self.files_tab, "Files")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.refreshFinished.connect(lambda _result: self.files_tab.invalidate())

        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.header)
        self.player_sync = MovieSyncWidget(ctx.players)
        self.player_sync.message.connect(self.message)
        column.addWidget(self.player_sync)
        column.addWidget(self.info)
        column.addWidget(self.incomplete)
        column.addWidget(self.notice)
        column.addWidget(self.tabs, 1)
        self.content = content

        self.missing = QLabel()
        self.missing.setObjectName("movie-missing")
        self.missing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.missing.setWordWrap(True)
        self.missing.setTextFormat(Qt.TextFormat.RichText)
        self.missing.setMargin(40)
        self.stack = QStackedLayout()
        self.stack.addWidget(content)
        self.stack.addWidget(self.missing)

        layout = QVBoxLayout(self)
        layout.addLayout(self.action_bar)
        layout.addLayout(self.stack, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.refresh_times)
        if ctx.images is not None:
            ctx.images.loaded.connect(self._on_image_loaded)
        self._set_enabled(False)
        self._apply_colours()
        # The field inspector (source badge, Ctrl+I) and "Undo this refresh" on the History tab.
        attach_inspector(self)
        self.undo_button = attach_undo(self)

    # -- building ----------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.back_button = QPushButton("← Back")
        self.back_button.setObjectName("movie-back")
        self.back_button.setToolTip("Back to the library (Alt+Left)")
        self.back_button.clicked.connect(self.backRequested.emit)
        QShortcut(QKeySequence("Alt+Left"), self, self.backRequested.emit)
        self.refresh_button = QPushButton("Refresh Metadata")
        self.refresh_button.setObjectName("movie-refresh")
        self.refresh_button.setToolTip("Ask the providers again and update unlocked fields (Ctrl+R)")
        self.refresh_button.setDefault(True)
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        QShortcut(QKeySequence("Ctrl+R"), self, self._on_refresh_clicked)
        self.force_box = QCheckBox("Force (ignore cache)")
        self.force_box.setObjectName("movie-force")
        self.force_box.setToolTip(
            "Ask every provider again even when its cached answer is still fresh (costs requests)"
        )
        self.preview_box = QCheckBox("Preview changes first")
        self.preview_box.setObjectName("movie-preview")
        self.preview_box.setToolTip("Fetch as usual, then show what would change before anything is written")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("movie-cancel")
        self.cancel_button.setToolTip("Stop the refresh; nothing is changed")
        self.cancel_button.clicked.connect(self.cancel_refresh)
        self.cancel_button.hide()
        self.identify_button = QPushButton("Identify…")
        self.identify_button.setObjectName("movie-identify")
        self.identify_button.setToolTip("Choose which film this is (search by title, year or id)")
        self.identify_button.clicked.connect(self._emit_identify)
        self.assets_button = QPushButton("Artwork…")
        self.assets_button.setObjectName("movie-assets")
        self.assets_button.setToolTip("Browse the posters, fanart and logos the providers offer")
        self.assets_button.clicked.connect(self._emit_assets)
        self.write_files_button = QPushButton("Write Files")
        self.write_files_button.setObjectName("movie-write-files")
        self.write_files_button.setToolTip("Write the NFO and artwork next to the movie (see the Files tab)")
        self.write_files_button.clicked.connect(self._on_write_files)
        self.sources_button = QToolButton()
        self.sources_button.setObjectName("movie-show-sources")
        self.sources_button.setText("Show sources")
        self.sources_button.setCheckable(True)
        self.sources_button.setChecked(True)
        self.sources_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.sources_button.setToolTip("Show which provider supplied each value")
        self.sources_button.toggled.connect(self.set_sources_visible)

        self.action_bar = QHBoxLayout()
        self.action_bar.addWidget(self.back_button)
        self.action_bar.addSpacing(12)
        self.action_bar.addWidget(self.refresh_button)
        self.action_bar.addWidget(self.force_box)
        self.action_bar.addWidget(self.preview_box)
        self.action_bar.addWidget(self.cancel_button)
        self.action_bar.addSpacing(12)
        self.action_bar.addWidget(self.identify_button)
        self.action_bar.addWidget(self.assets_button)
        self.action_bar.addWidget(self.write_files_button)
        self.action_bar.addStretch(1)
        self.action_bar.addWidget(self.sources_button)

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.files_tab and self.files_tab.result is None:
            spawn(self.files_tab.preview())

    def _on_write_files(self) -> None:
        self.tabs.setCurrentWidget(self.files_tab)
        spawn(self.files_tab.write())

    def _build_refresh_panel(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("movie-refresh-panel")
        self.refresh_title = plain_label(QLabel("No refresh yet: Refresh Metadata asks the providers again."))
        self.refresh_title.setObjectName("movie-refresh-title")
        self.refresh_title.setFont(_title_font(self, 1.1))
        self.refresh_title.setWordWrap(True)
        self.provider_chips = ChipRow()
        self.provider_chips.setObjectName("movie-provider-progress")
        self.refresh_detail = plain_label(QLabel())
        self.refresh_detail.setObjectName("movie-refresh-detail")
        self.refresh_detail.setWordWrap(True)
        self.sync_label = plain_label(QLabel())
        self.sync_label.setObjectName("movie-sync")
        self.sync_label.setWordWrap(True)
        self.changes_view = QTableView()
        self.changes_view.setObjectName("movie-changes")
        self.changes_view.setAccessibleName("Changed fields")
        self.changes_view.setModel(self.changes)
        self.changes_view.verticalHeader().hide()
        self.changes_view.setShowGrid(False)
        self.changes_view.setAlternatingRowColors(True)
        self.changes_view.setWordWrap(False)
        self.changes_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes_view.setItemDelegateForColumn(ChangeSetModel.SOURCE, SourceDelegate(self.changes_view))
        header = self.changes_view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(ChangeSetModel.FIELD, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(ChangeSetModel.OLD, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ChangeSetModel.NEW, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ChangeSetModel.SOURCE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(ChangeSetModel.FIELD, 140)
        header.resizeSection(ChangeSetModel.SOURCE, 104)
        self.changes_view.verticalHeader().setDefaultSectionSize(34)
        self.changes_view.hide()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 10, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self.refresh_title)
        layout.addWidget(self.provider_chips)
        layout.addWidget(self.refresh_detail)
        layout.addWidget(self.sync_label)
        layout.addWidget(self.changes_view, 1)
        layout.addStretch(0)
        return panel

    def _build_history(self) -> QTableView:
        view = QTableView()
        view.setObjectName("movie-history")
        view.setAccessibleName("Enrichment history")
        view.setModel(self.history)
        view.verticalHeader().hide()
        view.setShowGrid(False)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().setDefaultSectionSize(30)
        header = view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column, width in (
            (HistoryModel.WHEN, 220),
            (HistoryModel.MODE, 90),
            (HistoryModel.RESULT, 130),
            (HistoryModel.PROVIDERS, 260),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(HistoryModel.CHANGED, QHeaderView.ResizeMode.Stretch)
        return view

    # -- loading -----------------------------------------------------------------------------------

    async def load_movie(self, movie_id: int) -> None:
        """Show the movie `movie_id` (an unknown id shows a message on the page)."""
        if movie_id != self.movie_id:
            self._reset_refresh()
            self.table.values.forget_requests()
        self.movie_id = movie_id
        self.player_sync.set_movie(movie_id)
        self.files_tab.set_movie(movie_id)
        await self.load()
        if self.tabs.currentWidget() is self.files_tab:
            await self.files_tab.preview()

    async def load(self) -> None:
        """Read the current movie again and show it."""
        movie_id = self.movie_id
        if movie_id is None:
            self._show_missing("<h3>No movie chosen</h3><p>Open a movie from the library.</p>")
            self.loaded.emit()
            return
        library = self.ctx.library
        if library is None:
            self._show_missing(
                "<h3>The library is not available</h3><p>Movie details need the library service.</p>"
            )
            self.loaded.emit()
            return
        try:
            detail = library.movie_detail(movie_id)
        except UnknownEntityError:
            self._show_missing(
                f"<h3>There is no movie with id {movie_id}</h3>"
                "<p>It may have been removed from the library. Go back to choose another one.</p>"
            )
            self.loaded.emit()
            return
        except Exception as exc:
            if not is_db_error(exc):
                raise
            self._show_missing(f"<h3>The movie cannot be read</h3><p>{escape(describe_db_error(exc))}</p>")
            self.loaded.emit()
            return
        self.names = self.ctx.provider_names()
        self.fields.preferred_language = self.ctx.language_policy().language
        self.show_detail(detail)
        await self._load_images(detail)
        self.timer.start()
        self.loaded.emit()

    def _show_missing(self, html: str) -> None:
        self.detail = None
        self.fields.set_detail(None)
        self.history.set_entries([], self.ctx.clock.now())
        self.missing.setText(html)
        self.stack.setCurrentWidget(self.missing)
        self._set_enabled(False)
        self.timer.stop()

    def show_detail(self, detail: MovieDetail) -> None:
        """Fill every part of the page from `detail` (no reading)."""
        self.detail = detail
        movie = detail.movie
        self.stack.setCurrentWidget(self.content)
        self._set_enabled(True)
        self.fields.set_detail(detail, self.names)
        self.history.set_entries(detail.history, self.ctx.clock.now(), self.names)
        self.tabs.setTabText(self.tabs.indexOf(self.history_view), f"History ({len(detail.history)})")
        self.changes.names = dict(self.names)

        header = self.header
        header.title.setText(f"{movie.title} ({movie.year})" if movie.year else movie.title)
        values = movie.fields
        facts = []
        if values.get("release_date"):
            facts.append(str(values["release_date"]))
        if values.get("runtime"):
            facts.append(f"{values['runtime']} min")
        if values.get("content_rating"):
            facts.append(str(values["content_rating"]))
        if values.get("genres"):
            facts.append(", ".join(str(g) for g in values["genres"]))
        if values.get("directors"):
            facts.append("Directed by " + _join([str(d) for d in values["directors"]]))
        header.facts.setText("  ·  ".join(facts) or "No details yet: Refresh Metadata fetches them.")
        tagline = str(values.get("tagline") or "")
        header.tagline.setText(tagline)
        header.tagline.setVisible(bool(tagline))
        header.poster_text = "Loading…" if values.get("poster") and self.ctx.images else "No poster"
        self._show_status()
        self._show_ratings()
        self.refresh_times()
        self.setAccessibleName(f"Movie: {header.title.text()}")

    def _show_status(self) -> None:
        detail = self.detail
        if detail is None:
            return
        movie = detail.movie
        palette = self.palette()
        if movie.status is IdentificationStatus.IDENTIFIED:
            status = Chip("Identified", dot=status_colour(DisplayStatus.HEALTHY, palette), key="status")
        elif movie.status is IdentificationStatus.NEEDS_IDENTIFICATION:
            status = Chip(
                "Needs identification",
                dot=status_colour(DisplayStatus.DEGRADED, palette),
                tooltip="Several films (or none) match: choose one with Identify…",
                key="status",
            )
        else:
            status = Chip(
                "Not identified yet",
                dot=status_colour(DisplayStatus.UNKNOWN, palette),
                tooltip="Refresh Metadata identifies it first",
                key="status",
            )
        chips = [status]
        if not movie.monitored:
            chips.append(Chip("Not monitored", tooltip="The daily refresh skips this movie", key="monitored"))
        locked = sorted(detail.locked, key=lambda n: list(detail.fields).index(n))
        if locked:
            chips.append(
                Chip(
                    f"{len(locked)} locked",
                    tooltip="Locked fields (refreshes never change them): "
                    + ", ".join(label(n) for n in locked),
                    key="locked",
                )
            )
        self.header.status.set_chips(chips)

    def _show_ratings(self) -> None:
        detail = self.detail
        if detail is None:
            return
        show_sources = self.sources_button.isChecked()
        chips = []
        for rating in detail.ratings:
            source = str(rating["source"])
            field_detail = detail.fields.get(RATING_SOURCE_FIELDS.get(source, ""))
            provider = field_detail.source if field_detail else None
            provider_name = (
                "edited" if provider == USER_SOURCE else self.names.get(provider or "", provider or "")
            )
            votes = rating.get("votes")
            tip = f"{RATING_NAMES.get(source, source)}: {rating_text(rating)} {rating_scale(rating)}".strip()
            if votes:
                tip += f", {votes:,} votes"
            if provider_name:
                tip += f" (from {provider_name})"
            secondary = rating_scale(rating)
            if show_sources and provider_name:
                secondary = f"{secondary}  [{provider_name}]".strip()
            chips.append(
                Chip(
                    f"{RATING_NAMES.get(source, source)}  {rating_text(rating)}",
                    secondary,
                    tooltip=tip,
                    key=source,
                )
            )
        self.header.ratings.set_chips(chips)
        self.header.ratings.setVisible(bool(chips))

    def refresh_times(self) -> None:
        """Render the relative times again ("2 days ago", "in 45 min")."""
        detail = self.detail
        if detail is None:
            return
        movie = detail.movie
        now = self.ctx.clock.now()
        if movie.last_enriched_at is None:
            self.info.setText("<b>Never enriched.</b> Refresh Metadata asks every provider.")
            self.info.setToolTip("")
        else:
            used = [self.names.get(p, p) for p in movie.last_enriched_providers]
            when = formatting.relative_time(movie.last_enriched_at, now)
            providers = f" · from {escape(_join(used))}" if used else ""
            self.info.setText(f"<b>Last enriched</b> {when}{providers}")
            self.info.setToolTip(movie.last_enriched_at.strftime("Last enriched %Y-%m-%d %H:%M:%S UTC"))
        if movie.incomplete_providers:
            parts = []
            for provider, retry_at in sorted(movie.incomplete_providers.items(), key=lambda item: item[1]):
                name = self.names.get(provider, provider)
                due = "now" if retry_at <= now else formatting.relative_time(retry_at, now)
                parts.append(f"{name} (asked again {due}, {retry_at.strftime('%H:%M UTC')})")
            self.incomplete.setText("Incomplete: no answer yet from " + "; ".join(parts))
            self.incomplete.show()
        else:
            self.incomplete.hide()
        self.history.set_now(now)

    # -- images ------------------------------------------------------------------------------------

    async def _load_images(self, detail: MovieDetail) -> None:
        urls = {
            "poster": detail.fields["poster"].value if detail.fields.get("poster") else None,
            "fanart": detail.fields["fanart"].value if detail.fields.get("fanart") else None,
        }
        images = self.ctx.images
        if urls == self._image_urls and images is not None:
            return
        self._image_urls = {k: str(v) if v else None for k, v in urls.items()}
        self._images = {"poster": None, "fanart": None}
        self.header.set_images(None, None)
        if images is None:
            self.header.poster_text = "No poster" if not urls["poster"] else "Posters are not shown"
            return
        tasks = []
        for kind, url in self._image_urls.items():
            if not url:
                continue
            size = POSTER_SIZE * 2 if kind == "poster" else FANART_SIZE
            cached = images.cached(url, size)
            if cached is not None:
                self._set_image(kind, url, cached)
            else:
                tasks.append(spawn(self._fetch_image(kind, url, size)))
        for _ in range(3):  # images in the loader's memory or disk cache come back at once
            if all(task.done() for task in tasks):
                break
            await asyncio.sleep(0)
        pending = [task for task in tasks if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=IMAGE_WAIT_S)
        if self._image_urls.get("poster") and self._images.get("poster") is None:
            self.header.poster_text = "Poster still loading" if tasks else "No poster"
            self.header.update()

    async def _fetch_image(self, kind: str, url: str, size: QSize) -> None:
        images = self.ctx.images
        if images is None:
            return
        pixmap = await images.load(url, size)
        if pixmap is None:
            if self._image_urls.get(kind) == url and kind == "poster":
                self.header.poster_text = "Poster could not be loaded"
                self.header.update()
            return
        self._set_image(kind, url, pixmap)

    def _on_image_loaded(self, url: str) -> None:
        images = self.ctx.images
        if images is None:
            return
        if self.detail is not None and any(
            self.detail.fields[name].value == url for name in THUMBNAIL_FIELDS if name in self.detail.fields
        ):
            self.table.viewport().update()
        for kind, current in self._image_urls.items():
            if current == url and self._images.get(kind) is None:
                size = POSTER_SIZE * 2 if kind == "poster" else FANART_SIZE
                pixmap = images.cached(url, size)
                if pixmap is not None:
                    self._set_image(kind, url, pixmap)

    def _set_image(self, kind: str, url: str, pixmap: QPixmap) -> None:
        if self._image_urls.get(kind) != url:
            return  # another movie is shown now
        self._images[kind] = pixmap
        self.header.set_images(self._images["poster"], self._images["fanart"])

    # -- editing and locking -----------------------------------------------------------------------

    def _write_field(self, name: str, text: str) -> FieldDetail:
        if self.ctx.library is None or self.movie_id is None:
            raise LibraryError("the library is not available")
        try:
            return self.ctx.library.edit_field(self.movie_id, name, text)
        except Exception as exc:
            if is_db_error(exc):
                raise LibraryError(describe_db_error(exc)) from exc
            raise

    def _lock_field(self, name: str, locked: bool) -> None:
        if self.ctx.library is None or self.movie_id is None:
            raise LibraryError("the library is not available")
        try:
            self.ctx.library.set_locked(self.movie_id, name, locked)
        except Exception as exc:
            if is_db_error(exc):
                raise LibraryError(describe_db_error(exc)) from exc
            raise

    def edit_field(self, name: str, text: str) -> bool:
        """Store `text` as the field's value (and lock it), as the editor does; False when refused."""
        index = self.table.value_index(name)
        try:
            normalise_value(name, text)
        except FieldValueError as exc:
            self._on_refused(name, str(exc))
            return False
        return self.fields.setData(index, text, Qt.ItemDataRole.EditRole)

    def set_locked(self, name: str, locked: bool) -> bool:
        """Lock or unlock a field, as its toggle does."""
        index = self.fields.index(self.fields.row_of(name), FieldsModel.LOCK)
        state = Qt.CheckState.Checked if locked else Qt.CheckState.Unchecked
        return self.fields.setData(index, state, Qt.ItemDataRole.CheckStateRole)

    def toggle_current_lock(self) -> None:
        index = self.table.currentIndex()
        if self.fields.field_at(index) is not None:
            toggle_lock(self.fields, index)

    def _after_field_change(self) -> None:
        if self.detail is None or self.movie_id is None or self.ctx.library is None:
            return
        try:
            self.detail = self.ctx.library.movie_detail(self.movie_id)
        except (UnknownEntityError, LibraryError):
            return
        except Exception as exc:
            if not is_db_error(exc):
                raise
            return
        self.header.title.setText(
            f"{self.detail.movie.title} ({self.detail.movie.year})"
            if self.detail.movie.year
            else self.detail.movie.title
        )
        self._show_status()
        self._show_ratings()

    def _on_edited(self, name: str) -> None:
        detail = self.fields.details.get(name)
        emptied = detail is not None and detail.value is None
        what = "cleared" if emptied else "edited"
        text = f"{label(name)} {what} and locked: refreshes will not change it."
        self.show_notice(text, "info")
        self.message.emit(text)
        self._after_field_change()

    def _on_lock_changed(self, name: str, locked: bool) -> None:
        if locked:
            text = f"{label(name)} locked: refreshes will not change it."
        else:
            text = f"{label(name)} unlocked: the next refresh may change it."
        self.show_notice(text, "info")
        self.message.emit(text)
        self._after_field_change()

    def _on_validation(self, name: str, reason: str) -> None:
        if reason:
            self.show_notice(f"{reason}. Enter is refused until it is; Esc cancels.", "error")
        elif self._notice_kind == "error":
            self.show_notice("", "info")

    def _on_refused(self, name: str, reason: str) -> None:
        text = f"{label(name)} was not changed: {reason}."
        self.show_notice(text, "error")
        self.message.emit(text)

    def show_notice(self, text: str, kind: str = "info") -> None:
        """A line above the fields saying what just happened (an edit, a lock, a refused value)."""
        self._notice_kind = kind
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self._apply_colours()

    # -- sources -----------------------------------------------------------------------------------

    def set_sources_visible(self, visible: bool) -> None:
        """Show or hide the source badges (the Source column and the ratings' sources)."""
        if self.sources_button.isChecked() != visible:
            self.sources_button.setChecked(visible)
            return
        self.table.setColumnHidden(FieldsModel.SOURCE, not visible)
        self.changes_view.setColumnHidden(ChangeSetModel.SOURCE, not visible)
        self._show_ratings()

    @property
    def sources_visible(self) -> bool:
        return not self.table.isColumnHidden(FieldsModel.SOURCE)

    # -- refreshing --------------------------------------------------------------------------------

    def target_providers(self) -> list[str]:
        """The enabled providers that can serve this movie (all movie providers while it is not
        identified: the identification may find the ids the others need)."""
        movie = self.detail.movie if self.detail else None
        identified = not self.needs_identification()
        targets = []
        for runtime in self.ctx.pool.enabled():
            capabilities = runtime.provider.capabilities
            if EntityType.MOVIE not in capabilities.entity_types:
                continue
            if movie is not None and identified and not capabilities.accepts(movie.ids):
                continue
            targets.append(runtime.id)
        return targets

    def needs_identification(self) -> bool:
        """A refresh of this movie identifies it first (it is not identified, or has no ids)."""
        movie = self.detail.movie if self.detail else None
        return movie is None or movie.status is not IdentificationStatus.IDENTIFIED or movie.ids.is_empty()

    @async_slot()
    async def _on_refresh_clicked(self) -> None:
        await self.refresh()

    async def refresh(self) -> EnrichResult | None:
        """Refresh Metadata: enrich this movie as a job (manual mode; the Force box ignores the cache),
        with each provider's progress shown live, then the change set and the fields reloaded.

        Returns the result, or None when there was nothing to refresh, it was cancelled or it failed.
        """
        suite = self.ctx.suite
        movie_id = self.movie_id
        if self.detail is None or movie_id is None:
            return None
        if suite is None:
            self.show_notice("Refreshing needs the library services, which are not available.", "error")
            return None
        if self.job is not None and not self.job.state.finished:
            self.message.emit("A refresh of this movie is already running.")
            return None
        force = self.force_box.isChecked()
        preview = self.preview_box.isChecked()
        title = self.detail.movie.title
        progress = IdentifyingRefreshProgress(
            self.target_providers(), listener=self._on_provider_progress, on_phase=self._on_phase
        )
        self.progress = progress
        self._refresh_force = force
        self.last_result = None
        self.changes.set_changes([], self.names)
        self.changes_view.hide()
        self.sync_label.hide()
        self._show_phase(progress)
        self._show_progress()
        self.tabs.setCurrentWidget(self.refresh_panel)

        async def body(handle: JobHandle) -> EnrichResult:
            progress.forward = handle.progress
            progress.note = handle.note
            handle.note(
                "asking every provider again (cache ignored)" if force else "using fresh cached answers"
            )
            options = EnrichOptions(mode=Mode.MANUAL, force=force, preview=preview)
            result = await suite.enrichment.enrich(movie_id, options, progress=progress)
            handle.note(self._summary(result))
            return result

        job = self.ctx.jobs.start(f"Refresh metadata: {title}", body)
        self.job = job
        self._job_movie = movie_id
        self._set_running(True)
        self.message.emit(f"Refreshing {title}…")
        try:
            result = await self.ctx.jobs.wait(job)
        finally:
            self._set_running(False)
        same_movie = self.movie_id == movie_id
        if job.state is JobState.CANCELLED:
            progress.cancel()
            text = f"Refresh of {title} cancelled: nothing was changed."
            if same_movie:
                self.refresh_title.setText(text)
                self.refresh_detail.hide()
                self._show_progress()
            self.message.emit(text)
            self.refreshFinished.emit(None)
            return None
        if job.state is JobState.FAILED or not isinstance(result, EnrichResult):
            text = f"Refresh of {title} failed: {job.error or 'unknown error'}. Nothing was changed."
            if same_movie:
                progress.cancel()
                self.refresh_title.setText(text)
                self.refresh_detail.hide()
                self._show_progress()
            self.message.emit(text)
            self.refreshFinished.emit(None)
            return None
        progress.finish(result)
        self.last_result = result
        if result.preview and same_movie:
            await self.load()
            show_movie_preview(self, result)
            self.refreshFinished.emit(result)
            return result
        if same_movie:
            await self.load()
            self.show_result(result)
            self.tabs.setCurrentWidget(self.refresh_panel)
        self.message.emit(f"{title}: {self._summary(result)}")
        self.refreshFinished.emit(result)
        return result

    def cancel_refresh(self) -> bool:
        """Cancel the running refresh (the job's Cancel); True when there was one."""
        if self.job is None or self.job.state.finished:
            return False
        return self.ctx.jobs.cancel(self.job.id)

    def _set_running(self, running: bool) -> None:
        self.refresh_button.setEnabled(not running and self.detail is not None)
        self.force_box.setEnabled(not running)
        self.preview_box.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.refresh_button.setText("Refreshing…" if running else "Refresh Metadata")

    def _reset_refresh(self) -> None:
        """Another movie is shown: forget the last refresh's panel (a running job goes on)."""
        if self.job is not None and not self.job.state.finished:
            self._set_running(False)
        self.job = None
        self.progress = None
        self.last_result = None
        self.changes.set_changes([])
        self.changes_view.hide()
        self.sync_label.hide()
        self.refresh_detail.hide()
        self.provider_chips.set_chips([])
        self.refresh_title.setText("No refresh yet: Refresh Metadata asks the providers again.")

    def _on_provider_progress(self, _progress: ProviderProgress) -> None:
        if self._job_movie == self.movie_id:
            self._show_progress()

    def _on_phase(self) -> None:
        """The refresh moved on (identifying, a step of it, fetching): say so above the chips."""
        progress = self.progress
        if progress is None or self._job_movie != self.movie_id:
            return
        if self.job is not None and not self.job.state.finished:
            self._show_phase(progress)

    def _show_phase(self, progress: IdentifyingRefreshProgress) -> None:
        self.refresh_title.setText(self._phase_text(progress))
        identifying = progress.phase is RefreshPhase.IDENTIFYING or (
            progress.phase is RefreshPhase.STARTING and self.needs_identification()
        )
        self.refresh_detail.setText(
            "This movie has no confirmed ids yet, so it is identified first: the providers that can "
            "search are asked for its title and year, then the film found is looked up to learn its "
            "other ids. Its metadata is fetched once the film is certain."
            if identifying
            else ""
        )
        self.refresh_detail.setVisible(identifying)

    def _phase_text(self, progress: IdentifyingRefreshProgress) -> str:
        """The panel's title while a refresh runs: its phase, and within it what is happening."""
        force = self._refresh_force
        identifying = progress.phase is RefreshPhase.STARTING and self.needs_identification()
        if progress.phase is RefreshPhase.IDENTIFYING or identifying:
            if progress.step is IdentifyStep.SEARCH:
                movie = self.detail.movie if self.detail else None
                year = f" ({movie.year})" if movie is not None and movie.year else ""
                name = f"“{movie.title}{year}”" if movie is not None and movie.title else "it"
                return f"Identifying… searching the providers for {name}"
            if progress.step is IdentifyStep.LOOKUP:
                return "Identifying… looking its ids up to find the others"
            return "Identifying… the movie has no confirmed ids yet"
        if progress.phase is RefreshPhase.FETCHING:
            lead = "Identified. Fetching…" if progress.identified else "Fetching…"
            return f"{lead} asking every provider again" if force else f"{lead} asking the providers"
        return "Refreshing metadata, every provider asked again…" if force else "Refreshing metadata…"

    def _show_progress(self) -> None:
        progress = self.progress
        if progress is None:
            self.provider_chips.set_chips([])
            return
        palette = self.palette()
        chips = []
        for provider, state in progress.states.items():
            name = self.names.get(provider, provider)
            text = progress.text_of(provider)
            tip = f"{name}: {text}" + (f" ({state.detail})" if state.detail and state.detail != text else "")
            step = progress.identify_steps.get(provider)
            if step is not None:
                tip += f" — {_STEP_NAMES[step]}"
            chips.append(
                Chip(
                    name,
                    text,
                    dot=status_colour(_STATE_COLOURS[state.state], palette),
                    tooltip=tip,
                    key=provider,
                )
            )
        self.provider_chips.set_chips(chips)

    @staticmethod
    def _summary(result: EnrichResult) -> str:
        count = len(result.changes.changed_fields)
        if result.status is Status.ENRICHED:
            return f"{count} field{'s' if count != 1 else ''} changed"
        if result.status is Status.UNCHANGED:
            return "nothing changed"
        if result.status is Status.NEEDS_IDENTIFICATION:
            return "needs identification: choose the film with Identify…"
        if result.status is Status.SKIPPED:
            return "skipped"
        return f"failed: {result.error or 'no provider answered'}"

    def show_result(self, result: EnrichResult) -> None:
        """The change set of a finished refresh: what changed, and whether a player must resync."""
        changes = result.changes
        self.refresh_title.setText("Refresh finished: " + self._summary(result))
        self._show_progress()
        notes = []
        identification = result.identification
        if identification is not None and identification.identified:
            notes.append(f"Identified first, as {_ids_text(identification.ids)}.")
        elif identification is not None:
            if identification.reason == "ambiguous":
                notes.append("Several films match its title and year.")
            elif identification.previous_ids.is_empty():
                notes.append("No provider found a film with its title and year.")
            else:
                notes.append("No provider knows its ids or found a film with its title and year.")
            for failure in identification.failed:
                notes.append(
                    f"{self.names.get(failure.provider, failure.provider)} did not answer: {failure.error}."
                )
        locked = sorted(self.fields.locked(), key=self.fields.row_of)
        if locked and result.status in (Status.ENRICHED, Status.UNCHANGED):
            notes.append("Locked fields were left as they are: " + ", ".join(label(n) for n in locked) + ".")
        if result.status is Status.FAILED and result.error:
            notes.append(f"Nothing was changed: {result.error}.")
        problems = [*result.rate_limited, *result.timed_out, *(f.provider for f in result.failed)]
        if problems and result.status in (Status.ENRICHED, Status.UNCHANGED):
            names = _join([self.names.get(p, p) for p in dict.fromkeys(problems)])
            notes.append(f"{names} will be asked again later; the movie is marked incomplete until then.")
        self.refresh_detail.setText(" ".join(notes))
        self.refresh_detail.setVisible(bool(notes))
        if result.status in (Status.ENRICHED, Status.UNCHANGED):
            self.changes.set_changes(changes.changed_fields, self.names)
            self.changes_view.setVisible(bool(changes.changed_fields))
            if changes.requires_player_sync:
                self.sync_label.setText(
                    f"A media player showing this movie must resync it. {changes.sync_reason}."
                )
            elif changes.changed_fields:
                self.sync_label.setText("No media player resync needed: no field a player shows changed.")
            else:
                self.sync_label.setText("Nothing changed, so no media player resync is needed.")
            self.sync_label.show()
        self._apply_colours()

    # -- navigation --------------------------------------------------------------------------------

    def _emit_identify(self) -> None:
        if self.movie_id is not None:
            self.identifyRequested.emit(self.movie_id)

    def _emit_assets(self) -> None:
        if self.movie_id is not None:
            self.assetsRequested.emit(self.movie_id)

    def _set_enabled(self, enabled: bool) -> None:
        running = self.job is not None and not self.job.state.finished
        self.refresh_button.setEnabled(enabled and not running)
        self.force_box.setEnabled(enabled)
        self.preview_box.setEnabled(enabled)
        self.identify_button.setEnabled(enabled)
        self.assets_button.setEnabled(enabled)
        self.write_files_button.setEnabled(enabled and self.ctx.suite is not None)
        self.sources_button.setEnabled(enabled)

    # -- colours -----------------------------------------------------------------------------------

    def _apply_colours(self) -> None:
        palette = self.palette()
        colours: list[tuple[QLabel, QColor | None]] = [
            (self.incomplete, warning_colour(palette)),
            (self.notice, error_colour(palette) if self._notice_kind == "error" else lock_colour(palette)),
            (self.info, None),
            (self.sync_label, warning_colour(palette) if self._sync_needed() else None),
        ]
        for widget, colour in colours:
            own = widget.palette()
            own.setColor(
                QPalette.ColorRole.WindowText, colour or palette.color(QPalette.ColorRole.WindowText)
            )
            widget.setPalette(own)
        self._show_status()
        self._show_progress()

    def _sync_needed(self) -> bool:
        return bool(self.last_result and self.last_result.changes.requires_player_sync)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()


__all__ = [
    "Chip",
    "ChipRow",
    "IdentifyingRefreshProgress",
    "MovieDetailPage",
    "MovieHeader",
    "RefreshPhase",
    "identify_text",
    "outcome_state",
    "paint_badge",
    "provider_state_colour",
    "source_colour",
]
