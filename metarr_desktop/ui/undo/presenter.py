"""What the "Undo this refresh" button says and does, without Qt (tested without widgets)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from metarr_desktop.core.fields import label
from metarr_desktop.core.records import EnrichmentLogRecord
from metarr_desktop.services.undo import UndoResult
from metarr_desktop.services.undo import UndoService
from metarr_desktop.services.undo import latest_undoable


class UndoPresenter:
    """The undo button of one movie's history.

    Attributes:
        target: the entry an undo would revert (None: nothing to undo).
        result: what the last undo did.
    """

    def __init__(self, service: UndoService) -> None:
        self.service = service
        self.movie_id: int | None = None
        self.target: EnrichmentLogRecord | None = None
        self.result: UndoResult | None = None

    def show(self, movie_id: int | None, history: Sequence[EnrichmentLogRecord]) -> None:
        """The movie shown and its history (newest first), as the page read them."""
        self.movie_id = movie_id
        self.target = latest_undoable(history)

    @property
    def enabled(self) -> bool:
        return self.movie_id is not None and self.target is not None

    def tooltip(self, now: datetime | None = None) -> str:
        target = self.target
        if target is None:
            return "Nothing to undo: no refresh since the last undo changed this movie."
        names = ", ".join(label(str(c.get("field"))) for c in target.changed_fields)
        return (
            f"Restore what the refresh of {target.enriched_at:%Y-%m-%d %H:%M} changed ({names}). "
            "Fields you changed since are kept; restored fields are locked."
        )

    async def undo(self) -> str:
        """Undo the latest refresh; the line to show."""
        if self.movie_id is None:
            return "No movie is shown."
        self.result = await self.service.undo(self.movie_id)
        result = self.result
        if result.status != "undone":
            return result.message
        undone = result.undone
        when = f" of {undone.enriched_at:%Y-%m-%d %H:%M}" if undone is not None else ""
        restored = ", ".join(label(c.field) for c in result.restored)
        text = f"Undid the refresh{when}: "
        text += (
            f"restored {restored} (locked, so no refresh brings them back)."
            if restored
            else "nothing restored."
        )
        if result.kept:
            text += " Kept, as you changed them since: "
            text += ", ".join(f"{label(k.field)} ({k.reason})" for k in result.kept) + "."
        if result.republished is not None:
            text += " The movie's files were published again."
        elif result.publish_error:
            text += f" Its files could not be published again: {result.publish_error}."
        return text
