"""What a provider declares about itself and the shapes of what it is asked and answers.

A provider declares its capabilities as data so that the engine, the store and the UI need no
provider-specific code: which entity types it serves, whether it can search, which ids it accepts and
reveals, which canonical fields and asset types it supplies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Any

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.languages import LanguagePolicy


class Priority(StrEnum):
    """Who is waiting: a person at the window (`user`) or a schedule (`background`)."""

    USER = "user"
    BACKGROUND = "background"


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `requests` requests in any window of `window_seconds` seconds."""

    requests: int
    window_seconds: float

    def __post_init__(self) -> None:
        if not (0 < self.requests <= 2**63 - 1 and 0 < self.window_seconds < math.inf):
            # `not (... < ...)` also refuses NaN, which compares false with everything
            raise ValueError("a rate limit needs a positive number of requests and a positive, finite window")

    @property
    def per_second(self) -> float:
        return self.requests / self.window_seconds

    def to_json(self) -> dict[str, float | int]:
        return {"requests": self.requests, "window_seconds": self.window_seconds}


@dataclass(frozen=True, slots=True)
class ProviderCapabilities:
    entity_types: frozenset[EntityType]
    can_search: bool
    ids_accepted: frozenset[IdType]
    ids_provided: frozenset[IdType]
    fields: frozenset[str] = frozenset()
    asset_types: frozenset[AssetType] = frozenset()

    def accepts(self, ids: ExternalIds) -> bool:
        """True when at least one of the known ids is one this provider can look up."""
        return any(kind in self.ids_accepted for kind in ids.known())

    def to_json(self) -> dict[str, Any]:
        return {
            "entity_types": sorted(t.value for t in self.entity_types),
            "can_search": self.can_search,
            "ids_accepted": sorted(i.value for i in self.ids_accepted),
            "ids_provided": sorted(i.value for i in self.ids_provided),
            "fields": sorted(self.fields),
            "asset_types": sorted(a.value for a in self.asset_types),
        }


@dataclass(frozen=True, slots=True)
class SearchRequest:
    query: str
    entity_type: EntityType = EntityType.MOVIE
    year: int | None = None
    language: str = "en"
    limit: int = 20


@dataclass(frozen=True, slots=True)
class MetadataRequest:
    ids: ExternalIds
    entity_type: EntityType = EntityType.MOVIE
    language: str = "en"
    asset_types: frozenset[AssetType] = frozenset()
    #: the languages tried after `language`, field by field (``original`` = the film's own).
    fallback_languages: tuple[str, ...] = ()
    #: the countries whose certification is taken, best first.
    certification_countries: tuple[str, ...] = ("US",)
    #: the artwork languages, best first (``none`` = textless); empty: the provider's default.
    image_languages: tuple[str, ...] = ()

    def language_key(self) -> str:
        """What of this request changes a language-aware provider's answer (the languages, the
        certification countries, the image languages), as one string: a cached answer serves a
        request only when this key is the same (see `ProviderData.request_key`)."""
        parts = (
            self.language,
            ",".join(self.fallback_languages),
            ",".join(self.certification_countries),
            ",".join(self.image_languages),
        )
        return "|".join(parts)


def metadata_request(
    ids: ExternalIds,
    policy: LanguagePolicy,
    *,
    entity_type: EntityType = EntityType.MOVIE,
    asset_types: frozenset[AssetType] = frozenset(),
    language: str | None = None,
) -> MetadataRequest:
    """The request for `ids` under the user's language settings (one place builds it, so the
    enrichment, the identification and the cached fetch ask, and key the cache, alike)."""
    return MetadataRequest(
        ids=ids,
        entity_type=entity_type,
        language=language or policy.language,
        asset_types=asset_types,
        fallback_languages=tuple(policy.fallbacks),
        certification_countries=tuple(policy.certification_countries),
        image_languages=tuple(policy.artwork_order()),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class FilmSummary:
    """What a search says about one film: its ids, title, dates and overview, and its score.

    Attributes:
        confidence: the score, 0-100.
        runtime, director, tv_film: what tells look-alikes apart, when a search answer said it.
    """

    external_ids: ExternalIds
    title: str
    original_title: str | None = None
    year: int | None = None
    release_date: str | None = None
    overview: str | None = None
    poster_url: str | None = None
    popularity: float | None = None
    confidence: float = 0.0
    runtime: int | None = None
    director: str | None = None
    tv_film: bool | None = None


@dataclass(frozen=True, slots=True)
class SearchResult(FilmSummary):
    """One candidate from one provider's search."""

    provider: str


@dataclass(slots=True)
class ProviderData:
    """The normalised answer of one provider for one entity.

    Attributes:
        provider: the provider's id.
        fields: canonical field name -> value; missing values are absent, never stored as "N/A".
        ids: every external id the answer revealed.
        assets: asset candidates with absolute URLs.
        fetched_at: when the answer arrived (UTC).
        languages: canonical field name -> the BCP 47 tag of the language its text is in, for the
            text fields whose language is known (title, plot, tagline, ...).
        certification_country: the ISO 3166-1 country of `fields["content_rating"]`, when known.
        request_key: what the answer was asked with (`MetadataRequest.language_key`; empty for a
            provider whose answers do not depend on the language), so that the cache never serves
            an answer in one language to a request in another.
    """

    provider: str
    fields: dict[str, Any] = field(default_factory=dict)
    ids: ExternalIds = field(default_factory=ExternalIds)
    assets: list[AssetCandidate] = field(default_factory=list)
    fetched_at: datetime | None = None
    languages: dict[str, str] = field(default_factory=dict)
    certification_country: str | None = None
    request_key: str = ""

    def assets_of(self, asset_type: AssetType) -> list[AssetCandidate]:
        return [a for a in self.assets if a.type is asset_type]

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "fields": self.fields,
            "ids": self.ids.to_json(),
            "assets": [a.to_json() for a in self.assets],
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "languages": dict(self.languages),
            "certification_country": self.certification_country,
            "request_key": self.request_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProviderData:
        fetched = data.get("fetched_at")
        return cls(
            provider=str(data["provider"]),
            fields=dict(data.get("fields") or {}),
            ids=ExternalIds.from_json(data.get("ids")),
            assets=[AssetCandidate.from_json(a) for a in data.get("assets") or []],
            fetched_at=datetime.fromisoformat(fetched) if fetched else None,
            languages={str(k): str(v) for k, v in (data.get("languages") or {}).items()},
            certification_country=data.get("certification_country") or None,
            request_key=str(data.get("request_key") or ""),
        )
