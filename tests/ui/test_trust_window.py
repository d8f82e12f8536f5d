"""The trust features through the window: the field inspector (source badge click, Ctrl+I, "Use this value",
"Always prefer this provider"), "Preview changes first" with its dialog (accept ticked fields, no
request), the bulk preview summary, and "Undo this refresh" on the History tab. Each screen is saved
as a PNG under /tmp/metarr-shots to be looked at.

Real services against the sandbox on loopback (the demo catalog's real movies, the real provider
clients); a second sandbox with an altered catalog stands for the providers changing their minds.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QWidget

from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.enrichment import Status
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.inspect.dialog import FieldInspectorDialog
from metarr_desktop.ui.inspect.model import CandidatesModel
from metarr_desktop.ui.inspect.presenter import InspectorPresenter
from metarr_desktop.ui.inspect.presenter import rule_text
from metarr_desktop.ui.movie.models import FieldsModel
from metarr_desktop.ui.movie.page import MovieDetailPage
from metarr_desktop.ui.preview.dialogs import BulkPreviewDialog
from metarr_desktop.ui.preview.dialogs import PreviewDialog
from metarr_desktop.ui.preview.models import FieldSummaryModel
from metarr_desktop.ui.preview.models import MovieSummaryModel
from metarr_desktop.ui.preview.models import PreviewChangesModel
from metarr_desktop.ui.preview.presenter import BulkPreviewPresenter
from metarr_desktop.ui.preview.presenter import PreviewPresenter
from tests.helpers.movie_page import INCEPTION
from tests.helpers.movie_page import altered_catalog
from tests.helpers.movie_page import enriched_inception
from tests.helpers.qt import settle
from tests.helpers.qt import shoot
from tests.helpers.qt import until

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("propagateSizeHints"),
    pytest.mark.usefixtures("collect_on_the_qt_thread"),
]


@pytest.fixture
def world(sandbox_ctx: UiContext, sandbox: SandboxServer) -> tuple[UiContext, SandboxServer]:
    """The window's context over the sandbox, and the sandbox (to count its requests)."""
    return sandbox_ctx, sandbox


def requests(*servers: SandboxServer) -> int:
    return sum(int(s.stats.snapshot()["total"]) for s in servers)


async def switch_to(ctx: UiContext, server: SandboxServer) -> None:
    for provider, url in server.urls.items():
        await ctx.providers.update(provider, ProviderUpdate(base_url=url))


def dialog_of(page: QWidget, kind: type[Any]) -> Any:
    found = [d for d in page.findChildren(kind) if d.isVisible()]
    assert len(found) == 1, found
    return found[0]


async def preview_of_a_new_inception(
    ctx: UiContext, new_page: Callable[[UiContext], MovieDetailPage]
) -> tuple[int, PreviewDialog]:
    """Inception, just added with its ids, refreshed with "Preview changes first": its id and the dialog."""
    assert ctx.suite is not None
    page = new_page(ctx)
    movie = ctx.suite.library.add("Inception", year=2010, ids=INCEPTION)
    await page.load_movie(movie.id)
    page.preview_box.setChecked(True)
    await page.refresh()
    await settle()
    dialog: PreviewDialog = dialog_of(page, PreviewDialog)
    return movie.id, dialog


# -- presenters and models, without the window --------------------------------------------------------


def test_rule_codes_read_with_provider_names() -> None:
    names = {"tmdb": "TMDB", "omdb": "OMDb"}
    assert rule_text("authority: tmdb > omdb", names) == "authority: TMDB > OMDb"
    assert rule_text("exclusive: omdb", names) == "exclusive: OMDb"
    assert rule_text("language: de-DE", names) == "language: de-DE first"
    assert rule_text("edited", names) == "edited by you"
    assert rule_text(None, names) == "no value"


