"""The provider cache (document 3): each provider's last answer per entity, and the asset candidates.

`provider_cache` keeps one row per (entity, provider): the normalised answer
(`ProviderData.to_json()`) or "not found", the external ids it was asked with, which asset types it
covers, and when it was fetched. Freshness (the TTL) is decided by `services.provider_cache`; this
module only stores and reads. A row that cannot be read (malformed JSON, an old payload version) is
reported as unreadable and treated by the caller as a miss.

`provider_assets` keeps every asset candidate offered for an entity with its analysis and selection
state; refreshing a provider's answer updates its candidates without losing that state.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import Any

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.clock import Clock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.records import CachedAsset
from metarr_desktop.store.database import Database
from metarr_desktop.store.models import ProviderAsset
from metarr_desktop.store.models import ProviderCacheEntry
from metarr_desktop.store.rows import entities_query
from metarr_desktop.store.sql import Statements
from metarr_desktop.store.sql import chunks

log = logging.getLogger(__name__)

#: Version of the stored payload format; rows written in another format are misses.
PAYLOAD_VERSION = 1
#: Rows per multi-row statement (well under SQLite's limit of bound variables).
_BATCH = 200

_ASSET_COLUMNS = (
    ProviderAsset.entity_type,
    ProviderAsset.entity_id,
    ProviderAsset.asset_type,
    ProviderAsset.provider_name,
    ProviderAsset.provider_url,
    ProviderAsset.provider_metadata,
    ProviderAsset.width,
    ProviderAsset.height,
    ProviderAsset.fetched_at,
)
_ASSET_KEY = ("entity_type", "entity_id", "asset_type", "provider_url")
_ASSET_REFRESHED = ("provider_name", "provider_metadata", "width", "height", "fetched_at")
_ASSET_DEFAULTS = (
    ProviderAsset.analyzed,
    ProviderAsset.is_selected,
    ProviderAsset.is_rejected,
    ProviderAsset.is_downloaded,
)
#: A new candidate, or a known one (same entity, type and URL) refreshed with its selection state and
#: analysis kept. The model's defaults are written out, as peewee would add them.
_ASSET_UPSERT = (
    f"INSERT INTO {ProviderAsset._meta.table_name} "
    f"({', '.join(f.column_name for f in (*_ASSET_COLUMNS, *_ASSET_DEFAULTS))}) "
    f"VALUES ({', '.join('?' for _ in _ASSET_COLUMNS)}, "
    f"{', '.join(str(int(f.default)) for f in _ASSET_DEFAULTS)}) "
    f"ON CONFLICT ({', '.join(_ASSET_KEY)}) DO UPDATE SET "
    f"{', '.join(f'{c} = excluded.{c}' for c in _ASSET_REFRESHED)}"
)

#: The hot path of every cached fetch, as fixed SQL: building the peewee query each time cost more
#: than running it. Column order matches `_CACHE_COLUMNS`.
_CACHE_COLUMNS = (
    "provider_id",
    "tmdb_id",
    "imdb_id",
    "tvdb_id",
    "asset_types",
    "status",
    "payload",
    "payload_version",
    "fetched_at",
)
_SELECT_ANSWERS = (
    f"SELECT {', '.join(_CACHE_COLUMNS)} FROM provider_cache WHERE entity_type = ? AND entity_id = ?"
)
#: One answer written (a new row, or the entity's row of that provider replaced in place).
_CACHE_UPSERT = (
    f"INSERT INTO {ProviderCacheEntry._meta.table_name} "
    f"(entity_type, entity_id, {', '.join(_CACHE_COLUMNS)}) "
    f"VALUES (?, ?, {', '.join('?' for _ in _CACHE_COLUMNS)}) "
    "ON CONFLICT (entity_type, entity_id, provider_id) DO UPDATE SET "
    f"{', '.join(f'{c} = excluded.{c}' for c in _CACHE_COLUMNS if c != 'provider_id')}"
)
#: The candidates of one provider for an entity that nobody selected (those may be replaced).
_SELECT_REPLACEABLE = (
    f"SELECT id, asset_type, provider_url FROM {ProviderAsset._meta.table_name} "
    "WHERE entity_type = ? AND entity_id = ? AND provider_name = ? AND is_selected = 0"
)


class CacheStatus(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """One provider's cached answer for one entity.

    Attributes:
        data: the answer; None for "not found".
        ids: the external ids the provider was asked with.
        asset_types: the asset types the answer covers; None means every type.
    """

    provider_id: str
    status: CacheStatus
    data: ProviderData | None
    ids: ExternalIds
    asset_types: frozenset[AssetType] | None
    fetched_at: datetime

    def covers(self, wanted: frozenset[AssetType]) -> bool:
        """Does this answer hold every asset type of `wanted` (empty: every type)?"""
        if self.asset_types is None:
            return True
        return bool(wanted) and wanted <= self.asset_types

    def matches(self, ids: ExternalIds) -> bool:
        """False when an id known to both the row and the request differs (another entity)."""
        return all(
            theirs is None or ours is None or theirs == ours
            for theirs, ours in (
                (self.ids.tmdb, ids.tmdb),
                (self.ids.imdb, ids.imdb),
                (self.ids.tvdb, ids.tvdb),
            )
        )


@dataclass(frozen=True, slots=True)
class AnswerToStore:
    """One provider's answer to write: `data` None means "not found"."""

    provider_id: str
    data: ProviderData | None
    fetched_at: datetime
    asset_types: frozenset[AssetType] | None


