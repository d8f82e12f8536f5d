# ruff: noqa: PTH100, PTH112, PTH116, PTH118, PTH119, PTH122, PTH123
# The walk uses os.walk/os.path on plain strings: a Path object per entry would slow the scan of a
# large library for nothing (paths are stored as text anyway).
"""The library: adding movies by hand, scanning folders for them, listing them, (un)monitoring them.

A scan reads what a folder says about the movie in it (`core.nfo`): a Kodi NFO file (``movie.nfo``,
``<video file name>.nfo`` or ``<folder name>.nfo``) for ids, title and year, and otherwise the folder
or file name ("Title (Year)", release-style names through guessit). A folder holding one movie (one
main video file, or a ``movie.nfo``) is that movie; a folder holding several different movies (and
the scanned folder itself) gives one movie per video file. Extras, samples and hidden folders are
left out. Nothing is identified here: new movies start `unidentified` and are identified by the
enrichment that follows (or `metarr identify`).

The walk runs on a worker thread (`asyncio.to_thread`) and never stops on a bad folder: a malformed
NFO falls back to the name with a warning, an unreadable folder and a symbolic-link loop are
reported as warnings and skipped. The new rows are written in one transaction, also off the loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metarr_desktop.core.artwork import FIELD_OF_TYPE
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.matching import normalise_title
from metarr_desktop.core.nfo import FolderInfo, NfoError, parse_name, parse_nfo
from metarr_desktop.services.movie_fields import (
    FieldDetail,
    FieldValueError,
    MovieDetail,
    read_detail,
    set_lock,
    write_edit,
)
from metarr_desktop.store.cache import AssetRepository, CachedAsset
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import IdentificationStatus, MovieRecord, MovieRepository, MovieRow

#: File name endings of video files.
VIDEO_EXTENSIONS = frozenset(
    {
        ".mkv",
        ".mp4",
        ".m4v",
        ".avi",
        ".mov",
        ".wmv",
        ".mpg",
        ".mpeg",
        ".ts",
        ".m2ts",
        ".iso",
        ".webm",
        ".flv",
        ".divx",
        ".vob",
        ".ogm",
    }
)

#: Folder names that hold extras rather than movies (Kodi, Plex and Jellyfin conventions).
EXTRA_FOLDERS = frozenset(
    {
        "extras",
        "extra",
        "featurettes",
        "behind the scenes",
        "deleted scenes",
        "interviews",
        "scenes",
        "shorts",
        "trailers",
        "sample",
        "samples",
        "other",
        "others",
        "subs",
        "subtitles",
        "@eadir",
        "#recycle",
        "$recycle.bin",
    }
)

#: A file name stem ending like this is a sample or trailer, not the movie.
_EXTRA_SUFFIXES = ("-sample", ".sample", "_sample", " sample", "-trailer", ".trailer", "-featurette")

MAX_NFO_BYTES = 1024 * 1024

#: `LibraryService.rows` reads up to this many ids on the loop (one short indexed query).
ROWS_ON_LOOP = 500


class LibraryError(ValueError):
    """Bad input to a library operation (an unreadable scan folder, an empty title): exit code 2."""


@dataclass(frozen=True, slots=True)
class FoundMovie:
    """A movie the walk found: where it is and what its folder says about it."""

    path: str
    info: FolderInfo


@dataclass(slots=True)
class ScanReport:
    """What a scan did.

    Attributes:
        added: ids of the movies it added.
        existing: ids of movies it found that were already in the library (same path or same ids).
        warnings: one line per folder or file that could not be read as expected.
    """

    added: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"added": list(self.added), "existing": list(self.existing), "warnings": list(self.warnings)}


def movie_json(record: MovieRecord) -> dict[str, Any]:
    """One movie as `metarr library list` shows it (CONTRACT.md keys, plus its path)."""
    return {
        "id": record.id,
        "title": record.title,
        "year": record.year,
        "ids": record.ids.to_json(),
        "status": record.status.value,
        "monitored": record.monitored,
        "last_enriched_at": record.last_enriched_at.isoformat() if record.last_enriched_at else None,
        "path": record.path,
    }


# --------------------------------------------------------------------------------------------------
# The walk (plain functions, run on a worker thread)
# --------------------------------------------------------------------------------------------------


def _is_video(name: str) -> bool:
    stem, ext = os.path.splitext(name)
    if ext.lower() not in VIDEO_EXTENSIONS:
        return False
    lowered = stem.lower()
    return not (lowered == "sample" or lowered.endswith(_EXTRA_SUFFIXES))


def _read_nfo(path: str, warnings: list[str]) -> FolderInfo | None:
    """The NFO at `path`, or None (with a warning) when it cannot be read or parsed."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_NFO_BYTES + 1)
    except OSError as exc:
        warnings.append(f"{path}: cannot read the NFO file ({exc.strerror or exc}); using the name")
        return None
    if len(raw) > MAX_NFO_BYTES:
        warnings.append(f"{path}: the NFO file is larger than 1 MB; using the name")
        return None
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        return parse_nfo(text)
    except NfoError as exc:
        warnings.append(f"{path}: {exc}; using the name")
        return None


def _combine(nfo: FolderInfo | None, *names: FolderInfo) -> FolderInfo:
    """The NFO's ids, title and year first; the names fill what it lacks."""
    title = nfo.title if nfo else None
    year = nfo.year if nfo else None
    ids = nfo.ids if nfo else ExternalIds()
    for name in names:
        title = title or name.title
        year = year if year is not None else name.year
        ids = ids.merged(name.ids)
    return FolderInfo(title=title, year=year, ids=ids)


