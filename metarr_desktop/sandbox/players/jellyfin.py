"""A simulated Jellyfin server.

Authentication as Jellyfin's ``AuthorizationContext``: the ``Authorization`` header with the
``MediaBrowser`` scheme and comma-separated ``Key="value"`` parts (``Token``), or the ``ApiKey`` query
parameter; the legacy ``X-Emby-Token`` header and ``Emby`` scheme are refused (legacy authorization
is off by default from Jellyfin 12). Shapes as in Jellyfin's controllers and Home Assistant's
Jellyfin fixtures (``movies.json``: ``Items``, ``TotalRecordCount``, ``StartIndex``; ``Id`` as 32 hex
digits; ``ProviderIds`` with ``Imdb``/``Tmdb``): ``GET /System/Info`` (``PublicSystemInfo`` keys),
``GET /Items``, ``POST /Items/{id}/Refresh`` (204, 404 for an unknown item) and
``POST /Library/Media/Updated`` (204).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from metarr_desktop.sandbox.players.server import FakeMovie
from metarr_desktop.sandbox.players.server import PlayerFake
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest
from metarr_desktop.sandbox.protocol import json_reply

VERSION = "10.10.7"
SERVER_ID = "4c2d8f1e9a6b4d3c8e7f6a5b4c3d2e1f"
_REFRESH = re.compile(r"^/Items/([0-9a-fA-F-]{32,36})/Refresh$")


def parse_authorization(header: str) -> dict[str, str] | None:
    """Jellyfin's parsing of ``MediaBrowser Key="value", ...`` (None for another scheme)."""
    scheme, _, rest = header.partition(" ")
    if not rest or scheme.lower() != "mediabrowser":
        return None
    parts: dict[str, str] = {}
    for chunk in re.findall(r'\s*([^=,\s]+)\s*=\s*("[^"]*"|[^,]*)\s*,?', rest):
        key, value = chunk
        parts[key] = unquote(value.strip().strip('"'))
    return parts


def item_id(movie: FakeMovie) -> str:
    return hashlib.md5(movie.path.encode("utf-8"), usedforsecurity=False).hexdigest()


class JellyfinFake(PlayerFake):
    """Attributes: refreshed (item ids), updated (paths reported through /Library/Media/Updated)."""

    kind = "jellyfin"

    def __init__(
        self,
        movies: list[FakeMovie] | None = None,
        *,
        token: str = "jellyfin-token",
        **kwargs: Any,
    ) -> None:
        super().__init__(movies, **kwargs)
        self.token = token
        self.refreshed: list[str] = []
        self.refresh_queries: list[dict[str, str]] = []
        self.updated: list[str] = []
        self._known: set[str] = set()

    def _ids(self) -> set[str]:
        """The item ids of the current movies (recomputed only when the list grew or shrank)."""
        if len(self._known) != len(self.movies):
            self._known = {item_id(m) for m in self.movies}
        return self._known

    def _authorised(self, request: SandboxRequest) -> bool:
        parts = parse_authorization(request.header("Authorization") or "") or {}
        token = parts.get("Token") or request.query.get("ApiKey")
        return token == self.token

    def handle(self, request: SandboxRequest) -> Reply:
        self.record(request)
        if not self._authorised(request):
            return Reply(401, b"", "text/plain")
        path, method = request.path, request.method
        if path == "/System/Info" and method == "GET":
            return json_reply(
                200,
                {
                    "LocalAddress": self.url,
                    "ServerName": self.name,
                    "Version": VERSION,
                    "ProductName": "Jellyfin Server",
                    "OperatingSystem": "Linux",
                    "Id": SERVER_ID,
                    "StartupWizardCompleted": True,
                },
            )
        if path == "/Items" and method == "GET":
            return json_reply(200, self._items(request.query))
        match = _REFRESH.match(path)
        if match and method == "POST":
            wanted = match.group(1).replace("-", "").lower()
            if wanted not in self._ids():
                return Reply(404, b"", "text/plain")
            self.refreshed.append(wanted)
            self.refresh_queries.append(dict(request.query))
            return Reply(204, b"", "text/plain")
        if path == "/Library/Media/Updated" and method == "POST":
            body = request.json_body()
            updates = body.get("Updates") if isinstance(body, dict) else None
            if not isinstance(updates, list) or not all(
                isinstance(u, dict) and u.get("Path") for u in updates
            ):
                return json_reply(
                    400,
                    {
                        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                        "title": "One or more validation errors occurred.",
                        "status": 400,
                    },
                )
            self.updated.extend(str(u["Path"]) for u in updates)
            return Reply(204, b"", "text/plain")
        return Reply(404, b"", "text/plain")

    def _items(self, query: Mapping[str, str]) -> dict[str, Any]:
        types = {t.strip().lower() for t in query.get("IncludeItemTypes", "").split(",") if t.strip()}
        fields = {f.strip().lower() for f in query.get("Fields", "").split(",") if f.strip()}
        recursive = query.get("Recursive", "false").lower() == "true"
        rows: list[dict[str, Any]] = []
        if recursive and (not types or "movie" in types):
            for movie in self.movies:
                row: dict[str, Any] = {
                    "Name": movie.title,
                    "ServerId": SERVER_ID,
                    "Id": item_id(movie),
                    "IsFolder": False,
                    "Type": "Movie",
                    "MediaType": "Video",
                    "LocationType": "FileSystem",
                    "ProductionYear": movie.year,
                }
                if "path" in fields:
                    row["Path"] = movie.path
                if "providerids" in fields:
                    ids = {}
                    if movie.imdb:
                        ids["Imdb"] = movie.imdb
                    if movie.tmdb:
                        ids["Tmdb"] = str(movie.tmdb)
                    row["ProviderIds"] = ids
                rows.append(row)
        return {"Items": rows, "TotalRecordCount": len(rows), "StartIndex": 0}
