"""The Identify dialog: debounced search as you type, the stale search cancelled and never shown,
no results and errors inline, choosing a candidate commits its ids, an id is looked up first and
committed without a second request, Cancel stops the running work; the candidates model under
qtmodeltester; the dialog rendered to PNG with real candidates (light and dark).

End-to-end tests run against the sandbox (a loopback server speaking the real provider APIs, demo
catalog: two films called "Emma" from 1996, "The Thing" in 1982 and 2011...). The cancellation tests
use a fake identification service whose searches wait on an `asyncio.Event`.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject
from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QLinearGradient
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.matching import Candidate
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.identify import SearchOutcome
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.images import sandbox_image_transport
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.identification import SelectionError
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import ProviderCacheRepository
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.common.theme import ThemeController
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.identify.candidate_list import elide_lines
from metarr_desktop.ui.identify.dialog import IdentifyDialog
from metarr_desktop.ui.identify.model import CandidateModel
from metarr_desktop.ui.identify.presenter import DEBOUNCE_MS
from metarr_desktop.ui.identify.presenter import best_choice
from metarr_desktop.ui.identify.presenter import parse_id_input
from metarr_desktop.ui.identify.presenter import thumbnail_url
from tests.helpers.identify import WithoutLookups
from tests.helpers.identify import identified
from tests.helpers.identify import search_overtaken
from tests.helpers.qt import deleted_on_the_qt_thread
from tests.helpers.qt import settle
from tests.helpers.qt import until
from tests.helpers.qt import wait_signal

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

SHOTS = Path("/tmp/metarr-shots")
EMMA_1996 = ExternalIds(tmdb=9870, imdb="tt0116191", tvdb=700046)
EMMA_TV_1996 = ExternalIds(tmdb=41801, imdb="tt0118308", tvdb=700047)


# --------------------------------------------------------------------------------------------------
# Fakes and fixtures
# --------------------------------------------------------------------------------------------------


class FakeImages(QObject):
    """The `ImageLoader` interface in memory: `request` paints a poster for the URL on the next turn
    of the loop and emits `loaded` (or `failed` for URLs listed in `broken`)."""

    loaded = Signal(str)
    failed = Signal(str)

    def __init__(self, broken: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.pixmaps: dict[str, QPixmap] = {}
        self.requests: list[tuple[str, QSize]] = []
        self.broken = broken

    def cached(self, url: str, size: QSize) -> QPixmap | None:
        return self.pixmaps.get(url)

    def request(self, url: str, size: QSize) -> None:
        self.requests.append((url, size))
        QTimer.singleShot(0, lambda: self._deliver(url, size))

    def _deliver(self, url: str, size: QSize) -> None:
        if url in self.broken:
            self.failed.emit(url)
            return
        self.pixmaps[url] = poster(url, size)
        self.loaded.emit(url)

    async def load(self, url: str, size: QSize) -> QPixmap | None:
        return None if url in self.broken else poster(url, size)

    async def aclose(self) -> None:
        return None


def poster(url: str, size: QSize) -> QPixmap:
    """A stand-in poster: a gradient in a colour derived from the URL, with a frame."""
    digest = hashlib.sha1(url.encode()).digest()
    pixmap = QPixmap(size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    top = QColor.fromHsv(digest[0] * 360 // 256, 120, 170)
    gradient = QLinearGradient(QPointF(0, 0), QPointF(0, size.height()))
    gradient.setColorAt(0, top)
    gradient.setColorAt(1, top.darker(260))
    painter.fillRect(pixmap.rect(), gradient)
    painter.setPen(QColor(255, 255, 255, 200))
    font = QFont()
    font.setPointSizeF(6.5)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(
        QRectF(2, size.height() - 20, size.width() - 4, 18), int(Qt.AlignmentFlag.AlignCenter), "★"
    )
    painter.setPen(QColor(255, 255, 255, 60))
    painter.drawRect(QRectF(0.5, 0.5, size.width() - 1, size.height() - 1))
    painter.end()
    return pixmap


def candidate(title: str, year: int, tmdb: int, confidence: float = 90.0, **extra: Any) -> Candidate:
    return Candidate(
        providers=("tmdb", "omdb"),
        external_ids=ExternalIds(tmdb=tmdb, imdb=f"tt{tmdb:07d}"),
        title=title,
        year=year,
        overview=f"The film called {title}.",
        poster_url=f"https://image.tmdb.org/t/p/original/{tmdb}.jpg",
        confidence=confidence,
        **extra,
    )


class SlowIdentification(WithoutLookups):
    """Searches that wait for the test to release them (one `asyncio.Event` per search).

    Attributes:
        searches: the (query, year) of every search started.
        gates: the event each search waits on, in order.
        cancelled: the queries whose search was cancelled while it waited.
        stubborn: swallow the cancellation and answer anyway (a misbehaving client), to prove that
            the dialog still never shows a stale answer.
    """

    def __init__(self, *, stubborn: bool = False) -> None:
        self.searches: list[tuple[str, int | None]] = []
        self.gates: list[asyncio.Event] = []
        self.cancelled: list[str] = []
        self.stubborn = stubborn
        self.selected: list[tuple[int, str]] = []
        self.select_gate = asyncio.Event()

    async def search(
        self, query: str, year: int | None = None, *, progress: FetchProgress | None = None
    ) -> SearchOutcome:
        self.searches.append((query, year))
        gate = asyncio.Event()
        self.gates.append(gate)
        try:
            await gate.wait()
        except asyncio.CancelledError:
            self.cancelled.append(query)
            if not self.stubborn:
                raise
        return SearchOutcome(candidates=[candidate(f"{query} (answer)", 1996, 100 + len(query))])

    async def select(
        self, movie_id: int, choice: str, *, progress: FetchProgress | None = None
    ) -> IdentifyResult:
        self.selected.append((movie_id, choice))
        try:
            await self.select_gate.wait()
        except asyncio.CancelledError:
            self.cancelled.append(choice)
            raise
        return identified(movie_id, choice)

    def latest(self, movie_id: int) -> IdentifyResult | None:
        return None


OPENED: list[IdentifyDialog] = []


@pytest.fixture(autouse=True)
def keep_running(qapp: QApplication) -> Iterator[None]:
    """As the application does (app.py): closing the dialog, the only window here, must not quit
    the application, which would stop the qasync loop under the test; and the dialogs opened
    are deleted on the Qt thread (`deleted_on_the_qt_thread`).
    """
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    with deleted_on_the_qt_thread(OPENED):
        yield
    qapp.setQuitOnLastWindowClosed(before)


@pytest.fixture
def sandbox_images() -> FakeImages:
    """`sandbox_ctx`'s posters: fake ones."""
    return FakeImages()


