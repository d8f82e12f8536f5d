"""The one per-provider progress state machine (`services.progress`): a fetch's and an
identification's events, the phase, settling from the outcome, cancelling, and the one chip-text
table every view reads; and the jobs' progress built on it."""

from __future__ import annotations

import asyncio

from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.core.results import SkippedProvider
from metarr_desktop.core.results import SkipReason
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.events import ProviderOutcome
from metarr_desktop.engine.events import RecordingProgress
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.jobs import EventKind
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobProgress
from metarr_desktop.services.jobs import JobTracker
from metarr_desktop.services.progress import CHIP_TEXT
from metarr_desktop.services.progress import WAITING_FOR_IDS
from metarr_desktop.services.progress import Phase
from metarr_desktop.services.progress import ProviderBoard
from metarr_desktop.services.progress import ProviderProgress
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.services.progress import chip_text
from metarr_desktop.services.progress import outcome_state


def texts(board: ProviderBoard) -> dict[str, str]:
    return {provider: board.text_of(provider) for provider in board.states}


def test_a_fetch_moves_each_provider_through_its_states() -> None:
    seen: list[ProviderProgress] = []
    forward = RecordingProgress()
    board = ProviderBoard(["tmdb", "omdb", "tvdb"], forward=forward, listener=seen.append)
    assert texts(board) == {"tmdb": "waiting", "omdb": "waiting", "tvdb": "waiting"}
    phases = [board.phase]
    board.on_provider_start("tmdb")
    phases.append(board.phase)
    assert phases == [Phase.STARTING, Phase.FETCHING]
    board.on_provider_start("omdb")
    board.on_provider_retry("omdb", 1, 2)
    board.on_provider_start("tvdb")
    board.on_provider_timeout("tvdb")
    board.on_provider_complete("tvdb", False)  # a timeout stays a timeout
    board.on_provider_complete("tmdb", True)
    assert texts(board) == {"tmdb": "done", "omdb": "retry 1 of 2", "tvdb": "timed out"}
    board.on_provider_complete("omdb", False)
    assert board.states["omdb"].state is ProviderState.FAILED
    assert all(board.states[p].state.finished for p in board.states)
    # Every event went on to the forward progress, and every change to the listener (once).
    assert ("retry", "omdb", "1", "2") in forward.events
    assert ("complete", "tvdb", "false") in forward.events
    assert [p.state for p in seen if p.provider == "tvdb"] == [ProviderState.RUNNING, ProviderState.TIMEOUT]


def test_a_provider_not_given_is_added_when_it_reports() -> None:
    board = ProviderBoard()
    board.on_provider_start("fanart")
    assert list(board.states) == ["fanart"] and board.text_of("fanart") == "running…"


def test_an_identification_shows_each_step_then_the_fetch() -> None:
    phases: list[Phase] = []
    notes: list[str] = []
    board = ProviderBoard(["tmdb", "omdb", "fanart"])
    board._on_phase = lambda: phases.append(board.phase)
    board.note = notes.append
    board.on_identify_begin()
    board.on_identify_step(IdentifyStep.SEARCH, ["tmdb", "omdb"])
    board.on_provider_start("tmdb")
    board.on_provider_start("omdb")
    assert texts(board) == {"tmdb": "searching…", "omdb": "searching…", "fanart": WAITING_FOR_IDS}
    board.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "1 result")
    board.on_provider_complete("tmdb", True)
    board.on_provider_outcome("omdb", IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "")
    board.on_provider_complete("omdb", True)
    assert texts(board)["tmdb"] == "1 result" and texts(board)["omdb"] == "searched"
    board.on_identify_step(IdentifyStep.LOOKUP, ["tmdb", "fanart"])
    board.on_provider_start("fanart")
    assert board.text_of("fanart") == "looking up…"
    assert board.tooltip_of("fanart", "fanart.tv") == "fanart.tv: looking up… — identifying: id lookup"
    board.on_provider_outcome("fanart", IdentifyStep.LOOKUP, ProviderOutcome.FAILED, "HTTP 500")
    board.on_provider_complete("fanart", False)
    assert board.text_of("fanart") == "lookup failed"
    assert (
        board.tooltip_of("fanart", "fanart.tv")
        == "fanart.tv: lookup failed (HTTP 500) — identifying: id lookup"
    )
    board.on_identify_end(IdentificationStatus.IDENTIFIED)
    assert board.identified is True and board.phase is Phase.FETCHING
    board.on_provider_start("tmdb")  # asked again, to fetch
    assert board.text_of("tmdb") == "running…" and "tmdb" not in board.identify_steps
    assert phases == [Phase.IDENTIFYING, Phase.IDENTIFYING, Phase.IDENTIFYING, Phase.FETCHING]
    assert notes[0] == "identifying the movie first" and notes[-1] == "identified; fetching its metadata"


def test_a_provider_not_asked_in_a_step_reports_only_its_outcome() -> None:
    board = ProviderBoard(["omdb"])
    board.on_identify_begin()
    board.on_identify_step(IdentifyStep.SEARCH, ["omdb"])
    board.on_provider_outcome("omdb", IdentifyStep.SEARCH, ProviderOutcome.RATE_LIMITED, "try at 12:00")
    assert board.states["omdb"].state is ProviderState.RATE_LIMITED
    assert board.text_of("omdb") == "skipped: rate limited"
    assert outcome_state(ProviderOutcome.NOT_FOUND) is ProviderState.NOT_FOUND


