from __future__ import annotations

import pytest

from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import LIST_FIELDS
from metarr_desktop.core.fields import PLAYER_SYNC_FIELDS
from metarr_desktop.core.fields import is_missing


@pytest.mark.parametrize("value", [None, "", "   ", "N/A", "n/a", [], {}, ()])
def test_missing_values(value: object) -> None:
    assert is_missing(value)


@pytest.mark.parametrize("value", [0, 0.0, False, "Inception", ["Drama"], {"a": 1}, "NA Story"])
def test_present_values(value: object) -> None:
    assert not is_missing(value)


def test_field_sets_are_canonical_names() -> None:
    assert set(ALL_FIELDS) >= LIST_FIELDS
    assert set(ALL_FIELDS) >= PLAYER_SYNC_FIELDS
    for name in ("title", "runtime", "imdb_rating", "disc", "tmdb_id", "imdb_id", "tvdb_id"):
        assert name in ALL_FIELDS
