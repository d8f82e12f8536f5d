"""Plex Media Server with ``X-Plex-Token``; its answers are XML (a ``MediaContainer``).

``GET /`` to test (``friendlyName``, ``version``); ``GET /library/sections`` for the sections and their
``Location`` folders; then ``GET /library/sections/{key}/refresh?path=<folder>``, a partial scan of
the movie's folder (Plex finds a new movie there and re-reads a known one's local NFO and artwork).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import ClassVar

import httpx

from metarr_desktop import __version__
from metarr_desktop.players.base import MovieTarget
from metarr_desktop.players.base import PlayerClient
from metarr_desktop.players.base import PlayerInfo
from metarr_desktop.players.base import PlayerKind
from metarr_desktop.players.base import PlayerLibrary
from metarr_desktop.players.base import PlayerSection
from metarr_desktop.players.base import SyncAction


class PlexClient(PlayerClient):
    kind: ClassVar[PlayerKind] = PlayerKind.PLEX

    def auth_headers(self) -> dict[str, str]:
        headers = {
            "Accept": "application/xml",
            "X-Plex-Product": "Metarr Desktop",
            "X-Plex-Version": __version__,
            "X-Plex-Client-Identifier": "metarr-desktop",
        }
        if self._secret:
            headers["X-Plex-Token"] = self._secret
        return headers

    def _xml(self, response: httpx.Response) -> ET.Element:
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise self._bad("answered with malformed XML") from exc
        if root.tag != "MediaContainer":
            raise self._bad(f"expected a MediaContainer, got <{root.tag}>")
        return root

    async def info(self) -> PlayerInfo:
        root = self._xml(await self._send("GET", "/"))
        return PlayerInfo(
            name=root.get("friendlyName") or "Plex Media Server",
            version=root.get("version") or "?",
            product="Plex Media Server",
        )

    async def library(self) -> PlayerLibrary:
        root = self._xml(await self._send("GET", "/library/sections"))
        sections = [
            PlayerSection(
                key=str(directory.get("key")),
                title=directory.get("title") or "",
                locations=tuple(
                    str(loc.get("path")) for loc in directory.findall("Location") if loc.get("path")
                ),
            )
            for directory in root.findall("Directory")
            if directory.get("type") == "movie" and directory.get("key")
        ]
        return PlayerLibrary(sections=sections)

    async def sync(self, target: MovieTarget, library: PlayerLibrary) -> SyncAction:
        if not target.folder:
            return SyncAction.NOT_FOUND
        section = library.section_for(target.folder)
        if section is None:
            return SyncAction.NOT_FOUND
        await self._send("GET", f"/library/sections/{section.key}/refresh", params={"path": target.folder})
        return SyncAction.REFRESHED
