"""The movie page after an identification in the Identify dialog (the enrichment follows and its
result is shown, with the identification's `why`; an identification made elsewhere starts none), no
movie's text making the window wider, the movie's folder with "Open folder", a refused value's
banner going away with the edit or the movie, and Esc/Ctrl+1 back to the library."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtCore import Qt
from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import SyncState
from metarr_desktop.players import PlayerKind
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.players.models import MovieSyncState
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.identify.dialog import IdentifyDialog
from metarr_desktop.ui.main_window import MainWindow
from metarr_desktop.ui.main_window import Page
from metarr_desktop.ui.main_window import window_settings
from metarr_desktop.ui.movie.page import MovieDetailPage
from tests.helpers.identify import choose_film
from tests.helpers.movie_page import enriched_inception
from tests.helpers.movie_page import open_editor
from tests.helpers.movie_page import press_return
from tests.helpers.qt import settle
from tests.helpers.qt import shoot
from tests.helpers.qt import until

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("propagateSizeHints"),
    pytest.mark.usefixtures("collect_on_the_qt_thread"),
]


async def unidentified_inception_page(
    ctx: UiContext, new_page: Callable[[UiContext], MovieDetailPage]
) -> tuple[MovieDetailPage, int]:
    """A page showing Inception, just added to the library and not identified yet."""
    assert ctx.suite is not None
    movie_id = ctx.suite.library.add("Inception", year=2010).id
    page = new_page(ctx)
    await page.load_movie(movie_id)
    return page, movie_id


def press(
    widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, key, modifiers))


# --------------------------------------------------------------------------------------------------
# Identified in the Identify dialog: the page fetches and shows the film, and why it is that film
# --------------------------------------------------------------------------------------------------


async def test_identify_as_this_fills_the_page_and_says_why(
    sandbox_ctx: UiContext,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
) -> None:
    page, movie_id = await unidentified_inception_page(sandbox_ctx, movie_page_factory)
    assert page.header.status.chip("status") is not None
    assert page.header.status.chips[0].text == "Not identified yet"
    assert not page.why_line.isVisible()
    assert page.detail is not None and not page.detail.movie.fields.get("plot")

    dialog = IdentifyDialog(sandbox_ctx, movie_id, page)
    # As the window does: a committed choice is the page's to follow, then it reloads.
    dialog.identified.connect(page.follow_identification)
    dialog.identified.connect(lambda _movie_id: spawn(page.load()))
    closed = dialog_result(dialog)
    dialog.show()
    refreshed = await choose_film(dialog, page.refreshFinished, "Inception", 2010)
    await asyncio.wait_for(closed, 5)
    (result,) = await refreshed
    assert isinstance(result, EnrichResult) and result.status is Status.ENRICHED
    await settle()

    assert page.detail is not None and page.detail.movie.status is IdentificationStatus.IDENTIFIED
    assert page.detail.movie.fields.get("plot")
    assert page.header.status.chips[0].text == "Identified"
    assert page.refresh_title.text().startswith("Refresh finished: ")
    assert "field" in page.refresh_title.text()
    detail = page.refresh_detail.text()
    assert "Identified as TMDB 27205" in detail and "(your choice)" in detail
    assert "Several films match" not in detail
    assert "Never enriched" not in page.info.text()
    assert page.why_line.isVisible()
    assert page.why_line.summary.text().startswith("Identified as TMDB 27205")
    assert "why: the user's choice" in page.why_line.summary.text()
    page.why_line.toggle.click()
    await settle()
    assert page.why_line.details.isVisible()
    assert "Answered by" in page.why_line.details.text()
    assert page.why_line.summary.textFormat() is Qt.TextFormat.PlainText
    shoot(page, "movie-after-identify-as-this")
    # A later refresh is a refresh like any other: it does not claim to follow the identification.
    again = await page.refresh()
    assert again is not None and "your choice" not in page.refresh_detail.text()


async def test_an_identification_by_the_refresh_shows_its_why(
    sandbox_ctx: UiContext,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
) -> None:
    page, _ = await unidentified_inception_page(sandbox_ctx, movie_page_factory)
    result = await page.refresh()
    assert result is not None and result.status is Status.ENRICHED
    await settle()
    # Its own identification does not start a second refresh.
    assert page.job is not None and page.job.state.finished
    summary = page.why_line.summary.text()
    assert summary.startswith("Identified as ") and "why: " in summary
    page.why_line.toggle.click()
    details = page.why_line.details.text()
    assert "Searched for “Inception” (normalised “inception”, year 2010)." in details
    assert "Year rule: same year, or one year off" in details
    assert "Best match “Inception” (2010)" in details
    shoot(page, "movie-why-after-refresh")


@pytest.mark.parametrize("sandbox_images", [None])  # no pictures: the library page needs none
async def test_the_window_refreshes_after_the_dialogs_choice_and_not_after_enrich_all(
    sandbox_ctx: UiContext, tmp_path: Path
) -> None:
    """Through the window: reopening a movie that Enrich all identified starts no refresh; the
    Identify dialog's choice is followed by one."""
    assert sandbox_ctx.suite is not None
    heat = sandbox_ctx.suite.library.add("Heat", year=1995).id
    inception = sandbox_ctx.suite.library.add("Inception", year=2010).id
    jobs = sandbox_ctx.jobs
    window = MainWindow(sandbox_ctx, settings=window_settings(tmp_path))
    try:
        window.show()
        page = window.movie_page
        await window.open_movie(heat)
        window.show_page(Page.LIBRARY, force=True)
        enrich_all = window.library_page.enrich_all()
        assert enrich_all is not None
        await jobs.wait(enrich_all)
        titles = [job.title for job in jobs.jobs]
        await window.open_movie(heat)
        await settle()
        assert page.detail is not None and page.detail.movie.status is IdentificationStatus.IDENTIFIED
        assert [job.title for job in jobs.jobs] == titles and page.job is None
        assert page.tabs.currentWidget() is page.table

        await window.open_movie(inception)
        shown = spawn(window.identify(inception))
        await until(lambda: any(isinstance(w, IdentifyDialog) for w in QApplication.topLevelWidgets()))
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, IdentifyDialog))
        refreshed = await choose_film(dialog, page.refreshFinished, "Inception", 2010)
        await asyncio.wait_for(shown, 5)
        (result,) = await refreshed
        assert isinstance(result, EnrichResult) and page.tabs.currentWidget() is page.refresh_panel
        assert [job.title for job in jobs.jobs] == [*titles, "Refresh metadata: Inception"]
    finally:
        window.dispose()
        window.hide()
        window.deleteLater()


