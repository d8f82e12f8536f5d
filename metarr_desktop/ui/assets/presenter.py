"""What the asset browser shows, without Qt: the types and their tabs, the candidates' order, the
near-duplicate groups, and every caption (card text, tooltip, accessible text, status line).

Ordering: the candidates of a type are listed best first under the selection rule
(`core.artwork.ordered`: language, then rating, votes and size); the suggested one is
`core.artwork.suggested_asset` (rejected ones left out).

Grouping: candidates of one type whose perceptual hashes (filled when publishing downloads an
image, or from the thumbnail the browser shows: `with_hash`) differ in at most `SIMILAR_BITS` bits
are one picture at other sizes or from other providers. A group is one tile, at the place of its
first member in the rule's order, showing its lead: the selected member if there is one, else the
best by score, then resolution. The lead carries a "+N similar" badge; an expanded group lists its
other members right after the lead.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace

from metarr_desktop.core.artwork import Languages
from metarr_desktop.core.artwork import ordered
from metarr_desktop.core.artwork import suggested_asset
from metarr_desktop.core.asset_score import near_duplicate_groups
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.records import CachedAsset

#: Two perceptual hashes within this many differing bits (of 64) are the same picture.
SIMILAR_BITS = 4


@dataclass(frozen=True, slots=True)
class TypeShape:
    """How one asset type is shown: its tab label and the box (width, height) its thumbnails fit in."""

    label: str
    width: int
    height: int
    transparent: bool = False


#: The types the browser shows, in tab order (videos are not artwork).
TYPE_SHAPES: dict[AssetType, TypeShape] = {
    AssetType.POSTER: TypeShape("Posters", 140, 210),
    AssetType.FANART: TypeShape("Fanart", 256, 144),
    AssetType.BACKDROP: TypeShape("Backdrops", 256, 144),
    AssetType.CLEARLOGO: TypeShape("Clear logos", 240, 96, transparent=True),
    AssetType.LOGO: TypeShape("Logos", 240, 96, transparent=True),
    AssetType.CLEARART: TypeShape("Clear art", 240, 135, transparent=True),
    AssetType.BANNER: TypeShape("Banners", 330, 61),
    AssetType.THUMB: TypeShape("Thumbs", 256, 144),
    AssetType.DISCART: TypeShape("Discs", 170, 170, transparent=True),
}
#: The box of an empty grid.
DEFAULT_BOX = (140, 210)

#: One candidate of a type, as messages name it.
KIND_NAMES: dict[AssetType, str] = {
    AssetType.POSTER: "poster",
    AssetType.FANART: "fanart",
    AssetType.BACKDROP: "backdrop",
    AssetType.CLEARLOGO: "clear logo",
    AssetType.LOGO: "logo",
    AssetType.CLEARART: "clear art",
    AssetType.BANNER: "banner",
    AssetType.THUMB: "thumb",
    AssetType.DISCART: "disc",
}

EMPTY_TEXT = (
    "<h3>No artwork candidates yet</h3>"
    "<p>Refresh the movie's metadata to fetch artwork candidates from the providers; they are kept "
    "in the cache and shown here.</p>"
)
UNAVAILABLE_TEXT = "<h3>Artwork is not available</h3><p>The library service is not running.</p>"
HINT_TEXT = (
    "Only the candidates already in the cache are shown; refreshing the movie fetches new ones. "
    "They are ordered by your artwork languages (Language and region). TMDB tags images by "
    "language only, so pt-BR and pt-PT artwork both show as PT and cannot be told apart. "
    "Copies of one picture are one card: click it to see them."
)
GONE_TEXT = "That candidate is no longer in the cache; the list is updated."
SUGGESTED_NOTE = "suggested: the best by language, rating, votes and size"


# -- captions --------------------------------------------------------------------------------------


def size_text(asset: CachedAsset) -> str:
    if asset.width and asset.height:
        return f"{asset.width} × {asset.height}"
    return "Size unknown"


def language_text(asset: CachedAsset) -> str:
    return asset.language.upper() if asset.language else "No text"


def votes_text(asset: CachedAsset) -> str:
    parts: list[str] = []
    if asset.rating is not None:
        parts.append(f"★ {asset.rating:.1f}")
    if asset.votes is not None:
        parts.append(f"{asset.votes} vote" + ("" if asset.votes == 1 else "s"))
    return " · ".join(parts)


def caption(asset: CachedAsset, provider: str) -> str:
    """The card's text in one line: size, language, provider, rating and votes."""
    extra = votes_text(asset)
    parts = [size_text(asset), language_text(asset), provider]
    return " · ".join([*parts, extra] if extra else parts)


