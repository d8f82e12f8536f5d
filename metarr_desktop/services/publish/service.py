# ruff: noqa: PTH119
# Paths are plain strings (as stored, and as the ledger keys them): os.path on strings, one rule set.
"""`PublishService`: write each movie's NFO and chosen artwork next to it, safely.

For one movie: work out its layout (`layout.movie_layout`), build the NFO (`core.nfo_writer`,
merged into what is on disk), choose one asset per artwork kind (the user's selection, else the
artwork rule's suggestion) and extra fanart, fetch each image (the profile's image cache first,
else the engine's image-host provider), check and measure it (`services.imaging`), then decide and write
each file (`files.decide`, `files.atomic_write`) and record it in the ledger. A movie that fails
(a read-only folder, a full disk, a missing folder) gets its error; the others go on.

A publish that is neither forced nor a dry run skips what it can prove unchanged without reading
it: a file whose ledger row holds its (size, mtime_ns) as last verified against the hash, and whose
input is the same (the same asset; for an NFO, the same `source_hash` of what it is built from).
A file that fails either test is read and hashed as before; once its hash matched its row and its
modification time is older than `RACY_NS`, that time is stored for the next publish. The files a
publish of many movies writes are read back the same way once `RACY_NS` old (`_verify_written`),
so the next publish need not read them.

A dry run writes nothing and downloads nothing that is not cached already: an image that would
need a download is listed as ``would_create`` / ``would_update`` without a hash.

Blocking work (folder listing, reading and writing files, decoding images) runs in a worker
thread; the ledger is written on the event loop's thread (peewee's connection there).
"""

from __future__ import annotations

import asyncio
import difflib
import hashlib
import logging
import os
import stat
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from metarr_desktop.core.artwork import rank_key
from metarr_desktop.core.asset_score import score_image
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.nfo_writer import NfoWriteError, movie_from_fields, source_hash, write_nfo
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.records import CachedAsset, MovieRecord, UnknownEntityError
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.images import MAX_IMAGE_BYTES, ImageHostProvider
from metarr_desktop.services.imaging import ImageRejected, encode_for, inspect_image
from metarr_desktop.services.publish.files import (
    Action,
    Decision,
    atomic_write,
    backup_once,
    decide,
    read_existing,
    sha256,
)
from metarr_desktop.services.publish.layout import (
    ARTWORK_FILES,
    Flavour,
    LayoutError,
    MovieLayout,
    NfoName,
    artwork_kinds,
    artwork_name,
    extrafanart_names,
    locate,
    movie_layout,
    nfo_names,
)
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.publish import AssetAnalysis, LedgerEntry, PublishLedger, VerifiedFile

log = logging.getLogger(__name__)

MOVIE = EntityType.MOVIE.value
IMAGE_HOST = ImageHostProvider.id

#: The asset types each artwork kind is chosen from.
KIND_TYPES: dict[str, frozenset[AssetType]] = {
    "poster": frozenset({AssetType.POSTER}),
    "fanart": frozenset({AssetType.FANART, AssetType.BACKDROP}),
    "clearlogo": frozenset({AssetType.CLEARLOGO, AssetType.LOGO}),
    "clearart": frozenset({AssetType.CLEARART}),
    "discart": frozenset({AssetType.DISCART}),
    "banner": frozenset({AssetType.BANNER}),
    "landscape": frozenset({AssetType.THUMB}),
    "keyart": frozenset({AssetType.POSTER}),  # a poster without text
}
DEFAULT_ARTWORK: tuple[str, ...] = tuple(ARTWORK_FILES)
#: A file's (size, mtime_ns) is stored for the next publish only once the mtime is this much older
#: than the check of its bytes: a change within the file system's timestamp step after that check
#: (a jiffy on Linux, 2 s on FAT) could otherwise leave both as they were.
RACY_NS = 2_000_000_000


