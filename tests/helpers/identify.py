"""Opening the Identify dialog in window tests."""

from __future__ import annotations

from typing import Any

from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.identify.dialog import IdentifyDialog


def open_identify_dialog(
    ctx: UiContext,
    title: str,
    year: int | None,
    opened: list[IdentifyDialog],
    *,
    height: int = 640,
    **options: Any,
) -> IdentifyDialog:
    """The dialog for a new library movie, kept in `opened` (to be deleted on the Qt thread), shown,
    its debounce timer stopped (tests start searches with `search_now`, never after a real pause)."""
    assert ctx.library is not None
    movie_id = ctx.library.add(title, year=year).id
    dialog = IdentifyDialog(ctx, movie_id, **options)
    opened.append(dialog)
    dialog.resize(820, height)
    dialog.show()
    dialog.debounce.stop()
    return dialog
