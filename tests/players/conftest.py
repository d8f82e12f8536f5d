"""Fixtures of the player tests: an app on a temporary profile with a virtual clock, whose players
are the sandbox's fake Kodi, Jellyfin and Plex reached through an in-memory transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox.players import FakeMovie, JellyfinFake, KodiFake, PlexFake
from metarr_desktop.sandbox.players.transport import fakes_transport
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.players import PlayerChange
from tests.helpers.fake_keyring import MemoryKeyring

KODI_URL = "http://kodi.test:8080"
JELLYFIN_URL = "http://jellyfin.test:8096"
PLEX_URL = "http://plex.test:32400"
KODI_PASSWORD = "correct horse battery"
JELLYFIN_TOKEN = "0123456789abcdef0123456789abcdef"
PLEX_TOKEN = "plex-token-abcdefgh"


@dataclass
class Fakes:
    kodi: KodiFake
    jellyfin: JellyfinFake
    plex: PlexFake


@dataclass
class Movies:
    alien: int  # every player has it at its mapped path
    heat: int  # new: in a mapped folder, no player has it yet
    brazil: int  # the players have it, elsewhere than its mapped path (found by IMDb id)
    nowhere: int  # no path, no id: nothing to tell any player


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


def open_app(profile: Path, fakes: Fakes, clock: VirtualClock, keyring: MemoryKeyring) -> AppServices:
    transport = fakes_transport({KODI_URL: fakes.kodi, JELLYFIN_URL: fakes.jellyfin, PLEX_URL: fakes.plex})
    return AppServices.open(profile, clock=clock, transport=transport, keyring_backend=keyring)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
async def app(
    tmp_path: Path, fakes: Fakes, clock: VirtualClock, keyring: MemoryKeyring
) -> AsyncIterator[AppServices]:
    services = open_app(tmp_path / "profile", fakes, clock, keyring)
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


async def add_kodi(app: AppServices, password: str = KODI_PASSWORD) -> int:
    view = await app.players.add(
        "kodi",
        PlayerChange(
            name="Living room",
            url=KODI_URL,
            username="kodi",
            secret=password,
            path_mappings=["/mnt/media=smb://nas/media/"],
        ),
    )
    return view.id


async def add_jellyfin(app: AppServices, token: str = JELLYFIN_TOKEN) -> int:
    view = await app.players.add(
        "jellyfin",
        PlayerChange(
            name="Jellyfin", url=JELLYFIN_URL, secret=token, path_mappings=["/mnt/media/Movies=/media/movies"]
        ),
    )
    return view.id


async def add_plex(app: AppServices, token: str = PLEX_TOKEN) -> int:
    view = await app.players.add(
        "plex",
        PlayerChange(
            name="Plex", url=PLEX_URL, secret=token, path_mappings=["/mnt/media/Movies=/data/movies"]
        ),
    )
    return view.id
