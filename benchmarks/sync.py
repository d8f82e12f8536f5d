"""Benchmark of player sync: N changed movies synced to a demo Kodi and a demo Jellyfin.

The fakes are the sandbox's (`metarr_desktop.sandbox.players`) on real loopback sockets; the app
runs on a temporary profile. Two runs: every movie is new to the players (each gets one scan), then
every movie changed again and is known (each gets one refresh). We report requests per movie per
player (target <= 2 once the player's movie list is known: the list is read once per run, never once
per movie) and the wall time. Run: `.venv/bin/python benchmarks/sync.py [--movies N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import keyring.backends.fail

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox.players import FakeMovie
from metarr_desktop.sandbox.players import JellyfinFake
from metarr_desktop.sandbox.players import KodiFake
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.players.models import PlayerChange


async def run(count: int) -> dict[str, object]:
    kodi = KodiFake(username="kodi", password="kodi")
    jellyfin = JellyfinFake(token="bench-jellyfin-token")
    kodi.start()
    jellyfin.start()
    try:
        with tempfile.TemporaryDirectory(prefix="metarr-bench-sync-") as folder:
            app = AppServices.open(Path(folder), keyring_backend=keyring.backends.fail.Keyring())
            try:
                ids = []
                with app.database.atomic():
                    for n in range(count):
                        title = f"Movie {n:05d} ({1950 + n % 70})"
                        movie = app.movies.add(
                            title, ids=ExternalIds(imdb=f"tt{9000000 + n}"), path=f"/mnt/media/Movies/{title}"
                        )
                        ids.append(movie.id)
                await app.players.add(
                    "kodi",
                    PlayerChange(
                        name="Demo Kodi",
                        url=kodi.url,
                        username="kodi",
                        secret="kodi",
                        path_mappings=["/mnt/media=smb://nas/media/"],
                    ),
                )
                await app.players.add(
                    "jellyfin",
                    PlayerChange(
                        name="Demo Jellyfin",
                        url=jellyfin.url,
                        secret="bench-jellyfin-token",
                        path_mappings=["/mnt/media/Movies=/media/movies"],
                    ),
                )
                figures: dict[str, object] = {"movies": count}
                for label in ("new", "known"):
                    if label == "known":  # the players have scanned the folders: now they know every movie
                        for n in range(count):
                            title = f"Movie {n:05d} ({1950 + n % 70})"
                            kodi.movies.append(
                                FakeMovie(title, f"smb://nas/media/Movies/{title}/{title}.mkv")
                            )
                            jellyfin.movies.append(FakeMovie(title, f"/media/movies/{title}/{title}.mkv"))
                    kodi.clear()
                    jellyfin.clear()
                    await app.players.enqueue(ids, "Changed: plot")
                    started = time.perf_counter()
                    report = await app.players.sync_pending()
                    wall = time.perf_counter() - started
                    actions: dict[str, int] = {}
                    for result in report.results:
                        actions[result.action.value] = actions.get(result.action.value, 0) + 1
                    figures[label] = {
                        "wall_s": round(wall, 2),
                        "ms_per_movie_both_players": round(wall * 1000 / count, 2),
                        "kodi_requests": len(kodi.requests),
                        "kodi_requests_per_movie": round(len(kodi.requests) / count, 3),
                        "kodi_list_requests": kodi.log().count("POST /jsonrpc VideoLibrary.GetMovies"),
                        "jellyfin_requests": len(jellyfin.requests),
                        "jellyfin_requests_per_movie": round(len(jellyfin.requests) / count, 3),
                        "jellyfin_list_requests": jellyfin.log().count("GET /Items"),
                        "actions": actions,
                    }
                return figures
            finally:
                await app.aclose()
    finally:
        kodi.stop()
        jellyfin.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--movies", type=int, default=1000)
    args = parser.parse_args()
    figures = asyncio.run(run(args.movies))
    print(json.dumps(figures, indent=2))
    worst = max(
        figures[label][key]  # type: ignore[index]
        for label in ("new", "known")
        for key in ("kodi_requests_per_movie", "jellyfin_requests_per_movie")
    )
    print(f"worst requests per movie per player: {worst} (target <= 2)", file=sys.stderr)
    sys.exit(0 if worst <= 2 else 1)


if __name__ == "__main__":
    main()
