"""The player kinds and the one place a client is made for a configured player."""

from __future__ import annotations

from typing import Any

from metarr_desktop.players.base import PlayerClient
from metarr_desktop.players.base import PlayerKind
from metarr_desktop.players.jellyfin import JellyfinClient
from metarr_desktop.players.kodi import KodiClient
from metarr_desktop.players.plex import PlexClient

CLIENTS: dict[PlayerKind, type[PlayerClient]] = {
    PlayerKind.KODI: KodiClient,
    PlayerKind.JELLYFIN: JellyfinClient,
    PlayerKind.PLEX: PlexClient,
}

#: What each kind authenticates with: Kodi a user name and password, the others a token.
USES_PASSWORD = {PlayerKind.KODI: True, PlayerKind.JELLYFIN: False, PlayerKind.PLEX: False}
DISPLAY_NAMES = {PlayerKind.KODI: "Kodi", PlayerKind.JELLYFIN: "Jellyfin", PlayerKind.PLEX: "Plex"}


def create_client(kind: PlayerKind, **kwargs: Any) -> PlayerClient:
    return CLIENTS[kind](**kwargs)
