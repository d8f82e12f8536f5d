"""After a restart (a new window context over the same database), the movie page still says why a
movie was matched, or why it needs identification: from the decision stored with the movie, made
in an earlier session, by `metarr identify` or by the schedule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.movie.page import MovieDetailPage
from tests.helpers.movie_page import PaintedImages
from tests.helpers.qt import settle
from tests.helpers.qt import shoot
from tests.helpers.ui_context import sandbox_ui_context

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("propagateSizeHints"),
    pytest.mark.usefixtures("collect_on_the_qt_thread"),
]


async def test_a_fresh_page_shows_the_stored_why(
    tmp_path: Path,
    sandbox_factory: Callable[..., SandboxServer],
    movie_page_factory: Callable[[UiContext], MovieDetailPage],
) -> None:
    server = sandbox_factory()
    profile = tmp_path / "profile"
    async with sandbox_ui_context(profile, server, PaintedImages()) as earlier:
        assert earlier.suite is not None
        matched = earlier.suite.library.add("Inception", year=2010).id
        unsure = earlier.suite.library.add("The Thing").id  # 1982 and 2011: no year to tell them
        assert (await earlier.suite.identification.identify(matched)).identified
        assert (await earlier.suite.identification.identify(unsure)).reason == "ambiguous"

    async with sandbox_ui_context(profile, server, PaintedImages()) as ctx:
        assert ctx.suite is not None and ctx.suite.identification._latest == {}
        page = movie_page_factory(ctx)
        await page.load_movie(matched)
        assert page.why_line.isVisible()
        summary = page.why_line.summary
        assert summary.textFormat() is Qt.TextFormat.PlainText
        assert summary.text().startswith("Identified as TMDB 27205") and "why: " in summary.text()
        assert summary.toolTip().startswith("Decided ") and summary.toolTip().endswith(" UTC")
        page.why_line.toggle.click()
        details = page.why_line.details.text()
        assert "Searched for “Inception” (normalised “inception”, year 2010)." in details
        assert "Best match “Inception” (2010)" in details
        shoot(page, "movie-stored-why-identified")

        await page.load_movie(unsure)
        assert page.why_line.summary.text().startswith("Not identified: several films match — why: ")
        assert not page.why_line.details.isVisible() or "Runner-up" in page.why_line.details.text()
        if not page.why_line.details.isVisible():
            page.why_line.toggle.click()
        assert "Runner-up" in page.why_line.details.text()
        await settle()
        shoot(page, "movie-stored-why-ambiguous")