async def test_the_models_pass_the_model_tester(world: Any, qtmodeltester: Any) -> None:
    ctx, _server = world
    movie_id = await enriched_inception(ctx)
    suite = ctx.suite
    presenter = InspectorPresenter(suite.inspect, movie_id, "plot", names={}, now=ctx.clock.now)
    presenter.load()
    candidates = CandidatesModel()
    candidates.set_rows(presenter.rows)
    qtmodeltester.check(candidates, force_py=True)
    preview = await suite.preview.preview(movie_id, force=True)
    changes = PreviewChangesModel(PreviewPresenter(suite.preview, preview, title="Inception", names={}))
    qtmodeltester.check(changes, force_py=True)
    bulk = await suite.preview.preview_many([movie_id])
    summary = BulkPreviewPresenter(suite.preview, bulk, titles={movie_id: "Inception"})
    qtmodeltester.check(FieldSummaryModel(summary), force_py=True)
    qtmodeltester.check(MovieSummaryModel(summary), force_py=True)


# -- the inspector -------------------------------------------------------------------------------------


async def test_a_click_on_a_source_badge_opens_the_inspector_and_use_this_value_locks_it(
    world: Any,
    inception_page: tuple[MovieDetailPage, int],
    qtbot: Any,
) -> None:
    ctx, server = world
    page, movie_id = inception_page
    before = requests(server)
    index = page.fields.index(page.fields.row_of("plot"), FieldsModel.SOURCE)
    page.table.scrollTo(index)
    await settle()
    qtbot.mouseClick(
        page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(index).center()
    )
    await settle()
    dialog: FieldInspectorDialog = dialog_of(page, FieldInspectorDialog)
    assert requests(server) == before  # the cache only
    presenter = dialog.presenter
    assert presenter.field == "plot" and presenter.rule_line() == "Rule: authority: TMDB > OMDb"
    providers = [row.provider for row in presenter.rows]
    assert {"tmdb", "omdb"} <= set(providers)
    assert dialog.model.index(dialog.selected_row(), CandidatesModel.PROVIDER).data() == "TMDB"
    assert not dialog.use_button.isEnabled() or presenter.rows[dialog.selected_row()].provider == "tmdb"
    await settle()
    shoot(dialog, "inspector-plot")

    assert dialog.select_provider("omdb")
    assert dialog.use_button.isEnabled()
    omdb_plot = next(
        r
        for r in ctx.suite.inspect.inspect(movie_id, "plot").fields["plot"].candidates
        if r.provider == "omdb"
    ).value
    qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    await until(lambda: page.fields.locked() == {"plot"})
    stored = ctx.suite.app.movies.require(movie_id).fields["plot"]
    assert stored == omdb_plot
    assert ctx.suite.app.movies.field_sources(movie_id)["plot"].provider == "omdb"
    assert presenter.rule_line() == "Rule: locked"
    assert "locked so that no refresh changes it" in dialog.status.text()
    shoot(dialog, "inspector-plot-used")
    dialog.close()
    assert requests(server) == before


