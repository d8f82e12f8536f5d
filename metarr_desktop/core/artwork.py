"""Choosing the best artwork among candidates: one rule for a provider's fields and the asset browser.

The rule (`rank_key`), the same for every provider and every type of image:

1. Language. For posters, logos, banners and other art that may carry text: an image in the
   user's language first, then one without text, then English, then any other language. For
   backgrounds (fanart, backdrop), which sit behind menus: an image without text first, then the
   user's language, then English, then the rest.
2. Within a language group, the best rated (a provider's average vote; a candidate without a rating
   counts as 0, so rated ones come first: only TMDB rates images today).
3. Then the most voted (TMDB votes, fanart.tv likes).
4. Then the largest (width, then height): the resolution breaks the remaining ties.

`best_candidate` applies it to a provider's candidates; `suggested_asset` applies it to the cached
candidates the asset browser shows, leaving out the ones the user rejected. Candidates are any
objects with the attributes of `Rankable` (`AssetCandidate`, the store's `CachedAsset`).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Protocol
from typing import TypeVar

from metarr_desktop.core.assets import AssetType

#: Types whose best image carries no text at all (a background behind the player's menus).
TEXTLESS_FIRST: frozenset[AssetType] = frozenset({AssetType.FANART, AssetType.BACKDROP})
#: Types that are text by nature: "none" (textless) in a language order does not apply to them.
NEVER_TEXTLESS: frozenset[AssetType] = frozenset({AssetType.CLEARLOGO, AssetType.LOGO})
#: The entry of an artwork language order (`artwork.languages`) that means "without text".
NO_TEXT = "none"

#: A language: one preferred language (the rule above), or an explicit order such as
#: ``("de", "none", "en")`` (the `artwork.languages` setting; earlier is better).
Languages = str | Sequence[str]


class Rankable(Protocol):
    """What the rule reads from a candidate."""

    @property
    def type(self) -> AssetType: ...
    @property
    def language(self) -> str | None: ...
    @property
    def rating(self) -> float | None: ...
    @property
    def votes(self) -> int | None: ...
    @property
    def width(self) -> int | None: ...
    @property
    def height(self) -> int | None: ...


class Choosable(Rankable, Protocol):
    """A cached candidate the user may have rejected."""

    @property
    def is_rejected(self) -> bool: ...


R = TypeVar("R", bound=Rankable)
C = TypeVar("C", bound=Choosable)


def language_rank(candidate: Rankable, language: Languages) -> int:
    """3 for the preferred language group, down to 0 (see the module's rule, step 1); with an
    explicit order, larger for earlier entries (`order_rank`)."""
    if not isinstance(language, str):
        return order_rank(candidate, language)
    lang = candidate.language
    if candidate.type in TEXTLESS_FIRST:
        if lang is None:
            return 3
        return 2 if lang == language else (1 if lang == "en" else 0)
    if lang == language:
        return 3
    if lang is None:
        return 2
    return 1 if lang == "en" else 0


def order_rank(candidate: Rankable, order: Sequence[str]) -> int:
    """The rank of a candidate under an explicit language order (larger is better): the earlier
    its language (``none`` for an image without text) is listed, the better; unlisted ones last.
    Backgrounds keep textless first; logos ignore ``none`` (they are never textless)."""
    lang = (candidate.language or "").split("-")[0].lower() or None
    if candidate.type in TEXTLESS_FIRST and lang is None:
        return len(order) + 1
    entries = [e for e in order if not (e == NO_TEXT and candidate.type in NEVER_TEXTLESS)]
    key = NO_TEXT if lang is None else lang
    return len(entries) - entries.index(key) if key in entries else 0


def rank_key(candidate: Rankable, language: Languages) -> tuple[int, float, int, int, int]:
    """The sort key of the rule: larger is better."""
    return (
        language_rank(candidate, language),
        candidate.rating or 0.0,
        candidate.votes or 0,
        candidate.width or 0,
        candidate.height or 0,
    )


def best_candidate(candidates: Iterable[R], asset_type: AssetType, language: Languages) -> R | None:
    """The best candidate of one type, or None when there is none (the first of equals wins)."""
    best: R | None = None
    best_key: tuple[int, float, int, int, int] | None = None
    for candidate in candidates:
        if candidate.type is not asset_type:
            continue
        key = rank_key(candidate, language)
        if best_key is None or key > best_key:
            best, best_key = candidate, key
    return best


def best_url(candidates: Iterable[R], asset_type: AssetType, language: Languages) -> str | None:
    best = best_candidate(candidates, asset_type, language)
    url = getattr(best, "url", None)
    return url if isinstance(url, str) else None


def suggested_asset(candidates: Iterable[C], asset_type: AssetType, language: Languages = "en") -> C | None:
    """The candidate the rule proposes among those of `asset_type` the user has not rejected."""
    return best_candidate((c for c in candidates if not c.is_rejected), asset_type, language)


def ordered(candidates: Iterable[R], language: Languages) -> list[R]:
    """Candidates best first under the rule (the asset browser's order)."""
    return sorted(candidates, key=lambda c: rank_key(c, language), reverse=True)


#: The movie field an image of each type fills (the canonical fields of core/fields.py).
FIELD_OF_TYPE: dict[AssetType, str] = {
    AssetType.POSTER: "poster",
    AssetType.FANART: "fanart",
    AssetType.BACKDROP: "fanart",
    AssetType.CLEARLOGO: "clearlogo",
    AssetType.LOGO: "clearlogo",
    AssetType.CLEARART: "clearart",
    AssetType.BANNER: "banner",
    AssetType.THUMB: "thumb",
    AssetType.DISCART: "disc",
}
