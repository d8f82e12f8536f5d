"""Kodi over JSON-RPC 2.0 (HTTP POST ``/jsonrpc``, HTTP Basic auth).

The methods and parameters are those of Kodi's ``xbmc/interfaces/json-rpc/schema/methods.json``:
``JSONRPC.Version`` and ``Application.GetProperties`` to test, ``Player.GetActivePlayers`` to defer
while something plays, ``VideoLibrary.GetMovies`` (``file``, ``imdbnumber``, ``uniqueid``) to find the
``movieid``, ``VideoLibrary.RefreshMovie {movieid, ignorenfo: false}`` for a known movie (Kodi reads
the NFO Metarr wrote) and ``VideoLibrary.Scan {directory}`` for one it does not have yet.
"""

from __future__ import annotations

import itertools
from typing import Any
from typing import ClassVar

import httpx

from metarr_desktop.core.player_paths import as_folder
from metarr_desktop.players.base import MovieTarget
from metarr_desktop.players.base import PlayerClient
from metarr_desktop.players.base import PlayerInfo
from metarr_desktop.players.base import PlayerItem
from metarr_desktop.players.base import PlayerKind
from metarr_desktop.players.base import PlayerLibrary
from metarr_desktop.players.base import SyncAction

MOVIE_PROPERTIES = ["title", "file", "imdbnumber", "uniqueid"]


class KodiClient(PlayerClient):
    kind: ClassVar[PlayerKind] = PlayerKind.KODI
    checks_playback: ClassVar[bool] = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ids = itertools.count(1)

    def basic_auth(self) -> httpx.BasicAuth | None:
        if not self.username:
            return None
        return httpx.BasicAuth(self.username, self._secret or "")

    async def rpc(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """One JSON-RPC call; an ``error`` member becomes a `BadResponseError` with Kodi's message."""
        body: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": next(self._ids)}
        if params is not None:
            body["params"] = params
        document = self._json(await self._send("POST", "/jsonrpc", json_body=body))
        if not isinstance(document, dict):
            raise self._bad(f"{method}: the answer is not a JSON-RPC object")
        error = document.get("error")
        if isinstance(error, dict):
            raise self._bad(f"{method} failed: {error.get('message', 'error')} ({error.get('code')})")
        if "result" not in document:
            raise self._bad(f"{method}: the answer has no result")
        return document["result"]

    async def info(self) -> PlayerInfo:
        api = await self.rpc("JSONRPC.Version")
        app = await self.rpc("Application.GetProperties", {"properties": ["name", "version"]})
        version = app.get("version", {}) if isinstance(app, dict) else {}
        text = f"{version.get('major', '?')}.{version.get('minor', '?')}"
        if version.get("tag") and version.get("tag") != "stable":
            text += f" {version['tag']}"
        api_version = api.get("version", {}) if isinstance(api, dict) else {}
        product = f"JSON-RPC {api_version.get('major', '?')}.{api_version.get('minor', '?')}"
        return PlayerInfo(name=str(app.get("name", "Kodi")), version=text, product=product)

    async def is_playing(self) -> bool:
        players = await self.rpc("Player.GetActivePlayers")
        if not isinstance(players, list):
            raise self._bad("Player.GetActivePlayers: expected a list")
        return bool(players)

    async def library(self) -> PlayerLibrary:
        result = await self.rpc("VideoLibrary.GetMovies", {"properties": MOVIE_PROPERTIES})
        if not isinstance(result, dict):
            raise self._bad("VideoLibrary.GetMovies: expected an object")
        items: list[PlayerItem] = []
        for movie in result.get("movies") or []:
            if not isinstance(movie, dict) or "movieid" not in movie:
                continue
            raw_unique = movie.get("uniqueid")
            unique: dict[str, Any] = raw_unique if isinstance(raw_unique, dict) else {}
            imdb = unique.get("imdb") or movie.get("imdbnumber") or None
            if imdb and not str(imdb).startswith("tt"):
                imdb = None  # Kodi puts the scraper's default id in imdbnumber (often TMDB's)
            items.append(
                PlayerItem(
                    item_id=str(movie["movieid"]),
                    path=str(movie.get("file") or ""),
                    title=str(movie.get("title") or movie.get("label") or ""),
                    imdb=str(imdb) if imdb else None,
                    tmdb=str(unique["tmdb"]) if unique.get("tmdb") else None,
                )
            )
        return PlayerLibrary(items=items)

    async def sync(self, target: MovieTarget, library: PlayerLibrary) -> SyncAction:
        item = library.find(target)
        if item is not None:
            await self.rpc("VideoLibrary.RefreshMovie", {"movieid": int(item.item_id), "ignorenfo": False})
            return SyncAction.REFRESHED
        if not target.folder:
            return SyncAction.NOT_FOUND
        await self.rpc("VideoLibrary.Scan", {"directory": as_folder(target.folder), "showdialogs": False})
        return SyncAction.SCANNED