@pytest.fixture
def world(sandbox_ctx: UiContext, sandbox: SandboxServer) -> tuple[UiContext, SandboxServer]:
    """A window context on a fresh profile pointed at the sandbox, with fake posters; the sandbox."""
    return sandbox_ctx, sandbox


def open_dialog(qtbot: QtBot, ctx: UiContext, movie_id: int, **options: Any) -> IdentifyDialog:
    dialog = IdentifyDialog(ctx, movie_id, **options)
    OPENED.append(dialog)
    dialog.show()
    return dialog


async def search(dialog: IdentifyDialog) -> None:
    """Skip the debounce wait: start what the inputs ask for now, and wait until it is shown."""
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 15))
    await asyncio.sleep(0)
    dialog.search_now()
    await finished


async def emma_searched(qtbot: QtBot, ctx: UiContext) -> tuple[int, IdentifyDialog]:
    """Emma (1996) added to the library and its dialog open, the search's results shown: the
    movie's id and the dialog."""
    movie_id = add_movie(ctx, "Emma", 1996)
    dialog = open_dialog(qtbot, ctx, movie_id)
    await search(dialog)
    return movie_id, dialog


def titles(dialog: IdentifyDialog) -> list[str]:
    return [dialog.model.data(dialog.model.index(row)) for row in range(dialog.model.rowCount())]


