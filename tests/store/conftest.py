"""Fixtures of the store tests: a fresh database in a temporary profile, and a virtual clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from metarr_desktop.store.database import Database


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "metarr.sqlite3"


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    opened = Database.open(db_path)
    yield opened
    opened.close()
