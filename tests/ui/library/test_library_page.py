"""The library page: loading, the filter box and its count, the keyboard, Identify, Add movie with
inline validation, Add folder as a scan job with its report, Enrich selected / Enrich all as jobs
with Cancel, the empty states, and how the page looks with demo data (light and dark).

Two set-ups: the real services against in-memory fake providers with simulated time (jobs and
cancellation, deterministic), and the real services against the sandbox on loopback (the demo
catalog's real movies, for the screenshots).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.services.jobs import EventKind
from metarr_desktop.services.jobs import JobState
from metarr_desktop.services.library import ScanReport
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library.model import THUMB_SIZE
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.model import RowState
from metarr_desktop.ui.library.page import LibraryPage
from tests.helpers.fixtures import FakeCtx
from tests.helpers.library_page import OpenDemoPage
from tests.helpers.library_page import PosterImages
from tests.helpers.library_page import add
from tests.helpers.qt import recorded
from tests.helpers.qt import settle
from tests.helpers.qt import until
from tests.helpers.qt import wait_signal

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


# --------------------------------------------------------------------------------------------------
# Fakes and fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _collect_on_the_qt_thread() -> Iterator[None]:
    """Qt objects left in reference cycles are destroyed here, never by a worker thread's GC."""
    yield
    gc.collect()


def status_of(page: LibraryPage, movie_id: int) -> str:
    row = page.model.view_row_of(movie_id)
    return page.model.state_at(row).value


# --------------------------------------------------------------------------------------------------
# Loading, the filter and the empty states
# --------------------------------------------------------------------------------------------------