class MovieStatus(StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PublishOptions:
    """What the ``publish.*`` settings say (see `options_from_settings`).

    Attributes:
        replace_foreign: artwork kinds the user allows Metarr to replace although it did not write
            them (the original is backed up once).
    """

    flavour: Flavour = Flavour.BOTH
    nfo_name: NfoName = NfoName.VIDEO
    artwork: tuple[str, ...] = DEFAULT_ARTWORK
    extrafanart: int = 3
    replace_foreign: frozenset[str] = frozenset()
    language: str = "en"
    preferred_rating: str = "imdb"


@dataclass(slots=True)
class FileResult:
    """One file of a movie's publish (one entry of ``files``).

    Attributes:
        old, new: the bytes on disk before and the bytes Metarr writes (or would), for the Files
            tab's diff and thumbnails; never in the JSON.
        size: the bytes Metarr writes (``bytes`` in the JSON).
    """

    path: str
    kind: str
    action: Action
    size: int | None = None
    sha256: str | None = None
    asset_id: int | None = None
    reason: str | None = None
    old: bytes | None = None
    new: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "action": self.action.value,
            "bytes": self.size,
            "sha256": self.sha256,
        }
        if self.asset_id is not None:
            document["asset_id"] = self.asset_id
        if self.reason:
            document["reason"] = self.reason
        return document


@dataclass(slots=True)
class MovieResult:
    movie_id: int
    status: MovieStatus
    folder: str | None = None
    files: list[FileResult] = field(default_factory=list)
    diff: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "movie_id": self.movie_id,
            "status": self.status.value,
            "folder": self.folder,
            "files": [f.to_json() for f in self.files],
            "diff": self.diff,
            "error": self.error,
        }


@dataclass(slots=True)
class PublishReport:
    results: list[MovieResult] = field(default_factory=list)
    bytes_downloaded: int = 0

    @property
    def files_written(self) -> int:
        return sum(1 for r in self.results for f in r.files if f.action in (Action.CREATED, Action.UPDATED))

    @property
    def any_failed(self) -> bool:
        return any(r.status is MovieStatus.FAILED for r in self.results)

    def summary(self) -> dict[str, int]:
        counts = {status.value: 0 for status in MovieStatus}
        for result in self.results:
            counts[result.status.value] += 1
        return {**counts, "bytes_downloaded": self.bytes_downloaded}

    def to_json(self) -> dict[str, Any]:
        return {"results": [r.to_json() for r in self.results], "summary": self.summary()}


