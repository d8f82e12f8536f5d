"""Numbered schema migrations; the schema version is SQLite's ``PRAGMA user_version``.

Each step is one function that takes the database from version N-1 to N, run in its own transaction
together with the version bump, so a failed step leaves the previous version intact. Steps hold
frozen DDL (never the current models), so that an old database migrates the same way forever;
`tests/store/test_migrations.py` checks that the models agree with the migrated schema.

Hand-written rather than playhouse.migrations: that runner loads numbered script files from a folder
and keeps a history table by name; a tuple of functions and ``user_version`` is simpler to package,
type-check and test. A later step that alters a table can use ``playhouse.migrate.SchemaMigrator``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import peewee as pw

from metarr_desktop.store.sql import execute

_V1_TABLES = (
    """CREATE TABLE "movies" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "title" TEXT NOT NULL DEFAULT '',
        "original_title" TEXT, "sort_title" TEXT, "plot" TEXT, "outline" TEXT, "tagline" TEXT,
        "runtime" INTEGER, "release_date" TEXT, "year" INTEGER, "content_rating" TEXT,
        "genres" TEXT, "cast" TEXT, "directors" TEXT, "writers" TEXT, "studios" TEXT,
        "countries" TEXT, "languages" TEXT, "collection" TEXT, "trailer" TEXT,
        "imdb_rating" REAL, "imdb_votes" INTEGER, "tmdb_rating" REAL, "tmdb_votes" INTEGER,
        "rotten_tomatoes_score" INTEGER, "metacritic_score" INTEGER, "awards" TEXT,
        "poster" TEXT, "fanart" TEXT, "clearlogo" TEXT, "clearart" TEXT, "banner" TEXT,
        "thumb" TEXT, "disc" TEXT,
        "tmdb_id" INTEGER, "imdb_id" TEXT, "tvdb_id" INTEGER,
        "path" TEXT,
        "monitored" INTEGER NOT NULL DEFAULT 1,
        "status" TEXT NOT NULL DEFAULT 'unidentified'
            CHECK ("status" IN ('unidentified', 'identified', 'needs_identification')),
        "last_enriched_at" TEXT, "last_enriched_providers" TEXT, "incomplete_providers" TEXT,
        "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL)""",
    'CREATE INDEX "movies_year" ON "movies" ("year")',
    'CREATE INDEX "movies_tmdb_id" ON "movies" ("tmdb_id")',
    'CREATE INDEX "movies_imdb_id" ON "movies" ("imdb_id")',
    'CREATE INDEX "movies_tvdb_id" ON "movies" ("tvdb_id")',
    """CREATE TABLE "field_sources" (
        "id" INTEGER NOT NULL PRIMARY KEY, "entity_type" TEXT NOT NULL, "entity_id" INTEGER NOT NULL,
        "field" TEXT NOT NULL, "provider" TEXT NOT NULL, "fetched_at" TEXT)""",
    'CREATE UNIQUE INDEX "field_sources_entity_type_entity_id_field" '
    'ON "field_sources" ("entity_type", "entity_id", "field")',
    """CREATE TABLE "field_locks" (
        "id" INTEGER NOT NULL PRIMARY KEY, "entity_type" TEXT NOT NULL, "entity_id" INTEGER NOT NULL,
        "field" TEXT NOT NULL, "locked_at" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "field_locks_entity_type_entity_id_field" '
    'ON "field_locks" ("entity_type", "entity_id", "field")',
    """CREATE TABLE "provider_config" (
        "id" INTEGER NOT NULL PRIMARY KEY, "provider_id" TEXT NOT NULL, "provider_name" TEXT NOT NULL,
        "enabled" INTEGER NOT NULL DEFAULT 1, "priority_order" INTEGER NOT NULL,
        "base_url" TEXT NOT NULL, "rate_limit_requests" INTEGER, "rate_limit_window_seconds" REAL,
        "daily_quota" INTEGER, "user_timeout_s" REAL, "background_timeout_s" REAL,
        "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "provider_config_provider_id" ON "provider_config" ("provider_id")',
    """CREATE TABLE "field_authorities" (
        "id" INTEGER NOT NULL PRIMARY KEY, "field_name" TEXT NOT NULL, "providers" TEXT NOT NULL,
        "exclusive" INTEGER NOT NULL DEFAULT 0, "created_at" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "field_authorities_field_name" ON "field_authorities" ("field_name")',
    """CREATE TABLE "settings" (
        "key" TEXT NOT NULL PRIMARY KEY, "value" TEXT, "updated_at" TEXT NOT NULL)""",
    """CREATE TABLE "provider_rate_limit_state" (
        "provider_id" TEXT NOT NULL PRIMARY KEY, "exhausted_at" TEXT, "reset_at" TEXT,
        "consecutive_rate_limits" INTEGER NOT NULL DEFAULT 0, "requests_today" INTEGER NOT NULL DEFAULT 0,
        "runtime_state" TEXT, "updated_at" TEXT NOT NULL)""",
    """CREATE TABLE "provider_cache" (
        "id" INTEGER NOT NULL PRIMARY KEY, "entity_type" TEXT NOT NULL, "entity_id" INTEGER NOT NULL,
        "provider_id" TEXT NOT NULL, "tmdb_id" INTEGER, "imdb_id" TEXT, "tvdb_id" INTEGER,
        "asset_types" TEXT, "status" TEXT NOT NULL, "payload" TEXT,
        "payload_version" INTEGER NOT NULL, "fetched_at" TEXT NOT NULL)""",
    'CREATE INDEX "provider_cache_tmdb_id" ON "provider_cache" ("tmdb_id")',
    'CREATE INDEX "provider_cache_imdb_id" ON "provider_cache" ("imdb_id")',
    'CREATE INDEX "provider_cache_tvdb_id" ON "provider_cache" ("tvdb_id")',
    'CREATE INDEX "provider_cache_fetched_at" ON "provider_cache" ("fetched_at")',
    'CREATE UNIQUE INDEX "provider_cache_entity_type_entity_id_provider_id" '
    'ON "provider_cache" ("entity_type", "entity_id", "provider_id")',
    """CREATE TABLE "provider_assets" (
        "id" INTEGER NOT NULL PRIMARY KEY, "entity_type" TEXT NOT NULL, "entity_id" INTEGER NOT NULL,
        "asset_type" TEXT NOT NULL, "provider_name" TEXT NOT NULL, "provider_url" TEXT NOT NULL,
        "provider_metadata" TEXT, "width" INTEGER, "height" INTEGER,
        "analyzed" INTEGER NOT NULL DEFAULT 0, "content_hash" TEXT, "perceptual_hash" TEXT,
        "score" INTEGER,
        "is_selected" INTEGER NOT NULL DEFAULT 0, "is_rejected" INTEGER NOT NULL DEFAULT 0,
        "is_downloaded" INTEGER NOT NULL DEFAULT 0,
        "fetched_at" TEXT NOT NULL, "selected_at" TEXT, "selected_by" TEXT)""",
    'CREATE INDEX "provider_assets_fetched_at" ON "provider_assets" ("fetched_at")',
    'CREATE UNIQUE INDEX "provider_assets_entity_type_entity_id_asset_type_provider_url" '
    'ON "provider_assets" ("entity_type", "entity_id", "asset_type", "provider_url")',
    'CREATE INDEX "provider_assets_entity_type_entity_id" ON "provider_assets" ("entity_type", "entity_id")',
    'CREATE INDEX "provider_assets_entity_type_entity_id_asset_type" '
    'ON "provider_assets" ("entity_type", "entity_id", "asset_type")',
    """CREATE TABLE "entity_enrichment_log" (
        "id" INTEGER NOT NULL PRIMARY KEY, "entity_type" TEXT NOT NULL, "entity_id" INTEGER NOT NULL,
        "enrichment_mode" TEXT NOT NULL, "providers" TEXT NOT NULL, "changed_fields" TEXT,
        "requires_player_sync" INTEGER NOT NULL DEFAULT 0, "sync_reason" TEXT,
        "enriched_at" TEXT NOT NULL)""",
    'CREATE INDEX "entity_enrichment_log_enriched_at" ON "entity_enrichment_log" ("enriched_at")',
    'CREATE INDEX "entity_enrichment_log_entity_type_entity_id" '
    'ON "entity_enrichment_log" ("entity_type", "entity_id")',
)


def _execute(db: pw.SqliteDatabase, sql: str) -> sqlite3.Cursor:
    return execute(db, sql)


def _v1_initial_schema(db: pw.SqliteDatabase) -> None:
    """The library, provider configuration, rate-limit state, cache, assets and enrichment log."""
    for statement in _V1_TABLES:
        _execute(db, statement)


_PLAYER_TABLES = (
    """CREATE TABLE "players" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "kind" TEXT NOT NULL CHECK ("kind" IN ('kodi', 'jellyfin', 'plex')),
        "name" TEXT NOT NULL, "url" TEXT NOT NULL, "username" TEXT,
        "enabled" INTEGER NOT NULL DEFAULT 1, "path_mappings" TEXT NOT NULL DEFAULT '[]',
        "last_sync_at" TEXT, "last_error" TEXT,
        "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL)""",
    """CREATE TABLE "player_sync_queue" (
        "id" INTEGER NOT NULL PRIMARY KEY,
        "player_id" INTEGER NOT NULL REFERENCES "players" ("id") ON DELETE CASCADE,
        "movie_id" INTEGER NOT NULL,
        "state" TEXT NOT NULL CHECK ("state" IN ('pending', 'deferred', 'synced', 'failed', 'not_found')),
        "reason" TEXT, "action" TEXT, "error" TEXT, "attempts" INTEGER NOT NULL DEFAULT 0,
        "queued_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL, "synced_at" TEXT)""",
    'CREATE UNIQUE INDEX "player_sync_queue_player_id_movie_id" '
    'ON "player_sync_queue" ("player_id", "movie_id")',
    'CREATE INDEX "player_sync_queue_movie_id" ON "player_sync_queue" ("movie_id")',
    'CREATE INDEX "player_sync_queue_state" ON "player_sync_queue" ("state")',
)


