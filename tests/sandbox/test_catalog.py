"""The demo and synthetic catalogs."""

from __future__ import annotations

import pytest

from metarr_desktop.sandbox.catalog import load_demo
from metarr_desktop.sandbox.catalog import parse_catalog_spec
from metarr_desktop.sandbox.catalog import synthetic
from metarr_desktop.sandbox.server import Latency


def test_demo_catalog_has_forty_movies_and_the_traps() -> None:
    catalog = load_demo()
    movies = catalog.of_kind("movie")
    assert len(movies) >= 40
    with_ids = [m for m in movies if m.tmdb is not None]
    assert len({m.tmdb for m in with_ids}) == len(with_ids)
    assert len({m.imdb for m in with_ids}) == len(with_ids)
    assert len(catalog.search("Emma", year=1996)) == 2  # same title and year
    assert {m.year for m in catalog.search("Dune") if m.title == "Dune"} == {1984, 2021}
    assert {m.year for m in catalog.search("The Thing")} == {1982, 2011}
    assert [m.title for m in movies if "omdb" in m.not_on and m.tmdb] == ["Dune: Part Two"]
    assert [m.title for m in movies if "fanart" in m.not_on and m.tmdb] == ["Psycho"]
    (tvdb_only,) = [m for m in movies if m.tmdb is None and m.imdb is None]
    assert tvdb_only.on("tvdb") and not tvdb_only.on("tmdb") and not tvdb_only.on("omdb")
    assert catalog.get("movie", "tmdb", 550).imdb == "tt0137523"  # type: ignore[union-attr]


def test_search_ignores_accents_case_and_punctuation() -> None:
    catalog = load_demo()
    assert [m.tmdb for m in catalog.search("amelie")] == [194]
    assert [m.tmdb for m in catalog.search("wall e")] == [10681]
    assert catalog.search("   ") == []


def test_synthetic_catalog_is_deterministic() -> None:
    first, second = synthetic(50), synthetic(50)
    assert [t.title for t in first.titles] == [t.title for t in second.titles]
    assert first.titles[0].tmdb == 5_000_001 and first.titles[0].imdb == "tt90000001"
    assert first.titles[-1].tvdb == 8_000_050
    assert len({t.title for t in first.titles}) == 50
    assert [t.title for t in synthetic(50, seed=3).titles] != [t.title for t in first.titles]


@pytest.mark.parametrize("spec", ["synthetic", "synthetic:x", "synthetic:-1", "imaginary"])
def test_bad_catalog_specs(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_catalog_spec(spec)


def test_latency_parsing() -> None:
    assert Latency.parse("50-200") == Latency(50, 200)
    assert Latency.parse("80") == Latency(80, 80)
    assert Latency.parse(None) == Latency(0, 0)
    for bad in ("200-50", "-5", "fast"):
        with pytest.raises(ValueError):
            Latency.parse(bad)