_FETCHED_AT = ProviderCacheEntry.fetched_at


def _asset_types_json(types: frozenset[AssetType] | None) -> str | None:
    return None if types is None else json.dumps(sorted(t.value for t in types))


def _parse_row(row: dict[str, Any], *, assets: bool = True) -> CachedAnswer:
    """Raise ValueError / KeyError / TypeError for anything unreadable.

    Without `assets` the answer's asset candidates are left out (an empty list), which spares
    decoding a few dozen objects per answer for a reader that only merges fields.
    """
    if row["payload_version"] != PAYLOAD_VERSION:
        raise ValueError(f"payload version {row['payload_version']}")
    status = CacheStatus(row["status"])
    data = None
    if status is CacheStatus.FOUND:
        payload = json.loads(row["payload"])
        if not isinstance(payload, dict):
            raise ValueError("payload is not an object")
        if not assets:
            payload["assets"] = []
        data = ProviderData.from_json(payload)
    raw_types = row["asset_types"]
    types = None if raw_types is None else frozenset(AssetType(t) for t in json.loads(raw_types))
    return CachedAnswer(
        provider_id=row["provider_id"],
        status=status,
        data=data,
        ids=ExternalIds(tmdb=row["tmdb_id"], imdb=row["imdb_id"], tvdb=row["tvdb_id"]),
        asset_types=types,
        fetched_at=_FETCHED_AT.python_value(row["fetched_at"]),
    )


class ProviderCacheRepository:
    """The ``provider_cache`` table and, on writes, the matching ``provider_assets`` rows."""

    def __init__(self, database: Database, assets: AssetRepository) -> None:
        self._database = database
        self._assets = assets

    def answers(
        self, entity_type: str, entity_id: int, *, assets: bool = True
    ) -> tuple[dict[str, CachedAnswer], list[str]]:
        """Every readable cached answer of the entity by provider, and the providers whose row is not.

        `assets=False` reads fields and ids only (the answers' asset lists are empty): for a merge.
        """
        readable: dict[str, CachedAnswer] = {}
        unreadable: list[str] = []
        cursor = self._database.execute(_SELECT_ANSWERS, (entity_type, entity_id))
        rows = [dict(zip(_CACHE_COLUMNS, values, strict=True)) for values in cursor.fetchall()]
        for row in rows:
            try:
                readable[row["provider_id"]] = _parse_row(row, assets=assets)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                log.warning(
                    "cache row of %s for %s %s is unreadable (%s); treating it as a miss",
                    row.get("provider_id"),
                    entity_type,
                    entity_id,
                    type(exc).__name__,
                )
                unreadable.append(str(row.get("provider_id")))
        return readable, unreadable

    def store(
        self, entity_type: str, entity_id: int, ids: ExternalIds, answers: Iterable[AnswerToStore]
    ) -> None:
        """Write the answers (and their asset candidates) in one transaction.

        Fixed SQL, not peewee queries: this runs for every fetched movie on the event loop's thread,
        where building a query per answer cost more than running it.
        """
        fetched_at = ProviderCacheEntry.fetched_at.db_value
        with self._database.atomic():
            for answer in answers:
                payload = None
                if answer.data is not None:
                    payload = json.dumps(answer.data.to_json(), ensure_ascii=False, separators=(",", ":"))
                status = CacheStatus.FOUND if answer.data is not None else CacheStatus.NOT_FOUND
                row = (
                    entity_type,
                    entity_id,
                    answer.provider_id,
                    ids.tmdb,
                    ids.imdb,
                    ids.tvdb,
                    _asset_types_json(answer.asset_types),
                    status.value,
                    payload,
                    PAYLOAD_VERSION,
                    fetched_at(answer.fetched_at),
                )
                self._database.execute(_CACHE_UPSERT, row)
                self._assets.replace_for_provider(
                    entity_type,
                    entity_id,
                    answer.provider_id,
                    answer.data.assets if answer.data is not None else [],
                    fetched_at=answer.fetched_at,
                    asset_types=answer.asset_types,
                )

    def invalidate(self, entity_type: str, entity_id: int, provider_id: str | None = None) -> int:
        """Forget the entity's cached answers (of one provider, or all); their assets stay browsable
        until the next fetch replaces them. Returns the number of answers forgotten."""
        where = ProviderCacheEntry.of_entity(entity_type, entity_id)
        if provider_id is not None:
            where &= ProviderCacheEntry.provider_id == provider_id
        return int(ProviderCacheEntry.delete().where(where).execute())

    def invalidate_asset_type(self, entity_type: str, entity_id: int, asset_type: AssetType) -> None:
        """Forget one asset type of the entity: its candidates go, and no cached answer covers it any
        more, so the next fetch asking for it goes to the network."""
        every_type = frozenset(AssetType)
        with self._database.atomic():
            rows = ProviderCacheEntry.select(ProviderCacheEntry.id, ProviderCacheEntry.asset_types).where(
                ProviderCacheEntry.of_entity(entity_type, entity_id)
            )
            for row in rows:
                try:
                    covered = (
                        every_type
                        if row.asset_types is None
                        else frozenset(AssetType(t) for t in json.loads(row.asset_types))
                    )
                except (ValueError, TypeError):
                    covered = frozenset()
                ProviderCacheEntry.update(asset_types=_asset_types_json(covered - {asset_type})).where(
                    ProviderCacheEntry.id == row.id
                ).execute()
            self._assets.delete(entity_type, entity_id, asset_type)

    def count(self) -> int:
        return int(ProviderCacheEntry.select().count())