async def test_ctrl_i_opens_the_current_field_and_always_prefer_edits_the_rule(
    world: Any,
    inception_page: tuple[MovieDetailPage, int],
    qtbot: Any,
) -> None:
    ctx, _server = world
    page, _movie_id = inception_page
    page.table.setFocus()
    page.table.setCurrentIndex(page.table.value_index("imdb_rating"))
    await settle()
    qtbot.keyClick(page.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    await settle()
    dialog: FieldInspectorDialog = dialog_of(page, FieldInspectorDialog)
    assert dialog.presenter.field == "imdb_rating"
    assert dialog.presenter.rule_line() == "Rule: exclusive: OMDb"
    shoot(dialog, "inspector-imdb-rating")
    dialog.close()
    await settle()

    page.activateWindow()
    page.table.setFocus()
    page.table.setCurrentIndex(page.table.value_index("plot"))
    await settle()
    qtbot.keyClick(page.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    await settle()
    dialog = dialog_of(page, FieldInspectorDialog)
    assert dialog.select_provider("omdb") and dialog.prefer_button.isEnabled()
    qtbot.mouseClick(dialog.prefer_button, Qt.MouseButton.LeftButton)
    await settle()
    assert ctx.authority.get().field_authorities["plot"].providers == ["omdb", "tmdb"]
    assert dialog.status.text().startswith("Field authority changed: Plot now comes from OMDb first, then")
    explanation = dialog.presenter.explanation
    assert explanation is not None and explanation.merged_source == "omdb"
    assert explanation.rule == "authority: omdb > tmdb"
    assert not dialog.prefer_button.isEnabled()
    shoot(dialog, "inspector-plot-preferred")
    dialog.close()


# -- preview -------------------------------------------------------------------------------------------


async def test_preview_changes_first_writes_nothing_then_accepting_ticked_fields_sends_no_request(
    world: Any,
    inception_page: tuple[MovieDetailPage, int],
    sandbox_factory: Callable[..., SandboxServer],
    qtbot: Any,
) -> None:
    ctx, server = world
    page, movie_id = inception_page
    movies = ctx.suite.app.movies
    stored = dict(movies.require(movie_id).fields)
    assert page.detail is not None
    history = len(page.detail.history)
    altered = sandbox_factory(altered_catalog())
    await switch_to(ctx, altered)
    page.force_box.setChecked(True)
    page.preview_box.setChecked(True)
    result = await page.refresh()
    assert result is not None and result.preview and result.status is Status.ENRICHED
    await settle()
    assert movies.require(movie_id).fields == stored  # nothing written
    assert len(ctx.suite.library.movie_detail(movie_id).history) == history
    dialog: PreviewDialog = dialog_of(page, PreviewDialog)
    names = [row.field for row in dialog.presenter.rows]
    assert {"plot", "tagline", "genres"} <= set(names)
    assert page.refresh_title.text().startswith("Preview: A refresh of Inception would change")
    await settle()
    shoot(dialog, "preview-movie")

    sent = requests(server, altered)
    for row, change in enumerate(dialog.presenter.rows):  # keep only the plot and the genres
        if change.field not in ("plot", "genres"):
            index = dialog.model.index(row, PreviewChangesModel.APPLY)
            assert dialog.model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.presenter.chosen() == [n for n in names if n in ("plot", "genres")]
    applied = asyncio.get_running_loop().create_future()
    dialog.applied.connect(lambda outcome: None if applied.done() else applied.set_result(outcome))
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    outcome = await asyncio.wait_for(applied, 5)
    assert requests(server, altered) == sent  # from the cache
    assert sorted(outcome.result.changes.names()) == ["genres", "plot"] and outcome.differs == []
    now = movies.require(movie_id).fields
    assert now["plot"] == "A different plot the providers now tell." and now["genres"] == ["Thriller"]
    assert now["tagline"] == stored["tagline"]
    assert "Applied 2 fields from the cache" in dialog.status.text()
    shoot(dialog, "preview-movie-accepted")
    await until(lambda: page.refresh_title.text().startswith("Refresh finished: 2 fields changed"))
    dialog.close()


async def test_the_preview_shows_the_nfo_diff_of_a_published_movie_and_follows_the_ticks(
    world: Any,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
    sandbox_factory: Callable[..., SandboxServer],
    tmp_path: Path,
) -> None:
    ctx, _server = world
    folder = tmp_path / "lib" / "Inception (2010)"
    folder.mkdir(parents=True)
    (folder / "Inception.mkv").write_bytes(b"\x1a\x45\xdf\xa3")
    movie = ctx.suite.library.add("Inception", year=2010, ids=INCEPTION, path=str(folder))
    assert (await ctx.suite.enrichment.enrich(movie.id)).status is Status.ENRICHED
    publish = ctx.suite.app.publish
    await publish.publish_one(movie.id, options=dataclasses.replace(publish.options(), artwork=()))
    nfo = folder / "Inception.nfo"
    written = nfo.read_bytes()
    page = movie_page_factory(ctx)
    await page.load_movie(movie.id)
    await switch_to(ctx, sandbox_factory(altered_catalog()))
    page.force_box.setChecked(True)
    page.preview_box.setChecked(True)
    await page.refresh()
    await settle()
    dialog: PreviewDialog = dialog_of(page, PreviewDialog)
    assert dialog.nfo_shown and dialog.nfo_box.isVisible()
    await until(lambda: dialog.nfo_diff.toPlainText().startswith("--- Inception.nfo (on disk)"))
    text = dialog.nfo_diff.toPlainText()
    assert "+  <plot>A different plot the providers now tell.</plot>" in text
    assert "+  <genre>Thriller</genre>" in text
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    assert dialog.nfo_diff.font().family() == fixed.family()  # monospace, plain text
    await settle()
    shoot(dialog, "preview-nfo-diff")

    plot_row = next(i for i, r in enumerate(dialog.presenter.rows) if r.field == "plot")
    index = dialog.model.index(plot_row, PreviewChangesModel.APPLY)
    assert dialog.model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    await until(lambda: "<plot>A different plot" not in dialog.nfo_diff.toPlainText())
    assert "+  <genre>Thriller</genre>" in dialog.nfo_diff.toPlainText()
    assert nfo.read_bytes() == written  # the preview wrote nothing
    dialog.close()


async def test_the_preview_of_a_movie_never_published_has_no_nfo_diff(
    world: Any,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
) -> None:
    ctx, _server = world
    _, dialog = await preview_of_a_new_inception(ctx, movie_page_factory)
    assert not dialog.nfo_shown and not dialog.nfo_box.isVisible()
    dialog.close()


async def test_a_preview_can_be_discarded(
    world: Any,
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
    qtbot: Any,
) -> None:
    ctx, _server = world
    movie_id, dialog = await preview_of_a_new_inception(ctx, movie_page_factory)
    assert dialog.thumbnails  # the new poster and fanart
    await until(
        lambda: all(
            t.picture.pixmap() is not None and not t.picture.pixmap().isNull() for t in dialog.thumbnails
        )
    )
    shoot(dialog, "preview-new-movie")
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    await settle()
    assert ctx.suite.app.movies.require(movie_id).fields.get("plot") is None
    assert ctx.suite.app.movies.require(movie_id).status.value == "identified"


async def test_a_closed_preview_is_deleted_when_the_page_opens_the_next(
    world: Any, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> None:
    ctx, _server = world
    _movie_id, first = await preview_of_a_new_inception(ctx, movie_page_factory)
    page = first.parent()
    assert isinstance(page, MovieDetailPage)
    first.discard()
    await settle()
    await page.refresh()
    await settle()
    second = dialog_of(page, PreviewDialog)
    assert second is not first
    assert page.findChildren(PreviewDialog) == [second]  # the first is gone, not only hidden
    second.close()


async def test_a_preview_closed_while_its_accept_runs_still_reloads_the_page(
    world: Any, movie_page_factory: Callable[[UiContext], MovieDetailPage], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, _server = world
    _movie_id, first = await preview_of_a_new_inception(ctx, movie_page_factory)
    page = first.parent()
    assert isinstance(page, MovieDetailPage)
    gate = asyncio.Event()
    accept = first.presenter.service.accept

    async def held(*args: Any, **kwargs: Any) -> Any:
        await gate.wait()
        return await accept(*args, **kwargs)

    monkeypatch.setattr(first.presenter.service, "accept", held)
    applied: list[object] = []
    first.applied.connect(applied.append)
    accepting = asyncio.ensure_future(first.accept_all())
    await settle()
    first.discard()  # Esc while the accept runs
    await page.refresh()  # the next preview opens
    await settle()
    gate.set()
    await accepting
    assert len(applied) == 1
    dialog_of(page, PreviewDialog).close()


async def test_a_bulk_preview_summarises_by_field_and_accepts_fields_across_movies(
    world: Any, qtbot: Any
) -> None:
    ctx, server = world
    suite = ctx.suite
    ids = [
        suite.library.add("Inception", year=2010, ids=INCEPTION).id,
        suite.library.add("The Matrix", year=1999, ids=INCEPTION.__class__(imdb="tt0133093")).id,
    ]
    bulk = await suite.preview.preview_many(ids)
    presenter = BulkPreviewPresenter(suite.preview, bulk, titles={ids[0]: "Inception", ids[1]: "The Matrix"})
    dialog = BulkPreviewDialog(presenter)
    qtbot.addWidget(dialog)
    dialog.show()
    assert presenter.summary_text().startswith("Previewed 2 movies. Would change ")
    assert dialog.movies_model.rowCount() == 2
    qtbot.mouseClick(dialog.none_button, Qt.MouseButton.LeftButton)
    assert presenter.included() == [] and not dialog.accept_button.isEnabled()
    row = next(i for i, f in enumerate(presenter.field_rows) if f.field == "plot")
    dialog.fields_model.setData(
        dialog.fields_model.index(row, FieldSummaryModel.ACCEPT),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert presenter.included() == ["plot"] and dialog.accept_button.isEnabled()
    assert dialog.note.text() == "Accepting writes 1 field to 2 movies, from the cache."
    await settle()
    shoot(dialog, "preview-bulk")
    sent = requests(server)
    applied = asyncio.get_running_loop().create_future()
    dialog.applied.connect(lambda report: None if applied.done() else applied.set_result(report))
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    report = await asyncio.wait_for(applied, 5)
    assert requests(server) == sent
    assert [r.changes.names() for r in report.results] == [["plot"], ["plot"]]
    assert suite.app.movies.require(ids[0]).fields.get("genres") is None
    dialog.close()


# -- undo ----------------------------------------------------------------------------------------------


async def test_undo_this_refresh_on_the_history_tab(
    world: Any,
    inception_page: tuple[MovieDetailPage, int],
    sandbox_factory: Callable[..., SandboxServer],
    qtbot: Any,
) -> None:
    ctx, _server = world
    page, movie_id = inception_page
    movies = ctx.suite.app.movies
    before = dict(movies.require(movie_id).fields)
    await switch_to(ctx, sandbox_factory(altered_catalog()))
    page.force_box.setChecked(True)
    result = await page.refresh()
    assert result is not None and {"plot", "tagline", "genres"} <= set(result.changes.names())
    assert page.edit_field("tagline", "My own tagline.")  # changed by hand since

    button = page.undo_button
    assert not button.isVisible()  # only on the History tab
    page.tabs.setCurrentWidget(page.history_view)
    await settle()
    assert button.isVisible() and button.isEnabled()
    assert "Fields you changed since are kept" in button.toolTip()
    shoot(page, "movie-history-undo")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    await until(lambda: page.history.rowCount() == 3)
    now = movies.require(movie_id).fields
    assert now["plot"] == before["plot"] and now["genres"] == before["genres"]
    assert now["tagline"] == "My own tagline."
    assert "Kept, as you changed them since: Tagline (edited since)." in page.notice.text()
    assert page.notice.text().startswith("Undid the refresh of ")
    assert page.history.index(0, 2).data() == "3 fields restored"
    assert page.history.index(0, 1).data().lower().startswith("undo")
    assert not button.isEnabled() and button.toolTip().startswith("Nothing to undo")
    shoot(page, "movie-history-undone")


async def test_the_librarys_context_menu_previews_the_selection_and_accepts_fields(
    world: Any, qtbot: Any
) -> None:
    from metarr_desktop.ui.library.page import LibraryPage

    ctx, server = world
    ctx.images = None  # the library's poster grid needs no pictures here
    suite = ctx.suite
    first = suite.library.add("Inception", year=2010, ids=INCEPTION).id
    second = suite.library.add("The Matrix", year=1999, ids=INCEPTION.__class__(imdb="tt0133093")).id
    page = LibraryPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 620)
    page.show()
    await page.load()
    page.table.selectAll()
    await settle()
    menu = page.build_context_menu(page.model.view_row_of(first))
    action = next(a for a in menu.actions() if a.text() == "Preview changes for 2 movies…")
    action.trigger()
    await until(lambda: any(d.isVisible() for d in page.findChildren(BulkPreviewDialog)), timeout=10)
    dialog: BulkPreviewDialog = dialog_of(page, BulkPreviewDialog)
    assert sorted(r.movie_id for r in dialog.presenter.movie_rows) == sorted([first, second])
    assert [r.title for r in dialog.presenter.movie_rows] == ["Inception", "The Matrix"]
    assert suite.app.movies.require(first).fields.get("plot") is None  # nothing written
    for row, field in enumerate(dialog.presenter.field_rows):
        if field.field not in ("plot", "runtime"):
            dialog.fields_model.setData(
                dialog.fields_model.index(row, FieldSummaryModel.ACCEPT),
                Qt.CheckState.Unchecked.value,
                Qt.ItemDataRole.CheckStateRole,
            )
    sent = requests(server)
    await dialog.accept_fields()
    assert requests(server) == sent
    for movie in (first, second):
        stored = suite.app.movies.require(movie).fields
        assert stored.get("plot") and stored.get("runtime") and not stored.get("genres")
    assert dialog.status.text().startswith("Applied the preview to 2 movies")
    dialog.close()
