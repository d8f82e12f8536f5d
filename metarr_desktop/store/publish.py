"""The publish ledger: every file Metarr wrote next to a movie, and each movie's last publish.

A row of ``published_files`` is the proof that Metarr wrote a file: a file on disk without a row is
someone else's (kept), a file whose hash no longer matches its row was changed by the user since
(kept and reported). ``publish_state`` says when each movie was last published (`--pending`).
A row may also hold the file's ``mtime_ns`` as last verified against its hash (a later publish then
trusts an unchanged (size, mtime_ns) without reading the file) and, for an NFO, ``source``: a hash of
what it was built from (the same source over the same file gives the same bytes, so nothing to render).
Also here: filling an asset's analysis columns once its image was downloaded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import peewee as pw

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.fields import EntityType
from metarr_desktop.store.database import Database
from metarr_desktop.store.models import EnrichmentLogEntry
from metarr_desktop.store.models import ProviderAsset
from metarr_desktop.store.models import PublishedFile
from metarr_desktop.store.models import PublishState
from metarr_desktop.store.rows import entities_query
from metarr_desktop.store.rows import record_of
from metarr_desktop.store.rows import upsert
from metarr_desktop.store.sql import Statements
from metarr_desktop.store.sql import chunks


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    path: str
    kind: str
    sha256: str
    size: int
    entity_id: int
    asset_id: int | None
    written_at: datetime
    mtime_ns: int | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class VerifiedFile:
    """What a publish learnt about a file it left unchanged (`PublishLedger.remember_verified`)."""

    path: str
    sha256: str
    mtime_ns: int | None
    source: str | None


@dataclass(frozen=True, slots=True)
class AssetAnalysis:
    """What the downloaded file of an asset turned out to be."""

    width: int
    height: int
    content_hash: str
    perceptual_hash: str
    score: int


def _entry(row: PublishedFile) -> LedgerEntry:
    return record_of(LedgerEntry, row)


#: The columns of a `LedgerEntry`, in its order.
_COLUMNS: tuple[Any, ...] = (
    PublishedFile.path,
    PublishedFile.kind,
    PublishedFile.sha256,
    PublishedFile.size,
    PublishedFile.entity_id,
    PublishedFile.asset_id,
    PublishedFile.written_at,
    PublishedFile.mtime_ns,
    PublishedFile.source,
)

#: The columns `last_published_many` reads.
_STATE_COLUMNS = (PublishState.entity_id, PublishState.published_at, PublishState.status)

#: The ``publish_state.status`` of a publish that failed (`services.publish.MovieStatus.FAILED`).
FAILED = "failed"


class PublishLedger:
    """The ``published_files`` and ``publish_state`` tables (movies only today)."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock
        self._statements = Statements()

    def for_movie(self, movie_id: int) -> dict[str, LedgerEntry]:
        rows = PublishedFile.select().where(PublishedFile.of_entity(EntityType.MOVIE.value, movie_id))
        return {row.path: _entry(row) for row in rows}

    def for_movies(self, movie_ids: Iterable[int]) -> dict[int, dict[str, LedgerEntry]]:
        """`for_movie` of many movies in one query per 500 ids (every id is a key); the statement
        is built once per number of ids (peewee would build it again on every call)."""
        ids = list(dict.fromkeys(movie_ids))
        out: dict[int, dict[str, LedgerEntry]] = {movie_id: {} for movie_id in ids}
        for chunk in chunks(ids):
            build = partial(entities_query, PublishedFile, len(chunk), *_COLUMNS)
            sql = self._statements.sql(("files", len(chunk)), build)
            cursor = self._database.execute(sql, [EntityType.MOVIE.value, *chunk])
            for values in cursor.fetchall():
                entry = LedgerEntry(*(f.python_value(v) for f, v in zip(_COLUMNS, values, strict=True)))
                out[entry.entity_id][entry.path] = entry
        return out

    def get(self, path: str) -> LedgerEntry | None:
        row = PublishedFile.get_or_none(PublishedFile.path == path)
        return None if row is None else _entry(row)

    def record(
        self,
        movie_id: int,
        path: str,
        kind: str,
        sha256: str,
        size: int,
        asset_id: int | None = None,
        *,
        source: str | None = None,
        mtime_ns: int | None = None,
    ) -> None:
        """Metarr wrote (or adopted) the file at `path` with these bytes' hash and size."""
        row = {
            "entity_type": EntityType.MOVIE.value,
            "entity_id": movie_id,
            "path": path,
            "kind": kind,
            "sha256": sha256,
            "size": size,
            "asset_id": asset_id,
            "written_at": self._clock.now(),
            "mtime_ns": mtime_ns,
            "source": source,
        }
        upsert(PublishedFile, row, key=["path"], insert_only=["entity_type"])

    def remember_verified(self, files: Iterable[VerifiedFile]) -> None:
        """Store what a publish verified about files whose bytes had the hash `sha256`: the
        modification time to trust next time (None: not yet) and an NFO's source. A row whose hash
        is another by now (the file was written again since) is left as it is."""
        files = list(files)
        if not files:
            return
        with self._database.atomic():
            for file in files:
                PublishedFile.update(mtime_ns=file.mtime_ns, source=file.source).where(
                    (PublishedFile.path == file.path) & (PublishedFile.sha256 == file.sha256)
                ).execute()

    def mark_published(self, movie_id: int, status: str, error: str | None = None) -> None:
        row = {
            "entity_type": EntityType.MOVIE.value,
            "entity_id": movie_id,
            "published_at": self._clock.now(),
            "status": status,
            "error": error,
        }
        upsert(PublishState, row, key=["entity_type", "entity_id"])

    def last_published(self, movie_id: int) -> datetime | None:
        row = PublishState.get_or_none(PublishState.of_entity(EntityType.MOVIE.value, movie_id))
        return None if row is None else row.published_at

    def last_published_many(self, movie_ids: Iterable[int]) -> dict[int, datetime]:
        """`last_published` of many movies whose last publish did not fail (only those appear)."""
        ids = list(dict.fromkeys(movie_ids))
        out: dict[int, datetime] = {}
        for chunk in chunks(ids):
            build = partial(entities_query, PublishState, len(chunk), *_STATE_COLUMNS)
            sql = self._statements.sql(("state", len(chunk)), build)
            cursor = self._database.execute(sql, [EntityType.MOVIE.value, *chunk])
            for entity_id, at, status in cursor.fetchall():
                if status != FAILED:
                    out[int(entity_id)] = PublishState.published_at.python_value(at)
        return out

    def pending_movies(self) -> list[int]:
        """Movies with a change requiring a player sync since their last publish that did not fail
        (every such change, not only the latest: a refresh that changed nothing after it does not
        settle it), in id order. A movie whose last publish failed stays pending. One query."""
        log, state = EnrichmentLogEntry, PublishState
        changed = pw.fn.MAX(log.enriched_at)
        published = pw.fn.MAX(state.published_at)
        rows: Any = (
            log.select(log.entity_id)
            .join(
                state,
                pw.JOIN.LEFT_OUTER,
                on=(state.entity_type == log.entity_type) & (state.entity_id == log.entity_id),
            )
            .where((log.entity_type == EntityType.MOVIE.value) & log.requires_player_sync)
            .group_by(log.entity_id)
            .having(published.is_null() | (pw.fn.MAX(state.status) == FAILED) | (changed > published))
            .order_by(log.entity_id)
            .tuples()
        )
        return [int(entity_id) for (entity_id,) in rows]

    def set_asset_analysis(self, asset_id: int, analysis: AssetAnalysis) -> None:
        ProviderAsset.update(
            is_downloaded=True,
            analyzed=True,
            width=analysis.width,
            height=analysis.height,
            content_hash=analysis.content_hash,
            perceptual_hash=analysis.perceptual_hash,
            score=analysis.score,
        ).where(ProviderAsset.id == asset_id).execute()

    def perceptual_hashes(self, movie_id: int) -> dict[int, str]:
        """Asset id -> perceptual hash of this movie's analysed assets (the browser groups by it)."""
        rows: Any = (
            ProviderAsset.select(ProviderAsset.id, ProviderAsset.perceptual_hash)
            .where(
                ProviderAsset.of_entity(EntityType.MOVIE.value, movie_id)
                & ProviderAsset.perceptual_hash.is_null(False)
            )
            .tuples()
        )
        return {int(asset_id): str(phash) for asset_id, phash in rows}