def nfo_diff(old: bytes | None, new: bytes, name: str) -> str:
    """A unified diff of an NFO, from what is on disk (nothing: an empty file) to what is written."""
    before = (old or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
    after = new.decode("utf-8", errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{name} (on disk)", f"{name} (Metarr)"))


def cache_name(url: str) -> str:
    """The profile image cache's file name for `url` (the same as the window's image loader)."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


class ImageFetcher:
    """Artwork bytes by URL: the profile's image cache, else a download through the engine."""

    def __init__(
        self, orchestrator: FetchOrchestrator, cache_dir: Path, *, max_bytes: int = MAX_IMAGE_BYTES
    ) -> None:
        self._orchestrator = orchestrator
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        self.bytes_downloaded = 0

    def cached(self, url: str) -> bytes | None:
        try:
            data = (self.cache_dir / cache_name(url)).read_bytes()
        except OSError:
            return None
        return data if 0 < len(data) <= self.max_bytes else None

    async def get(self, url: str, *, download: bool = True) -> bytes | None:
        """The image at `url`; None when it is not cached and `download` is False. Raises
        `ProviderError` when the download fails."""
        data = await asyncio.to_thread(self.cached, url)
        if data is not None or not download:
            return data

        def operation(provider: Any) -> Awaitable[bytes]:
            assert isinstance(provider, ImageHostProvider)
            return provider.download(url, self.max_bytes)

        data = await self._orchestrator.call(IMAGE_HOST, operation, priority=Priority.BACKGROUND)
        self.bytes_downloaded += len(data)
        return data

    def remember(self, url: str, data: bytes) -> None:
        """Keep a checked image in the cache (blocking; a cache that cannot be written is skipped)."""
        try:
            atomic_write(str(self.cache_dir / cache_name(url)), data)
        except OSError as exc:
            log.info("image cache not written: %s", exc.strerror or exc)


#: How long `publish` trusts what it read ahead for the next movies (one query per table for up to
#: `READ_AHEAD` of them, instead of four per movie): a movie reached later is read again, so one
#: changed meanwhile is seen as before. A chunk that went stale early makes the next one smaller.
READ_AHEAD_S = 0.5
READ_AHEAD = 64


@dataclass(slots=True)
class _Known:
    """What publishing one movie reads from the database."""

    movie: MovieRecord
    ledger: dict[str, LedgerEntry]
    assets: list[CachedAsset]
    last_published: datetime | None
    generation: int  # `PublishService._generation` of the movie when read


def _already_marked(known: _Known, result: MovieResult) -> bool:
    """An unchanged movie published since its last enrichment needs no new state row (a write per
    movie would cost more than the whole check)."""
    if result.status is not MovieStatus.UNCHANGED:
        return False
    last, enriched = known.last_published, known.movie.last_enriched_at
    return last is not None and (enriched is None or last >= enriched)


class _ReadAhead:
    """The next movies' rows of a publish of many, read together while fresh (`READ_AHEAD_S`)."""

    def __init__(self, read: Callable[[list[int]], dict[int, _Known]], ids: list[int]) -> None:
        self._read = read
        self._ids = ids
        self._rows: dict[int, _Known] = {}
        self._read_at: float | None = None
        self._size = READ_AHEAD
        self._used = 0

    def get(self, index: int) -> _Known | None:
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


#: The written files remembered for `PublishService._verify_written` (older ones are read next time).
WRITTEN_BACKLOG = 100_000


@dataclass(frozen=True, slots=True)
class _Written:
    path: str
    sha256: str
    size: int
    source: str | None
    written_ns: int


@dataclass(slots=True)
class _Planned:
    """One file to consider: its kind, where, the asset behind it (artwork)."""

    kind: str
    relative: str
    asset: CachedAsset | None = None
    path: str = ""
    existing: bytes | None = None
    new: bytes | None = None
    decision: Decision | None = None
    reason: str | None = None
    error: str | None = None
    entry: LedgerEntry | None = None
    info: os.stat_result | None = None
    known: bool = False  # unchanged as the ledger proves, never read (`new` and `existing` are None)


def _choose(assets: list[CachedAsset], kind: str, language: str) -> list[CachedAsset]:
    """The candidates of one kind, best first (the user's selection always first)."""
    types = KIND_TYPES[kind]
    pool = [a for a in assets if a.type in types and not a.is_rejected]
    if kind == "keyart":
        pool = [a for a in pool if a.language is None]
    # Ties go to the oldest candidate (lowest id), never to the cache's order, which follows the
    # scores the previous publish filled in: the same movie always gets the same files.
    pool.sort(key=lambda a: (a.is_selected and kind != "keyart", rank_key(a, language), -a.id), reverse=True)
    return pool


class PublishService:
    """Publishes movies' library files (the window's "Write files", `metarr publish`, the hook
    after an enrichment)."""

    def __init__(
        self,
        *,
        database: Database,
        movies: MovieRepository,
        assets: AssetRepository,
        ledger: PublishLedger,
        fetcher: ImageFetcher,
        options: Callable[[], PublishOptions],
        enabled: Callable[[], bool] = lambda: False,
        after_enrichment: Callable[[], bool] = lambda: False,
    ) -> None:
        self._database = database
        self._movies = movies
        self._assets = assets
        self.ledger = ledger
        self.fetcher = fetcher
        self._options = options
        self._enabled = enabled
        self._after_enrichment = after_enrichment
        self._locks: dict[int, asyncio.Lock] = {}
        self._written: deque[_Written] = deque(maxlen=WRITTEN_BACKLOG)
        self._generation: dict[int, int] = {}  # movie id -> files recorded for it by this service

    @property
    def enabled(self) -> bool:
        return self._enabled()

    def options(self) -> PublishOptions:
        return self._options()

    def pending(self) -> list[int]:
        return self.ledger.pending_movies()

    def has_published(self, movie_id: int) -> bool:
        """Metarr wrote (or adopted) at least one library file of this movie."""
        return bool(self.ledger.for_movies([movie_id])[movie_id])

    async def nfo_preview(self, movie_id: int, changes: Mapping[str, Any]) -> MovieResult:
        """A dry run of the movie's NFO alone, as it would be once `changes` (canonical field ->
        new value) are applied: `diff` is the unified diff from the NFO on disk (None when the NFO
        would not be written, e.g. one the user changed since: its file entry says why). Nothing is
        written, downloaded or decoded. Raises `UnknownEntityError` for an unknown id."""
        options = replace(self._options(), artwork=(), extrafanart=0)
        return await self.publish_one(movie_id, dry_run=True, options=options, changes=changes)

    # -- many movies ---------------------------------------------------------------------------------

    async def publish(
        self, movie_ids: Iterable[int], *, dry_run: bool = False, force: bool = False
    ) -> PublishReport:
        """Publish each movie in turn; one movie's failure never stops the others."""
        report = PublishReport()
        options = self._options()
        before = self.fetcher.bytes_downloaded
        ids = list(movie_ids)
        ahead = _ReadAhead(lambda chunk: self._read(chunk, options), ids)
        for index, movie_id in enumerate(ids):
            known = ahead.get(index)
            report.results.append(
                await self.publish_one(movie_id, dry_run=dry_run, force=force, options=options, known=known)
            )
            await self._verify_written()
        report.bytes_downloaded = self.fetcher.bytes_downloaded - before
        return report

    async def _verify_written(self) -> None:
        """Read back the files written at least `RACY_NS` ago; store the (size, mtime_ns) of those
        that still hold what was written, so the next publish trusts them without reading."""
        due: list[_Written] = []
        limit = time.time_ns() - RACY_NS
        while self._written and self._written[0].written_ns < limit:
            due.append(self._written.popleft())
        if not due:
            return

        def check() -> list[VerifiedFile]:
            now = time.time_ns()
            verified = []
            for written in due:
                try:
                    info = os.lstat(written.path)
                    if not stat.S_ISREG(info.st_mode) or info.st_size != written.size:
                        continue
                    if (
                        info.st_mtime_ns >= now - RACY_NS
                        or sha256(read_existing(written.path) or b"") != written.sha256
                    ):
                        continue
                except OSError:
                    continue
                verified.append(VerifiedFile(written.path, written.sha256, info.st_mtime_ns, written.source))
            return verified

        self.ledger.remember_verified(await asyncio.to_thread(check))

    async def after_enrich(self, movie_id: int, requires_player_sync: bool) -> MovieResult | None:
        """The enrichment hook: publish when publishing and `publish.after_enrichment` are on and the
        change set requires a player sync; None when nothing was to be done."""
        if not (requires_player_sync and self._enabled() and self._after_enrichment()):
            return None
        result = await self.publish_one(movie_id)
        if result.status is MovieStatus.FAILED:
            log.warning("library files of movie %s: %s", movie_id, result.error)
        return result

    # -- one movie -----------------------------------------------------------------------------------

    async def publish_one(
        self,
        movie_id: int,
        *,
        dry_run: bool = False,
        force: bool = False,
        options: PublishOptions | None = None,
        changes: Mapping[str, Any] | None = None,
        known: _Known | None = None,
    ) -> MovieResult:
        """Publish (or preview) one movie; raises `UnknownEntityError` for an unknown id. `changes`
        (a dry run only) are field values to use instead of the stored ones; `known`, what
        `publish` read for this movie a moment ago (read again when this service wrote since)."""
        if changes and not dry_run:
            raise ValueError("field changes are previewed only (dry_run=True)")
        options = options or self._options()
        lock = self._locks.setdefault(movie_id, asyncio.Lock())
        async with lock:
            if known is None or known.generation != self._generation.get(movie_id, 0):
                known = self._read([movie_id], options).get(movie_id)
            if known is None:
                raise UnknownEntityError(f"unknown movie id {movie_id}")
            movie = known.movie
            try:
                result = await self._publish(known, options, dry_run=dry_run, force=force, changes=changes)
            except (LayoutError, OSError) as exc:
                message = str(exc) if isinstance(exc, LayoutError) else _os_message(exc)
                status = MovieStatus.SKIPPED if movie.path is None else MovieStatus.FAILED
                result = MovieResult(movie_id, status, error=message)
            if not dry_run and not _already_marked(known, result):
                self.ledger.mark_published(movie_id, result.status.value, result.error)
        return result

    def _read(self, movie_ids: list[int], options: PublishOptions) -> dict[int, _Known]:
        """What publishing these movies reads from the database: one query per table."""
        movies = self._movies.get_many(movie_ids)
        ids = list(movies)
        ledgers = self.ledger.for_movies(ids)
        assets = self._assets.for_entities(MOVIE, ids) if options.artwork else {}
        published = self.ledger.last_published_many(ids)
        return {
            movie_id: _Known(
                movie,
                ledgers[movie_id],
                assets.get(movie_id, []),
                published.get(movie_id),
                self._generation.get(movie_id, 0),
            )
            for movie_id, movie in movies.items()
        }

    async def _publish(
        self,
        known: _Known,
        options: PublishOptions,
        *,
        dry_run: bool,
        force: bool,
        changes: Mapping[str, Any] | None = None,
    ) -> MovieResult:
        movie, ledger, assets = known.movie, known.ledger, known.assets
        fields = {**movie.fields, **(changes or {})}
        fields.setdefault("title", movie.title)
        if movie.year is not None:
            fields.setdefault("year", movie.year)
        nfo = movie_from_fields(fields, preferred_rating=options.preferred_rating)
        source = source_hash(nfo)
        trust_ledger = not (dry_run or force)
        problems: list[str] = []

        def prepare() -> tuple[MovieLayout, list[_Planned], list[VerifiedFile]]:
            """The folder's files, read in one go off the loop (one thread hop per movie)."""
            layout = movie_layout(movie.path)
            root = os.path.realpath(layout.folder)
            inside = root if root.endswith(os.sep) else root + os.sep  # ledger paths are resolved
            published = {
                path[len(inside) :]: entry.asset_id
                for path, entry in ledger.items()
                if entry.asset_id is not None and path.startswith(inside)
            }
            planned = self._plan(layout, assets, options, published)
            verified: list[VerifiedFile] = []
            for item in planned:
                try:
                    item.path, item.info = locate(root, item.relative)
                except LayoutError as exc:
                    item.error = str(exc)
                    continue
                item.entry = ledger.get(item.path)
                if trust_ledger and _known_unchanged(item, source):
                    item.known = True
                    item.decision = Decision(Action.UNCHANGED)
                    continue
                item.existing = read_existing(item.path)
                if item.kind != "nfo":
                    continue
                entry = item.entry
                if trust_ledger and entry is not None and entry.source == source and _same(item, entry):
                    item.new = item.existing  # Metarr wrote it from this very source: nothing to render
                else:
                    try:
                        item.new = write_nfo(nfo, item.existing)
                    except NfoWriteError as exc:
                        item.decision = Decision(Action.KEPT, f"cannot be merged ({exc}); left alone")
                        continue
                if not dry_run and entry is not None and item.new == item.existing and _same(item, entry):
                    _verified(item, entry, source, now, verified)
            return layout, planned, verified

        now = time.time_ns()  # before any file is looked at
        layout, planned, verified = await asyncio.to_thread(prepare)
        for item in planned:
            if item.error is not None:
                problems.append(f"{item.relative}: {item.error}")
                item.decision = Decision(Action.KEPT, item.error)
                continue
            if item.kind == "nfo" or item.known:
                continue
            try:
                await self._prepare_artwork(item, layout, ledger, options, dry_run=dry_run, force=force)
            except (ProviderError, ImageRejected, LayoutError) as exc:
                message = exc.message if isinstance(exc, ProviderError) else str(exc)
                problems.append(f"{item.relative}: {message}")
                item.decision = Decision(Action.KEPT, message)
                item.reason = "failed"
                continue
            entry = item.entry
            if not dry_run and entry is not None and item.new is not None and item.new is item.existing:
                _verified(item, entry, None, now, verified)

        for item in planned:
            if item.decision is None and item.new is not None:
                item.decision = decide(
                    existing=item.existing,
                    new=item.new,
                    ledger=item.entry,
                    is_nfo=item.kind == "nfo",
                    replace_foreign=item.kind in options.replace_foreign,
                    force=force,
                )
        result = MovieResult(movie.id, MovieStatus.UNCHANGED, folder=layout.folder)
        if dry_run:
            self._preview(planned, result)
        else:
            await self._write(movie.id, planned, result, problems, source)
            self.ledger.remember_verified(
                v for v in verified if _decided(planned, v.path) is Action.UNCHANGED
            )
        first_nfo = next((p for p in planned if p.kind == "nfo" and p.new is not None), None)
        if dry_run and first_nfo is not None and first_nfo.new is not None:
            result.diff = nfo_diff(first_nfo.existing, first_nfo.new, os.path.basename(first_nfo.relative))
        if problems:
            result.status = MovieStatus.FAILED
            result.error = "; ".join(problems)
        return result

    def _plan(
        self,
        layout: MovieLayout,
        assets: list[CachedAsset],
        options: PublishOptions,
        published: dict[str, int] | None = None,
    ) -> list[_Planned]:
        """The files to consider. `published` (relative path -> asset id Metarr wrote there) keeps
        an earlier suggestion in place unless the user selected another: measuring a downloaded
        image can reorder the suggestions, and a library should not churn on every publish."""
        published = published or {}
        planned = [_Planned("nfo", name) for name in nfo_names(layout, options.flavour, options.nfo_name)]
        used: set[int] = set()

        def pick(choices: list[CachedAsset], name: str) -> CachedAsset | None:
            free = [a for a in choices if a.id not in used]
            if not free:
                return None
            chosen = free[0]
            earlier = published.get(name)
            if not chosen.is_selected and earlier is not None:
                chosen = next((a for a in free if a.id == earlier), chosen)
            used.add(chosen.id)
            return chosen

        for kind in artwork_kinds(list(options.artwork), options.flavour):
            name = artwork_name(layout, kind)
            asset = pick(_choose(assets, kind, options.language), name)
            if asset is not None:
                planned.append(_Planned(kind, name, asset))
            if kind == "keyart":
                used.discard(asset.id if asset else -1)  # a textless poster may also be the poster
        if "fanart" in options.artwork:
            extras = _choose(assets, "fanart", options.language)
            for name in extrafanart_names(layout, options.extrafanart):
                asset = pick(extras, name)
                if asset is None:
                    break
                planned.append(_Planned("extrafanart", name, asset))
        return planned

    async def _prepare_artwork(
        self,
        item: _Planned,
        layout: MovieLayout,
        ledger: dict[str, Any],
        options: PublishOptions,
        *,
        dry_run: bool,
        force: bool,
    ) -> None:
        asset = item.asset
        assert asset is not None
        entry = item.entry
        if (
            not force
            and entry is not None
            and entry.asset_id == asset.id
            and item.existing is not None
            and sha256(item.existing) == entry.sha256
        ):
            # Metarr wrote this asset here and nobody changed it: nothing to fetch or decode.
            item.new = item.existing
            return
        if item.existing is not None and not force:
            if entry is not None and sha256(item.existing) != entry.sha256:
                item.decision = Decision(Action.KEPT, "changed since Metarr wrote it; left alone")
                return
            if entry is None and item.kind not in options.replace_foreign:
                item.decision = Decision(Action.KEPT, "not written by Metarr; left alone")
                return
        data = await self.fetcher.get(asset.url, download=not dry_run)
        if data is None:
            action = Action.WOULD_CREATE if item.existing is None else Action.WOULD_UPDATE
            item.decision = Decision(action, "not downloaded yet")
            return
        extension = ARTWORK_FILES.get(item.kind, ("fanart", "jpg"))[1]

        def check() -> tuple[Any, bytes]:
            inspected = inspect_image(data)
            return inspected, encode_for(data, inspected.format, extension)

        inspected, item.new = await asyncio.to_thread(check)
        if not dry_run:
            await asyncio.to_thread(self.fetcher.remember, asset.url, data)
            self.ledger.set_asset_analysis(
                asset.id,
                AssetAnalysis(
                    width=inspected.width,
                    height=inspected.height,
                    content_hash=inspected.sha256,
                    perceptual_hash=inspected.dhash,
                    score=score_image(asset, inspected.width, inspected.height, options.language),
                ),
            )

    @staticmethod
    def _preview(planned: list[_Planned], result: MovieResult) -> None:
        for item in planned:
            decision = item.decision
            if decision is None:
                continue
            action = decision.action
            if action is Action.CREATED:
                action = Action.WOULD_CREATE
            elif action is Action.UPDATED:
                action = Action.WOULD_UPDATE
            result.files.append(_file_result(item, action))
            if action in (Action.WOULD_CREATE, Action.WOULD_UPDATE):
                result.status = MovieStatus.WRITTEN

    async def _write(
        self, movie_id: int, planned: list[_Planned], result: MovieResult, problems: list[str], source: str
    ) -> None:
        to_write = [
            p
            for p in planned
            if p.decision is not None
            and p.new is not None
            and p.decision.action in (Action.CREATED, Action.UPDATED)
        ]

        def write_all() -> tuple[list[_Planned], str | None]:
            done: list[_Planned] = []
            for item in to_write:
                assert item.new is not None and item.decision is not None
                try:
                    if item.decision.backup and item.existing is not None:
                        backup_once(item.path, item.existing)
                    atomic_write(item.path, item.new)
                except OSError as exc:
                    return done, f"cannot write {item.path}: {_os_message(exc)}"
                done.append(item)
            return done, None

        done, error = await asyncio.to_thread(write_all) if to_write else ([], None)
        written = {id(p) for p in done}
        for item in planned:
            decision = item.decision
            if decision is None:
                continue
            if decision.action in (Action.CREATED, Action.UPDATED) and id(item) not in written:
                continue  # not written: the error says why
            assert item.new is not None or item.known or decision.action is Action.KEPT
            if id(item) in written or decision.adopt:
                new = item.new or b""
                digest = sha256(new)
                item_source = source if item.kind == "nfo" else None
                self.ledger.record(
                    movie_id,
                    item.path,
                    item.kind,
                    digest,
                    len(new),
                    item.asset.id if item.asset else None,
                    source=item_source,
                )
                self._written.append(_Written(item.path, digest, len(new), item_source, time.time_ns()))
                self._generation[movie_id] = self._generation.get(movie_id, 0) + 1
            result.files.append(_file_result(item, decision.action))
            if id(item) in written:
                result.status = MovieStatus.WRITTEN
        if error is not None:
            problems.append(error)


def _known_unchanged(item: _Planned, source: str) -> bool:
    """The ledger proves the file unchanged without reading it: its (size, mtime_ns) are those last
    verified, and what it is made of is the same (the asset; an NFO's source)."""
    entry, info = item.entry, item.info
    if entry is None or info is None or entry.mtime_ns is None or not stat.S_ISREG(info.st_mode):
        return False
    if info.st_size != entry.size or info.st_mtime_ns != entry.mtime_ns:
        return False
    if item.kind == "nfo":
        return entry.source == source
    return item.asset is not None and entry.asset_id == item.asset.id


def _same(item: _Planned, entry: LedgerEntry) -> bool:
    """The bytes read are those the ledger says Metarr wrote."""
    return (
        item.existing is not None
        and len(item.existing) == entry.size
        and sha256(item.existing) == entry.sha256
    )


def _verified(
    item: _Planned, entry: LedgerEntry, source: str | None, now_ns: int, out: list[VerifiedFile]
) -> None:
    """Note what reading an unchanged file proved, when the ledger does not hold it yet: its mtime
    (once older than `RACY_NS`; its size was read before the bytes) and an NFO's source."""
    info = item.info
    mtime: int | None = None
    if (
        info is not None
        and stat.S_ISREG(info.st_mode)
        and info.st_size == entry.size
        and info.st_mtime_ns < now_ns - RACY_NS
    ):
        mtime = info.st_mtime_ns
    if source is None:
        source = entry.source
    if (mtime, source) != (entry.mtime_ns, entry.source):
        out.append(VerifiedFile(item.path, entry.sha256, mtime, source))


def _decided(planned: list[_Planned], path: str) -> Action | None:
    return next((p.decision.action for p in planned if p.path == path and p.decision), None)


def _file_result(item: _Planned, action: Action) -> FileResult:
    decision = item.decision
    new = item.new if action is not Action.KEPT else None
    size = len(new) if new is not None else None
    digest = sha256(new) if new is not None else None
    if item.known and item.entry is not None:
        size, digest = item.entry.size, item.entry.sha256
    return FileResult(
        path=item.path,
        kind=item.kind,
        action=action,
        size=size,
        sha256=digest,
        asset_id=item.asset.id if item.asset else None,
        reason=decision.reason if decision else None,
        old=item.existing,
        new=item.new,
    )


def _os_message(exc: OSError) -> str:
    """ "No space left on device", "Read-only file system", ... (never a traceback)."""
    return exc.strerror if exc.strerror else f"{type(exc).__name__}: {exc}"


__all__ = [
    "FileResult",
    "ImageFetcher",
    "MovieResult",
    "MovieStatus",
    "PublishOptions",
    "PublishReport",
    "PublishService",
    "UnknownEntityError",
]
