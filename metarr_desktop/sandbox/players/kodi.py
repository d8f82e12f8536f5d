"""A simulated Kodi: JSON-RPC 2.0 at ``POST /jsonrpc`` behind HTTP Basic auth.

The answer shapes follow Kodi's ``methods.json``/``types.json`` (``Video.Details.Movie`` with
``movieid`` and ``label`` always present, the requested properties added; ``List.LimitsReturned``)
and what Home Assistant's Kodi tests and tinyMediaManager's ``KodiRPC.java`` read. Errors are JSON-RPC
error objects (-32601 method not found, -32602 invalid params); refused credentials are the web
server's HTTP 401 with ``WWW-Authenticate: Basic``. ``playing = True`` makes
``Player.GetActivePlayers`` report a video player.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from metarr_desktop.core.player_paths import is_within
from metarr_desktop.core.player_paths import same_path
from metarr_desktop.sandbox.players.server import FakeMovie
from metarr_desktop.sandbox.players.server import PlayerFake
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest
from metarr_desktop.sandbox.protocol import json_reply

KODI_VERSION = {"major": 21, "minor": 2, "revision": "20250302-5a6b8d9", "tag": "stable"}
JSONRPC_VERSION = {"major": 13, "minor": 5, "patch": 0}
UNAUTHORIZED = b"<html><head><title>Unauthorized</title></head><body>401 Unauthorized</body></html>"


class KodiFake(PlayerFake):
    """Attributes: playing (something plays), scanned (directories asked to scan), refreshed (movieids)."""

    kind = "kodi"

    def __init__(
        self,
        movies: list[FakeMovie] | None = None,
        *,
        username: str | None = "kodi",
        password: str | None = "kodi",
        **kwargs: Any,
    ) -> None:
        super().__init__(movies, **kwargs)
        self.username = username
        self.password = password
        self.playing = False
        self.scanned: list[str] = []
        self.refreshed: list[int] = []

    def _authorised(self, request: SandboxRequest) -> bool:
        if not self.username:
            return True
        header = request.header("Authorization") or ""
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return user == self.username and password == (self.password or "")

    def handle(self, request: SandboxRequest) -> Reply:
        if request.path != "/jsonrpc":
            self.record(request)
            return Reply(404, b"File not found", "text/plain")
        if not self._authorised(request):
            self.record(request)
            return Reply(401, UNAUTHORIZED, "text/html", {"WWW-Authenticate": 'Basic realm="Kodi"'})
        if request.method != "POST":
            self.record(request)
            return json_reply(
                200, {"id": None, "jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid request."}}
            )
        call = request.json_body()
        if not isinstance(call, dict) or call.get("jsonrpc") != "2.0" or "method" not in call:
            self.record(request)
            return json_reply(
                200, {"id": None, "jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error."}}
            )
        method, params = str(call["method"]), call.get("params") or {}
        self.record(request, method, params)
        envelope: dict[str, Any] = {"id": call.get("id"), "jsonrpc": "2.0"}
        try:
            envelope["result"] = self._call(method, params)
        except _RpcError as exc:
            envelope["error"] = {"code": exc.code, "message": exc.message}
        return Reply(200, json.dumps(envelope).encode("utf-8"), "application/json")

    def _movie_json(self, movieid: int, movie: FakeMovie, properties: list[str]) -> dict[str, Any]:
        values: dict[str, Any] = {
            "title": movie.title,
            "file": movie.path,
            "imdbnumber": movie.imdb or (str(movie.tmdb) if movie.tmdb else ""),
            "uniqueid": {
                k: v
                for k, v in (("imdb", movie.imdb), ("tmdb", str(movie.tmdb) if movie.tmdb else None))
                if v
            },
            "year": movie.year or 0,
        }
        row = {"label": movie.title, "movieid": movieid}
        row.update({p: values[p] for p in properties if p in values})
        return row

    def _call(self, method: str, params: Any) -> Any:
        if method == "JSONRPC.Ping":
            return "pong"
        if method == "JSONRPC.Version":
            return {"version": JSONRPC_VERSION}
        if method == "Application.GetProperties":
            wanted = params.get("properties") if isinstance(params, dict) else None
            if not isinstance(wanted, list):
                raise _RpcError(-32602, "Invalid params.")
            values = {"name": self.name, "version": KODI_VERSION, "volume": 100, "muted": False}
            return {k: values[k] for k in wanted if k in values}
        if method == "Player.GetActivePlayers":
            return [{"playerid": 1, "playertype": "internal", "type": "video"}] if self.playing else []
        if method == "VideoLibrary.GetMovies":
            properties = params.get("properties", []) if isinstance(params, dict) else []
            rows = [self._movie_json(i + 1, m, properties) for i, m in enumerate(self.movies)]
            result: dict[str, Any] = {"limits": {"start": 0, "end": len(rows), "total": len(rows)}}
            if rows:
                result["movies"] = rows
            return result
        if method == "VideoLibrary.RefreshMovie":
            movieid = params.get("movieid") if isinstance(params, dict) else None
            if not isinstance(movieid, int) or not 1 <= movieid <= len(self.movies):
                raise _RpcError(-32602, "Invalid params.")
            self.refreshed.append(movieid)
            return "OK"
        if method == "VideoLibrary.Scan":
            directory = params.get("directory", "") if isinstance(params, dict) else ""
            self.scanned.append(str(directory))
            return "OK"
        raise _RpcError(-32601, "Method not found.")

    def knows(self, path: str) -> bool:
        return any(same_path(m.path, path) or is_within(m.path, path) for m in self.movies)


class _RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
