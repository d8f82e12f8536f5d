"""Provider, NFO and file-name text in the window shows literally: never rich text, nothing loads.

Each place that shows such text is rendered with hostile values (an ``<img>`` of /dev/zero, which
crashed the window, bold markup, an entity, control characters); labels must be plain text (or
escape the text inside our own markup) and tooltips must show the text itself, loading nothing.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import AsyncIterator
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import shiboken6
from PySide6 import QtGui
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRow
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobTracker
from metarr_desktop.ui.activity.models import JobsModel
from metarr_desktop.ui.assets.browser import AssetBrowserDialog
from metarr_desktop.ui.common.widgets import HealthCard
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.health.models import HealthModel
from metarr_desktop.ui.identify.dialog import IdentifyDialog
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.model import LibraryModel
from metarr_desktop.ui.movie.models import ChangeSetModel
from metarr_desktop.ui.movie.models import FieldsModel
from metarr_desktop.ui.movie.models import HistoryModel
from metarr_desktop.ui.movie.page import MovieDetailPage
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import answer
from tests.helpers.qt import until
from tests.helpers.ui_context import fake_ui_context

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

IMG = '<img src="file:///dev/zero">'
BOLD = "<b>x</b>"
ENTITY = "Tom &amp; Jerry"
HOSTILE = f"{IMG} {BOLD} {ENTITY}"
TITLE = f"Heat {HOSTILE}"
SHOTS = Path("/tmp/metarr-shots")


class HostileServices(FakeServices):
    """The fake providers, answering every movie with hostile text in many fields."""

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/movie"):
            self.requests.append(request)
            body = answer(request.url.host.split(".")[0], request.url.params.get("id", ""))
            body["fields"].update(
                {
                    "title": TITLE,
                    "tagline": HOSTILE,
                    "plot": f"{HOSTILE} " + "long " * 30,
                    "genres": [BOLD, ENTITY],
                    "directors": [IMG],
                    "content_rating": BOLD,
                    "cast": [{"name": IMG, "role": BOLD, "order": 0}],
                }
            )
            return httpx.Response(200, json=body)
        return await super().handle(request)


class RecordingDocument(QTextDocument):
    """A text document that records (and refuses) every resource its HTML asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        self.asked.append(name.toString() if isinstance(name, QUrl) else name)
        return None


def shown(tip: object) -> str:
    """The text a tooltip shows, as Qt decides (rich when it looks like rich text); loads nothing."""
    if not isinstance(tip, str):
        return ""
    if not QtGui.Qt.mightBeRichText(tip):
        return tip
    document = RecordingDocument()
    document.setHtml(tip)
    document.size()  # lays it out: images would be loaded now
    assert document.asked == [], f"the tooltip loads {document.asked}"
    return document.toPlainText()


def assert_literal_tip(tip: object, *raws: str) -> None:
    text = shown(tip)
    for raw in raws:
        assert raw in text, (raw, tip)


def assert_labels_literal(widget: QWidget) -> int:
    """Every label of `widget` holding hostile text shows it as plain text; returns how many."""
    checked = 0
    for label in (
        [widget, *widget.findChildren(QLabel)] if isinstance(widget, QLabel) else widget.findChildren(QLabel)
    ):
        text = label.text()
        if "<img" in text or "<b>x" in text or "&amp;" in text:
            checked += 1
            assert label.textFormat() == Qt.TextFormat.PlainText, (label.objectName(), text)
        if label.textFormat() != Qt.TextFormat.PlainText:
            assert "<img" not in text, (label.objectName(), text)
        assert_literal_tip(label.toolTip())
    return checked


def shoot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture(autouse=True)
def collect_on_the_qt_thread() -> None:
    gc.collect()


@pytest.fixture
async def hostile_ctx(tmp_path: Path) -> AsyncIterator[UiContext]:
    async with fake_ui_context(tmp_path / "profile", HostileServices(), VirtualClock()) as ctx:
        yield ctx


@pytest.fixture
def widgets() -> Iterator[list[QWidget]]:
    made: list[QWidget] = []
    yield made
    for widget in made:
        widget.close()
        shiboken6.delete(widget)


def tips(model: Any, columns: range, parent: QModelIndex | None = None) -> list[object]:
    parent = parent or QModelIndex()
    return [
        model.index(row, column, parent).data(Qt.ItemDataRole.ToolTipRole)
        for row in range(model.rowCount(parent))
        for column in columns
    ]


