"""Identification: lookups from each id type, search, not found, ambiguous, remakes; memory-first."""

from __future__ import annotations

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.providers.errors import AuthenticationError
from tests.helpers.catalog_identifier import COMPLETE
from tests.helpers.catalog_identifier import IM
from tests.helpers.catalog_identifier import V
from tests.helpers.catalog_identifier import catalog_identifier


@pytest.mark.parametrize(
    ("start", "asked"),
    [
        (ExternalIds(tmdb=27205), {"tmdb", "tvdb", "fanart"}),
        (ExternalIds(imdb="tt1375666"), {"tmdb", "omdb", "tvdb", "fanart"}),
        (ExternalIds(tvdb=611), {"tmdb", "tvdb"}),
    ],
)
async def test_lookup_from_each_id_type_completes_the_id_set(start: ExternalIds, asked: set[str]) -> None:
    identifier, fakes = catalog_identifier(VirtualClock())
    result = await identifier.lookup(start)
    assert result.ids == COMPLETE
    assert set(result.answers) == asked  # every answer fetched on the way is kept for reuse
    assert {pid for pid, f in fakes.items() if f.calls} == asked
    assert all(f.calls <= 1 for f in fakes.values())  # nobody is asked twice


async def test_lookup_goes_round_by_round_until_nobody_can_add_more() -> None:
    identifier, fakes = catalog_identifier(VirtualClock(), tvdb={"provides": frozenset({V, IM})})
    result = await identifier.lookup(ExternalIds(tvdb=611), providers=["tvdb", "omdb", "fanart"])
    assert result.ids == COMPLETE  # tvdb revealed the IMDb id, then fanart the TMDB id
    assert fakes["omdb"].calls == 1 and fakes["fanart"].calls == 1
    partial_identifier, _ = catalog_identifier(VirtualClock(), tvdb={"provides": frozenset({V})})
    partial = await partial_identifier.lookup(ExternalIds(tvdb=611), providers=["tvdb", "omdb"])
    assert partial.ids == ExternalIds(tvdb=611) and set(partial.answers) == {"tvdb"}


async def test_a_lookup_is_one_execution_whatever_its_rounds_and_a_search_is_none() -> None:
    identifier, _ = catalog_identifier(VirtualClock(), tvdb={"provides": frozenset({V, IM})})
    metrics = identifier.orchestrator.metrics
    await identifier.lookup(ExternalIds(tvdb=611), providers=["tvdb", "omdb", "fanart"])  # 3 rounds
    assert metrics.executions == 1 and metrics.success_rate == 1.0
    await identifier.lookup(ExternalIds(tvdb=611), providers=["omdb"])  # nobody can be asked
    await identifier.search("Inception", 2010)  # a search is no fetch of the movie's providers
    assert metrics.executions == 1


async def test_lookup_from_a_complete_id_set_still_fetches_the_answers() -> None:
    identifier, _ = catalog_identifier(VirtualClock())
    result = await identifier.lookup(COMPLETE)
    assert set(result.answers) == {"tmdb", "omdb", "tvdb", "fanart"}


async def test_lookup_survives_a_failing_provider() -> None:
    identifier, _ = catalog_identifier(
        VirtualClock(), omdb={"default": AuthenticationError("omdb", "the API key was refused")}
    )
    result = await identifier.lookup(ExternalIds(imdb="tt1375666"))
    assert result.ids == COMPLETE
    assert [f.provider for f in result.failures] == ["omdb"]
    assert "omdb" not in result.answers


async def test_identify_by_title_and_year() -> None:
    identifier, _ = catalog_identifier(VirtualClock())
    outcome = await identifier.identify(title="Inception", year=2010, ids=ExternalIds())
    assert outcome.status == "identified" and outcome.reason is None
    assert outcome.ids == COMPLETE
    assert outcome.lookup is not None and "omdb" in outcome.lookup.answers
    assert outcome.candidates[0].providers == ("tmdb", "omdb", "tvdb")


async def test_not_found() -> None:
    identifier, _ = catalog_identifier(VirtualClock())
    outcome = await identifier.identify(title="No Such Film", year=1999, ids=ExternalIds())
    assert (outcome.status, outcome.reason, outcome.candidates) == ("needs_identification", "not_found", [])


async def test_same_title_same_year_is_ambiguous() -> None:
    identifier, _ = catalog_identifier(VirtualClock())
    outcome = await identifier.identify(title="Crash", year=2004, ids=ExternalIds())
    assert (outcome.status, outcome.reason) == ("needs_identification", "ambiguous")
    assert len(outcome.candidates) == 2
    assert outcome.lookup is None  # nothing fetched beyond the search


async def test_a_remake_in_another_year_is_identified_by_the_year() -> None:
    identifier, _ = catalog_identifier(VirtualClock())
    outcome = await identifier.identify(title="The Thing", year=2011, ids=ExternalIds())
    assert outcome.status == "identified" and outcome.ids.tmdb == 60935


async def test_every_provider_failing_is_an_error_not_a_verdict() -> None:
    broken = {"default": AuthenticationError("x", "the API key was refused")}
    identifier, _ = catalog_identifier(VirtualClock(), tmdb=broken, omdb=broken, tvdb=broken)
    with pytest.raises(IdentificationError) as info:
        await identifier.identify(title="Inception", year=2010, ids=ExternalIds())
    assert {f.provider for f in info.value.failures} == {"tmdb", "omdb", "tvdb"}
