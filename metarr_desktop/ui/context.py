"""What the window is given: the services it binds to, the engine's provider pool and the job tracker.

The composition root (``metarr_desktop/app.py``) builds a `UiContext` from the application's services;
tests build one over a temporary database. Pages never reach past these objects into the store.
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.services.config import FieldAuthorityService
from metarr_desktop.services.config import ProviderConfigService
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.jobs import JobTracker
from metarr_desktop.services.library import LibraryService
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.players.service import PlayerSyncService
from metarr_desktop.services.settings import language_policy
from metarr_desktop.ui.common.images import ImageLoader


@dataclass
class UiContext:
    """Everything the pages use.

    Attributes:
        providers: provider configuration (list, update, reorder, test a key, health).
        authority: the field-authority configuration.
        pool: the engine's providers (health snapshots are pushed from here).
        orchestrator: runs provider operations (for jobs started from the window).
        jobs: running and recent jobs.
        clock: the time source (relative times on the health cards).
        library: the library service (None shows the library page's explanation instead).
        suite: the library's use cases (identification, enrichment, assets); None in window tests
            that need only the provider pages.
        images: posters and thumbnails by URL (disk-cached); None shows placeholders.
        players: the media players and their sync queue (None: no Players page data).
        messages: start-up warnings for the user (e.g. keys stored unencrypted).
        aclose: closes the lower layers (HTTP clients, database) at shutdown.
    """

    providers: ProviderConfigService
    authority: FieldAuthorityService
    pool: ProviderPool
    orchestrator: FetchOrchestrator
    jobs: JobTracker
    clock: Clock
    library: LibraryService | None = None
    suite: LibrarySuite | None = None
    images: ImageLoader | None = None
    players: PlayerSyncService | None = None
    messages: list[str] = field(default_factory=list)
    aclose: Callable[[], Awaitable[None]] | None = None

    @classmethod
    def from_services(
        cls,
        services: AppServices,
        *,
        messages: list[str] | None = None,
        images: ImageLoader | None = None,
    ) -> UiContext:
        """The window's view of the open application services."""
        suite = LibrarySuite.create(services)
        notes = list(messages or [])
        notes.extend(services.warnings)
        if services.secrets.warning:
            notes.append(services.secrets.warning)
        return cls(
            providers=services.providers,
            authority=services.authority,
            pool=services.pool,
            orchestrator=services.orchestrator,
            jobs=JobTracker(services.clock),
            clock=services.clock,
            library=suite.library,
            suite=suite,
            images=images,
            players=services.players,
            messages=notes,
            aclose=services.aclose,
        )

    def provider_names(self) -> dict[str, str]:
        return self.providers.names()

    def language_policy(self) -> LanguagePolicy:
        """The user's "Language and region" settings (defaults without the application services)."""
        if self.suite is None:
            return LanguagePolicy()
        return language_policy(self.suite.user_settings)