async def test_the_movie_page_shows_provider_text_literally(
    hostile_ctx: UiContext, widgets: list[QWidget]
) -> None:
    suite = hostile_ctx.suite
    assert suite is not None
    movie = suite.library.add("Heat", year=1995, ids=ExternalIds(tmdb=949))
    first = await suite.enrichment.enrich(movie.id)
    page = MovieDetailPage(hostile_ctx)
    widgets.append(page)
    page.resize(1010, 720)
    page.show()
    await page.load_movie(movie.id)
    header = page.header
    assert header.title.text().startswith(TITLE) and header.tagline.text() == HOSTILE
    for label in (header.title, header.facts, header.tagline):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert assert_labels_literal(page) >= 3
    fields: FieldsModel = page.fields
    for name in ("title", "tagline", "plot"):
        assert_literal_tip(
            fields.index(fields.row_of(name), FieldsModel.VALUE).data(Qt.ItemDataRole.ToolTipRole), IMG
        )
    cast_tip = fields.index(fields.row_of("cast"), FieldsModel.VALUE).data(Qt.ItemDataRole.ToolTipRole)
    assert_literal_tip(cast_tip, IMG, BOLD)
    for column in range(fields.columnCount()):
        for row in range(fields.rowCount()):
            shown(fields.index(row, column).data(Qt.ItemDataRole.ToolTipRole))
    history: HistoryModel = page.history
    history_tips = tips(history, range(history.columnCount()))
    assert any(IMG in shown(t) for t in history_tips)
    # The change set and the refresh notes of a refresh.
    page.show_result(first)
    changes: ChangeSetModel = page.changes
    change_tips = tips(changes, range(changes.columnCount()))
    assert any(HOSTILE in shown(t) for t in change_tips)
    failed = dataclasses.replace(first, status=Status.FAILED, error=f"provider said {IMG}")
    page.show_result(failed)
    assert IMG in page.refresh_detail.text() or IMG in page.refresh_title.text()
    assert_labels_literal(page)
    shoot(page, "hostile-movie-page")


async def test_the_dialogs_show_the_movie_title_literally(
    hostile_ctx: UiContext, widgets: list[QWidget]
) -> None:
    suite = hostile_ctx.suite
    assert suite is not None
    movie = suite.library.add(TITLE, year=1995)
    identify = IdentifyDialog(hostile_ctx, movie.id)
    widgets.append(identify)
    identify.show()
    assert assert_labels_literal(identify) >= 1
    shoot(identify, "hostile-identify-dialog")
    # Closed here, while the loop runs: its search then ends before the test does, not in teardown.
    identify.reject()
    await until(lambda: identify.task is None or identify.task.done())
    browser = AssetBrowserDialog(hostile_ctx, movie.id)
    widgets.append(browser)
    browser.show()
    await browser.load()
    assert assert_labels_literal(browser) >= 1


def test_the_library_list_and_grid_tooltips_show_titles_literally(qapp: Any) -> None:
    model = LibraryModel(now=lambda: datetime(2026, 1, 1, tzinfo=UTC), provider_names={IMG: BOLD})
    model.set_rows(
        [
            MovieRow(
                1,
                TITLE,
                1995,
                IdentificationStatus.IDENTIFIED,
                True,
                None,
                {IMG: datetime(2026, 1, 2, tzinfo=UTC)},
                0,
                None,
            )
        ]
    )
    assert_literal_tip(model.index(0, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole), TITLE)
    assert_literal_tip(model.index(0, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole), BOLD)


def test_health_last_error_shows_literally(widgets: list[QWidget]) -> None:
    health = ProviderHealth(
        id="tmdb",
        enabled=True,
        status=HealthStatus.DEGRADED,
        auto_disabled=False,
        uptime_percent=50.0,
        avg_latency_ms=80.0,
        consecutive_failures=1,
        last_request_at=datetime(2026, 1, 1, tzinfo=UTC),
        last_error=f"the API key was refused ({HOSTILE})",
        rate_limited_until=None,
        requests_today=3,
        daily_quota=1000,
    )
    model = HealthModel({"tmdb": "TMDB"})
    model.set_rows([health])
    assert_literal_tip(model.index(0).data(Qt.ItemDataRole.ToolTipRole), HOSTILE)
    card = HealthCard("tmdb", f"TMDB {BOLD}")
    widgets.append(card)
    card.set_health(health, datetime(2026, 1, 1, tzinfo=UTC))
    card.show()
    assert assert_labels_literal(card) >= 2


async def test_a_failed_job_error_shows_literally() -> None:
    tracker = JobTracker(VirtualClock())

    async def body(handle: JobHandle) -> None:
        raise RuntimeError(f"no answer: {HOSTILE}")

    job = tracker.start(f"Refresh {TITLE}", body)
    await tracker.wait(job)
    model = JobsModel()
    model.add_job(job)
    assert_literal_tip(model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole), HOSTILE)