def cache_rows(ctx: UiContext) -> int:
    assert ctx.suite is not None
    app = ctx.suite.app
    return ProviderCacheRepository(app.database, AssetRepository(app.database, app.clock)).count()


def add_movie(ctx: UiContext, title: str, year: int | None = None) -> int:
    assert ctx.library is not None
    return ctx.library.add(title, year=year).id


# --------------------------------------------------------------------------------------------------
# Plain helpers
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("", None),
        ("  ", None),
        ("tt0116191", "imdb:tt0116191"),
        (" TT0116191 ", "imdb:tt0116191"),
        ("https://www.imdb.com/title/tt0116191/?ref_=fn_al_tt_1", "imdb:tt0116191"),
        ("imdb:tt0116191", "imdb:tt0116191"),
        ("tmdb:9870", "tmdb:9870"),
        ("TMDB: 9870", "tmdb:9870"),
        ("https://www.themoviedb.org/movie/9870-emma", "tmdb:9870"),
        ("themoviedb.org/movie/9870?language=de-DE", "tmdb:9870"),
        ("tvdb:700046", "tvdb:700046"),
    ],
)
def test_the_id_box_accepts_every_documented_form(text: str, choice: str | None) -> None:
    assert parse_id_input(text) == choice


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tt12", "not an IMDb id"),
        ("9870", "could be a TMDB or a TVDB id"),
        ("tmdb:abc", "not a tmdb id"),
        ("foo:1", "unknown id kind"),
        ("https://www.themoviedb.org/tv/1399", "not a TMDB movie address"),
        ("Emma", "not an id"),
    ],
)
def test_a_bad_id_gets_a_clear_message(text: str, message: str) -> None:
    with pytest.raises((InvalidIdError, SelectionError), match=message):
        parse_id_input(text)


def test_the_best_id_of_a_candidate_is_tmdb_then_imdb_then_tvdb() -> None:
    base = candidate("Emma", 1996, 9870)
    assert best_choice(base) == "tmdb:9870"
    from dataclasses import replace

    assert best_choice(replace(base, external_ids=ExternalIds(imdb="tt0116191", tvdb=7))) == "imdb:tt0116191"
    assert best_choice(replace(base, external_ids=ExternalIds(tvdb=7))) == "tvdb:7"
    assert best_choice(replace(base, external_ids=ExternalIds())) is None


def test_tmdb_posters_are_fetched_small() -> None:
    assert (
        thumbnail_url("https://image.tmdb.org/t/p/original/x.jpg") == "https://image.tmdb.org/t/p/w185/x.jpg"
    )
    assert thumbnail_url("https://m.media-amazon.com/x.jpg") == "https://m.media-amazon.com/x.jpg"


def test_an_overview_is_cut_to_two_lines(qtbot: QtBot) -> None:
    font = QApplication.font()
    text = "word " * 200
    lines = elide_lines(text, font, 300, 2)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert elide_lines("short", font, 300, 2) == ["short"]


# --------------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------------


def test_candidate_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    images = FakeImages()
    model = CandidateModel(images, {"tmdb": "TMDB", "omdb": "OMDb"})  # type: ignore[arg-type]  # FakeImages is duck-typed
    model.set_candidates([candidate("Emma", 1996, 9870, 93.7), candidate("Emma", 1996, 41801, 92.8)])
    qtmodeltester.check(model, force_py=True)
    index = model.index(0)
    assert index.data() == "Emma (1996)"
    assert index.data(Role.PROVIDER_NAMES) == ["TMDB", "OMDb"]
    assert index.data(Role.CHOICE) == "tmdb:9870"
    assert index.data(Role.CONFIDENCE) == 93.7
    assert "The film called Emma." in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "94 percent match" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert index.data(Qt.ItemDataRole.DecorationRole) is None  # placeholder until the poster arrives
    # Each poster asked for once, small.
    assert [url for url, _ in images.requests] == [
        "https://image.tmdb.org/t/p/w185/9870.jpg",
        "https://image.tmdb.org/t/p/w185/41801.jpg",
    ]
    model.set_candidates([])
    qtmodeltester.check(model, force_py=True)


