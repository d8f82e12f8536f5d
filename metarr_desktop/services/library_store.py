"""`LibraryStore`: the database, the library's repositories and the clock, as one argument.

The library's services (identification, enrichment, inspect, undo, library files) all read and write
movies in the same database, log their refreshes in the same enrichment log and stamp them with the
same clock. They take these parts together as a `LibraryStore`, then only what is particular to each.
"""

from __future__ import annotations

from dataclasses import dataclass

from metarr_desktop.core.clock import Clock
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import EnrichmentLogRepository
from metarr_desktop.store.library import MovieRepository


@dataclass(frozen=True, slots=True)
class LibraryStore:
    """Attributes:
    database: the open database (its `atomic()` is each service's transaction).
    movies: the movies, their fields, sources, locks and identification.
    enrichment_log: the history of refreshes (and their undoing).
    clock: the time every write is stamped with.
    """

    database: Database
    movies: MovieRepository
    enrichment_log: EnrichmentLogRepository
    clock: Clock