def provider_line(asset: CachedAsset, provider: str) -> str:
    """The card's second line: provider, rating and votes."""
    extra = votes_text(asset)
    return provider + (f" · {extra}" if extra else "")


def similar_badge(similar: int, expanded: bool) -> str:
    """The lead's badge of a group of `similar` other copies."""
    return f"− {similar} similar" if expanded else f"+{similar} similar"


def states(asset: CachedAsset, *, suggested: bool) -> list[str]:
    found = [s for s, on in (("selected", asset.is_selected), ("rejected", asset.is_rejected)) if on]
    if suggested:
        found.append("suggested")
    return found


def accessible_text(tile: Tile, provider: str, *, suggested: bool) -> str:
    text = caption(tile.asset, provider)
    found = states(tile.asset, suggested=suggested)
    if tile.similar:
        found.append(f"{len(tile.similar)} similar, {'shown' if tile.expanded else 'hidden'}")
    if tile.lead_id is not None:
        found.append("similar to the one before")
    return f"{text} ({', '.join(found)})" if found else text


def tooltip(tile: Tile, provider: str, *, suggested: bool, suggested_id: int | None = None) -> str:
    asset = tile.asset
    extra = votes_text(asset)
    lines = [
        f"{size_text(asset)}, {language_text(asset) if asset.language else 'no text'}",
        f"From {provider}" + (f" ({extra})" if extra else ""),
        asset.url,
    ]
    if asset.score is not None:
        lines.append(f"Score {asset.score} of 100")
    if asset.is_selected:
        lines.append("Selected" + (" automatically" if asset.selected_by == "auto" else " by you"))
    if asset.is_rejected:
        lines.append("Rejected: never chosen automatically")
    if suggested:
        lines.append("Suggested: the best by language, rating, votes and size")
    if tile.similar:
        count = len(tile.similar)
        copies = "copy" if count == 1 else "copies"
        action = "hide them" if tile.expanded else "show them"
        lines.append(f"{count} similar {copies} (other sizes or providers): click the badge to {action}")
        if suggested_id is not None and any(a.id == suggested_id for a in tile.similar):
            lines.append("The suggested candidate is one of them")
    if tile.lead_id is not None:
        lines.append("A copy of the picture before it (another size or provider)")
    return "\n".join(lines)


def notes(asset: CachedAsset, *, suggested: bool) -> list[str]:
    """The current candidate's notes under the grid."""
    found: list[str] = []
    if asset.is_selected:
        found.append("selected" + (" automatically" if asset.selected_by == "auto" else ""))
    if asset.is_rejected:
        found.append("rejected: never chosen automatically")
    if suggested:
        found.append(SUGGESTED_NOTE)
    return found


def summary_parts(asset: CachedAsset, provider: str) -> list[str]:
    """The current candidate's facts under the grid (the first bold)."""
    parts = [size_text(asset), language_text(asset), provider]
    if votes_text(asset):
        parts.append(votes_text(asset))
    if asset.score is not None:
        parts.append(f"score {asset.score}")
    return parts


def done_text(done: str, asset: CachedAsset, provider: str, note: str = "") -> str:
    """The status line after an action: "Selected the TMDB poster (2000 × 3000)."."""
    kind = KIND_NAMES.get(asset.type, asset.type.value)
    size = f" ({size_text(asset)})" if asset.width and asset.height else ""
    return f"{done} the {provider} {kind}{size}.{note}"


def heading(title: str | None, year: int | None) -> str:
    """The dialog's heading and window title."""
    if title is None:
        return "Artwork"
    return f"Artwork — {title} ({year})" if year else f"Artwork — {title}"


def tab_label(asset_type: AssetType, count: int) -> str:
    return f"{TYPE_SHAPES[asset_type].label} ({count})"


def shown_types(by_type: Mapping[AssetType, Sequence[CachedAsset]]) -> list[AssetType]:
    """The types that have candidates, in tab order."""
    return [t for t in TYPE_SHAPES if by_type.get(t)]


# -- grouping --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tile:
    """One card of the grid.

    Attributes:
        asset: the candidate it shows.
        similar: on a group's lead, the group's other members (best first by the rule).
        expanded: on a group's lead, whether those members are listed after it.
        lead_id: on a listed member, its group's lead.
        group: the group's key (its smallest asset id); None for a candidate without copies.
    """

    asset: CachedAsset
    similar: tuple[CachedAsset, ...] = ()
    expanded: bool = False
    lead_id: int | None = None
    group: int | None = None


