"""Selecting many movies in the library's table: select all (Ctrl+A), a shift-click to the last row
and Shift+Up from there over 20,000 movies give the right count, ids, buttons and context menu, and neither
the selection change nor the repaint after it asks the model about every row.

The slow path this guards against was the table's header: sharing the table's selection model, it
asked Qt's ``isColumnSelected`` for each column at every paint, which visits every row through the
model's ``flags()`` (4 x 100,000 Python calls, about 5 s after a select all). The page now gives the
header a selection model of its own. Calls are counted, not timed: ``benchmarks/ui_library.py``
reports the time (``select_all_ms``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QItemSelection
from PySide6.QtCore import QPoint
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library import page as library_page
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.model import LibraryModel
from metarr_desktop.ui.library.model import RowState
from metarr_desktop.ui.library.page import LibraryPage
from metarr_desktop.ui.library.page import ViewMode
from metarr_desktop.ui.library.page import row_spans
from tests.helpers.library_rows import synthetic

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

MOVIES = 20_000
#: Every movie this often needs identification (the first one does).
UNSURE_EVERY = 150
#: What one selection change and the repaint after it may cost in calls of data() and flags():
#: a screen of rows (a few hundred calls), never one per movie (20,000, or 80,000 before the fix).
CALLS_PER_CHANGE = 2_000

Ctrl = Qt.KeyboardModifier.ControlModifier
Shift = Qt.KeyboardModifier.ShiftModifier


class CountingModel(LibraryModel):
    """The page's model, counting its `data` and `flags` calls (Python calls from Qt's views)."""

    data_calls = 0
    flags_calls = 0

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        self.data_calls += 1
        return super().data(index, role)

    def flags(self, index: Any) -> Qt.ItemFlag:
        self.flags_calls += 1
        return super().flags(index)

    def reset_counts(self) -> None:
        self.data_calls = self.flags_calls = 0

    @property
    def calls(self) -> int:
        return self.data_calls + self.flags_calls


@pytest.fixture(autouse=True)
def _collect_on_the_qt_thread() -> Iterator[None]:
    """Qt objects left in reference cycles are destroyed here, never by a worker thread's GC."""
    yield
    gc.collect()


@pytest.fixture
def counting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages built in this test use `CountingModel`."""
    monkeypatch.setattr(library_page, "LibraryModel", CountingModel)


def fill(ctx: UiContext, count: int) -> None:
    """`count` movies in one bulk insert (as ``benchmarks/ui_library.py`` does); every
    `UNSURE_EVERY`-th needs identification."""
    assert ctx.suite is not None
    stamp = "2026-01-01T00:00:00.000000+00:00"
    rows = [
        (
            f"Film {n:05d}",
            1950 + n % 75,
            "needs_identification" if n % UNSURE_EVERY == 0 else "identified",
            stamp if n % 3 else None,
            stamp,
            stamp,
        )
        for n in range(count)
    ]
    database = ctx.suite.app.database
    with database.atomic():
        database.db.cursor().executemany(  # type: ignore[no-untyped-call]
            "INSERT INTO movies (title, year, status, last_enriched_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


@pytest.fixture
async def loaded_page(
    counting: None, ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage]
) -> LibraryPage:
    """A page of `MOVIES` movies over `CountingModel`, loaded and painted."""
    fill(ctx, MOVIES)
    page = library_page_factory(ctx)
    await page.load()
    assert page.model.rowCount() == MOVIES
    assert isinstance(page.model, CountingModel)
    painted(page)
    return page


def painted(page: LibraryPage) -> None:
    """Lay out and paint what changed now (the table, its header and the rest of the page)."""
    QApplication.processEvents()
    page.repaint()


def counting_model(page: LibraryPage) -> CountingModel:
    assert isinstance(page.model, CountingModel)
    return page.model


def row_centre(page: LibraryPage, row: int) -> QPoint:
    index = page.model.index(row, Column.TITLE)
    page.table.scrollTo(index)
    QApplication.processEvents()
    return page.table.visualRect(index).center()


def click(
    page: LibraryPage, row: int, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A click on `row` (scrolled to first, then painted), as a person does it."""
    centre = row_centre(page, row)
    painted(page)
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, modifiers, centre)


