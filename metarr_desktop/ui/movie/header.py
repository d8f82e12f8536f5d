"""The movie's banner: its fanart (darkened) behind its poster, title, facts, status and ratings; and
`BannerArtwork`, which loads that poster and fanart."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QLinearGradient
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPainterPath
from PySide6.QtGui import QPaintEvent
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QSizePolicy
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.movie_fields import MovieDetail
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import STRETCH
from metarr_desktop.ui.common.controls import any_width
from metarr_desktop.ui.common.controls import lay_out
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.safe_text import plain_label
from metarr_desktop.ui.movie.chips import ChipRow

POSTER_SIZE = QSize(128, 192)
FANART_SIZE = QSize(1600, 900)
#: How long `load_movie` waits for the poster and fanart before saying it is loaded (seconds); images
#: that take longer appear when they arrive.
IMAGE_WAIT_S = 3.0


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
        self.facts = wrapped_label("movie-facts")
        self.tagline = wrapped_label("movie-tagline")
        italic = QFont(self.font())
        italic.setItalic(True)
        self.tagline.setFont(italic)
        self.status = ChipRow(overlay=True)
        self.status.setObjectName("movie-status")
        self.ratings = ChipRow(overlay=True)
        self.ratings.setObjectName("movie-ratings")
        for widget in (self.title, self.facts, self.tagline):
            any_width(widget)  # a movie's text never makes the window wider
            palette = widget.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor("white"))
            widget.setPalette(palette)
        dim = self.facts.palette()
        dim.setColor(QPalette.ColorRole.WindowText, QColor(255, 255, 255, 215))
        self.facts.setPalette(dim)
        self.tagline.setPalette(dim)

        text = lay_out(
            QVBoxLayout(), self.title, self.facts, self.tagline, STRETCH, self.status, self.ratings
        )
        text.setSpacing(6)
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


class BannerArtwork:
    """Loads the banner's poster and fanart through the image loader (None: placeholders only).

    Attributes:
        urls: the addresses of the images shown (per kind, "poster" and "fanart").
        pixmaps: the images that arrived.
    """

    def __init__(self, header: MovieHeader, images: ImageLoader | None) -> None:
        self.header = header
        self.images = images
        self.urls: dict[str, str | None] = {"poster": None, "fanart": None}
        self.pixmaps: dict[str, QPixmap | None] = {"poster": None, "fanart": None}

    async def load(self, detail: MovieDetail) -> None:
        """Show the movie's artwork: at once from the loader's caches, else when it arrives (waited
        for up to `IMAGE_WAIT_S`)."""
        urls = {
            "poster": detail.fields["poster"].value if detail.fields.get("poster") else None,
            "fanart": detail.fields["fanart"].value if detail.fields.get("fanart") else None,
        }
        images = self.images
        if urls == self.urls and images is not None:
            return
        self.urls = {k: str(v) if v else None for k, v in urls.items()}
        self.pixmaps = {"poster": None, "fanart": None}
        self.header.set_images(None, None)
        if images is None:
            self.header.poster_text = "No poster" if not urls["poster"] else "Posters are not shown"
            return
        tasks = []
        for kind, url in self.urls.items():
            if not url:
                continue
            size = POSTER_SIZE * 2 if kind == "poster" else FANART_SIZE
            cached = images.cached(url, size)
            if cached is not None:
                self._set(kind, url, cached)
            else:
                tasks.append(spawn(self._fetch(kind, url, size)))
        for _ in range(3):  # images in the loader's memory or disk cache come back at once
            if all(task.done() for task in tasks):
                break
            await asyncio.sleep(0)
        pending = [task for task in tasks if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=IMAGE_WAIT_S)
        if self.urls.get("poster") and self.pixmaps.get("poster") is None:
            self.header.poster_text = "Poster still loading" if tasks else "No poster"
            self.header.update()

    async def _fetch(self, kind: str, url: str, size: QSize) -> None:
        if self.images is None:
            return
        pixmap = await self.images.load(url, size)
        if pixmap is None:
            if self.urls.get(kind) == url and kind == "poster":
                self.header.poster_text = "Poster could not be loaded"
                self.header.update()
            return
        self._set(kind, url, pixmap)

    def on_loaded(self, url: str) -> None:
        """The loader has `url` now (requested by someone else, or later than the wait)."""
        if self.images is None:
            return
        for kind, current in self.urls.items():
            if current == url and self.pixmaps.get(kind) is None:
                size = POSTER_SIZE * 2 if kind == "poster" else FANART_SIZE
                pixmap = self.images.cached(url, size)
                if pixmap is not None:
                    self._set(kind, url, pixmap)

    def _set(self, kind: str, url: str, pixmap: QPixmap) -> None:
        if self.urls.get(kind) != url:
            return  # another movie is shown now
        self.pixmaps[kind] = pixmap
        self.header.set_images(self.pixmaps["poster"], self.pixmaps["fanart"])
