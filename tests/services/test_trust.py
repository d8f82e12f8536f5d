"""Issue 19 through the services: the inspector (from the cache, no request), a preview that writes
nothing and is accepted from the cache (all of it or some fields), and undo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.inspect import InspectError
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.movie_fields import USER_SOURCE
from metarr_desktop.services.undo import UNDO_MODE
from tests.helpers import fake_services
from tests.helpers.fake_services import FakeServices
from tests.helpers.fixtures import Opener
from tests.helpers.library_suite import MATRIX
from tests.helpers.library_suite import enriched_matrix


@pytest.fixture
async def suite(open_services: Opener) -> LibrarySuite:
    return LibrarySuite.create(open_services())


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[str, dict[str, Any]], None]], None]:
    """Change what the fake providers answer: `change(provider, fields)` edits each answer's fields."""
    original = fake_services.answer

    def install(change: Callable[[str, dict[str, Any]], None]) -> None:
        def patched(provider: str, movie: str) -> dict[str, Any]:
            body = original(provider, movie)
            change(provider, body["fields"])
            return body

        monkeypatch.setattr(fake_services, "answer", patched)

    return install


def ratings(provider: str, fields: dict[str, Any]) -> None:
    fields["imdb_rating"] = {"omdb": 8.7, "tmdb": 7.9}.get(provider)
    if provider == "tvdb":
        fields["runtime"] = 136


# -- the inspector -------------------------------------------------------------------------------------


async def test_the_inspector_lists_every_provider_and_matches_the_merge_without_a_request(
    suite: LibrarySuite, fake_providers: FakeServices, answers: Any
) -> None:
    answers(ratings)
    movie_id = await enriched_matrix(suite)
    before = fake_providers.count()
    inspection = suite.inspect.inspect(movie_id)
    assert fake_providers.count() == before  # the cache only
    assert inspection.providers == ["fanart", "omdb", "tmdb", "tvdb"]
    detail = suite.library.movie_detail(movie_id)
    for name, explained in inspection.fields.items():
        stored = detail.fields[name]
        if stored.source is not None:  # what the merge did is what the inspector says
            assert (explained.value, explained.source) == (stored.value, stored.source), name
    plot = inspection.fields["plot"]
    assert plot.rule == "authority: tmdb > omdb" and plot.value == "Plot of 603 from tmdb"
    assert {c.provider for c in plot.candidates} == {"omdb", "tmdb", "tvdb", "fanart"}
    assert plot.candidate("omdb").why == "Ranked below tmdb for this field."  # type: ignore[union-attr]
    rating = inspection.fields["imdb_rating"]
    assert (rating.value, rating.source, rating.rule) == (8.7, "omdb", "exclusive: omdb")
    assert rating.candidate("tmdb").why == "Not allowed: the field is exclusive to omdb."  # type: ignore[union-attr]
    assert inspection.fields["runtime"].rule == "priority"
    document = suite.inspect.inspect(movie_id, "plot").to_json()
    assert list(document) == ["plot"]
    assert document["plot"]["chosen"]["rule"] == "authority: tmdb > omdb"
    assert {"provider", "value", "language", "fetched_at"} <= set(document["plot"]["candidates"][0])


