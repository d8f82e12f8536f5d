"""The movie detail page: fields with source badges and locks, hand edits, Refresh Metadata with live
per-provider progress and the change set, cancellation, the history, and how it looks.

Two set-ups: the real services against the sandbox on loopback (the demo catalog's real movies, real
provider clients), and the real services against in-memory fake providers with simulated time (for
retries, held requests and cancellation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtCore import QPointF
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QApplication

from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import FIELD_GROUPS
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.jobs import EventKind
from metarr_desktop.services.jobs import JobEvent
from metarr_desktop.services.jobs import JobState
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.movie.models import ChangeSetModel
from metarr_desktop.ui.movie.models import FieldsModel
from metarr_desktop.ui.movie.models import HistoryModel
from metarr_desktop.ui.movie.models import ProviderState
from metarr_desktop.ui.movie.models import RefreshProgress
from metarr_desktop.ui.movie.models import all_fields_grouped
from metarr_desktop.ui.movie.models import display_value
from metarr_desktop.ui.movie.page import MovieDetailPage
from tests.helpers.fixtures import FakeCtx
from tests.helpers.movie_page import Watcher
from tests.helpers.movie_page import altered_catalog
from tests.helpers.movie_page import enriched_inception
from tests.helpers.movie_page import open_editor
from tests.helpers.movie_page import press_return
from tests.helpers.qt import recorded
from tests.helpers.qt import settle
from tests.helpers.qt import shoot

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("propagateSizeHints"),
    pytest.mark.usefixtures("collect_on_the_qt_thread"),
]


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------------


def test_the_groups_hold_every_field_once() -> None:
    assert sorted(all_fields_grouped()) == sorted(ALL_FIELDS)
    assert [title for title, _ in FIELD_GROUPS][3] == "Ratings"


async def test_the_models_pass_the_model_tester(
    inception_page: tuple[MovieDetailPage, int], qtmodeltester: Any
) -> None:
    page, _movie_id = inception_page
    assert isinstance(page.fields, FieldsModel) and isinstance(page.history, HistoryModel)
    qtmodeltester.check(page.fields, force_py=True)
    qtmodeltester.check(page.history, force_py=True)
    result = await page.refresh()
    assert result is not None
    changes = ChangeSetModel()
    changes.set_changes(result.changes.changed_fields or [], {"tmdb": "TMDB"})
    qtmodeltester.check(changes, force_py=True)
    qtmodeltester.check(page.changes, force_py=True)


def test_values_read_as_text() -> None:
    cast = [{"name": "Leonardo DiCaprio", "role": "Dom Cobb"}, {"name": "Elliot Page", "role": None}]
    assert display_value("cast", cast) == "Leonardo DiCaprio (Dom Cobb), Elliot Page"
    assert display_value("genres", ["Action", "Science Fiction"]) == "Action, Science Fiction"
    assert display_value("runtime", 148) == "148 min (2 h 28)"
    assert display_value("imdb_votes", 2_600_000) == "2,600,000"
    assert display_value("imdb_rating", 8.8) == "8.8 / 10"
    assert display_value("rotten_tomatoes_score", 87) == "87 %"
    assert display_value("tagline", None) == ""
    many = [{"name": f"Actor {n}"} for n in range(12)]
    assert display_value("cast", many).endswith("Actor 7 and 4 more")


def test_progress_follows_the_engine_and_settles_from_the_result() -> None:
    seen: list[str] = []
    progress = RefreshProgress(["tmdb", "omdb", "tvdb", "fanart"], listener=lambda p: seen.append(p.text))
    progress.on_provider_start("tmdb")
    progress.on_provider_start("omdb")
    assert progress.states["tmdb"].state is ProviderState.RUNNING
    progress.on_provider_retry("omdb", 1, 2)
    assert progress.states["omdb"].text == "retry 1 of 2"
    progress.on_provider_timeout("omdb")
    progress.on_provider_complete("omdb", False)
    assert progress.states["omdb"].state is ProviderState.TIMEOUT
    progress.on_provider_complete("tmdb", True)
    from metarr_desktop.core.results import FailedProvider
    from metarr_desktop.services.enrichment import EnrichResult

    result = EnrichResult(
        1,
        Status.ENRICHED,
        providers=["tmdb"],
        cached=["fanart"],
        timed_out=["omdb"],
        failed=[FailedProvider("tvdb", "server error (HTTP 503)", True)],
    )
    progress.finish(result)
    states = {p: s.state for p, s in progress.states.items()}
    assert states == {
        "tmdb": ProviderState.DONE,
        "omdb": ProviderState.TIMEOUT,
        "tvdb": ProviderState.FAILED,
        "fanart": ProviderState.CACHED,
    }
    assert "HTTP 503" in progress.states["tvdb"].detail
    assert seen[:3] == ["running…", "running…", "retry 1 of 2"]


# --------------------------------------------------------------------------------------------------
# The page against the sandbox
# --------------------------------------------------------------------------------------------------


async def test_a_movie_shows_every_field_with_its_source_and_lock(
    inception_page: tuple[MovieDetailPage, int],
) -> None:
    page, movie_id = inception_page
    assert page.movie_id == movie_id
    assert page.header.title.text() == "Inception (2010)"
    fields = page.fields
    plot = fields.index(fields.row_of("plot"), FieldsModel.VALUE)
    assert "thief" in plot.data()
    source = fields.index(fields.row_of("plot"), FieldsModel.SOURCE)
    assert source.data() == "TMDB"
    assert fields.index(fields.row_of("imdb_rating"), FieldsModel.SOURCE).data() == "OMDb"
    cast = fields.index(fields.row_of("cast"), FieldsModel.VALUE).data()
    assert cast.startswith("Leonardo DiCaprio (Dom Cobb)")
    assert fields.index(fields.row_of("sort_title"), FieldsModel.VALUE).data() == "—"
    lock = fields.index(fields.row_of("plot"), FieldsModel.LOCK)
    assert lock.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    # The banner: images through the loader, ratings per source, never blended.
    assert page.header.poster is not None and page.header.fanart is not None
    ratings = {chip.key: chip.text for chip in page.header.ratings.chips}
    assert ratings == {
        "imdb": "IMDb  8.8",
        "tmdb": "TMDB  8.4",
        "rotten_tomatoes": "Rotten Tomatoes  87 %",
        "metacritic": "Metacritic  74",
    }
    assert "OMDb" in page.header.ratings.chip("imdb").secondary  # type: ignore[union-attr]
    assert "Last enriched" in page.info.text() and "OMDb, TMDB, TheTVDB and fanart.tv" in page.info.text()
    assert page.history.rowCount() == 1
    assert page.tabs.tabText(2) == "History (1)"


async def test_show_sources_hides_the_badges(inception_page: tuple[MovieDetailPage, int]) -> None:
    page, _movie_id = inception_page
    page.sources_button.click()
    assert not page.sources_visible and page.table.isColumnHidden(FieldsModel.SOURCE)
    assert "OMDb" not in page.header.ratings.chip("imdb").secondary  # type: ignore[union-attr]
    page.sources_button.click()
    assert page.sources_visible


async def test_an_unknown_movie_shows_a_message(
    sandbox_ctx: UiContext, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> None:
    page = movie_page_factory(sandbox_ctx)
    await page.load_movie(4242)
    assert page.stack.currentWidget() is page.missing
    assert "no movie with id 4242" in page.missing.text()
    assert not page.refresh_button.isEnabled() and page.back_button.isEnabled()
    assert await page.refresh() is None


async def test_the_buttons_ask_for_back_identify_and_artwork(
    inception_page: tuple[MovieDetailPage, int],
) -> None:
    page, movie_id = inception_page
    asked: list[Any] = []
    page.backRequested.connect(lambda: asked.append("back"))
    page.identifyRequested.connect(lambda m: asked.append(("identify", m)))
    page.assetsRequested.connect(lambda m: asked.append(("assets", m)))
    page.back_button.click()
    page.identify_button.click()
    page.assets_button.click()
    assert asked == ["back", ("identify", movie_id), ("assets", movie_id)]


async def test_editing_a_field_stores_it_locks_it_and_says_so(
    sandbox_ctx: UiContext, inception_page: tuple[MovieDetailPage, int]
) -> None:
    page, movie_id = inception_page
    messages = recorded(page.message)

    # Through the real editor: double-click opens it, typing and Enter store the value.
    editor = await open_editor(page, "tagline")
    assert editor.text() == "Your mind is the scene of the crime."
    editor.setText("Dreams feel real while we're in them.")
    press_return(editor)
    await settle()
    assert messages[-1] == "Tagline edited and locked: refreshes will not change it."
    assert page.notice.isVisible() and "Tagline edited and locked" in page.notice.text()
    movies = sandbox_ctx.suite.library  # type: ignore[union-attr]
    assert movies.get(movie_id).fields["tagline"] == "Dreams feel real while we're in them."
    assert movies.movie_detail(movie_id).locked == {"tagline"}
    row = page.fields.row_of("tagline")
    assert page.fields.index(row, FieldsModel.SOURCE).data() == "EDITED"
    assert (
        page.fields.index(row, FieldsModel.LOCK).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    )
    assert (
        page.header.tagline.text() == "Your mind is the scene of the crime."
    )  # header shows the movie as loaded
    assert page.header.status.chip("locked") is not None

    # A list, comma-separated.
    assert page.edit_field("genres", "Science Fiction, Heist")
    assert movies.get(movie_id).fields["genres"] == ["Science Fiction", "Heist"]


async def test_invalid_input_is_refused_inline(
    sandbox_ctx: UiContext, inception_page: tuple[MovieDetailPage, int]
) -> None:
    page, movie_id = inception_page
    editor = await open_editor(page, "runtime")
    assert editor.text() == "148"
    editor.setText("two hours")
    press_return(editor)
    await settle()
    assert editor.isVisible()  # refused: the editor stays open with the reason
    assert "border" in editor.styleSheet()
    assert "Runtime must be a whole number (minutes) from 1 to 2000" in page.notice.text()
    movies = sandbox_ctx.suite.library  # type: ignore[union-attr]
    assert movies.get(movie_id).fields["runtime"] == 148 and movies.movie_detail(movie_id).locked == set()
    editor.setText("150")
    assert editor.styleSheet() == "" and not page.notice.isVisible()
    press_return(editor)
    await settle()
    assert movies.get(movie_id).fields["runtime"] == 150
    # The page's own entry point refuses the same way.
    assert not page.edit_field("imdb_rating", "eleven")
    assert "IMDb rating was not changed" in page.notice.text()
    # The ids are the identity: not editable here.
    id_index = page.table.value_index("imdb_id")
    assert not page.fields.flags(id_index) & Qt.ItemFlag.ItemIsEditable


async def test_the_lock_toggle_locks_and_unlocks(
    sandbox_ctx: UiContext, inception_page: tuple[MovieDetailPage, int]
) -> None:
    page, movie_id = inception_page
    messages = recorded(page.message)
    movies = sandbox_ctx.suite.library  # type: ignore[union-attr]
    index = page.fields.index(page.fields.row_of("title"), FieldsModel.LOCK)
    page.table.scrollTo(index)
    await settle()
    rect = page.table.visualRect(index)
    centre = QPointF(rect.center().x(), rect.top() + 4 + 13)
    viewport = page.table.viewport()
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        event = QMouseEvent(
            kind,
            centre,
            viewport.mapToGlobal(centre),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton if kind == QEvent.Type.MouseButtonPress else Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(viewport, event)
    await settle()
    assert movies.movie_detail(movie_id).locked == {"title"}
    assert messages[-1] == "Title locked: refreshes will not change it."
    # Keyboard: Ctrl+L on the current row toggles it back.
    page.table.setCurrentIndex(page.table.value_index("title"))
    page.toggle_current_lock()
    assert movies.movie_detail(movie_id).locked == set()
    assert messages[-1] == "Title unlocked: the next refresh may change it."


async def test_a_field_locked_in_the_window_survives_a_forced_refresh(
    sandbox_ctx: UiContext,
    inception_page: tuple[MovieDetailPage, int],
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    page, movie_id = inception_page
    movies = sandbox_ctx.suite.library  # type: ignore[union-attr]
    original_plot = movies.get(movie_id).fields["plot"]
    assert page.set_locked("plot", True)  # the toggle
    assert page.edit_field("tagline", "My own tagline.")  # an edit locks too

    # The providers now say something else about plot, tagline and genres.
    altered = sandbox_factory(altered_catalog())
    for provider, url in altered.urls.items():
        await sandbox_ctx.providers.update(provider, ProviderUpdate(base_url=url))
    page.force_box.setChecked(True)
    result = await page.refresh()
    assert result is not None and result.status is Status.ENRICHED
    assert sum(altered.stats.snapshot()["requests"].values()) >= 4  # the cache was ignored

    stored = movies.get(movie_id).fields
    assert stored["plot"] == original_plot
    assert stored["tagline"] == "My own tagline."
    assert stored["genres"] == ["Thriller"]  # an unlocked field did change
    # Unlocked fields changed (OMDb's outline is its plot); the locked plot and tagline are not listed.
    assert [c.field for c in page.changes.changes] == ["outline", "genres"]
    assert "Locked fields were left as they are: Plot, Tagline." in page.refresh_detail.text()
    assert page.sync_label.text() == "A media player showing this movie must resync it. Changed: Genres."
    # The page reloaded: the table shows the new value, the locks stayed.
    genres = page.fields.index(page.fields.row_of("genres"), FieldsModel.VALUE).data()
    assert genres == "Thriller"
    assert page.fields.locked() == {"plot", "tagline"}
    states = {p: s.state for p, s in page.progress.states.items()}  # type: ignore[union-attr]
    assert states == dict.fromkeys(("omdb", "tmdb", "tvdb", "fanart"), ProviderState.DONE)
    assert page.history.rowCount() == 2
    assert page.history.index(0, HistoryModel.CHANGED).data() == "Outline, Genres"


async def test_a_refresh_without_force_answers_from_the_cache(
    sandbox_ctx: UiContext, inception_page: tuple[MovieDetailPage, int]
) -> None:
    page, _movie_id = inception_page
    result = await page.refresh()
    assert result is not None and result.status is Status.UNCHANGED
    assert {s.state for s in page.progress.states.values()} == {ProviderState.CACHED}  # type: ignore[union-attr]
    assert page.refresh_title.text() == "Refresh finished: nothing changed"
    assert page.sync_label.text() == "Nothing changed, so no media player resync is needed."
    assert not page.changes_view.isVisible()
    job = sandbox_ctx.jobs.jobs[-1]
    assert job.title == "Refresh metadata: Inception" and job.state is JobState.DONE


# --------------------------------------------------------------------------------------------------
# Live progress and cancellation (fake providers, simulated time)
# --------------------------------------------------------------------------------------------------


@pytest.fixture
async def matrix_page(
    fake_ctx: FakeCtx, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> tuple[MovieDetailPage, int]:
    """The Matrix, added with its ids and enriched from the fake providers, on a page: the page and its id."""
    ctx, _fake, _clock = fake_ctx
    assert ctx.suite is not None
    page = movie_page_factory(ctx)
    movie = ctx.suite.library.add("The Matrix", year=1999, ids=ExternalIds(tmdb=603, imdb="tt0133093"))
    await ctx.suite.enrichment.enrich(movie.id)
    await page.load_movie(movie.id)
    return page, movie.id


async def test_progress_is_live_per_provider(
    fake_ctx: FakeCtx, matrix_page: tuple[MovieDetailPage, int]
) -> None:
    ctx, fake, _clock = fake_ctx
    page, _movie_id = matrix_page
    fake.status["tvdb"] = 503
    seen: list[tuple[str, str, str]] = []
    running: list[bool] = []
    shot: list[bool] = []

    def on_event(event: JobEvent) -> None:
        if not event.provider:
            return
        chip = page.provider_chips.chip(event.provider)
        assert chip is not None
        seen.append((event.kind.value, event.provider, chip.secondary))
        running.append(page.cancel_button.isVisible() and not page.refresh_button.isEnabled())
        if event.kind is EventKind.RETRY and not shot:
            shot.append(shoot(page, "movie-progress").exists())

    unsubscribe = ctx.jobs.subscribe(Watcher(on_event))
    page.force_box.setChecked(True)
    try:
        result = await page.refresh()
    finally:
        unsubscribe()
    assert result is not None and result.status is Status.UNCHANGED
    # Each event was on the page as it happened: running, each retry, the outcome.
    assert ("start", "tmdb", "running…") in seen and ("complete", "tmdb", "done") in seen
    assert ("retry", "tvdb", "retry 1 of 2") in seen and ("retry", "tvdb", "retry 2 of 2") in seen
    assert ("failed", "tvdb", "failed") in seen
    assert all(running) and shot == [True]
    states = {p: s.text for p, s in page.progress.states.items()}  # type: ignore[union-attr]
    assert states == {"omdb": "done", "tmdb": "done", "tvdb": "failed", "fanart": "done"}
    assert "server error" in page.provider_chips.chip("tvdb").tooltip  # type: ignore[union-attr]
    assert "TheTVDB (fake) will be asked again later" in page.refresh_detail.text()
    assert page.incomplete.isVisible() and "TheTVDB (fake)" in page.incomplete.text()
    assert not page.cancel_button.isVisible() and page.refresh_button.isEnabled()


async def test_cancel_stops_the_refresh_and_changes_nothing(
    fake_ctx: FakeCtx,
    matrix_page: tuple[MovieDetailPage, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ctx, _fake, _clock = fake_ctx
    assert ctx.suite is not None
    page, movie_id = matrix_page
    before = ctx.suite.library.get(movie_id)
    history = len(ctx.suite.library.movie_detail(movie_id).history)

    from tests.helpers import fake_services

    original = fake_services.answer

    def changed(provider: str, movie: str) -> dict[str, Any]:
        body = original(provider, movie)
        body["fields"]["plot"] = "Something new"
        return body

    monkeypatch.setattr(fake_services, "answer", changed)
    clicked: list[bool] = []

    def on_event(event: JobEvent) -> None:
        if event.kind is EventKind.START and not clicked:  # the requests are on their way
            page.cancel_button.click()
            clicked.append(True)

    unsubscribe = ctx.jobs.subscribe(Watcher(on_event))
    finished: list[Any] = []
    page.refreshFinished.connect(finished.append)
    page.force_box.setChecked(True)
    try:
        assert await page.refresh() is None
    finally:
        unsubscribe()
    assert clicked and finished == [None]
    assert page.refresh_title.text() == "Refresh of Movie 603 cancelled: nothing was changed."
    states = {s.state for s in page.progress.states.values()}  # type: ignore[union-attr]
    assert states == {ProviderState.SKIPPED}
    assert ctx.jobs.jobs[-1].state is JobState.CANCELLED
    assert not page.cancel_button.isVisible() and page.refresh_button.isEnabled()
    after = ctx.suite.library.get(movie_id)
    assert after.fields == before.fields and after.last_enriched_at == before.last_enriched_at
    assert len(ctx.suite.library.movie_detail(movie_id).history) == history


async def test_a_refresh_that_gets_no_answer_says_so(
    fake_ctx: FakeCtx, matrix_page: tuple[MovieDetailPage, int]
) -> None:
    _ctx, fake, _clock = fake_ctx
    page, _movie_id = matrix_page
    for provider in ("omdb", "tmdb", "tvdb", "fanart"):
        fake.status[provider] = 401
    page.force_box.setChecked(True)
    result = await page.refresh()
    assert result is not None and result.status is Status.FAILED
    assert page.refresh_title.text().startswith("Refresh finished: failed: no provider gave a usable answer")
    assert "Nothing was changed" in page.refresh_detail.text()


# --------------------------------------------------------------------------------------------------
# How it looks
# --------------------------------------------------------------------------------------------------


async def test_render_the_page(
    scheme: Scheme,
    sandbox_ctx: UiContext,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
    sandbox_factory: Callable[..., SandboxServer],
) -> None:
    page = movie_page_factory(sandbox_ctx)
    page.resize(1010, 860)
    movie_id = await enriched_inception(sandbox_ctx)
    assert sandbox_ctx.suite is not None
    sandbox_ctx.suite.library.set_locked(movie_id, "title", True)
    sandbox_ctx.suite.library.edit_field(movie_id, "tagline", "Your mind is the scene of the crime.")
    await page.load_movie(movie_id)
    await settle()
    path = shoot(page, f"movie-{scheme.value}")
    page.table.scrollTo(page.table.value_index("cast"), QAbstractItemView.ScrollHint.PositionAtTop)
    await settle()
    shoot(page, f"movie-fields-{scheme.value}")
    page.table.scrollToBottom()
    await settle()
    shoot(page, f"movie-fields-end-{scheme.value}")
    altered = sandbox_factory(altered_catalog())
    for provider, url in altered.urls.items():
        await sandbox_ctx.providers.update(provider, ProviderUpdate(base_url=url))
    page.force_box.setChecked(True)
    await page.refresh()
    await settle()
    shoot(page, f"movie-refresh-{scheme.value}")
    page.tabs.setCurrentWidget(page.history_view)
    await settle()
    shoot(page, f"movie-history-{scheme.value}")
    image = QImage(str(path))
    assert not image.isNull() and image.width() >= 1000


async def test_relative_times_move_on(fake_ctx: FakeCtx, matrix_page: tuple[MovieDetailPage, int]) -> None:
    _ctx, _fake, clock = fake_ctx
    page, _movie_id = matrix_page
    assert "Last enriched</b> just now" in page.info.text()
    assert page.info.toolTip() == clock.now().strftime("Last enriched %Y-%m-%d %H:%M:%S UTC")
    page.history_view.selectRow(0)
    clock.advance(2 * 86400 + 60)
    page.refresh_times()
    assert "Last enriched</b> 2 d ago" in page.info.text()
    assert page.history.index(0, HistoryModel.WHEN).data().endswith("(2 d ago)")
    assert page.history_view.currentIndex().row() == 0  # the selection stayed
