"""Undo the latest refresh of a movie, from its enrichment log.

What is undone: the newest log entry that changed something besides the ids. Entries that changed nothing are
passed over; an undo entry met first means the latest refresh was undone already, and a second undo
says there is **nothing left to undo** (it never undoes the refresh before, nor the undo itself: a
refresh after the undo becomes the next thing to undo).

For each field that refresh changed (the entry's ``changed_fields`` hold ``old``, ``new``, the new
``source`` and, since this feature, the ``old_source``):

- the field is **kept** when it was changed by hand since: locked, edited (source "user"), or holding
  another value than the refresh wrote. Kept fields are listed with the reason;
- otherwise the old value is restored (an empty old value empties the field) with the source it had
  before (recorded in the entry; for older entries, the source of the earlier refresh that wrote that
  value, if any) and the field is **locked**, so that the next refresh (the daily run included) does
  not bring the undone value back. Unlocking the field lets refreshes change it again;
- the ids (``tmdb_id``, ``imdb_id``, ``tvdb_id``) are left alone: they are the movie's identity,
  which identification decided (a first refresh of a movie not identified yet identifies it on the
  way, and its entry lists the ids it found), not something the refresh chose. Undoing them would
  leave an identified movie with no ids, locked empty; `identify --select` changes the identity.

The undo writes its own history entry (mode ``undo``: each restored field with old = the value undone
and new = the value restored, and ``undoes`` = the id of the entry undone) in the same transaction
as the fields, then republishes the movie's library files through the `republish` hook when they had
been published.

The republish hook: ``async def republish(movie_id) -> dict | None``. It is given by whoever builds
the service (the library-files feature: `services.publish`); it publishes the movie again when its
files were published before and returns that movie's publish result (CONTRACT.md, `metarr publish`'s
result entry), or None when the movie's files were never published (nothing is written then).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from metarr_desktop.core.changes import FieldChange
from metarr_desktop.core.changes import same_value
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import ID_FIELDS
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.fields import is_missing
from metarr_desktop.core.preview import change_set
from metarr_desktop.core.records import EnrichmentLogRecord
from metarr_desktop.core.records import FieldSourceRecord
from metarr_desktop.services.library_store import LibraryStore
from metarr_desktop.services.movie_fields import USER_SOURCE

log = logging.getLogger(__name__)

MOVIE = EntityType.MOVIE.value

#: The `mode` of an undo's history entry.
UNDO_MODE = "undo"

#: Republishes a movie's files when they were published: its publish result, or None (never published).
RepublishHook = Callable[[int], Awaitable[dict[str, Any] | None]]


def _provider(source: FieldSourceRecord | None) -> str | None:
    return source.provider if source is not None else None


def _changed_something(entry: EnrichmentLogRecord) -> bool:
    """The entry changed a field an undo restores (the ids are the identity, never undone)."""
    return any(change.get("field") not in ID_FIELDS for change in entry.changed_fields)


def latest_undoable(entries: Sequence[EnrichmentLogRecord]) -> EnrichmentLogRecord | None:
    """The entry an undo would revert, from a movie's log (newest first), or None (nothing to undo)."""
    for entry in entries:
        if entry.mode == UNDO_MODE:
            return None
        if _changed_something(entry):
            return entry
    return None


@dataclass(frozen=True, slots=True)
class KeptField:
    """A field the undo left alone, and why ("edited since", "locked since", "changed since")."""

    field: str
    reason: str
    value: Any

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "reason": self.reason, "value": self.value}


@dataclass(slots=True)
class UndoResult:
    """What `metarr undo` did.

    Attributes:
        status: "undone", or "nothing_to_undo".
        undone: the log entry that was reverted (None when there was nothing to undo).
        restored: each restored field (old = the value undone, new = the value restored).
        kept: fields changed by hand since that refresh, left as they are.
        entry_id: the undo's own history entry.
        republished: the publish result when the files were republished (None: not published).
        message: one line for the user.
    """

    movie_id: int
    status: str
    message: str
    undone: EnrichmentLogRecord | None = None
    restored: list[FieldChange] = field(default_factory=list)
    kept: list[KeptField] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    entry_id: int | None = None
    republished: dict[str, Any] | None = None
    publish_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "movie_id": self.movie_id,
            "status": self.status,
            "message": self.message,
            "undone_entry": self.undone.id if self.undone else None,
            "undone_at": self.undone.enriched_at.isoformat() if self.undone else None,
            "restored": [c.to_json() for c in self.restored],
            "kept": [k.to_json() for k in self.kept],
            "locked": list(self.locked),
            "history_entry": self.entry_id,
            "republished": self.republished,
            "publish_error": self.publish_error,
        }


