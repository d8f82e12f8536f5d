"""Previews of a refresh: a merge restricted to chosen fields, and the summary of many
change sets ("plot: 312 movies, runtime: 14").

Pure functions over `MergeResult` and `ChangeSet`; the service (`services.preview`) fetches, and
applies from the cache.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.changes import FieldChange
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import PLAYER_SYNC_FIELDS
from metarr_desktop.core.merge import MergeResult

_ORDER = {name: index for index, name in enumerate(ALL_FIELDS)}


def restrict_merge(merged: MergeResult, fields: Collection[str]) -> MergeResult:
    """The merge with only `fields` (their values and sources); the others are left as they are."""
    return MergeResult(
        values={n: v for n, v in merged.values.items() if n in fields},
        sources={n: s for n, s in merged.sources.items() if n in fields},
    )


def restrict_changes(changes: ChangeSet, fields: Collection[str]) -> ChangeSet:
    """The change set with only `fields`, its player-sync flag and reason recomputed."""
    kept = [c for c in changes.changed_fields if c.field in fields]
    return change_set(kept)


def change_set(changes: Iterable[FieldChange]) -> ChangeSet:
    """A change set from field changes (canonical order, player sync worked out)."""
    ordered = sorted(changes, key=lambda c: _ORDER.get(c.field, len(_ORDER)))
    visible = [c.field for c in ordered if c.field in PLAYER_SYNC_FIELDS]
    return ChangeSet(
        changed_fields=ordered,
        requires_player_sync=bool(visible),
        sync_reason=f"Changed: {', '.join(visible)}" if visible else None,
    )


@dataclass(slots=True)
class PreviewSummary:
    """Many movies' previewed change sets, by field.

    Attributes:
        fields: field -> the movies whose preview changes it (in canonical field order).
        changes: movie id -> its change set.
        unchanged: movies whose preview changes nothing.
    """

    fields: dict[str, list[int]] = field(default_factory=dict)
    changes: dict[int, ChangeSet] = field(default_factory=dict)
    unchanged: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(movies) for name, movies in self.fields.items()}

    def text(self, label: Any = str) -> str:
        """E.g. "plot: 312 movies, runtime: 14"."""
        parts = []
        for index, (name, count) in enumerate(self.counts().items()):
            unit = (" movie" if count == 1 else " movies") if index == 0 else ""
            parts.append(f"{label(name)}: {count:,}{unit}")
        return ", ".join(parts) or "nothing would change"

    def to_json(self) -> dict[str, Any]:
        return {"fields": self.counts(), "movies": {str(k): v.names() for k, v in self.changes.items()}}


def summarise(change_sets: Mapping[int, ChangeSet]) -> PreviewSummary:
    """Group movies' change sets by field."""
    summary = PreviewSummary()
    by_field: dict[str, list[int]] = {}
    for movie_id, changes in change_sets.items():
        if changes.is_empty:
            summary.unchanged.append(movie_id)
            continue
        summary.changes[movie_id] = changes
        for change in changes.changed_fields:
            by_field.setdefault(change.field, []).append(movie_id)
    summary.fields = {n: by_field[n] for n in sorted(by_field, key=lambda n: _ORDER.get(n, len(_ORDER)))}
    return summary
