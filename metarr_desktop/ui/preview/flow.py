"""Where the previews are started and shown: the movie page's "Preview changes first" (the refresh
runs as usual, with nothing written, then `show_movie_preview` opens the dialog) and the library's
"Preview changes…" for the selected movies (`start_bulk_preview`: a job, then the summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.preview import AcceptResult
from metarr_desktop.services.preview import BulkPreview
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.preview.dialogs import BulkPreviewDialog
from metarr_desktop.ui.preview.dialogs import PreviewDialog
from metarr_desktop.ui.preview.presenter import BulkPreviewPresenter
from metarr_desktop.ui.preview.presenter import PreviewPresenter

if TYPE_CHECKING:
    from metarr_desktop.ui.library.page import LibraryPage
    from metarr_desktop.ui.movie.page import MovieDetailPage


def show_movie_preview(page: MovieDetailPage, result: EnrichResult) -> PreviewDialog | None:
    """Open the preview of a refresh the page ran with "Preview changes first"."""
    suite = page.ctx.suite
    if suite is None or page.detail is None:
        return None
    title = page.detail.movie.title
    presenter = PreviewPresenter(
        suite.preview, result, title=title, names=page.ctx.provider_names(), publish=suite.publish
    )
    page.refresh_title.setText("Preview: " + presenter.heading())
    _drop_closed(page, PreviewDialog)
    dialog = PreviewDialog(presenter, page.ctx.images, page)

    def applied(outcome: AcceptResult) -> None:
        async def after() -> None:
            await page.load()
            page.show_result(outcome.result)

        spawn(after())
        page.message.emit(f"{title}: preview accepted.")

    dialog.applied.connect(applied)
    dialog.rejected.connect(
        lambda: page.message.emit(presenter.discard()) if presenter.outcome is None else None
    )
    dialog.open()
    return dialog


def start_bulk_preview(page: LibraryPage, ids: list[int]) -> Job | None:
    """Preview a refresh of `ids` as a job (nothing written to any movie), then show the summary."""
    suite = page.ctx.suite
    if suite is None or not ids:
        page.message.emit("Select the movies to preview first.")
        return None
    title = f"Preview a refresh of {len(ids):,} movie{'s' if len(ids) != 1 else ''}"
    preview = suite.preview

    async def body(handle: JobHandle) -> BulkPreview:
        report = EnrichReport()
        handle.set_total(len(ids))

        def progress(_current: EnrichReport, _result: EnrichResult) -> None:
            handle.advance()

        bulk = await preview.preview_many(ids, on_progress=progress, report=report)
        handle.note(bulk.summary.text())
        return bulk

    job = page.ctx.jobs.start(title, body)
    page.message.emit(f"{title}…")

    async def show() -> None:
        bulk = await page.ctx.jobs.wait(job)
        if isinstance(bulk, BulkPreview):
            open_bulk_preview(page, bulk)

    spawn(show())
    return job


def open_bulk_preview(page: LibraryPage, bulk: BulkPreview) -> BulkPreviewDialog | None:
    suite = page.ctx.suite
    if suite is None:
        return None
    titles = {}
    for result in bulk.report.results:
        row = page.model.view_row_of(result.movie_id)
        titles[result.movie_id] = page.model.row_at(row).title if row >= 0 else f"Movie {result.movie_id}"
    presenter = BulkPreviewPresenter(suite.preview, bulk, titles=titles)
    _drop_closed(page, BulkPreviewDialog)
    dialog = BulkPreviewDialog(presenter, page)

    def applied(report: EnrichReport) -> None:
        spawn(page.reload_movies([r.movie_id for r in report.results]))
        page.message.emit(f"Preview accepted for {report.count(Status.ENRICHED):,} movies.")

    dialog.applied.connect(applied)
    dialog.open()
    return dialog


def _drop_closed(page: QWidget, kind: type[PreviewDialog] | type[BulkPreviewDialog]) -> None:
    """Delete the previews of `kind` the page opened before that are closed now: each holds its
    thumbnails and tables, and a page that previews all evening would otherwise keep them all. One
    closed while its Accept runs stays until the next time: its answer still reloads the page."""
    for old in page.findChildren(kind):
        if not old.isVisible() and not old.accepting:
            old.deleteLater()