def test_finish_settles_every_provider_from_the_outcome() -> None:
    board = ProviderBoard(["tmdb", "omdb", "tvdb", "fanart", "music"])
    result = EnrichResult(
        1,
        Status.ENRICHED,
        providers=["tmdb"],
        cached=["tvdb", "omdb"],
        rate_limited=["omdb"],
        failed=[FailedProvider("fanart", "HTTP 500", True)],
        skipped=[SkippedProvider("omdb", SkipReason.QUOTA, detail="1000 requests a day")],
        not_found=["extra"],
    )
    board.finish(result)
    assert texts(board) == {
        "tmdb": "done",
        "omdb": "skipped: quota used up",
        "tvdb": "from cache",
        "fanart": "failed",
        "music": "skipped",
        "extra": "not found",
    }
    assert board.states["omdb"].detail == (
        "1000 requests a day; asked again after its reset; its last answer from the cache was used"
    )
    assert board.states["fanart"].detail == "HTTP 500"
    assert board.states["music"].detail == "it cannot serve this movie"


def test_a_film_not_identified_keeps_the_identification_and_skips_the_rest() -> None:
    board = ProviderBoard(["tmdb", "fanart"])
    board.on_identify_begin()
    board.on_identify_step(IdentifyStep.SEARCH, ["tmdb"])
    board.on_provider_start("tmdb")
    board.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "2 results")
    board.on_provider_complete("tmdb", True)
    board.on_identify_end(IdentificationStatus.NEEDS_IDENTIFICATION)
    assert board.identified is False and board.phase is Phase.IDENTIFYING
    board.finish(EnrichResult(1, Status.NEEDS_IDENTIFICATION))
    assert texts(board) == {"tmdb": "2 results", "fanart": "skipped"}
    assert board.states["fanart"].detail == "not asked: the film is not identified"


def test_cancel_marks_the_providers_still_working() -> None:
    board = ProviderBoard(["tmdb", "omdb", "tvdb"])
    board.on_provider_start("tmdb")
    board.on_provider_complete("tmdb", True)
    board.on_provider_start("omdb")
    board.cancel()
    assert texts(board) == {"tmdb": "done", "omdb": "skipped", "tvdb": "skipped"}
    assert board.states["omdb"].detail == "cancelled"


def test_an_identification_alone_settles_and_forgets_providers_itself() -> None:
    seen: list[ProviderProgress] = []
    board = ProviderBoard(["tmdb", "omdb"], listener=seen.append)
    board.phase, board.step = Phase.IDENTIFYING, IdentifyStep.SEARCH
    board.on_provider_start("tmdb")
    board.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "")
    board.settle("plugin", ProviderState.FAILED, detail="server error", step=IdentifyStep.SEARCH)
    board.forget("omdb")
    assert texts(board) == {"tmdb": "searched", "plugin": "search failed"}
    assert board.states["plugin"].detail == "server error" and seen[-1].provider == "plugin"
    # A state settled from outside ends what the events said: the next `complete` is read again.
    board.settle("tmdb", ProviderState.RUNNING, step=IdentifyStep.LOOKUP)
    board.on_provider_complete("tmdb", True)
    assert texts(board)["tmdb"] == "found"
    board.forget("nobody")  # not there: nothing happens


def test_one_chip_text_table() -> None:
    # Every state reads in a fetch; a step only overrides what it says differently.
    assert {state for step, state in CHIP_TEXT if step is None} == set(ProviderState)
    done = ProviderProgress("tmdb", ProviderState.DONE)
    assert chip_text(done) == "done"
    assert chip_text(done, IdentifyStep.SEARCH) == "searched"
    assert chip_text(done, IdentifyStep.LOOKUP) == "found"
    assert chip_text(
        ProviderProgress("tmdb", ProviderState.DONE, detail="3 results"), IdentifyStep.SEARCH
    ) == ("3 results")
    labelled = ProviderProgress("tmdb", ProviderState.SKIPPED, label="skipped: auto-disabled")
    assert chip_text(labelled) == "skipped: auto-disabled" == labelled.text
    assert (
        chip_text(ProviderProgress("tmdb", ProviderState.RETRY, 2, 3), IdentifyStep.SEARCH) == "retry 2 of 3"
    )


async def test_a_job_s_progress_keeps_the_states_and_records_the_events() -> None:
    tracker = JobTracker()
    handles: list[JobHandle] = []

    async def body(handle: JobHandle) -> None:
        handles.append(handle)
        handle.progress.on_provider_start("tmdb")
        handle.progress.on_provider_retry("tmdb", 1, 2)
        handle.progress.on_provider_complete("tmdb", True)
        handle.progress_of("Inception (2010)").on_provider_timeout("omdb")

    job = tracker.start("Refresh", body)
    await tracker.wait(job)
    await asyncio.sleep(0)
    progress = handles[0].progress
    assert isinstance(progress, JobProgress)
    assert progress.text_of("tmdb") == "done"
    assert [e.kind for e in job.events] == [
        EventKind.START,
        EventKind.RETRY,
        EventKind.COMPLETE,
        EventKind.TIMEOUT,
    ]
    assert [e.text for e in job.events] == [
        "tmdb: started",
        "tmdb: retry 1 of 2",
        "tmdb: complete",
        "Inception (2010) · omdb: timed out (request cancelled)",
    ]
