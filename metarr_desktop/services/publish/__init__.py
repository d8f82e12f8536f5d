"""Library files: the NFO and artwork Metarr writes next to each movie (CONTRACT.md, "Library files").

`create_publish_service` builds the `PublishService` from the application's parts and the
``publish.*`` settings (read at each publish, so a changed setting applies to the next one).
"""

from __future__ import annotations

from pathlib import Path

from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.services.publish.options import PublishOptions
from metarr_desktop.services.publish.options import options_from_settings
from metarr_desktop.services.publish.service import FileResult
from metarr_desktop.services.publish.service import ImageFetcher
from metarr_desktop.services.publish.service import MovieResult
from metarr_desktop.services.publish.service import MovieStatus
from metarr_desktop.services.publish.service import PublishReport
from metarr_desktop.services.publish.service import PublishService
from metarr_desktop.services.settings import SettingsService
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.publish import PublishLedger


def create_publish_service(
    *,
    movies: MovieRepository,
    assets: AssetRepository,
    ledger: PublishLedger,
    orchestrator: FetchOrchestrator,
    cache_dir: Path,
    settings: SettingsService,
) -> PublishService:
    return PublishService(
        movies=movies,
        assets=assets,
        ledger=ledger,
        fetcher=ImageFetcher(orchestrator, cache_dir),
        settings=settings,
    )


__all__ = [
    "FileResult",
    "MovieResult",
    "MovieStatus",
    "PublishOptions",
    "PublishReport",
    "PublishService",
    "create_publish_service",
    "options_from_settings",
]
