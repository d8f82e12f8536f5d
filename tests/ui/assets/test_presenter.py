"""The asset browser's presenter, without widgets: order, captions, and near-duplicate groups (one card
per picture, the best copy shown, "+N similar", opened groups listing the copies after their lead)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from datetime import datetime

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.records import CachedAsset
from metarr_desktop.ui.assets import presenter
from metarr_desktop.ui.assets.presenter import Tile

AT = datetime(2026, 12, 3, tzinfo=UTC)
#: One picture's hash, and the same with two and with three bits flipped; then another picture.
PICTURE = "f0e1d2c3b4a59687"
NEAR = f"{int(PICTURE, 16) ^ 0b11:016x}"
NEARER = f"{int(PICTURE, 16) ^ 0b111:016x}"
OTHER = "0f1e2d3c4b5a6978"


def asset(
    asset_id: int,
    *,
    language: str | None = "en",
    width: int = 1000,
    height: int = 1500,
    votes: int | None = None,
    rating: float | None = None,
    score: int | None = None,
    phash: str | None = None,
    provider: str = "tmdb",
    asset_type: AssetType = AssetType.POSTER,
) -> CachedAsset:
    return CachedAsset(
        id=asset_id,
        entity_type="movie",
        entity_id=1,
        type=asset_type,
        url=f"https://img.example/{asset_id}.jpg",
        provider=provider,
        width=width,
        height=height,
        language=language,
        votes=votes,
        rating=rating,
        score=score,
        analyzed=phash is not None,
        content_hash=None,
        is_selected=False,
        is_rejected=False,
        selected_by=None,
        fetched_at=AT,
        perceptual_hash=phash,
    )


def ids(tiles: list[Tile]) -> list[int]:
    return [t.asset.id for t in tiles]


def test_captions() -> None:
    poster = asset(1, votes=41, rating=5.6, width=2000, height=3000)
    assert presenter.caption(poster, "TMDB") == "2000 × 3000 · EN · TMDB · ★ 5.6 · 41 votes"
    assert presenter.caption(replace(poster, width=None, language=None, votes=1, rating=None), "TMDB") == (
        "Size unknown · No text · TMDB · 1 vote"
    )
    assert presenter.tab_label(AssetType.CLEARLOGO, 2) == "Clear logos (2)"
    assert presenter.heading("Inception", 2010) == "Artwork — Inception (2010)"
    assert presenter.heading("Inception", None) == "Artwork — Inception"
    assert presenter.heading(None, None) == "Artwork"
    assert presenter.done_text("Selected", poster, "TMDB", " Locked.") == (
        "Selected the TMDB poster (2000 × 3000). Locked."
    )
    chosen = replace(poster, is_selected=True, selected_by="auto")
    assert presenter.notes(chosen, suggested=True) == ["selected automatically", presenter.SUGGESTED_NOTE]
    assert presenter.accessible_text(Tile(chosen), "TMDB", suggested=True).endswith("(selected, suggested)")
    assert "Score 70 of 100" in presenter.tooltip(Tile(replace(poster, score=70)), "TMDB", suggested=False)
    assert presenter.summary_parts(replace(poster, score=70), "TMDB")[-1] == "score 70"


def test_order_and_suggestion_follow_the_rule() -> None:
    candidates = [asset(1, language="fr", votes=90), asset(2, language=None), asset(3, language="en")]
    shown = presenter.present(candidates, AssetType.POSTER, "en")
    assert [a.id for a in shown.assets] == [3, 2, 1]
    assert shown.suggested is not None and shown.suggested.id == 3
    assert ids(shown.tiles) == [3, 2, 1]  # no hashes: one card each
    rejected = presenter.present(
        [replace(candidates[2], is_rejected=True), *candidates[:2]], AssetType.POSTER, "en"
    )
    assert rejected.suggested is not None and rejected.suggested.id == 2
    assert presenter.shown_types({AssetType.DISCART: candidates, AssetType.POSTER: candidates}) == [
        AssetType.POSTER,
        AssetType.DISCART,
    ]


def test_copies_of_one_picture_are_one_card_showing_the_best() -> None:
    candidates = [
        asset(1, phash=PICTURE, width=1000, height=1500, score=60, votes=30),  # first by the rule
        asset(2, language=None),  # another picture, no hash
        asset(3, phash=NEAR, width=2000, height=3000, score=80, provider="fanart"),  # the best copy
        asset(4, phash=OTHER),  # another picture
        asset(5, phash=NEARER, width=500, height=750, score=40),
    ]
    groups = presenter.similar_groups(candidates)
    assert [[a.id for a in g] for g in groups] == [[1, 3, 5]]
    tiles = presenter.tiles(candidates)
    # The group sits where its first member is, showing its best copy (highest score).
    assert ids(tiles) == [3, 2, 4]
    lead = tiles[0]
    assert lead.group == 1 and [a.id for a in lead.similar] == [1, 5] and not lead.expanded
    assert presenter.similar_badge(len(lead.similar), lead.expanded) == "+2 similar"
    assert "2 similar copies" in presenter.tooltip(lead, "fanart.tv", suggested=False)
    assert presenter.accessible_text(lead, "fanart.tv", suggested=False).endswith("(2 similar, hidden)")
    assert tiles[1].group is None and tiles[1].similar == ()
    # Opened: the copies follow their lead, each pointing back at it.
    opened = presenter.tiles(candidates, expanded={1})
    assert ids(opened) == [3, 1, 5, 2, 4]
    assert opened[0].expanded and presenter.similar_badge(2, True) == "− 2 similar"
    assert [t.lead_id for t in opened[1:3]] == [3, 3] and opened[1].group == 1
    assert presenter.group_key(candidates, 5) == 1 and presenter.group_key(candidates, 2) is None


def test_the_lead_is_the_selected_copy_then_score_then_resolution() -> None:
    first = asset(1, phash=PICTURE, width=1000, height=1500)
    big = asset(2, phash=NEAR, width=2000, height=3000)
    assert presenter.group_lead([first, big]).id == 2  # no scores: the larger
    assert presenter.group_lead([replace(first, score=90), replace(big, score=50)]).id == 1
    assert presenter.group_lead([first, replace(big, is_rejected=True)]).id == 1  # rejected last
    assert presenter.group_lead([replace(first, is_selected=True), replace(big, score=99)]).id == 1
    assert presenter.group_lead([first, replace(big, width=1000, height=1500)]).id == 1  # ties: rule order


def test_pictures_too_far_apart_or_without_a_valid_hash_stay_apart() -> None:
    far = f"{int(PICTURE, 16) ^ 0b11111:016x}"  # five bits: another picture
    candidates = [
        asset(1, phash=PICTURE),
        asset(2, phash=far),
        asset(3, phash="not hex"),
        asset(4, phash="ab"),
    ]
    assert presenter.similar_groups(candidates) == []
    assert presenter.similar_groups(candidates, max_distance=5) != []
    assert ids(presenter.tiles(candidates)) == [1, 2, 3, 4]


def test_a_thumbnails_hash_fills_only_the_candidates_without_one() -> None:
    known = replace(asset(2, phash=OTHER), url="https://img.example/1.jpg")
    by_type = {
        AssetType.POSTER: [asset(1), known, asset(3)],
        AssetType.FANART: [asset(4, asset_type=AssetType.FANART)],
    }
    updated, changed = presenter.with_hash(by_type, "https://img.example/1.jpg", PICTURE)
    assert changed == {AssetType.POSTER}
    assert [a.perceptual_hash for a in updated[AssetType.POSTER]] == [PICTURE, OTHER, None]
    assert updated[AssetType.FANART] == by_type[AssetType.FANART]
    assert by_type[AssetType.POSTER][0].perceptual_hash is None  # the input is left as it was
    assert presenter.with_hash(by_type, "https://img.example/9.jpg", PICTURE)[1] == set()


def test_the_card_of_a_hidden_copy_is_its_lead() -> None:
    cards = presenter.tiles([asset(1, phash=PICTURE), asset(2, phash=NEAR, score=90), asset(3)])
    assert [t.asset.id for t in cards] == [2, 3]
    assert presenter.card_of(cards, 1) == 2
    assert presenter.card_of(cards, 2) == 2 and presenter.card_of(cards, 3) == 3
    assert presenter.card_of(cards, 9) is None