async def test_a_poster_that_arrives_repaints_its_row(qtbot: QtBot) -> None:
    images = FakeImages(broken=frozenset({"https://image.tmdb.org/t/p/w185/41801.jpg"}))
    model = CandidateModel(images, {})  # type: ignore[arg-type]  # FakeImages is duck-typed
    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles: changed.append(top.row()))
    model.set_candidates([candidate("Emma", 1996, 9870), candidate("Emma", 1996, 41801)])
    await wait_signal(images.loaded)
    await settle()
    assert changed == [0]
    assert isinstance(model.index(0).data(Qt.ItemDataRole.DecorationRole), QPixmap)
    assert model.index(1).data(Qt.ItemDataRole.DecorationRole) is None  # failed: the placeholder stays


def test_without_an_image_loader_every_row_has_the_placeholder(qtmodeltester: Any) -> None:
    model = CandidateModel(None, {})
    model.set_candidates([candidate("Emma", 1996, 9870)])
    qtmodeltester.check(model, force_py=True)
    assert model.index(0).data(Qt.ItemDataRole.DecorationRole) is None


# --------------------------------------------------------------------------------------------------
# Searching as you type, cancellation
# --------------------------------------------------------------------------------------------------


async def test_typing_starts_one_search_after_the_pause(qtbot: QtBot, ctx: UiContext) -> None:
    fake = SlowIdentification()
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "Emmma"), service=fake)
    assert dialog.title_edit.text() == "Emmma"
    dialog.title_edit.clear()
    qtbot.keyClicks(dialog.title_edit, "Emma")
    await settle()
    assert dialog.debounce.isActive() and dialog.debounce.interval() == DEBOUNCE_MS == 300
    assert fake.searches == []  # nothing asked while typing
    assert dialog.is_busy and dialog.status.text() == "Searching for “Emma”…"
    dialog.debounce.timeout.emit()  # the pause
    await until(lambda: len(fake.searches) == 1)
    assert fake.searches == [("Emma", None)]
    qtbot.keyClicks(dialog.year_edit, "1996")
    dialog.debounce.timeout.emit()
    await until(lambda: len(fake.searches) == 2)
    assert fake.searches[1] == ("Emma", 1996)
    assert fake.cancelled == ["Emma"]  # the edit made the first one stale
    fake.gates[1].set()
    await wait_signal(dialog.searchFinished)
    assert titles(dialog) == ["Emma (answer) (1996)"]
    assert not dialog.is_busy


async def test_the_debounce_timer_itself_starts_the_search(qtbot: QtBot, ctx: UiContext) -> None:
    fake = SlowIdentification()
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "Heat"), service=fake)
    dialog.debounce.setInterval(1)  # the real timer, without waiting 300 ms
    qtbot.keyClicks(dialog.title_edit, "!")
    await until(lambda: fake.searches == [("Heat!", None)])


async def test_a_stale_search_is_cancelled_and_its_answer_never_shown(qtbot: QtBot, ctx: UiContext) -> None:
    fake = SlowIdentification()
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "Emm"), service=fake)
    shown: list[list[str]] = []
    dialog.model.modelReset.connect(lambda: shown.append(titles(dialog)))

    dialog.search_now()
    await until(lambda: len(fake.searches) == 1)
    first = dialog.task
    assert first is not None and not first.done()

    qtbot.keyClicks(dialog.title_edit, "a")  # the user types on while "Emm" is still searching
    dialog.search_now()
    await until(lambda: len(fake.searches) == 2)
    second = dialog.task
    assert second is not first
    await until(first.done)
    assert first.cancelled()
    assert fake.cancelled == ["Emm"]

    fake.gates[0].set()  # too late: the first search is gone
    fake.gates[1].set()
    await wait_signal(dialog.searchFinished)
    await settle()
    assert titles(dialog) == ["Emma (answer) (1996)"]
    assert all("Emm (answer) (1996)" not in rows for rows in shown)


