"""The library's use cases composed over an open `AppServices`: library, identification,
enrichment and the daily schedule, as the window and the `metarr` commands use them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.engine.identify import Identifier
from metarr_desktop.services.assets import AssetService
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.enrichment import EnrichmentService
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.identification import IdentificationService
from metarr_desktop.services.inspect import InspectService
from metarr_desktop.services.library import LibraryService
from metarr_desktop.services.preview import PreviewService
from metarr_desktop.services.provider_cache import CacheStats
from metarr_desktop.services.publish import MovieStatus
from metarr_desktop.services.publish import PublishService
from metarr_desktop.services.schedule import DailySchedule
from metarr_desktop.services.settings import SettingsService
from metarr_desktop.services.settings import language_policy
from metarr_desktop.services.undo import UndoService

#: What the daily schedule runs: every movie, auto mode (unmonitored skipped), background priority,
#: through the cache.
SCHEDULED = EnrichOptions(mode=Mode.AUTO, priority=Priority.BACKGROUND, force=False)


@dataclass
class LibrarySuite:
    """Attributes:
    library: add, scan, list, (un)monitor.
    identification: automated identification, the user's choice, search.
    enrichment: enrich one movie, some, or all.
    schedule: the daily enrich-all.
    inspect, preview, undo: why each field holds its value; a refresh previewed, then accepted;
        the latest refresh undone.
    assets: a movie's cached artwork candidates: list, suggest, select, reject, restore.
    """

    app: AppServices
    library: LibraryService
    identification: IdentificationService
    enrichment: EnrichmentService
    schedule: DailySchedule
    inspect: InspectService
    preview: PreviewService
    undo: UndoService
    assets: AssetService

    @property
    def profile_root(self) -> Path:
        """The profile folder (the window keeps its own settings file there)."""
        return self.app.profile.root

    # -- what the window reads of the application services (it never holds `app` itself) ---------

    @property
    def user_settings(self) -> SettingsService:
        """The user settings (language and region, library files, ...)."""
        return self.app.user_settings

    @property
    def publish(self) -> PublishService:
        """Library files: the NFO and artwork written next to each movie."""
        return self.app.publish

    @property
    def cache_stats(self) -> CacheStats:
        """The provider cache's counters of this session."""
        return self.app.cache.stats

    def find_movie(self, movie_id: int) -> MovieRecord | None:
        """The movie, or None when there is no such id (a movie removed meanwhile)."""
        return self.app.movies.get(movie_id)

    def provider_names(self) -> dict[str, str]:
        """provider id -> its display name."""
        return self.app.providers.names()

    @classmethod
    def create(cls, app: AppServices) -> LibrarySuite:
        def policy() -> LanguagePolicy:
            return language_policy(app.user_settings)

        store = app.library_store
        identification = IdentificationService(Identifier(app.orchestrator, policy), store, app.cache)
        enrichment = EnrichmentService(
            store,
            cache=app.cache,
            orchestrator=app.orchestrator,
            identification=identification,
            authority=app.authority.get,
            language_policy=policy,
        )

        async def publish_after(result: EnrichResult) -> object:
            # The library-files hook: a change players show is written next to the movie when the
            # user turned publishing (and publish.after_enrichment) on; then the players are told
            # about that movie (when publishing is off they still rescan it from their own data).
            # A preview changed nothing: no file is written and no player told.
            sync = (
                result.status is Status.ENRICHED
                and result.changes.requires_player_sync
                and not result.preview
            )
            published = await app.publish.after_enrich(result.movie_id, sync)
            if sync and (published is None or published.status is not MovieStatus.FAILED):
                await app.players.notify(result.movie_id, result.changes)
            return published

        enrichment.after_enrich.append(publish_after)

        async def daily() -> EnrichReport:
            return await enrichment.enrich_all(SCHEDULED)

        async def retry_due() -> Any:
            due = enrichment.due_for_retry()
            return await enrichment.enrich_many(due, SCHEDULED) if due else None

        schedule = DailySchedule(daily, app.settings, app.clock, retry=retry_due)
        inspect = InspectService(
            store,
            cache=app.cache,
            pool=app.pool,
            authority=app.authority,
            languages=lambda: tuple(language_policy(app.user_settings).chain()),
        )

        async def republish(movie_id: int) -> dict[str, Any] | None:
            # An undone refresh rewrites the movie's library files only when they were published:
            # the ledger holds a file Metarr wrote (or adopted) for it, or a publish of it ran.
            published = app.publish.has_published(movie_id)
            if not published and app.publish.ledger.last_published(movie_id) is None:
                return None
            return (await app.publish.publish_one(movie_id)).to_json()

        undo = UndoService(store, republish=republish)
        return cls(
            app=app,
            library=LibraryService(app.database, app.movies),
            identification=identification,
            enrichment=enrichment,
            schedule=schedule,
            inspect=inspect,
            preview=PreviewService(enrichment),
            undo=undo,
            assets=AssetService.for_app(app),
        )
