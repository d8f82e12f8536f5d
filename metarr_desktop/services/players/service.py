"""`PlayerSyncService`: tell each configured media player about each changed movie, and only those.

Configuration: players (kind, name, URL, user name, path mappings) in the database; their password or
token in the secrets store (``player:<id>``), registered with the log redactor and never in the
database, an exception or a log line.

The queue: `enqueue(movie_ids, reason)` owes every movie to every enabled player, one row per
(player, movie) in the database (several changes before a sync are one sync; the queue survives
restarts). `sync_pending()` works the queue off; `sync(movie_ids)` is "Sync to players" (enqueue,
then sync just those).

The parts: `config.py` (the players and their clients), `mapping.py` (paths as a player sees
them), `sync.py` (the queue and its runs), on the state of `base.py`; the values in `models.py`.

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

from metarr_desktop.services.players.config import PlayerConfiguration
from metarr_desktop.services.players.mapping import PlayerMapping
from metarr_desktop.services.players.sync import PlayerSyncQueue


class PlayerSyncService(PlayerConfiguration, PlayerMapping, PlayerSyncQueue):
    """Players, their sync queue and the runs that work it off.

    Attributes:
        pool: the players' runtimes in the engine (health, breaker, pacing).
        orchestrator: runs every player request with the engine's rules.
        auto_retry: after a run deferred syncs, retry them after `DEFER_RETRY_S` (the window sets it).
    """

    async def aclose(self) -> None:
        if self._notify_task is not None and not self._notify_task.done():
            self._notify_task.cancel()
        if self._retry_task is not None:
            self._retry_task.cancel()
        await self.pool.aclose()
        self._clients.clear()
