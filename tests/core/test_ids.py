from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.ids import parse_id
from metarr_desktop.core.ids import parse_imdb_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("tt1375666", "tt1375666"),
        (" TT0111161 ", "tt0111161"),
        ("tt10872600", "tt10872600"),
        ("https://www.imdb.com/title/tt1375666/", "tt1375666"),
    ],
)
def test_imdb_ids_are_normalised(raw: str, expected: str) -> None:
    assert parse_imdb_id(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "tt123456", "1375666", "nm0000138", "tt12a4567", "https://example.com/tt1"]
)
def test_bad_imdb_ids_are_refused(raw: str) -> None:
    with pytest.raises(InvalidIdError, match="IMDb"):
        parse_imdb_id(raw)


@pytest.mark.parametrize("raw", ["0", "-5", "abc", "12.5", True])
def test_numeric_ids_must_be_positive_integers(raw: object) -> None:
    with pytest.raises(InvalidIdError):
        parse_id(IdType.TMDB, raw)


def test_numeric_ids_parse_from_text() -> None:
    assert parse_id("tmdb", " 27205 ") == 27205
    assert parse_id(IdType.TVDB, 81189) == 81189


def test_external_ids_validate_on_construction() -> None:
    with pytest.raises(InvalidIdError):
        ExternalIds(imdb="tt12")


def test_merge_keeps_known_ids_and_fills_gaps() -> None:
    known = ExternalIds(tmdb=27205)
    other = ExternalIds(tmdb=999, imdb="tt1375666")
    merged = known.merged(other)
    assert merged == ExternalIds(tmdb=27205, imdb="tt1375666")
    assert not merged.is_complete()
    assert merged.with_id("tvdb", "123").is_complete()


def test_json_round_trip() -> None:
    ids = ExternalIds(tmdb=27205, imdb="tt1375666", tvdb=None)
    assert ids.to_json() == {"tmdb": 27205, "imdb": "tt1375666", "tvdb": None}
    assert ExternalIds.from_json(ids.to_json()) == ids
    assert ExternalIds.from_json(None).is_empty()


@given(st.integers(min_value=1_000_000, max_value=10**9))
def test_any_imdb_number_with_seven_or_more_digits_is_valid(number: int) -> None:
    assert parse_imdb_id(f"tt{number:07d}") == f"tt{number:07d}"
