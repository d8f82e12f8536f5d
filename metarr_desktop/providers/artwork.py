"""Choosing a provider's best artwork candidate (what fills the `poster`, `fanart`... fields).

The rule, the same for every provider: an image in the user's language first (or, for backgrounds,
one without text), then one without text (or in the user's language), then English, then the rest;
within each group the best rated, the most voted, the widest.
"""

from __future__ import annotations

from collections.abc import Iterable

from metarr_desktop.core.assets import AssetCandidate, AssetType

#: Types whose best image carries no text at all (a background behind the player's menus).
TEXTLESS_FIRST: frozenset[AssetType] = frozenset({AssetType.FANART, AssetType.BACKDROP})


def _language_rank(candidate: AssetCandidate, language: str) -> int:
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


def rank_key(candidate: AssetCandidate, language: str) -> tuple[int, float, int, int]:
    return (
        _language_rank(candidate, language),
        candidate.rating or 0.0,
        candidate.votes or 0,
        candidate.width or 0,
    )


def best_candidate(
    candidates: Iterable[AssetCandidate], asset_type: AssetType, language: str
) -> AssetCandidate | None:
    """The best candidate of one type, or None when there is none."""
    of_type = [c for c in candidates if c.type is asset_type]
    if not of_type:
        return None
    return max(of_type, key=lambda c: rank_key(c, language))


def best_url(candidates: Iterable[AssetCandidate], asset_type: AssetType, language: str) -> str | None:
    best = best_candidate(candidates, asset_type, language)
    return best.url if best else None
