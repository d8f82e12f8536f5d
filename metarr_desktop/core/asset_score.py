"""The 0-100 score of a downloaded artwork image, and near-duplicate groups by perceptual hash.

The score (document 3's ``score`` column) adds four parts, each capped:

- resolution, 40 points: the pixels against the size players show that type at (a 2000x3000
  poster and a 1000x1500 one both score 40; a 500x750 poster scores 10);
- aspect ratio, 25 points: full marks within 2 % of the type's shape, none beyond 30 %;
- language, 20 points: the artwork rule's language groups (`core.artwork.language_rank`, 3 to 0);
- votes, 15 points: a provider's votes or likes on a log scale (100 votes or more: full marks).

Pure: the caller gives the measured size; the candidate supplies type, language and votes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from metarr_desktop.core.artwork import Rankable
from metarr_desktop.core.artwork import language_rank
from metarr_desktop.core.assets import AssetType

#: The size (width, height) players show each type at; its ratio is the type's shape.
IDEAL_SIZE: dict[AssetType, tuple[int, int]] = {
    AssetType.POSTER: (1000, 1500),
    AssetType.FANART: (1920, 1080),
    AssetType.BACKDROP: (1920, 1080),
    AssetType.THUMB: (1000, 562),
    AssetType.CLEARLOGO: (800, 310),
    AssetType.LOGO: (800, 310),
    AssetType.CLEARART: (1000, 562),
    AssetType.BANNER: (1000, 185),
    AssetType.DISCART: (1000, 1000),
}


def score_image(candidate: Rankable, width: int, height: int, language: str = "en") -> int:
    """The 0-100 score of `candidate` measured at `width` x `height`."""
    if width <= 0 or height <= 0:
        return 0
    ideal_w, ideal_h = IDEAL_SIZE.get(candidate.type, (1000, 1000))
    resolution = 40.0 * min(1.0, (width * height) / float(ideal_w * ideal_h))
    ratio, ideal_ratio = width / height, ideal_w / ideal_h
    off = abs(ratio - ideal_ratio) / ideal_ratio
    aspect = 25.0 if off <= 0.02 else max(0.0, 25.0 * (1.0 - (off - 0.02) / 0.28))
    lang = 20.0 * language_rank(candidate, language) / 3.0
    votes = 15.0 * min(1.0, math.log10(1 + max(0, candidate.votes or 0)) / 2.0)
    return max(0, min(100, round(resolution + aspect + lang + votes)))


def hamming(a: str, b: str) -> int:
    """Differing bits between two hex hashes of the same length."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def near_duplicate_groups(hashes: Mapping[int, str], max_distance: int = 4) -> list[list[int]]:
    """Groups of two or more ids whose perceptual hashes are within `max_distance` bits (by id)."""
    ids = sorted(hashes)
    parent = {i: i for i in ids}
    # Parsed once, not once per pair: a movie can have a few hundred candidates (tens of thousands
    # of pairs, compared on the Qt thread).
    bits = {i: (len(hashes[i]), int(hashes[i], 16)) for i in ids}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for n, a in enumerate(ids):
        length, value = bits[a]
        for b in ids[n + 1 :]:
            other_length, other = bits[b]
            if length == other_length and (value ^ other).bit_count() <= max_distance:
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for i in ids:
        groups.setdefault(root(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]
