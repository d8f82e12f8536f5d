"""The library list's model: 100,000 rows under Qt's model tester, filtering, sorting, status icons
and tooltips, rows refreshed in place, and poster thumbnails requested only for the rows painted."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QTableView

from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRow
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.library.model import THUMB_SIZE
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.model import LibraryModel
from metarr_desktop.ui.library.model import RowState
from metarr_desktop.ui.library.model import poster_placeholder
from metarr_desktop.ui.library.model import search_text
from metarr_desktop.ui.library.model import status_glyphs
from tests.helpers.library_rows import NOW
from tests.helpers.library_rows import movie
from tests.helpers.library_rows import synthetic


@pytest.fixture(autouse=True)
def _application(qapp: QApplication) -> Iterator[QApplication]:
    """Pixmaps (the model's icons and placeholders) need the application object. Afterwards the
    test's Qt objects are collected here, on the Qt thread, never later by a worker thread's GC."""
    yield qapp
    gc.collect()


def model_of(rows: list[MovieRow], **options: Any) -> LibraryModel:
    model = LibraryModel(now=lambda: NOW, provider_names={"omdb": "OMDb", "tmdb": "TMDB"}, **options)
    model.set_rows(rows)
    return model


def titles(model: LibraryModel) -> list[str]:
    return [model.index(row, Column.TITLE).data() for row in range(model.rowCount())]


SAMPLE = [
    movie(1, "The Matrix", 1999, enriched=NOW - timedelta(days=2)),
    movie(2, "inception", 2010, enriched=NOW - timedelta(hours=1)),
    movie(3, "Amélie", 2001),
    movie(4, "Heat", None),
    movie(5, "Matrix Reloaded", 2003, enriched=NOW - timedelta(days=9)),
    movie(6, "Zodiac", 2007, status=IdentificationStatus.NEEDS_IDENTIFICATION),
]


# --------------------------------------------------------------------------------------------------
# 100,000 rows
# --------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_hundred_thousand_rows_under_the_model_tester(qtmodeltester: Any) -> None:
    model = LibraryModel(now=lambda: NOW)
    # Qt's C++ tester (pytest-qt's default) walks every row after every change, so the 100,000
    # rows are checked once (about 10 s) and then filtered down before sorting and widening. How
    # fast the model is, is measured by `benchmarks/ui_library.py`, not by a wall-clock bound here.
    qtmodeltester.check(model)
    model.set_rows(synthetic(100_000))
    assert model.rowCount() == 100_000
    model.set_filter("lost city 9")
    assert 0 < model.rowCount() < 2_000
    model.sort(Column.YEAR, Qt.SortOrder.DescendingOrder)
    model.sort(Column.ENRICHED, Qt.SortOrder.AscendingOrder)
    model.set_filter("lost city 99")
    model.set_filter("lost city 9")
    expected = sum(
        1
        for row in model.rows
        if all(w in f"{row.title.casefold()} {row.year}" for w in ("lost", "city", "9"))
    )
    assert model.rowCount() == expected
    model.update_rows([movie(100_001, "Lost City 9 (restored)", 1999)])
    assert model.rowCount() == expected + 1


def test_large_model_operations_keep_their_results() -> None:
    """100,000 rows loaded, sorted and filtered keystroke by keystroke give the right rows.

    How fast is measured by `benchmarks/ui_library.py` (open <= 1 s, a keystroke <= 50 ms), not here:
    a wall-clock bound in a unit test only measures how loaded the machine is.
    """
    model = LibraryModel(now=lambda: NOW)
    model.set_rows(synthetic(100_000))
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    for text in ("l", "lo", "los", "lost", "lost ", "lost c", "lost ci"):
        model.set_filter(text)
    assert model.rowCount() == 2_000  # Lost City n and City Lost n


# --------------------------------------------------------------------------------------------------
# Filtering and sorting
# --------------------------------------------------------------------------------------------------


def test_filter_by_title_ignoring_case_and_accents() -> None:
    model = model_of(SAMPLE)
    model.set_filter("MATRIX")
    assert titles(model) == ["The Matrix", "Matrix Reloaded"]
    model.set_filter("ame")
    assert titles(model) == ["Amélie"]
    model.set_filter("Amé")
    assert titles(model) == ["Amélie"]
    model.set_filter("")
    assert model.rowCount() == len(SAMPLE)
    assert search_text("Ÿ Ça Ärger") == "y ca arger"


def test_filter_by_year_and_several_words() -> None:
    model = model_of(SAMPLE)
    model.set_filter("1999")
    assert titles(model) == ["The Matrix"]
    model.set_filter("matrix 2003")
    assert titles(model) == ["Matrix Reloaded"]
    model.set_filter("  reloaded   matrix ")
    assert titles(model) == ["Matrix Reloaded"]
    model.set_filter("200")
    assert titles(model) == ["Amélie", "Matrix Reloaded", "Zodiac"]


def test_typing_narrows_and_deleting_widens_again() -> None:
    model = model_of(SAMPLE)
    seen = []
    for text in ("m", "ma", "mat", "ma", "m", "", "h", "he", "hx"):
        model.set_filter(text)
        seen.append(model.rowCount())
    assert seen == [3, 2, 2, 2, 3, 6, 2, 2, 0]
    assert model.filter_text == "hx"


def test_sorting_by_each_column() -> None:
    model = model_of(SAMPLE)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    # "The Matrix" sorts under M (its article skipped), before "Matrix Reloaded"
    assert titles(model) == ["Amélie", "Heat", "inception", "The Matrix", "Matrix Reloaded", "Zodiac"]
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert titles(model)[0] == "Zodiac"
    model.sort(Column.YEAR, Qt.SortOrder.AscendingOrder)
    assert titles(model) == ["The Matrix", "Amélie", "Matrix Reloaded", "Zodiac", "inception", "Heat"]
    model.sort(Column.YEAR, Qt.SortOrder.DescendingOrder)
    assert titles(model) == ["inception", "Zodiac", "Matrix Reloaded", "Amélie", "The Matrix", "Heat"]
    model.sort(Column.ENRICHED, Qt.SortOrder.DescendingOrder)
    assert titles(model)[:3] == ["inception", "The Matrix", "Matrix Reloaded"]
    assert set(titles(model)[3:]) == {"Amélie", "Heat", "Zodiac"}
    model.sort(Column.ENRICHED, Qt.SortOrder.AscendingOrder)
    assert titles(model)[:3] == ["Matrix Reloaded", "The Matrix", "inception"]
    model.sort(Column.STATUS, Qt.SortOrder.AscendingOrder)
    assert titles(model)[0] == "Zodiac"
    assert model.sort_column is Column.STATUS


def test_filter_and_sort_together_and_the_selection_follows_its_movie(qtbot: Any) -> None:
    model = model_of(SAMPLE)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    matrix_row = model.view_row_of(1)
    view.setCurrentIndex(model.index(matrix_row, Column.TITLE))
    view.selectRow(matrix_row)
    model.set_filter("matrix")
    assert titles(model) == ["Matrix Reloaded", "The Matrix"]
    assert view.currentIndex().row() == 1 and model.movie_id(view.currentIndex().row()) == 1
    assert [index.row() for index in view.selectionModel().selectedRows()] == [1]
    model.sort(Column.YEAR, Qt.SortOrder.AscendingOrder)
    assert titles(model) == ["The Matrix", "Matrix Reloaded"]
    selected = view.selectionModel().selectedRows()
    assert [model.movie_id(index.row()) for index in selected] == [1]
    model.set_filter("heat")
    assert not view.selectionModel().selectedRows()
    assert model.shown_ids() == [4]


# --------------------------------------------------------------------------------------------------
# What each cell says
# --------------------------------------------------------------------------------------------------


def cell(model: LibraryModel, movie_id: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return model.index(model.view_row_of(movie_id), column).data(role)


def test_status_labels_icons_and_tooltips() -> None:
    retry = NOW + timedelta(minutes=45)
    rows = [
        movie(1, "Ok", enriched=NOW - timedelta(hours=2)),
        movie(2, "Never", status=IdentificationStatus.UNIDENTIFIED),
        movie(3, "Who", status=IdentificationStatus.NEEDS_IDENTIFICATION),
        movie(4, "Partly", enriched=NOW - timedelta(days=1), incomplete={"omdb": retry, "tvdb": NOW}),
        movie(5, "Locked", enriched=NOW - timedelta(days=3), locked=3, monitored=False),
        movie(6, "Identified only"),
    ]
    model = model_of(rows)
    tooltip = Qt.ItemDataRole.ToolTipRole
    states = {r.id: cell(model, r.id, Column.STATUS, Role.ROW_STATE) for r in rows}
    assert states == {
        1: RowState.ENRICHED,
        2: RowState.NOT_ENRICHED,
        3: RowState.NEEDS_IDENTIFICATION,
        4: RowState.INCOMPLETE,
        5: RowState.ENRICHED,
        6: RowState.NOT_ENRICHED,
    }
    assert cell(model, 1, Column.STATUS) == "Enriched"
    assert cell(model, 1, Column.STATUS, tooltip) == "Enriched 2 h ago."
    assert cell(model, 2, Column.STATUS) == "Not enriched yet"
    assert "enriching it identifies it first" in cell(model, 2, Column.STATUS, tooltip)
    assert cell(model, 3, Column.STATUS) == "Needs identification"
    assert "Identify" in cell(model, 3, Column.STATUS, tooltip)
    assert cell(model, 4, Column.STATUS) == "Incomplete: OMDb, tvdb"
    partly = cell(model, 4, Column.STATUS, tooltip).splitlines()
    assert partly == [
        "Enriched 1 d ago.",
        "Incomplete: OMDb did not answer; retried in 45 min.",
        "Incomplete: tvdb did not answer; retried due now.",
    ]
    assert cell(model, 5, Column.STATUS) == "Enriched · 3 locked"
    assert cell(model, 5, Column.STATUS, tooltip).splitlines()[1:] == [
        "3 locked fields are never changed by enrichment.",
        "Not monitored: the daily enrichment skips it.",
    ]
    assert cell(model, 6, Column.STATUS, tooltip) == "Identified, not enriched yet."

    decoration = Qt.ItemDataRole.DecorationRole
    icons = {r.id: cell(model, r.id, Column.STATUS, decoration) for r in rows}
    assert all(isinstance(icon, QPixmap) and not icon.isNull() for icon in icons.values())
    # One picture per state (and a wider one with a padlock), painted once and shared.
    assert icons[1].cacheKey() != icons[3].cacheKey() != icons[4].cacheKey() != icons[2].cacheKey()
    assert icons[5].width() > icons[1].width()
    assert cell(model, 1, Column.STATUS, decoration).cacheKey() == icons[1].cacheKey()
    assert status_glyphs(RowState.ENRICHED, True).cacheKey() == icons[5].cacheKey()


def test_other_columns() -> None:
    model = model_of(SAMPLE)
    assert cell(model, 1, Column.YEAR) == "1999"
    assert cell(model, 4, Column.YEAR) == ""
    assert cell(model, 1, Column.ENRICHED) == "2 d ago"
    assert cell(model, 3, Column.ENRICHED) == ""
    assert cell(model, 3, Column.ENRICHED, Qt.ItemDataRole.ToolTipRole) == "Never enriched"
    assert cell(model, 1, Column.ENRICHED, Qt.ItemDataRole.ToolTipRole).startswith("Last enriched 2 d ago (")
    assert cell(model, 1, Column.TITLE, Qt.ItemDataRole.ToolTipRole) == "The Matrix (1999)"
    assert cell(model, 1, Column.TITLE, Role.MOVIE_ID) == 1
    assert model.headerData(Column.ENRICHED, Qt.Orientation.Horizontal) == "Last enriched"
    assert model.index(0, 0).flags() & Qt.ItemFlag.ItemIsSelectable
    assert not model.index(0, 0).flags() & Qt.ItemFlag.ItemIsEditable


def test_rows_are_refreshed_in_place_and_new_ones_added() -> None:
    model = model_of(SAMPLE)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    model.set_filter("matrix")
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    before = titles(model)
    model.update_rows([movie(1, "The Matrix", 1999, status=IdentificationStatus.NEEDS_IDENTIFICATION)])
    assert titles(model) == before
    assert changed == [(model.view_row_of(1), model.view_row_of(1))]
    assert cell(model, 1, Column.STATUS) == "Needs identification"
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.update_rows([movie(7, "The Matrix Resurrections", 2021), movie(8, "Heat 2", 2026)])
    assert inserted == [(2, 2)]
    assert titles(model)[-1] == "The Matrix Resurrections"
    assert model.total == 8
    model.set_filter("heat")
    assert titles(model) == ["Heat", "Heat 2"]
    model.update_rows([], removed=[4, 99])
    assert titles(model) == ["Heat 2"] and model.total == 7


def test_many_changed_rows_repaint_the_view_once() -> None:
    model = model_of(synthetic(50))
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    model.update_rows([movie(n, f"New {n}") for n in range(1, 21)])
    assert changed == [(0, 49)]


# --------------------------------------------------------------------------------------------------
# Poster thumbnails
# --------------------------------------------------------------------------------------------------


class FakeImages(QObject):
    """`ImageLoader`'s interface; images arrive when the test says so.

    Attributes:
        requested: every (url, size) asked for with `request`.
        memory: what `cached` answers.
    """

    loaded = Signal(str)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.requested: list[tuple[str, QSize]] = []
        self.memory: dict[str, QPixmap] = {}

    def cached(self, url: str, size: QSize) -> QPixmap | None:
        return self.memory.get(url)

    def request(self, url: str, size: QSize) -> None:
        self.requested.append((url, QSize(size)))

    async def load(self, url: str, size: QSize) -> QPixmap | None:
        return self.memory.get(url)

    async def aclose(self) -> None:
        return None

    def deliver(self, url: str, colour: str = "#c04040") -> QPixmap:
        pixmap = QPixmap(THUMB_SIZE)
        pixmap.fill(QColor(colour))
        self.memory[url] = pixmap
        self.loaded.emit(url)
        return pixmap


def poster_rows(count: int) -> list[MovieRow]:
    return [
        movie(n, f"Movie {n:04d}", 2000, poster=None if n == 3 else f"https://img.example/{n}.jpg")
        for n in range(1, count + 1)
    ]


def test_thumbnails_are_requested_only_for_the_rows_painted(qtbot: Any) -> None:
    images = FakeImages()
    model = model_of(poster_rows(5_000), images=images)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    view = QTableView()
    qtbot.addWidget(view)
    view.verticalHeader().setDefaultSectionSize(45)
    view.setModel(model)
    view.resize(600, 45 * 10)
    view.show()
    qtbot.waitExposed(view)
    QApplication.processEvents()
    urls = {url for url, _size in images.requested}
    assert 5 <= len(urls) <= 14
    assert urls <= {f"https://img.example/{n}.jpg" for n in range(1, 15)}
    assert all(size == THUMB_SIZE for _url, size in images.requested)
    # The movie without a poster and every row still loading show the placeholder.
    assert cell(model, 3, Column.TITLE, Qt.ItemDataRole.DecorationRole).cacheKey() == (
        poster_placeholder(THUMB_SIZE).cacheKey()
    )
    asked = len(images.requested)
    QApplication.processEvents()
    view.viewport().repaint()
    assert len(images.requested) == asked  # a repaint does not ask again while one is on its way

    changed: list[QModelIndex] = []
    model.dataChanged.connect(lambda first, _last, _roles: changed.append(first))
    picture = images.deliver("https://img.example/2.jpg")
    assert [(i.row(), i.column()) for i in changed] == [(model.view_row_of(2), Column.TITLE)]
    assert cell(model, 2, Column.TITLE, Qt.ItemDataRole.DecorationRole).cacheKey() == picture.cacheKey()

    images.failed.emit("https://img.example/4.jpg")
    view.scrollToBottom()
    QApplication.processEvents()
    late = {url for url, _size in images.requested[asked:]}
    assert late and all(int(url.rsplit("/", 1)[1][:-4]) > 4_980 for url in late)
    view.scrollToTop()
    QApplication.processEvents()
    assert "https://img.example/4.jpg" not in {url for url, _ in images.requested[asked:]}
    assert cell(model, 4, Column.TITLE, Qt.ItemDataRole.DecorationRole).cacheKey() == (
        poster_placeholder(THUMB_SIZE).cacheKey()
    )


def test_no_loader_and_posters_off() -> None:
    model = model_of(poster_rows(3))
    decoration = Qt.ItemDataRole.DecorationRole
    assert cell(model, 1, Column.TITLE, decoration).cacheKey() == poster_placeholder(THUMB_SIZE).cacheKey()
    changed: list[Any] = []
    model.dataChanged.connect(lambda *args: changed.append(args))
    model.set_posters(False)
    assert cell(model, 1, Column.TITLE, decoration) is None
    assert len(changed) == 1
    model.set_posters(False)
    assert len(changed) == 1


@pytest.mark.parametrize("dark", [False, True])
def test_pictures_for_both_schemes(dark: bool) -> None:
    from PySide6.QtGui import QPalette

    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#202020" if dark else "#f0f0f0"))
    for state in RowState:
        for locked in (False, True):
            assert not status_glyphs(state, locked, palette).isNull()
    assert not poster_placeholder(THUMB_SIZE, palette).isNull()


def test_sort_titles_articles_years_and_scanned_rows_in_their_places(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    rows = [
        movie(1, "The Thing", 2011),
        movie(2, "Les Misérables", 2012),
        movie(3, "Der Untergang", 2004),
        movie(4, "The Thing", 1982),
        movie(5, "A Few Good Men", 1992),
        movie(6, "El Laberinto del Fauno", 2006),
    ]
    model = model_of(rows)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert [(r.title, r.year) for r in map(model.row_at, range(model.rowCount()))] == [
        ("A Few Good Men", 1992),
        ("El Laberinto del Fauno", 2006),
        ("Les Misérables", 2012),
        ("The Thing", 1982),  # same title: by year
        ("The Thing", 2011),
        ("Der Untergang", 2004),
    ]
    # rows a scan adds take their sorted place; the others keep theirs
    model.update_rows([movie(7, "Heat", 1995), movie(8, "Zodiac", 2007), movie(9, "The Abyss", 1989)])
    assert titles(model) == [
        "The Abyss",
        "A Few Good Men",
        "Heat",
        "El Laberinto del Fauno",
        "Les Misérables",
        "The Thing",
        "The Thing",
        "Der Untergang",
        "Zodiac",
    ]
    qtmodeltester.check(model)


def test_added_rows_take_their_sorted_place_same_titles_by_year(qtmodeltester: Any) -> None:
    model = model_of([movie(1, "Alien", 1979), movie(2, "Heat", 1995), movie(3, "Zodiac", 2007)])
    qtmodeltester.check(model, force_py=True)
    model.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    model.update_rows(
        [movie(4, "Heat", 2013), movie(5, "Heat", 1986), movie(6, "The Abyss", 1989), movie(7, "Heat", None)]
    )
    shown = [(model.row_at(r).title, model.row_at(r).year) for r in range(model.rowCount())]
    assert shown == [
        ("The Abyss", 1989),
        ("Alien", 1979),
        ("Heat", 1986),
        ("Heat", 1995),
        ("Heat", 2013),
        ("Heat", None),
        ("Zodiac", 2007),
    ]
    # The other way round, namesakes newest first (the one without a year, last going up, is first).
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    model.update_rows([movie(8, "Heat", 2000)])
    heats = [model.row_at(r).year for r in range(model.rowCount()) if model.row_at(r).title == "Heat"]
    assert heats == [None, 2013, 2000, 1995, 1986]
