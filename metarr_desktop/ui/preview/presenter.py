"""What the preview dialogs show and do, without Qt (tested without widgets).

`PreviewPresenter`: one movie's previewed change set as rows the user ticks; accepting applies the
ticked fields from the cache (`PreviewService.accept`: no request) and says what happened. Once the
movie's library files are published (or publishing is on), it also shows the NFO diff: the NFO on
disk against the one Metarr would write after accepting the ticked fields (`PublishService.nfo_preview`,
the Files tab's dry run restricted to the NFO).
`BulkPreviewPresenter`: many movies' previews by field ("Plot: 312 movies, Runtime: 14"), the movies
with what would change for each, and accepting the ticked fields across all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.changes import sync_reason_text
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.fields import label
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.preview import AcceptResult
from metarr_desktop.services.preview import BulkPreview
from metarr_desktop.services.preview import PreviewService
from metarr_desktop.services.preview import movies_changing
from metarr_desktop.services.publish import MovieResult
from metarr_desktop.services.publish import PublishService
from metarr_desktop.ui.movie.models import short_value
from metarr_desktop.ui.movie.models import source_name

#: Fields whose value is a picture's address: shown as thumbnails.
ARTWORK_FIELDS: frozenset[str] = frozenset(
    {"poster", "fanart", "clearlogo", "clearart", "banner", "thumb", "disc"}
)


#: Fields named in a bulk preview's one-line summary (the table lists them all).
SUMMARY_FIELDS = 6


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass(slots=True)
class ChangeRow:
    """One previewed field change.

    Attributes:
        artwork: the new value is a picture (`new_url`).
        checked: the user keeps it (accepted with the others ticked).
    """

    field: str
    label: str
    old: str
    new: str
    source: str | None
    source_name: str
    artwork: bool
    new_url: str | None
    old_url: str | None
    checked: bool = True


class PreviewPresenter:
    """One movie's preview.

    Attributes:
        result: the preview (an `EnrichResult` with nothing written).
        rows: one per changed field, canonical order, all ticked at first.
        outcome: what accepting did (None before).
    """

    def __init__(
        self,
        service: PreviewService,
        result: EnrichResult,
        *,
        title: str,
        names: Mapping[str, str],
        publish: PublishService | None = None,
    ) -> None:
        self.service = service
        self.publish = publish
        self.result = result
        self.title = title
        self.names = dict(names)
        self.outcome: AcceptResult | None = None
        self.rows = [
            ChangeRow(
                field=c.field,
                label=label(c.field),
                old=short_value(c.field, c.old) or "(empty)",
                new=short_value(c.field, c.new) or "(empty)",
                source=c.source,
                source_name=source_name(c.source, self.names),
                artwork=c.field in ARTWORK_FIELDS,
                new_url=c.new if c.field in ARTWORK_FIELDS and isinstance(c.new, str) else None,
                old_url=c.old if c.field in ARTWORK_FIELDS and isinstance(c.old, str) else None,
            )
            for c in result.changes.changed_fields
        ]

    @property
    def movie_id(self) -> int:
        return self.result.movie_id

    @property
    def changes(self) -> ChangeSet:
        return self.result.changes

    def artwork(self) -> list[ChangeRow]:
        return [r for r in self.rows if r.new_url]

    def set_checked(self, field: str, checked: bool) -> None:
        for row in self.rows:
            if row.field == field:
                row.checked = checked

    def set_all(self, checked: bool) -> None:
        for row in self.rows:
            row.checked = checked

    def chosen(self) -> list[str]:
        return [r.field for r in self.rows if r.checked]

    def heading(self) -> str:
        if self.result.status is Status.FAILED:
            return f"Preview of {self.title} failed: {self.result.error or 'no provider answered'}"
        if self.result.status is Status.NEEDS_IDENTIFICATION:
            return f"{self.title} needs identification first: choose the film with Identify…"
        if not self.rows:
            return f"A refresh of {self.title} would change nothing."
        count = _plural(len(self.rows), "field")
        return f"A refresh of {self.title} would change {count}. Nothing is written yet."

    def sync_note(self) -> str:
        changes = self.result.changes
        if changes.requires_player_sync:
            reason = sync_reason_text(changes.names())
            return f"A media player showing this movie would need to resync it ({reason})."
        return ""

    def can_accept(self) -> bool:
        return bool(self.chosen())

    async def accept(self, fields: list[str] | None = None) -> str:
        """Apply `fields` (default: the ticked ones) from the cache; the line to show."""
        chosen = self.chosen() if fields is None else fields
        if not chosen:
            return "Nothing ticked: nothing was changed."
        self.outcome = await self.service.accept(self.movie_id, chosen, previewed=self.result.changes)
        applied = self.outcome.result
        if applied.status is Status.FAILED:
            return f"Could not apply the preview: {applied.error or 'unknown error'}. Nothing was changed."
        count = len(applied.changes.changed_fields)
        text = f"Applied {_plural(count, 'field')} from the cache (no new request)."
        if self.outcome.differs:
            text += (
                " The movie changed since the preview, so these differ from it: "
                + ", ".join(label(n) for n in self.outcome.differs)
                + "."
            )
        return text

    def discard(self) -> str:
        return f"Preview of {self.title} discarded: nothing was changed."

    # -- the NFO diff --------------------------------------------------------------------------------

    def shows_nfo(self) -> bool:
        """The NFO diff is shown: there is a change, and the movie's files are published or
        publishing is on (else Metarr writes no NFO that the change would reach)."""
        publish = self.publish
        if publish is None or not self.rows or self.result.status is Status.FAILED:
            return False
        return publish.enabled or publish.has_published(self.movie_id)

    def ticked_values(self) -> dict[str, Any]:
        """Field -> the previewed new value, for the ticked fields."""
        chosen = set(self.chosen())
        return {c.field: c.new for c in self.changes.changed_fields if c.field in chosen}

    async def nfo_diff(self) -> str:
        """The text of the NFO diff view, for the fields ticked now."""
        if self.publish is None:
            return ""
        try:
            planned = await self.publish.nfo_preview(self.movie_id, self.ticked_values())
        except (StoreError, OSError, ValueError) as exc:  # store, file or NFO failure: said in the view
            return f"The NFO cannot be compared: {exc}"
        return nfo_diff_text(planned, ticked=bool(self.chosen()))


@dataclass(slots=True)
class FieldSummaryRow:
    field: str
    label: str
    movies: int
    included: bool = True


@dataclass(frozen=True, slots=True)
class MovieSummaryRow:
    movie_id: int
    title: str
    fields: list[str]
    text: str


class BulkPreviewPresenter:
    """Many movies' previews, by field; accept or leave out fields across all of them."""

    def __init__(self, service: PreviewService, bulk: BulkPreview, *, titles: Mapping[int, str]) -> None:
        self.service = service
        self.bulk = bulk
        self.titles = dict(titles)
        counts = bulk.summary.counts()
        self.field_rows = [FieldSummaryRow(n, label(n), counts[n]) for n in bulk.summary.fields]
        self.movie_rows = [
            MovieSummaryRow(
                movie_id,
                self.titles.get(movie_id, f"Movie {movie_id}"),
                changes.names(),
                ", ".join(label(n) for n in changes.names()),
            )
            for movie_id, changes in bulk.summary.changes.items()
        ]
        self.outcome: EnrichReport | None = None

    def set_included(self, field: str, included: bool) -> None:
        for row in self.field_rows:
            if row.field == field:
                row.included = included

    def included(self) -> list[str]:
        return [r.field for r in self.field_rows if r.included]

    def movies(self) -> list[int]:
        """The movies that accepting would change (they change an included field)."""
        return movies_changing(self.bulk.summary, self.included())

    def summary_text(self) -> str:
        parts = [f"{r.label}: {r.movies:,}" for r in self.field_rows]
        if parts:  # the first count says what it counts: "Title: 1 movie, Plot: 4"
            parts[0] += " movie" if self.field_rows[0].movies == 1 else " movies"
        if len(parts) > SUMMARY_FIELDS:
            parts = [*parts[:SUMMARY_FIELDS], f"and {_plural(len(parts) - SUMMARY_FIELDS, 'more field')}"]
        previewed = len(self.bulk.report.results)
        failed = self.bulk.report.count(Status.FAILED)
        head = f"Previewed {_plural(previewed, 'movie')}"
        if failed:
            head += f" ({failed:,} failed)"
        if not parts:
            return head + ": nothing would change."
        return head + ". Would change " + ", ".join(parts) + "."

    def accept_text(self) -> str:
        fields, movies = self.included(), self.movies()
        if not fields:
            return "Every field is left out: accepting changes nothing."
        what = f"{_plural(len(fields), 'field')} to {_plural(len(movies), 'movie')}"
        return f"Accepting writes {what}, from the cache."

    async def accept(self) -> str:
        fields, movies = self.included(), self.movies()
        if not fields or not movies:
            return "Nothing accepted: nothing was changed."
        self.outcome = await self.service.accept_many(movies, fields)
        done = self.outcome.count(Status.ENRICHED)
        failed = self.outcome.count(Status.FAILED)
        text = f"Applied the preview to {_plural(done, 'movie')} from the cache (no new request)."
        if failed:
            text += f" {failed:,} could not be applied."
        return text


def nfo_diff_text(planned: MovieResult, *, ticked: bool = True) -> str:
    """What the NFO diff view says for a dry run of the NFO (`PublishService.nfo_preview`)."""
    if planned.error:
        return f"No NFO would be written: {planned.error}"
    nfo = next((f for f in planned.files if f.kind == "nfo"), None)
    if nfo is None:
        return "No NFO would be written for this movie."
    if planned.diff is None:
        return f"{nfo.path}: {nfo.reason or 'left alone'}; accepting does not rewrite it."
    if not planned.diff:
        what = "the ticked fields" if ticked else "nothing ticked"
        return f"{nfo.path}: the NFO on disk already says this ({what}); it would not change."
    return planned.diff
