"""The movie page's test set-ups: Inception's ids and the movie enriched from the sandbox, an image
loader that paints its pictures, the demo catalog with the providers changing their minds, the real
field editor, and a job listener that sees every event.

The fixtures over them (`sandbox_images`, `sandbox_ctx`, `movie_page_factory`, `inception_page`) are in
tests/helpers/fixtures.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtCore import QObject
from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QImage
from PySide6.QtGui import QKeyEvent
from PySide6.QtGui import QLinearGradient
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QLineEdit

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox.catalog import Catalog
from metarr_desktop.sandbox.catalog import load_demo
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobEvent
from metarr_desktop.services.jobs import JobListener
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.movie.page import MovieDetailPage
from tests.helpers.qt import settle

INCEPTION = ExternalIds(tmdb=27205, imdb="tt1375666")


class PaintedImages(QObject):
    """`ImageLoader`'s interface: a poster or fanart is painted from its url, nothing is fetched.

    Attributes:
        asked: every url `load` or `request` was called with.
        missing: urls that fail.
    """

    loaded = Signal(str)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []
        self.missing: set[str] = set()
        self.memory: dict[tuple[str, int, int], QPixmap] = {}

    def _paint(self, url: str, size: QSize) -> QPixmap:
        wide = "fanart" in url or size.width() > size.height()
        width, height = (1280, 720) if wide else (400, 600)
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        gradient = QLinearGradient(0, 0, width, height)
        gradient.setColorAt(0, QColor("#1d3557") if wide else QColor("#0f4c5c"))
        gradient.setColorAt(0.6, QColor("#457b9d") if wide else QColor("#5f0f40"))
        gradient.setColorAt(1, QColor("#e9c46a") if wide else QColor("#fb8b24"))
        painter.fillRect(0, 0, width, height, gradient)
        painter.setPen(Qt.PenStyle.NoPen)
        for n in range(7):
            painter.setBrush(QColor(255, 255, 255, 18 + 8 * n))
            painter.drawEllipse(
                QPointF(width * (0.15 + 0.12 * n), height * (0.7 - 0.07 * n)), 60 + 25 * n, 60 + 25 * n
            )
        if not wide:
            painter.setPen(QColor("white"))
            font = QFont()
            font.setPixelSize(54)
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(QRectF(20, 380, width - 40, 200), Qt.AlignmentFlag.AlignCenter, "INCEPTION")
        painter.end()
        pixmap = QPixmap.fromImage(image)
        return pixmap.scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )

    def cached(self, url: str, size: QSize) -> QPixmap | None:
        return self.memory.get((url, size.width(), size.height()))

    def request(self, url: str, size: QSize) -> None:
        self.asked.append(url)
        pixmap = self._make(url, size)
        if pixmap is None:
            self.failed.emit(url)
        else:
            self.loaded.emit(url)

    def _make(self, url: str, size: QSize) -> QPixmap | None:
        if url in self.missing:
            return None
        pixmap = self.memory[(url, size.width(), size.height())] = self._paint(url, size)
        return pixmap

    async def load(self, url: str, size: QSize) -> QPixmap | None:
        self.asked.append(url)
        await asyncio.sleep(0)
        return self._make(url, size)

    async def aclose(self) -> None:
        return None


def altered_catalog() -> Catalog:
    """The demo catalog where the providers now say something else about Inception."""
    demo = load_demo()
    titles = [
        dataclasses.replace(
            t,
            plot="A different plot the providers now tell.",
            tagline="A brand new tagline.",
            genres=("Thriller",),
        )
        if t.title == "Inception"
        else t
        for t in demo.titles
    ]
    return Catalog(titles, name="demo-altered")


async def enriched_inception(ctx: UiContext) -> int:
    assert ctx.suite is not None
    movie = ctx.suite.library.add("Inception", year=2010, ids=INCEPTION)
    result = await ctx.suite.enrichment.enrich(movie.id)
    assert result.status is Status.ENRICHED
    return movie.id


async def open_editor(page: MovieDetailPage, name: str) -> QLineEdit:
    """Open the real editor of one field's value, as a double-click does."""
    index = page.table.value_index(name)
    page.table.scrollTo(index)
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    await settle()
    editor = page.table.findChild(QLineEdit, f"editor-{name}")
    assert editor is not None
    return editor


def press_return(editor: QLineEdit) -> None:
    QApplication.sendEvent(
        editor, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    )


class Watcher(JobListener):
    """Calls `on_event(event)` for every event of every job (the page has updated by then)."""

    def __init__(self, on_event: Callable[[JobEvent], None]) -> None:
        self.on_event = on_event

    def job_event(self, job: Job, event: JobEvent) -> None:
        self.on_event(event)
