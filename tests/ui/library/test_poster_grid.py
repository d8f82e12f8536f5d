"""The library's poster grid: the List / Posters switch keeps the selection and brings it into view,
the filter and sort apply to the grid, a card opens its movie, the context menu and Enrich selected
work on the grid's selection, posters are asked for only for the cards on screen, the choice and the
poster size survive a restart, and the card delegate paints with and without a poster.

The page tests use the real services over a temporary profile; the poster tests a bare
`LibraryModel` of 5,000 rows and a recording stand-in for the `ImageLoader`.
"""

from __future__ import annotations

import dataclasses
import gc
from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject
from PySide6.QtCore import QPoint
from PySide6.QtCore import QPointF
from PySide6.QtCore import QRect
from PySide6.QtCore import QSettings
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFontMetrics
from PySide6.QtGui import QImage
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPixmap
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QStyle
from PySide6.QtWidgets import QStyleOptionViewItem

from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRow
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library.model import THUMB_SIZE
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.model import LibraryModel
from metarr_desktop.ui.library.page import POSTER_WIDTH_SETTING
from metarr_desktop.ui.library.page import VIEW_SETTING
from metarr_desktop.ui.library.page import LibraryPage
from metarr_desktop.ui.library.page import ViewMode
from metarr_desktop.ui.library.poster_grid import DEFAULT_POSTER_WIDTH
from metarr_desktop.ui.library.poster_grid import MAX_POSTER_WIDTH
from metarr_desktop.ui.library.poster_grid import POSTER_WIDTH_STEP
from metarr_desktop.ui.library.poster_grid import REQUEST_WIDTHS
from metarr_desktop.ui.library.poster_grid import PosterCardDelegate
from metarr_desktop.ui.library.poster_grid import PosterGridView
from metarr_desktop.ui.library.poster_grid import clamp_poster_width
from metarr_desktop.ui.library.poster_grid import request_size
from metarr_desktop.ui.library.poster_grid import selection_ranges
from metarr_desktop.ui.library.poster_grid import title_lines
from tests.helpers.library_page import OpenDemoPage
from tests.helpers.library_page import add
from tests.helpers.qt import settle
from tests.helpers.qt import until


def view_mode_of(page: LibraryPage) -> ViewMode:
    """The mode read afresh: mypy would keep `page.view_mode` narrowed across the clicks that change it."""
    return page.view_mode


pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

RED = QColor(200, 30, 40)


# --------------------------------------------------------------------------------------------------
# Fakes and helpers
# --------------------------------------------------------------------------------------------------


