"""The library page's actions users asked for: removing movies (context menu and Delete, after a
confirmation), the scan report's counts, scanned rows in their sorted place, and adding a movie by
an id alone."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library.model import Column
from metarr_desktop.ui.library.page import LibraryPage
from tests.helpers.fixtures import FakeCtx
from tests.helpers.library_page import add
from tests.helpers.qt import SHOTS
from tests.helpers.qt import recorded
from tests.helpers.qt import settle
from tests.helpers.qt import until

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture(autouse=True)
def collect_after_the_test() -> Iterator[None]:
    """Qt objects left in reference cycles are destroyed here, never by a worker thread's GC."""
    yield
    gc.collect()


def shown_titles(page: LibraryPage) -> list[tuple[str, int | None]]:
    return [(page.model.row_at(r).title, page.model.row_at(r).year) for r in range(page.model.rowCount())]


def select(page: LibraryPage, *movie_ids: int) -> None:
    flags = QItemSelectionModel.SelectionFlag
    selection = page.table.selectionModel()
    selection.clearSelection()
    for movie_id in movie_ids:
        index = page.model.index(page.model.view_row_of(movie_id), Column.TITLE)
        selection.setCurrentIndex(index, flags.Select | flags.Rows)


def button(box: QMessageBox, text: str) -> None:
    match = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    match.click()


# --------------------------------------------------------------------------------------------------
# Removing
# --------------------------------------------------------------------------------------------------


async def test_remove_from_library_asks_then_removes_the_rows_and_never_the_files(
    fake_ctx: FakeCtx,
    library_page_factory: Callable[[UiContext], LibraryPage],
    tmp_path: Path,
    shots: Path,
) -> None:
    ctx, _fake, _clock = fake_ctx
    assert ctx.library is not None
    folder = tmp_path / "films" / "Heat (1995)"
    folder.mkdir(parents=True)
    (folder / "Heat.1995.mkv").write_bytes(b"video")
    heat = ctx.library.add("Heat", year=1995, path=str(folder)).id
    alien = add(ctx, "Alien", 1979)
    zodiac = add(ctx, "Zodiac", 2007)
    page = library_page_factory(ctx)
    await page.load()
    messages = recorded(page.message)
    removed: list[list[int]] = []
    page.moviesRemoved.connect(removed.append)

    # The context menu's entry, for one movie; Cancel keeps it.
    assert page.select_movie(heat)
    menu = page.build_context_menu(page.model.view_row_of(heat))
    entry = next(a for a in menu.actions() if a.text() == "Remove from library…")
    entry.trigger()
    await until(lambda: page.remove_dialog is not None and page.remove_dialog.isVisible())
    box = page.remove_dialog
    assert box is not None
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert box.text().startswith("Remove Heat (1995) from the library?")
    assert "The files on disk are not touched" in box.text()
    await settle()
    assert box.grab().save(str(shots / "library-remove.png"))
    button(box, "Cancel")
    await until(lambda: page.remove_dialog is None)
    assert page.model.total == 3 and removed == []

    # Again, confirmed: the row goes, the folder and its video stay.
    menu = page.build_context_menu(page.model.view_row_of(heat))
    next(a for a in menu.actions() if a.text() == "Remove from library…").trigger()
    await until(lambda: page.remove_dialog is not None and page.remove_dialog.isVisible())
    assert page.remove_dialog is not None
    button(page.remove_dialog, "Remove from library")
    await until(lambda: removed == [[heat]])
    assert page.model.view_row_of(heat) == -1 and page.model.total == 2
    with pytest.raises(UnknownEntityError):
        ctx.library.get(heat)
    assert (folder / "Heat.1995.mkv").read_bytes() == b"video"
    assert messages[-1] == "Removed Heat (1995) from the library (its files were not touched)."
    assert page.count_label.text() == "2 movies"

    # Delete over the table removes the whole selection.
    select(page, alien, zodiac)
    page.activateWindow()
    page.table.setFocus()
    await until(lambda: page.table.hasFocus())
    QTest.keyClick(page.table, Qt.Key.Key_Delete)
    await until(lambda: page.remove_dialog is not None and page.remove_dialog.isVisible())
    assert page.remove_dialog is not None
    text = page.remove_dialog.text()
    assert text.startswith("Remove 2 movies from the library?\n• Alien (1979)\n• Zodiac (2007)")
    button(page.remove_dialog, "Remove from library")
    await until(lambda: len(removed) == 2)
    assert sorted(removed[-1]) == sorted([alien, zodiac])
    assert page.model.total == 0
    assert "Your library is empty" in page.empty.text() and page.stack.currentWidget() is page.empty_page


