"""A real profile database on a temporary folder for the library and schedule tests (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.services.library import LibraryService
from metarr_desktop.store.config import SettingsRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


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
