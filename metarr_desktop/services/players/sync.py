"""The sync queue and the runs that work it off.

`enqueue(movie_ids, reason)` owes every movie to every enabled player, one row per (player, movie)
in the database (several changes before a sync are one sync; the queue survives restarts).
`sync_pending()` works the queue off; `sync(movie_ids)` is "Sync to players" (enqueue, then sync
just those); `notify` is the coalesced sync after published changes.

One run, per player: the player's movie list (or Plex's sections) is read once; a Kodi is asked
whether it is playing (again at most every `PLAYING_RECHECK_S`), and while it is, its syncs are
deferred, never interrupting; then each movie is one request (refresh a known movie, scan the folder
of one the player does not have). A player that cannot be reached or refuses its credentials stops
for this run; what it is owed stays queued for the next.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.records import SyncState
from metarr_desktop.players import PlayerClient
from metarr_desktop.players import PlayerLibrary
from metarr_desktop.players import SyncAction
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import NetworkError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ProviderTimeoutError
from metarr_desktop.providers.errors import ProviderUnavailableError
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.services.players.base import PlayerServiceBase
from metarr_desktop.services.players.mapping import movie_target
from metarr_desktop.services.players.models import MovieSyncState
from metarr_desktop.services.players.models import SyncReport
from metarr_desktop.services.players.models import SyncResult
from metarr_desktop.services.players.models import engine_id
from metarr_desktop.services.players.models import parse_kind
from metarr_desktop.store.players import PlayerRecord
from metarr_desktop.store.players import SyncEntry

log = logging.getLogger(__name__)

#: A playing Kodi is asked again at most this often within one run (seconds).
PLAYING_RECHECK_S = 10.0
#: After a run deferred syncs (a player was playing), the window retries after this long (seconds).
DEFER_RETRY_S = 60.0

#: Errors that say the player is not there (or not answering) right now: stop it for this run.
_OFFLINE = (NetworkError, ProviderTimeoutError, ServerError, ProviderUnavailableError)


def not_found_reason(path: str | None) -> str:
    """Why a player did not find a movie: it has no folder in the library (so only its ids could
    match), or no library of the player holds its folder (the mappings are the usual cause)."""
    if not path:
        return "the movie has no folder, and the player has no movie with its ids"
    return "no library of this player holds the movie's folder (check the mappings)"


class PlayerSyncQueue(PlayerServiceBase):
    """The queue of syncs owed to the players and the runs that work it off."""

    # -- after publishing ------------------------------------------------------------------------------

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
                    kind=parse_kind(record.kind),
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
            target = movie_target(record, movie.id, movie.path, movie.ids.imdb, movie.ids.tmdb)
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
                finish(entry, action, not_found_reason(movie.path))
            else:
                finish(entry, action)
                synced_any = True
        self._repo.note_run(record.id, error=last_error, synced=synced_any)
