"""The demo profile's players: a fake Kodi and a fake Jellyfin on loopback that hold the demo
library's movies (most of them: the rest are "new" to the players), so the Players page, the Health
page and the movie page's sync strip have live data in ``--demo``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from metarr_desktop.sandbox.players.jellyfin import JellyfinFake
from metarr_desktop.sandbox.players.kodi import KodiFake
from metarr_desktop.sandbox.players.server import FakeMovie
from metarr_desktop.sandbox.players.server import PlayerFake

if TYPE_CHECKING:
    from metarr_desktop.services.context import AppServices
    from metarr_desktop.services.players.models import PlayerChange

#: Where the demo library's movies are, as Metarr sees them (nothing is read there).
DEMO_ROOT = "/demo/Movies"
KODI_ROOT = "smb://nas/media/Movies/"
JELLYFIN_ROOT = "/media/movies"
KODI_USER, KODI_PASSWORD = "kodi", "demo-kodi-password"
JELLYFIN_TOKEN = "demo-jellyfin-api-key"


def folder_name(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


def _library(root: str, movies: Sequence[tuple[str, int | None, str | None]]) -> list[FakeMovie]:
    """`movies` (title, year, IMDb id) as a player whose movies folder is `root` has them."""
    root = root.rstrip("/")
    return [
        FakeMovie(t, f"{root}/{folder_name(t, y)}/{folder_name(t, y)}.mkv", imdb, None, y)
        for t, y, imdb in movies
    ]


def _settings(name: str, fake: PlayerFake, root: str, secret: str, **more: str) -> PlayerChange:
    """The profile's settings of one demo player: `fake`'s address, `DEMO_ROOT` mapped to `root`."""
    from metarr_desktop.services.players.models import PlayerChange

    return PlayerChange(name=name, url=fake.url, secret=secret, path_mappings=[f"{DEMO_ROOT}={root}"], **more)


class DemoPlayers:
    """The two fake players of the demo.

    Attributes:
        kodi, jellyfin: the running fakes.
    """

    def __init__(self, movies: Sequence[tuple[str, int | None, str | None]]) -> None:
        """`movies`: (title, year, IMDb id) of the demo library; the last two are left out of the
        players' libraries (a sync scans their folders)."""
        known = movies[:-2] if len(movies) > 2 else movies
        self.kodi = KodiFake(
            _library(KODI_ROOT, known), username=KODI_USER, password=KODI_PASSWORD, name="Kodi (demo)"
        )
        self.jellyfin = JellyfinFake(
            _library(JELLYFIN_ROOT, known), token=JELLYFIN_TOKEN, name="Jellyfin (demo)"
        )

    def start(self) -> None:
        self.kodi.start()
        self.jellyfin.start()

    def stop(self) -> None:
        self.kodi.stop()
        self.jellyfin.stop()

    async def configure(self, services: AppServices, movie_ids: list[int]) -> None:
        """Add both players to the profile and sync half of the movies, so there is history."""
        players = services.players
        kodi = _settings("Living room Kodi", self.kodi, KODI_ROOT, KODI_PASSWORD, username=KODI_USER)
        await players.add("kodi", kodi)
        await players.add("jellyfin", _settings("Jellyfin", self.jellyfin, JELLYFIN_ROOT, JELLYFIN_TOKEN))
        half = movie_ids[: len(movie_ids) // 2]
        if half:
            await players.sync(half, "demo")
        rest = movie_ids[len(movie_ids) // 2 :][:3]
        if rest:
            await players.enqueue(rest, "Changed: plot")
