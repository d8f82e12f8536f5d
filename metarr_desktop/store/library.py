"""Repositories of the library: movies with their fields, field sources and locks; the enrichment log.

Every method is one short transaction on indexed rows, safe to call on the event loop; the bulk reads
(`MovieRepository.all_async`) run on a thread of their own. Records are plain dataclasses, so the
layers above never touch peewee models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from functools import partial
from types import MappingProxyType
from typing import Any

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import EnrichmentLogRecord
from metarr_desktop.core.records import FieldSourceRecord
from metarr_desktop.core.records import IdentificationDecision
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.records import MovieRow
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.store.database import Database
from metarr_desktop.store.models import EnrichmentLogEntry
from metarr_desktop.store.models import FieldLock
from metarr_desktop.store.models import FieldSource
from metarr_desktop.store.models import Movie
from metarr_desktop.store.models import ProviderAsset
from metarr_desktop.store.models import ProviderCacheEntry
from metarr_desktop.store.rows import record_of
from metarr_desktop.store.sql import Statements
from metarr_desktop.store.sql import chunks

MOVIE = EntityType.MOVIE.value


@dataclass(frozen=True, slots=True)
class ScanIndexEntry:
    """One movie as a scan compares it with what it found (`MovieRepository.scan_index`)."""

    id: int
    path: str | None
    ids: ExternalIds
    edition: str | None
    missing: bool
    title: str
    year: int | None


_STATUSES = {status.value: status for status in IdentificationStatus}
_NO_PROVIDERS: Mapping[str, datetime] = MappingProxyType({})


def _utc_time(text: str) -> datetime:
    """A stored `UtcDateTimeField` value (ISO 8601 text) as an aware datetime."""
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _incomplete(text: str) -> dict[str, datetime]:
    """The stored ``incomplete_providers`` JSON: provider id -> retry time."""
    return {provider: _utc_time(when) for provider, when in json.loads(text).items()}


#: A field's source recorded (or replaced) for one entity.
_SOURCE_UPSERT = (
    f"INSERT INTO {FieldSource._meta.table_name} "
    "(entity_type, entity_id, field, provider, fetched_at, language) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (entity_type, entity_id, field) DO UPDATE SET "
    "provider = excluded.provider, fetched_at = excluded.fetched_at, language = excluded.language"
)


def _check_fields(names: Iterable[str]) -> None:
    unknown = sorted(set(names) - set(ALL_FIELDS))
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(unknown)}")


def _select_ids(count: int) -> Any:
    """The movies of `count` ids (a statement to compile once per count)."""
    return Movie.select().where(Movie.id.in_([0] * count))


def _decision(stored: Any) -> IdentificationDecision | None:
    """The stored ``identification`` JSON as a decision; None when absent or not readable (a damaged
    value is no decision rather than an error that would hide the movie)."""
    if not isinstance(stored, Mapping) or not isinstance(stored.get("why"), Mapping):
        return None
    try:
        when = stored.get("decided_at")
        reason = stored.get("reason")
        return IdentificationDecision(
            status=str(stored["status"]),
            reason=str(reason) if reason is not None else None,
            ids=ExternalIds.from_json(stored.get("ids") if isinstance(stored.get("ids"), dict) else None),
            why=dict(stored["why"]),
            decided_at=_utc_time(when) if isinstance(when, str) else None,
        )
    except (KeyError, TypeError, ValueError):
        return None


def _record(row: Movie) -> MovieRecord:
    return _record_of(row.__data__)


def _record_of(data: Mapping[str, Any]) -> MovieRecord:
    """A record from a movie row's column values by field name (already converted to Python)."""
    incomplete = {
        provider: datetime.fromisoformat(when)
        for provider, when in (data.get("incomplete_providers") or {}).items()
    }
    fields = {}
    for name in ALL_FIELDS:
        value = data.get(name)
        if value is not None:
            fields[name] = value
    return MovieRecord(
        id=data["id"],
        title=data["title"],
        year=data.get("year"),
        ids=ExternalIds(tmdb=data.get("tmdb_id"), imdb=data.get("imdb_id"), tvdb=data.get("tvdb_id")),
        path=data.get("path"),
        monitored=bool(data.get("monitored")),
        status=IdentificationStatus(data["status"]),
        fields=fields,
        last_enriched_at=data.get("last_enriched_at"),
        last_enriched_providers=list(data.get("last_enriched_providers") or []),
        incomplete_providers=incomplete,
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        missing=bool(data.get("missing")),
        edition=data.get("edition"),
        identification=_decision(data.get("identification")),
    )