def enrich_label(page: LibraryPage, row: int) -> str:
    menu = page.build_context_menu(row)
    labels = [action.text() for action in menu.actions() if action.text().startswith("Enrich")]
    menu.deleteLater()
    assert len(labels) == 1
    return labels[0]


# --------------------------------------------------------------------------------------------------
# Select all
# --------------------------------------------------------------------------------------------------


async def test_select_all_selects_every_movie_and_enables_enrich_selected(loaded_page: LibraryPage) -> None:
    page = loaded_page
    assert not page.enrich_selected_button.isEnabled()
    unsure = page.model.view_row_of(1)  # "Film 00000" needs identification
    assert page.model.state_at(unsure) is RowState.NEEDS_IDENTIFICATION
    page.select_movie(1)
    assert page.identify_button.isEnabled()
    page.table.setFocus()

    QTest.keyClick(page.table, Qt.Key.Key_A, Ctrl)
    painted(page)

    assert page.selected_count() == MOVIES
    assert page.selected_ids() == page.model.shown_ids()
    assert page.enrich_selected_button.isEnabled()
    assert page.identify_button.isEnabled()  # the current movie is still the one needing it
    assert page.enrich_all_button.isEnabled()
    assert enrich_label(page, unsure) == "Enrich 20,000 movies"
    ranges = page.table.selectionModel().selection()
    assert [(r.top(), r.bottom(), r.left(), r.right()) for r in ranges] == [  # type: ignore[attr-defined]  # PySide6 stubs: no QItemSelection.__iter__
        (0, MOVIES - 1, 0, len(Column) - 1)
    ]

    # The current row moves to an identified movie (keyboard, selection kept): Identify follows it.
    page.table.selectionModel().setCurrentIndex(
        page.model.index(unsure + 1, Column.TITLE), page.table.selectionModel().SelectionFlag.NoUpdate
    )
    assert page.selected_count() == MOVIES
    assert not page.identify_button.isEnabled()

    # Enrich selected passes every selected movie, in view order.
    asked: list[list[int] | None] = []
    page.start_enrichment = lambda ids: asked.append(ids)  # type: ignore[method-assign]
    page.enrich_selected_button.click()
    assert asked == [page.model.shown_ids()]


async def test_select_all_and_its_repaint_do_not_ask_the_model_about_every_row(
    loaded_page: LibraryPage,
) -> None:
    page = loaded_page
    model = counting_model(page)
    page.select_movie(page.model.movie_id(0))
    page.table.setFocus()
    painted(page)

    model.reset_counts()
    QTest.keyClick(page.table, Qt.Key.Key_A, Ctrl)
    painted(page)
    assert page.selected_count() == MOVIES
    assert model.data_calls < CALLS_PER_CHANGE, model.data_calls
    assert model.flags_calls < CALLS_PER_CHANGE, model.flags_calls

    # With everything selected, a repaint of the header (a hover, a resize) stays as cheap.
    model.reset_counts()
    page.table.horizontalHeader().viewport().repaint()
    page.table.viewport().repaint()
    assert model.calls < CALLS_PER_CHANGE, (model.data_calls, model.flags_calls)

    # So do the counts read from the selection: the buttons, the menu's label, the ids.
    model.reset_counts()
    page._update_actions()
    assert enrich_label(page, 0) == "Enrich 20,000 movies"
    assert len(page.selected_ids()) == MOVIES
    assert model.calls < 10  # the menu's own row, never the selection's

    # And clicking one movie again (deselecting 19,999).
    model.reset_counts()
    click(page, 3)
    painted(page)
    assert page.selected_ids() == [page.model.movie_id(3)]
    assert model.calls < CALLS_PER_CHANGE, (model.data_calls, model.flags_calls)


async def test_the_table_header_keeps_a_selection_model_of_its_own(loaded_page: LibraryPage) -> None:
    page = loaded_page
    header = page.table.horizontalHeader()
    assert header.selectionModel() is not page.table.selectionModel()
    assert header.selectionModel().model() is page.model
    assert not header.highlightSections()
    page.table.selectAll()
    assert not header.selectionModel().hasSelection()

    # Sorting by a click on the header still works, and keeps the selection.
    QTest.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(header.sectionViewportPosition(Column.YEAR) + 10, header.height() // 2),
    )
    assert page.model.sort_column is Column.YEAR
    assert page.selected_count() == MOVIES