async def test_an_answer_that_ignores_the_cancellation_is_still_never_shown(
    qtbot: QtBot, ctx: UiContext
) -> None:
    fake = SlowIdentification(stubborn=True)
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "The Thin"), service=fake)
    shown: list[list[str]] = []
    dialog.model.modelReset.connect(lambda: shown.append(titles(dialog)))
    finished: list[str] = []
    dialog.searchFinished.connect(lambda: finished.append(dialog.title_edit.text()))

    first = await search_overtaken(qtbot, dialog, lambda: len(fake.searches))
    await until(first.done)  # it swallowed the cancellation and answered "The Thin (answer)"
    assert not first.cancelled() and fake.cancelled == ["The Thin"]
    assert all("The Thin (answer) (1996)" not in rows for rows in shown)
    assert finished == []  # and the dialog did not announce it

    fake.gates[1].set()
    await wait_signal(dialog.searchFinished)
    assert titles(dialog) == ["The Thing (answer) (1996)"]


async def test_cancel_closes_the_dialog_and_cancels_the_running_search(qtbot: QtBot, ctx: UiContext) -> None:
    fake = SlowIdentification()
    dialog = IdentifyDialog(ctx, add_movie(ctx, "Brazil"), service=fake)
    OPENED.append(dialog)
    closed = dialog_result(dialog)
    dialog.search_now()
    await until(lambda: len(fake.searches) == 1)
    running = dialog.task
    assert running is not None
    dialog.cancel_button.click()
    assert await asyncio.wait_for(closed, 5) == QDialog.DialogCode.Rejected
    await until(running.done)
    assert running.cancelled() and fake.cancelled == ["Brazil"]
    assert dialog.identify_result is None


async def test_cancel_while_identifying_stops_it_and_changes_nothing(qtbot: QtBot, ctx: UiContext) -> None:
    fake = SlowIdentification()
    dialog = IdentifyDialog(ctx, add_movie(ctx, "Emma"), service=fake)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as the window opens it
    identified: list[int] = []
    dialog.identified.connect(identified.append)
    closed = dialog_result(dialog)
    dialog.search_now()
    await until(lambda: len(fake.searches) == 1)
    fake.gates[0].set()
    await wait_signal(dialog.searchFinished)
    dialog.choose_button.click()
    await until(lambda: len(fake.selected) == 1)
    assert not dialog.choose_button.isEnabled() and not dialog.title_edit.isEnabled()
    assert dialog.status.text().startswith("Identifying as “Emma (answer) (1996)”: looking tmdb:104 up")
    dialog.cancel_button.click()
    assert await asyncio.wait_for(closed, 5) == QDialog.DialogCode.Rejected
    await until(lambda: fake.cancelled == ["tmdb:104"])
    await asyncio.sleep(0.02)
    assert identified == [] and dialog.identify_result is None


async def test_the_window_reads_the_result_after_the_dialog_closed(qtbot: QtBot, ctx: UiContext) -> None:
    fake = SlowIdentification()
    fake.select_gate.set()
    movie_id = add_movie(ctx, "Emma")
    dialog = IdentifyDialog(ctx, movie_id, service=fake)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    closed = dialog_result(dialog)
    dialog.search_now()
    await until(lambda: len(fake.searches) == 1)
    fake.gates[0].set()
    await wait_signal(dialog.searchFinished)
    assert await dialog.choose(0) is True
    assert await asyncio.wait_for(closed, 5) == QDialog.DialogCode.Accepted
    await asyncio.sleep(0.02)  # the deferred deletion happens
    assert dialog.identify_result is not None and dialog.identify_result.ids == ExternalIds(tmdb=104)
    assert fake.selected == [(movie_id, "tmdb:104")]


