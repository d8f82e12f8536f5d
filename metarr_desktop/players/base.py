"""The shared base of the media-player clients (Kodi, Jellyfin, Plex) and their plain data.

A `PlayerClient` owns one `httpx.AsyncClient` (transport injectable), passes every request through a
`RequestGate` (the engine's pacer, set by `ProviderPool.add`), and maps every answer and transport
error onto the one error hierarchy of `providers.errors` in one place, `PlayerClient._check` and
`map_player_response`: players go through the same engine as metadata providers (timeouts,
retries, circuit breaker, health), so they fail the same way.

One sync of one movie is one call of `PlayerClient.sync` and (at most) one HTTP request; the
player's library (`PlayerLibrary`) is read once per run and indexed, never once per movie.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any
from typing import ClassVar
from typing import Unpack

import httpx

from metarr_desktop import __version__
from metarr_desktop.core.player_paths import is_within
from metarr_desktop.core.player_paths import parent
from metarr_desktop.core.player_paths import path_key
from metarr_desktop.providers.base import OpenGate
from metarr_desktop.providers.base import RequestGate
from metarr_desktop.providers.base import RequestParts
from metarr_desktop.providers.base import decode_json
from metarr_desktop.providers.base import map_response
from metarr_desktop.providers.base import map_transport_error
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.tls import shared_ssl_context

USER_AGENT = f"MetarrDesktop/{__version__}"


class PlayerKind(StrEnum):
    KODI = "kodi"
    JELLYFIN = "jellyfin"
    PLEX = "plex"


class SyncAction(StrEnum):
    """How one movie's sync to one player ended (CONTRACT.md, `metarr sync`)."""

    REFRESHED = "refreshed"  # the player re-read that one movie
    SCANNED = "scanned"  # the player did not know it: its folder was scanned
    DEFERRED = "deferred"  # the player is playing: retried later, never interrupting
    NOT_FOUND = "not_found"  # nothing to tell the player about (no path, no library holds it)
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PlayerInfo:
    """What `Test connection` shows."""

    name: str
    version: str
    product: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "product": self.product}


@dataclass(frozen=True, slots=True)
class PlayerItem:
    """One movie as the player knows it."""

    item_id: str
    path: str
    title: str = ""
    imdb: str | None = None
    tmdb: str | None = None


@dataclass(frozen=True, slots=True)
class PlayerSection:
    """A library section of the player (Plex) with the folders it covers."""

    key: str
    title: str
    locations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MovieTarget:
    """One library movie as the player would see it (its path through the player's mappings).

    Attributes:
        path: the movie's file or folder on the player's side.
        folder: the folder that holds the movie on the player's side.
    """

    movie_id: int
    path: str | None
    folder: str | None
    imdb: str | None = None
    tmdb: str | None = None


@dataclass(slots=True)
class PlayerLibrary:
    """The player's movies (or sections), read once per run and indexed for lookups."""

    items: list[PlayerItem] = field(default_factory=list)
    sections: list[PlayerSection] = field(default_factory=list)
    _by_path: dict[tuple[str, ...], PlayerItem] = field(default_factory=dict)
    _by_folder: dict[tuple[str, ...], PlayerItem] = field(default_factory=dict)
    _by_imdb: dict[str, PlayerItem] = field(default_factory=dict)
    _by_tmdb: dict[str, PlayerItem] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.items:
            if item.path:
                self._by_path.setdefault(path_key(item.path), item)
                self._by_folder.setdefault(path_key(parent(item.path)), item)
            if item.imdb:
                self._by_imdb.setdefault(item.imdb.lower(), item)
            if item.tmdb:
                self._by_tmdb.setdefault(str(item.tmdb), item)

    def find_by_path(self, target: MovieTarget) -> PlayerItem | None:
        if target.path:
            hit = self._by_path.get(path_key(target.path))
            if hit is not None:
                return hit
            hit = self._by_folder.get(path_key(target.path))  # the movie's path is its folder
            if hit is not None:
                return hit
        return None

    def find(self, target: MovieTarget) -> PlayerItem | None:
        """By path through the mappings, then by IMDb id, then by TMDB id."""
        hit = self.find_by_path(target)
        if hit is None and target.imdb:
            hit = self._by_imdb.get(target.imdb.lower())
        if hit is None and target.tmdb:
            hit = self._by_tmdb.get(str(target.tmdb))
        return hit

    def section_for(self, folder: str) -> PlayerSection | None:
        """The section whose location holds `folder` (the deepest when several do)."""
        best: tuple[int, PlayerSection] | None = None
        for section in self.sections:
            for location in section.locations:
                if is_within(folder, location) and (best is None or len(location) > best[0]):
                    best = (len(location), section)
        return best[1] if best else None