def _asset(row: ProviderAsset) -> CachedAsset:
    return _asset_of(row.__data__)


def _asset_of(data: dict[str, Any]) -> CachedAsset:
    """An asset from a row's column values by field name (already converted to Python)."""
    meta = data.get("provider_metadata") or {}
    return CachedAsset(
        id=data["id"],
        entity_type=data["entity_type"],
        entity_id=data["entity_id"],
        type=AssetType(data["asset_type"]),
        url=data["provider_url"],
        provider=data["provider_name"],
        width=data.get("width"),
        height=data.get("height"),
        language=meta.get("language"),
        votes=meta.get("votes"),
        rating=meta.get("rating"),
        score=data.get("score"),
        analyzed=bool(data.get("analyzed")),
        content_hash=data.get("content_hash"),
        is_selected=bool(data.get("is_selected")),
        is_rejected=bool(data.get("is_rejected")),
        selected_by=data.get("selected_by"),
        fetched_at=data["fetched_at"],
        perceptual_hash=data.get("perceptual_hash"),
    )


_CONVERTED = frozenset({"provider_metadata", "fetched_at"})


def _assets_of_entities(count: int) -> Any:
    """Every candidate of one entity type and `count` entity ids, in `for_entity`'s order."""
    return entities_query(ProviderAsset, count).order_by(ProviderAsset.asset_type, ProviderAsset.id)


def _sorted(assets: list[CachedAsset]) -> list[CachedAsset]:
    """By type, then best score and most votes first."""
    assets.sort(key=lambda a: (a.type.value, -(a.score or -1), -(a.votes or 0), a.id))
    return assets


