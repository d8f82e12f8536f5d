"""The Identify dialog in window tests: opening it, and the parts of its fake services."""

from __future__ import annotations

from typing import Any

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.identify import LookupResult
from metarr_desktop.services.identification import IdentifyResult
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


def identified(movie_id: int, choice: str) -> IdentifyResult:
    """What committing the choice ``tmdb:<id>`` answers: the movie identified by that TMDB id."""
    return IdentifyResult(movie_id, "identified", None, ExternalIds(tmdb=int(choice.split(":")[1])))


class WithoutLookups:
    """The part of a fake identification service for tests that never look an id up."""

    async def look_up(self, choice: str, *, progress: FetchProgress | None = None) -> LookupResult:
        raise AssertionError("not used")

    def commit_lookup(self, movie_id: int, lookup: LookupResult) -> IdentifyResult:
        raise AssertionError("not used")