def map_player_response(player_id: str, kind: PlayerKind, response: httpx.Response) -> None:
    """Raise the matching error for an unsuccessful answer of a player; return for 2xx.

    Refused credentials get a message that says which credentials; everything else is mapped as
    for the metadata providers (`providers.base.map_response`).
    """
    if response.status_code in (401, 403):
        what = "user name or password" if kind is PlayerKind.KODI else "access token"
        raise AuthenticationError(
            player_id,
            f"{kind.value.capitalize()} refused the {what} (HTTP {response.status_code}); "
            "check them on the Players page",
            status_code=response.status_code,
        )
    map_response(player_id, response)


class PlayerClient(abc.ABC):
    """Base of the three clients: one HTTP client, the gate, the error mapping.

    Attributes:
        id: the engine's id of this player (``player:3``).
        gate: awaited before every request (the engine's pacer; set by `ProviderPool.add`).
    """

    kind: ClassVar[PlayerKind]
    #: The player can be asked whether it is playing (and the sync deferred while it is).
    checks_playback: ClassVar[bool] = False

    def __init__(
        self,
        *,
        player_id: str,
        name: str,
        url: str,
        username: str | None = None,
        secret: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.id = player_id
        self.name = name
        self.url = url.rstrip("/")
        self.username = username
        self._secret = secret
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=shared_ssl_context(),
            timeout=httpx.Timeout(timeout_s, connect=10.0),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, **self.auth_headers()},
            auth=self.basic_auth(),
        )
        self.gate: RequestGate = OpenGate()

    def __repr__(self) -> str:  # never show the secret
        return f"<{type(self).__name__} {self.id} {self.url}>"

    # -- what each kind defines ----------------------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        return {}

    def basic_auth(self) -> httpx.BasicAuth | None:
        return None

    @abc.abstractmethod
    async def info(self) -> PlayerInfo:
        """Name and version (reachable and authorised), else a `ProviderError`."""

    async def is_playing(self) -> bool:
        return False

    @abc.abstractmethod
    async def library(self) -> PlayerLibrary:
        """The player's movies (or sections): one request."""

    @abc.abstractmethod
    async def sync(self, target: MovieTarget, library: PlayerLibrary) -> SyncAction:
        """Tell the player about one movie: at most one request."""

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- the one way to the player ----------------------------------------------------------------

    async def _send(self, method: str, path: str, **parts: Unpack[RequestParts]) -> httpx.Response:
        """Pass the gate, send one request, map transport errors and unsuccessful answers."""
        await self.gate.acquire()
        try:
            response = await self._client.request(
                method,
                f"{self.url}/{path.lstrip('/')}",
                params=parts.get("params"),
                json=parts.get("json_body"),
                headers=parts.get("headers"),
            )
        except httpx.HTTPError as exc:
            raise map_transport_error(self.id, exc) from exc
        map_player_response(self.id, self.kind, response)
        return response

    def _json(self, response: httpx.Response) -> Any:
        return decode_json(self.id, response)

    def _bad(self, message: str) -> BadResponseError:
        return BadResponseError(self.id, message)
