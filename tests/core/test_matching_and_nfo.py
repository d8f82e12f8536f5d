"""Candidate merging, scoring and the automated decision; NFO and name parsing."""

from __future__ import annotations

import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.matching import Outcome
from metarr_desktop.core.matching import decide
from metarr_desktop.core.matching import merge_results
from metarr_desktop.core.matching import normalise_title
from metarr_desktop.core.matching import rank
from metarr_desktop.core.nfo import NfoError
from metarr_desktop.core.nfo import parse_name
from metarr_desktop.core.nfo import parse_nfo
from metarr_desktop.core.providers import SearchResult


def result(
    provider: str,
    title: str,
    year: int | None,
    popularity: float = 10,
    tmdb: int | None = None,
    imdb: str | None = None,
    tvdb: int | None = None,
) -> SearchResult:
    return SearchResult(
        provider=provider,
        external_ids=ExternalIds(tmdb=tmdb, imdb=imdb, tvdb=tvdb),
        title=title,
        year=year,
        popularity=popularity,
    )


def test_results_for_the_same_film_merge_across_providers() -> None:
    merged = merge_results(
        [
            result("tmdb", "Inception", 2010, tmdb=27205),
            result("omdb", "Inception", 2010, imdb="tt1375666"),
            result("tvdb", "Inception", 2010, tvdb=1234, imdb="tt1375666"),
            result("tmdb", "Inception: The Cobol Job", 2010, tmdb=64956),
        ]
    )
    # TMDB's search answer has no IMDb id, so it stays apart until an id links it
    assert sorted(c.providers for c in merged) == [("omdb", "tvdb"), ("tmdb",), ("tmdb",)]
    both = next(c for c in merged if len(c.providers) == 2)
    assert both.external_ids == ExternalIds(imdb="tt1375666", tvdb=1234)
    linked = merge_results(
        [
            result("tmdb", "Inception", 2010, tmdb=27205, imdb="tt1375666"),
            result("omdb", "Inception", 2010, imdb="tt1375666"),
        ]
    )
    assert len(linked) == 1 and linked[0].providers == ("tmdb", "omdb")


def test_one_exact_match_wins_over_looser_ones() -> None:
    ranked = rank(
        [
            result("tmdb", "Inception", 2010, tmdb=27205),
            result("tmdb", "Inception: The Cobol Job", 2010, tmdb=64956),
        ],
        "Inception",
        2010,
    )
    assert ranked[0].external_ids.tmdb == 27205
    assert ranked[0].confidence > ranked[1].confidence
    decision = decide(ranked, "Inception", 2010)
    assert decision.outcome is Outcome.IDENTIFIED and decision.chosen is ranked[0]


def test_same_title_same_year_is_ambiguous() -> None:
    ranked = rank(
        [result("tmdb", "Crash", 2004, tmdb=1), result("tmdb", "Crash", 2004, tmdb=2)], "Crash", 2004
    )
    decision = decide(ranked, "Crash", 2004)
    assert decision.outcome is Outcome.AMBIGUOUS and decision.chosen is None
    assert len(decision.candidates) == 2


def test_a_remake_is_told_apart_by_the_year() -> None:
    found = [result("tmdb", "The Thing", 1982, tmdb=1091), result("tmdb", "The Thing", 2011, tmdb=60935)]
    decision = decide(rank(found, "The Thing", 1982), "The Thing", 1982)
    assert decision.outcome is Outcome.IDENTIFIED and decision.chosen is not None
    assert decision.chosen.external_ids.tmdb == 1091
    assert decide(rank(found, "The Thing", None), "The Thing", None).outcome is Outcome.AMBIGUOUS


def test_no_candidate_is_not_found_and_one_is_identified() -> None:
    assert decide([], "Nothing", None).outcome is Outcome.NOT_FOUND
    only = rank([result("tmdb", "Amélie", 2001, tmdb=194)], "Amelie", 2001)
    assert decide(only, "Amelie", 2001).outcome is Outcome.IDENTIFIED


