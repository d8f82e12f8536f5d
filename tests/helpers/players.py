"""The players' test set-up (fake Kodi, Jellyfin and Plex, the movies they hold, adding a player),
shared by tests/players and tests/ui/players; the fixtures are in tests/players/conftest.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.sandbox.players import JellyfinFake
from metarr_desktop.sandbox.players import KodiFake
from metarr_desktop.sandbox.players import PlexFake
from metarr_desktop.sandbox.players.transport import fakes_transport
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.players.models import PlayerChange
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


def open_app(profile: Path, fakes: Fakes, clock: VirtualClock, keyring: MemoryKeyring) -> AppServices:
    transport = fakes_transport({KODI_URL: fakes.kodi, JELLYFIN_URL: fakes.jellyfin, PLEX_URL: fakes.plex})
    return AppServices.open(profile, clock=clock, transport=transport, keyring_backend=keyring)


#: What a user enters to add each fake player, but its secret (`add_player`).
PLAYER_SETTINGS: dict[str, dict[str, Any]] = {
    "kodi": {
        "name": "Living room",
        "url": KODI_URL,
        "username": "kodi",
        "path_mappings": ["/mnt/media=smb://nas/media/"],
    },
    "jellyfin": {
        "name": "Jellyfin",
        "url": JELLYFIN_URL,
        "path_mappings": ["/mnt/media/Movies=/media/movies"],
    },
    "plex": {"name": "Plex", "url": PLEX_URL, "path_mappings": ["/mnt/media/Movies=/data/movies"]},
}


async def add_player(app: AppServices, kind: str, secret: str) -> int:
    """Add the fake player of `kind` with its `PLAYER_SETTINGS` and `secret`: its id."""
    view = await app.players.add(kind, PlayerChange(secret=secret, **PLAYER_SETTINGS[kind]))
    return view.id


async def add_kodi(app: AppServices, password: str = KODI_PASSWORD) -> int:
    return await add_player(app, "kodi", password)


async def add_jellyfin(app: AppServices, token: str = JELLYFIN_TOKEN) -> int:
    return await add_player(app, "jellyfin", token)


async def add_plex(app: AppServices, token: str = PLEX_TOKEN) -> int:
    return await add_player(app, "plex", token)