async def test_a_bad_year_or_id_is_explained_inline_and_nothing_is_searched(
    qtbot: QtBot, ctx: UiContext
) -> None:
    fake = SlowIdentification()
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "Alien"), service=fake)
    dialog.year_edit.setText("1800")
    assert not dialog.debounce.isActive()
    assert dialog.input_error.isVisible()
    assert dialog.input_error.text() == "The year must be between 1870 and 2100, or left empty."
    dialog.search_now()
    await settle()
    assert fake.searches == []
    qtbot.keyClicks(dialog.year_edit, "99")  # at most four digits: "1800" stays
    assert dialog.year_edit.text() == "1800"
    dialog.year_edit.setText("1979")
    assert not dialog.input_error.isVisible() and dialog.debounce.isActive()

    dialog.id_edit.setText("12345")
    assert "12345 could be a TMDB or a TVDB id: type tmdb:12345 or tvdb:12345" in dialog.input_error.text()
    assert not dialog.debounce.isActive() and dialog.model.rowCount() == 0
    assert not dialog.title_edit.isEnabled()  # the id box wins while it holds something
    dialog.id_edit.clear()
    assert dialog.title_edit.isEnabled() and not dialog.input_error.isVisible()


# --------------------------------------------------------------------------------------------------
# End to end against the sandbox
# --------------------------------------------------------------------------------------------------


async def test_choosing_a_candidate_commits_its_ids(
    qtbot: QtBot, world: tuple[UiContext, SandboxServer]
) -> None:
    ctx, _server = world
    movie_id, dialog = await emma_searched(qtbot, ctx)
    assert titles(dialog) == ["Emma (1996)", "Emma (1996)"]  # the Miramax film and the ITV one
    assert dialog.status.text() == "2 films found for “Emma (1996)”, best match first."
    assert dialog.model.index(0).data(Role.PROVIDER_NAMES) == ["TMDB", "OMDb", "TheTVDB"]
    assert not dialog.note.isVisible()
    assert dialog.choose_button.isEnabled()

    closed = dialog_result(dialog)
    identified = asyncio.ensure_future(wait_signal(dialog.identified, 15))
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Down)  # from the search box into the list
    assert dialog.view.currentIndex().row() == 0
    qtbot.keyClick(dialog.view, Qt.Key.Key_Down)  # the second one: the television film
    assert dialog.view.currentIndex().row() == 1
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert await identified == (movie_id,)
    assert await asyncio.wait_for(closed, 5) == QDialog.DialogCode.Accepted
    assert dialog.identify_result is not None and dialog.identify_result.ids == EMMA_TV_1996
    assert ctx.suite is not None
    stored = ctx.suite.app.movies.require(movie_id)
    assert stored.ids == EMMA_TV_1996
    assert stored.status is IdentificationStatus.IDENTIFIED
    assert cache_rows(ctx) > 0  # the lookup's answers are kept for the enrichment


async def test_double_click_and_the_button_choose_too(
    qtbot: QtBot, world: tuple[UiContext, SandboxServer]
) -> None:
    ctx, _server = world
    first = add_movie(ctx, "The Thing")
    dialog = open_dialog(qtbot, ctx, first)
    await search(dialog)
    assert [c.year for c in dialog.model.candidates] == [1982, 2011]  # a remake, told apart by its year
    identified = asyncio.ensure_future(wait_signal(dialog.identified, 15))
    rect = dialog.view.visualRect(dialog.model.index(1))
    qtbot.mouseDClick(dialog.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    await identified
    assert ctx.library is not None and ctx.library.get(first).ids.tmdb == 60935

    second = add_movie(ctx, "The Thing")
    dialog = open_dialog(qtbot, ctx, second)
    await search(dialog)
    identified = asyncio.ensure_future(wait_signal(dialog.identified, 15))
    dialog.choose_button.click()  # the best match, selected from the start
    await identified
    assert ctx.library.get(second).ids.tmdb == 1091


async def test_no_results_are_said_inline(qtbot: QtBot, world: tuple[UiContext, SandboxServer]) -> None:
    ctx, _server = world
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "Qwxzy Nonexistent Film", 1999))
    await search(dialog)
    assert dialog.model.rowCount() == 0
    assert dialog.status.text() == (
        "No results for “Qwxzy Nonexistent Film (1999)”. "
        "Try without the year, another spelling, or paste an id."
    )
    assert not dialog.choose_button.isEnabled()
    assert dialog.isVisible()