class MovieRepository:
    """Movies, their field sources and their locked fields."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock
        self._statements = Statements()

    # -- movies ------------------------------------------------------------------------------------

    def add(
        self,
        title: str,
        *,
        year: int | None = None,
        ids: ExternalIds | None = None,
        path: str | None = None,
        monitored: bool = True,
        status: IdentificationStatus = IdentificationStatus.UNIDENTIFIED,
        edition: str | None = None,
    ) -> MovieRecord:
        ids = ids or ExternalIds()
        now = self._clock.now()
        row = Movie.create(
            edition=edition,
            title=title,
            year=year,
            tmdb_id=ids.tmdb,
            imdb_id=ids.imdb,
            tvdb_id=ids.tvdb,
            path=path,
            monitored=monitored,
            status=status.value,
            created_at=now,
            updated_at=now,
        )
        return _record(row)

    def get(self, movie_id: int) -> MovieRecord | None:
        sql = self._statements.sql("get", lambda: Movie.select().where(Movie.id == 0))
        row = self._database.execute(sql, (movie_id,)).fetchone()
        if row is None:
            return None
        columns = Movie._meta.sorted_fields
        return _record_of({f.name: f.python_value(v) for f, v in zip(columns, row, strict=True)})

    def get_many(self, movie_ids: Iterable[int]) -> dict[int, MovieRecord]:
        """`get` of many movies, in one query per 500 ids (unknown ids are left out)."""
        ids = list(dict.fromkeys(movie_ids))
        columns = Movie._meta.sorted_fields
        out: dict[int, MovieRecord] = {}
        for chunk in chunks(ids):
            sql = self._statements.sql(f"many:{len(chunk)}", partial(_select_ids, len(chunk)))
            cursor = self._database.execute(sql, chunk)
            for row in cursor.fetchall():
                record = _record_of({f.name: f.python_value(v) for f, v in zip(columns, row, strict=True)})
                out[record.id] = record
        return out

    def require(self, movie_id: int) -> MovieRecord:
        record = self.get(movie_id)
        if record is None:
            raise UnknownEntityError(f"unknown movie id {movie_id}")
        return record

    def all(
        self, *, monitored: bool | None = None, status: IdentificationStatus | None = None
    ) -> list[MovieRecord]:
        query = Movie.select().order_by(Movie.id)
        if monitored is not None:
            query = query.where(Movie.monitored == monitored)
        if status is not None:
            query = query.where(Movie.status == status.value)
        return [_record(row) for row in query]

    async def all_async(
        self, *, monitored: bool | None = None, status: IdentificationStatus | None = None
    ) -> list[MovieRecord]:
        """`all` on a thread of its own (for whole-library loads)."""
        return await self._database.run_in_thread(lambda: self.all(monitored=monitored, status=status))

    async def ids_async(self) -> list[int]:
        """Every movie's id, in order, read on a thread (a walk over the library needs no more)."""

        def read() -> list[int]:
            cursor = self._database.execute(f"SELECT id FROM {Movie._meta.table_name} ORDER BY id")
            return [movie_id for (movie_id,) in cursor.fetchall()]

        return await self._database.run_in_thread(read)

    def count(self) -> int:
        return int(Movie.select().count())

    def list_rows(self, ids: Iterable[int] | None = None) -> list[MovieRow]:
        """Every movie (or those of `ids` that exist) as light rows, by id.

        One query (per 500 ids): the locks are counted by a grouped subquery, timestamps are parsed
        from their stored text directly, and no `MovieRecord` is built, so that 100,000 movies are
        read in a fraction of a second.
        """
        columns = (
            "SELECT m.id, m.title, m.year, m.status, m.monitored, m.last_enriched_at, "
            "m.incomplete_providers, m.poster, m.sort_title, m.missing, m.edition, "
        )
        batches: list[tuple[str, tuple[Any, ...]]] = []
        if ids is None:
            # The whole library: the locks of every movie counted once, joined by id.
            sql = (
                f"{columns} COALESCE(l.n, 0) FROM movies AS m LEFT JOIN (SELECT entity_id, COUNT(*) AS n "
                "FROM field_locks WHERE entity_type = ? GROUP BY entity_id) AS l ON l.entity_id = m.id "
                "ORDER BY m.id"
            )
            batches.append((sql, (MOVIE,)))
        else:
            # A few movies: their locks counted through the index, movie by movie.
            wanted = sorted(set(ids))
            for chunk in chunks(wanted):
                sql = (
                    f"{columns} (SELECT COUNT(*) FROM field_locks AS f WHERE f.entity_type = ? "
                    f"AND f.entity_id = m.id) FROM movies AS m WHERE m.id IN ({', '.join('?' * len(chunk))}) "
                    "ORDER BY m.id"
                )
                batches.append((sql, (MOVIE, *chunk)))
        parse_time = _utc_time
        statuses = _STATUSES
        unidentified = IdentificationStatus.UNIDENTIFIED
        rows: list[MovieRow] = []
        append = rows.append
        for sql, params in batches:
            cursor = self._database.execute(sql, params)
            for (
                movie_id,
                title,
                year,
                status,
                monitored,
                enriched,
                incomplete,
                poster,
                sort_title,
                missing,
                edition,
                locks,
            ) in cursor:
                append(
                    MovieRow(
                        movie_id,
                        title,
                        year,
                        statuses.get(status, unidentified),
                        monitored == 1,
                        None if enriched is None else parse_time(enriched),
                        _NO_PROVIDERS if incomplete is None else _incomplete(incomplete),
                        locks,
                        poster or None,
                        sort_title or None,
                        missing == 1,
                        edition,
                    )
                )
        return rows

    def find_by_ids(self, ids: ExternalIds) -> list[MovieRecord]:
        """Movies sharing any of the known ids."""
        conditions = []
        if ids.tmdb is not None:
            conditions.append(Movie.tmdb_id == ids.tmdb)
        if ids.imdb is not None:
            conditions.append(Movie.imdb_id == ids.imdb)
        if ids.tvdb is not None:
            conditions.append(Movie.tvdb_id == ids.tvdb)
        if not conditions:
            return []
        where = conditions[0]
        for condition in conditions[1:]:
            where = where | condition
        return [_record(row) for row in Movie.select().where(where).order_by(Movie.id)]

    def scan_index(self) -> list[ScanIndexEntry]:
        """What a scan compares its findings with, for every movie, in one query."""
        cursor = self._database.execute(
            "SELECT id, path, tmdb_id, imdb_id, tvdb_id, edition, missing, title, year "
            "FROM movies ORDER BY id"
        )
        return [
            ScanIndexEntry(movie_id, path, ExternalIds(tmdb, imdb, tvdb), edition, missing == 1, title, year)
            for movie_id, path, tmdb, imdb, tvdb, edition, missing, title, year in cursor.fetchall()
        ]

    def set_missing(self, movie_ids: Iterable[int], missing: bool) -> None:
        """Mark movies whose folder is gone (or found again); nothing else about them changes."""
        wanted = sorted(set(movie_ids))
        now = self._clock.now()
        for chunk in chunks(wanted):
            Movie.update(missing=missing, updated_at=now).where(Movie.id.in_(chunk)).execute()

    def move(self, movie_id: int, path: str) -> None:
        """The movie's folder was moved or renamed: its new path, found again (not missing)."""
        self._update(movie_id, path=path, missing=False)

    def find_by_path(self, path: str) -> MovieRecord | None:
        row = Movie.get_or_none(Movie.path == path)
        return None if row is None else _record(row)

    def _update(self, movie_id: int, **values: Any) -> None:
        values["updated_at"] = self._clock.now()
        if Movie.update(**values).where(Movie.id == movie_id).execute() == 0:
            raise UnknownEntityError(f"unknown movie id {movie_id}")

    def set_ids(self, movie_id: int, ids: ExternalIds) -> None:
        self._update(movie_id, tmdb_id=ids.tmdb, imdb_id=ids.imdb, tvdb_id=ids.tvdb)

    def set_status(self, movie_id: int, status: IdentificationStatus) -> None:
        self._update(movie_id, status=status.value)

    def set_identification(
        self, movie_id: int, status: str, reason: str | None, ids: ExternalIds, why: Mapping[str, Any]
    ) -> IdentificationDecision:
        """Store the movie's latest identification decision, made now (replacing the one before).
        The caller bounds `why` in size (`services.identification.bounded_why`)."""
        decision = IdentificationDecision(status, reason, ids, dict(why), self._clock.now())
        self._update(movie_id, identification=decision.to_json())
        return decision

    def set_monitored(self, movie_id: int, monitored: bool) -> None:
        self._update(movie_id, monitored=monitored)

    def set_path(self, movie_id: int, path: str | None) -> None:
        self._update(movie_id, path=path)

    def delete(self, movie_id: int) -> None:
        """The movie and everything kept about it (sources, locks, cache, assets, log)."""
        with self._database.atomic():
            for model in (FieldSource, FieldLock, ProviderCacheEntry, ProviderAsset, EnrichmentLogEntry):
                model.delete().where(model.of_entity(MOVIE, movie_id)).execute()
            if Movie.delete().where(Movie.id == movie_id).execute() == 0:
                raise UnknownEntityError(f"unknown movie id {movie_id}")

    # -- fields and their sources --------------------------------------------------------------------

    def set_fields(
        self,
        movie_id: int,
        values: Mapping[str, Any],
        sources: Mapping[str, str] | None = None,
        *,
        fetched_at: datetime | None = None,
        languages: Mapping[str, str] | None = None,
    ) -> None:
        """Write canonical field values (None clears one) and record who supplied each, atomically.

        A field written without a source keeps no source record (e.g. the user typed it);
        `languages` gives the language of a sourced value where it is known.
        """
        languages = languages or {}
        _check_fields(values)
        sources = sources or {}
        _check_fields(sources)
        fetched_at = fetched_at or self._clock.now()
        with self._database.atomic():
            if values:
                self._update(movie_id, **dict(values))
            cleared = sorted(set(values) - set(sources))
            if cleared:
                FieldSource.delete().where(
                    FieldSource.of_entity(MOVIE, movie_id) & (FieldSource.field.in_(cleared))
                ).execute()
            if sources:
                # One prepared upsert run for every field: building a peewee query over the fields
                # cost about 2 ms per enriched movie, on the event loop's thread.
                at = FieldSource.fetched_at.db_value(fetched_at)
                rows = [
                    (MOVIE, movie_id, name, provider, at, languages.get(name))
                    for name, provider in sources.items()
                ]
                self._database.executemany(_SOURCE_UPSERT, rows)

    def field_sources(self, movie_id: int) -> dict[str, FieldSourceRecord]:
        def query() -> Any:
            return FieldSource.select(
                FieldSource.field, FieldSource.provider, FieldSource.fetched_at, FieldSource.language
            ).where(FieldSource.of_entity(MOVIE, 0))

        cursor = self._database.execute(self._statements.sql("field_sources", query), (MOVIE, movie_id))
        to_time = FieldSource.fetched_at.python_value
        return {
            name: FieldSourceRecord(provider, to_time(at), language)
            for name, provider, at, language in cursor.fetchall()
        }

    # -- locks ---------------------------------------------------------------------------------------

    def lock(self, movie_id: int, field_name: str) -> None:
        _check_fields([field_name])
        self.require(movie_id)
        FieldLock.insert(
            entity_type=MOVIE, entity_id=movie_id, field=field_name, locked_at=self._clock.now()
        ).on_conflict_ignore().execute()

    def unlock(self, movie_id: int, field_name: str) -> None:
        _check_fields([field_name])
        self.require(movie_id)
        FieldLock.delete().where(
            FieldLock.of_entity(MOVIE, movie_id) & (FieldLock.field == field_name)
        ).execute()

    def locked_fields(self, movie_id: int) -> set[str]:
        def query() -> Any:
            return FieldLock.select(FieldLock.field).where(FieldLock.of_entity(MOVIE, 0))

        cursor = self._database.execute(self._statements.sql("locked_fields", query), (MOVIE, movie_id))
        return {name for (name,) in cursor.fetchall()}

    # -- enrichment state ----------------------------------------------------------------------------

    def mark_enriched(self, movie_id: int, at: datetime, providers: Iterable[str]) -> None:
        self._update(movie_id, last_enriched_at=at, last_enriched_providers=list(providers))

    def set_incomplete(self, movie_id: int, provider: str, retry_at: datetime) -> None:
        """Remember that `provider` gave nothing this time and should be asked again at `retry_at`."""
        with self._database.atomic():
            current = dict(self.require(movie_id).incomplete_providers)
            current[provider] = retry_at
            self._update(movie_id, incomplete_providers={p: t.isoformat() for p, t in current.items()})

    def clear_incomplete(self, movie_id: int, provider: str | None = None) -> None:
        """Forget one provider's (or every) pending retry."""
        with self._database.atomic():
            current = dict(self.require(movie_id).incomplete_providers)
            if provider is None:
                current.clear()
            else:
                current.pop(provider, None)
            self._update(
                movie_id, incomplete_providers={p: t.isoformat() for p, t in current.items()} or None
            )

    def incomplete_due(self, now: datetime) -> list[MovieRecord]:
        """Movies with a provider whose retry time has come."""
        query = Movie.select().where(Movie.incomplete_providers.is_null(False)).order_by(Movie.id)
        records = (_record(row) for row in query)
        return [r for r in records if any(when <= now for when in r.incomplete_providers.values())]


class EnrichmentLogRepository:
    """The append-only enrichment history (document 5, ``entity_enrichment_log``)."""

    def append(self, record: EnrichmentLogRecord) -> int:
        row = EnrichmentLogEntry.create(
            entity_type=record.entity_type,
            entity_id=record.entity_id,
            enrichment_mode=record.mode,
            providers=list(record.providers),
            changed_fields=list(record.changed_fields),
            requires_player_sync=record.requires_player_sync,
            sync_reason=record.sync_reason,
            enriched_at=record.enriched_at,
        )
        return int(row.id)

    def for_entity(
        self, entity_type: str, entity_id: int, *, limit: int | None = None
    ) -> list[EnrichmentLogRecord]:
        """That entity's entries, newest first."""
        query = (
            EnrichmentLogEntry.select()
            .where(EnrichmentLogEntry.of_entity(entity_type, entity_id))
            .order_by(EnrichmentLogEntry.enriched_at.desc(), EnrichmentLogEntry.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        return [
            record_of(
                EnrichmentLogRecord,
                row,
                mode=row.enrichment_mode,
                providers=list(row.providers),
                changed_fields=list(row.changed_fields or []),
                requires_player_sync=bool(row.requires_player_sync),
            )
            for row in query
        ]
