"""The merge-and-write step of an enrichment: the answers merged under the field-authority rules,
then the ONE transaction that writes what changed (fields, sources, identity, incomplete markers,
the log entry and the fetched answers into the cache). Nothing in it awaits, so concurrent
enrichments never interleave inside it and an interruption never leaves half of it written."""

from __future__ import annotations

import logging
from datetime import timedelta

from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.core.languages import country_rank
from metarr_desktop.core.languages import format_certification
from metarr_desktop.core.merge import MergeResult
from metarr_desktop.core.merge import aggregate
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.records import EnrichmentLogRecord
from metarr_desktop.core.records import FieldSourceRecord
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.results import ProviderResults
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.services.enrichment.results import EnrichOptions
from metarr_desktop.services.enrichment.results import EnrichResult
from metarr_desktop.services.enrichment.results import Mode
from metarr_desktop.services.identification import IdentificationService
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.library_store import LibraryStore
from metarr_desktop.services.provider_cache import ProviderCacheManager

log = logging.getLogger(__name__)

MOVIE = EntityType.MOVIE

#: When a provider failed in a way a retry may fix (not a rate limit, which has its own reset time),
#: the movie is marked incomplete for it and retried after this long.
RETRY_AFTER_FAILURE = timedelta(hours=1)


def _provider(source: FieldSourceRecord | None) -> str | None:
    return source.provider if source is not None else None


def merge_answers(
    answers: dict[str, ProviderData], authority: FieldAuthorityConfig, policy: LanguagePolicy
) -> MergeResult:
    """`core.merge.aggregate` with the language rule, then the certification in
    the user's style (`policy`: the language settings the answers were asked with)."""
    original = next(
        (d.languages["original_title"] for d in answers.values() if d.languages.get("original_title")),
        None,
    )
    merged = aggregate(
        {p: data.fields for p, data in answers.items()},
        authority,
        languages={p: data.languages for p, data in answers.items()},
        chain=policy.chain(original),
    )
    # The certification: the first country of the user's list wins across providers (OMDb's
    # Rated is US), then the field-authority order; written in the user's style.
    rated = [
        p
        for p in authority.providers_for("content_rating")
        if p in answers and isinstance(answers[p].fields.get("content_rating"), str)
    ]
    if rated:
        countries = policy.certification_countries
        best = min(rated, key=lambda p: country_rank(countries, answers[p].certification_country))
        data = answers[best]
        merged.sources["content_rating"] = best
        merged.values["content_rating"] = format_certification(
            str(data.fields["content_rating"]), data.certification_country, policy.certification_style
        )
    return merged


class EnrichmentWriter:
    """Writes one enrichment's outcome (`EnrichmentService` builds one and calls it with what the
    providers answered)."""

    def __init__(
        self,
        store: LibraryStore,
        *,
        cache: ProviderCacheManager,
        identification: IdentificationService,
        pool: ProviderPool,
    ) -> None:
        self._store = store
        self._cache = cache
        self._identification = identification
        self._pool = pool

    def mark_for_retry(self, movie: MovieRecord, result: EnrichResult) -> None:
        """A movie that could not be identified because providers could not answer now is asked
        again after their reset (`due_for_retry`); the next automatic run tries it anyway."""
        now = self._store.clock.now()
        retry = [
            *result.rate_limited,
            *result.timed_out,
            *(f.provider for f in result.failed if f.retryable),
        ]
        if not retry:
            return
        try:
            with self._store.database.atomic():
                for provider in retry:
                    at = self._pool.retry_at(provider, now, after_failure=RETRY_AFTER_FAILURE)
                    self._store.movies.set_incomplete(movie.id, provider, at)
        except StoreError as exc:
            exc.log(log, "movie %s: its retry could not be noted (%s)", movie.id, exc.reason)

    def commit(
        self,
        movie: MovieRecord,
        options: EnrichOptions,
        result: EnrichResult,
        merged: MergeResult,
        locked: set[str],
        used: list[str],
        answered: set[str],
        identification: IdentifyResult | None,
        fetched: ProviderResults | None,
        ids: ExternalIds,
    ) -> None:
        """The one transaction of an enrichment (no await inside: nothing can interleave).

        An automatic run answered entirely from the cache that changes nothing writes nothing: the
        movie's `last_enriched_at` keeps the time its data was last fetched, and the history gets no
        no-op entry (the daily run over a large library would otherwise add one row per movie per
        day). A manual refresh is always recorded: the user asked, and the history shows it.
        """
        movie_id = movie.id
        now = self._store.clock.now()
        values = {change.field: change.new for change in result.changes.changed_fields}
        current_sources = self._store.movies.field_sources(movie_id)
        sources = {
            name: provider
            for name, provider in merged.sources.items()
            if name not in locked
            and (
                name in values
                or name not in current_sources
                or current_sources[name].provider != provider
                or current_sources[name].language != merged.languages.get(name)
            )
        }
        nothing_new = (
            options.mode is Mode.AUTO
            and identification is None
            and fetched is None
            and not values
            and not sources
            and not (result.rate_limited or result.timed_out or result.failed)
            and not (answered & set(movie.incomplete_providers))
        )
        if nothing_new:
            return
        with self._store.database.atomic():
            if identification is not None:
                self._identification.commit(identification)
            if values or sources:
                self._store.movies.set_fields(
                    movie_id, values, sources, fetched_at=now, languages=merged.languages
                )
            # "Last enriched … from X" names the providers that answered (now, or fresh from the
            # cache), never a stand-in for one that failed.
            self._store.movies.mark_enriched(movie_id, now, [p for p in used if p in answered])
            for provider in result.rate_limited:
                at = self._pool.retry_at(provider, now, after_failure=RETRY_AFTER_FAILURE)
                self._store.movies.set_incomplete(movie_id, provider, at)
            for provider in result.timed_out:
                self._store.movies.set_incomplete(movie_id, provider, now + RETRY_AFTER_FAILURE)
            for failure in result.failed:
                if failure.retryable and failure.provider not in {*result.providers, *result.rate_limited}:
                    self._store.movies.set_incomplete(movie_id, failure.provider, now + RETRY_AFTER_FAILURE)
            for provider in sorted(answered & set(movie.incomplete_providers)):
                self._store.movies.clear_incomplete(movie_id, provider)
            self._store.enrichment_log.append(
                EnrichmentLogRecord(
                    entity_type=MOVIE.value,
                    entity_id=movie_id,
                    mode=options.mode.value,
                    providers=used,
                    changed_fields=[
                        # The old source too, so that an undo restores it (`services.undo`).
                        {**change.to_json(), "old_source": _provider(current_sources.get(change.field))}
                        for change in result.changes.changed_fields
                    ],
                    requires_player_sync=result.changes.requires_player_sync,
                    sync_reason=result.changes.sync_reason,
                    enriched_at=now,
                )
            )
            if fetched is not None and (fetched.completed or fetched.not_found):
                self._cache.save(MOVIE, movie_id, ids, fetched)

    def commit_preview(
        self,
        movie_id: int,
        identification: IdentifyResult | None,
        fetched: ProviderResults | None,
        ids: ExternalIds,
    ) -> None:
        """What a preview writes: no field, but the answers fetched (into the cache) and, for a movie
        that was identified on the way, its identity (ids and status, as Identify stores them), so
        that accepting the preview needs no request."""
        with self._store.database.atomic():
            if identification is not None:
                self._identification.commit(identification)
            if fetched is not None and (fetched.completed or fetched.not_found):
                self._cache.save(MOVIE, movie_id, ids, fetched)