def _first_nfo(folder: str, files: set[str], candidates: Iterable[str]) -> str | None:
    lowered = {name.lower(): name for name in files}
    for candidate in candidates:
        actual = lowered.get(candidate.lower())
        if actual is not None:
            return os.path.join(folder, actual)
    return None


def _movie_key(info: FolderInfo) -> tuple[str, int | None]:
    return (normalise_title(info.title or ""), info.year)


def walk_library(root: str | Path) -> tuple[list[FoundMovie], list[str]]:
    """Every movie under `root` and the warnings met on the way (blocking; run it on a thread).

    Raises `LibraryError` when `root` itself is not a readable folder.
    """
    top = os.path.abspath(os.fspath(root))
    if not os.path.isdir(top):
        raise LibraryError(f"not a folder: {top}")
    try:
        os.scandir(top).close()
    except OSError as exc:
        raise LibraryError(f"cannot read the folder {top}: {exc.strerror or exc}") from exc

    found: list[FoundMovie] = []
    warnings: list[str] = []
    seen: dict[tuple[int, int], str] = {}

    def on_error(exc: OSError) -> None:
        warnings.append(f"{exc.filename}: cannot read the folder ({exc.strerror or exc}); skipped")

    for folder, dirnames, filenames in os.walk(top, onerror=on_error, followlinks=True):
        try:
            info = os.stat(folder)
        except OSError as exc:
            warnings.append(f"{folder}: cannot read the folder ({exc.strerror or exc}); skipped")
            dirnames[:] = []
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            warnings.append(
                f"{folder}: leads back to {seen[key]} (a symbolic link loop or a second link); skipped"
            )
            dirnames[:] = []
            continue
        seen[key] = folder
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d.lower() not in EXTRA_FOLDERS)
        files = set(filenames)
        videos = sorted(name for name in files if _is_video(name))
        has_movie_nfo = any(name.lower() == "movie.nfo" for name in files)
        if not videos and not has_movie_nfo:
            continue
        folder_name = os.path.basename(folder)
        per_file = [(name, parse_name(os.path.splitext(name)[0])) for name in videos]
        distinct = {_movie_key(parsed) for _, parsed in per_file}
        if folder != top and (has_movie_nfo or len(distinct) <= 1):
            # One movie in its own folder: the folder is the movie; its subfolders are its extras.
            dirnames[:] = []
            stems = [os.path.splitext(name)[0] + ".nfo" for name in videos]
            nfo_path = _first_nfo(folder, files, ["movie.nfo", *stems, folder_name + ".nfo"])
            nfo = _read_nfo(nfo_path, warnings) if nfo_path else None
            names = [parse_name(folder_name), *(parsed for _, parsed in per_file[:1])]
            movie = _combine(nfo, *names)
            if movie.title or not movie.ids.is_empty():
                found.append(FoundMovie(folder, movie))
            else:
                warnings.append(f"{folder}: no title or id could be read from its name; skipped")
            continue
        for name, parsed in per_file:
            path = os.path.join(folder, name)
            nfo_path = _first_nfo(folder, files, [os.path.splitext(name)[0] + ".nfo"])
            nfo = _read_nfo(nfo_path, warnings) if nfo_path else None
            movie = _combine(nfo, parsed)
            if movie.title or not movie.ids.is_empty():
                found.append(FoundMovie(path, movie))
            else:
                warnings.append(f"{path}: no title or id could be read from its name; skipped")
    return found, warnings


# --------------------------------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------------------------------


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
    ) -> MovieRecord:
        """Add one movie (unidentified until identification confirms it)."""
        title = title.strip()
        if not title:
            raise LibraryError("the title must not be empty")
        if year is not None and not 1870 <= year <= 2200:
            raise LibraryError(f"not a plausible year: {year}")
        return self._movies.add(title, year=year, ids=ids or ExternalIds(), path=path)

    def get(self, movie_id: int) -> MovieRecord:
        """The movie, or `UnknownEntityError` (bad input)."""
        return self._movies.require(movie_id)

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

    async def scan(self, directory: str | Path) -> ScanReport:
        """Find the movies under `directory` and add the new ones; see the module docstring."""
        found, warnings = await asyncio.to_thread(walk_library, directory)
        report = ScanReport(warnings=warnings)
        if found:
            await self._database.run_in_thread(lambda: self._commit(found, report))
        return report

    def _commit(self, found: list[FoundMovie], report: ScanReport) -> None:
        with self._database.atomic():
            for movie in found:
                existing = self._movies.find_by_path(movie.path)
                if existing is None and not movie.info.ids.is_empty():
                    matches = self._movies.find_by_ids(movie.info.ids)
                    existing = matches[0] if matches else None
                if existing is not None:
                    if existing.id not in report.existing:
                        report.existing.append(existing.id)
                    if existing.path is None:
                        self._movies.set_path(existing.id, movie.path)
                    continue
                title = movie.info.title or os.path.basename(movie.path)
                record = self._movies.add(
                    title,
                    year=movie.info.year,
                    ids=movie.info.ids,
                    path=movie.path,
                    status=IdentificationStatus.UNIDENTIFIED,
                )
                report.added.append(record.id)

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
