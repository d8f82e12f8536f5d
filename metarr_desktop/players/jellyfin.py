"""Jellyfin's REST API with an API key in ``Authorization: MediaBrowser Token="..."``.

``GET /System/Info`` to test; ``GET /Items?Recursive=true&IncludeItemTypes=Movie&Fields=Path,ProviderIds``
to find the item (by path through the mappings, else by provider id); ``POST /Items/{id}/Refresh`` with
full metadata and image refresh (Jellyfin reads the NFO and artwork Metarr wrote) for a known movie, and
``POST /Library/Media/Updated`` for one it does not have yet. The legacy ``X-Emby-Token`` header is off by
default from Jellyfin 12, so it is not used.
"""

from __future__ import annotations

from typing import Any
from typing import ClassVar

from metarr_desktop import __version__
from metarr_desktop.players.base import MovieTarget
from metarr_desktop.players.base import PlayerClient
from metarr_desktop.players.base import PlayerInfo
from metarr_desktop.players.base import PlayerItem
from metarr_desktop.players.base import PlayerKind
from metarr_desktop.players.base import PlayerLibrary
from metarr_desktop.players.base import SyncAction

REFRESH_PARAMS = {
    "metadataRefreshMode": "FullRefresh",
    "imageRefreshMode": "FullRefresh",
    "replaceAllMetadata": "false",
}


class JellyfinClient(PlayerClient):
    kind: ClassVar[PlayerKind] = PlayerKind.JELLYFIN

    def auth_headers(self) -> dict[str, str]:
        parts = [
            'Client="Metarr Desktop"',
            'Device="Metarr Desktop"',
            'DeviceId="metarr-desktop"',
            f'Version="{__version__}"',
        ]
        if self._secret:
            parts.append(f'Token="{self._secret}"')
        return {"Authorization": "MediaBrowser " + ", ".join(parts), "Accept": "application/json"}

    async def info(self) -> PlayerInfo:
        info = self._json(await self._send("GET", "/System/Info"))
        if not isinstance(info, dict):
            raise self._bad("/System/Info: expected an object")
        return PlayerInfo(
            name=str(info.get("ServerName") or "Jellyfin"),
            version=str(info.get("Version") or "?"),
            product=str(info.get("ProductName") or "Jellyfin Server"),
        )

    async def library(self) -> PlayerLibrary:
        params = {"Recursive": "true", "IncludeItemTypes": "Movie", "Fields": "Path,ProviderIds"}
        document = self._json(await self._send("GET", "/Items", params=params))
        if not isinstance(document, dict) or not isinstance(document.get("Items"), list):
            raise self._bad("/Items: expected an object with Items")
        items: list[PlayerItem] = []
        for row in document["Items"]:
            if not isinstance(row, dict) or not row.get("Id"):
                continue
            raw_ids = row.get("ProviderIds")
            ids: dict[str, Any] = raw_ids if isinstance(raw_ids, dict) else {}
            items.append(
                PlayerItem(
                    item_id=str(row["Id"]),
                    path=str(row.get("Path") or ""),
                    title=str(row.get("Name") or ""),
                    imdb=str(ids["Imdb"]) if ids.get("Imdb") else None,
                    tmdb=str(ids["Tmdb"]) if ids.get("Tmdb") else None,
                )
            )
        return PlayerLibrary(items=items)

    async def sync(self, target: MovieTarget, library: PlayerLibrary) -> SyncAction:
        item = library.find(target)
        if item is not None:
            await self._send("POST", f"/Items/{item.item_id}/Refresh", params=REFRESH_PARAMS)
            return SyncAction.REFRESHED
        if not target.path:
            return SyncAction.NOT_FOUND
        body = {"Updates": [{"Path": target.path, "UpdateType": "Created"}]}
        await self._send("POST", "/Library/Media/Updated", json_body=body)
        return SyncAction.SCANNED
