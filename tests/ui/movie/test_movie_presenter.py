"""The movie page's presenter: what the banner, the lines under it and the Last refresh panel say,
and which providers a refresh asks, worked out without widgets."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from typing import cast

from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.changes import FieldChange
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.events import ProviderOutcome
from metarr_desktop.engine.runtime import ProviderRuntime
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.movie_fields import USER_SOURCE
from metarr_desktop.services.movie_fields import FieldDetail
from metarr_desktop.services.movie_fields import MovieDetail
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.ui.movie import presenter
from metarr_desktop.ui.movie.presenter import IdentifyingRefreshProgress
from metarr_desktop.ui.movie.presenter import RefreshPhase

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
INCEPTION = ExternalIds(tmdb=27205, imdb="tt1375666")


def movie(**extra: Any) -> MovieRecord:
    values: dict[str, Any] = {
        "id": 7,
        "title": "Inception",
        "year": 2010,
        "ids": INCEPTION,
        "path": "/films/Inception (2010)",
        "monitored": True,
        "status": IdentificationStatus.IDENTIFIED,
    }
    values.update(extra)
    return MovieRecord(**values)


def detail(record: MovieRecord | None = None, **fields: FieldDetail) -> MovieDetail:
    return MovieDetail(movie=record or movie(), fields=dict(fields))


def runtime(provider_id: str, *, accepts: frozenset[IdType], movies: bool = True) -> ProviderRuntime:
    capabilities = SimpleNamespace(
        entity_types=frozenset({EntityType.MOVIE}) if movies else frozenset(),
        accepts=lambda ids: any(kind in accepts for kind in ids.known()),
    )
    provider = SimpleNamespace(capabilities=capabilities)
    return cast(ProviderRuntime, SimpleNamespace(id=provider_id, provider=provider))


def test_title_and_facts() -> None:
    assert presenter.title_text(movie()) == "Inception (2010)"
    assert presenter.title_text(movie(year=None)) == "Inception"
    facts = {
        "release_date": "2010-07-16",
        "runtime": 148,
        "genres": ["Action", "Sci-Fi"],
        "directors": ["A", "B"],
    }
    assert presenter.facts_text(facts) == "2010-07-16  ·  148 min  ·  Action, Sci-Fi  ·  Directed by A and B"
    assert presenter.facts_text({}) == "No details yet: Refresh Metadata fetches them."


def test_join_names_and_ids_text() -> None:
    assert presenter.join_names([]) == ""
    assert presenter.join_names(["TMDB"]) == "TMDB"
    assert presenter.join_names(["TMDB", "OMDb", "TheTVDB"]) == "TMDB, OMDb and TheTVDB"
    assert presenter.ids_text(INCEPTION) == "TMDB 27205 and IMDb tt1375666"


def test_status_chips_follow_identification_monitoring_and_locks() -> None:
    chips = presenter.status_chips(detail())
    assert [(c.key, c.text, c.status) for c in chips] == [("status", "Identified", DisplayStatus.HEALTHY)]
    title = FieldDetail("title", "Inception", USER_SOURCE, True)
    chips = presenter.status_chips(
        detail(movie(status=IdentificationStatus.NEEDS_IDENTIFICATION, monitored=False), title=title)
    )
    assert [c.text for c in chips] == ["Needs identification", "Not monitored", "1 locked"]
    assert chips[0].status is DisplayStatus.DEGRADED
    assert "Identify…" in chips[0].tooltip
    assert chips[2].tooltip.endswith(": Title")


def test_rating_chips_name_their_provider_only_when_sources_are_shown() -> None:
    shown = MovieDetail(
        movie=movie(),
        fields={"imdb_rating": FieldDetail("imdb_rating", 8.8, "omdb", False)},
        ratings=[{"source": "imdb", "value": 8.8, "votes": 2400000}],
    )
    [chip] = presenter.rating_chips(shown, {"omdb": "OMDb"}, show_sources=True)
    assert chip.text == "IMDb  8.8"
    assert chip.secondary == "/ 10  [OMDb]"
    assert chip.tooltip == "IMDb: 8.8 / 10, 2,400,000 votes (from OMDb)"
    [hidden] = presenter.rating_chips(shown, {"omdb": "OMDb"}, show_sources=False)
    assert hidden.secondary == "/ 10"


def test_enriched_and_incomplete_lines() -> None:
    text, tip = presenter.enriched_text(movie(), {}, NOW)
    assert text.startswith("<b>Never enriched.</b>") and tip == ""
    record = movie(
        last_enriched_at=NOW - timedelta(minutes=2),
        last_enriched_providers=["tmdb", "<b>x</b>"],
        incomplete_providers={"omdb": NOW + timedelta(minutes=45)},
    )
    text, tip = presenter.enriched_text(record, {"tmdb": "TMDB"}, NOW)
    assert text == "<b>Last enriched</b> 2 min ago · from TMDB and &lt;b&gt;x&lt;/b&gt;"
    assert tip == "Last enriched 2026-03-01 11:58:00 UTC"
    assert presenter.incomplete_text(record, {"omdb": "OMDb"}, NOW) == (
        "Incomplete: no answer yet from OMDb (asked again in 45 min, 12:45 UTC)"
    )
    assert presenter.incomplete_text(movie(), {}, NOW) == ""


def test_target_providers_skip_those_that_cannot_look_the_movie_up() -> None:
    runtimes = [
        runtime("tmdb", accepts=frozenset({IdType.TMDB})),
        runtime("tvdb", accepts=frozenset({IdType.TVDB})),
        runtime("music", accepts=frozenset({IdType.TMDB}), movies=False),
    ]
    assert presenter.target_providers(runtimes, movie()) == ["tmdb"]
    # Not identified yet: every movie provider, the identification may find the ids they need.
    pending = movie(status=IdentificationStatus.UNIDENTIFIED, ids=ExternalIds())
    assert presenter.needs_identification(pending)
    assert presenter.target_providers(runtimes, pending) == ["tmdb", "tvdb"]
    assert not presenter.needs_identification(movie())
    assert presenter.needs_identification(None)


def test_summary_notes_and_sync_of_a_finished_refresh() -> None:
    changes = ChangeSet([FieldChange("plot", None, "A thief", "tmdb")], True, "Changed: plot")
    result = EnrichResult(
        7,
        Status.ENRICHED,
        changes=changes,
        providers=["tmdb"],
        rate_limited=["omdb"],
        identification=IdentifyResult(7, "identified", None, INCEPTION),
    )
    assert presenter.summary(result) == "1 field changed"
    notes = presenter.result_notes(result, {"omdb": "OMDb"}, ["title"])
    assert notes == [
        "Identified first, as TMDB 27205 and IMDb tt1375666.",
        "Locked fields were left as they are: Title.",
        "OMDb will be asked again later; the movie is marked incomplete until then.",
    ]
    assert presenter.sync_text(result) == "A media player showing this movie must resync it. Changed: Plot."
    unchanged = EnrichResult(7, Status.UNCHANGED)
    assert presenter.summary(unchanged) == "nothing changed"
    assert presenter.sync_text(unchanged) == "Nothing changed, so no media player resync is needed."
    ambiguous = EnrichResult(
        7,
        Status.NEEDS_IDENTIFICATION,
        identification=IdentifyResult(
            7,
            "needs_identification",
            "ambiguous",
            ExternalIds(),
            failed=[FailedProvider("omdb", "HTTP 500", True)],
        ),
    )
    assert presenter.summary(ambiguous) == "needs identification: choose the film with Identify…"
    assert presenter.result_notes(ambiguous, {"omdb": "OMDb"}, ["title"]) == [
        "Several films match its title and year.",
        "OMDb did not answer: HTTP 500.",
    ]
    failed = EnrichResult(7, Status.FAILED, error="no provider answered")
    assert presenter.summary(failed) == "failed: no provider answered"
    assert presenter.result_notes(failed, {}, []) == ["Nothing was changed: no provider answered."]


def test_identifying_progress_phases_and_chip_texts() -> None:
    phases: list[str] = []
    notes: list[str] = []
    progress = IdentifyingRefreshProgress(["tmdb", "omdb"], on_phase=lambda: phases.append("x"))
    progress.note = notes.append
    pending = movie(status=IdentificationStatus.UNIDENTIFIED, ids=ExternalIds())
    assert presenter.phase_text(progress, pending, force=False, needs_identification=True) == (
        "Identifying… the movie has no confirmed ids yet"
    )
    progress.on_identify_begin()
    progress.on_identify_step(IdentifyStep.SEARCH, ["tmdb"])
    assert presenter.phase_text(progress, pending, force=False, needs_identification=True) == (
        "Identifying… searching the providers for “Inception (2010)”"
    )
    progress.on_provider_start("tmdb")
    assert progress.text_of("tmdb") == "searching…"
    assert progress.text_of("omdb") == "waiting for ids"
    progress.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "3 results")
    progress.on_provider_complete("tmdb", True)
    assert progress.text_of("tmdb") == "3 results"
    chips = presenter.provider_chips(progress, {"tmdb": "TMDB"})
    assert [(c.key, c.text, c.status) for c in chips] == [
        ("tmdb", "TMDB", DisplayStatus.HEALTHY),
        ("omdb", "omdb", DisplayStatus.DISABLED),
    ]
    assert chips[0].secondary == "3 results"
    assert chips[0].tooltip == "TMDB: 3 results — identifying: search by title and year"
    progress.on_identify_end(IdentificationStatus.IDENTIFIED)
    assert progress.phase is RefreshPhase.FETCHING
    assert presenter.phase_text(progress, movie(), force=True, needs_identification=False) == (
        "Identified. Fetching… asking every provider again"
    )
    progress.on_provider_start("omdb")
    assert progress.states["omdb"].state is ProviderState.RUNNING
    assert progress.text_of("omdb") == "running…"
    assert notes[-1] == "identified; fetching its metadata"
    assert len(phases) == 3
    assert presenter.provider_chips(None, {}) == []


def test_a_film_not_identified_settles_the_providers_never_asked() -> None:
    progress = IdentifyingRefreshProgress(["tmdb", "omdb"])
    progress.on_identify_begin()
    progress.on_identify_step(IdentifyStep.SEARCH, ["tmdb"])
    progress.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.NOT_FOUND, "")
    progress.on_identify_end(IdentificationStatus.NEEDS_IDENTIFICATION)
    progress.finish(EnrichResult(7, Status.NEEDS_IDENTIFICATION))
    assert progress.text_of("tmdb") == "no match"
    assert progress.states["omdb"].state is ProviderState.SKIPPED
    assert progress.states["omdb"].detail == "not asked: the film is not identified"


def test_why_of_an_automated_match_in_plain_sentences() -> None:
    why = {
        "query": {"title": "Inception", "normalised": "inception", "year": 2010},
        "year_rule": "same year, or one year off",
        "outcome": "identified",
        "rule": "the only candidate with the exact title and the exact year",
        "best": {
            "title": "Inception",
            "year": 2010,
            "compared": ["inception", "inception"],
            "title_match": "exact",
            "year_match": "same",
        },
        "runner_up": {
            "title": "Inception: The Cobol Job",
            "year": 2010,
            "compared": ["inception", "inception the cobol job"],
            "title_match": "similar (62 %)",
            "year_match": "same",
            "lost_because": "its title is not an exact match",
        },
        "ids_cross_checked": ["tmdb 27205"],
        "providers": ["tmdb", "omdb"],
    }
    result = IdentifyResult(7, "identified", None, INCEPTION, why=why)
    assert presenter.why_summary(result) == (
        "Identified as TMDB 27205 and IMDb tt1375666 — why: the only candidate with the exact title and "
        "the exact year."
    )
    assert presenter.why_lines(result, {"tmdb": "TMDB", "omdb": "OMDb"}) == [
        "Searched for “Inception” (normalised “inception”, year 2010).",
        "Year rule: same year, or one year off.",
        "Best match “Inception” (2010): title “inception” against “inception” (exact), year same.",
        "Runner-up “Inception: The Cobol Job” (2010): title “inception” against “inception the cobol job” "
        "(similar (62 %)), year same; it lost because its title is not an exact match.",
        "Ids cross-checked by two or more providers: tmdb 27205.",
        "Answered by TMDB and OMDb.",
    ]


def test_why_of_an_ambiguity_and_of_nothing() -> None:
    ambiguous = IdentifyResult(
        7, "needs_identification", "ambiguous", ExternalIds(), why={"rule": "2 films match equally well"}
    )
    assert (
        presenter.why_summary(ambiguous)
        == "Not identified: several films match — why: 2 films match equally well."
    )
    assert presenter.why_lines(ambiguous, {}) == []
    assert presenter.why_summary(None) == "" and presenter.why_lines(None, {}) == []
    assert presenter.why_summary(IdentifyResult(7, "identified", None, INCEPTION)) == ""


def test_folder_info_says_whether_the_folder_can_be_opened() -> None:
    folder = "/films/Inception (2010)"
    present = presenter.folder_info(movie(path=folder), is_dir=lambda p: p == folder, is_file=lambda p: False)
    assert present.can_open and present.folder == folder and present.reason == ""
    file = presenter.folder_info(
        movie(path=folder + "/inception.mkv"), is_dir=lambda p: False, is_file=lambda p: True
    )
    assert file.can_open and file.folder == folder
    gone = presenter.folder_info(movie(), is_dir=lambda p: False, is_file=lambda p: False)
    assert not gone.can_open and gone.reason.startswith("The folder is missing")
    none = presenter.folder_info(movie(path=None), is_dir=lambda p: True, is_file=lambda p: True)
    assert not none.can_open and none.path == "" and "no folder" in none.reason


def test_why_says_when_it_was_decided() -> None:
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    decided = IdentifyResult(7, "identified", None, INCEPTION, why={"rule": "x"}, decided_at=when)
    assert presenter.why_tip(decided) == "Decided 2026-03-04 05:06:07 UTC"
    assert presenter.why_tip(IdentifyResult(7, "identified", None, INCEPTION)) == ""
    assert presenter.why_tip(None) == ""