def _v_players(db: pw.SqliteDatabase) -> None:
    """Media players (credentials live with the secrets) and the queue of syncs owed to them."""
    for statement in _PLAYER_TABLES:
        _execute(db, statement)


_PUBLISH_TABLES = (
    """CREATE TABLE "published_files" (
        "id" INTEGER NOT NULL PRIMARY KEY, "entity_type" TEXT NOT NULL, "entity_id" INTEGER NOT NULL,
        "path" TEXT NOT NULL, "kind" TEXT NOT NULL, "sha256" TEXT NOT NULL, "size" INTEGER NOT NULL,
        "asset_id" INTEGER, "written_at" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "published_files_path" ON "published_files" ("path")',
    'CREATE INDEX "published_files_entity_type_entity_id" ON "published_files" ("entity_type", "entity_id")',
    """CREATE TABLE "publish_state" (
        "id" INTEGER NOT NULL PRIMARY KEY, "entity_type" TEXT NOT NULL, "entity_id" INTEGER NOT NULL,
        "published_at" TEXT NOT NULL, "status" TEXT NOT NULL, "error" TEXT)""",
    'CREATE UNIQUE INDEX "publish_state_entity_type_entity_id" '
    'ON "publish_state" ("entity_type", "entity_id")',
)


def _v_publish_ledger(db: pw.SqliteDatabase) -> None:
    """Library files: the ledger of every file Metarr wrote next to a movie, and each movie's last
    publish (for `metarr publish --pending`)."""
    for statement in _PUBLISH_TABLES:
        _execute(db, statement)


_LIBRARY_FOLDERS = (
    'ALTER TABLE "movies" ADD COLUMN "missing" INTEGER NOT NULL DEFAULT 0',
    'ALTER TABLE "movies" ADD COLUMN "edition" TEXT',
    'CREATE INDEX "movies_path" ON "movies" ("path")',
)


def _v_library_folders(db: pw.SqliteDatabase) -> None:
    """The library as folders: a movie whose folder is gone is marked missing (never deleted), and a
    film's edition (Director's Cut, ...) is recorded, so two editions are two entries, not duplicates;
    the path is indexed for rescans."""
    for statement in _LIBRARY_FOLDERS:
        _execute(db, statement)


def _v_field_source_language(db: pw.SqliteDatabase) -> None:
    """The language of each field's value (languages and regions): a BCP 47 tag, NULL when unknown."""
    _execute(db, 'ALTER TABLE "field_sources" ADD COLUMN "language" TEXT')