async def test_load_shows_every_movie_and_the_filter_counts(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    for title, year in (("The Matrix", 1999), ("Heat", 1995), ("Inception", 2010), ("Matrix Reloaded", 2003)):
        add(ctx, title, year)
    page = library_page_factory(ctx)
    loaded = asyncio.ensure_future(wait_signal(page.loaded))
    await page.load()
    await loaded
    assert page.stack.currentWidget() is page.table
    assert page.count_label.text() == "4 movies"
    assert [page.model.index(r, Column.TITLE).data() for r in range(4)] == [
        "Heat",
        "Inception",
        "The Matrix",  # sorted under M: leading articles are skipped
        "Matrix Reloaded",
    ]
    assert page.filter_edit.isClearButtonEnabled()
    QTest.keyClicks(page.filter_edit, "matr")
    assert page.model.rowCount() == 2
    assert page.count_label.text() == "2 of 4 movies"
    QTest.keyClicks(page.filter_edit, "ix 1999")
    assert page.count_label.text() == "1 of 4 movies"
    page.filter_edit.clear()
    assert page.count_label.text() == "4 movies" and page.model.rowCount() == 4
    assert page.enrich_all_button.isEnabled() and not page.enrich_selected_button.isEnabled()


async def test_reload_movies_reads_only_those_rows(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    assert ctx.suite is not None
    heat = add(ctx, "Heat", 1995)
    matrix = add(ctx, "The Matrix", 1999)
    page = library_page_factory(ctx)
    await page.load()
    movies = ctx.suite.app.movies
    movies.set_fields(heat, {"title": "Heat (Director's Cut)"})
    movies.lock(heat, "title")
    newer = add(ctx, "Inception", 2010)
    movies.delete(matrix)
    await page.reload_movies([heat, matrix, newer])
    assert page.model.total == 2 and page.count_label.text() == "2 movies"
    row = page.model.view_row_of(heat)
    assert page.model.index(row, Column.TITLE).data() == "Heat (Director's Cut)"
    assert page.model.index(row, Column.STATUS).data() == "Not enriched yet · 1 locked"
    assert page.model.view_row_of(matrix) == -1 and page.model.view_row_of(newer) >= 0
    movies.delete(heat)
    movies.delete(newer)
    await page.reload_movies([heat, newer])
    assert page.stack.currentWidget() is page.empty_page


async def test_an_empty_library_offers_to_add_movies(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage], shots: Path
) -> None:
    ctx, _fake, _clock = fake_ctx
    page = library_page_factory(ctx)
    await page.load()
    await settle()
    assert page.stack.currentWidget() is page.empty_page
    assert "Your library is empty" in page.empty.text()
    assert page.empty_add_folder.isVisible() and page.empty_add_movie.isVisible()
    assert not page.filter_bar.isVisible()
    assert not page.enrich_all_button.isEnabled()
    assert page.grab().save(str(shots / "library-empty.png"))


async def test_without_a_library_service_the_page_says_why(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    page = library_page_factory(dataclasses.replace(ctx, library=None, suite=None))
    await page.load()
    assert page.stack.currentWidget() is page.empty_page
    assert "not available" in page.empty.text()
    assert not page.empty_buttons.isVisible()
    for button in (page.add_folder_button, page.add_movie_button, page.enrich_all_button, page.filter_edit):
        assert not button.isEnabled()
    assert await page.add_movie() is None and await page.add_folder() is None
    assert page.start_enrichment([1]) is None


# --------------------------------------------------------------------------------------------------
# Keyboard, opening and identifying
# --------------------------------------------------------------------------------------------------


async def test_keyboard_opens_movies(
    qtbot: Any, fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    heat = add(ctx, "Heat", 1995)
    matrix = add(ctx, "The Matrix", 1999)
    page = library_page_factory(ctx)
    await page.load()
    page.activateWindow()
    qtbot.waitActive(page)
    page.table.setFocus()
    opened: list[int] = []
    page.movieActivated.connect(opened.append)

    QTest.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_edit.hasFocus()
    QTest.keyClicks(page.filter_edit, "matrix")
    QTest.keyClick(page.filter_edit, Qt.Key.Key_Return)
    assert page.table.hasFocus() and page.current_id() == matrix
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [matrix]

    page.filter_edit.clear()
    rect = page.table.visualRect(page.model.index(page.model.view_row_of(heat), Column.YEAR))
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [matrix, heat]


@pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise", "does not support grabbing")
async def test_a_movie_that_needs_identification_offers_identify(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    assert ctx.suite is not None
    known = add(ctx, "Heat", 1995)
    unsure = add(ctx, "Home Video", 2004)
    ctx.suite.app.movies.set_status(unsure, IdentificationStatus.NEEDS_IDENTIFICATION)
    page = library_page_factory(ctx)
    await page.load()
    asked: list[int] = []
    page.identifyRequested.connect(asked.append)

    assert page.select_movie(known)
    assert not page.identify_button.isEnabled()
    menu = page.build_context_menu(page.model.view_row_of(known))
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Open",
        "Enrich",
        "Write files",
        "Preview changes…",
        "Remove from library…",
    ]

    assert page.select_movie(unsure)
    assert page.identify_button.isEnabled()
    page.identify_button.click()
    assert asked == [unsure]
    row = page.model.view_row_of(unsure)
    menu = page.build_context_menu(row)
    labels = [a.text() for a in menu.actions() if a.text()]
    assert labels == ["Open", "Identify…", "Enrich", "Write files", "Remove from library…"]
    next(a for a in menu.actions() if a.text() == "Identify…").trigger()
    assert asked == [unsure, unsure]
    tooltip = page.model.index(row, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("Needs identification")

    # The context menu also opens from a right click (popup, never a blocking exec).
    rect = page.table.visualRect(page.model.index(row, Column.TITLE))
    page.table.customContextMenuRequested.emit(rect.center())
    await until(lambda: page.context_menu is not None and page.context_menu.isVisible())
    assert page.context_menu is not None
    assert [a.text() for a in page.context_menu.actions() if a.text()] == labels
    page.context_menu.close()


# --------------------------------------------------------------------------------------------------
# Adding
# --------------------------------------------------------------------------------------------------


async def test_add_movie_checks_each_field_inline(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage], shots: Path
) -> None:
    ctx, _fake, _clock = fake_ctx
    add(ctx, "Heat", 1995)
    page = library_page_factory(ctx)
    await page.load()
    messages = recorded(page.message)
    page.filter_edit.setText("heat")

    task = asyncio.ensure_future(page.add_movie())
    await until(lambda: page.add_dialog is not None and page.add_dialog.isVisible())
    dialog = page.add_dialog
    assert dialog is not None
    assert not dialog.add_button.isEnabled()
    assert not any(label.isVisible() for label in dialog.errors.values())

    QTest.keyClicks(dialog.year_edit, "19x9")
    assert dialog.errors["year"].isVisible() and "number" in dialog.errors["year"].text()
    dialog.year_edit.clear()
    QTest.keyClicks(dialog.year_edit, "1850")
    assert "between 1870 and 2200" in dialog.errors["year"].text()
    dialog.year_edit.clear()
    QTest.keyClicks(dialog.year_edit, "1999")
    assert not dialog.errors["year"].isVisible()
    QTest.keyClicks(dialog.imdb_edit, "tt12")
    assert "tt and 7 or more digits" in dialog.errors["imdb"].text()
    QTest.keyClicks(dialog.tmdb_edit, "-5")
    assert "positive whole number" in dialog.errors["tmdb"].text()
    assert not dialog.add_button.isEnabled()
    await settle()
    assert dialog.grab().save(str(shots / "library-add-movie.png"))

    dialog.submit()  # an attempt shows what is still wrong, the title included
    assert dialog.errors["title"].isVisible() and dialog.isVisible()
    QTest.keyClicks(dialog.title_edit, "  The Matrix ")
    dialog.imdb_edit.setText("https://www.imdb.com/title/tt0133093/")
    dialog.tmdb_edit.setText("603")
    QTest.keyClicks(dialog.tmdb_edit, " ")
    assert dialog.add_button.isEnabled()
    dialog.add_button.click()
    movie_id = await task
    assert movie_id is not None
    assert ctx.library is not None
    added = ctx.library.get(movie_id)
    assert (added.title, added.year, added.ids) == (
        "The Matrix",
        1999,
        ExternalIds(tmdb=603, imdb="tt0133093"),
    )
    # The new movie is shown and selected (the filter that hid it was cleared).
    assert page.filter_edit.text() == "" and page.current_id() == movie_id
    assert page.count_label.text() == "2 movies"
    assert messages[-1] == "Added The Matrix (1999)."

    # The same id again is refused inline, with everything typed kept.
    task = asyncio.ensure_future(page.add_movie())
    await until(lambda: page.add_dialog is not None and page.add_dialog.isVisible())
    dialog = page.add_dialog
    assert dialog is not None
    QTest.keyClicks(dialog.title_edit, "Matrix again")
    QTest.keyClicks(dialog.imdb_edit, "tt0133093")
    dialog.add_button.click()
    assert dialog.isVisible()
    assert dialog.form_error.text() == "Already in the library: The Matrix (1999), with the same id."
    assert dialog.title_edit.text() == "Matrix again"
    dialog.reject()
    assert await task is None
    assert page.model.total == 2


def make_library(root: Path) -> None:
    (root / "The Matrix (1999)").mkdir(parents=True)
    (root / "The Matrix (1999)" / "The.Matrix.1999.1080p.mkv").write_bytes(b"")
    (root / "Heat (1995)").mkdir()
    (root / "Heat (1995)" / "Heat.1995.mkv").write_bytes(b"")
    broken = root / "Broken (2001)"
    broken.mkdir()
    (broken / "movie.nfo").write_text("<movie><title>Broken</title", encoding="utf-8")
    (broken / "Broken.2001.mkv").write_bytes(b"")


async def test_add_folder_scans_as_a_job_and_reports(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage], tmp_path: Path
) -> None:
    ctx, _fake, _clock = fake_ctx
    root = tmp_path / "films"
    make_library(root)
    page = library_page_factory(ctx)
    await page.load()
    task = asyncio.ensure_future(page.add_folder())
    await until(lambda: page.folder_dialog is not None and page.folder_dialog.isVisible())
    dialog = page.folder_dialog
    assert dialog is not None and dialog.testOption(dialog.Option.DontUseNativeDialog)
    dialog.setDirectory(str(root))
    dialog.accept()
    job = await task
    assert job is not None and job.title == f"Scan {root}"
    await ctx.jobs.wait(job)
    assert job.state is JobState.DONE
    await until(lambda: page.report_row.isVisible())
    text = page.report.text()
    assert "3 movies added, 0 already in the library, 1 warning" in text
    assert "NFO" in text
    assert any("NFO" in event.text for event in job.events)
    assert page.stack.currentWidget() is page.table
    assert sorted(page.model.index(r, Column.TITLE).data() for r in range(3)) == [
        "Broken",
        "Heat",
        "The Matrix",
    ]

    # Scanning again adds nothing; a folder that is not there fails with its reason on the page.
    again = page.start_scan(str(root))
    assert again is not None
    await ctx.jobs.wait(again)
    assert "0 movies added, 3 already in the library" in page.report.text()
    missing = page.start_scan(str(tmp_path / "nowhere"))
    assert missing is not None
    await ctx.jobs.wait(missing)
    await until(lambda: "failed" in page.report.text())
    assert missing.state is JobState.FAILED and "not a folder" in page.report.text()
    page.report_close.click()
    assert not page.report_row.isVisible()

    # Cancelling the folder dialog does nothing.
    task = asyncio.ensure_future(page.add_folder())
    await until(lambda: page.folder_dialog is not None and page.folder_dialog.isVisible())
    page.folder_dialog.reject()  # type: ignore[union-attr]
    assert await task is None


# --------------------------------------------------------------------------------------------------
# Enriching
# --------------------------------------------------------------------------------------------------


async def test_enrich_selected_runs_as_a_job_and_refreshes_the_rows(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    first = add(ctx, "Alpha", 2001, tmdb=11)
    second = add(ctx, "Beta", 2002, tmdb=12)
    third = add(ctx, "Gamma", 2003, tmdb=13)
    page = library_page_factory(ctx)
    await page.load()
    messages = recorded(page.message)
    assert page.select_movie(first)
    page.table.selectionModel().select(
        page.model.index(page.model.view_row_of(second), 0),
        page.table.selectionModel().SelectionFlag.Select | page.table.selectionModel().SelectionFlag.Rows,
    )
    assert page.selected_ids() == [first, second]
    assert page.enrich_selected_button.isEnabled()
    page.enrich_selected_button.click()
    job = ctx.jobs.jobs[-1]
    assert job.title == "Enrich 2 movies"
    await ctx.jobs.wait(job)
    assert job.state is JobState.DONE and (job.done, job.total) == (2, 2)
    assert status_of(page, first) == status_of(page, second) == RowState.ENRICHED
    assert status_of(page, third) == RowState.NOT_ENRICHED
    # The providers' title replaced the one typed; the row shows it without a reload of the page.
    assert page.model.row_at(page.model.view_row_of(first)).title == "Movie 11"
    assert messages[-1] == "Enrich 2 movies: 2 enriched, 0 unchanged."


async def test_write_files_follows_the_selection_like_enrich_selected(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    heat = add(ctx, "Heat", 1995)
    add(ctx, "Alien", 1979)
    page = library_page_factory(ctx)
    await page.load()
    assert not page.write_files_button.isEnabled() and not page.enrich_selected_button.isEnabled()
    assert page.select_movie(heat)
    assert page.write_files_button.isEnabled() and page.enrich_selected_button.isEnabled()
    page.table.clearSelection()
    assert not page.write_files_button.isEnabled() and not page.enrich_selected_button.isEnabled()

    without_suite = library_page_factory(dataclasses.replace(ctx, suite=None))
    await without_suite.load()
    assert without_suite.select_movie(heat)
    assert not without_suite.write_files_button.isEnabled()


async def test_a_bulk_job_names_the_movie_of_each_provider_that_failed(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, fake, _clock = fake_ctx
    add(ctx, "Alpha", 2001, tmdb=11)
    add(ctx, "Beta", 2002, tmdb=12)
    fake.status["omdb"] = 401  # a refused key: no retry, the provider ends without a result
    page = library_page_factory(ctx)
    await page.load()
    job = page.enrich_all()
    assert job is not None
    await ctx.jobs.wait(job)
    assert job.state is JobState.DONE
    # Only what went wrong, once per movie and provider (identification asked OMDb too), with the
    # reason; nothing for the providers that answered, nor for the movies that went well.
    assert [e.text for e in job.events] == [
        "Alpha (2001): OMDb (fake) failed: the API key was refused (forced)",
        "Beta (2002): OMDb (fake) failed: the API key was refused (forced)",
    ]
    assert all(e.kind is EventKind.NOTE for e in job.events)


async def test_cancel_stops_enrich_all_and_keeps_the_finished_movies(
    fake_ctx: FakeCtx,
    library_page_factory: Callable[[UiContext], LibraryPage],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx, _fake, _clock = fake_ctx
    assert ctx.suite is not None
    ids = [add(ctx, f"Film {n}", 2000 + n, tmdb=100 + n) for n in range(6)]
    # The last three movies take "forever" (their enrichment waits on a gate that never opens).
    enrichment = ctx.suite.enrichment
    original = enrichment.enrich
    gate = asyncio.Event()
    started: list[int] = []
    stopped: list[int] = []

    async def slow_enrich(movie_id: int, *args: Any, **kwargs: Any) -> Any:
        if movie_id in ids[3:]:
            started.append(movie_id)
            try:
                await gate.wait()
            except asyncio.CancelledError:
                stopped.append(movie_id)
                raise
        return await original(movie_id, *args, **kwargs)

    monkeypatch.setattr(enrichment, "enrich", slow_enrich)
    page = library_page_factory(ctx)
    await page.load()
    messages = recorded(page.message)
    job = page.enrich_all()
    assert job is not None and job.title == "Enrich all movies"
    await until(lambda: job.done == 3 and job.total == 6 and len(started) == 3)
    await until(lambda: all(status_of(page, i) == RowState.ENRICHED for i in ids[:3]))
    assert ctx.jobs.cancel(job.id)
    await ctx.jobs.wait(job)
    assert job.state is JobState.CANCELLED
    assert sorted(stopped) == ids[3:]
    gate.set()
    await settle()
    for movie_id in ids[:3]:
        assert ctx.suite.app.movies.require(movie_id).last_enriched_at is not None
        assert status_of(page, movie_id) == RowState.ENRICHED
    for movie_id in ids[3:]:
        assert ctx.suite.app.movies.require(movie_id).last_enriched_at is None
        assert status_of(page, movie_id) == RowState.NOT_ENRICHED
    assert messages[-1] == "Enrich all movies: cancelled after 3 movies; those stay enriched."


async def test_enriching_needs_the_suite(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    add(ctx, "Heat", 1995)
    page = library_page_factory(dataclasses.replace(ctx, suite=None))
    await page.load()
    messages = recorded(page.message)
    assert not page.enrich_all_button.isEnabled()
    assert page.start_enrichment(None) is None
    assert messages == ["Enrichment is not available in this window."]
    assert page.enrich_selected() is None
    assert messages[-1] == "Select the movies to enrich first."


# --------------------------------------------------------------------------------------------------
# Posters and how the page looks
# --------------------------------------------------------------------------------------------------


async def test_posters_are_requested_for_visible_rows_only(
    fake_ctx: FakeCtx, library_page_factory: Callable[[UiContext], LibraryPage]
) -> None:
    ctx, _fake, _clock = fake_ctx
    assert ctx.suite is not None
    movies = ctx.suite.app.movies
    for n in range(300):
        movie_id = add(ctx, f"Film {n:03d}", 2000)
        movies.set_fields(movie_id, {"poster": f"https://img.example/{n}.jpg"})
    images = PosterImages()
    page = library_page_factory(dataclasses.replace(ctx, images=images))  # type: ignore[arg-type]
    await page.load()
    await settle()
    visible = page.table.viewport().height() // page.table.verticalHeader().defaultSectionSize() + 1
    assert 0 < len(set(images.asked)) <= visible + 1
    assert set(images.asked) <= {f"https://img.example/{n}.jpg" for n in range(visible + 1)}
    picture = page.model.index(0, Column.TITLE).data(Qt.ItemDataRole.DecorationRole)
    painted = images.cached("https://img.example/0.jpg", THUMB_SIZE)
    assert painted is not None and picture.cacheKey() == painted.cacheKey()
    page.posters_button.click()
    assert page.table.verticalHeader().defaultSectionSize() < 30
    assert page.model.index(0, Column.TITLE).data(Qt.ItemDataRole.DecorationRole) is None
    page.posters_button.click()
    assert page.model.posters


async def test_the_page_with_demo_data(
    sandbox_ctx: UiContext, open_demo_page: OpenDemoPage, scheme: Scheme, shots: Path
) -> None:
    page = await open_demo_page(QSize(1000, 560))
    report = ScanReport(added=[1, 2, 3], existing=[4], warnings=["/films/x: no title or id; skipped"])
    page.show_scan_report("/films", report)
    unsure = next(r.id for r in page.model.rows if r.status is IdentificationStatus.NEEDS_IDENTIFICATION)
    page.select_movie(unsure)
    assert page.identify_button.isEnabled()
    await settle(5)
    image = page.grab().toImage()
    assert image.save(str(shots / f"library-{scheme.value}.png"))
    states = {page.model.state_at(r) for r in range(page.model.rowCount())}
    assert {RowState.ENRICHED, RowState.NEEDS_IDENTIFICATION, RowState.INCOMPLETE} <= states
    assert page.model.rowCount() >= 10
    # Posters were painted for the movies that have one.
    assert sandbox_ctx.images is not None and sandbox_ctx.images.asked  # type: ignore[attr-defined]
    # Every column is wide enough for its longest status label.
    status_width = page.table.columnWidth(Column.STATUS)
    metrics = page.table.fontMetrics()
    longest = max(
        metrics.horizontalAdvance(page.model.index(r, Column.STATUS).data())
        for r in range(page.model.rowCount())
    )
    assert longest + 48 <= status_width
    QApplication.sendEvent(page, QEvent(QEvent.Type.PaletteChange))
