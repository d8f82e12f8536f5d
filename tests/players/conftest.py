"""Fixtures of the player tests: an app on a temporary profile with a virtual clock, whose players
are the sandbox's fake Kodi, Jellyfin and Plex reached through an in-memory transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox.players import FakeMovie
from metarr_desktop.sandbox.players import JellyfinFake
from metarr_desktop.sandbox.players import KodiFake
from metarr_desktop.sandbox.players import PlexFake
from metarr_desktop.services.context import AppServices
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.players import JELLYFIN_TOKEN
from tests.helpers.players import KODI_PASSWORD
from tests.helpers.players import PLEX_TOKEN
from tests.helpers.players import Fakes
from tests.helpers.players import Movies
from tests.helpers.players import open_app


@pytest.fixture
def fakes() -> Fakes:
    kodi = KodiFake(
        [
            FakeMovie(
                "Alien", "smb://nas/media/Movies/Alien (1979)/Alien (1979).mkv", "tt0078748", 348, 1979
            ),
            FakeMovie("Brazil", "smb://nas/old/Brazil.avi", "tt0088846", 68, 1985),
        ],
        username="kodi",
        password=KODI_PASSWORD,
    )
    jellyfin = JellyfinFake(
        [
            FakeMovie("Alien", "/media/movies/Alien (1979)/Alien (1979).mkv", "tt0078748", 348, 1979),
            FakeMovie("Brazil", "/media/old/Brazil.avi", "tt0088846", 68, 1985),
        ],
        token=JELLYFIN_TOKEN,
    )
    plex = PlexFake(token=PLEX_TOKEN, sections={"1": ("Movies", ["/data/movies"]), "2": ("Shows", [])})
    return Fakes(kodi, jellyfin, plex)


@pytest.fixture
async def app(
    tmp_path: Path, fakes: Fakes, clock: VirtualClock, keyring_backend: MemoryKeyring
) -> AsyncIterator[AppServices]:
    services = open_app(tmp_path / "profile", fakes, clock, keyring_backend)
    try:
        yield services
    finally:
        await services.aclose()


@pytest.fixture
def movies(app: AppServices) -> Movies:
    add = app.movies.add
    return Movies(
        alien=add(
            "Alien", year=1979, ids=ExternalIds(imdb="tt0078748"), path="/mnt/media/Movies/Alien (1979)"
        ).id,
        heat=add(
            "Heat", year=1995, ids=ExternalIds(imdb="tt0113277"), path="/mnt/media/Movies/Heat (1995)"
        ).id,
        brazil=add(
            "Brazil",
            year=1985,
            ids=ExternalIds(imdb="tt0088846"),
            path="/mnt/media/Movies/Brazil (1985)/Brazil.mkv",
        ).id,
        nowhere=add("Nowhere", year=2001).id,
    )
