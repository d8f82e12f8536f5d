"""The writing step of a publish: the new bytes of an artwork file (`prepare_artwork`: the image
cache or a download, checked and encoded for its file), and the decided files written to disk
(`write_files`: atomically, a foreign original backed up once)."""

from __future__ import annotations

import asyncio
from typing import Any

from metarr_desktop.core.asset_score import score_image
from metarr_desktop.services.imaging import encode_for
from metarr_desktop.services.imaging import inspect_image
from metarr_desktop.services.publish.files import Action
from metarr_desktop.services.publish.files import Decision
from metarr_desktop.services.publish.files import atomic_write
from metarr_desktop.services.publish.files import backup_once
from metarr_desktop.services.publish.files import sha256
from metarr_desktop.services.publish.image_fetcher import ImageFetcher
from metarr_desktop.services.publish.layout import ARTWORK_FILES
from metarr_desktop.services.publish.options import PublishOptions
from metarr_desktop.services.publish.planning import PlannedFile
from metarr_desktop.store.publish import AssetAnalysis
from metarr_desktop.store.publish import PublishLedger


async def prepare_artwork(
    item: PlannedFile,
    fetcher: ImageFetcher,
    ledger: PublishLedger,
    options: PublishOptions,
    *,
    dry_run: bool,
    force: bool,
) -> None:
    """Fill in the artwork file's new bytes, or its decision when it is not to be written. Raises
    `ProviderError` (the download failed) or `ImageRejected` (not a usable image)."""
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
    data = await fetcher.get(asset.url, download=not dry_run)
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
        await asyncio.to_thread(fetcher.remember, asset.url, data)
        ledger.set_asset_analysis(
            asset.id,
            AssetAnalysis(
                width=inspected.width,
                height=inspected.height,
                content_hash=inspected.sha256,
                perceptual_hash=inspected.dhash,
                score=score_image(asset, inspected.width, inspected.height, options.language),
            ),
        )


def to_write(planned: list[PlannedFile]) -> list[PlannedFile]:
    """The files decided to be created or updated."""
    return [
        p
        for p in planned
        if p.decision is not None
        and p.new is not None
        and p.decision.action in (Action.CREATED, Action.UPDATED)
    ]


def write_files(items: list[PlannedFile]) -> tuple[list[PlannedFile], str | None]:
    """Write `items` in turn (blocking); stops at the first that cannot be written. The files
    written, and the error that stopped it."""
    done: list[PlannedFile] = []
    for item in items:
        assert item.new is not None and item.decision is not None
        try:
            if item.decision.backup and item.existing is not None:
                backup_once(item.path, item.existing)
            atomic_write(item.path, item.new)
        except OSError as exc:
            return done, f"cannot write {item.path}: {os_message(exc)}"
        done.append(item)
    return done, None


def os_message(exc: OSError) -> str:
    """ "No space left on device", "Read-only file system", ... (never a traceback)."""
    return exc.strerror if exc.strerror else f"{type(exc).__name__}: {exc}"


__all__ = ["os_message", "prepare_artwork", "to_write", "write_files"]
