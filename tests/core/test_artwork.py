"""The artwork rule: language group, then rating, votes and size; rejected candidates never proposed."""

from __future__ import annotations

from dataclasses import dataclass

from metarr_desktop.core.artwork import best_candidate
from metarr_desktop.core.artwork import best_url
from metarr_desktop.core.artwork import language_rank
from metarr_desktop.core.artwork import suggested_asset
from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType

POSTER, FANART, LOGO = AssetType.POSTER, AssetType.FANART, AssetType.CLEARLOGO


@dataclass(frozen=True)
class Cached:
    """A stand-in for the store's CachedAsset (the rule only reads these attributes)."""

    id: int
    type: AssetType
    language: str | None = None
    rating: float | None = None
    votes: int | None = None
    width: int | None = None
    height: int | None = None
    is_rejected: bool = False


def candidate(url: str, kind: AssetType = POSTER, **values: object) -> AssetCandidate:
    return AssetCandidate(url=url, type=kind, provider="x", **values)  # type: ignore[arg-type]


def test_language_groups_for_posters_and_backgrounds() -> None:
    assert [language_rank(candidate("", language=lang), "de") for lang in ("de", None, "en", "fr")] == [
        3,
        2,
        1,
        0,
    ]
    assert [
        language_rank(candidate("", FANART, language=lang), "de") for lang in (None, "de", "en", "fr")
    ] == [
        3,
        2,
        1,
        0,
    ]


def test_language_beats_rating_which_beats_votes_which_beat_size() -> None:
    assets = [
        candidate("fr-best-rated", language="fr", rating=9.9, votes=500, width=4000),
        candidate("en-low", language="en", rating=5.0, votes=900, width=4000),
        candidate("en-high", language="en", rating=5.5, votes=1, width=500),
    ]
    assert best_url(assets, POSTER, "en") == "en-high"
    tied = [
        candidate("few", language="en", rating=5.0, votes=3, width=4000),
        candidate("many", language="en", rating=5.0, votes=30, width=500),
    ]
    assert best_url(tied, POSTER, "en") == "many"
    sizes = [
        candidate("small", votes=3, width=500, height=750),
        candidate("large", votes=3, width=2000, height=3000),
        candidate("unknown", votes=3),
    ]
    assert best_url(sizes, POSTER, "en") == "large"


def test_rated_candidates_come_before_unrated_ones_of_the_same_group() -> None:
    assets = [candidate("liked", votes=40, width=1000), candidate("rated", rating=5.2, votes=2, width=680)]
    assert best_url(assets, POSTER, "en") == "rated"


def test_only_the_asked_type_and_first_of_equals() -> None:
    assets = [candidate("a", LOGO, language="en"), candidate("b", LOGO, language="en")]
    assert best_url(assets, LOGO, "en") == "a"
    assert best_candidate(assets, POSTER, "en") is None
    assert best_url([], POSTER, "en") is None


def test_the_suggestion_skips_rejected_candidates() -> None:
    assets = [
        Cached(1, POSTER, "en", rating=9.0, is_rejected=True),
        Cached(2, POSTER, "en", rating=6.0),
        Cached(3, POSTER, "fr", rating=9.5),
        Cached(4, FANART, None, rating=9.9),
    ]
    assert suggested_asset(assets, POSTER) == assets[1]
    assert suggested_asset(assets, POSTER, "fr") == assets[2]
    assert suggested_asset([a for a in assets if a.id == 1], POSTER) is None