def _v_outline_follows_plot(db: pw.SqliteDatabase) -> None:
    """The outline's shipped authority was OMDb's alone, and OMDb answers in English only: a stored
    override that is still exactly that default falls back like the plot (TMDB, then OMDb). An
    override the user changed is left as it is."""
    _execute(
        db,
        'UPDATE "field_authorities" SET "providers" = \'["tmdb","omdb"]\', "exclusive" = 0 '
        'WHERE "field_name" = \'outline\' AND "providers" = \'["omdb"]\' AND "exclusive" = 1',
    )


_PUBLISH_FILE_STATE = (
    'ALTER TABLE "published_files" ADD COLUMN "mtime_ns" INTEGER',
    'ALTER TABLE "published_files" ADD COLUMN "source" TEXT',
)


def _v_published_file_state(db: pw.SqliteDatabase) -> None:
    """What lets a publish skip an unchanged file without reading it: the file's modification time
    (with its size) as last verified against the hash, and a hash of what an NFO was built from."""
    for statement in _PUBLISH_FILE_STATE:
        _execute(db, statement)


def _v_identification_decision(db: pw.SqliteDatabase) -> None:
    """Each movie's latest identification decision (status, reason, the `why`, when), as JSON, so the
    movie page can say why it was matched, or why it needs identification, after a restart and for
    movies identified by `metarr identify` or the schedule. NULL until the movie is identified."""
    _execute(db, 'ALTER TABLE "movies" ADD COLUMN "identification" TEXT')