# --------------------------------------------------------------------------------------------------
# Ranges: a shift-click to the last row, Shift+Up from there, a Ctrl+click out of it
# --------------------------------------------------------------------------------------------------


async def test_range_selections_to_the_last_row_count_right_without_visiting_each_row(
    loaded_page: LibraryPage,
) -> None:
    page = loaded_page
    model = counting_model(page)
    page.table.setFocus()
    click(page, 0)
    assert page.selected_ids() == [page.model.movie_id(0)]

    # A shift-click on the last row selects every row: the costly case for the header before.
    row_centre(page, MOVIES - 1)
    painted(page)
    model.reset_counts()
    click(page, MOVIES - 1, Shift)
    painted(page)
    assert page.selected_count() == MOVIES
    assert page.selected_ids() == page.model.shown_ids()
    assert page.enrich_selected_button.isEnabled()
    assert enrich_label(page, MOVIES - 1) == "Enrich 20,000 movies"
    assert model.calls < CALLS_PER_CHANGE, (model.data_calls, model.flags_calls)

    # Shift+Up shortens the range by one (from the same anchor).
    model.reset_counts()
    QTest.keyClick(page.table, Qt.Key.Key_Up, Shift)
    painted(page)
    assert page.selected_count() == MOVIES - 1
    assert page.selected_ids() == page.model.shown_ids(0, MOVIES - 1)
    assert model.calls < CALLS_PER_CHANGE, (model.data_calls, model.flags_calls)

    # A Ctrl+click takes one movie out of the range.
    model.reset_counts()
    out = MOVIES - 5
    click(page, out, Ctrl)
    painted(page)
    assert page.selected_count() == MOVIES - 2
    assert page.model.movie_id(out) not in page.selected_ids()
    assert page.enrich_selected_button.isEnabled()
    assert model.calls < CALLS_PER_CHANGE, (model.data_calls, model.flags_calls)


# --------------------------------------------------------------------------------------------------
# The grid shares the selection
# --------------------------------------------------------------------------------------------------


async def test_the_grid_shares_a_select_all_made_in_the_table_and_the_other_way(
    loaded_page: LibraryPage,
) -> None:
    page = loaded_page
    assert page.grid.selectionModel() is page.table.selectionModel()
    page.table.setFocus()
    QTest.keyClick(page.table, Qt.Key.Key_A, Ctrl)
    page.set_view_mode(ViewMode.POSTERS)
    painted(page)
    assert page.selected_count() == MOVIES
    assert page.enrich_selected_button.isEnabled()

    page.grid.clearSelection()
    assert page.selected_count() == 0
    assert not page.enrich_selected_button.isEnabled()
    page.grid.setFocus()
    QTest.keyClick(page.grid, Qt.Key.Key_A, Ctrl)
    page.set_view_mode(ViewMode.LIST)
    painted(page)
    assert page.selected_count() == MOVIES
    assert page.selected_ids() == page.model.shown_ids()


# --------------------------------------------------------------------------------------------------
# row_spans
# --------------------------------------------------------------------------------------------------


def test_row_spans_merge_overlapping_and_cell_ranges_and_drop_rows_not_shown(qapp: QApplication) -> None:
    model = LibraryModel()
    model.set_rows(synthetic(100))
    selection = QItemSelection()
    selection.select(model.index(40, 0), model.index(49, 1))  # rows 40-49, two columns
    selection.select(model.index(45, 2), model.index(60, 3))  # rows 45-60, the other two
    selection.select(model.index(5, 0), model.index(5, 3))
    selection.select(model.index(61, 0), model.index(62, 3))  # touches 45-60: one span
    selection.select(model.index(90, 0), model.index(99, 3))
    assert row_spans(selection, 100) == [(5, 6), (40, 63), (90, 100)]
    assert row_spans(selection, 95) == [(5, 6), (40, 63), (90, 95)]
    assert row_spans(selection, 50) == [(5, 6), (40, 50)]
    assert row_spans(QItemSelection(), 100) == []