class UndoService:
    """Reverts a movie's latest refresh (see the module docstring)."""

    def __init__(self, store: LibraryStore, *, republish: RepublishHook | None = None) -> None:
        self._store = store
        self.republish = republish

    def target(self, movie_id: int) -> EnrichmentLogRecord | None:
        """The entry `undo` would revert (None: nothing to undo). `UnknownEntityError` for a bad id."""
        self._store.movies.require(movie_id)
        return latest_undoable(self._store.enrichment_log.for_entity(MOVIE, movie_id, limit=200))

    @staticmethod
    def _earlier_source(
        history: Sequence[EnrichmentLogRecord], target: EnrichmentLogRecord, name: str, value: Any
    ) -> str | None:
        """For entries written before old sources were recorded: the source of the latest refresh
        before `target` that wrote `value` into `name`."""
        older = False
        for entry in history:
            if entry.id == target.id:
                older = True
                continue
            if not older:
                continue
            for change in entry.changed_fields:
                if change.get("field") == name and same_value(change.get("new"), value):
                    source = change.get("source")
                    return source if isinstance(source, str) else None
        return None

    async def undo(self, movie_id: int, *, lock: bool = True) -> UndoResult:
        """Revert the latest refresh of the movie. `UnknownEntityError` for an unknown id."""
        movie = self._store.movies.require(movie_id)
        history = self._store.enrichment_log.for_entity(MOVIE, movie_id, limit=200)
        target = latest_undoable(history)
        if target is None:
            stop = next((e for e in history if e.mode == UNDO_MODE or _changed_something(e)), None)
            text = (
                "Nothing left to undo: the latest refresh was undone already."
                if stop is not None
                else "Nothing to undo: no refresh changed this movie."
            )
            return UndoResult(movie_id, "nothing_to_undo", text)

        sources = self._store.movies.field_sources(movie_id)
        locked = self._store.movies.locked_fields(movie_id)
        values: dict[str, Any] = {}
        restored_sources: dict[str, str] = {}
        restored: list[FieldChange] = []
        kept: list[KeptField] = []
        for change in target.changed_fields:
            name = change.get("field")
            if not isinstance(name, str) or name not in ALL_FIELDS or name in ID_FIELDS:
                continue  # an unknown field, or the identity (the module docstring)
            current = movie.fields.get(name)
            source = sources.get(name)
            if source is not None and source.provider == USER_SOURCE:
                kept.append(KeptField(name, "edited since", current))
                continue
            if name in locked:
                kept.append(KeptField(name, "locked since", current))
                continue
            if not same_value(current, change.get("new")):
                kept.append(KeptField(name, "changed since", current))
                continue
            old = change.get("old")
            old_source = change.get("old_source") if "old_source" in change else None
            if "old_source" not in change and not is_missing(old):
                old_source = self._earlier_source(history, target, name, old)
            values[name] = None if is_missing(old) else old
            if values[name] is not None and isinstance(old_source, str):
                restored_sources[name] = old_source
            restored.append(FieldChange(name, current, values[name], restored_sources.get(name)))

        changes = change_set(restored)
        now = self._store.clock.now()
        with self._store.database.atomic():
            if values:
                self._store.movies.set_fields(movie_id, values, restored_sources, fetched_at=now)
            if lock:
                for name in values:
                    self._store.movies.lock(movie_id, name)
            entry_id = self._store.enrichment_log.append(
                EnrichmentLogRecord(
                    entity_type=MOVIE,
                    entity_id=movie_id,
                    mode=UNDO_MODE,
                    providers=[],
                    changed_fields=[
                        {**c.to_json(), "old_source": _provider(sources.get(c.field)), "undoes": target.id}
                        for c in changes.changed_fields
                    ],
                    requires_player_sync=changes.requires_player_sync,
                    sync_reason=changes.sync_reason,
                    enriched_at=now,
                )
            )
        count = len(restored)
        text = f"Undid the refresh of {target.enriched_at:%Y-%m-%d %H:%M}: "
        text += f"{count} field{'s' if count != 1 else ''} restored"
        text += " and locked" if lock and count else ""
        if kept:
            text += f"; kept {len(kept)} changed by hand since ({', '.join(k.field for k in kept)})"
        result = UndoResult(
            movie_id,
            "undone",
            text + ".",
            undone=target,
            restored=changes.changed_fields,
            kept=kept,
            locked=sorted(values) if lock else [],
            entry_id=entry_id,
        )
        if self.republish is not None and values:
            try:
                result.republished = await self.republish(movie_id)
            except Exception as exc:  # the undo stands; the files are left for the next publish
                log.warning("movie %s could not be republished after the undo: %s", movie_id, exc)
                result.publish_error = f"{type(exc).__name__}: {exc}"[:300]
        return result
