"""The records the layers pass around: movies, their history, artwork candidates and sync states.

Plain dataclasses and enums with no database behind them. The store builds them from its rows and the
services and the window read them, so the window never needs to import the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Any

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.ids import ExternalIds


class IdentificationStatus(StrEnum):
    UNIDENTIFIED = "unidentified"
    IDENTIFIED = "identified"
    NEEDS_IDENTIFICATION = "needs_identification"


class UnknownEntityError(KeyError):
    """No entity with that id (bad input: exit code 2 in the CLI)."""


@dataclass(frozen=True, slots=True)
class FieldSourceRecord:
    provider: str
    fetched_at: datetime | None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class IdentificationDecision:
    """A movie's latest identification decision as stored with it (`metarr show --json` prints it
    under "identification"; the movie page shows its `why` after a restart).

    Attributes:
        status: "identified" or "needs_identification".
        reason: None, "not_found" or "ambiguous".
        ids: the ids the decision confirmed (or the ones known then).
        why: why it was decided (`core.matching.explain`; bounded in size, provider text is data).
        decided_at: when it was committed.
    """

    status: str
    reason: str | None
    ids: ExternalIds
    why: Mapping[str, Any]
    decided_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "ids": self.ids.to_json(),
            "why": dict(self.why),
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
        }


@dataclass(slots=True)
class MovieRecord:
    """A movie as the layers above see it.

    Attributes:
        fields: every canonical field (ids included) that has a value.
        incomplete_providers: provider id -> when to retry it (it was rate limited or failed).
        identification: the latest identification decision stored with it (None before the first).
    """

    id: int
    title: str
    year: int | None
    ids: ExternalIds
    path: str | None
    monitored: bool
    status: IdentificationStatus
    fields: dict[str, Any] = field(default_factory=dict)
    last_enriched_at: datetime | None = None
    last_enriched_providers: list[str] = field(default_factory=list)
    incomplete_providers: dict[str, datetime] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    missing: bool = False
    edition: str | None = None
    identification: IdentificationDecision | None = None


@dataclass(slots=True)
class MovieRow:
    """One movie as the library list shows it: a light row, read in bulk (`MovieRepository.list_rows`).

    Not frozen on purpose: a frozen dataclass is five times slower to build, and a list of 100,000
    of them is read every time the library opens.

    Attributes:
        incomplete_providers: provider id -> when to retry it (empty when every provider answered).
        locked_fields: how many fields the user locked.
        poster: the poster's URL, when the movie has one.
        sort_title: the title to sort by, when it has one of its own.
        missing: its folder was gone at the last scan.
        edition: "Director's Cut", ... (None for the plain film).
    """

    id: int
    title: str
    year: int | None
    status: IdentificationStatus
    monitored: bool
    last_enriched_at: datetime | None
    incomplete_providers: Mapping[str, datetime]
    locked_fields: int
    poster: str | None
    sort_title: str | None = None
    missing: bool = False
    edition: str | None = None


@dataclass(frozen=True, slots=True)
class EnrichmentLogRecord:
    """One entry of `metarr history`.

    Attributes:
        changed_fields: as the enrichment wrote them, e.g. ``[{"field", "old", "new", "source"}]``.
    """

    entity_type: str
    entity_id: int
    mode: str
    providers: list[str]
    changed_fields: list[dict[str, Any]]
    requires_player_sync: bool
    sync_reason: str | None
    enriched_at: datetime
    id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "mode": self.mode,
            "providers": list(self.providers),
            "changed_fields": list(self.changed_fields),
            "requires_player_sync": self.requires_player_sync,
            "sync_reason": self.sync_reason,
            "enriched_at": self.enriched_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class CachedAsset:
    """An asset candidate as the asset browser and `metarr assets` show it.

    `score`, `analyzed`, `content_hash` and `perceptual_hash` are filled once the image was downloaded
    and measured (publishing does it)."""

    id: int
    entity_type: str
    entity_id: int
    type: AssetType
    url: str
    provider: str
    width: int | None
    height: int | None
    language: str | None
    votes: int | None
    rating: float | None
    score: int | None
    analyzed: bool
    content_hash: str | None
    is_selected: bool
    is_rejected: bool
    selected_by: str | None
    fetched_at: datetime
    #: A 64-bit difference hash (16 hex digits) of the downloaded image; near-equal hashes are the
    #: same picture at another size or from another provider.
    perceptual_hash: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type.value,
            "url": self.url,
            "width": self.width,
            "height": self.height,
            "language": self.language,
            "provider": self.provider,
            "votes": self.votes,
            "rating": self.rating,
            "score": self.score,
            "analyzed": self.analyzed,
            "is_selected": self.is_selected,
            "is_rejected": self.is_rejected,
            "selected_by": self.selected_by,
            "fetched_at": self.fetched_at.isoformat(),
        }


class SyncState(StrEnum):
    PENDING = "pending"
    DEFERRED = "deferred"  # the player was playing
    SYNCED = "synced"
    FAILED = "failed"
    NOT_FOUND = "not_found"
