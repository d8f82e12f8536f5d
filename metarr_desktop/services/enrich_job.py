"""What a job over many movies (Enrich all, Enrich selected, the daily run) shows in the Activity view.

For each finished movie: one step, and a note only when something went wrong, named after the movie
("Heat (1995): OMDb failed: the API key was refused", "Heat (1995): needs identification"). While a
movie is fetched, its providers' retries and timeouts are recorded live under its name
(`JobHandle.progress_of`). Nothing is kept for the movies that went well: a library-wide run would
otherwise keep eight provider events per movie that nobody reads. The daily run ends with one note of
what it did (`run_summary`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping

from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.jobs import JobHandle


class EnrichJobReporter:
    """Reports a bulk enrichment into its job.

    Args:
        handle: the job's handle.
        name: a movie's name by id ("Heat (1995)"); asked only for a movie with something to report.
        provider_names: provider id -> the name users know ("OMDb").
    """

    def __init__(
        self, handle: JobHandle, name: Callable[[int], str], provider_names: Mapping[str, str]
    ) -> None:
        self._handle = handle
        self._name = name
        self._provider_names = provider_names

    def progress_of(self, movie_id: int) -> FetchProgress:
        """The provider listener of one movie (pass as `progress_of` to `enrich_many`/`enrich_all`)."""
        return self._handle.progress_of(lambda: self._name(movie_id))

    def on_result(self, report: EnrichReport, result: EnrichResult) -> None:
        """One movie finished (pass as `on_progress`)."""
        handle = self._handle
        if report.total and handle.job.total != report.total:
            handle.set_total(report.total)
        handle.advance()
        for line in self.problems(result):
            handle.note(line)

    def problems(self, result: EnrichResult) -> list[str]:
        """What went wrong with one movie, a line each (nothing when all went well)."""
        lines: list[str] = []
        if result.status is Status.NEEDS_IDENTIFICATION:
            lines.append("needs identification")
        elif result.status is Status.FAILED and result.error:
            lines.append(result.error)
        for failure in result.failed:
            provider = self._provider_names.get(failure.provider, failure.provider)
            lines.append(f"{provider} failed: {failure.error}")
        if not lines:
            return []
        name = self._name(result.movie_id)
        return [f"{name}: {line}" for line in lines]


def run_summary(report: EnrichReport) -> str:
    """One line for the job's notes, what a run did: "12 of 12 movies: 11 enriched, 1 needs
    identification; 60 requests"."""
    parts = [status.counted(report.count(status)) for status in Status if report.count(status)]
    return (
        f"{len(report.results)} of {report.total} movies: {', '.join(parts) or 'nothing to do'}; "
        f"{report.network_requests} requests"
    )
