"""The peewee models: one class per table of `store.migrations` (documents 3 and 5).

The models are bound to `database_proxy`, which `store.database.Database.open` points at the open
database: one database is open per process (the profile's). The tables themselves are created by the
numbered migration steps, never by `create_tables`, so that the schema has one history; a test checks
that the models and the migrated schema agree column by column.

Entity-scoped tables (field sources, locks, the cache, assets, the enrichment log) are keyed by
``(entity_type, entity_id)`` rather than a foreign key to `movies`, so that TV series and music use
the same tables (spec/README.md, decision 6).
"""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime
from typing import Any

import peewee as pw

database_proxy = pw.DatabaseProxy()


class UtcDateTimeField(pw.TextField):
    """A timezone-aware UTC datetime stored as ISO 8601 text with microseconds and ``+00:00``.

    Hand-written because peewee's DateTimeField stores naive datetimes; one fixed format also keeps
    SQL comparisons (``fetched_at >= ?``) correct as plain text comparisons.
    """

    def db_value(self, value: Any) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            return value.astimezone(UTC).isoformat(timespec="microseconds")
        return value

    def python_value(self, value: Any) -> Any:
        if value is None or isinstance(value, datetime):
            return value
        parsed = datetime.fromisoformat(str(value))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class JsonField(pw.TextField):
    """Any JSON value stored as compact text (lists and objects of canonical fields, settings).

    Hand-written rather than peewee's JSONField, which wraps values in SQLite's json() function: we
    only store and load whole documents, and plain text keeps every row readable by any SQLite tool.
    """

    def db_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def python_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.loads(value)


class LenientJsonField(JsonField):
    """A JSON column whose damaged value reads as None instead of failing the whole row: for
    explanatory data (the latest identification decision) that must never hide its movie."""

    def python_value(self, value: Any) -> Any:
        try:
            return super().python_value(value)
        except ValueError:
            return None


