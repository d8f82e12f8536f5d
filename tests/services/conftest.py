"""Fixtures of the service tests: the app opened on a temporary profile with fake providers, and
the library scan's bare database.

Time is a `VirtualClock` (nothing sleeps for real), the network is `FakeServices` behind an
`httpx.MockTransport`, and keys go to an in-memory keyring.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.providers.registry import ProviderRegistry
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.library import LibraryService
from metarr_desktop.store.config import SettingsRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import fake_registry
from tests.helpers.fixtures import Opener


@pytest.fixture
async def open_services(
    tmp_path: Path, clock: VirtualClock, fake_providers: FakeServices, keyring_backend: MemoryKeyring
) -> AsyncIterator[Opener]:
    """Open the app on the test's profile (again after closing it: a restart); all closed at the end."""
    opened: list[AppServices] = []

    def opener(registry: ProviderRegistry | None = None, **overrides: Any) -> AppServices:
        arguments: dict[str, Any] = {
            "clock": clock,
            "transport": fake_providers.transport,
            "registry": registry or fake_registry(),
            "keyring_backend": keyring_backend,
        }
        arguments.update(overrides)
        services = AppServices.open(tmp_path / "profile", **arguments)
        opened.append(services)
        return services

    yield opener
    for services in opened:
        await services.aclose()


@pytest.fixture
async def services(open_services: Opener) -> AppServices:
    return open_services()


# The library scan's fixtures (were tests/services_enrichment): one database, no AppServices.


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "metarr.sqlite3")
    yield database
    database.close()


@pytest.fixture
def movies(database: Database, clock: VirtualClock) -> MovieRepository:
    return MovieRepository(database, clock)


@pytest.fixture
def library(database: Database, movies: MovieRepository) -> LibraryService:
    return LibraryService(database, movies)


@pytest.fixture
def settings(database: Database, clock: VirtualClock) -> SettingsRepository:
    return SettingsRepository(clock)