class RecordingImages(QObject):
    """`ImageLoader`'s interface, answering only when told to (`deliver`).

    Attributes:
        requests: every (url, size) `request` was called with, in order.
    """

    loaded = Signal(str)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.memory_budget = 64 * 1024 * 1024  # bytes, as the real loader
        self.requests: list[tuple[str, QSize]] = []
        self.memory: dict[tuple[str, int, int], QPixmap] = {}

    def cached(self, url: str, size: QSize) -> QPixmap | None:
        return self.memory.get((url, size.width(), size.height()))

    def request(self, url: str, size: QSize) -> None:
        self.requests.append((url, QSize(size)))

    def put(self, url: str, size: QSize, colour: QColor = RED) -> None:
        """An image of `colour` for `url` at `size` (a 2:3 poster scaled to fit, as the loader does)."""
        pixmap = QPixmap(size.width(), poster_height_for(size.width()))
        pixmap.fill(colour)
        self.memory[(url, size.width(), size.height())] = pixmap

    def deliver(self) -> None:
        for url, size in self.requests:
            if (url, size.width(), size.height()) not in self.memory:
                self.put(url, size)
                self.loaded.emit(url)

    async def load(self, url: str, size: QSize) -> QPixmap | None:
        return self.cached(url, size)

    async def wait_idle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109 (the loader's own signature)
        return None

    async def aclose(self) -> None:
        return None

    def urls(self) -> set[str]:
        return {url for url, _size in self.requests}


def poster_height_for(width: int) -> int:
    return round(width * 1.5)


def shown_grid(qtbot: Any, model: LibraryModel, images: Any, size: QSize) -> PosterGridView:
    """A poster grid over `model`, shown at `size` (closed after the test)."""
    view = PosterGridView(images)
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(size)
    view.show()
    return view


def movie(
    number: int,
    title: str | None = None,
    year: int | None = 2000,
    *,
    poster: bool = True,
    status: IdentificationStatus = IdentificationStatus.IDENTIFIED,
    locked: int = 0,
    incomplete: dict[str, datetime] | None = None,
) -> MovieRow:
    return MovieRow(
        number,
        title if title is not None else f"Film {number:05d}",
        year,
        status,
        True,
        datetime(2026, 1, 1, tzinfo=UTC),
        incomplete or {},
        locked,
        f"https://img.example/{number}.jpg" if poster else None,
    )


class CountingModel(LibraryModel):
    """Counts the view's calls of `rowCount` (each index the list view makes calls it)."""

    calls = 0

    def rowCount(self, parent: Any = None) -> int:
        self.calls += 1
        return super().rowCount() if parent is None else super().rowCount(parent)


def on_screen(view: Any, row: int) -> bool:
    rect = view.visualRect(view.model().index(row, Column.TITLE))
    return bool(rect.isValid() and view.viewport().rect().intersects(rect))


def card_centre(page: LibraryPage, movie_id: int) -> QPoint:
    index = page.model.index(page.model.view_row_of(movie_id), Column.TITLE)
    page.grid.scrollTo(index)
    return page.grid.visualRect(index).center()


def click_card(
    page: LibraryPage, movie_id: int, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A left click on `movie_id`'s card (Ctrl+click with `modifier`)."""
    QTest.mouseClick(page.grid.viewport(), Qt.MouseButton.LeftButton, modifier, card_centre(page, movie_id))


@pytest.fixture(autouse=True)
def _collect_on_the_qt_thread() -> Iterator[None]:
    """Qt objects left in reference cycles are destroyed here, never by a worker thread's GC."""
    yield
    gc.collect()


# --------------------------------------------------------------------------------------------------
# The switch, the selection, the filter
# --------------------------------------------------------------------------------------------------


async def test_switching_keeps_the_selection_and_brings_it_into_view(
    ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ids = [add(ctx, f"Film {n:03d}", 1950 + n % 70) for n in range(300)]
    page = library_page_factory(ctx)
    await page.load()
    assert page.view_mode is ViewMode.LIST and page.stack.currentWidget() is page.table
    assert not page.sort_combo.isVisible() and page.posters_button.isVisible()

    far = ids[250]
    assert page.select_movie(far)
    row = page.model.view_row_of(far)
    assert row == 250 and on_screen(page.table, row)
    page.grid_button.click()
    assert view_mode_of(page) is ViewMode.POSTERS and page.stack.currentWidget() is page.grid
    assert page.sort_combo.isVisible() and page.size_slider.isVisible()
    assert not page.posters_button.isVisible()
    assert page.grid.selectionModel() is page.table.selectionModel()
    assert page.selected_ids() == [far]
    assert page.grid.currentIndex().row() == row
    await until(lambda: on_screen(page.grid, row))

    # Two other movies chosen in the grid (a click, then Ctrl+click) are selected in the list.
    first, second = ids[3], ids[5]
    click_card(page, first)
    click_card(page, second, Qt.KeyboardModifier.ControlModifier)
    assert page.selected_ids() == [first, second]
    assert page.enrich_selected_button.isEnabled()
    page.table.scrollToBottom()
    page.list_button.click()
    assert page.stack.currentWidget() is page.table and page.list_button.isChecked()
    assert page.selected_ids() == [first, second]
    assert on_screen(page.table, page.model.view_row_of(second))


async def test_the_keyboard_switches_and_the_focus_follows(
    ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    for n in range(5):
        add(ctx, f"Film {n}", 2000 + n)
    page = library_page_factory(ctx)
    await page.load()
    page.table.setFocus()
    QTest.keyClick(
        page.table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert page.view_mode is ViewMode.POSTERS and page.grid_button.isChecked()
    await until(page.grid.hasFocus)
    QTest.keyClick(
        page.grid, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert view_mode_of(page) is ViewMode.LIST and page.list_button.isChecked()
    await until(page.table.hasFocus)


async def test_the_filter_and_the_sort_apply_to_the_grid(
    ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    for title, year in (("The Matrix", 1999), ("Heat", 1995), ("Inception", 2010), ("Matrix Reloaded", 2003)):
        add(ctx, title, year)
    page = library_page_factory(ctx)
    await page.load()
    page.set_view_mode(ViewMode.POSTERS)
    await settle()

    def cards() -> list[str]:
        """The titles on the cards, in reading order (left to right, then down)."""
        rows = range(page.model.rowCount())
        rects = sorted(
            (page.grid.visualRect(page.model.index(r, 0)) for r in rows), key=lambda q: (q.y(), q.x())
        )
        return [page.grid.indexAt(rect.center()).data() for rect in rects]

    assert cards() == ["Heat", "Inception", "The Matrix", "Matrix Reloaded"]  # articles skipped
    QTest.keyClicks(page.filter_edit, "matr")
    await settle()
    assert page.count_label.text() == "2 of 4 movies"
    assert cards() == ["The Matrix", "Matrix Reloaded"]
    assert page.stack.currentWidget() is page.grid

    # The Sort box sorts the shared model, and the list's header shows the same order.
    newest = next(
        n for n in range(page.sort_combo.count()) if page.sort_combo.itemText(n) == "Year, newest first"
    )
    page.sort_combo.setCurrentIndex(newest)
    page.sort_combo.activated.emit(newest)
    await settle()
    assert cards() == ["Matrix Reloaded", "The Matrix"]
    assert page.table.horizontalHeader().sortIndicatorSection() == Column.YEAR
    assert page.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    page.filter_edit.clear()
    await settle()
    assert cards() == ["Inception", "Matrix Reloaded", "The Matrix", "Heat"]
    # A click on the list's header shows in the Sort box.
    page.table.sortByColumn(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert page.sort_combo.currentText() == "Title Z–A"

    # A filter matching nothing says so in both views, with a way back.
    QTest.keyClicks(page.filter_edit, "zzz")
    assert page.stack.currentWidget() is page.empty_page
    assert "No movie matches “zzz”" in page.empty.text()
    assert page.no_match_buttons.isVisible() and not page.empty_buttons.isVisible()
    page.set_view_mode(ViewMode.LIST)
    assert page.stack.currentWidget() is page.empty_page
    page.clear_filter_button.click()
    assert page.filter_edit.text() == "" and page.stack.currentWidget() is page.table

    # A filter typed in the list is the grid's too when it is shown next.
    QTest.keyClicks(page.filter_edit, "heat")
    page.set_view_mode(ViewMode.POSTERS)
    await settle()
    assert cards() == ["Heat"]


async def test_an_empty_library_and_no_library_explain_themselves_in_the_grid_too(
    ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    page = library_page_factory(ctx)
    page.set_view_mode(ViewMode.POSTERS)
    assert page.stack.currentWidget() is page.grid  # before loading: the (still empty) grid
    await page.load()
    assert page.stack.currentWidget() is page.empty_page
    assert "Your library is empty" in page.empty.text() and page.empty_buttons.isVisible()
    page.set_view_mode(ViewMode.LIST)
    assert page.stack.currentWidget() is page.empty_page

    without = library_page_factory(dataclasses.replace(ctx, library=None))
    await without.load()
    without.set_view_mode(ViewMode.POSTERS)
    assert without.stack.currentWidget() is without.empty_page
    assert "not available" in without.empty.text()


@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise", "does not support grabbing")
async def test_a_card_opens_its_movie_and_its_menu_works_on_the_grid_selection(
    ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    assert ctx.suite is not None
    heat = add(ctx, "Heat", 1995)
    matrix = add(ctx, "The Matrix", 1999)
    unsure = add(ctx, "Home Video", 2004)
    ctx.suite.app.movies.set_status(unsure, IdentificationStatus.NEEDS_IDENTIFICATION)
    page = library_page_factory(ctx)
    await page.load()
    page.set_view_mode(ViewMode.POSTERS)
    await settle()
    opened: list[int] = []
    asked: list[int] = []
    page.movieActivated.connect(opened.append)
    page.identifyRequested.connect(asked.append)

    # A double click: QTest sends only its second press, so the first click is sent before it.
    click_card(page, matrix)
    QTest.mouseDClick(page.grid.viewport(), Qt.MouseButton.LeftButton, pos=card_centre(page, matrix))
    assert opened == [matrix]
    click_card(page, heat)
    page.grid.setFocus()
    QTest.keyClick(page.grid, Qt.Key.Key_Return)
    assert opened == [matrix, heat]

    # Identify follows the grid's current card.
    assert not page.identify_button.isEnabled()
    click_card(page, unsure)
    assert page.identify_button.isEnabled()
    page.identify_button.click()
    assert asked == [unsure]

    # A right click inside a selection of two keeps both: the menu enriches them together.
    click_card(page, heat, Qt.KeyboardModifier.ControlModifier)
    assert page.selected_ids() == [heat, unsure]
    page.grid.customContextMenuRequested.emit(card_centre(page, heat))
    await until(lambda: page.context_menu is not None and page.context_menu.isVisible())
    assert page.context_menu is not None
    labels = [a.text() for a in page.context_menu.actions() if a.text()]
    assert labels == [
        "Open",
        "Enrich 2 movies",
        "Write files of 2 movies",
        "Preview changes for 2 movies…",
        "Remove 2 movies from library…",
    ]
    assert page.selected_ids() == [heat, unsure]
    page.context_menu.close()
    # Outside the selection, it selects the card under the mouse.
    page.grid.customContextMenuRequested.emit(card_centre(page, matrix))
    await until(lambda: page.context_menu is not None and page.context_menu.isVisible())
    assert page.selected_ids() == [matrix]
    assert page.context_menu is not None
    open_action = next(a for a in page.context_menu.actions() if a.text() == "Open")
    open_action.trigger()
    assert opened[-1] == matrix
    page.context_menu.close()


async def heat_page(ctx: UiContext, new_page: Callable[[UiContext], LibraryPage]) -> LibraryPage:
    """Heat alone in the library, in a new page, loaded."""
    add(ctx, "Heat", 1995)
    page = new_page(ctx)
    await page.load()
    return page


async def test_the_view_and_the_poster_size_survive_a_restart(
    ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage], profile_dir: Path
) -> None:
    page = await heat_page(ctx, library_page_factory)
    assert page.grid.poster_width == DEFAULT_POSTER_WIDTH
    page.grid_button.click()
    page.size_slider.setValue(184)  # rounded to the slider's step
    assert page.grid.poster_width == 180
    stored = QSettings(str(profile_dir / "window.ini"), QSettings.Format.IniFormat)
    assert stored.value(VIEW_SETTING) == ViewMode.POSTERS.value
    assert int(str(stored.value(POSTER_WIDTH_SETTING))) == 180

    again = library_page_factory(ctx)
    assert again.view_mode is ViewMode.POSTERS and again.grid_button.isChecked()
    assert again.grid.poster_width == 180 and again.size_slider.value() == 180
    await again.load()
    assert again.stack.currentWidget() is again.grid

    # Ctrl+wheel over the grid changes the size the same way (and stops at the largest).
    for _ in range(8):
        wheel = QWheelEvent(
            QPointF(20, 20),
            QPointF(again.grid.viewport().mapToGlobal(QPoint(20, 20))),
            QPoint(0, 0),
            QPoint(0, 120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.ControlModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(again.grid.viewport(), wheel)
    assert again.grid.poster_width == MAX_POSTER_WIDTH and again.size_slider.value() == MAX_POSTER_WIDTH
    stored.sync()
    assert int(str(stored.value(POSTER_WIDTH_SETTING))) == MAX_POSTER_WIDTH

    again.set_view_mode(ViewMode.LIST)
    stored.setValue(POSTER_WIDTH_SETTING, "huge")
    third = library_page_factory(ctx)
    assert third.view_mode is ViewMode.LIST and third.grid.poster_width == DEFAULT_POSTER_WIDTH
    stored.setValue(VIEW_SETTING, "mosaic")
    assert library_page_factory(ctx).view_mode is ViewMode.LIST


# --------------------------------------------------------------------------------------------------
# Posters: asked for only for the cards on screen
# --------------------------------------------------------------------------------------------------


async def test_a_one_off_view_is_shown_but_not_remembered(
    ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage], profile_dir: Path
) -> None:
    page = await heat_page(ctx, library_page_factory)
    page.set_view_mode(ViewMode.POSTERS, remember=False)  # as `--page library:posters` does
    assert page.stack.currentWidget() is page.grid and page.grid_button.isChecked()
    stored = QSettings(str(profile_dir / "window.ini"), QSettings.Format.IniFormat)
    assert stored.value(VIEW_SETTING) in (None, ViewMode.LIST.value)
    assert library_page_factory(ctx).view_mode is ViewMode.LIST


async def test_posters_are_requested_only_for_the_cards_on_screen(qtbot: Any) -> None:
    images = RecordingImages()
    model = LibraryModel()
    model.set_rows([movie(n) for n in range(5000)])
    view = shown_grid(qtbot, model, images, QSize(900, 640))
    await until(lambda: bool(images.requests))
    await settle()

    cell = view.gridSize()
    columns = view.viewport().width() // cell.width()
    lines = -(-view.viewport().height() // cell.height())  # the last one partly shown
    visible = columns * lines
    assert columns >= 4 and 0 < len(images.urls()) <= visible
    assert images.urls() <= {f"https://img.example/{n}.jpg" for n in range(visible)}
    assert {size.width() for _url, size in images.requests} <= set(REQUEST_WIDTHS)
    assert not any(size == THUMB_SIZE for _url, size in images.requests)
    # Repainting asks for nothing new.
    asked = len(images.requests)
    view.viewport().repaint()
    assert len(images.requests) == asked

    # The posters arrive and are painted in place of the placeholders.
    images.deliver()
    await settle()
    first = view.visualRect(model.index(0, 0))
    poster = view.delegate.poster_rect(first, view.font()).center().toPoint()
    assert view.viewport().grab().toImage().pixelColor(poster) == RED

    # At the end of the 5,000, only the last cards are asked for.
    await until(lambda: view.visualRect(model.index(4999, 0)).isValid())
    view.scrollToBottom()
    await settle()
    later = images.urls() - {f"https://img.example/{n}.jpg" for n in range(visible)}
    assert later and later <= {f"https://img.example/{n}.jpg" for n in range(5000 - visible - columns, 5000)}

    # A larger size asks again at a larger width (the smaller image stands in meanwhile).
    before = len(images.requests)
    view.set_poster_width(MAX_POSTER_WIDTH)
    await settle()
    wider = {size.width() for _url, size in images.requests[before:]}
    assert wider and min(wider) >= request_size(MAX_POSTER_WIDTH, 1.0).width()


async def test_a_touchpad_ctrl_scroll_grows_and_shrinks_the_posters_alike(qtbot: Any) -> None:
    view = PosterGridView(None)
    qtbot.addWidget(view)
    start = view.poster_width

    def scroll(delta: int, times: int) -> None:
        for _ in range(times):
            wheel = QWheelEvent(
                QPointF(20, 20),
                QPointF(20, 20),
                QPoint(0, 0),
                QPoint(0, delta),
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.ControlModifier,
                Qt.ScrollPhase.NoScrollPhase,
                False,
            )
            QApplication.sendEvent(view.viewport(), wheel)

    scroll(15, 4)  # half a notch: nothing yet
    assert view.poster_width == start
    scroll(15, 4)  # a whole notch
    assert view.poster_width == start + POSTER_WIDTH_STEP
    scroll(-15, 8)
    assert view.poster_width == start


async def test_the_image_memory_holds_two_screens_of_posters(qtbot: Any) -> None:
    images = RecordingImages()
    images.memory_budget = 1024
    model = LibraryModel()
    model.set_rows([movie(n) for n in range(200)])
    view = shown_grid(qtbot, model, images, QSize(1600, 1000))
    await settle()
    size = request_size(view.poster_width, view.devicePixelRatioF())
    columns = view.viewport().width() // view.gridSize().width()
    lines = -(-view.viewport().height() // view.gridSize().height())
    assert images.memory_budget >= 2 * columns * lines * size.width() * size.height() * 4
    before = images.memory_budget
    view.set_poster_width(MAX_POSTER_WIDTH)
    assert images.memory_budget >= before  # never lowered below what was set


async def test_a_card_far_down_is_scrolled_to_once_the_layout_reaches_it(qtbot: Any) -> None:
    model = LibraryModel()
    model.set_rows([movie(n, poster=False) for n in range(5000)])
    view = shown_grid(qtbot, model, None, QSize(800, 500))
    target = model.index(4500, 0)
    view.scroll_to_movie_index(target)  # the layout is built in batches: not there yet
    assert view._pending_scroll is not None
    await until(lambda: on_screen(view, 4500))
    assert view._pending_scroll is None


async def test_select_all_is_one_range_of_whole_rows(qtbot: Any) -> None:
    model = CountingModel()
    model.set_rows([movie(n, poster=False) for n in range(5000)])
    view = shown_grid(qtbot, model, None, QSize(800, 500))
    await settle()
    model.calls = 0
    QTest.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    ranges = selection_ranges(view.selectionModel().selection())
    assert [(r.top(), r.bottom(), r.left(), r.right()) for r in ranges] == [(0, 4999, 0, len(Column) - 1)]
    assert model.calls < 100


async def test_a_failed_poster_shows_the_placeholder_and_is_not_asked_again(qtbot: Any) -> None:
    images = RecordingImages()
    model = LibraryModel()
    model.set_rows([movie(1)])
    view = shown_grid(qtbot, model, images, QSize(400, 400))
    await until(lambda: bool(images.requests))
    images.failed.emit("https://img.example/1.jpg")
    await settle()
    asked = len(images.requests)
    view.viewport().repaint()
    assert len(images.requests) == asked


# --------------------------------------------------------------------------------------------------
# The delegate
# --------------------------------------------------------------------------------------------------


def paint_card(delegate: PosterCardDelegate, index: Any, *, selected: bool = False) -> tuple[QImage, QRect]:
    font = QApplication.font()
    size = delegate.card_size(font)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = QRect(QPoint(0, 0), size)
    option.font = font
    option.palette = QApplication.palette()
    option.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Active
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return image, QRect(option.rect)


def test_the_delegate_paints_a_card_with_and_without_a_poster(qapp: QApplication) -> None:
    images = RecordingImages()
    model = LibraryModel()
    lost = movie(2, "Untitled Short", None, poster=False, status=IdentificationStatus.NEEDS_IDENTIFICATION)
    model.set_rows([movie(1, "Heat", 1995), lost])
    delegate = PosterCardDelegate(images)  # type: ignore[arg-type]
    images.put("https://img.example/1.jpg", request_size(DEFAULT_POSTER_WIDTH, 1.0))
    font = QApplication.font()

    with_poster, cell = paint_card(delegate, model.index(0, 0))
    poster = delegate.poster_rect(cell, font)
    assert with_poster.pixelColor(poster.center().toPoint()) == RED
    assert delegate.badge_rect(cell, font, model.row_at(0)) is None
    # The title is written under the poster.
    text_area = QRect(
        cell.x(), int(poster.bottom()) + 2, cell.width(), cell.bottom() - int(poster.bottom()) - 2
    )
    assert any(
        with_poster.pixelColor(x, y).lightness() < 128
        for x in range(text_area.left(), text_area.right())
        for y in range(text_area.top(), text_area.bottom())
    )
    assert images.requests == []  # in memory already: nothing asked

    without, _cell = paint_card(delegate, model.index(1, 0), selected=True)
    inside = poster.topLeft().toPoint() + QPoint(8, 8)
    assert without.pixelColor(inside) == QColor("#e4e6ea")  # the placeholder card
    # Selected: the card behind the poster is filled with the highlight colour.
    highlight = QApplication.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
    assert without.pixelColor(QPoint(cell.center().x(), cell.bottom() - 3)) == highlight
    badge = delegate.badge_rect(cell, font, model.row_at(1))
    assert badge is not None and poster.contains(badge)
    assert without.pixelColor(badge.center().toPoint()) != QColor("#e4e6ea")

    # Without a loader every card shows the placeholder.
    bare = PosterCardDelegate(None)
    plain, _cell = paint_card(bare, model.index(0, 0))
    assert plain.pixelColor(inside) == QColor("#e4e6ea")


def test_the_badge_has_the_status_columns_tooltip(qapp: QApplication) -> None:
    model = LibraryModel(now=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    retry = datetime(2026, 1, 1, 2, tzinfo=UTC)
    model.set_rows([movie(1, "Heat", 1995, locked=2, incomplete={"omdb": retry})])
    delegate = PosterCardDelegate(None)
    font = QApplication.font()
    cell = QRect(QPoint(0, 0), delegate.card_size(font))
    index = model.index(0, 0)
    status = model.index(0, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert "Incomplete" in status and "2 locked fields" in status
    badge = delegate.badge_rect(cell, font, model.row_at(0))
    assert badge is not None
    assert delegate.tooltip(index, cell, font, badge.center().toPoint()) == status
    poster = delegate.poster_rect(cell, font).center().toPoint()
    assert delegate.tooltip(index, cell, font, poster) == f"Heat (1995)\n{status}"


def test_titles_take_two_lines_at_most(qapp: QApplication) -> None:
    font = QApplication.font()
    assert title_lines("", font, 120) == []
    assert title_lines("Heat", font, 120) == ["Heat"]
    long = "The Assassination of Jesse James by the Coward Robert Ford"
    lines = title_lines(long, font, 120)
    assert len(lines) == 2 and lines[0].startswith("The") and lines[1].endswith("…")
    metrics = QFontMetrics(font)
    assert all(metrics.horizontalAdvance(line) <= 120 for line in lines)
    assert title_lines("Supercalifragilisticexpialidocious", font, 60)[0]  # no space to break at


def test_poster_sizes_are_rounded_and_requested_at_fixed_widths() -> None:
    assert clamp_poster_width(133) == 130 and clamp_poster_width(10) == 80 and clamp_poster_width(999) == 240
    assert request_size(130, 1.0) == QSize(180, 270)
    assert request_size(130, 2.0) == QSize(270, 405)
    assert request_size(240, 3.0) == QSize(600, 900)


# --------------------------------------------------------------------------------------------------
# How it looks, with the demo catalog (light and dark)
# --------------------------------------------------------------------------------------------------


async def test_the_grid_with_demo_data(
    sandbox_ctx: UiContext, open_demo_page: OpenDemoPage, scheme: Scheme, shots: Path
) -> None:
    page = await open_demo_page(QSize(1000, 700))
    page.set_view_mode(ViewMode.POSTERS)
    unsure = next(r.id for r in page.model.rows if r.status is IdentificationStatus.NEEDS_IDENTIFICATION)
    incomplete = next(r.id for r in page.model.rows if r.incomplete_providers)
    page.select_movie(incomplete)
    page.grid.selectionModel().select(
        page.model.index(page.model.view_row_of(unsure), 0),
        page.grid.selectionModel().SelectionFlag.Select | page.grid.selectionModel().SelectionFlag.Rows,
    )
    await settle(5)
    assert page.grab().toImage().save(str(shots / f"library-grid-{scheme.value}.png"))
    assert page.selected_ids() == sorted([incomplete, unsure], key=page.model.view_row_of)
    assert sandbox_ctx.images is not None and sandbox_ctx.images.asked  # type: ignore[attr-defined]
    # Every card of the demo library is on screen at this size.
    assert all(on_screen(page.grid, r) for r in range(page.model.rowCount()))


async def test_a_big_change_repaints_the_grid_without_visiting_every_row(qtbot: Any) -> None:
    model = CountingModel()
    model.set_rows([movie(n, poster=False) for n in range(2000)])
    view = shown_grid(qtbot, model, None, QSize(600, 400))
    await until(lambda: view.visualRect(model.index(1999, 0)).isValid())
    await settle()
    model.calls = 0
    model.update_rows([movie(n, f"Renamed {n:04d}", poster=False) for n in range(0, 2000, 2)])
    await settle()
    assert model.calls < 200  # the list view's own handler makes an index for every row it covers
    assert view.indexAt(view.visualRect(model.index(0, 0)).center()).data() == "Renamed 0000"
