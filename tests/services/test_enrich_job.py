"""`EnrichJobReporter`: what a job over many movies notes for each finished movie."""

from __future__ import annotations

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.services.enrich_job import EnrichJobReporter
from metarr_desktop.services.enrich_job import run_summary
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.jobs import EventKind
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobTracker

NAMES = {"omdb": "OMDb", "tmdb": "TMDB"}


async def test_each_finished_movie_is_a_step_and_only_problems_are_noted() -> None:
    tracker = JobTracker(VirtualClock())
    asked: list[int] = []

    def name(movie_id: int) -> str:
        asked.append(movie_id)
        return {1: "Heat (1995)", 2: "Alien (1979)", 3: "Emma (1996)", 4: "Dune"}[movie_id]

    results = [
        EnrichResult(1, Status.ENRICHED, failed=[FailedProvider("omdb", "the API key was refused", False)]),
        EnrichResult(2, Status.UNCHANGED),
        EnrichResult(3, Status.NEEDS_IDENTIFICATION),
        EnrichResult(4, Status.FAILED, error="no provider gave a usable answer; nothing was changed"),
    ]

    async def body(handle: JobHandle) -> None:
        reporter = EnrichJobReporter(handle, name, NAMES)
        report = EnrichReport(total=len(results))
        for result in results:
            report.results.append(result)
            reporter.on_result(report, result)

    job = tracker.start("Enrich all movies", body)
    await tracker.wait(job)
    assert (job.done, job.total) == (4, 4)
    assert [e.text for e in job.events] == [
        "Heat (1995): OMDb failed: the API key was refused",
        "Emma (1996): needs identification",
        "Dune: no provider gave a usable answer; nothing was changed",
    ]
    assert all(e.kind is EventKind.NOTE for e in job.events)
    assert 2 not in asked  # a movie that went well is never even named


def test_the_run_s_note_counts_the_outcomes_in_words() -> None:
    report = EnrichReport(
        results=[
            *(EnrichResult(n, Status.ENRICHED) for n in range(11)),
            EnrichResult(11, Status.NEEDS_IDENTIFICATION),
        ],
        total=12,
        network_requests=60,
    )
    assert run_summary(report) == "12 of 12 movies: 11 enriched, 1 needs identification; 60 requests"
    report.results.append(EnrichResult(12, Status.NEEDS_IDENTIFICATION))
    assert "2 need identification" in run_summary(report)
    assert run_summary(EnrichReport()) == "0 of 0 movies: nothing to do; 0 requests"


def test_every_outcome_is_counted_in_words_without_underscores() -> None:
    for status in Status:
        for count in (1, 2):
            assert "_" not in status.counted(count)
    assert Status.ENRICHED.counted(1_200) == "1,200 enriched"
    assert Status.NEEDS_IDENTIFICATION.counted(1) == "1 needs identification"
