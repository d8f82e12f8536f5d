"""The library's poster grid: the table's `LibraryModel` shown as poster cards, Plex- or Jellyfin-style.

`PosterGridView` is a `QListView` in icon mode over the model's Title column: every cell the same
size (the cells are widened so that each line of cards fills the width evenly), laid out in batches
(100,000 movies: the first screen shows at once, the rest is laid out over the next event-loop turns
in about a second), scrolled by the pixel. Changes that touch many rows (an enrichment re-reading
rows, a large selection) repaint what is on screen instead of visiting every row, which would call
into the Python model 100,000 times. Ctrl+wheel changes the poster size.

`PosterCardDelegate` paints each card by hand: the poster (2:3, rounded corners, cropped to fill the
box), the title below it (two lines at most, elided) and the year, and a small badge on the poster's
corner for a movie that needs identification, is incomplete or has locked fields (its tooltip is the
Status column's). Selected cards are filled with the palette's highlight colour, in light and dark.

Posters come from the window's `ImageLoader` and are asked for only by `paint`, i.e. for the cards on
screen. Requests use a few fixed widths (scaled for the screen's pixel ratio), so that changing the
poster size mostly reuses images already loaded; while a poster loads, the same poster at another
width or the placeholder card stands in. Without a loader, and for movies without a poster (or
whose poster failed), the placeholder is shown.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import QEvent
from PySide6.QtCore import QItemSelection
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import QItemSelectionRange
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import QPoint
from PySide6.QtCore import QPointF
from PySide6.QtCore import QRect
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimerEvent
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import QHelpEvent
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPainterPath
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtGui import QPixmap
from PySide6.QtGui import QTextLayout
from PySide6.QtGui import QTextOption
from PySide6.QtGui import QTransform
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QListView
from PySide6.QtWidgets import QStyle
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QToolTip
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.records import MovieRow
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.theme import blank_pixmap
from metarr_desktop.ui.common.theme import is_dark
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.model import LibraryModel
from metarr_desktop.ui.library.model import RowState
from metarr_desktop.ui.library.model import placeholder_card
from metarr_desktop.ui.library.model import row_state
from metarr_desktop.ui.library.model import status_glyphs

#: Poster widths the user can choose (logical pixels; the height is 1.5 times the width).
MIN_POSTER_WIDTH = 80
MAX_POSTER_WIDTH = 240
DEFAULT_POSTER_WIDTH = 130
POSTER_WIDTH_STEP = 10
#: Widths (device pixels) posters are requested at: the smallest one at least as wide as the card.
REQUEST_WIDTHS = (120, 180, 270, 400, 600)
#: Bytes of pixels of the rounded posters kept ready to paint (about 300 cards at the default size).
CARD_CACHE_BYTES = 32 * 1024 * 1024
#: Rows laid out per event-loop turn (about 10 ms each).
LAYOUT_BATCH = 1000
#: A selection change over more rows than this repaints the screen instead of each card's rectangle.
_FEW_ROWS = 64

_MARGIN = 6  # inside a card, around the poster and the text
_TEXT_GAP = 5  # between the poster and the title
_MIN_GAP = 8  # at least this much between two cards
_CARD_RADIUS = 8.0
_POSTER_RADIUS = 5.0
_BADGE_INSET = 5
_BADGE_PADDING = 3
_BADGE_STATES = (RowState.NEEDS_IDENTIFICATION, RowState.INCOMPLETE)


def poster_height(width: int) -> int:
    return round(width * 1.5)


def clamp_poster_width(width: int) -> int:
    """`width` rounded to the slider's step and kept in range."""
    stepped = round(width / POSTER_WIDTH_STEP) * POSTER_WIDTH_STEP
    return max(MIN_POSTER_WIDTH, min(MAX_POSTER_WIDTH, stepped))


def request_size(width: float, ratio: float) -> QSize:
    """The box a poster shown `width` logical pixels wide is requested at."""
    needed = width * ratio
    chosen = next((w for w in REQUEST_WIDTHS if w >= needed), REQUEST_WIDTHS[-1])
    return QSize(chosen, poster_height(chosen))


