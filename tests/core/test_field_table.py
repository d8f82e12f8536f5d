"""The one field table: every canonical field declared once, and the derived sets agree with it."""

from __future__ import annotations

from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import FIELD_GROUPS
from metarr_desktop.core.fields import FIELD_SPECS
from metarr_desktop.core.fields import FIELDS
from metarr_desktop.core.fields import LIST_FIELDS
from metarr_desktop.core.fields import PLAYER_SYNC_FIELDS
from metarr_desktop.core.fields import RATING_FIELDS
from metarr_desktop.core.fields import label

#: CONTRACT.md's canonical field names.
CONTRACT_FIELDS = [
    "title",
    "original_title",
    "sort_title",
    "plot",
    "outline",
    "tagline",
    "runtime",
    "release_date",
    "year",
    "content_rating",
    "genres",
    "cast",
    "directors",
    "writers",
    "studios",
    "countries",
    "languages",
    "collection",
    "trailer",
    "imdb_rating",
    "imdb_votes",
    "tmdb_rating",
    "tmdb_votes",
    "rotten_tomatoes_score",
    "metacritic_score",
    "awards",
    "poster",
    "fanart",
    "clearlogo",
    "clearart",
    "banner",
    "thumb",
    "disc",
    "tmdb_id",
    "imdb_id",
    "tvdb_id",
]


def test_the_table_holds_each_contract_field_once() -> None:
    assert sorted(ALL_FIELDS) == sorted(CONTRACT_FIELDS)
    assert len(FIELDS) == len(FIELD_SPECS) == len(ALL_FIELDS)


def test_groups_cover_every_field_once_in_table_order() -> None:
    grouped = [name for _group, names in FIELD_GROUPS for name in names]
    assert sorted(grouped) == sorted(ALL_FIELDS)
    assert [group for group, _names in FIELD_GROUPS][:3] == ["Main information", "People", "Classification"]


def test_derived_sets() -> None:
    assert {"genres", "cast", "directors", "writers", "studios", "countries", "languages"} == LIST_FIELDS
    assert {"title", "plot", "poster", "fanart", "imdb_rating", "runtime"} <= PLAYER_SYNC_FIELDS
    assert RATING_FIELDS["imdb_rating"] == ("imdb", "imdb_votes")
    assert RATING_FIELDS["rotten_tomatoes_score"] == ("rotten_tomatoes", None)


def test_ranges_are_declared_for_numbers_only() -> None:
    for spec in FIELDS:
        if spec.minimum is not None or spec.maximum is not None:
            assert spec.kind in ("int", "float"), spec.name


def test_labels() -> None:
    assert label("rotten_tomatoes_score") == "Rotten Tomatoes"
    assert label("imdb_rating") == "IMDb rating"
    assert label("not_a_field") == "Not a field"
