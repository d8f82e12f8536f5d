"""The configured media players and the persistent queue of syncs owed to them.

One queue row per (player, movie): enqueueing a movie that is already waiting merges the reasons
and keeps one row, so several changes before a sync are one sync. A synced row stays as the
movie's "in sync" state for that player; a new change turns it back into ``pending``. Passwords and
tokens are never stored here (see `store.secrets`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import peewee as pw

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.player_paths import PathMapping
from metarr_desktop.core.records import SyncState
from metarr_desktop.store.database import Database
from metarr_desktop.store.models import Player
from metarr_desktop.store.models import PlayerSyncEntry
from metarr_desktop.store.rows import record_of

#: Reasons merged into one row are cut to this many characters.
MAX_REASON = 500


#: States that a `sync_pending` run picks up (a failed sync is retried on the next run).
OWED = (SyncState.PENDING, SyncState.DEFERRED, SyncState.FAILED)


@dataclass(frozen=True, slots=True)
class PlayerRecord:
    id: int
    kind: str
    name: str
    url: str
    username: str | None
    enabled: bool
    path_mappings: tuple[PathMapping, ...]
    last_sync_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class SyncEntry:
    player_id: int
    movie_id: int
    state: SyncState
    reason: str | None
    action: str | None
    error: str | None
    attempts: int
    queued_at: datetime
    synced_at: datetime | None


def _player(row: Player) -> PlayerRecord:
    mappings = tuple(
        PathMapping(str(m["local"]), str(m["remote"]))
        for m in (row.path_mappings or [])
        if isinstance(m, dict) and m.get("local") and m.get("remote")
    )
    return record_of(PlayerRecord, row, enabled=bool(row.enabled), path_mappings=mappings)


def _entry(row: PlayerSyncEntry) -> SyncEntry:
    return record_of(SyncEntry, row, state=SyncState(row.state))


def _merge_reasons(old: str | None, new: str | None) -> str | None:
    if not old or old == new:
        return new or old
    if not new or new in old.split("; "):
        return old
    return f"{old}; {new}"[:MAX_REASON]


class PlayerRepository:
    """Players and their sync queue (short, indexed queries: fine on the event loop)."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    # -- players -----------------------------------------------------------------------------------

    def all(self) -> list[PlayerRecord]:
        return [_player(row) for row in Player.select().order_by(Player.id)]

    def get(self, player_id: int) -> PlayerRecord | None:
        row = Player.get_or_none(Player.id == player_id)
        return _player(row) if row else None

    def add(
        self,
        kind: str,
        name: str,
        url: str,
        *,
        username: str | None = None,
        enabled: bool = True,
        path_mappings: Iterable[PathMapping] = (),
    ) -> PlayerRecord:
        now = self._clock.now()
        row = Player.create(
            kind=kind,
            name=name,
            url=url,
            username=username,
            enabled=enabled,
            path_mappings=[m.to_json() for m in path_mappings],
            created_at=now,
            updated_at=now,
        )
        return _player(row)

    def update(self, player_id: int, **values: Any) -> PlayerRecord:
        if "path_mappings" in values:
            values["path_mappings"] = [m.to_json() for m in values["path_mappings"]]
        values["updated_at"] = self._clock.now()
        Player.update(**values).where(Player.id == player_id).execute()
        record = self.get(player_id)
        if record is None:
            raise KeyError(f"there is no player {player_id}")
        return record

    def delete(self, player_id: int) -> None:
        with self._database.atomic():
            PlayerSyncEntry.delete().where(PlayerSyncEntry.player_id == player_id).execute()
            Player.delete().where(Player.id == player_id).execute()

    def note_run(self, player_id: int, *, error: str | None, synced: bool) -> None:
        """After a run: the last error (None clears it) and, when something was synced, the time."""
        values: dict[str, Any] = {"last_error": error}
        if synced:
            values["last_sync_at"] = self._clock.now()
        Player.update(**values).where(Player.id == player_id).execute()

    # -- the queue -------------------------------------------------------------------------------

    def enqueue(self, player_ids: Iterable[int], movie_ids: Iterable[int], reason: str | None) -> int:
        """Owe every movie to every player; a movie already owed keeps its one row. Returns rows touched."""
        now = self._clock.now()
        players = list(player_ids)
        movies = list(dict.fromkeys(movie_ids))
        touched = 0
        with self._database.atomic():
            existing = {
                (row.player_id, row.movie_id): row
                for row in PlayerSyncEntry.select().where(
                    PlayerSyncEntry.player_id.in_(players), PlayerSyncEntry.movie_id.in_(movies)
                )
            }
            for player_id in players:
                for movie_id in movies:
                    row = existing.get((player_id, movie_id))
                    if row is None:
                        PlayerSyncEntry.create(
                            player_id=player_id,
                            movie_id=movie_id,
                            state=SyncState.PENDING.value,
                            reason=reason,
                            queued_at=now,
                            updated_at=now,
                        )
                    else:
                        owed = row.state in {s.value for s in OWED}
                        PlayerSyncEntry.update(
                            state=SyncState.PENDING.value,
                            reason=_merge_reasons(row.reason if owed else None, reason),
                            queued_at=row.queued_at if owed else now,
                            updated_at=now,
                        ).where(PlayerSyncEntry.id == row.id).execute()
                    touched += 1
        return touched

    def owed(self, player_id: int, movie_ids: Iterable[int] | None = None) -> list[SyncEntry]:
        """The syncs this player is owed (oldest first); only those movies when given."""
        query = PlayerSyncEntry.select().where(
            PlayerSyncEntry.player_id == player_id, PlayerSyncEntry.state.in_([s.value for s in OWED])
        )
        if movie_ids is not None:
            query = query.where(PlayerSyncEntry.movie_id.in_(list(movie_ids)))
        return [_entry(row) for row in query.order_by(PlayerSyncEntry.queued_at, PlayerSyncEntry.id)]

    def record(
        self,
        player_id: int,
        movie_id: int,
        state: SyncState,
        *,
        action: str | None,
        error: str | None,
    ) -> None:
        """How one sync ended; a synced movie's reason is cleared (nothing owed any more)."""
        now = self._clock.now()
        values: dict[str, Any] = {
            "state": state.value,
            "action": action,
            "error": error,
            "updated_at": now,
            "attempts": PlayerSyncEntry.attempts + 1,
        }
        if state in (SyncState.SYNCED, SyncState.NOT_FOUND):
            values["synced_at"] = now if state is SyncState.SYNCED else None
            values["attempts"] = 0
        PlayerSyncEntry.update(**values).where(
            PlayerSyncEntry.player_id == player_id, PlayerSyncEntry.movie_id == movie_id
        ).execute()

    def pending_counts(self) -> dict[int, int]:
        """player id -> how many movies it is owed."""
        query: Any = (
            PlayerSyncEntry.select(PlayerSyncEntry.player_id, pw.fn.COUNT(PlayerSyncEntry.id))
            .where(PlayerSyncEntry.state.in_([s.value for s in OWED]))
            .group_by(PlayerSyncEntry.player_id)
            .tuples()
        )
        return {int(player_id): int(count) for player_id, count in query}

    def for_movie(self, movie_id: int) -> dict[int, SyncEntry]:
        """player id -> this movie's sync state with that player."""
        query = PlayerSyncEntry.select().where(PlayerSyncEntry.movie_id == movie_id)
        return {row.player_id: _entry(row) for row in query}
