"""Asset types and asset candidates (artwork and video offered by a provider)."""

from __future__ import annotations

from dataclasses import asdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class AssetType(StrEnum):
    POSTER = "poster"
    FANART = "fanart"
    BACKDROP = "backdrop"
    LOGO = "logo"
    CLEARLOGO = "clearlogo"
    BANNER = "banner"
    THUMB = "thumb"
    CLEARART = "clearart"
    DISCART = "discart"
    TRAILER = "trailer"
    TEASER = "teaser"
    CLIP = "clip"

    @property
    def is_video(self) -> bool:
        return self in VIDEO_TYPES


VIDEO_TYPES: frozenset[AssetType] = frozenset({AssetType.TRAILER, AssetType.TEASER, AssetType.CLIP})
IMAGE_TYPES: frozenset[AssetType] = frozenset(AssetType) - VIDEO_TYPES


@dataclass(frozen=True, slots=True)
class AssetCandidate:
    """One piece of artwork or video a provider offers for an entity.

    Attributes:
        url: absolute URL of the original file.
        type: what it is (poster, fanart, ...).
        provider: id of the provider that offered it.
        width, height: pixel size when known.
        language: ISO 639-1 code, or None when the image carries no text.
        votes: how many people voted or liked it (a number, never a string).
        rating: the provider's average vote when it has one.
    """

    url: str
    type: AssetType
    provider: str
    width: int | None = None
    height: int | None = None
    language: str | None = None
    votes: int | None = None
    rating: float | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["type"] = self.type.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssetCandidate:
        return cls(
            url=str(data["url"]),
            type=AssetType(data["type"]),
            provider=str(data["provider"]),
            width=data.get("width"),
            height=data.get("height"),
            language=data.get("language"),
            votes=data.get("votes"),
            rating=data.get("rating"),
        )
