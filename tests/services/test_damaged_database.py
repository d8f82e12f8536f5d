"""A profile whose database cannot be used: the application does not open, and the file is left as
it was, until the user chooses to set it aside and start a new library."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from metarr_desktop.core.errors import DamagedDatabaseError
from tests.helpers.damaged import random_bytes
from tests.helpers.damaged import snapshot
from tests.helpers.damaged import truncated_database
from tests.helpers.fixtures import Opener


@pytest.mark.parametrize("spoil", [random_bytes, truncated_database])
async def test_the_app_opens_on_a_damaged_database_only_when_the_user_sets_it_aside(
    tmp_path: Path, open_services: Opener, spoil: Callable[[Path], None]
) -> None:
    database = tmp_path / "profile" / "metarr.sqlite3"
    spoil(database)
    before = snapshot(database.parent)
    with pytest.raises(DamagedDatabaseError) as refused:
        open_services()
    assert refused.value.path == database
    assert snapshot(database.parent) == before
    services = open_services(set_aside_damaged=True)
    [warning] = services.warnings
    assert "could not be used" in warning and "moved to" in warning
    assert services.movies.all() == []
    [backup] = database.parent.glob("metarr.sqlite3.corrupt-*")
    assert backup.read_bytes() == before["metarr.sqlite3"]
