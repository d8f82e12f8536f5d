"""The rows publishing a movie reads (`KnownMovie`), and `ReadAhead`: a publish of many movies reads
the next movies' rows together, one query per table, while they are fresh."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from metarr_desktop.core.records import CachedAsset
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.store.publish import LedgerEntry

#: How long `publish` trusts what it read ahead for the next movies (one query per table for up to
#: `READ_AHEAD` of them, instead of four per movie): a movie reached later is read again, so one
#: changed meanwhile is seen as before. A chunk that went stale early makes the next one smaller.
READ_AHEAD_S = 0.5
READ_AHEAD = 64


@dataclass(slots=True)
class KnownMovie:
    """What publishing one movie reads from the database."""

    movie: MovieRecord
    ledger: dict[str, LedgerEntry]
    assets: list[CachedAsset]
    last_published: datetime | None
    generation: int  # `PublishService._generation` of the movie when read


class ReadAhead:
    """The next movies' rows of a publish of many, read together while fresh (`READ_AHEAD_S`)."""

    def __init__(self, read: Callable[[list[int]], dict[int, KnownMovie]], ids: list[int]) -> None:
        self._read = read
        self._ids = ids
        self._rows: dict[int, KnownMovie] = {}
        self._read_at: float | None = None
        self._size = READ_AHEAD
        self._used = 0

    def get(self, index: int) -> KnownMovie | None:
        movie_id = self._ids[index]
        stale = self._read_at is None or time.monotonic() - self._read_at > READ_AHEAD_S
        if stale or movie_id not in self._rows:
            if self._read_at is not None:
                self._size = max(1, min(READ_AHEAD, self._used * 2))
            self._rows = self._read(self._ids[index : index + self._size])
            self._read_at = time.monotonic()
            self._used = 0
        self._used += 1
        return self._rows.get(movie_id)


__all__ = ["READ_AHEAD", "READ_AHEAD_S", "KnownMovie", "ReadAhead"]
