"""The library page's long work: scanning a folder and enriching movies as jobs (progress and
Cancel on the Activity page), and removing movies after asking."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.services.enrich_job import EnrichJobReporter
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobState
from metarr_desktop.services.library import ScanReport
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.library.presenter import ENRICH_ALL
from metarr_desktop.ui.library.presenter import ENRICH_SELECTED
from metarr_desktop.ui.library.presenter import WARNINGS_NOTED
from metarr_desktop.ui.library.presenter import enrich_summary
from metarr_desktop.ui.library.presenter import enrich_title
from metarr_desktop.ui.library.presenter import movies_text
from metarr_desktop.ui.library.presenter import remove_question
from metarr_desktop.ui.library.presenter import removed_message
from metarr_desktop.ui.library.presenter import scan_failed_text

if TYPE_CHECKING:
    from metarr_desktop.ui.library.page import LibraryPage


def start_scan(page: LibraryPage, folder: str) -> Job | None:
    """Scan `folder` for movies as a job; the rows it added (or found moved, missing or back) are
    re-read and the report is shown on the page when it ends."""
    library = page.ctx.library
    if library is None:
        return None

    async def body(handle: JobHandle) -> ScanReport:
        handle.note(f"Scanning {folder}")
        report = await library.scan(folder)
        for warning in report.warnings[:WARNINGS_NOTED]:
            handle.note(warning)
        await page.reload_movies([*report.added, *report.moved, *report.missing, *report.found_again])
        page.show_scan_report(folder, report)
        return report

    job = page.ctx.jobs.start(f"Scan {folder}", body)
    job_task = job.task
    if job_task is not None:
        job_task.add_done_callback(lambda _task: _scan_ended(page, job, folder))
    page.message.emit(f"Scanning {folder}…")
    return job


def _scan_ended(page: LibraryPage, job: Job, folder: str) -> None:
    if job.state is JobState.CANCELLED:
        page.message.emit(f"The scan of {folder} was cancelled; nothing was added.")
    elif job.error:
        page.show_report_text(scan_failed_text(folder, job.error))
        page.message.emit(f"The scan of {folder} failed: {job.error}")


def start_enrichment(page: LibraryPage, ids: list[int] | None) -> Job | None:
    """Enrich these movies (None: the whole library) as a job; see `LibraryPage.start_enrichment`."""
    suite = page.ctx.suite
    if suite is None:
        page.message.emit("Enrichment is not available in this window.")
        return None
    title = enrich_title(ids, page.title_of)
    enrichment = suite.enrichment

    async def body(handle: JobHandle) -> EnrichReport:
        report = EnrichReport()
        handle.set_total(len(ids) if ids is not None else page.model.total)
        reporter = EnrichJobReporter(handle, page.name_of, page.ctx.provider_names())

        def progress(current: EnrichReport, result: EnrichResult) -> None:
            reporter.on_result(current, result)
            page.queue_reload(result.movie_id)

        try:
            if ids is None:
                await enrichment.enrich_all(
                    ENRICH_ALL, on_progress=progress, report=report, progress_of=reporter.progress_of
                )
            else:
                await enrichment.enrich_many(
                    ids,
                    ENRICH_SELECTED,
                    on_progress=progress,
                    report=report,
                    progress_of=reporter.progress_of,
                )
        except asyncio.CancelledError:
            page.reload_soon()
            page.message.emit(
                f"{title}: cancelled after {movies_text(len(report.results))}; those stay enriched."
            )
            raise
        await page.flush_reloads()
        page.message.emit(f"{title}: {enrich_summary(report)}.")
        return report

    job = page.ctx.jobs.start(title, body)
    page.message.emit(f"{title}…")
    return job


async def remove_movies(page: LibraryPage, ids: list[int]) -> list[int]:
    """Ask, then remove these movies from the library (`LibraryService.remove`: the files on disk
    are never touched); their rows disappear. The ids removed (none when the user said no)."""
    library = page.ctx.library
    if library is None or not ids:
        return []
    names = [page.name_of(movie_id) for movie_id in ids[:6]]
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "Remove from library",
        remove_question(names, len(ids)),
        QMessageBox.StandardButton.Cancel,
        page,
    )
    box.setObjectName("library-remove-dialog")
    box.setTextFormat(Qt.TextFormat.PlainText)
    remove = box.addButton("Remove from library", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    page.remove_dialog = box
    try:
        await dialog_result(box)
        confirmed = box.clickedButton() is remove
    finally:
        page.remove_dialog = None
        box.deleteLater()
    if not confirmed:
        return []
    removed: list[int] = []
    titles: list[str] = []
    failed: list[str] = []
    for movie_id in ids:
        name = page.name_of(movie_id)
        try:
            library.remove(movie_id)
        except UnknownEntityError:
            failed.append(f"{name} (no longer in the library)")
            removed.append(movie_id)  # gone either way: its row goes too
            continue
        removed.append(movie_id)
        titles.append(name)
    page.model.update_rows([], removed=removed)
    page.show_list_or_empty()
    page.message.emit(removed_message(titles, failed))
    page.moviesRemoved.emit(removed)
    return removed
