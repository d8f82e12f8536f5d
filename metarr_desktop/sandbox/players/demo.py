"""The demo profile's players: a fake Kodi and a fake Jellyfin on loopback that hold the demo
library's movies (most of them: the rest are "new" to the players), so the Players page, the Health
page and the movie page's sync strip have live data in ``--demo``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from metarr_desktop.sandbox.players.jellyfin import JellyfinFake
from metarr_desktop.sandbox.players.kodi import KodiFake
from metarr_desktop.sandbox.players.server import FakeMovie

if TYPE_CHECKING:
    from metarr_desktop.services.context import AppServices

#: Where the demo library's movies are, as Metarr sees them (nothing is read there).
DEMO_ROOT = "/demo/Movies"
KODI_ROOT = "smb://nas/media/Movies/"
JELLYFIN_ROOT = "/media/movies"
KODI_USER, KODI_PASSWORD = "kodi", "demo-kodi-password"
JELLYFIN_TOKEN = "demo-jellyfin-api-key"


def folder_name(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


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
            [
                FakeMovie(t, f"{KODI_ROOT}{folder_name(t, y)}/{folder_name(t, y)}.mkv", imdb, None, y)
                for t, y, imdb in known
            ],
            username=KODI_USER,
            password=KODI_PASSWORD,
            name="Kodi (demo)",
        )
        self.jellyfin = JellyfinFake(
            [
                FakeMovie(t, f"{JELLYFIN_ROOT}/{folder_name(t, y)}/{folder_name(t, y)}.mkv", imdb, None, y)
                for t, y, imdb in known
            ],
            token=JELLYFIN_TOKEN,
            name="Jellyfin (demo)",
        )

    def start(self) -> None:
        self.kodi.start()
        self.jellyfin.start()

    def stop(self) -> None:
        self.kodi.stop()
        self.jellyfin.stop()

    async def configure(self, services: AppServices, movie_ids: list[int]) -> None:
        """Add both players to the profile and sync half of the movies, so there is history."""
        from metarr_desktop.services.players.models import PlayerChange

        players = services.players
        await players.add(
            "kodi",
            PlayerChange(
                name="Living room Kodi",
                url=self.kodi.url,
                username=KODI_USER,
                secret=KODI_PASSWORD,
                path_mappings=[f"{DEMO_ROOT}={KODI_ROOT}"],
            ),
        )
        await players.add(
            "jellyfin",
            PlayerChange(
                name="Jellyfin",
                url=self.jellyfin.url,
                secret=JELLYFIN_TOKEN,
                path_mappings=[f"{DEMO_ROOT}={JELLYFIN_ROOT}"],
            ),
        )
        half = movie_ids[: len(movie_ids) // 2]
        if half:
            await players.sync(half, "demo")
        rest = movie_ids[len(movie_ids) // 2 :][:3]
        if rest:
            await players.enqueue(rest, "Changed: plot")