async def test_no_provider_could_search_is_an_inline_error(
    qtbot: QtBot, world: tuple[UiContext, SandboxServer]
) -> None:
    ctx, server = world
    server.set_faults("*:malformed")
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "Heat", 1995))
    await search(dialog)
    text = dialog.status.text()
    assert text.startswith("No provider could search: ") and text.endswith("Try again later, or paste an id.")
    assert "TMDB: " in text and "OMDb: " in text and "TheTVDB: " in text
    assert dialog.model.rowCount() == 0 and dialog.isVisible()


async def test_a_provider_that_failed_while_others_answered_gets_a_note(
    qtbot: QtBot, world: tuple[UiContext, SandboxServer]
) -> None:
    ctx, server = world
    server.set_faults("tvdb:malformed")
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "Heat", 1995))
    await search(dialog)
    assert titles(dialog)[0] == "Heat (1995)"
    assert dialog.note.isVisible()
    assert dialog.note.text().startswith("Not every provider could search (TheTVDB: ")
    assert dialog.note.text().endswith("shown without TheTVDB.")


async def test_a_failed_identification_is_shown_inline_and_changes_nothing(
    qtbot: QtBot, world: tuple[UiContext, SandboxServer]
) -> None:
    ctx, server = world
    movie_id, dialog = await emma_searched(qtbot, ctx)
    server.set_faults("*:malformed")
    assert await dialog.choose(0) is False
    assert dialog.status.text().startswith(
        "Could not identify as “Emma (1996)”: no provider could look it up ("
    )
    assert dialog.status.text().endswith("Nothing was changed.")
    assert dialog.isVisible() and dialog.identify_result is None
    assert dialog.title_edit.isEnabled() and dialog.choose_button.isEnabled()
    assert ctx.library is not None and ctx.library.get(movie_id).ids.is_empty()
    assert cache_rows(ctx) == 0

    server.set_faults(None)  # the network is back: the same choice now works
    identified = asyncio.ensure_future(wait_signal(dialog.identified, 15))
    dialog.choose_button.click()
    await identified
    assert ctx.library.get(movie_id).ids == EMMA_1996


async def test_an_id_is_looked_up_shown_and_committed_without_asking_again(
    qtbot: QtBot, world: tuple[UiContext, SandboxServer]
) -> None:
    ctx, server = world
    movie_id = add_movie(ctx, "Emma", 1996)
    dialog = open_dialog(qtbot, ctx, movie_id)
    qtbot.keyClicks(dialog.id_edit, "https://www.imdb.com/title/tt0116191/")
    assert not dialog.title_edit.isEnabled() and not dialog.year_edit.isEnabled()
    assert dialog.status.text() == "Looking up imdb:tt0116191…"
    await search(dialog)
    assert dialog.model.exact and titles(dialog) == ["Emma (1996)"]
    found = dialog.model.candidate(0)
    assert found.external_ids == EMMA_1996  # cross-referenced
    assert set(found.providers) == {"tmdb", "omdb", "tvdb", "fanart"}
    assert found.overview and found.overview.startswith("In Regency England")
    assert dialog.status.text().startswith("imdb:tt0116191 is “Emma (1996)”.")
    # Memory-first: nothing written before the user confirms.
    assert ctx.library is not None and ctx.library.get(movie_id).ids.is_empty()
    assert cache_rows(ctx) == 0

    before = server.stats.snapshot()["total"]
    identified = asyncio.ensure_future(wait_signal(dialog.identified, 15))
    dialog.choose_button.click()
    await identified
    assert server.stats.snapshot()["total"] == before  # the lookup's answers were committed as they were
    stored = ctx.library.get(movie_id)
    assert stored.ids == EMMA_1996 and stored.status is IdentificationStatus.IDENTIFIED
    assert cache_rows(ctx) == 4