@pytest.mark.parametrize("by", ["enrichment", "identification"])
async def test_an_identification_made_elsewhere_never_starts_a_refresh(
    sandbox_ctx: UiContext,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
    by: str,
) -> None:
    """Enrich all, the schedule or `metarr identify` identified the movie shown before: reopening
    it shows the film and starts no refresh (only the Identify dialog's choice is followed)."""
    page, movie_id = await unidentified_inception_page(sandbox_ctx, movie_page_factory)
    suite = sandbox_ctx.suite
    assert suite is not None
    if by == "enrichment":
        result = await suite.enrichment.enrich(movie_id, EnrichOptions(mode=Mode.MANUAL))
        assert result.status is Status.ENRICHED
    else:
        assert (await suite.identification.identify(movie_id)).identified
    refreshes: list[object] = []
    page.refreshFinished.connect(refreshes.append)
    await page.load_movie(movie_id)
    await settle()
    assert page.job is None and refreshes == []
    assert page.detail is not None and page.detail.movie.status is IdentificationStatus.IDENTIFIED
    assert page.tabs.currentWidget() is page.table


# --------------------------------------------------------------------------------------------------
# The window's width: no movie's text makes it wider
# --------------------------------------------------------------------------------------------------

NO_FOLDER = "the movie has no folder, and the player has no movie with its ids"
LONG_TITLE = (
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch: Night of the Day of the Dawn of the "
    "Son of the Bride of the Return of the Revenge of the Terror of the Attack of the Living Dead"
)


