"""The values the player service takes and hands out: a player as the Players page shows it, the
change `add`/`update` apply, the two checks, one sync's results and a movie's sync state (the
shapes of `metarr players` and `metarr sync`, CONTRACT.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from metarr_desktop.core.player_paths import PathMapping
from metarr_desktop.core.records import SyncState
from metarr_desktop.players import PlayerInfo
from metarr_desktop.players import PlayerKind
from metarr_desktop.players import SyncAction


class PlayerConfigError(ValueError):
    """A player setting that cannot be accepted (bad usage: exit 2 in the CLI)."""


def engine_id(player_id: int) -> str:
    """The player's id in the engine's pool and on the Health page."""
    return f"player:{player_id}"


def secret_name(player_id: int) -> str:
    return f"player:{player_id}"


@dataclass(frozen=True, slots=True)
class PlayerView:
    """A player as `metarr players list` and the Players page show it."""

    id: int
    kind: PlayerKind
    name: str
    url: str
    username: str | None
    enabled: bool
    path_mappings: tuple[PathMapping, ...]
    has_secret: bool
    status: str
    last_sync_at: datetime | None
    last_error: str | None
    pending: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "name": self.name,
            "url": self.url,
            "username": self.username,
            "enabled": self.enabled,
            "path_mappings": [m.to_json() for m in self.path_mappings],
            "has_secret": self.has_secret,
            "status": self.status,
            "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
            "last_error": self.last_error,
            "pending": self.pending,
        }


_UNSET: Any = object()


@dataclass(slots=True)
class PlayerChange:
    """What `add`/`update` change; fields left at `UNSET` stay as they are."""

    name: Any = _UNSET
    url: Any = _UNSET
    username: Any = _UNSET
    secret: Any = _UNSET  # str to store, None to remove
    path_mappings: Any = _UNSET
    enabled: Any = _UNSET


UNSET = _UNSET


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    """The result of Test connection."""

    player_id: int
    ok: bool
    message: str
    info: PlayerInfo | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.player_id,
            "ok": self.ok,
            "message": self.message,
            "info": self.info.to_json() if self.info else None,
        }


@dataclass(frozen=True, slots=True)
class MappingCheck:
    """The mapping tester: one library movie's path as the player sees it, and whether it knows it."""

    player_id: int
    movie_id: int
    local_path: str | None
    remote_path: str | None
    known: bool | None  # None: the player could not be asked
    matched_by: str | None  # "path" | "imdb" | "tmdb" | None
    player_title: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "player_id": self.player_id,
            "movie_id": self.movie_id,
            "local_path": self.local_path,
            "remote_path": self.remote_path,
            "known": self.known,
            "matched_by": self.matched_by,
            "player_title": self.player_title,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class SyncResult:
    """One movie on one player (CONTRACT.md, `metarr sync`)."""

    movie_id: int
    player_id: int
    player: str
    action: SyncAction
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "movie_id": self.movie_id,
            "player": self.player,
            "player_id": self.player_id,
            "action": self.action.value,
            "error": self.error,
        }


@dataclass(slots=True)
class SyncReport:
    results: list[SyncResult] = field(default_factory=list)
    requests: dict[int, int] = field(default_factory=dict)  # player id -> requests sent this run

    @property
    def failed(self) -> bool:
        return any(r.action is SyncAction.FAILED for r in self.results)

    @property
    def deferred(self) -> bool:
        return any(r.action is SyncAction.DEFERRED for r in self.results)

    def to_json(self) -> dict[str, Any]:
        return {"results": [r.to_json() for r in self.results]}


@dataclass(frozen=True, slots=True)
class MovieSyncState:
    """One player's sync state for one movie (the movie page's widget)."""

    player_id: int
    player: str
    kind: PlayerKind
    state: SyncState | None  # None: never queued for this player
    action: str | None
    error: str | None
    synced_at: datetime | None

    @property
    def text(self) -> str:
        if self.state is None:
            return "never synced"
        if self.state is SyncState.SYNCED:
            return "in sync"
        if self.state is SyncState.DEFERRED:
            return "deferred (playing)"
        if self.state is SyncState.FAILED:
            return f"failed: {self.error}" if self.error else "failed"
        if self.state is SyncState.NOT_FOUND:
            return f"not found: {self.error}" if self.error else "not found"
        return f"pending: {self.error}" if self.error else "pending"


ChangeListener = Callable[[], None]


def parse_kind(text: str | PlayerKind) -> PlayerKind:
    try:
        return PlayerKind(str(text).lower())
    except ValueError:
        raise PlayerConfigError(f"unknown player kind {text!r} (expected kodi, jellyfin or plex)") from None
