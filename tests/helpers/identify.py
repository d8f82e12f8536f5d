"""The Identify dialog in window tests: opening it, and the parts of its fake services."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import SignalInstance

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.identify import LookupResult
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.identify.dialog import IdentifyDialog
from tests.helpers.qt import until
from tests.helpers.qt import wait_signal


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


async def search_overtaken(
    qtbot: Any, dialog: IdentifyDialog, started: Callable[[], int]
) -> asyncio.Task[Any]:
    """Start a search, type one more letter of the title while it runs and search again (which
    cancels the first): the first search's task. `started()` counts the searches the fake service
    has seen start."""
    dialog.search_now()
    await until(lambda: started() == 1)
    first = dialog.task
    assert first is not None
    qtbot.keyClicks(dialog.title_edit, "g")
    dialog.search_now()
    await until(lambda: started() == 2)
    return first


async def choose_film(
    dialog: IdentifyDialog, refreshed_by: SignalInstance, title: str, year: int
) -> asyncio.Future[tuple[Any, ...]]:
    """Search in the open dialog and choose the candidate `title` (`year`); the future of the
    `refreshed_by` signal (the movie page's `refreshFinished`) the choice is followed by."""
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 15))
    await asyncio.sleep(0)
    dialog.search_now()
    await finished
    rows = [dialog.model.candidate(row) for row in range(dialog.model.rowCount())]
    row = next(n for n, c in enumerate(rows) if c.title == title and c.year == year)
    refreshed = asyncio.ensure_future(wait_signal(refreshed_by, 20))
    assert await dialog.choose(row) is True
    return refreshed


def identified(movie_id: int, choice: str) -> IdentifyResult:
    """What committing the choice ``tmdb:<id>`` answers: the movie identified by that TMDB id."""
    return IdentifyResult(movie_id, "identified", None, ExternalIds(tmdb=int(choice.split(":")[1])))


class WithoutLookups:
    """The part of a fake identification service for tests that never look an id up."""

    async def look_up(self, choice: str, *, progress: FetchProgress | None = None) -> LookupResult:
        raise AssertionError("not used")

    def commit_lookup(self, movie_id: int, lookup: LookupResult) -> IdentifyResult:
        raise AssertionError("not used")