def shows_badge(row: MovieRow) -> bool:
    """Whether the card of this movie carries a status badge."""
    return row.locked_fields > 0 or row_state(row) in _BADGE_STATES


def title_lines(title: str, font: QFont, width: int, max_lines: int = 2) -> list[str]:
    """`title` broken into at most `max_lines` lines of `width` pixels, the last one elided."""
    layout = QTextLayout(title, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    lines: list[str] = []
    end = 0
    layout.beginLayout()
    try:
        while len(lines) < max_lines - 1 and end < len(title):
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            start, length = line.textStart(), line.textLength()
            lines.append(title[start : start + length].strip())
            end = start + length
    finally:
        layout.endLayout()
    rest = title[end:].strip()
    if rest:
        lines.append(QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, width))
    return lines


def selection_ranges(selection: QItemSelection) -> list[QItemSelectionRange]:
    """The ranges of a selection (a selection of 100,000 whole rows is usually one range)."""
    return [selection.at(number) for number in range(selection.count())]


def view_icon(kind: str, palette: QPalette | None = None, size: int = 16) -> QPixmap:
    """The List / Posters switch's icons: three lines with bullets, or four poster cards."""
    pixmap = blank_pixmap(size, size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = (palette or QPalette()).color(QPalette.ColorRole.ButtonText)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    s = float(size)
    if kind == "list":
        for y in (0.18, 0.45, 0.72):
            painter.drawRoundedRect(QRectF(0.06 * s, y * s, 0.18 * s, 0.14 * s), 1, 1)
            painter.drawRoundedRect(QRectF(0.32 * s, y * s, 0.62 * s, 0.14 * s), 1, 1)
    else:
        for x in (0.1, 0.56):
            for y in (0.04, 0.52):
                painter.drawRoundedRect(QRectF(x * s, y * s, 0.34 * s, 0.44 * s), 1.5, 1.5)
    painter.end()
    return pixmap


_placeholders: dict[tuple[int, int, bool], QPixmap] = {}
_badges: dict[tuple[RowState, bool, bool], QPixmap] = {}


def badge_pixmap(state: RowState, locked: bool, palette: QPalette | None = None) -> QPixmap:
    """The Status column's glyphs on a pill of the page's base colour (readable on any poster),
    painted once per state and colour scheme."""
    dark = is_dark(palette)
    key = (state, locked, dark)
    cached = _badges.get(key)
    if cached is not None:
        return cached
    glyphs = status_glyphs(state, locked, palette)
    ratio = glyphs.devicePixelRatio() or 1.0
    width = glyphs.width() / ratio + 2 * _BADGE_PADDING
    height = glyphs.height() / ratio + 2 * _BADGE_PADDING
    pixmap = blank_pixmap(width, height)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    back = QColor("#2e3034" if dark else "#ffffff")
    back.setAlpha(235)
    painter.setPen(QPen(QColor(0, 0, 0, 70), 1))
    painter.setBrush(back)
    radius = (height - 1) / 2
    painter.drawRoundedRect(QRectF(0.5, 0.5, width - 1, height - 1), radius, radius)
    painter.drawPixmap(QPointF(_BADGE_PADDING, _BADGE_PADDING), glyphs)
    painter.end()
    _badges[key] = pixmap
    return pixmap


def card_placeholder(size: QSize, palette: QPalette | None = None) -> QPixmap:
    """A poster-sized card with a film strip drawn in its middle: shown while a poster loads, and
    for movies without one (painted once per size and colour scheme)."""
    return placeholder_card(
        _placeholders, size, palette, edge=("#4a4d53", "#c8ccd3"), radius=_POSTER_RADIUS, motif=_film_strip
    )


def _film_strip(painter: QPainter, w: float, h: float, dark: bool) -> None:
    ink = QColor("#676b73" if dark else "#a9aeb7")
    strip_w = w * 0.46
    strip_h = strip_w * 0.8
    strip = QRectF((w - strip_w) / 2, h * 0.45 - strip_h / 2, strip_w, strip_h)
    line = max(1.5, w / 70)
    painter.setPen(QPen(ink, line))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(strip, strip_w * 0.08, strip_w * 0.08)
    band = strip_h * 0.22
    painter.drawLine(QPointF(strip.left(), strip.top() + band), QPointF(strip.right(), strip.top() + band))
    painter.drawLine(
        QPointF(strip.left(), strip.bottom() - band), QPointF(strip.right(), strip.bottom() - band)
    )
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    hole = band * 0.42
    for n in range(4):
        x = strip.left() + strip_w * (0.17 + n * 0.22) - hole / 2
        for y in (strip.top() + (band - hole) / 2, strip.bottom() - band + (band - hole) / 2):
            painter.drawRoundedRect(QRectF(x, y, hole, hole), hole * 0.25, hole * 0.25)
    # A play mark in the frame between the sprocket bands.
    mid = strip.center()
    size_mark = (strip_h - 2 * band) * 0.45
    mark = QPainterPath(QPointF(mid.x() - size_mark * 0.4, mid.y() - size_mark / 2))
    mark.lineTo(QPointF(mid.x() + size_mark * 0.5, mid.y()))
    mark.lineTo(QPointF(mid.x() - size_mark * 0.4, mid.y() + size_mark / 2))
    mark.closeSubpath()
    painter.drawPath(mark)


class PosterCardDelegate(QStyledItemDelegate):
    """Paints a movie as a poster card and asks the image loader for the posters it paints.

    Attributes:
        images: the poster loader, or None (placeholders only).
        poster_width: the posters' width (logical pixels).
        cell_width: the width of a grid cell (the card is centred in it); 0 before the view sets it.
        requested: every (url, size) asked of the loader (kept short: one entry per poster shown).

    Signals:
        posterLoaded(): a poster a card was waiting for has arrived (repaint).
    """

    posterLoaded = Signal()

    def __init__(self, images: ImageLoader | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.images = images
        self.poster_width = DEFAULT_POSTER_WIDTH
        self.cell_width = 0
        self._waiting: set[str] = set()
        self._failed: set[str] = set()
        self._sizes: dict[tuple[str, int], QSize] = {}
        self._cards: OrderedDict[tuple[int, int, int, float, bool], QPixmap] = OrderedDict()
        self._cards_bytes = 0
        if images is not None:
            images.loaded.connect(self._image_loaded)
            images.failed.connect(self._image_failed)

    # -- geometry ----------------------------------------------------------------------------------

    def card_size(self, font: QFont) -> QSize:
        """A card's size: the poster, two title lines and the year line, with margins."""
        key = (font.key(), self.poster_width)
        known = self._sizes.get(key)
        if known is not None:
            return QSize(known)
        title = QFontMetrics(font).height()
        year = QFontMetrics(_year_font(font)).height()
        width = self.poster_width + 2 * _MARGIN
        height = _MARGIN + poster_height(self.poster_width) + _TEXT_GAP + 2 * title + year + _MARGIN
        self._sizes[key] = QSize(width, height)
        return QSize(width, height)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        card = self.card_size(option.font)
        return QSize(max(card.width(), self.cell_width), card.height())

    def card_rect(self, cell: QRect, font: QFont) -> QRect:
        """The card inside a cell: centred across, at the top."""
        card = self.card_size(font)
        x = cell.x() + max(0, (cell.width() - card.width()) // 2)
        return QRect(x, cell.y(), card.width(), card.height())

    def poster_rect(self, cell: QRect, font: QFont) -> QRectF:
        card = self.card_rect(cell, font)
        return QRectF(
            card.x() + _MARGIN, card.y() + _MARGIN, self.poster_width, poster_height(self.poster_width)
        )

    def badge_rect(self, cell: QRect, font: QFont, row: MovieRow) -> QRectF | None:
        """Where the status badge of this movie's card is (None: no badge)."""
        if not shows_badge(row):
            return None
        badge = badge_pixmap(row_state(row), row.locked_fields > 0)
        ratio = badge.devicePixelRatio() or 1.0
        width, height = badge.width() / ratio, badge.height() / ratio
        poster = self.poster_rect(cell, font)
        return QRectF(poster.right() - _BADGE_INSET - width, poster.top() + _BADGE_INSET, width, height)

    # -- painting ----------------------------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        model = index.model()
        view_row = index.row()
        if not isinstance(model, LibraryModel) or not 0 <= view_row < model.rowCount():
            return
        row = model.row_at(view_row)
        cell: QRect = option.rect
        font: QFont = option.font
        palette: QPalette = option.palette
        state = option.state
        widget = option.widget
        ratio = widget.devicePixelRatioF() if widget is not None else painter.device().devicePixelRatioF()
        group = _colour_group(state)
        selected = bool(state & QStyle.StateFlag.State_Selected)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        card = QRectF(self.card_rect(cell, font))
        highlight = palette.color(group, QPalette.ColorRole.Highlight)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(highlight)
            painter.drawRoundedRect(card, _CARD_RADIUS, _CARD_RADIUS)
        elif state & QStyle.StateFlag.State_MouseOver:
            hover = QColor(highlight)
            hover.setAlpha(45)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(hover)
            painter.drawRoundedRect(card, _CARD_RADIUS, _CARD_RADIUS)
        if state & QStyle.StateFlag.State_HasFocus and not selected:
            painter.setPen(QPen(highlight, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(card.adjusted(0.75, 0.75, -0.75, -0.75), _CARD_RADIUS, _CARD_RADIUS)

        poster = self.poster_rect(cell, font)
        self._paint_poster(painter, poster, row.poster, palette, ratio)
        badge = self.badge_rect(cell, font, row)
        if badge is not None:
            self._paint_badge(painter, badge, row, palette)
        self._paint_text(painter, card, poster, row, font, palette, group, selected)
        painter.restore()

    def _paint_poster(
        self, painter: QPainter, box: QRectF, url: str | None, palette: QPalette, ratio: float
    ) -> None:
        pixmap = self.poster(url, box.width(), ratio)
        if pixmap is None:
            painter.drawPixmap(box.topLeft(), card_placeholder(box.size().toSize(), palette))
        else:
            painter.drawPixmap(box.topLeft(), self._rounded(pixmap, box.size().toSize(), ratio, palette))

    def _rounded(self, pixmap: QPixmap, size: QSize, ratio: float, palette: QPalette) -> QPixmap:
        """The poster cropped to fill `size`, with rounded, antialiased corners and a hairline edge:
        drawn once per poster and size (a scaled, antialiased fill costs ~0.1 ms a card on every
        paint), the most recently painted kept within `CARD_CACHE_BYTES`."""
        dark = is_dark(palette)
        key = (pixmap.cacheKey(), size.width(), size.height(), ratio, dark)
        cached = self._cards.get(key)
        if cached is not None:
            self._cards.move_to_end(key)
            return cached
        if pixmap.devicePixelRatio() != 1.0:  # a texture's transform is in pixels of ratio 1
            pixmap = QPixmap(pixmap)
            pixmap.setDevicePixelRatio(1.0)
        box = QRectF(0, 0, size.width(), size.height())
        card = blank_pixmap(box.width(), box.height(), ratio)
        painter = QPainter(card)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        # Cropped to fill the 2:3 box (a poster of another shape loses a little at its edges), and
        # painted as the fill of a rounded rectangle, whose edges are antialiased (a clip's are not).
        width, height = float(pixmap.width()), float(pixmap.height())
        scale = max(box.width() / width, box.height() / height)
        brush = QBrush(pixmap)
        brush.setTransform(
            QTransform(
                scale, 0, 0, scale, (box.width() - width * scale) / 2, (box.height() - height * scale) / 2
            )
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(brush)
        painter.drawRoundedRect(box, _POSTER_RADIUS, _POSTER_RADIUS)
        # A hairline edge keeps a pale poster apart from the page.
        painter.setPen(QPen(QColor(255, 255, 255, 40) if dark else QColor(0, 0, 0, 60), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), _POSTER_RADIUS, _POSTER_RADIUS)
        painter.end()
        self._cards[key] = card
        self._cards_bytes += card.width() * card.height() * 4
        while self._cards_bytes > CARD_CACHE_BYTES and len(self._cards) > 1:
            _key, dropped = self._cards.popitem(last=False)
            self._cards_bytes -= dropped.width() * dropped.height() * 4
        return card

    def _paint_badge(self, painter: QPainter, box: QRectF, row: MovieRow, palette: QPalette) -> None:
        painter.drawPixmap(box.topLeft(), badge_pixmap(row_state(row), row.locked_fields > 0, palette))

    def _paint_text(
        self,
        painter: QPainter,
        card: QRectF,
        poster: QRectF,
        row: MovieRow,
        font: QFont,
        palette: QPalette,
        group: QPalette.ColorGroup,
        selected: bool,
    ) -> None:
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        colour = palette.color(group, role)
        width = int(card.width()) - 2 * _MARGIN
        line_height = QFontMetrics(font).height()
        y = poster.bottom() + _TEXT_GAP
        painter.setFont(font)
        painter.setPen(colour)
        centred = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        for line in title_lines(row.title, font, width):
            painter.drawText(QRectF(card.x() + _MARGIN, y, width, line_height), centred, line)
            y += line_height
        if row.year is not None:
            year_font = _year_font(font)
            faded = QColor(colour)
            faded.setAlpha(200 if selected else 150)
            painter.setFont(year_font)
            painter.setPen(faded)
            height = QFontMetrics(year_font).height()
            painter.drawText(QRectF(card.x() + _MARGIN, y, width, height), centred, str(row.year))

    # -- posters -----------------------------------------------------------------------------------

    def poster(self, url: str | None, width: float, ratio: float) -> QPixmap | None:
        """The poster to paint `width` logical pixels wide: in memory at the wanted size, else
        requested (and in memory at another size, or None meanwhile)."""
        images = self.images
        if url is None or images is None or url in self._failed:
            return None
        wanted = request_size(width, ratio)
        pixmap = images.cached(url, wanted)
        if pixmap is not None:
            return pixmap
        if url not in self._waiting:
            self._waiting.add(url)
            images.request(url, wanted)
            pixmap = images.cached(url, wanted)  # a loader answering at once (memory, tests)
            if pixmap is not None:
                return pixmap
        for other in sorted(REQUEST_WIDTHS, key=lambda w: (w < wanted.width(), abs(w - wanted.width()))):
            if other != wanted.width():
                pixmap = images.cached(url, QSize(other, poster_height(other)))
                if pixmap is not None:
                    return pixmap
        return None

    def forget_waiting(self) -> None:
        """Forget the posters asked for (after a size change they are asked for again)."""
        self._waiting.clear()

    def _image_loaded(self, url: str) -> None:
        if url in self._waiting:
            self._waiting.discard(url)
            self.posterLoaded.emit()

    def _image_failed(self, url: str) -> None:
        self._failed.add(url)
        if url in self._waiting:
            self._waiting.discard(url)
            self.posterLoaded.emit()

    # -- tooltips ----------------------------------------------------------------------------------

    def tooltip(self, index: Index, cell: QRect, font: QFont, point: QPoint) -> str:
        """The badge's tooltip is the Status column's; elsewhere the title and year come first."""
        model = index.model()
        if not isinstance(model, LibraryModel) or not 0 <= index.row() < model.rowCount():
            return ""
        row = model.row_at(index.row())
        status = str(model.index(index.row(), Column.STATUS).data(Qt.ItemDataRole.ToolTipRole) or "")
        badge = self.badge_rect(cell, font, row)
        if badge is not None and badge.contains(QPointF(point)):
            return status
        title = str(model.index(index.row(), Column.TITLE).data(Qt.ItemDataRole.ToolTipRole) or "")
        return f"{title}\n{status}" if status else title

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: Index
    ) -> bool:
        if event.type() != QEvent.Type.ToolTip or not index.isValid():
            return super().helpEvent(event, view, option, index)
        text = self.tooltip(index, option.rect, option.font, event.pos())
        if not text:
            QToolTip.hideText()
            return False
        QToolTip.showText(event.globalPos(), text, view, view.visualRect(index))
        return True


def _year_font(font: QFont) -> QFont:
    smaller = QFont(font)
    if font.pointSizeF() > 0:
        smaller.setPointSizeF(font.pointSizeF() * 0.9)
    else:
        smaller.setPixelSize(max(8, round(font.pixelSize() * 0.9)))
    return smaller


def _colour_group(state: QStyle.StateFlag) -> QPalette.ColorGroup:
    if not state & QStyle.StateFlag.State_Enabled:
        return QPalette.ColorGroup.Disabled
    if state & QStyle.StateFlag.State_Active:
        return QPalette.ColorGroup.Active
    return QPalette.ColorGroup.Inactive


class PosterGridView(QListView):
    """The poster grid over a `LibraryModel` (use the table's selection model to share selection).

    Attributes:
        delegate: paints the cards and fetches their posters.

    Signals:
        posterWidthChanged(int): the poster width changed (the slider, Ctrl+wheel, `set_poster_width`).
    """

    posterWidthChanged = Signal(int)

    def __init__(self, images: ImageLoader | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("library-grid")
        self.setAccessibleName("Movies as posters")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)
        self._wheel_rest = 0
        self.delegate = PosterCardDelegate(images, self)
        self.delegate.posterLoaded.connect(self.viewport().update)
        self.setItemDelegate(self.delegate)
        self._pending_scroll: QPersistentModelIndex | None = None
        self.verticalScrollBar().actionTriggered.connect(self._scrolled_by_user)
        self._update_grid()

    # -- size --------------------------------------------------------------------------------------

    @property
    def poster_width(self) -> int:
        return self.delegate.poster_width

    def set_poster_width(self, width: int) -> None:
        """Show posters `width` logical pixels wide (rounded to the step, kept in range)."""
        width = clamp_poster_width(width)
        if width == self.delegate.poster_width:
            return
        anchor = self._anchor()
        self.delegate.poster_width = width
        self.delegate.forget_waiting()
        self._update_grid()
        if anchor is not None:
            self.scroll_to_movie_index(anchor)
        self.posterWidthChanged.emit(width)

    def _anchor(self) -> QModelIndex | None:
        """The card to keep on screen across a size change: the current one if shown, else the first."""
        current = self.currentIndex()
        if current.isValid() and self.viewport().rect().intersects(self.visualRect(current)):
            return current
        first = self.indexAt(QPoint(self.gridSize().width() // 2, 1))
        return first if first.isValid() else None

    def _update_grid(self) -> None:
        """Cells as wide as the view allows for whole cards (spare width shared between them)."""
        card = self.delegate.card_size(self.font())
        # The scroll bar's width is always set aside, so that its appearing never changes the cells.
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        available = max(1, self.width() - 2 * self.frameWidth() - scroll_bar - 1)
        least = card.width() + _MIN_GAP
        columns = max(1, available // least)
        cell = QSize(max(least, available // columns), card.height() + _MIN_GAP)
        self.delegate.cell_width = cell.width()
        if cell != self.gridSize():
            self.setGridSize(cell)
        self.verticalScrollBar().setSingleStep(max(20, cell.height() // 4))
        self._fit_image_memory(columns, cell)

    def _fit_image_memory(self, columns: int, cell: QSize) -> None:
        """Let the image loader's memory hold twice the posters a screen shows: with less, each poster
        that arrives pushes out one still on screen, which is then asked for again, for ever."""
        images = self.delegate.images
        if images is None:
            return
        rows = self.viewport().height() // max(1, cell.height()) + 2
        size = request_size(self.poster_width, self.devicePixelRatioF())
        needed = 2 * columns * rows * size.width() * size.height() * 4
        images.memory_budget = max(images.memory_budget, needed)

    def resizeEvent(self, event: object) -> None:
        self._update_grid()
        super().resizeEvent(event)  # type: ignore[arg-type]

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._update_grid()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self.verticalScrollBar().setSingleStep(max(20, self.gridSize().height() // 4))

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._pending_scroll = None
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            # A touchpad or fine wheel sends small deltas (±15): they add up to whole notches of
            # 120, in both directions alike.
            self._wheel_rest += event.angleDelta().y()
            steps = int(self._wheel_rest / 120)
            self._wheel_rest -= steps * 120
            if steps:
                self.set_poster_width(self.poster_width + steps * POSTER_WIDTH_STEP)
            event.accept()
            return
        super().wheelEvent(event)

    # -- scrolling to a movie, also while the layout is still being built ---------------------------

    def scroll_to_movie_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        """Bring this card into view (centred): now when the layout has reached it, else as soon as
        it has (the batches grow the scroll range as they go; scrolling earlier would stop short)."""
        if not index.isValid():
            return
        target = self.model().index(index.row(), self.modelColumn())
        if self._reachable(target):
            self._pending_scroll = None
            self._scroll_to(target)
        else:
            self._pending_scroll = QPersistentModelIndex(target)

    def _reachable(self, index: Index) -> bool:
        if not self.isVisible():
            return False
        rect = self.visualRect(index)
        if not rect.isValid():
            return False
        bar = self.verticalScrollBar()
        return bar.value() + rect.bottom() - self.viewport().height() <= bar.maximum()

    def _scroll_to(self, index: Index) -> None:
        if self.viewport().rect().contains(self.visualRect(index)):
            return
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _scrolled_by_user(self, _action: int) -> None:
        self._pending_scroll = None  # the user's own scrolling wins over a scroll still waiting

    def timerEvent(self, event: QTimerEvent) -> None:
        super().timerEvent(event)
        pending = self._pending_scroll
        if pending is not None:
            if not pending.isValid():
                self._pending_scroll = None
            elif self._reachable(pending):
                self._pending_scroll = None
                self._scroll_to(pending)

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        self._update_grid()

    # -- repainting many rows ------------------------------------------------------------------------

    def dataChanged(self, topLeft: Index, bottomRight: Index, roles: Sequence[int] = ()) -> None:
        """Repaint; never visit every row (the list view's own handler does, through the model)."""
        if not self.isVisible():
            return
        if topLeft == bottomRight and topLeft.isValid():
            self.update(topLeft)
        else:
            self.viewport().update()

    def selectAll(self) -> None:
        """Every card, as one range (the list view's own version asks the model about each row)."""
        model = self.model()
        rows = model.rowCount() if model is not None else 0
        modes = (
            QAbstractItemView.SelectionMode.ExtendedSelection,
            QAbstractItemView.SelectionMode.MultiSelection,
        )
        if not rows or self.selectionMode() not in modes:
            return
        everything = QItemSelection(model.index(0, 0), model.index(rows - 1, model.columnCount() - 1))
        flags = QItemSelectionModel.SelectionFlag
        self.selectionModel().select(everything, flags.ClearAndSelect | flags.Rows)

    def selectionChanged(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = sum(r.height() for r in selection_ranges(selected)) + sum(
            r.height() for r in selection_ranges(deselected)
        )
        if rows > _FEW_ROWS:
            if self.isVisible():
                self.viewport().update()
            return
        super().selectionChanged(selected, deselected)


__all__ = [
    "DEFAULT_POSTER_WIDTH",
    "MAX_POSTER_WIDTH",
    "MIN_POSTER_WIDTH",
    "POSTER_WIDTH_STEP",
    "PosterCardDelegate",
    "PosterGridView",
    "badge_pixmap",
    "card_placeholder",
    "clamp_poster_width",
    "request_size",
    "selection_ranges",
    "title_lines",
    "view_icon",
]