class BaseModel(pw.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class EntityModel(BaseModel):
    """A row of an entity-scoped table: keyed by ``(entity_type, entity_id)``, not a foreign key."""

    id = pw.AutoField()
    entity_type = pw.TextField()
    entity_id = pw.IntegerField()

    @classmethod
    def of_entity(cls, entity_type: str, entity_id: int) -> Any:
        """The condition that picks one entity's rows."""
        return (cls.entity_type == entity_type) & (cls.entity_id == entity_id)


class EntityFieldModel(EntityModel):
    """A row about one field of one entity: at most one per entity and field."""

    field = pw.TextField()

    class Meta:
        indexes = ((("entity_type", "entity_id", "field"), True),)


class Movie(BaseModel):
    """A movie of the library: every canonical field, its ids, file path and enrichment state."""

    id = pw.AutoField()
    title = pw.TextField(default="")
    original_title = pw.TextField(null=True)
    sort_title = pw.TextField(null=True)
    plot = pw.TextField(null=True)
    outline = pw.TextField(null=True)
    tagline = pw.TextField(null=True)
    runtime = pw.IntegerField(null=True)
    release_date = pw.TextField(null=True)
    year = pw.IntegerField(null=True, index=True)
    content_rating = pw.TextField(null=True)
    genres = JsonField(null=True)
    cast = JsonField(null=True)
    directors = JsonField(null=True)
    writers = JsonField(null=True)
    studios = JsonField(null=True)
    countries = JsonField(null=True)
    languages = JsonField(null=True)
    collection = JsonField(null=True)
    trailer = pw.TextField(null=True)
    imdb_rating = pw.FloatField(null=True)
    imdb_votes = pw.IntegerField(null=True)
    tmdb_rating = pw.FloatField(null=True)
    tmdb_votes = pw.IntegerField(null=True)
    rotten_tomatoes_score = pw.IntegerField(null=True)
    metacritic_score = pw.IntegerField(null=True)
    awards = pw.TextField(null=True)
    poster = pw.TextField(null=True)
    fanart = pw.TextField(null=True)
    clearlogo = pw.TextField(null=True)
    clearart = pw.TextField(null=True)
    banner = pw.TextField(null=True)
    thumb = pw.TextField(null=True)
    disc = pw.TextField(null=True)
    tmdb_id = pw.IntegerField(null=True, index=True)
    imdb_id = pw.TextField(null=True, index=True)
    tvdb_id = pw.IntegerField(null=True, index=True)
    path = pw.TextField(null=True, index=True)
    monitored = pw.BooleanField(default=True)
    status = pw.TextField(default="unidentified")
    last_enriched_at = UtcDateTimeField(null=True)
    last_enriched_providers = JsonField(null=True)
    incomplete_providers = JsonField(null=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    missing = pw.BooleanField(default=False)
    edition = pw.TextField(null=True)
    identification = LenientJsonField(null=True)

    class Meta:
        table_name = "movies"


class FieldSource(EntityFieldModel):
    """Which provider supplied the current value of one field of one entity, and when."""

    provider = pw.TextField()
    fetched_at = UtcDateTimeField(null=True)
    #: the BCP 47 tag of the value's language, when the provider said
    language = pw.TextField(null=True)

    class Meta:
        table_name = "field_sources"


class FieldLock(EntityFieldModel):
    """A field the user locked: enrichment never changes it."""

    locked_at = UtcDateTimeField()

    class Meta:
        table_name = "field_locks"


class ProviderConfig(BaseModel):
    """What the user configured for one provider (the API key lives with the secrets, never here)."""

    id = pw.AutoField()
    provider_id = pw.TextField(unique=True)
    provider_name = pw.TextField()
    enabled = pw.BooleanField(default=True)
    priority_order = pw.IntegerField()
    base_url = pw.TextField()
    rate_limit_requests = pw.IntegerField(null=True)
    rate_limit_window_seconds = pw.FloatField(null=True)
    daily_quota = pw.IntegerField(null=True)
    user_timeout_s = pw.FloatField(null=True)
    background_timeout_s = pw.FloatField(null=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        table_name = "provider_config"


class FieldAuthorityRow(BaseModel):
    """One per-field override of the field-authority configuration."""

    id = pw.AutoField()
    field_name = pw.TextField(unique=True)
    providers = JsonField()
    exclusive = pw.BooleanField(default=False)
    created_at = UtcDateTimeField()

    class Meta:
        table_name = "field_authorities"


class Setting(BaseModel):
    """A named setting with a JSON value (global provider priority, fill-gaps, cache TTL...)."""

    key = pw.TextField(primary_key=True)
    value = JsonField(null=True)
    updated_at = UtcDateTimeField()

    class Meta:
        table_name = "settings"


class ProviderRateLimitState(BaseModel):
    """A provider's rate-limit state and engine runtime state, kept across restarts."""

    provider_id = pw.TextField(primary_key=True)
    exhausted_at = UtcDateTimeField(null=True)
    reset_at = UtcDateTimeField(null=True)
    consecutive_rate_limits = pw.IntegerField(default=0)
    requests_today = pw.IntegerField(default=0)
    runtime_state = pw.TextField(null=True)
    updated_at = UtcDateTimeField()

    class Meta:
        table_name = "provider_rate_limit_state"


class ProviderCacheEntry(EntityModel):
    """One provider's normalised answer for one entity (`ProviderData.to_json()`), or "not found"."""

    provider_id = pw.TextField()
    tmdb_id = pw.IntegerField(null=True, index=True)
    imdb_id = pw.TextField(null=True, index=True)
    tvdb_id = pw.IntegerField(null=True, index=True)
    asset_types = pw.TextField(null=True)
    status = pw.TextField()
    payload = pw.TextField(null=True)
    payload_version = pw.IntegerField()
    fetched_at = UtcDateTimeField(index=True)

    class Meta:
        table_name = "provider_cache"
        indexes = ((("entity_type", "entity_id", "provider_id"), True),)


class ProviderAsset(EntityModel):
    """An asset candidate offered for an entity, with its analysis and selection state (document 3)."""

    asset_type = pw.TextField()
    provider_name = pw.TextField()
    provider_url = pw.TextField()
    provider_metadata = JsonField(null=True)
    width = pw.IntegerField(null=True)
    height = pw.IntegerField(null=True)
    analyzed = pw.BooleanField(default=False)
    content_hash = pw.TextField(null=True)
    perceptual_hash = pw.TextField(null=True)
    score = pw.IntegerField(null=True)
    is_selected = pw.BooleanField(default=False)
    is_rejected = pw.BooleanField(default=False)
    is_downloaded = pw.BooleanField(default=False)
    fetched_at = UtcDateTimeField(index=True)
    selected_at = UtcDateTimeField(null=True)
    selected_by = pw.TextField(null=True)

    class Meta:
        table_name = "provider_assets"
        indexes = (
            (("entity_type", "entity_id", "asset_type", "provider_url"), True),
            (("entity_type", "entity_id"), False),
            (("entity_type", "entity_id", "asset_type"), False),
        )


class EnrichmentLogEntry(EntityModel):
    """One enrichment of one entity: mode, providers, what changed, whether players must resync."""

    enrichment_mode = pw.TextField()
    providers = JsonField()
    changed_fields = JsonField(null=True)
    requires_player_sync = pw.BooleanField(default=False)
    sync_reason = pw.TextField(null=True)
    enriched_at = UtcDateTimeField(index=True)

    class Meta:
        table_name = "entity_enrichment_log"
        indexes = ((("entity_type", "entity_id"), False),)


class Player(BaseModel):
    """A media player Metarr tells about changed movies (its password or token is in the secrets)."""

    id = pw.AutoField()
    kind = pw.TextField()
    name = pw.TextField()
    url = pw.TextField()
    username = pw.TextField(null=True)
    enabled = pw.BooleanField(default=True)
    path_mappings = JsonField(default=list)
    last_sync_at = UtcDateTimeField(null=True)
    last_error = pw.TextField(null=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    class Meta:
        table_name = "players"


class PlayerSyncEntry(BaseModel):
    """One movie owed to (or last synced with) one player: several changes are one row."""

    id = pw.AutoField()
    player_id = pw.IntegerField()  # REFERENCES players ON DELETE CASCADE (in the DDL)
    movie_id = pw.IntegerField(index=True)
    state = pw.TextField(index=True)
    reason = pw.TextField(null=True)
    action = pw.TextField(null=True)
    error = pw.TextField(null=True)
    attempts = pw.IntegerField(default=0)
    queued_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    synced_at = UtcDateTimeField(null=True)

    class Meta:
        table_name = "player_sync_queue"
        indexes = ((("player_id", "movie_id"), True),)


class PublishedFile(EntityModel):
    """A file Metarr wrote next to a movie (the publish ledger): what it wrote, when, and its hash,
    so a file the user changed since, or one Metarr never wrote, is left alone."""

    path = pw.TextField(unique=True)
    kind = pw.TextField()
    sha256 = pw.TextField()
    size = pw.IntegerField()
    asset_id = pw.IntegerField(null=True)
    written_at = UtcDateTimeField()
    mtime_ns = pw.IntegerField(null=True)
    source = pw.TextField(null=True)

    class Meta:
        table_name = "published_files"
        indexes = ((("entity_type", "entity_id"), False),)


class PublishState(EntityModel):
    """When an entity's library files were last published, and how that ended."""

    published_at = UtcDateTimeField()
    status = pw.TextField()
    error = pw.TextField(null=True)

    class Meta:
        table_name = "publish_state"
        indexes = ((("entity_type", "entity_id"), True),)


ALL_MODELS: tuple[type[BaseModel], ...] = (
    Movie,
    FieldSource,
    FieldLock,
    ProviderConfig,
    FieldAuthorityRow,
    Setting,
    ProviderRateLimitState,
    ProviderCacheEntry,
    ProviderAsset,
    EnrichmentLogEntry,
    Player,
    PlayerSyncEntry,
    PublishedFile,
    PublishState,
)