def test_title_normalisation() -> None:
    assert normalise_title("Amélie") == "amelie"
    assert normalise_title("Fast & Furious") == normalise_title("Fast and Furious")
    assert normalise_title("Se7en!") == "se7en"


KODI_NFO = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
  <title>Inception</title>
  <year>2010</year>
  <uniqueid type="imdb" default="true">tt1375666</uniqueid>
  <uniqueid type="tmdb">27205</uniqueid>
</movie>"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (KODI_NFO, ExternalIds(tmdb=27205, imdb="tt1375666")),
        ("<movie><id>tt0133093</id><tmdbid>603</tmdbid></movie>", ExternalIds(tmdb=603, imdb="tt0133093")),
        (
            "<movie><imdbid>tt0068646</imdbid><tvdbid>123</tvdbid></movie>",
            ExternalIds(imdb="tt0068646", tvdb=123),
        ),
        ("https://www.imdb.com/title/tt0111161/", ExternalIds(imdb="tt0111161")),
        ("https://www.themoviedb.org/movie/550-fight-club", ExternalIds(tmdb=550)),
        (
            "<movie><title>X</title></movie>\nhttps://www.imdb.com/title/tt0110912/",
            ExternalIds(imdb="tt0110912"),
        ),
        ('<movie><uniqueid type="imdb">garbage</uniqueid></movie>', ExternalIds()),
    ],
)
def test_nfo_ids(text: str, expected: ExternalIds) -> None:
    assert parse_nfo(text).ids == expected


def test_nfo_title_and_year() -> None:
    info = parse_nfo(KODI_NFO)
    assert (info.title, info.year) == ("Inception", 2010)


@pytest.mark.parametrize("text", ["", "<movie><title>broken</movie>", "just some words"])
def test_bad_nfo_gives_a_clear_error(text: str) -> None:
    with pytest.raises(NfoError):
        parse_nfo(text)


@pytest.mark.parametrize(
    ("name", "title", "year", "ids"),
    [
        ("Inception (2010)", "Inception", 2010, ExternalIds()),
        ("The.Thing.1982.1080p.BluRay.x264-GRP.mkv", "The Thing", 1982, ExternalIds()),
        ("Dune (2021) [tmdb-438631]", "Dune", 2021, ExternalIds(tmdb=438631)),
        (
            "Blade Runner 2049 (2017) {imdb-tt1856101}",
            "Blade Runner 2049",
            2017,
            ExternalIds(imdb="tt1856101"),
        ),
    ],
)
def test_folder_names(name: str, title: str, year: int, ids: ExternalIds) -> None:
    info = parse_name(name)
    assert (info.title, info.year, info.ids) == (title, year, ids)


def test_one_film_from_two_providers_is_shown_once() -> None:
    from metarr_desktop.core.matching import merge_look_alikes

    ranked = rank(
        [
            result("tmdb", "Inception", 2010, tmdb=27205),
            result("omdb", "Inception", 2010, imdb="tt1375666"),
            result("tmdb", "Inception: The Cobol Job", 2010, tmdb=64956),
        ],
        "Inception",
        2010,
    )
    shown = merge_look_alikes(ranked)
    assert len(shown) == 2
    assert shown[0].providers == ("tmdb", "omdb")
    assert shown[0].external_ids == ExternalIds(tmdb=27205, imdb="tt1375666")


def test_two_films_with_the_same_title_and_year_stay_apart() -> None:
    from metarr_desktop.core.matching import merge_look_alikes

    ranked = rank(
        [
            result("tmdb", "Emma", 1996, tmdb=3573),
            result("tmdb", "Emma", 1996, tmdb=31111),
            result("omdb", "Emma", 1996, imdb="tt0116191"),
            result("omdb", "Emma", 1996, imdb="tt0118308"),
        ],
        "Emma",
        1996,
    )
    assert len(merge_look_alikes(ranked)) == 4
    remakes = rank(
        [result("tmdb", "Dune", 1984, tmdb=841), result("omdb", "Dune", 2021, imdb="tt1160419")], "Dune", None
    )
    assert len(merge_look_alikes(remakes)) == 2
