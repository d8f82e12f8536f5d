"""Media-player clients (Kodi JSON-RPC, Jellyfin, Plex) on a shared base; see `players.base`."""

from metarr_desktop.players.base import (
    MovieTarget,
    PlayerClient,
    PlayerInfo,
    PlayerItem,
    PlayerKind,
    PlayerLibrary,
    PlayerSection,
    SyncAction,
)
from metarr_desktop.players.registry import CLIENTS, DISPLAY_NAMES, USES_PASSWORD, create_client

__all__ = [
    "CLIENTS",
    "DISPLAY_NAMES",
    "USES_PASSWORD",
    "MovieTarget",
    "PlayerClient",
    "PlayerInfo",
    "PlayerItem",
    "PlayerKind",
    "PlayerLibrary",
    "PlayerSection",
    "SyncAction",
    "create_client",
]