async def test_the_inspector_names_locked_and_edited_fields(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    suite.library.edit_field(movie_id, "plot", "Mine.")
    suite.library.set_locked(movie_id, "genres", True)
    inspection = suite.inspect.inspect(movie_id)
    assert (inspection.fields["plot"].value, inspection.fields["plot"].rule) == ("Mine.", "edited")
    assert inspection.fields["plot"].merged_source == "tmdb"
    assert inspection.fields["genres"].rule == "locked"
    with pytest.raises(InspectError):
        suite.inspect.inspect(movie_id, "nonsense")


async def test_a_disabled_providers_answer_is_listed_but_takes_no_part(suite: LibrarySuite) -> None:
    from metarr_desktop.services.config import ProviderUpdate

    movie_id = await enriched_matrix(suite)
    await suite.app.providers.update("tmdb", ProviderUpdate(enabled=False))
    plot = suite.inspect.inspect(movie_id, "plot").fields["plot"]
    assert plot.candidate("tmdb").outcome == "excluded"  # type: ignore[union-attr]
    assert plot.merged_source == "omdb" and not plot.applied


async def test_use_this_value_applies_the_providers_value_sourced_and_locked(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    value = suite.inspect.use_value(movie_id, "plot", "omdb")
    assert value == "Plot of 603 from omdb"
    detail = suite.library.movie_detail(movie_id)
    assert (detail.fields["plot"].value, detail.fields["plot"].source) == (value, "omdb")
    assert detail.fields["plot"].locked
    assert suite.inspect.inspect(movie_id, "plot").fields["plot"].rule == "locked"
    with pytest.raises(InspectError):
        suite.inspect.use_value(movie_id, "tagline", "omdb")


async def test_always_prefer_edits_the_authority_rule(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    change = suite.inspect.prefer_provider("plot", "omdb")
    assert change.before[:2] == ["tmdb", "omdb"] and change.after[:2] == ["omdb", "tmdb"]
    assert suite.app.authority.get().field_authorities["plot"].providers == ["omdb", "tmdb"]
    plot = suite.inspect.inspect(movie_id, "plot").fields["plot"]
    assert plot.merged_source == "omdb" and plot.rule == "authority: omdb > tmdb"
    exclusive = suite.inspect.prefer_provider("imdb_rating", "tmdb")
    assert exclusive.exclusive and exclusive.after == ["tmdb", "omdb"]
    suite.inspect.prefer_provider("runtime", "tvdb")
    assert suite.app.authority.get().field_authorities["runtime"].providers == ["tvdb"]


# -- preview and accept ----------------------------------------------------------------------------------


async def test_a_preview_writes_nothing_and_accepting_sends_no_request_and_applies_the_same_change_set(
    suite: LibrarySuite, fake_providers: FakeServices, answers: Any
) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    stored_before = suite.app.movies.require(movie.id)
    previewed = await suite.preview.preview(movie.id)
    assert previewed.preview and previewed.status is Status.ENRICHED
    assert "plot" in previewed.changes.names() and previewed.to_json()["preview"] is True
    after = suite.app.movies.require(movie.id)
    assert after.fields == stored_before.fields and after.last_enriched_at is None
    assert suite.app.movies.field_sources(movie.id) == {}
    assert suite.library.movie_detail(movie.id).history == []
    requests = fake_providers.count()
    assert requests > 0

    accepted = await suite.preview.accept(movie.id, previewed=previewed.changes)
    assert fake_providers.count() == requests  # no second request
    assert accepted.differs == []
    assert accepted.result.changes.to_json() == previewed.changes.to_json()
    detail = suite.library.movie_detail(movie.id)
    assert detail.fields["plot"].value == "Plot of 603 from tmdb" and detail.fields["plot"].source == "tmdb"
    assert len(detail.history) == 1


async def test_accepting_some_fields_writes_only_those(
    suite: LibrarySuite, fake_providers: FakeServices
) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    previewed = await suite.preview.preview(movie.id)
    assert {"title", "plot", "genres"} <= set(previewed.changes.names())
    requests = fake_providers.count()
    accepted = await suite.preview.accept(movie.id, ["plot"], previewed=previewed.changes)
    assert fake_providers.count() == requests
    assert accepted.result.changes.names() == ["plot"] and accepted.differs == []
    stored = suite.app.movies.require(movie.id)
    assert stored.fields["plot"] == "Plot of 603 from tmdb"
    assert "genres" not in stored.fields and stored.fields["title"] == "The Matrix"
    assert set(suite.app.movies.field_sources(movie.id)) == {"plot"}


async def test_accepting_after_an_edit_reports_what_differs(suite: LibrarySuite) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    previewed = await suite.preview.preview(movie.id)
    suite.library.edit_field(movie.id, "plot", "Mine.")  # meanwhile
    accepted = await suite.preview.accept(movie.id, previewed=previewed.changes)
    assert accepted.differs == ["plot"]
    assert suite.app.movies.require(movie.id).fields["plot"] == "Mine."


async def test_accepting_uses_even_an_old_cached_answer(
    suite: LibrarySuite, fake_providers: FakeServices, clock: VirtualClock
) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    await suite.preview.preview(movie.id)
    clock.advance(timedelta(days=30).total_seconds())  # every cached answer is stale now
    requests = fake_providers.count()
    accepted = await suite.preview.accept(movie.id)
    assert fake_providers.count() == requests and accepted.result.status is Status.ENRICHED


async def test_previewing_many_movies_summarises_by_field_and_accepts_chosen_fields(
    suite: LibrarySuite, fake_providers: FakeServices
) -> None:
    first = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    second = suite.library.add("Inception", year=2010, ids=ExternalIds(tmdb=27205, imdb="tt1375666"))
    bulk = await suite.preview.preview_many([first.id, second.id])
    assert bulk.summary.counts()["plot"] == 2
    assert bulk.summary.text().startswith("title: 2 movies, plot: 2")
    assert suite.app.movies.require(first.id).fields.get("plot") is None
    requests = fake_providers.count()
    report = await suite.preview.accept_many([first.id, second.id], ["plot"])
    assert fake_providers.count() == requests
    assert [r.changes.names() for r in report.results] == [["plot"], ["plot"]]
    assert "genres" not in suite.app.movies.require(second.id).fields


async def test_a_movie_not_identified_yet_is_identified_by_its_preview_and_no_field_written(
    suite: LibrarySuite, fake_providers: FakeServices
) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=ExternalIds(tmdb=603))
    previewed = await suite.preview.preview(movie.id)
    stored = suite.app.movies.require(movie.id)
    assert previewed.status is Status.ENRICHED and stored.status.value == "identified"
    assert stored.fields.get("plot") is None and suite.app.movies.field_sources(movie.id) == {}
    requests = fake_providers.count()
    await suite.preview.accept(movie.id, previewed=previewed.changes)
    assert fake_providers.count() == requests


async def test_applying_from_the_cache_needs_an_identified_movie(
    suite: LibrarySuite, fake_providers: FakeServices
) -> None:
    movie = suite.library.add("Something", year=2001)
    accepted = await suite.preview.accept(movie.id)
    assert accepted.result.status is Status.NEEDS_IDENTIFICATION and fake_providers.count() == 0


# -- undo ------------------------------------------------------------------------------------------------


async def test_undo_restores_the_old_values_keeps_edits_logs_and_says_nothing_left_the_second_time(
    suite: LibrarySuite, fake_providers: FakeServices, answers: Any, clock: VirtualClock
) -> None:
    movie_id = await enriched_matrix(suite)
    clock.advance(timedelta(days=8).total_seconds())

    def changed(provider: str, fields: dict[str, Any]) -> None:
        fields["plot"] = f"New plot from {provider}"
        fields["genres"] = ["Action"]
        fields["tagline"] = "Free your mind"

    answers(changed)
    second = await suite.enrichment.enrich(movie_id)
    assert set(second.changes.names()) == {"plot", "tagline", "genres"}
    suite.library.edit_field(movie_id, "genres", "Sci-Fi")  # edited since

    undone = await suite.undo.undo(movie_id)
    assert undone.status == "undone" and undone.undone is not None
    assert {c.field: c.new for c in undone.restored} == {"plot": "Plot of 603 from tmdb", "tagline": None}
    assert [(k.field, k.reason) for k in undone.kept] == [("genres", "edited since")]
    detail = suite.library.movie_detail(movie_id)
    assert detail.fields["plot"].value == "Plot of 603 from tmdb" and detail.fields["plot"].source == "tmdb"
    assert detail.fields["tagline"].value is None and detail.fields["tagline"].source is None
    assert detail.fields["genres"].value == ["Sci-Fi"] and detail.fields["genres"].source == USER_SOURCE
    assert {"plot", "tagline"} <= detail.locked  # the next refresh does not bring them back
    entry = detail.history[0]
    assert entry.mode == UNDO_MODE and entry.id == undone.entry_id
    assert {c["field"] for c in entry.changed_fields} == {"plot", "tagline"}
    assert all(c["undoes"] == undone.undone.id for c in entry.changed_fields)

    again = await suite.undo.undo(movie_id)
    assert again.status == "nothing_to_undo" and "Nothing left to undo" in again.message
    assert len(suite.library.movie_detail(movie_id).history) == len(detail.history)  # no new entry

    requests = fake_providers.count()
    refreshed = await suite.enrichment.enrich(movie_id)  # from the cache: the undone values stay
    assert fake_providers.count() == requests and refreshed.changes.is_empty


async def test_undo_with_no_refresh_that_changed_anything(suite: LibrarySuite) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    result = await suite.undo.undo(movie.id)
    assert result.status == "nothing_to_undo" and result.message.startswith("Nothing to undo")
    assert suite.undo.target(movie.id) is None


async def test_undo_republishes_through_the_hook_when_it_restored_something(suite: LibrarySuite) -> None:
    movie_id = await enriched_matrix(suite)
    calls: list[int] = []

    async def republish(movie: int) -> dict[str, Any] | None:
        calls.append(movie)
        return {"movie_id": movie, "status": "written"}

    suite.undo.republish = republish
    result = await suite.undo.undo(movie_id)
    assert calls == [movie_id] and result.republished == {"movie_id": movie_id, "status": "written"}
    assert result.to_json()["republished"]["status"] == "written"


async def test_identification_never_writes_a_locked_id_an_empty_one_included(suite: LibrarySuite) -> None:
    movie = suite.library.add("The Matrix", year=1999)
    suite.app.movies.lock(movie.id, "tmdb_id")  # locked while empty: it stays empty
    result = await suite.identification.identify(movie.id)
    assert result.identified and result.ids.tmdb is None and result.ids.imdb is not None
    assert suite.library.movie_detail(movie.id).movie.ids.tmdb is None
    await suite.enrichment.enrich(movie.id)
    assert suite.library.movie_detail(movie.id).movie.ids.tmdb is None