# --------------------------------------------------------------------------------------------------
# Scanning
# --------------------------------------------------------------------------------------------------


def film(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / f"{name}.mkv").write_bytes(b"")
    return folder


async def scan(ctx: UiContext, page: LibraryPage, root: Path) -> None:
    """Scan `root` from the page, as a job, and wait for its report."""
    job = page.start_scan(str(root))
    assert job is not None
    await ctx.jobs.wait(job)
    await until(lambda: page.report_row.isVisible())


async def test_scanned_rows_take_their_sorted_place_and_the_report_counts_everything(
    fake_ctx: FakeCtx,
    library_page_factory: Callable[[UiContext], LibraryPage],
    tmp_path: Path,
) -> None:
    ctx, _fake, _clock = fake_ctx
    add(ctx, "Heat", 1995)
    add(ctx, "Zodiac", 2007)
    root = tmp_path / "films"
    for name in ("Alien (1979)", "Heat (1986)", "The Abyss (1989)", "Heat (2013)"):
        film(root, name)
    show = root / "Some Show"
    (show / "Season 01").mkdir(parents=True)
    (show / "Season 01" / "Some.Show.S01E01.mkv").write_bytes(b"")
    page = library_page_factory(ctx)
    await page.load()
    assert shown_titles(page) == [("Heat", 1995), ("Zodiac", 2007)]

    await scan(ctx, page, root)
    # Each new row in its place by title (a leading article skipped), same titles by year.
    assert shown_titles(page) == [
        ("The Abyss", 1989),
        ("Alien", 1979),
        ("Heat", 1986),
        ("Heat", 1995),
        ("Heat", 2013),
        ("Zodiac", 2007),
    ]
    assert page.report.textFormat() == Qt.TextFormat.PlainText
    lines = page.report.text().splitlines()
    assert lines[0] == f"Scan of {root}: 4 movies added, 0 already in the library, 1 warning."
    assert lines[1] == (
        "0 moved (kept, at their new place), 0 missing (kept, marked missing), 0 found again, "
        "1 TV folder set aside."
    )

    # A folder renamed is a move (the movie is kept); a folder gone is missing (kept, marked).
    (root / "Sci-Fi").mkdir()
    (root / "Alien (1979)").rename(root / "Sci-Fi" / "Alien (1979)")
    for path in (root / "Heat (2013)").iterdir():
        path.unlink()
    (root / "Heat (2013)").rmdir()
    again = page.start_scan(str(root))
    assert again is not None
    await ctx.jobs.wait(again)
    await until(lambda: "1 missing" in page.report.text())
    lines = page.report.text().splitlines()
    assert "1 moved (kept, at their new place), 1 missing (kept, marked missing)" in lines[1]
    assert page.model.total == 6


# --------------------------------------------------------------------------------------------------
# Adding by an id alone
# --------------------------------------------------------------------------------------------------


async def open_add(page: LibraryPage) -> asyncio.Future[int | None]:
    task = asyncio.ensure_future(page.add_movie())
    await until(lambda: page.add_dialog is not None and page.add_dialog.isVisible())
    return task


