"""Previewing a refresh, and accepting the preview.

A preview is an enrichment with nothing written to the movie (`EnrichOptions.preview`): the
providers are asked as for a refresh (fresh cached answers are used, the others fetched), the
answers are merged and compared with the stored values, and the change set is returned. The answers
fetched on the way are cached, so accepting needs no second request.

Accepting is the same computation again, from the cache only (`EnrichOptions.cache_only`: every
provider's cached answer, however old; never a request), restricted to the fields the user chose
(`EnrichOptions.fields`), and then committed like any refresh (history entry included). When the
movie changed between the preview and the acceptance (a field edited or locked meanwhile), the
applied change set differs from the previewed one; `AcceptResult.differs` names those fields.

For many movies, `preview_many` previews each and summarises the change sets by field
(`core.preview.summarise`); `accept_many` applies the chosen fields to the chosen movies.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.changes import same_value
from metarr_desktop.core.preview import PreviewSummary
from metarr_desktop.core.preview import restrict_changes
from metarr_desktop.core.preview import summarise
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.services.enrichment import EnrichmentService
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.enrichment import ProgressCallback


def preview_options(*, force: bool = False) -> EnrichOptions:
    """A manual refresh that writes nothing to the movie."""
    return EnrichOptions(mode=Mode.MANUAL, force=force, preview=True)


def accept_options(fields: Collection[str] | None = None) -> EnrichOptions:
    """A manual refresh from the cache only, of `fields` (None: every field)."""
    return EnrichOptions(
        mode=Mode.MANUAL, cache_only=True, fields=None if fields is None else frozenset(fields)
    )


@dataclass(slots=True)
class AcceptResult:
    """What accepting a preview did.

    Attributes:
        result: the enrichment that applied it (from the cache).
        differs: fields whose applied change is not the previewed one (the movie changed meanwhile).
    """

    result: EnrichResult
    differs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        document = self.result.to_json()
        document["differs_from_preview"] = list(self.differs)
        return document


def differences(previewed: ChangeSet, applied: ChangeSet, fields: Collection[str]) -> list[str]:
    """The fields of `fields` whose change in `applied` is not the one `previewed` showed."""
    shown = {c.field: c for c in restrict_changes(previewed, fields).changed_fields}
    done = {c.field: c for c in applied.changed_fields}
    names = sorted(set(shown) | set(done))
    return [
        n
        for n in names
        if n not in shown
        or n not in done
        or not same_value(shown[n].new, done[n].new)
        or shown[n].source != done[n].source
    ]


@dataclass(slots=True)
class BulkPreview:
    """Previews of many movies: the report (one result per movie) and its summary by field."""

    report: EnrichReport
    summary: PreviewSummary

    def to_json(self) -> dict[str, Any]:
        document = self.report.to_json()
        document["preview"] = self.summary.to_json()
        return document


class PreviewService:
    """Preview a refresh of one or many movies, then accept all of it, some fields, or nothing."""

    def __init__(self, enrichment: EnrichmentService) -> None:
        self._enrichment = enrichment

    async def preview(
        self, movie_id: int, *, force: bool = False, progress: FetchProgress | None = None
    ) -> EnrichResult:
        """The change set a refresh would make; nothing is written to the movie."""
        return await self._enrichment.enrich(movie_id, preview_options(force=force), progress=progress)

    async def accept(
        self, movie_id: int, fields: Collection[str] | None = None, *, previewed: ChangeSet | None = None
    ) -> AcceptResult:
        """Apply the preview from the cache (no request), only `fields` when given.

        With `previewed` (the change set shown), the fields default to those it changed and the
        result lists any field whose applied change differs from it.
        """
        chosen: Collection[str] | None = fields
        if chosen is None and previewed is not None:
            chosen = previewed.names()
        result = await self._enrichment.enrich(movie_id, accept_options(chosen))
        differs = [] if previewed is None else differences(previewed, result.changes, chosen or [])
        return AcceptResult(result, differs)

    async def preview_many(
        self,
        movie_ids: Sequence[int],
        *,
        force: bool = False,
        on_progress: ProgressCallback | None = None,
        report: EnrichReport | None = None,
    ) -> BulkPreview:
        """Preview every movie of `movie_ids` (nothing written to any), summarised by field."""
        done = await self._enrichment.enrich_many(
            movie_ids, preview_options(force=force), on_progress=on_progress, report=report
        )
        return BulkPreview(done, summarise({r.movie_id: r.changes for r in done.results}))

    async def accept_many(
        self,
        movie_ids: Sequence[int],
        fields: Collection[str],
        *,
        on_progress: ProgressCallback | None = None,
    ) -> EnrichReport:
        """Apply `fields` to every movie of `movie_ids` from the cache (no request)."""
        return await self._enrichment.enrich_many(movie_ids, accept_options(fields), on_progress=on_progress)


def accepted_fields(summary: PreviewSummary, left_out: Collection[str]) -> list[str]:
    """The summary's fields without those the user left out."""
    return [name for name in summary.fields if name not in left_out]


def movies_changing(summary: PreviewSummary, fields: Collection[str]) -> list[int]:
    """The movies whose preview changes one of `fields` (in the order they were previewed)."""
    wanted = set(fields)
    return [m for m, changes in summary.changes.items() if wanted & set(changes.names())]


__all__ = [
    "AcceptResult",
    "BulkPreview",
    "PreviewService",
    "accept_options",
    "accepted_fields",
    "differences",
    "movies_changing",
    "preview_options",
]