def _v_movie_ids_never_reused(db: pw.SqliteDatabase) -> None:
    """A removed movie's id is never given to another movie: scripts keep ids, and `metarr enrich 14`
    must not reach a different film after movie 14 was removed. SQLite gives a deleted highest id
    again unless the table says AUTOINCREMENT, which only a new table can say: the table is built
    again from its own definition with that word, and its rows (ids included) and indexes are kept."""
    key = '"id" INTEGER NOT NULL PRIMARY KEY'
    schema = "SELECT sql FROM sqlite_master WHERE tbl_name = 'movies' AND sql IS NOT NULL AND type = "
    (definition,) = _execute(db, schema + "'table'").fetchone()
    if key not in definition:
        raise RuntimeError("the movies table is not the one this step rebuilds")
    indexes = [sql for (sql,) in _execute(db, schema + "'index'").fetchall()]
    columns = ", ".join(f'"{row[1]}"' for row in _execute(db, 'PRAGMA table_info("movies")').fetchall())
    rebuilt = definition.replace('CREATE TABLE "movies"', 'CREATE TABLE "movies_rebuilt"', 1)
    _execute(db, rebuilt.replace(key, f"{key} AUTOINCREMENT", 1))
    _execute(db, f'INSERT INTO "movies_rebuilt" ({columns}) SELECT {columns} FROM "movies"')
    _execute(db, 'DROP TABLE "movies"')
    _execute(db, 'ALTER TABLE "movies_rebuilt" RENAME TO "movies"')
    for sql in indexes:
        _execute(db, sql)


#: Step N takes the schema from version N-1 to N. Append new steps; never edit a released one.
MIGRATIONS: tuple[Callable[[pw.SqliteDatabase], None], ...] = (
    _v1_initial_schema,
    _v_players,
    _v_publish_ledger,
    _v_library_folders,
    _v_field_source_language,
    _v_outline_follows_plot,
    _v_published_file_state,
    _v_identification_decision,
    _v_movie_ids_never_reused,
)
LATEST_VERSION = len(MIGRATIONS)


class NewerSchemaError(RuntimeError):
    """The database was written by a newer Metarr Desktop than this one."""


def schema_version(db: pw.SqliteDatabase) -> int:
    row = _execute(db, "PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(db: pw.SqliteDatabase, target: int = LATEST_VERSION) -> list[int]:
    """Apply every step from the current version up to `target`; return the versions applied."""
    current = schema_version(db)
    if current > LATEST_VERSION:
        raise NewerSchemaError(
            f"the database has schema version {current}, newer than this program's {LATEST_VERSION}"
        )
    applied: list[int] = []
    for version in range(current + 1, target + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            _execute(db, f"PRAGMA user_version = {version:d}")
        applied.append(version)
    return applied