async def test_the_scan_report_says_how_many_extras_were_skipped(
    fake_ctx: FakeCtx,
    library_page_factory: Callable[[UiContext], LibraryPage],
    tmp_path: Path,
) -> None:
    ctx, _fake, _clock = fake_ctx
    root = tmp_path / "films"
    heat = film(root, "Heat (1995)")
    (heat / "Heat (1995)-trailer.mkv").write_bytes(b"")
    (heat / "Featurettes").mkdir()
    (heat / "Featurettes" / "Making of.mkv").write_bytes(b"")
    (root / "sample.mkv").write_bytes(b"")
    page = library_page_factory(ctx)
    await page.load()
    await scan(ctx, page, root)
    assert page.report.text().splitlines()[1] == (
        "0 moved (kept, at their new place), 0 missing (kept, marked missing), 0 found again, "
        "0 TV folders set aside, 3 extras skipped (trailers, samples…)."
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert page.grab().save(str(SHOTS / "library-scan-report-extras.png"))


async def test_add_movie_takes_an_id_alone_and_never_adds_it_twice(
    fake_ctx: FakeCtx,
    library_page_factory: Callable[[UiContext], LibraryPage],
    shots: Path,
) -> None:
    ctx, _fake, _clock = fake_ctx
    assert ctx.library is not None
    page = library_page_factory(ctx)
    await page.load()
    messages = recorded(page.message)

    task = await open_add(page)
    dialog = page.add_dialog
    assert dialog is not None
    QTest.keyClicks(dialog.tmdb_edit, "tmdb:949")
    assert dialog.add_button.isEnabled() and not dialog.errors["title"].isVisible()
    await settle()
    assert dialog.grab().save(str(shots / "library-add-by-id.png"))
    dialog.add_button.click()
    movie_id = await task
    assert movie_id is not None
    added = ctx.library.get(movie_id)
    # Looked up: the providers' title, and identified by that lookup.
    assert added.title == "Movie 949" and added.ids.tmdb == 949
    assert added.status is IdentificationStatus.IDENTIFIED
    assert messages[-1] == "Added Movie 949."
    assert page.current_id() == movie_id

    # The same id again is reported, not added.
    task = await open_add(page)
    dialog = page.add_dialog
    assert dialog is not None
    QTest.keyClicks(dialog.tmdb_edit, "949")
    dialog.add_button.click()
    assert dialog.isVisible()
    assert dialog.form_error.text() == "Already in the library: Movie 949, with the same id."
    dialog.reject()
    assert await task is None
    assert page.model.total == 1

    # A TheTVDB id alone.
    task = await open_add(page)
    dialog = page.add_dialog
    assert dialog is not None
    QTest.keyClicks(dialog.tvdb_edit, "tvdb:700046")
    dialog.add_button.click()
    tvdb_movie = await task
    assert tvdb_movie is not None and ctx.library.get(tvdb_movie).ids.tvdb == 700046
    assert page.model.total == 2

    # Nothing at all: a title or an id is asked for.
    task = await open_add(page)
    dialog = page.add_dialog
    assert dialog is not None
    dialog.submit()
    assert "or an id alone" in dialog.errors["title"].text()
    dialog.reject()
    assert await task is None


async def test_an_id_no_provider_knows_is_refused_inline(
    fake_ctx: FakeCtx,
    library_page_factory: Callable[[UiContext], LibraryPage],
) -> None:
    ctx, fake, _clock = fake_ctx
    for provider in ("tmdb", "omdb", "tvdb", "fanart"):
        fake.not_found.add((provider, "31337"))
    page = library_page_factory(ctx)
    await page.load()
    task = await open_add(page)
    dialog = page.add_dialog
    assert dialog is not None
    QTest.keyClicks(dialog.tmdb_edit, "31337")
    dialog.add_button.click()
    await until(lambda: "No provider knows" in dialog.form_error.text())
    assert dialog.isVisible() and page.model.total == 0
    dialog.reject()
    assert await task is None
    assert ExternalIds(tmdb=31337) not in [r.ids for r in await ctx.library.all()]  # type: ignore[union-attr]
