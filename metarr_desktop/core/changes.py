"""Change detection (document 5, section 4): what an enrichment would change, and whether a media
player must resync the item.

A field changes when the merge produced a value that differs (deep equality: lists and mappings are
compared by content) from the stored one. Locked fields never change. A field the providers no longer
supply keeps its stored value: an enrichment fills and corrects, it does not erase. A change to a
player-visible field (`PLAYER_SYNC_FIELDS`) sets `requires_player_sync`, with a reason naming them.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import PLAYER_SYNC_FIELDS
from metarr_desktop.core.fields import is_missing
from metarr_desktop.core.fields import label
from metarr_desktop.core.merge import MergeResult

_FIELD_ORDER = {name: index for index, name in enumerate(ALL_FIELDS)}


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any
    source: str | None

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new, "source": self.source}


@dataclass(slots=True)
class ChangeSet:
    """Attributes:
    changed_fields: one entry per changed field, in canonical field order.
    requires_player_sync: a player-visible field changed.
    sync_reason: e.g. "Changed: plot, title", or None.
    """

    changed_fields: list[FieldChange] = field(default_factory=list)
    requires_player_sync: bool = False
    sync_reason: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.changed_fields

    def names(self) -> list[str]:
        return [c.field for c in self.changed_fields]

    def to_json(self) -> dict[str, Any]:
        return {
            "changed_fields": [c.to_json() for c in self.changed_fields],
            "requires_player_sync": self.requires_player_sync,
            "sync_reason": self.sync_reason,
        }


def _normalise(value: Any) -> Any:
    """Tuples and lists compare equal; so do ints and the floats with the same value."""
    if isinstance(value, tuple | list):
        return [_normalise(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _normalise(v) for k, v in value.items()}
    return value


def same_value(old: Any, new: Any) -> bool:
    if type(old) is type(new) and old == new:  # the common case, without normalising
        return True
    if is_missing(old) and is_missing(new):
        return True
    return bool(_normalise(old) == _normalise(new))


def detect_changes(old: Mapping[str, Any], merged: MergeResult, locked: Collection[str] = ()) -> ChangeSet:
    """Compare stored values with a merge; locked fields and vanished values are left alone."""
    changes = []
    for name in sorted(merged.values, key=lambda n: _FIELD_ORDER.get(n, len(_FIELD_ORDER))):
        if name in locked:
            continue
        new = merged.values[name]
        if is_missing(new):
            continue
        current = old.get(name)
        if not same_value(current, new):
            changes.append(
                FieldChange(name, copy.deepcopy(current), copy.deepcopy(new), merged.sources.get(name))
            )
    visible = [c.field for c in changes if c.field in PLAYER_SYNC_FIELDS]
    return ChangeSet(
        changed_fields=changes,
        requires_player_sync=bool(visible),
        sync_reason=f"Changed: {', '.join(visible)}" if visible else None,
    )


def sync_reason_text(names: Iterable[str]) -> str | None:
    """The window's words for why a player must resync, from the changed fields' names: the
    player-visible ones by their labels ("Changed: Plot, Poster"), or None when none is visible.

    `ChangeSet.sync_reason` keeps the fields' names ("Changed: plot, poster"): it is stored in the
    enrichment log and `metarr history` prints it as it is.
    """
    visible = [label(name) for name in names if name in PLAYER_SYNC_FIELDS]
    return f"Changed: {', '.join(visible)}" if visible else None


def apply_changes(old: Mapping[str, Any], changes: ChangeSet) -> dict[str, Any]:
    """The stored values after the change set (a new mapping; `old` is not modified)."""
    updated = dict(old)
    for change in changes.changed_fields:
        updated[change.field] = copy.deepcopy(change.new)
    return updated
