# ruff: noqa: PTH110, PTH119
# Paths are plain strings here as in the walk (stored as text).
"""The library: adding movies by hand, scanning folders for them, listing, (un)monitoring, removing.

A scan walks a folder (`services.library_walk`: layouts, names, NFO files, extras, TV set aside,
bad entries as warnings) on a worker thread, then compares what it found with the library, also off
the loop, in one transaction:

- a movie already in the library (the same path; or the same ids and the same edition) is never added
  again: it is reported under ``existing``, and a movie added by hand without a path gets this one;
- a folder that was moved or renamed keeps its movie (fields, locks, history): a film found at a new
  path whose ids (from its NFO or its name) are those of a movie whose old path is gone, or, without
  ids, whose title, year and edition are, takes the new path (``moved``);
- a movie under the scanned folder whose path is gone is marked missing (``missing``), never deleted;
  found again, it is no longer missing (``found_again``);
- two editions of one film are two entries with the same ids;
- everything else is added, `unidentified` (identified by the enrichment that follows, or
  `metarr identify`).

Nothing here touches the files on disk; `remove` deletes a movie from the library only.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from metarr_desktop.core.artwork import FIELD_OF_TYPE
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.matching import normalise_title
from metarr_desktop.core.records import CachedAsset
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.records import MovieRow
from metarr_desktop.services.library_walk import EXTRA_FOLDERS
from metarr_desktop.services.library_walk import MAX_NFO_BYTES
from metarr_desktop.services.library_walk import VIDEO_EXTENSIONS
from metarr_desktop.services.library_walk import FoundMovie
from metarr_desktop.services.library_walk import LibraryError
from metarr_desktop.services.library_walk import WalkError
from metarr_desktop.services.library_walk import WalkResult
from metarr_desktop.services.library_walk import shown
from metarr_desktop.services.library_walk import walk_library
from metarr_desktop.services.movie_fields import FieldDetail
from metarr_desktop.services.movie_fields import FieldValueError
from metarr_desktop.services.movie_fields import MovieDetail
from metarr_desktop.services.movie_fields import read_detail
from metarr_desktop.services.movie_fields import set_lock
from metarr_desktop.services.movie_fields import write_edit
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.library import ScanIndexEntry

__all__ = [
    "EXTRA_FOLDERS",
    "MAX_NFO_BYTES",
    "VIDEO_EXTENSIONS",
    "FoundMovie",
    "LibraryError",
    "LibraryService",
    "ScanReport",
    "walk_library",
]

#: `LibraryService.rows` reads up to this many ids on the loop (one short indexed query).
ROWS_ON_LOOP = 500


@dataclass(slots=True)
class ScanReport:
    """What a scan did.

    Attributes:
        added: ids of the movies it added.
        existing: ids of movies it found that were already in the library (same path or same ids).
        moved: ids of movies found at a new path (their folder was moved or renamed).
        missing: ids of movies under the scanned folder whose path is gone (kept, marked missing).
        found_again: ids of movies marked missing before and found again.
        tv: the TV series folders and episode files set aside.
        extras: the extras skipped (folders such as ``Extras``, ``Trailers``; files such as
            ``…-trailer.mkv``, ``sample.mkv``); ``extras_skipped`` in the JSON is their count.
        warnings: one line per folder or file that could not be read as expected.
    """

    added: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)
    found_again: list[int] = field(default_factory=list)
    tv: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "existing": list(self.existing),
            "moved": list(self.moved),
            "missing": list(self.missing),
            "found_again": list(self.found_again),
            "tv_set_aside": len(self.tv),
            "tv": [shown(path) for path in self.tv],
            "warnings": list(self.warnings),
            "extras_skipped": len(self.extras),
        }


@dataclass(frozen=True, slots=True)
class AddResult:
    """`LibraryService.add_unique`: the movie, and whether it was already in the library."""

    record: MovieRecord
    existing: bool


def movie_json(record: MovieRecord) -> dict[str, Any]:
    """One movie as `metarr library list` shows it (CONTRACT.md keys, plus its path, edition and
    whether its folder was missing at the last scan)."""
    return {
        "id": record.id,
        "title": record.title,
        "year": record.year,
        "ids": record.ids.to_json(),
        "status": record.status.value,
        "monitored": record.monitored,
        "last_enriched_at": record.last_enriched_at.isoformat() if record.last_enriched_at else None,
        "path": record.path,
        "edition": record.edition,
        "missing": record.missing,
    }


def _edition_key(edition: str | None) -> str:
    return normalise_title(edition or "")


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Index:
    """The library as a scan compares with it: by path, by id and by title, year and edition."""

    def __init__(self, entries: list[ScanIndexEntry]) -> None:
        self.by_path: dict[str, ScanIndexEntry] = {}
        self.by_id: dict[tuple[IdType, int | str], list[ScanIndexEntry]] = {}
        self.by_name: dict[tuple[str, int | None, str], list[ScanIndexEntry]] = {}
        for entry in entries:
            self.put(entry)

    def put(self, entry: ScanIndexEntry) -> None:
        if entry.path:
            self.by_path[entry.path] = entry
        for kind, value in entry.ids.known().items():
            self.by_id.setdefault((kind, value), []).append(entry)
        key = (normalise_title(entry.title), entry.year, _edition_key(entry.edition))
        self.by_name.setdefault(key, []).append(entry)

    def same_film(self, ids: ExternalIds, edition: str | None) -> list[ScanIndexEntry]:
        """Movies with any of `ids` and the same edition, by id."""
        found: dict[int, ScanIndexEntry] = {}
        for kind, value in ids.known().items():
            for entry in self.by_id.get((kind, value), []):
                if _edition_key(entry.edition) == _edition_key(edition) and not _conflicts(entry.ids, ids):
                    found[entry.id] = entry
        return [found[key] for key in sorted(found)]


def _conflicts(a: ExternalIds, b: ExternalIds) -> bool:
    return any(b.get(kind) not in (None, value) for kind, value in a.known().items())


def _gone(path: str | None) -> bool:
    return path is not None and not os.path.exists(path)


def _once(items: list[int], value: int) -> None:
    if value not in items:
        items.append(value)


class LibraryService:
    """Adds, scans, lists and (un)monitors movies; the window and `metarr library` call it."""

    def __init__(self, database: Database, movies: MovieRepository) -> None:
        self._database = database
        self._movies = movies

    def add(
        self,
        title: str,
        *,
        year: int | None = None,
        ids: ExternalIds | None = None,
        path: str | None = None,
        edition: str | None = None,
    ) -> MovieRecord:
        """Add one movie (unidentified until identification confirms it)."""
        title = title.strip()
        if not title:
            raise LibraryError("the title must not be empty")
        if year is not None and not 1870 <= year <= 2200:
            raise LibraryError(f"not a plausible year: {year}")
        return self._movies.add(title, year=year, ids=ids or ExternalIds(), path=path, edition=edition)

    def get(self, movie_id: int) -> MovieRecord:
        """The movie, or `UnknownEntityError` (bad input)."""
        return self._movies.require(movie_id)

    def find_by_ids(self, ids: ExternalIds) -> list[MovieRecord]:
        """The movies that share any of these ids (the window's "already in the library")."""
        return self._movies.find_by_ids(ids)

    async def all(self) -> list[MovieRecord]:
        """Every movie, by id (read on a worker thread: libraries can be large)."""
        return await self._movies.all_async()

    async def rows(self, ids: Collection[int] | None = None) -> list[MovieRow]:
        """Every movie (or those of `ids`) as the light rows of the window's library list, by id.

        The whole library is read on a worker thread; a few hundred ids are one indexed query, read
        on the loop directly.
        """
        if ids is not None and len(ids) <= ROWS_ON_LOOP:
            return self._movies.list_rows(ids)
        return await self._database.run_in_thread(lambda: self._movies.list_rows(ids))

    def set_monitored(self, movie_id: int, monitored: bool) -> MovieRecord:
        """Monitored movies are enriched by the schedule; unmonitored ones only on request."""
        self._movies.set_monitored(movie_id, monitored)
        return self._movies.require(movie_id)

    async def scan(self, directory: str | Path, *, follow_links: bool = False) -> ScanReport:
        """Find the movies under `directory` and add the new ones; see the module docstring.

        `follow_links`: also follow symbolic links that lead outside `directory`. Raises
        `LibraryError` when `directory` is not a readable folder.
        """
        try:
            walk = await asyncio.to_thread(walk_library, directory, follow_links=follow_links)
        except WalkError as exc:
            raise LibraryError(str(exc)) from exc
        return await self._database.run_in_thread(lambda: self._commit(walk))

    def _commit(self, walk: WalkResult) -> ScanReport:
        root = walk.root
        report = ScanReport(tv=list(walk.tv), extras=list(walk.extras), warnings=list(walk.warnings))
        index = _Index(self._movies.scan_index())
        seen: set[int] = set()
        with self._database.atomic():
            for movie in walk.movies:
                entry = self._match(index, movie, report)
                if entry is not None:
                    seen.add(entry.id)
                    continue
                info = movie.info
                record = self._movies.add(
                    info.title or os.path.basename(movie.path),
                    year=info.year,
                    ids=info.ids,
                    path=movie.path,
                    status=IdentificationStatus.UNIDENTIFIED,
                    edition=info.edition,
                )
                report.added.append(record.id)
                seen.add(record.id)
                index.put(
                    ScanIndexEntry(
                        record.id, movie.path, info.ids, info.edition, False, record.title, record.year
                    )
                )
            gone = [
                entry.id
                for entry in index.by_path.values()
                if entry.id not in seen
                and not entry.missing
                and entry.path is not None
                and _under(entry.path, root)
                and _gone(entry.path)
            ]
            if gone:
                self._movies.set_missing(gone, True)
                report.missing = sorted(gone)
            if report.found_again:
                self._movies.set_missing(report.found_again, False)
        return report

    def _match(self, index: _Index, movie: FoundMovie, report: ScanReport) -> ScanIndexEntry | None:
        """The library's movie that `movie` already is (updating its path when it moved), or None."""
        info = movie.info
        entry = index.by_path.get(movie.path)
        if entry is not None:
            if entry.missing:
                report.found_again.append(entry.id)
            _once(report.existing, entry.id)
            return entry
        candidates = index.same_film(info.ids, info.edition) if not info.ids.is_empty() else []
        if not candidates:
            # Without ids: a moved folder is known by its title, year and edition, if its old path is gone.
            key = (normalise_title(info.title or ""), info.year, _edition_key(info.edition))
            candidates = [e for e in index.by_name.get(key, []) if _gone(e.path)] if info.title else []
        if not candidates:
            return None
        entry = next((e for e in candidates if e.path is None), None)
        if entry is not None:  # added by hand: this is its folder
            self._movies.set_path(entry.id, movie.path)
        else:
            entry = next((e for e in candidates if _gone(e.path)), None)
            if entry is not None:
                self._movies.move(entry.id, movie.path)
                report.moved.append(entry.id)
                if entry.missing and entry.id not in report.found_again:
                    report.found_again.append(entry.id)
                index.by_path.pop(entry.path or "", None)
            else:
                entry = candidates[0]
                report.warnings.append(
                    f"{shown(movie.path)}: the same film as movie {entry.id} "
                    f"({shown(entry.path or '')}); not added again"
                )
                _once(report.existing, entry.id)
                return entry
        moved = ScanIndexEntry(entry.id, movie.path, entry.ids, entry.edition, False, entry.title, entry.year)
        index.put(moved)
        _once(report.existing, entry.id)
        return moved

    def add_unique(
        self,
        title: str | None,
        *,
        year: int | None = None,
        ids: ExternalIds | None = None,
        path: str | None = None,
        edition: str | None = None,
    ) -> AddResult:
        """Add one movie unless it is already in the library (the same path, or the same ids and
        edition): then that movie, with ``existing`` True. A title is needed only without ids (the
        identification fills it in from the ids)."""
        ids = ids or ExternalIds()
        if path is not None:
            found = self._movies.find_by_path(path)
            if found is not None:
                return AddResult(found, True)
        if not ids.is_empty():
            for record in self._movies.find_by_ids(ids):
                if _edition_key(record.edition) == _edition_key(edition) and not _conflicts(record.ids, ids):
                    return AddResult(record, True)
        name = (title or "").strip()
        if not name:
            if ids.is_empty():
                raise LibraryError("give a title or an id (IMDb, TMDB or TheTVDB)")
            kind, value = next(iter(ids.known().items()))
            name = f"{kind.value}:{value}"
        return AddResult(self.add(name, year=year, ids=ids, path=path, edition=edition), False)

    def remove(self, movie_id: int) -> MovieRecord:
        """Remove a movie from the library, with its fields, locks, cache and history; the files on
        disk are never touched. `UnknownEntityError` for an unknown id."""
        record = self._movies.require(movie_id)
        self._movies.delete(movie_id)
        return record

    # -- one movie in detail (the window's movie page) ---------------------------------------------

    def movie_detail(self, movie_id: int, *, history_limit: int | None = 200) -> MovieDetail:
        """Every field with its value, source and lock, the ratings per source and the enrichment
        history, newest first (`UnknownEntityError` for an unknown id)."""
        return read_detail(self._movies, movie_id, history_limit=history_limit)

    def edit_field(self, movie_id: int, field_name: str, value: Any) -> FieldDetail:
        """Change a field by hand: the value (typed text or a typed value; empty clears it) is checked
        for its field, written with the source "user" and the field locked, in one transaction, so
        that no refresh changes it. Raises `LibraryError` for a value the field cannot hold (and for
        the ids, which identification changes), `UnknownEntityError` for an unknown id."""
        try:
            return write_edit(self._database, self._movies, movie_id, field_name, value)
        except FieldValueError as exc:
            raise LibraryError(str(exc)) from exc

    def set_locked(self, movie_id: int, field_name: str, locked: bool) -> None:
        """Lock a field (enrichment never changes it) or unlock it (`LibraryError` for an unknown field)."""
        try:
            set_lock(self._movies, movie_id, field_name, locked)
        except ValueError as exc:
            raise LibraryError(str(exc)) from exc


def choose_artwork(
    database: Database, movies: MovieRepository, assets: AssetRepository, movie_id: int, asset_id: int
) -> CachedAsset:
    """The user's choice in the asset browser, in one transaction: the candidate is marked selected
    (the others of its type are not), and the movie's field of that type (poster, fanart, ...) becomes
    its URL, with its provider as the source, and is locked, so that no refresh replaces the choice.

    Raises `KeyError` for a candidate that is gone or belongs to another movie, `UnknownEntityError`
    for an unknown movie; nothing is changed then.
    """
    asset = assets.get(asset_id)
    if asset is None or asset.entity_type != "movie" or asset.entity_id != movie_id:
        raise KeyError(f"unknown asset id {asset_id} for movie {movie_id}")
    movies.require(movie_id)
    field_name = FIELD_OF_TYPE.get(asset.type)
    with database.atomic():
        assets.select(asset_id)
        if field_name is not None:
            movies.set_fields(movie_id, {field_name: asset.url}, {field_name: asset.provider})
            movies.lock(movie_id, field_name)
    return asset
