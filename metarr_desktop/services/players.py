"""`PlayerSyncService`: tell each configured media player about each changed movie, and only those.

Configuration: players (kind, name, URL, user name, path mappings) in the database; their password or
token in the secrets store (``player:<id>``), registered with the log redactor and never in the
database, an exception or a log line.

The queue: `enqueue(movie_ids, reason)` owes every movie to every enabled player, one row per
(player, movie) in the database (several changes before a sync are one sync; the queue survives
restarts). `sync_pending()` works the queue off; `sync(movie_ids)` is "Sync to players" (enqueue,
then sync just those).

One run, per player: the player's movie list (or Plex's sections) is read once; a Kodi is asked
whether it is playing (again at most every `PLAYING_RECHECK_S`), and while it is, its syncs are
deferred, never interrupting; then each movie is one request (refresh a known movie, scan the folder
of one the player does not have). Every request runs through the engine (`FetchOrchestrator.call`:
timeout, retries with backoff, circuit breaker, health) on a `ProviderPool` of its own, so players
show on the Health page and are kept out of metadata fetches. A player that cannot be reached or
refuses its credentials stops for this run; what it is owed stays queued for the next.

Wiring after publishing (for the lead): when the publishing service has written a movie's files
for a change set with ``requires_player_sync``, call ``await services.players.enqueue([movie_id],
change.sync_reason)`` and then ``await services.players.sync_pending()`` (or leave the queue to the
next ``metarr sync --pending``).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

import httpx

from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.clock import Clock
from metarr_desktop.core.player_paths import PathMapping, parent, to_remote
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.records import SyncState
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.engine.runtime import ProviderPool, ProviderSettings
from metarr_desktop.logsetup import register_secret
from metarr_desktop.players import (
    DISPLAY_NAMES,
    MovieTarget,
    PlayerClient,
    PlayerInfo,
    PlayerKind,
    PlayerLibrary,
    SyncAction,
    create_client,
)
from metarr_desktop.providers.base import MetadataProvider, describe_error
from metarr_desktop.providers.errors import (
    AuthenticationError,
    NetworkError,
    ProviderError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    ServerError,
)
from metarr_desktop.services.library import VIDEO_EXTENSIONS
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.players import PlayerRecord, PlayerRepository, SyncEntry
from metarr_desktop.store.secrets import SecretStore

log = logging.getLogger(__name__)

#: A playing Kodi is asked again at most this often within one run (seconds).
PLAYING_RECHECK_S = 10.0
#: After a run deferred syncs (a player was playing), the window retries after this long (seconds).
DEFER_RETRY_S = 60.0

#: Errors that say the player is not there (or not answering) right now: stop it for this run.
_OFFLINE = (NetworkError, ProviderTimeoutError, ServerError, ProviderUnavailableError)


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


def _validate_url(url: str) -> str:
    url = url.strip().rstrip("/")
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.netloc:
        raise PlayerConfigError(f"expected an http:// or https:// address, got {url!r}")
    return url


def _kind(text: str | PlayerKind) -> PlayerKind:
    try:
        return PlayerKind(str(text).lower())
    except ValueError:
        raise PlayerConfigError(f"unknown player kind {text!r} (expected kodi, jellyfin or plex)") from None


class PlayerSyncService:
    """Players, their sync queue and the runs that work it off.

    Attributes:
        pool: the players' runtimes in the engine (health, breaker, pacing).
        orchestrator: runs every player request with the engine's rules.
        auto_retry: after a run deferred syncs, retry them after `DEFER_RETRY_S` (the window sets it).
    """

    def __init__(
        self,
        *,
        repository: PlayerRepository,
        movies: MovieRepository,
        secrets: SecretStore,
        clock: Clock,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._repo = repository
        self._movies = movies
        self._secrets = secrets
        self._clock = clock
        self._transport = transport
        self.pool = ProviderPool(clock)
        self.orchestrator = FetchOrchestrator(self.pool, clock=clock)
        self._clients: dict[int, PlayerClient] = {}
        self._listeners: list[ChangeListener] = []
        self._run_lock = asyncio.Lock()
        self.auto_retry = False
        self._retry_task: asyncio.Task[None] | None = None
        #: The coalesced sync after published changes (`notify`), and whether more came meanwhile.
        self._notify_task: asyncio.Task[None] | None = None
        self._notify_again = False
        self.start_errors: dict[int, str] = {}

    # -- start and stop ------------------------------------------------------------------------------

    def start(self) -> None:
        """Build a client for every configured player (call once after opening)."""
        for record in self._repo.all():
            try:
                self._start_client(record)
            except Exception as exc:  # one broken player must not keep the others from starting
                self.start_errors[record.id] = describe_error(exc)

    def _start_client(self, record: PlayerRecord) -> PlayerClient:
        secret = self._secrets.get(secret_name(record.id))
        register_secret(secret)
        client = create_client(
            _kind(record.kind),
            player_id=engine_id(record.id),
            name=record.name,
            url=record.url,
            username=record.username,
            secret=secret,
            transport=self._transport,
        )
        # The pool holds any client with an id, a gate and `aclose` (that is all it and
        # `FetchOrchestrator.call` use); players are never part of a metadata `fetch_all`.
        member: Any = client
        provider: MetadataProvider = member
        self.pool.add(provider, ProviderSettings(enabled=record.enabled, priority=record.id))
        self._clients[record.id] = client
        return client

    async def _restart_client(self, player_id: int) -> None:
        old = self._clients.pop(player_id, None)
        pid = engine_id(player_id)
        saved = self.pool.get(pid).to_state() if pid in self.pool else None
        if old is not None:
            await old.aclose()
        record = self._repo.get(player_id)
        if record is None:
            if pid in self.pool:
                self.pool.remove(pid)
            return
        self._start_client(record)
        if saved is not None:
            runtime = self.pool.get(pid)
            runtime.restore({"health": saved["health"]})
            self.pool.notify(runtime)

    async def notify(self, movie_id: int, changes: ChangeSet) -> bool:
        """After a movie's files were published: owe it to the players when its change set touched a
        player-visible field, and work off the queue soon. Changes that arrive while a sync runs
        (an Enrich all publishing movie after movie) are served by one more run, so each player's
        movie list is read once per run, not once per movie. False when nothing was owed."""
        if not await self.enqueue_changes(movie_id, changes):
            return False
        if self._notify_task is not None and not self._notify_task.done():
            self._notify_again = True
            return True
        self._notify_task = asyncio.create_task(self._notified_runs())
        return True

    async def _notified_runs(self) -> None:
        while True:
            self._notify_again = False
            try:
                await self.sync_pending(priority=Priority.BACKGROUND)
            except Exception:  # the queue keeps what is owed; the next run catches up
                log.exception("syncing the players after publishing failed")
            if not self._notify_again:
                return

    async def drain(self) -> None:
        """Wait for the syncs `notify` started (the CLI waits before it exits)."""
        while self._notify_task is not None and not self._notify_task.done():
            await asyncio.shield(self._notify_task)

    async def aclose(self) -> None:
        if self._notify_task is not None and not self._notify_task.done():
            self._notify_task.cancel()
        if self._retry_task is not None:
            self._retry_task.cancel()
        await self.pool.aclose()
        self._clients.clear()

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        """Called after every configuration change and every run (the Players page refreshes)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _changed(self) -> None:
        for listener in list(self._listeners):
            try:
                listener()
            except Exception:
                log.exception("player listener failed")

    # -- configuration -----------------------------------------------------------------------------

    def _view(self, record: PlayerRecord, pending: dict[int, int]) -> PlayerView:
        pid = engine_id(record.id)
        status = self.pool.get(pid).health_snapshot().status.value if pid in self.pool else "unknown"
        return PlayerView(
            id=record.id,
            kind=_kind(record.kind),
            name=record.name,
            url=record.url,
            username=record.username,
            enabled=record.enabled,
            path_mappings=record.path_mappings,
            has_secret=self._secrets.has(secret_name(record.id)),
            status=status,
            last_sync_at=record.last_sync_at,
            last_error=record.last_error,
            pending=pending.get(record.id, 0),
        )

    def all(self) -> list[PlayerView]:
        pending = self._repo.pending_counts()
        return [self._view(record, pending) for record in self._repo.all()]

    def get(self, player_id: int) -> PlayerView:
        record = self._repo.get(player_id)
        if record is None:
            raise KeyError(f"there is no player {player_id} (see `metarr players list`)")
        return self._view(record, self._repo.pending_counts())

    def names(self) -> dict[str, str]:
        """engine id -> the player's name (the Health page's card titles)."""
        names: dict[str, str] = {}
        for record in self._repo.all():
            kind = DISPLAY_NAMES[_kind(record.kind)]
            names[engine_id(record.id)] = record.name if kind in record.name else f"{record.name} ({kind})"
        return names

    def health(self) -> list[ProviderHealth]:
        return self.pool.health()

    @property
    def secret_storage_warning(self) -> str | None:
        return self._secrets.warning

    async def add(self, kind: str | PlayerKind, change: PlayerChange) -> PlayerView:
        player_kind = _kind(kind)
        name = str(change.name).strip() if change.name is not UNSET and change.name else ""
        if not name:
            raise PlayerConfigError("a player needs a name")
        if change.url is UNSET or not change.url:
            raise PlayerConfigError("a player needs a URL")
        url = _validate_url(str(change.url))
        mappings = self._mappings(change.path_mappings) if change.path_mappings is not UNSET else ()
        username = change.username if change.username is not UNSET else None
        record = self._repo.add(
            player_kind.value,
            name,
            url,
            username=username or None,
            enabled=True if change.enabled is UNSET else bool(change.enabled),
            path_mappings=mappings,
        )
        if change.secret is not UNSET and change.secret:
            self._store_secret(record.id, str(change.secret))
        self._start_client(record)
        self._changed()
        return self.get(record.id)

    async def update(self, player_id: int, change: PlayerChange) -> PlayerView:
        self.get(player_id)  # KeyError for an unknown player
        values: dict[str, Any] = {}
        if change.name is not UNSET:
            if not str(change.name).strip():
                raise PlayerConfigError("a player needs a name")
            values["name"] = str(change.name).strip()
        if change.url is not UNSET:
            values["url"] = _validate_url(str(change.url))
        if change.username is not UNSET:
            values["username"] = change.username or None
        if change.path_mappings is not UNSET:
            values["path_mappings"] = self._mappings(change.path_mappings)
        if change.enabled is not UNSET:
            values["enabled"] = bool(change.enabled)
        if values:
            self._repo.update(player_id, **values)
        if change.secret is not UNSET:
            if change.secret:
                self._store_secret(player_id, str(change.secret))
            else:
                self._secrets.delete(secret_name(player_id))
        await self._restart_client(player_id)
        self._changed()
        return self.get(player_id)

    async def remove(self, player_id: int) -> None:
        self.get(player_id)
        self._repo.delete(player_id)
        self._secrets.delete(secret_name(player_id))
        await self._restart_client(player_id)
        self._changed()

    def _store_secret(self, player_id: int, secret: str) -> None:
        register_secret(secret)
        self._secrets.set_secret(secret_name(player_id), secret)

    @staticmethod
    def _mappings(value: Iterable[PathMapping | str]) -> tuple[PathMapping, ...]:
        out: list[PathMapping] = []
        for item in value:
            try:
                out.append(item if isinstance(item, PathMapping) else PathMapping.parse(item))
            except ValueError as exc:
                raise PlayerConfigError(str(exc)) from None
        return tuple(out)

    # -- talking to one player -------------------------------------------------------------------

    def _client(self, player_id: int) -> PlayerClient:
        client = self._clients.get(player_id)
        if client is None:
            raise KeyError(f"there is no player {player_id} (see `metarr players list`)")
        return client

    async def test(self, player_id: int) -> ConnectionCheck:
        """One request or two: reachable and authorised, with the player's name and version."""
        self.get(player_id)
        client = self._client(player_id)
        try:
            info = await self.orchestrator.call(engine_id(player_id), lambda _p: client.info())
        except ProviderError as exc:
            return ConnectionCheck(player_id, False, exc.message)
        return ConnectionCheck(player_id, True, f"{info.name} {info.version} ({info.product})", info)

    def target(self, player_id: int, movie_id: int) -> MovieTarget:
        """The movie as this player would see it: its path through the player's mappings."""
        record = self._repo.get(player_id)
        movie = self._movies.get(movie_id)
        if record is None or movie is None:
            raise KeyError(f"there is no movie {movie_id}" if record else f"there is no player {player_id}")
        return self._target(record, movie.id, movie.path, movie.ids.imdb, movie.ids.tmdb)

    @staticmethod
    def _target(
        record: PlayerRecord, movie_id: int, path: str | None, imdb: str | None, tmdb: int | None
    ) -> MovieTarget:
        remote = to_remote(path, list(record.path_mappings)) if path else None
        folder = None
        if remote is not None and path is not None:
            is_file = PurePath(path.replace("\\", "/")).suffix.lower() in VIDEO_EXTENSIONS
            folder = parent(remote) if is_file else remote
        return MovieTarget(movie_id, remote, folder, imdb, str(tmdb) if tmdb else None)

    async def check_mapping(self, player_id: int, movie_id: int) -> MappingCheck:
        """The mapping tester: map one library movie's path and ask the player whether it has it."""
        target = self.target(player_id, movie_id)
        movie = self._movies.require(movie_id)
        client = self._client(player_id)
        if target.path is None:
            return MappingCheck(
                player_id,
                movie_id,
                None,
                None,
                None,
                None,
                None,
                "This movie has no file path in the library.",
            )
        try:
            library = await self.orchestrator.call(engine_id(player_id), lambda _p: client.library())
        except ProviderError as exc:
            return MappingCheck(
                player_id, movie_id, movie.path, target.path, None, None, None, f"Cannot ask: {exc.message}"
            )
        if library.sections or client.kind is PlayerKind.PLEX:
            section = library.section_for(target.folder or target.path)
            if section is None:
                message = "No library section of this player holds that folder."
                return MappingCheck(player_id, movie_id, movie.path, target.path, False, None, None, message)
            message = f"Inside the library section {section.title!r}."
            return MappingCheck(
                player_id, movie_id, movie.path, target.path, True, "path", section.title, message
            )
        item = library.find_by_path(target)
        if item is not None:
            message = f"The player knows this path ({item.title})."
            return MappingCheck(
                player_id, movie_id, movie.path, target.path, True, "path", item.title, message
            )
        by_id = library.find(target)
        if by_id is not None:
            how = (
                "imdb" if target.imdb and by_id.imdb and by_id.imdb.lower() == target.imdb.lower() else "tmdb"
            )
            message = (
                f"The path is unknown to the player, but it has this movie by its {how.upper()} id at "
                f"{by_id.path}: check the mappings."
            )
            return MappingCheck(
                player_id, movie_id, movie.path, target.path, False, how, by_id.title, message
            )
        message = "The player does not know this path (a sync would ask it to scan the folder)."
        return MappingCheck(player_id, movie_id, movie.path, target.path, False, None, None, message)

    # -- the queue -------------------------------------------------------------------------------------

    def _enabled_ids(self) -> list[int]:
        return [r.id for r in self._repo.all() if r.enabled]

    async def enqueue(self, movie_ids: Iterable[int], reason: str | None = None) -> int:
        """Owe these movies to every enabled player (one row per player and movie)."""
        ids = list(movie_ids)
        players = self._enabled_ids()
        if not ids or not players:
            return 0
        touched = self._repo.enqueue(players, ids, reason)
        self._changed()
        return touched

    async def enqueue_changes(self, movie_id: int, changes: ChangeSet) -> bool:
        """Owe the movie to the players only when its change set touched a player-visible field."""
        if not changes.requires_player_sync:
            return False
        return await self.enqueue([movie_id], changes.sync_reason) > 0

    def movie_states(self, movie_id: int) -> list[MovieSyncState]:
        """Each player's sync state for this movie (the movie page's widget)."""
        entries = self._repo.for_movie(movie_id)
        out: list[MovieSyncState] = []
        for record in self._repo.all():
            entry: SyncEntry | None = entries.get(record.id)
            out.append(
                MovieSyncState(
                    player_id=record.id,
                    player=record.name,
                    kind=_kind(record.kind),
                    state=entry.state if entry else None,
                    action=entry.action if entry else None,
                    error=entry.error if entry else None,
                    synced_at=entry.synced_at if entry else None,
                )
            )
        return out

    async def sync(
        self,
        movie_ids: Iterable[int],
        reason: str | None = "on demand",
        *,
        priority: Priority = Priority.USER,
    ) -> SyncReport:
        """ "Sync to players": owe these movies to every enabled player, then sync just them."""
        ids = list(dict.fromkeys(movie_ids))
        for movie_id in ids:
            self._movies.require(movie_id)  # KeyError for an unknown movie
        await self.enqueue(ids, reason)
        return await self._run(ids, priority)

    async def sync_pending(self, *, priority: Priority = Priority.USER) -> SyncReport:
        """Work off everything owed to every enabled player (cron, after publishing, catch-up)."""
        return await self._run(None, priority)

    async def _run(self, movie_ids: list[int] | None, priority: Priority) -> SyncReport:
        report = SyncReport()
        async with self._run_lock:
            work: list[tuple[PlayerRecord, list[SyncEntry], SyncReport]] = []
            for record in self._repo.all():
                if not record.enabled or record.id not in self._clients:
                    continue
                owed = self._repo.owed(record.id, movie_ids)
                if owed:
                    work.append((record, owed, SyncReport()))
            # The players are independent: they are synced at the same time, each in queue order.
            async with asyncio.TaskGroup() as group:
                for record, owed, part in work:
                    group.create_task(self._run_player(record, owed, priority, part))
            for _, _, part in work:
                report.results.extend(part.results)
                report.requests.update(part.requests)
        self._changed()
        if report.deferred and self.auto_retry:
            self._schedule_retry()
        return report

    def _schedule_retry(self) -> None:
        if self._retry_task is not None and not self._retry_task.done():
            return

        async def later() -> None:
            await self._clock.sleep(DEFER_RETRY_S)
            await self.sync_pending(priority=Priority.BACKGROUND)

        self._retry_task = asyncio.get_running_loop().create_task(later())

    async def _run_player(
        self, record: PlayerRecord, owed: list[SyncEntry], priority: Priority, report: SyncReport
    ) -> None:
        client = self._clients[record.id]
        pid = engine_id(record.id)
        requests = 0

        async def ask(operation: Callable[[], Any]) -> Any:
            nonlocal requests
            requests += 1
            return await self.orchestrator.call(pid, lambda _p: operation(), priority=priority)

        def finish(entry: SyncEntry, action: SyncAction, error: str | None = None) -> None:
            state = {
                SyncAction.REFRESHED: SyncState.SYNCED,
                SyncAction.SCANNED: SyncState.SYNCED,
                SyncAction.DEFERRED: SyncState.DEFERRED,
                SyncAction.NOT_FOUND: SyncState.NOT_FOUND,
                SyncAction.FAILED: SyncState.FAILED,
            }[action]
            self._repo.record(record.id, entry.movie_id, state, action=action.value, error=error)
            report.results.append(SyncResult(entry.movie_id, record.id, record.name, action, error))

        def stop(entries: list[SyncEntry], exc: ProviderError) -> None:
            """The player cannot be reached or refuses us: everything left stays owed."""
            message = exc.message
            offline = isinstance(exc, _OFFLINE)
            for entry in entries:
                state = SyncState.PENDING if offline else SyncState.FAILED
                self._repo.record(
                    record.id, entry.movie_id, state, action=SyncAction.FAILED.value, error=message
                )
                report.results.append(
                    SyncResult(entry.movie_id, record.id, record.name, SyncAction.FAILED, message)
                )
            self._repo.note_run(record.id, error=message, synced=False)

        try:
            await self._work(record, client, owed, ask, finish, stop)
        finally:
            report.requests[record.id] = requests

    async def _work(
        self,
        record: PlayerRecord,
        client: PlayerClient,
        owed: list[SyncEntry],
        ask: Callable[[Callable[[], Any]], Any],
        finish: Callable[..., None],
        stop: Callable[[list[SyncEntry], ProviderError], None],
    ) -> None:
        synced_any = False
        try:
            playing_checked_at: float | None = None
            if client.checks_playback:
                playing_checked_at = self._clock.monotonic()
                if await ask(client.is_playing):
                    for entry in owed:
                        finish(entry, SyncAction.DEFERRED, "the player is playing; retried later")
                    self._repo.note_run(record.id, error=None, synced=False)
                    return
            library: PlayerLibrary = await ask(client.library)
        except ProviderError as exc:
            stop(owed, exc)
            return

        last_error: str | None = None
        for index, entry in enumerate(owed):
            movie = self._movies.get(entry.movie_id)
            if movie is None:  # removed from the library since
                finish(entry, SyncAction.NOT_FOUND, "the movie is no longer in the library")
                continue
            target = self._target(record, movie.id, movie.path, movie.ids.imdb, movie.ids.tmdb)
            try:
                if (
                    playing_checked_at is not None
                    and self._clock.monotonic() - playing_checked_at >= PLAYING_RECHECK_S
                ):
                    playing_checked_at = self._clock.monotonic()
                    if await ask(client.is_playing):
                        for rest in owed[index:]:
                            finish(rest, SyncAction.DEFERRED, "the player is playing; retried later")
                        break
                if target.path is None and target.imdb is None and target.tmdb is None:
                    finish(
                        entry, SyncAction.NOT_FOUND, "the movie has no path and no id the player could match"
                    )
                    continue
                action = await ask(functools.partial(client.sync, target, library))
            except (AuthenticationError, *_OFFLINE) as exc:
                stop(owed[index:], exc)
                return
            except ProviderError as exc:
                last_error = exc.message
                finish(entry, SyncAction.FAILED, exc.message)
                continue
            if action is SyncAction.NOT_FOUND:
                finish(
                    entry, action, "no library of this player holds the movie's folder (check the mappings)"
                )
            else:
                finish(entry, action)
                synced_any = True
        self._repo.note_run(record.id, error=last_error, synced=synced_any)


__all__ = [
    "UNSET",
    "ConnectionCheck",
    "MappingCheck",
    "MovieSyncState",
    "PlayerChange",
    "PlayerConfigError",
    "PlayerSyncService",
    "PlayerView",
    "SyncReport",
    "SyncResult",
    "engine_id",
]
