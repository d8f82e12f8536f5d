""" "Write Files" for a selection of the library: one job with progress and Cancel."""

from __future__ import annotations

from collections.abc import Callable

from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.publish import PublishReport
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.publish.presenter import report_summary


def start_write_files(
    ctx: UiContext, ids: list[int], name_of: Callable[[int], str], message: Callable[[str], None]
) -> Job | None:
    """Publish these movies as a job; each failed movie is noted in the job with its reason."""
    suite = ctx.suite
    if suite is None:
        message("Library files are not available in this window.")
        return None
    publish = suite.publish
    title = f"Write files of {name_of(ids[0])}" if len(ids) == 1 else f"Write files of {len(ids):,} movies"

    async def body(handle: JobHandle) -> PublishReport:
        handle.set_total(len(ids))
        report = PublishReport()
        before = publish.fetcher.bytes_downloaded
        for movie_id in ids:
            result = await publish.publish_one(movie_id)
            report.results.append(result)
            if result.error:
                handle.note(f"{name_of(movie_id)}: {result.error}")
            handle.advance()
        report.bytes_downloaded = publish.fetcher.bytes_downloaded - before
        message(f"{title}: {report_summary(report)}.")
        return report

    job = ctx.jobs.start(title, body)
    message(f"{title}…")
    return job
