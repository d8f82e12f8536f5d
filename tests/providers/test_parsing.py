"""The forgiving readers of provider values and the best-artwork rule."""

from __future__ import annotations

from typing import Any

import pytest

from metarr_desktop.core.artwork import best_candidate
from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.providers.parsing import FieldSink
from metarr_desktop.providers.parsing import parse_date
from metarr_desktop.providers.parsing import parse_float
from metarr_desktop.providers.parsing import parse_int
from metarr_desktop.providers.parsing import parse_percent
from metarr_desktop.providers.parsing import parse_runtime
from metarr_desktop.providers.parsing import parse_score_over
from metarr_desktop.providers.parsing import parse_year
from metarr_desktop.providers.parsing import safe_ids
from metarr_desktop.providers.parsing import split_list


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2,345,678", 2345678),
        ("148 min", 148),
        (7, 7),
        (7.9, 7),
        ("N/A", None),
        ("", None),
        (None, None),
        ("abc", None),
        (True, None),
    ],
)
def test_parse_int(value: Any, expected: int | None) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("148 min", 148),
        (148, 148),
        ("2h 28min", 148),
        ("2 h", 120),
        (0, None),
        ("0 min", None),
        ("N/A", None),
    ],
)
def test_parse_runtime(value: Any, expected: int | None) -> None:
    assert parse_runtime(value) == expected


def test_ratings() -> None:
    assert parse_float("8.8") == 8.8
    assert parse_float("8.8/10") == 8.8
    assert parse_percent("87%") == 87
    assert parse_score_over("74/100") == 74
    assert parse_score_over("N/A") is None
    assert parse_percent(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("16 Jul 2010", "2010-07-16"),
        ("2010-07-15", "2010-07-15"),
        ("2009-11-23T00:00:00.000Z", "2009-11-23"),
        ("N/A", None),
        ("", None),
        ("2010-13-45", None),
        ("someday", None),
    ],
)
def test_parse_date(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_parse_year_reads_ranges_and_dates() -> None:
    assert parse_year("1999–2003") == 1999
    assert parse_year("2010-07-15") == 2010
    assert parse_year(2010) == 2010
    assert parse_year("N/A") is None


def test_split_list_drops_missing_parts_duplicates_and_notes() -> None:
    assert split_list("Action, Adventure, N/A, Action") == ["Action", "Adventure"]
    assert split_list("Jonathan Nolan (screenplay), Christopher Nolan (story)", strip_notes=True) == [
        "Jonathan Nolan",
        "Christopher Nolan",
    ]
    assert split_list("N/A") == []


def test_field_sink_never_stores_missing_values() -> None:
    sink = FieldSink()
    values: dict[str, object] = {"a": "N/A", "b": "", "c": None, "d": [], "e": "x", "f": 0}
    for name, value in values.items():
        sink.set(name, value)
    assert sink.fields == {"e": "x", "f": 0}


def test_safe_ids_drops_malformed_ids() -> None:
    ids = safe_ids(tmdb="550", imdb="nm0000093", tvdb="N/A")
    assert (ids.tmdb, ids.imdb, ids.tvdb) == (550, None, None)


def _asset(
    url: str, lang: str | None, rating: float = 5.0, votes: int = 1, kind: AssetType = AssetType.POSTER
) -> AssetCandidate:
    return AssetCandidate(url=url, type=kind, provider="x", language=lang, rating=rating, votes=votes)


def test_best_poster_prefers_the_users_language_then_no_text() -> None:
    assets = [_asset("fr", "fr", 9.0), _asset("none", None, 6.0), _asset("de", "de", 5.0)]
    assert best_candidate(assets, AssetType.POSTER, "de").url == "de"  # type: ignore[union-attr]
    assert best_candidate(assets, AssetType.POSTER, "en").url == "none"  # type: ignore[union-attr]


def test_best_fanart_prefers_no_text_then_rating() -> None:
    assets = [
        _asset("en", "en", 9.0, kind=AssetType.FANART),
        _asset("plain-low", None, 5.0, kind=AssetType.FANART),
        _asset("plain-high", None, 5.5, kind=AssetType.FANART),
    ]
    assert best_candidate(assets, AssetType.FANART, "en").url == "plain-high"  # type: ignore[union-attr]
    assert best_candidate(assets, AssetType.CLEARLOGO, "en") is None
