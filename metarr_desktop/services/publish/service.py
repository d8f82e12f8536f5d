# ruff: noqa: PTH119
# Paths are plain strings (as stored, and as the ledger keys them): os.path on strings, one rule set.
"""`PublishService`: write each movie's NFO and chosen artwork next to it, safely.

For one movie (`publish_one`): read its rows (`read_ahead.KnownMovie`; a publish of many reads the
next movies' rows together, `read_ahead.ReadAhead`), work out its layout (`layout.movie_layout`),
build the NFO (`core.nfo_writer`, merged into what is on disk; a tag Metarr wrote and no longer has
a value for goes, `files.erasable`), plan its files (`planning.plan_files`: one asset per artwork
kind, the user's selection else the artwork rule's suggestion, and extra fanart), look at what is
on disk, fetch each image and check and measure it (`writing.prepare_artwork`: the profile's image
cache first, else the engine's image-host provider through `image_fetcher.ImageFetcher`), decide
each file (`planning.decide_all`, `files.decide`), then write the files (`writing.write_files`)
and record them in the ledger. A movie that fails (a read-only folder, a full disk, a missing
folder) gets its error; the others go on. What it reports is in `results`.

A publish that is neither forced nor a dry run skips what it can prove unchanged without reading
it (`unchanged.known_unchanged`): a file whose ledger row holds its (size, mtime_ns) as last
verified against the hash, and whose input is the same (the same asset; for an NFO, the same
`source_hash` of what it is built from). A file that fails either test is read and hashed as
before; once its hash matched its row and its modification time is older than
`unchanged.RACY_NS`, that time is stored for the next publish (`unchanged.note_verified`). The
files a publish of many movies writes are read back the same way once `RACY_NS` old
(`_verify_written`), so the next publish need not read them.

A dry run writes nothing and downloads nothing that is not cached already: an image that would
need a download is listed as ``would_create`` / ``would_update`` without a hash.

An artwork file whose image cannot be had (the download failed, or it is not a usable image) fails
the movie: its error names the file, which is not among the files listed (nor is one that cannot be
written); the other files are still written.

Blocking work (folder listing, reading and writing files, decoding images) runs in a worker
thread; the ledger is written on the event loop's thread (peewee's connection there).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.nfo_writer import NfoWriteError
from metarr_desktop.core.nfo_writer import movie_from_fields
from metarr_desktop.core.nfo_writer import source_hash
from metarr_desktop.core.nfo_writer import write_nfo
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.services.imaging import ImageRejected
from metarr_desktop.services.publish.files import Action
from metarr_desktop.services.publish.files import Decision
from metarr_desktop.services.publish.files import erasable
from metarr_desktop.services.publish.files import read_existing
from metarr_desktop.services.publish.files import sha256
from metarr_desktop.services.publish.image_fetcher import ImageFetcher
from metarr_desktop.services.publish.layout import LayoutError
from metarr_desktop.services.publish.layout import MovieLayout
from metarr_desktop.services.publish.layout import locate
from metarr_desktop.services.publish.layout import movie_layout
from metarr_desktop.services.publish.options import PublishOptions
from metarr_desktop.services.publish.options import options_from_settings
from metarr_desktop.services.publish.planning import PlannedFile
from metarr_desktop.services.publish.planning import decide_all
from metarr_desktop.services.publish.planning import decided
from metarr_desktop.services.publish.planning import file_result
from metarr_desktop.services.publish.planning import plan_files
from metarr_desktop.services.publish.planning import preview
from metarr_desktop.services.publish.read_ahead import KnownMovie
from metarr_desktop.services.publish.read_ahead import ReadAhead
from metarr_desktop.services.publish.results import FileResult
from metarr_desktop.services.publish.results import MovieResult
from metarr_desktop.services.publish.results import MovieStatus
from metarr_desktop.services.publish.results import PublishReport
from metarr_desktop.services.publish.results import nfo_diff
from metarr_desktop.services.publish.unchanged import WrittenBacklog
from metarr_desktop.services.publish.unchanged import WrittenFile
from metarr_desktop.services.publish.unchanged import known_unchanged
from metarr_desktop.services.publish.unchanged import note_verified
from metarr_desktop.services.publish.unchanged import same_as_recorded
from metarr_desktop.services.publish.unchanged import still_as_written
from metarr_desktop.services.publish.writing import os_message
from metarr_desktop.services.publish.writing import prepare_artwork
from metarr_desktop.services.publish.writing import to_write
from metarr_desktop.services.publish.writing import write_files
from metarr_desktop.services.settings import SettingsService
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.library import MovieRepository
from metarr_desktop.store.publish import PublishLedger
from metarr_desktop.store.publish import VerifiedFile

log = logging.getLogger(__name__)

MOVIE = EntityType.MOVIE.value


def _already_marked(known: KnownMovie, result: MovieResult) -> bool:
    """An unchanged movie published since its last enrichment needs no new state row (a write per
    movie would cost more than the whole check)."""
    if result.status is not MovieStatus.UNCHANGED:
        return False
    last, enriched = known.last_published, known.movie.last_enriched_at
    return last is not None and (enriched is None or last >= enriched)


#: The fields that only name a movie: without an id or any other field, there is nothing to write.
NAME_FIELDS = frozenset({"title", "original_title", "sort_title", "year"})
NOTHING_TO_WRITE = "not identified yet: nothing to write but its name (identify it, or fill a field in)"


def _facts_beyond_the_name(fields: Mapping[str, Any]) -> bool:
    """Whether the movie has a field with a value besides those that only name it."""
    return any(value not in (None, "", [], {}) for name, value in fields.items() if name not in NAME_FIELDS)


class PublishService:
    """Publishes movies' library files (the window's "Write files", `metarr publish`, the hook
    after an enrichment)."""

    def __init__(
        self,
        *,
        movies: MovieRepository,
        assets: AssetRepository,
        ledger: PublishLedger,
        fetcher: ImageFetcher,
        settings: SettingsService,
    ) -> None:
        self._movies = movies
        self._assets = assets
        self.ledger = ledger
        self.fetcher = fetcher
        #: The ``publish.*`` settings, read at each publish (a changed setting applies to the next).
        self._settings = settings
        self._locks: dict[int, asyncio.Lock] = {}
        self._written = WrittenBacklog()
        self._generation: dict[int, int] = {}  # movie id -> files recorded for it by this service

    @property
    def enabled(self) -> bool:
        return bool(self._settings.get("publish.enabled"))

    def options(self) -> PublishOptions:
        return options_from_settings(self._settings)

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
        options = replace(self.options(), artwork=(), extrafanart=0)
        return await self.publish_one(movie_id, dry_run=True, options=options, changes=changes)

    # -- many movies ---------------------------------------------------------------------------------

    async def publish(
        self,
        movie_ids: Iterable[int],
        *,
        dry_run: bool = False,
        force: bool = False,
        report: PublishReport | None = None,
    ) -> PublishReport:
        """Publish each movie in turn; one movie's failure never stops the others. `report` (when
        given) is filled in as movies finish: when the run is cancelled, it holds the movies done
        (the one in progress is not among them, nor marked published) and is `interrupted`."""
        report = PublishReport() if report is None else report
        options = self.options()
        before = self.fetcher.bytes_downloaded
        ids = list(movie_ids)
        ahead = ReadAhead(lambda chunk: self._read(chunk, options), ids)
        try:
            for index, movie_id in enumerate(ids):
                known = ahead.get(index)
                report.results.append(
                    await self.publish_one(
                        movie_id, dry_run=dry_run, force=force, options=options, known=known
                    )
                )
                await self._verify_written()
        except asyncio.CancelledError:
            report.interrupted = True
            raise
        finally:
            report.bytes_downloaded = self.fetcher.bytes_downloaded - before
        return report

    async def _verify_written(self) -> None:
        """Read back the files written at least `RACY_NS` ago; store the (size, mtime_ns) of those
        that still hold what was written, so the next publish trusts them without reading."""
        due = self._written.due()
        if due:
            self.ledger.remember_verified(await asyncio.to_thread(still_as_written, due))

    async def after_enrich(self, movie_id: int, requires_player_sync: bool) -> MovieResult | None:
        """The enrichment hook: publish when publishing and `publish.after_enrichment` are on and the
        change set requires a player sync; None when nothing was to be done."""
        if not (requires_player_sync and self.enabled and self._settings.get("publish.after_enrichment")):
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
        known: KnownMovie | None = None,
    ) -> MovieResult:
        """Publish (or preview) one movie; raises `UnknownEntityError` for an unknown id. `changes`
        (a dry run only) are field values to use instead of the stored ones; `known`, what
        `publish` read for this movie a moment ago (read again when this service wrote since)."""
        if changes and not dry_run:
            raise ValueError("field changes are previewed only (dry_run=True)")
        options = options or self.options()
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
                message = str(exc) if isinstance(exc, LayoutError) else os_message(exc)
                status = MovieStatus.SKIPPED if movie.path is None else MovieStatus.FAILED
                result = MovieResult(movie_id, status, error=message)
            if not dry_run and not _already_marked(known, result):
                self.ledger.mark_published(movie_id, result.status.value, result.error)
        return result

    def _read(self, movie_ids: list[int], options: PublishOptions) -> dict[int, KnownMovie]:
        """What publishing these movies reads from the database: one query per table."""
        movies = self._movies.get_many(movie_ids)
        ids = list(movies)
        ledgers = self.ledger.for_movies(ids)
        assets = self._assets.for_entities(MOVIE, ids) if options.artwork else {}
        published = self.ledger.last_published_many(ids)
        return {
            movie_id: KnownMovie(
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
        known: KnownMovie,
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

        def prepare() -> tuple[MovieLayout, list[PlannedFile], list[VerifiedFile]]:
            """The folder's files, read in one go off the loop (one thread hop per movie)."""
            layout = movie_layout(movie.path)
            root = os.path.realpath(layout.folder)
            inside = root if root.endswith(os.sep) else root + os.sep  # ledger paths are resolved
            published = {
                path[len(inside) :]: entry.asset_id
                for path, entry in ledger.items()
                if entry.asset_id is not None and path.startswith(inside)
            }
            planned = plan_files(layout, assets, options, published)
            verified: list[VerifiedFile] = []
            for item in planned:
                try:
                    item.path, item.info = locate(root, item.relative)
                except LayoutError as exc:
                    item.error = str(exc)
                    continue
                item.entry = ledger.get(item.path)
                if trust_ledger and known_unchanged(item, source):
                    item.known = True
                    item.decision = Decision(Action.UNCHANGED)
                    continue
                item.existing = read_existing(item.path)
                if item.kind != "nfo":
                    continue
                entry = item.entry
                if (
                    trust_ledger
                    and entry is not None
                    and entry.source == source
                    and same_as_recorded(item, entry)
                ):
                    item.new = item.existing  # Metarr wrote it from this very source: nothing to render
                else:
                    try:
                        erase = erasable(item.path, item.existing, entry)
                        item.new = write_nfo(nfo, item.existing, erase)
                    except NfoWriteError as exc:
                        item.decision = Decision(Action.KEPT, f"cannot be merged ({exc}); left alone")
                        continue
                if (
                    not dry_run
                    and entry is not None
                    and item.new == item.existing
                    and same_as_recorded(item, entry)
                ):
                    note_verified(item, entry, source, now, verified)
            return layout, planned, verified

        now = time.time_ns()  # before any file is looked at
        if movie.ids.is_empty() and not _facts_beyond_the_name(fields):
            # An NFO with nothing but a name would stop Kodi from finding the film itself. The
            # folder is checked first: a missing one is the problem to tell.
            await asyncio.to_thread(movie_layout, movie.path)  # LayoutError when it is missing
            return MovieResult(movie.id, MovieStatus.SKIPPED, error=NOTHING_TO_WRITE)
        layout, planned, verified = await asyncio.to_thread(prepare)
        for item in planned:
            if item.error is not None:
                problems.append(f"{item.relative}: {item.error}")
                item.decision = Decision(Action.KEPT, item.error)
                continue
            if item.kind == "nfo" or item.known:
                continue
            try:
                await prepare_artwork(item, self.fetcher, self.ledger, options, dry_run=dry_run, force=force)
            except (ProviderError, ImageRejected, LayoutError) as exc:
                # That file failed: the movie's error names it, and it is not listed among the
                # files (as a file that cannot be written is not), never as one "kept".
                message = exc.message if isinstance(exc, ProviderError) else str(exc)
                problems.append(f"{item.relative}: {message}")
                item.decision, item.new = None, None
                continue
            entry = item.entry
            if not dry_run and entry is not None and item.new is not None and item.new is item.existing:
                note_verified(item, entry, None, now, verified)

        decide_all(planned, options, force=force)
        result = MovieResult(movie.id, MovieStatus.UNCHANGED, folder=layout.folder)
        if dry_run:
            preview(planned, result)
        else:
            await self._write(movie.id, planned, result, problems, source)
            self.ledger.remember_verified(v for v in verified if decided(planned, v.path) is Action.UNCHANGED)
        first_nfo = next((p for p in planned if p.kind == "nfo" and p.new is not None), None)
        if dry_run and first_nfo is not None and first_nfo.new is not None:
            result.diff = nfo_diff(first_nfo.existing, first_nfo.new, os.path.basename(first_nfo.relative))
        if problems:
            result.status = MovieStatus.FAILED
            result.error = "; ".join(problems)
        return result

    async def _write(
        self, movie_id: int, planned: list[PlannedFile], result: MovieResult, problems: list[str], source: str
    ) -> None:
        items = to_write(planned)
        done, error = await asyncio.to_thread(write_files, items) if items else ([], None)
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
                self._written.append(WrittenFile(item.path, digest, len(new), item_source, time.time_ns()))
                self._generation[movie_id] = self._generation.get(movie_id, 0) + 1
            result.files.append(file_result(item, decision.action))
            if id(item) in written:
                result.status = MovieStatus.WRITTEN
        if error is not None:
            problems.append(error)


__all__ = [
    "FileResult",
    "ImageFetcher",
    "MovieResult",
    "MovieStatus",
    "PublishOptions",
    "PublishReport",
    "PublishService",
    "UnknownEntityError",
    "nfo_diff",
]
