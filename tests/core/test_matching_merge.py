"""Transitive, order-independent merging of search answers, the conflict rule, and the `why`."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.matching import Outcome
from metarr_desktop.core.matching import decide
from metarr_desktop.core.matching import merge_results
from metarr_desktop.core.matching import rank
from metarr_desktop.core.matching import remerge
from metarr_desktop.core.matching import with_details
from metarr_desktop.core.providers import SearchResult


def result(provider: str, title: str, year: int | None, **ids: object) -> SearchResult:
    return SearchResult(provider=provider, external_ids=ExternalIds(**ids), title=title, year=year)  # type: ignore[arg-type]


# Mad Max: Fury Road as the three searching providers answer: TMDB knows only its TMDB id, OMDb only
# the IMDb id, TheTVDB both the IMDb and the TMDB id (its remote ids). In the order TMDB, OMDb,
# TheTVDB a one-pass merge made two candidates; TheTVDB first, one.
FURY_ROAD = [
    result("tmdb", "Mad Max: Fury Road", 2015, tmdb=76341),
    result("omdb", "Mad Max: Fury Road", 2015, imdb="tt1392190"),
    result("tvdb", "Mad Max: Fury Road", 2015, tvdb=1141, imdb="tt1392190", tmdb=76341),
]

# Emma (1996): the cinema film (Paltrow) and the TV film (Beckinsale), each from three providers.
EMMA = [
    result("tmdb", "Emma", 1996, tmdb=3573),
    result("tmdb", "Emma", 1996, tmdb=31111),
    result("omdb", "Emma", 1996, imdb="tt0116191"),
    result("omdb", "Emma", 1996, imdb="tt0118308"),
    result("tvdb", "Emma", 1996, tvdb=7001, imdb="tt0116191", tmdb=3573),
    result("tvdb", "Emma", 1996, tvdb=7002, imdb="tt0118308", tmdb=31111),
    result("tmdb", "Emma.", 2020, tmdb=556678),
]


def shape(candidates: list[Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (c.external_ids.to_json()["imdb"] or "", c.external_ids.tmdb or 0, c.providers, c.title)
        for c in candidates
    )


def test_a_chain_of_ids_is_one_film_in_any_order() -> None:
    for order in (FURY_ROAD, FURY_ROAD[::-1], [FURY_ROAD[1], FURY_ROAD[0], FURY_ROAD[2]]):
        merged = merge_results(order)
        assert len(merged) == 1
        assert merged[0].external_ids == ExternalIds(tmdb=76341, imdb="tt1392190", tvdb=1141)
        assert merged[0].providers == ("tmdb", "omdb", "tvdb")
        assert merged[0].cross_checked == ("imdb tt1392190", "tmdb 76341")


def test_one_film_found_by_every_provider_is_identified() -> None:
    decision = decide(rank(FURY_ROAD, "Mad Max - Fury Road", 2015), "Mad Max - Fury Road", 2015)
    assert decision.outcome is Outcome.IDENTIFIED
    assert decision.why["rule"] == "the only film found"


def test_emma_is_two_films_each_listed_once() -> None:
    merged = merge_results(EMMA)
    assert len(merged) == 3
    emmas = [c for c in merged if c.year == 1996]
    assert {c.external_ids.imdb for c in emmas} == {"tt0116191", "tt0118308"}
    assert all(len(c.providers) == 3 for c in emmas)


def test_conflicting_ids_of_one_kind_stay_apart() -> None:
    # TheTVDB links a wrong TMDB id to the IMDb id: IMDb is the stronger link, so the two TMDB
    # films are never one candidate; the result with the wrong TMDB id joins its IMDb partner.
    answers = [
        result("tmdb", "Heat", 1995, tmdb=949, imdb="tt0113277"),
        result("tmdb", "Heat", 1986, tmdb=43580),
        result("tvdb", "Heat", 1995, tvdb=5, imdb="tt0113277", tmdb=43580),
    ]
    merged = merge_results(answers)
    assert len(merged) == 2
    for candidate in merged:
        assert candidate.external_ids.tmdb in {949, 43580}
    assert sorted(len(c.results) for c in merged) == [1, 2]


def test_several_titles_per_candidate_are_scored() -> None:
    amelie = [
        SearchResult(
            provider="tmdb",
            external_ids=ExternalIds(tmdb=194),
            title="Amélie",
            original_title="Le Fabuleux Destin d'Amélie Poulain",
            year=2001,
        )
    ]
    ranked = rank(amelie, "Le fabuleux destin d'Amelie Poulain", 2001)
    assert ranked[0].confidence >= 90
    assert ranked[0].all_titles() == ("Amélie", "Le Fabuleux Destin d'Amélie Poulain")


def test_why_explains_an_ambiguity_and_the_runner_up() -> None:
    found = [
        SearchResult(
            provider="tmdb", external_ids=ExternalIds(tmdb=3573), title="Emma", year=1996, popularity=20
        ),
        SearchResult(
            provider="tmdb",
            external_ids=ExternalIds(tmdb=31111),
            title="Emma",
            year=1996,
            popularity=5,
            tv_film=True,
        ),
    ]
    decision = decide(rank(found, "Emma", 1996), "Emma", 1996)
    assert decision.outcome is Outcome.AMBIGUOUS
    why = decision.why
    assert why["query"] == {"title": "Emma", "normalised": "emma", "year": 1996}
    assert "one year off" in why["year_rule"]
    assert why["rule"] == "2 films match the title and year equally well; choose one"
    assert why["best"]["compared"] == ["emma", "emma"] and why["best"]["title_match"] == "exact"
    assert why["runner_up"]["lost_because"].startswith("same title and year as the best match")
    assert "TV film" in why["runner_up"]["lost_because"]


@pytest.mark.parametrize(
    ("year", "years", "tied"),
    [
        pytest.param(
            None, (2021, 1984), "same title as the best match, and the movie has no year", id="no-year"
        ),
        pytest.param(
            2000,
            (2021, 1984),
            "same title as the best match, and neither year is the movie's",
            id="different",
        ),
        pytest.param(
            2010, (2009, 2011), "same title as the best match, and both years are one off", id="close"
        ),
        pytest.param(
            2021, (None, None), "same title as the best match, and neither has a year", id="yearless"
        ),
        pytest.param(2021, (2021, 2021), "same title and year as the best match", id="same"),
    ],
)
def test_the_runner_up_of_a_tie_is_told_what_actually_tied(
    year: int | None, years: tuple[int | None, int | None], tied: str
) -> None:
    """Dune without a year: Dune (2021) and Dune (1984) share the title, not a year."""
    found = [
        SearchResult(
            provider="tmdb", external_ids=ExternalIds(tmdb=438631), title="Dune", year=years[0], popularity=90
        ),
        SearchResult(
            provider="tmdb", external_ids=ExternalIds(tmdb=841), title="Dune", year=years[1], popularity=20
        ),
    ]
    decision = decide(rank(found, "Dune", year), "Dune", year)
    assert decision.outcome is Outcome.AMBIGUOUS
    runner_up = decision.why["runner_up"]
    assert runner_up["year"] == years[1]
    assert runner_up["lost_because"] == f"{tied} (only popularity tells them apart)"


def test_a_year_off_by_one_is_close() -> None:
    found = [result("tmdb", "Amores perros", 2000, tmdb=55), result("tmdb", "Amores Perros", 1972, tmdb=9)]
    decision = decide(rank(found, "Amores Perros", 2001), "Amores Perros", 2001)
    assert decision.outcome is Outcome.IDENTIFIED and decision.chosen is not None
    assert decision.chosen.external_ids.tmdb == 55
    assert decision.why["rule"] == "no exact year; the only exact title one year off"
    assert decision.why["best"]["year_match"] == "close"
    assert decision.why["runner_up"]["lost_because"] == "its year differs"


def test_lookups_reveal_ids_and_details_and_remerge_joins() -> None:
    ranked = rank(EMMA[:4], "Emma", 1996)
    assert len(ranked) == 4
    revealed = {3573: "tt0116191", 31111: "tt0118308"}
    details = [
        with_details(c, ExternalIds(imdb=revealed[c.external_ids.tmdb]), runtime=120, director="D. McGrath")
        if c.external_ids.tmdb in revealed
        else c
        for c in ranked
    ]
    films = remerge(details)
    assert len(films) == 2
    assert all(f.runtime == 120 and f.director == "D. McGrath" for f in films)
    assert {f.external_ids.imdb for f in films} == {"tt0116191", "tt0118308"}


providers = st.sampled_from(["tmdb", "omdb", "tvdb", "fanart"])
imdb_ids = st.sampled_from([None, "tt0000001", "tt0000002", "tt0000003"])
small_ids = st.sampled_from([None, 1, 2, 3])
answers = st.lists(
    st.builds(
        lambda p, i, t, v, title, year: SearchResult(
            provider=p, external_ids=ExternalIds(imdb=i, tmdb=t, tvdb=v), title=title, year=year
        ),
        providers,
        imdb_ids,
        small_ids,
        small_ids,
        st.sampled_from(["Emma", "Heat", "Dune"]),
        st.sampled_from([None, 1995, 1996]),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(answers, st.randoms(use_true_random=False))
def test_any_permutation_of_the_answers_gives_the_same_candidates(found, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(found)
    rnd.shuffle(shuffled)
    first, second = merge_results(found), merge_results(shuffled)
    assert first == second
    assert [sorted(map(repr, c.results)) for c in first] == [sorted(map(repr, c.results)) for c in second]
    assert rank(found, "Emma", 1996) == rank(shuffled, "Emma", 1996)
    for candidate in first:  # the conflict rule: never two ids of one kind in one film
        for kind in ("imdb", "tmdb", "tvdb"):
            values = {getattr(r.external_ids, kind) for r in candidate.results} - {None}
            assert len(values) <= 1
