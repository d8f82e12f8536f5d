"""Simulated media players on loopback (Kodi JSON-RPC, Jellyfin, Plex) for tests, the demo and the
benchmark; see `sandbox.players.server`."""

from metarr_desktop.sandbox.players.jellyfin import JellyfinFake
from metarr_desktop.sandbox.players.kodi import KodiFake
from metarr_desktop.sandbox.players.plex import PlexFake
from metarr_desktop.sandbox.players.server import FakeMovie
from metarr_desktop.sandbox.players.server import PlayerFake
from metarr_desktop.sandbox.players.server import Recorded

__all__ = ["FakeMovie", "JellyfinFake", "KodiFake", "PlayerFake", "PlexFake", "Recorded"]
