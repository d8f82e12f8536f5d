"""The Identify dialog's presenter, without widgets: the request the inputs make, a candidate's
facts, the why of the automatic decision in words, and the status and note texts."""

from __future__ import annotations

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.matching import Candidate
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.ui.identify import presenter
from metarr_desktop.ui.identify.presenter import LookupRequest
from metarr_desktop.ui.identify.presenter import SearchRequest
from metarr_desktop.ui.identify.presenter import accessible_text
from metarr_desktop.ui.identify.presenter import candidate_details
from metarr_desktop.ui.identify.presenter import candidate_facts
from metarr_desktop.ui.identify.presenter import doing_text
from metarr_desktop.ui.identify.presenter import engine_why
from metarr_desktop.ui.identify.presenter import failure_note
from metarr_desktop.ui.identify.presenter import found_status
from metarr_desktop.ui.identify.presenter import read_request
from metarr_desktop.ui.identify.presenter import search_why
from metarr_desktop.ui.identify.presenter import step_of
from metarr_desktop.ui.identify.presenter import why_text
from tests.helpers.imports import qt_free_imports


def emma(tmdb: int, confidence: float, **extra: object) -> Candidate:
    return Candidate(
        providers=("tmdb",),
        external_ids=ExternalIds(tmdb=tmdb),
        title="Emma",
        year=1996,
        confidence=confidence,
        **extra,  # type: ignore[arg-type]
    )


def test_the_presenter_imports_no_qt() -> None:
    assert qt_free_imports(presenter) == []


def test_the_inputs_make_a_search_a_lookup_or_an_error() -> None:
    assert read_request("", " Emma ", "1996") == (SearchRequest("Emma", 1996), "")
    assert read_request("", "Emma", "") == (SearchRequest("Emma", None), "")
    assert read_request("", "  ", "1996") == (None, "")
    assert read_request("tmdb:9870", "Emma", "1996") == (LookupRequest("tmdb:9870"), "")
    request, error = read_request("", "Emma", "1700")
    assert request is None and "between 1870 and 2100" in error
    request, error = read_request("9870", "Emma", "")
    assert request is None and "tmdb:9870 or tvdb:9870" in error and "clear the id" in error
    assert step_of(LookupRequest("tmdb:1")) is IdentifyStep.LOOKUP
    assert step_of(SearchRequest("Emma", None)) is IdentifyStep.SEARCH
    assert doing_text(SearchRequest("Emma", 1996)) == "Searching for “Emma (1996)”…"
    assert doing_text(LookupRequest("tmdb:9870")) == "Looking up tmdb:9870…"


def test_a_candidate_says_what_tells_it_apart() -> None:
    film = emma(9870, 94, runtime=120, director="Douglas McGrath", release_date="1996-08-02")
    tv = emma(41801, 93, runtime=107, tv_film=True, original_title="Jane Austen's Emma")
    assert candidate_facts(film) == ["120 min", "directed by Douglas McGrath"]
    assert candidate_facts(tv) == ["TV film", "107 min", "original title Jane Austen's Emma"]
    assert candidate_details(film) == (
        "released 2 Aug 1996  ·  120 min  ·  directed by Douglas McGrath  ·  tmdb 9870"
    )
    assert candidate_facts(emma(1, 50)) == []
    assert accessible_text(tv, False, ["TMDB"]).startswith("Emma (1996), TV film, 107 min,")
    assert "93 percent match, found by TMDB" in accessible_text(tv, False, ["TMDB"])


def test_the_why_of_an_ambiguity_names_the_rule_the_titles_the_year_rule_and_the_runner_up() -> None:
    why = search_why([emma(9870, 94), emma(41801, 93, tv_film=True)], "Emma", 1996)
    text = why_text(why)
    lines = text.splitlines()
    assert lines[0] == "No automatic match: 2 films match the title and year equally well; choose one."
    assert "Compared as “emma”, year 1996." in lines
    best = "Best: Emma (1996): “emma” against “emma”, exact title, same year"
    assert any(line.startswith(best) for line in lines)
    runner_up = next(line for line in lines if line.startswith("Runner-up:"))
    lost = "lost: same title and year as the best match (only popularity tells them apart; it is a TV film)"
    assert lost in runner_up
    assert any(line.startswith("Year rule: same year, or one year off") for line in lines)


def test_the_why_of_an_automatic_match_and_of_nothing() -> None:
    one = emma(9870, 94, cross_checked=("imdb tt0116191",))
    text = why_text(search_why([one], "Emma", 1996))
    assert text.startswith("Automatic match: the only film found.")
    assert "ids cross-checked: imdb tt0116191" in text
    assert why_text({}) == ""
    chosen = {"outcome": "identified", "rule": "the user's choice", "ids_cross_checked": ["tmdb 1"]}
    assert why_text(chosen) == "Automatic match: the user's choice.\nIds cross-checked: tmdb 1."


def test_status_and_failure_texts() -> None:
    assert found_status(1, "Emma", 1996) == ("One film found for “Emma (1996)”, best match first.", False)
    assert found_status(3, "Emma", None) == ("3 films found for “Emma”, best match first.", False)
    text, error = found_status(0, "Emma", 1996)
    assert error and "Try without the year," in text
    failures = [FailedProvider("tvdb", "server error (500)", True), FailedProvider("omdb", "bad key", False)]
    note = failure_note(failures, "search", {"tvdb": "TheTVDB", "omdb": "OMDb"}, {"tvdb": "timed out"})
    assert note == (
        "Not every provider could search (TheTVDB: timed out; OMDb: bad key); shown without TheTVDB, OMDb."
    )
    assert failure_note([], "search", {}, {}) == ""


def test_the_engine_s_own_why_answers_the_same_search_or_an_id_it_looked_up() -> None:
    resolved = {
        "query": {"title": "Emma", "normalised": "emma", "year": 1996},
        "outcome": "identified",
        "rule": "the exact matches were looked up and all turned out to be the same film",
    }
    assert engine_why(resolved, SearchRequest("EMMA.", 1996)) == resolved  # compared as normalised
    assert engine_why(resolved, SearchRequest("Emma", 1995)) == {}  # another question
    assert engine_why(resolved, SearchRequest("Emma", None)) == {}
    assert engine_why(resolved, SearchRequest("The Emma", 1996)) == {}
    assert engine_why(resolved, LookupRequest("tmdb:9870")) == {}
    by_ids = {"outcome": "identified", "rule": "looked up by the ids", "ids_looked_up": ["tmdb 9870"]}
    assert engine_why(by_ids, LookupRequest("tmdb:9870")) == by_ids
    assert engine_why(by_ids, LookupRequest("imdb:tt0116191")) == {}
    assert engine_why(by_ids, SearchRequest("Emma", 1996)) == {}
    assert engine_why({}, SearchRequest("Emma", 1996)) == {}
