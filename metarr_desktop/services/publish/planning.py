"""Which files a movie's publish considers and what is decided for each.

`plan_files` lists one movie's files (its NFOs, one asset per artwork kind, extra fanart) as
`PlannedFile`s; the publish fills in what is on disk and what would be written, then `decide_all`
applies `files.decide` to each one not decided yet. `preview` and `file_result` turn the decisions
into the `FileResult`s a movie's result lists.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from metarr_desktop.core.artwork import rank_key
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.records import CachedAsset
from metarr_desktop.services.publish.files import Action
from metarr_desktop.services.publish.files import Decision
from metarr_desktop.services.publish.files import decide
from metarr_desktop.services.publish.files import sha256
from metarr_desktop.services.publish.layout import MovieLayout
from metarr_desktop.services.publish.layout import artwork_kinds
from metarr_desktop.services.publish.layout import artwork_name
from metarr_desktop.services.publish.layout import extrafanart_names
from metarr_desktop.services.publish.layout import nfo_names
from metarr_desktop.services.publish.options import PublishOptions
from metarr_desktop.services.publish.results import FileResult
from metarr_desktop.services.publish.results import MovieResult
from metarr_desktop.store.publish import LedgerEntry

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


@dataclass(slots=True)
class PlannedFile:
    """One file to consider: its kind, where, the asset behind it (artwork)."""

    kind: str
    relative: str
    asset: CachedAsset | None = None
    path: str = ""
    existing: bytes | None = None
    new: bytes | None = None
    decision: Decision | None = None
    error: str | None = None
    entry: LedgerEntry | None = None
    info: os.stat_result | None = None
    known: bool = False  # unchanged as the ledger proves, never read (`new` and `existing` are None)


def choose(assets: list[CachedAsset], kind: str, language: str) -> list[CachedAsset]:
    """The candidates of one kind, best first (the user's selection always first)."""
    types = KIND_TYPES[kind]
    pool = [a for a in assets if a.type in types and not a.is_rejected]
    if kind == "keyart":
        pool = [a for a in pool if a.language is None]
    # Ties go to the oldest candidate (lowest id), never to the cache's order, which follows the
    # scores the previous publish filled in: the same movie always gets the same files.
    pool.sort(key=lambda a: (a.is_selected and kind != "keyart", rank_key(a, language), -a.id), reverse=True)
    return pool


def plan_files(
    layout: MovieLayout,
    assets: list[CachedAsset],
    options: PublishOptions,
    published: dict[str, int] | None = None,
) -> list[PlannedFile]:
    """The files to consider. `published` (relative path -> asset id Metarr wrote there) keeps
    an earlier suggestion in place unless the user selected another: measuring a downloaded
    image can reorder the suggestions, and a library should not churn on every publish."""
    published = published or {}
    planned = [PlannedFile("nfo", name) for name in nfo_names(layout, options.flavour, options.nfo_name)]
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
        asset = pick(choose(assets, kind, options.language), name)
        if asset is not None:
            planned.append(PlannedFile(kind, name, asset))
        if kind == "keyart":
            used.discard(asset.id if asset else -1)  # a textless poster may also be the poster
    if "fanart" in options.artwork:
        extras = choose(assets, "fanart", options.language)
        for name in extrafanart_names(layout, options.extrafanart):
            asset = pick(extras, name)
            if asset is None:
                break
            planned.append(PlannedFile("extrafanart", name, asset))
    return planned


def decide_all(planned: list[PlannedFile], options: PublishOptions, *, force: bool) -> None:
    """Decide each file not decided yet that has new bytes (`files.decide`)."""
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


def decided(planned: list[PlannedFile], path: str) -> Action | None:
    return next((p.decision.action for p in planned if p.path == path and p.decision), None)


def preview(planned: list[PlannedFile], result: MovieResult) -> None:
    """A dry run's files: what would be created or updated. The movie's status is left as it is
    (a dry run writes nothing, so it is never `written`)."""
    for item in planned:
        decision = item.decision
        if decision is None:
            continue
        action = decision.action
        if action is Action.CREATED:
            action = Action.WOULD_CREATE
        elif action is Action.UPDATED:
            action = Action.WOULD_UPDATE
        result.files.append(file_result(item, action))


def file_result(item: PlannedFile, action: Action) -> FileResult:
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


__all__ = [
    "KIND_TYPES",
    "PlannedFile",
    "choose",
    "decide_all",
    "decided",
    "file_result",
    "plan_files",
    "preview",
]
