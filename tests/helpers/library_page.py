"""The library page's test set-ups: an image loader that paints a poster per url, adding a movie, and
the demo catalog's movies enriched from the sandbox (`demo_library`; tests/ui/library/conftest.py
shows them in `demo_page`)."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable
from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import QObject
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QImage
from PySide6.QtGui import QLinearGradient
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPixmap

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.sandbox.catalog import load_demo
from metarr_desktop.services.enrichment import Status
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library.page import LibraryPage

#: The `open_demo_page` fixture of tests/ui/library: `await open_demo_page(size)` -> the demo library's page.
OpenDemoPage = Callable[[QSize], Awaitable[LibraryPage]]


class PosterImages(QObject):
    """`ImageLoader`'s interface: every poster is painted from its url at once; nothing is fetched.

    Attributes:
        asked: every url `request` was called with.
    """

    loaded = Signal(str)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.memory_budget = 64 * 1024 * 1024  # bytes, as the real loader
        self.asked: list[str] = []
        self.memory: dict[tuple[str, int, int], QPixmap] = {}

    def cached(self, url: str, size: QSize) -> QPixmap | None:
        return self.memory.get((url, size.width(), size.height()))

    def request(self, url: str, size: QSize) -> None:
        self.asked.append(url)
        self.memory[(url, size.width(), size.height())] = self._paint(url, size)
        self.loaded.emit(url)

    async def load(self, url: str, size: QSize) -> QPixmap | None:
        self.request(url, size)
        return self.cached(url, size)

    async def aclose(self) -> None:
        return None

    @staticmethod
    def _paint(url: str, size: QSize) -> QPixmap:
        digest = hashlib.sha1(url.encode()).digest()
        width, height = 200, 300
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gradient = QLinearGradient(0, 0, width, height)
        gradient.setColorAt(0, QColor.fromHsv(digest[0] * 360 // 256, 160, 90))
        gradient.setColorAt(1, QColor.fromHsv(digest[1] * 360 // 256, 200, 230))
        painter.fillRect(0, 0, width, height, gradient)
        painter.setPen(QColor(255, 255, 255, 200))
        font = QFont()
        font.setPixelSize(90)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QRectF(0, 60, width, 180), Qt.AlignmentFlag.AlignCenter, chr(65 + digest[2] % 26))
        painter.end()
        return QPixmap.fromImage(image).scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )


def add(ctx: UiContext, title: str, year: int | None = None, tmdb: int | None = None) -> int:
    assert ctx.library is not None
    return ctx.library.add(title, year=year, ids=ExternalIds(tmdb=tmdb)).id


DEMO = (
    "Inception",
    "The Matrix",
    "Heat",
    "Spirited Away",
    "Parasite",
    "Pulp Fiction",
    "Amélie",
    "The Dark Knight",
    "Arrival",
    "Alien",
)


async def demo_library(ctx: UiContext) -> None:
    """The demo catalog's movies, enriched from the sandbox; one unidentifiable, one incomplete,
    one with locked fields."""
    assert ctx.suite is not None
    catalog = {t.title: t for t in load_demo().titles if t.kind == "movie"}
    ids = []
    for title in DEMO:
        known = catalog.get(title)
        if known is None:
            continue
        ids.append(add(ctx, title, known.year, tmdb=known.tmdb))
    report = await ctx.suite.enrichment.enrich_many(ids)
    assert report.count(Status.ENRICHED) == len(ids)
    movies = ctx.suite.app.movies
    movies.lock(ids[1], "title")
    movies.lock(ids[1], "plot")
    movies.set_incomplete(ids[2], "omdb", ctx.clock.now() + timedelta(minutes=40))
    add(ctx, "Holiday Video 2004", 2004)
    lost = add(ctx, "Untitled Short", None)
    movies.set_status(lost, IdentificationStatus.NEEDS_IDENTIFICATION)