async def test_an_unknown_id_is_said_inline(qtbot: QtBot, world: tuple[UiContext, SandboxServer]) -> None:
    ctx, _server = world
    dialog = open_dialog(qtbot, ctx, add_movie(ctx, "Emma"))
    dialog.id_edit.setText("tmdb:999999999")
    await search(dialog)
    assert (
        dialog.status.text()
        == "No provider knows tmdb:999999999. Check the id, or clear it to search by title."
    )
    assert dialog.model.rowCount() == 0 and not dialog.choose_button.isEnabled()


# --------------------------------------------------------------------------------------------------
# How it looks
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def theme(qapp: QApplication) -> Iterator[Callable[[Scheme], None]]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    controller = ThemeController(qapp, Scheme.LIGHT)
    yield controller.set_scheme
    controller.set_scheme(Scheme.LIGHT)


async def shoot(dialog: IdentifyDialog, name: str, *, wait: bool = True) -> Path:
    # Not `settle()`: its processEvents() inside this task's step would run the step of a search
    # task woken meanwhile re-entrantly, which asyncio refuses, and that step would be lost.
    for _ in range(5 if wait else 0):
        await asyncio.sleep(0.01)
    layout = dialog.layout()
    assert layout is not None
    layout.activate()
    path = SHOTS / f"{name}.png"
    assert dialog.grab().save(str(path))
    return path


@pytest.mark.parametrize("scheme", [Scheme.LIGHT, Scheme.DARK])
async def test_render_the_dialog(
    qtbot: QtBot,
    world: tuple[UiContext, SandboxServer],
    theme: Callable[[Scheme], None],
    scheme: Scheme,
    tmp_path: Path,
) -> None:
    ctx, server = world
    theme(scheme)
    # The real image loader, its artwork requests answered by the sandbox's generated posters.
    loader = ImageLoader(tmp_path / "images", transport=sandbox_image_transport(server.urls["tmdb"]))
    ctx.images = loader
    movie_id = add_movie(ctx, "Emma", 1996)
    assert ctx.suite is not None
    ctx.suite.app.movies.set_status(movie_id, IdentificationStatus.NEEDS_IDENTIFICATION)
    dialog = open_dialog(qtbot, ctx, movie_id)
    dialog.resize(820, 640)
    dialog.year_edit.clear()
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 15))
    await asyncio.sleep(0)
    dialog.search_now()
    assert dialog.busy.isVisible() and dialog.status.text() == "Searching for “Emma”…"
    await shoot(dialog, f"identify-dialog-searching-{scheme.value}", wait=False)
    await finished
    await until(lambda: all(dialog.model.index(r).data(Qt.ItemDataRole.DecorationRole) for r in range(2)))
    await shoot(dialog, f"identify-dialog-{scheme.value}")

    dialog.title_edit.setText("The Thing")
    server.set_faults("tvdb:malformed")
    await search(dialog)
    await until(lambda: all(dialog.model.index(r).data(Qt.ItemDataRole.DecorationRole) for r in range(2)))
    await shoot(dialog, f"identify-dialog-note-{scheme.value}")

    server.set_faults(None)
    dialog.title_edit.setText("Qwxzy")
    dialog.year_edit.setText("1800")
    await shoot(dialog, f"identify-dialog-bad-year-{scheme.value}")
    dialog.year_edit.setText("1999")
    await search(dialog)
    await shoot(dialog, f"identify-dialog-no-results-{scheme.value}")

    dialog.id_edit.setText("tt0118308")
    await search(dialog)
    await until(lambda: dialog.model.index(0).data(Qt.ItemDataRole.DecorationRole) is not None)
    await shoot(dialog, f"identify-dialog-lookup-{scheme.value}")
    assert dialog.model.rowCount() == 1
    await loader.aclose()
