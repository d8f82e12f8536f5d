"""A simulated Plex Media Server (XML answers, ``X-Plex-Token`` as a header or query parameter).

Shapes as in Home Assistant's Plex fixtures (``plex_server_base.xml``, ``library_sections.xml``: a
``MediaContainer`` of ``Directory`` elements with ``key``, ``type``, ``title`` and ``Location path``)
and python-plexapi's reading of them: ``GET /``, ``GET /library/sections`` and
``GET /library/sections/{key}/refresh?path=...`` (200, empty body; 404 for an unknown section). A
missing or wrong token gets Plex's 401 HTML page.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import quoteattr

from metarr_desktop.sandbox.players.server import FakeMovie
from metarr_desktop.sandbox.players.server import PlayerFake
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest

VERSION = "1.41.3.9314-a0bfb8370"
UNAUTHORIZED = b"<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>"
_REFRESH = re.compile(r"^/library/sections/([^/]+)/refresh$")


class PlexFake(PlayerFake):
    """Attributes: sections (key -> (title, locations)), refreshed ((section key, path) pairs)."""

    kind = "plex"

    def __init__(
        self,
        movies: list[FakeMovie] | None = None,
        *,
        token: str = "plex-token",
        sections: dict[str, tuple[str, list[str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(movies, **kwargs)
        self.token = token
        self.sections = sections if sections is not None else {"1": ("Movies", ["/data/movies"])}
        self.refreshed: list[tuple[str, str]] = []

    def handle(self, request: SandboxRequest) -> Reply:
        self.record(request)
        token = request.header("X-Plex-Token") or request.query.get("X-Plex-Token")
        if token != self.token:
            return Reply(401, UNAUTHORIZED, "text/html")
        if request.method != "GET":
            return Reply(404, b"", "text/html")
        if request.path == "/":
            return _xml(
                f'<MediaContainer size="0" friendlyName={quoteattr(self.name)}'
                ' machineIdentifier="metarr-sandbox-plex"'
                f' platform="Linux" version="{VERSION}" myPlex="0" transcoderVideo="1"></MediaContainer>'
            )
        if request.path == "/library/sections":
            rows = []
            for key, (title, locations) in self.sections.items():
                locs = "".join(f"<Location id={quoteattr(key)} path={quoteattr(p)} />" for p in locations)
                rows.append(
                    f'<Directory allowSync="1" key={quoteattr(key)} type="movie" title={quoteattr(title)}'
                    f' agent="tv.plex.agents.movie" scanner="Plex Movie" language="en-US">{locs}</Directory>'
                )
            return _xml(
                f'<MediaContainer size="{len(rows)}" allowSync="0" title1="Plex Library">'
                f"{''.join(rows)}</MediaContainer>"
            )
        match = _REFRESH.match(request.path)
        if match:
            if match.group(1) not in self.sections:
                return Reply(404, b"", "text/html")
            self.refreshed.append((match.group(1), request.query.get("path", "")))
            return Reply(200, b"", "text/html")
        return Reply(404, b"", "text/html")


def _xml(text: str) -> Reply:
    return Reply(
        200, ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8"), "text/xml;charset=utf-8"
    )