class AssetRepository:
    """The ``provider_assets`` table."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock
        self._statements = Statements()  # `for_entities`' statement by number of ids

    def for_entity(
        self, entity_type: str, entity_id: int, asset_type: AssetType | None = None
    ) -> list[CachedAsset]:
        """The entity's candidates, by type, then best score and most votes first."""
        where = ProviderAsset.of_entity(entity_type, entity_id)
        if asset_type is not None:
            where &= ProviderAsset.asset_type == asset_type.value
        rows = ProviderAsset.select().where(where).order_by(ProviderAsset.asset_type, ProviderAsset.id)
        return _sorted([_asset(row) for row in rows])

    def for_entities(self, entity_type: str, entity_ids: Iterable[int]) -> dict[int, list[CachedAsset]]:
        """`for_entity` of many entities, in one query per 500 ids (every id is a key). The
        statement is built once per number of ids and its rows read as plain values, no model
        object per row: a publish of the whole library reads every movie's candidates."""
        ids = list(dict.fromkeys(entity_ids))
        out: dict[int, list[CachedAsset]] = {entity_id: [] for entity_id in ids}
        columns = ProviderAsset._meta.sorted_fields
        names = [f.name for f in columns]
        # Only the columns `_asset_of` reads that are not plain SQLite values need converting.
        converters = [(i, f.python_value) for i, f in enumerate(columns) if f.name in _CONVERTED]
        for chunk in chunks(ids):
            sql = self._statements.sql(len(chunk), partial(_assets_of_entities, len(chunk)))
            cursor = self._database.execute(sql, [entity_type, *chunk])
            for row in cursor.fetchall():
                values = list(row)
                for index, convert in converters:
                    values[index] = convert(values[index])
                data = dict(zip(names, values, strict=True))
                out[data["entity_id"]].append(_asset_of(data))
        for assets in out.values():
            _sorted(assets)
        return out

    def get(self, asset_id: int) -> CachedAsset | None:
        row = ProviderAsset.get_or_none(ProviderAsset.id == asset_id)
        return None if row is None else _asset(row)

    def replace_for_provider(
        self,
        entity_type: str,
        entity_id: int,
        provider: str,
        candidates: list[AssetCandidate],
        *,
        fetched_at: datetime,
        asset_types: frozenset[AssetType] | None,
    ) -> None:
        """Make the provider's candidates (of `asset_types`; None: every type) those of this answer.

        Known URLs keep their analysis and selection state; candidates no longer offered are removed
        unless the user or the automation selected them.
        """
        metadata = ProviderAsset.provider_metadata.db_value
        at = ProviderAsset.fetched_at.db_value(fetched_at)
        rows: list[tuple[Any, ...]] = []
        seen: set[tuple[str, str]] = set()
        for candidate in candidates:
            key = (candidate.type.value, candidate.url)
            if (asset_types is not None and candidate.type not in asset_types) or key in seen:
                continue
            seen.add(key)
            details = {"language": candidate.language, "votes": candidate.votes, "rating": candidate.rating}
            rows.append(
                (
                    entity_type,
                    entity_id,
                    candidate.type.value,
                    provider,
                    candidate.url,
                    metadata(details),
                    candidate.width,
                    candidate.height,
                    at,
                )
            )
        with self._database.atomic():
            if rows:
                # One prepared upsert run for every row: building a peewee query over the rows cost
                # about 5 ms per provider answer, on the event loop's thread.
                self._database.executemany(_ASSET_UPSERT, rows)
            types = None if asset_types is None else {t.value for t in asset_types}
            cursor = self._database.execute(_SELECT_REPLACEABLE, (entity_type, entity_id, provider))
            gone = [
                asset_id
                for asset_id, asset_type, url in cursor.fetchall()
                if (types is None or asset_type in types) and (asset_type, url) not in seen
            ]
            for start in range(0, len(gone), _BATCH):
                ProviderAsset.delete().where(ProviderAsset.id.in_(gone[start : start + _BATCH])).execute()

    def delete(self, entity_type: str, entity_id: int, asset_type: AssetType | None = None) -> int:
        where = ProviderAsset.of_entity(entity_type, entity_id)
        if asset_type is not None:
            where &= ProviderAsset.asset_type == asset_type.value
        return int(ProviderAsset.delete().where(where).execute())

    def select(self, asset_id: int, *, by: str = "user") -> None:
        """Select one candidate for publishing; the others of its type are deselected."""
        with self._database.atomic():
            row = ProviderAsset.get_or_none(ProviderAsset.id == asset_id)
            if row is None:
                raise KeyError(f"unknown asset id {asset_id}")
            ProviderAsset.update(is_selected=False, selected_at=None, selected_by=None).where(
                ProviderAsset.of_entity(row.entity_type, row.entity_id)
                & (ProviderAsset.asset_type == row.asset_type)
            ).execute()
            ProviderAsset.update(
                is_selected=True, is_rejected=False, selected_at=self._clock.now(), selected_by=by
            ).where(ProviderAsset.id == asset_id).execute()

    def reject(self, asset_id: int) -> None:
        """The user does not want this candidate (it is also deselected)."""
        updated = (
            ProviderAsset.update(is_rejected=True, is_selected=False, selected_at=None, selected_by=None)
            .where(ProviderAsset.id == asset_id)
            .execute()
        )
        if updated == 0:
            raise KeyError(f"unknown asset id {asset_id}")

    def unreject(self, asset_id: int) -> None:
        """Undo `reject`: the candidate may be chosen again (it stays deselected)."""
        updated = ProviderAsset.update(is_rejected=False).where(ProviderAsset.id == asset_id).execute()
        if updated == 0:
            raise KeyError(f"unknown asset id {asset_id}")

    def fill_perceptual_hash(self, asset_id: int, perceptual_hash: str) -> bool:
        """Store the perceptual hash of a thumbnail unless the asset already has one (the full
        image's, from publishing, wins); True when it was stored. One UPDATE: no race with publish."""
        updated = (
            ProviderAsset.update(perceptual_hash=perceptual_hash)
            .where((ProviderAsset.id == asset_id) & ProviderAsset.perceptual_hash.is_null())
            .execute()
        )
        return bool(updated)

    def set_analysis(
        self, asset_id: int, *, content_hash: str | None, perceptual_hash: str | None, score: int | None
    ) -> None:
        ProviderAsset.update(
            analyzed=True, content_hash=content_hash, perceptual_hash=perceptual_hash, score=score
        ).where(ProviderAsset.id == asset_id).execute()