def similar_groups(
    assets: Iterable[CachedAsset], max_distance: int = SIMILAR_BITS
) -> list[list[CachedAsset]]:
    """Groups of two or more candidates whose perceptual hashes are within `max_distance` bits, each
    in the order given (candidates without a hash are in none)."""
    listed = list(assets)
    position = {a.id: n for n, a in enumerate(listed)}
    by_id = {a.id: a for a in listed}
    hashes = {
        a.id: a.perceptual_hash
        for a in listed
        if a.perceptual_hash is not None and _valid_hash(a.perceptual_hash)
    }
    groups = near_duplicate_groups(hashes, max_distance)
    return sorted(
        ([by_id[i] for i in sorted(group, key=position.__getitem__)] for group in groups),
        key=lambda members: position[members[0].id],
    )


_HASH = re.compile(r"[0-9a-f]{16}")


def _valid_hash(value: str) -> bool:
    """Exactly 16 hex digits (a 64-bit dHash); ``int(v, 16)`` alone would take "0x1", "-1", "1_2"."""
    return _HASH.fullmatch(value) is not None


def group_lead(members: Sequence[CachedAsset]) -> CachedAsset:
    """The member a collapsed group shows: the selected one, else the best by score, then resolution
    (rejected ones last; the rule's order breaks ties)."""
    selected = next((a for a in members if a.is_selected), None)
    if selected is not None:
        return selected
    return max(
        members,  # max keeps the first of equals: the rule's order breaks ties
        key=lambda a: (
            not a.is_rejected,
            a.score if a.score is not None else -1,
            (a.width or 0) * (a.height or 0),
        ),
    )


def tiles(assets: Sequence[CachedAsset], expanded: Collection[int] = ()) -> list[Tile]:
    """The grid's cards for candidates in the rule's order: each group is one card at the place of its
    first member, showing its lead; a group whose key is in `expanded` lists its other members
    after the lead."""
    groups = similar_groups(assets)
    group_of: dict[int, list[CachedAsset]] = {a.id: members for members in groups for a in members}
    result: list[Tile] = []
    done: set[int] = set()
    for asset in assets:
        if asset.id in done:
            continue
        members = group_of.get(asset.id)
        if members is None:
            result.append(Tile(asset))
            continue
        key = min(a.id for a in members)
        lead = group_lead(members)
        others = tuple(a for a in members if a.id != lead.id)
        is_open = key in expanded
        result.append(Tile(lead, similar=others, expanded=is_open, group=key))
        if is_open:
            result.extend(Tile(a, lead_id=lead.id, group=key) for a in others)
        done.update(a.id for a in members)
    return result


def group_key(assets: Sequence[CachedAsset], asset_id: int) -> int | None:
    """The key of the group `asset_id` belongs to (None when it has no copies)."""
    for members in similar_groups(assets):
        if any(a.id == asset_id for a in members):
            return min(a.id for a in members)
    return None


def card_of(cards: Sequence[Tile], asset_id: int) -> int | None:
    """The id of the card that shows `asset_id`: its own, else its group's lead when it is a hidden
    copy (None when it is not in the grid)."""
    for tile in cards:
        if tile.asset.id == asset_id:
            return asset_id
    return next((t.asset.id for t in cards if any(a.id == asset_id for a in t.similar)), None)


def with_hash(
    by_type: Mapping[AssetType, Sequence[CachedAsset]], url: str, perceptual_hash: str
) -> tuple[dict[AssetType, list[CachedAsset]], set[AssetType]]:
    """The candidates with `perceptual_hash` given to those at `url` that have none yet (a hash of
    the full image is kept), and the types that changed."""
    changed: set[AssetType] = set()
    result: dict[AssetType, list[CachedAsset]] = {}
    for asset_type, assets in by_type.items():
        updated = []
        for a in assets:
            if a.url == url and a.perceptual_hash is None:
                a = replace(a, perceptual_hash=perceptual_hash)
                changed.add(asset_type)
            updated.append(a)
        result[asset_type] = updated
    return result, changed


@dataclass(frozen=True, slots=True)
class TypeView:
    """One type's grid: its candidates in the rule's order, the suggested one, and the cards."""

    assets: list[CachedAsset]
    suggested: CachedAsset | None
    tiles: list[Tile]


def present(
    candidates: Iterable[CachedAsset],
    asset_type: AssetType,
    language: Languages,
    expanded: Collection[int] = (),
) -> TypeView:
    """The grid of one type: ordered by the rule, the suggestion, the cards with their groups."""
    assets = ordered(candidates, language)
    return TypeView(assets, suggested_asset(assets, asset_type, language), tiles(assets, expanded))


__all__ = [
    "EMPTY_TEXT",
    "KIND_NAMES",
    "SIMILAR_BITS",
    "TYPE_SHAPES",
    "Tile",
    "TypeShape",
    "TypeView",
    "card_of",
    "group_lead",
    "present",
    "similar_groups",
    "tiles",
    "with_hash",
]
