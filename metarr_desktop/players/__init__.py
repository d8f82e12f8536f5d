"""Media-player clients (Kodi JSON-RPC, Jellyfin, Plex) on a shared base; see `players.base`."""

from metarr_desktop.players.base import MovieTarget
from metarr_desktop.players.base import PlayerClient
from metarr_desktop.players.base import PlayerInfo
from metarr_desktop.players.base import PlayerItem
from metarr_desktop.players.base import PlayerKind
from metarr_desktop.players.base import PlayerLibrary
from metarr_desktop.players.base import PlayerSection
from metarr_desktop.players.base import SyncAction
from metarr_desktop.players.registry import CLIENTS
from metarr_desktop.players.registry import DISPLAY_NAMES
from metarr_desktop.players.registry import USES_PASSWORD
from metarr_desktop.players.registry import create_client

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