async def test_long_player_lines_and_a_long_title_never_widen_the_window(
    window: MainWindow, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each player's line is shortened to the room there is (the whole line in its tooltip), a
    title's word longer than the banner is cut at its edge: the window keeps the minimum width it
    has for any movie, and can be made that narrow."""
    assert ctx.library is not None
    plain = ctx.library.add("Heat", year=1995).id
    long = ctx.library.add(LONG_TITLE, year=2001).id
    ctx.library.edit_field(long, "tagline", "A-tagline-without-a-single-space-" * 8)
    kodi = PlayerKind.KODI
    states = [
        MovieSyncState(n, f"Living room Kodi {n}", kodi, SyncState.NOT_FOUND, None, NO_FOLDER, None)
        for n in (1, 2, 3)
    ]
    page = window.movie_page
    monkeypatch.setattr(page.player_sync, "states", lambda: states)
    await window.open_movie(plain)
    await settle()
    plain_width = window.minimumSizeHint().width()

    await window.open_movie(long)
    await settle()
    lines = page.player_sync.labels
    expected = [f"? Living room Kodi {n}: not found: {NO_FOLDER}" for n in (1, 2, 3)]
    assert [line.text() for line in lines] == expected
    assert [line.toolTip() for line in lines] == expected
    assert window.minimumSizeHint().width() == plain_width < 1200
    window.resize(plain_width, window.height())
    await settle()
    assert window.width() == plain_width
    assert all(line.shown_text() == line.text() for line in lines)  # room enough for the whole line
    page.player_sync.resize(400, page.player_sync.height())
    assert all(line.shown_text().endswith("…") for line in lines)

    # A job named after the movie, in the status bar, is shortened too.
    release = asyncio.Event()

    async def held(_handle: object) -> None:
        await release.wait()

    job = ctx.jobs.start(f"Refresh metadata: {LONG_TITLE}", held)
    await until(lambda: window.job_label.text().startswith(f"Refresh metadata: {LONG_TITLE}"))
    assert window.job_label.toolTip() == window.job_label.text()
    assert window.minimumSizeHint().width() == plain_width
    release.set()
    await ctx.jobs.wait(job)
    shoot(window, "movie-long-texts-narrow-window")


# --------------------------------------------------------------------------------------------------
# The folder
# --------------------------------------------------------------------------------------------------


async def test_the_folder_is_shown_and_opened(
    sandbox_ctx: UiContext,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
    tmp_path: Path,
) -> None:
    assert sandbox_ctx.suite is not None
    folder = tmp_path / "Films" / ("A very long folder name " * 4 + "Inception (2010)")
    folder.mkdir(parents=True)
    movie_id = sandbox_ctx.suite.library.add(
        "Inception", year=2010, ids=ExternalIds(tmdb=27205), path=str(folder)
    ).id
    gone = sandbox_ctx.suite.library.add("Gone", year=2001, path=str(tmp_path / "nowhere")).id
    page = movie_page_factory(sandbox_ctx)
    opened: list[QUrl] = []

    def opener(url: QUrl) -> bool:
        opened.append(url)
        return True

    page.folder_line.opener = opener
    await page.load_movie(movie_id)
    await settle()
    line = page.folder_line
    assert line.isVisible() and line.open_button.isEnabled()
    assert line.path_label.toolTip() == str(folder)
    assert line.path_label.textFormat() is Qt.TextFormat.PlainText
    shown = line.path_label.text()
    assert "…" in shown and shown.endswith("Inception (2010)")  # elided in the middle
    line.open_button.click()
    assert opened == [QUrl.fromLocalFile(str(folder))]
    shoot(page, "movie-folder")

    messages: list[str] = []
    page.message.connect(messages.append)
    await page.load_movie(gone)
    assert not line.open_button.isEnabled()
    assert "The folder is missing" in line.open_button.toolTip()
    assert "The folder is missing" in line.path_label.toolTip()
    assert line.open_folder() is False and opened == [QUrl.fromLocalFile(str(folder))]
    assert messages and "The folder is missing" in messages[-1]


# --------------------------------------------------------------------------------------------------
# A refused value's banner, and going back
# --------------------------------------------------------------------------------------------------


async def test_a_refused_value_s_banner_goes_with_esc_and_with_the_movie(
    sandbox_ctx: UiContext,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
) -> None:
    assert sandbox_ctx.suite is not None
    movie_id = await enriched_inception(sandbox_ctx)
    other = sandbox_ctx.suite.library.add("The Matrix", year=1999).id
    page = movie_page_factory(sandbox_ctx)
    backs: list[bool] = []
    page.backRequested.connect(lambda: backs.append(True))
    await page.load_movie(movie_id)
    editor = await open_editor(page, "runtime")
    editor.setText("two hours")
    await settle()
    assert page.notice.isVisible() and "Runtime must be" in page.notice.text()
    press(editor, Qt.Key.Key_Escape)
    await settle()
    assert page.table.findChild(QWidget, "editor-runtime") is None  # the editor is gone
    assert not page.notice.isVisible()
    assert backs == []  # Esc in the editor cancels the edit, it does not leave the movie

    editor = await open_editor(page, "runtime")
    editor.setText("two hours")
    press_return(editor)
    await settle()
    assert page.notice.isVisible() and "Runtime must be" in page.notice.text()
    shoot(page, "movie-refused-banner")
    await page.load_movie(other)
    assert not page.notice.isVisible() and page.notice.text() == ""

    # Esc on the page (the fields table has the focus) goes back to the library.
    page.table.setFocus()
    press(page.table, Qt.Key.Key_Escape)
    await until(lambda: backs == [True])
