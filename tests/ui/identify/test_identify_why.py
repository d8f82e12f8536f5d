"""The Identify dialog says why: the automatic decision over the candidates (the rule, the titles
compared as normalised, the year rule, why the runner-up lost), each candidate's runtime, director,
original title and TV film mark; Enter in a field chooses the selected candidate, and an id pasted
or dropped while the cursor is in Title is typed on, not replaced."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.matching import Candidate
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.identify import LookupResult
from metarr_desktop.engine.identify import SearchOutcome
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.identification import resolved_why
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.identify.dialog import IdentifyDialog
from metarr_desktop.ui.identify.presenter import search_why
from tests.helpers.fake_services import FakeServices
from tests.helpers.identify import WithoutLookups
from tests.helpers.identify import identified
from tests.helpers.identify import open_identify_dialog
from tests.helpers.qt import deleted_on_the_qt_thread
from tests.helpers.qt import settle
from tests.helpers.qt import until
from tests.helpers.qt import wait_signal
from tests.helpers.ui_context import fake_ui_context

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

OPENED: list[IdentifyDialog] = []


def emma(tmdb: int, confidence: float, **extra: object) -> Candidate:
    return Candidate(
        providers=("tmdb", "omdb"),
        external_ids=ExternalIds(tmdb=tmdb, imdb=f"tt{tmdb:07d}"),
        title="Emma",
        year=1996,
        overview="A matchmaker in Regency England.",
        confidence=confidence,
        **extra,  # type: ignore[arg-type]
    )


FILM = emma(9870, 94.0, runtime=120, director="Douglas McGrath")
TV_FILM = emma(
    41801, 93.0, runtime=107, director="Diarmuid Lawrence", tv_film=True, original_title="Emma (TV)"
)


class Answers(WithoutLookups):
    """Searches answered at once with the two Emmas; choices recorded and committed."""

    def __init__(self) -> None:
        self.searches: list[tuple[str, int | None]] = []
        self.selected: list[str] = []
        self.engine: IdentifyResult | None = None  # the engine's last identification of the movie

    async def search(
        self, query: str, year: int | None = None, *, progress: FetchProgress | None = None
    ) -> SearchOutcome:
        self.searches.append((query, year))
        return SearchOutcome(candidates=[FILM, TV_FILM], answered=["tmdb", "omdb"])

    async def select(
        self, movie_id: int, choice: str, *, progress: FetchProgress | None = None
    ) -> IdentifyResult:
        self.selected.append(choice)
        return identified(movie_id, choice)

    def latest(self, movie_id: int) -> IdentifyResult | None:
        return self.engine


@pytest.fixture(autouse=True)
def delete_dialogs_on_the_qt_thread() -> Iterator[None]:
    with deleted_on_the_qt_thread(OPENED):
        yield


@pytest.fixture
async def ctx(tmp_path: Path) -> AsyncIterator[UiContext]:
    async with fake_ui_context(tmp_path / "profile", FakeServices(), VirtualClock()) as context:
        yield context


def open_dialog(ctx: UiContext, service: Answers) -> IdentifyDialog:
    return open_identify_dialog(ctx, "Emma", 1996, OPENED, height=700, service=service)


async def search(dialog: IdentifyDialog) -> None:
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    await asyncio.sleep(0)
    dialog.search_now()
    await finished


async def test_the_why_of_the_ambiguity_and_the_facts_of_each_candidate(ctx: UiContext, shots: Path) -> None:
    service = Answers()
    dialog = open_dialog(ctx, service)
    await search(dialog)
    why = dialog.why_label
    assert why.isVisible() and why.textFormat() == Qt.TextFormat.PlainText
    lines = why.text().splitlines()
    assert lines[0] == "No automatic match: 2 films match the title and year equally well; choose one."
    assert "Compared as “emma”, year 1996." in lines
    runner_up = next(line for line in lines if line.startswith("Runner-up: Emma (1996)"))
    assert "a TV film; lost: same title and year as the best match" in runner_up
    assert any(line.startswith("Year rule: same year, or one year off") for line in lines)
    assert dialog.why["outcome"] == "ambiguous"

    details = [dialog.model.index(row).data(Role.DETAILS) for row in range(2)]
    assert details[0] == "120 min  ·  directed by Douglas McGrath  ·  tmdb 9870  ·  imdb tt0009870"
    assert details[1].startswith(
        "TV film  ·  107 min  ·  directed by Diarmuid Lawrence  ·  original title Emma (TV)"
    )
    await settle(5)
    assert dialog.grab().save(str(shots / "identify-why.png"))

    # An edit makes the why stale: it goes until the next answer.
    QTest.keyClicks(dialog.title_edit, "x")
    assert not dialog.why_label.isVisible()


async def test_the_engine_s_own_why_is_shown_where_it_settled_what_the_candidates_leave_open(
    ctx: UiContext, shots: Path
) -> None:
    """The engine probed the two Emmas and found one film: the dialog says so, not "ambiguous" (what
    the candidates alone give); for another title it falls back to the candidates' decision."""
    service = Answers()
    dialog = open_dialog(ctx, service)
    probe = LookupResult(ExternalIds(tmdb=9870, imdb="tt0009870"))
    service.engine = IdentifyResult(
        dialog.movie_id,
        "identified",
        None,
        probe.ids,
        why=resolved_why([FILM, TV_FILM], probe, "Emma", 1996),
    )
    await search(dialog)
    lines = dialog.why_label.text().splitlines()
    assert lines[0] == (
        "Automatic match: the exact matches were looked up and all turned out to be the same film."
    )
    assert "Compared as “emma”, year 1996." in lines
    assert dialog.why["outcome"] == "identified" == service.engine.why["outcome"]
    assert search_why([FILM, TV_FILM], "Emma", 1996)["outcome"] == "ambiguous"  # what it said before
    await settle(5)
    assert dialog.grab().save(str(shots / "identify-why-engine.png"))

    QTest.keyClicks(dialog.title_edit, " Woodhouse")
    await search(dialog)
    assert dialog.why == search_why([FILM, TV_FILM], "Emma Woodhouse", 1996)
    assert dialog.why_label.text().startswith("No automatic match:")


async def test_enter_in_the_title_field_chooses_the_selected_candidate(ctx: UiContext) -> None:
    service = Answers()
    dialog = open_dialog(ctx, service)
    await search(dialog)
    dialog.view.setCurrentIndex(dialog.model.index(1))
    dialog.title_edit.setFocus()

    QTest.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    await until(lambda: dialog.identify_result is not None)
    assert service.selected == ["tmdb:41801"]
    assert dialog.result() == dialog.DialogCode.Accepted


async def test_enter_searches_while_the_list_does_not_answer_the_fields_yet(ctx: UiContext) -> None:
    service = Answers()
    dialog = open_dialog(ctx, service)
    await search(dialog)
    assert len(service.searches) == 1
    QTest.keyClicks(dialog.title_edit, " 1996")  # the list now answers an older question
    assert dialog.debounce.isActive()
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    QTest.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    await finished
    assert service.searches[-1] == ("Emma 1996", 1996) and service.selected == []
    assert dialog.isVisible()


async def test_an_id_pasted_while_the_cursor_is_in_title_is_typed_on_not_replaced(ctx: UiContext) -> None:
    dialog = open_dialog(ctx, Answers())
    await search(dialog)
    dialog.activateWindow()
    dialog.title_edit.setFocus()
    await until(lambda: QApplication.focusWidget() is dialog.title_edit)

    dialog.id_edit.insert("tt01")  # as a drop or a middle-click paste would
    assert not dialog.title_edit.isEnabled() and not dialog.year_edit.isEnabled()
    # The cursor followed the id, at its end, with nothing selected that a keystroke would replace.
    assert QApplication.focusWidget() is dialog.id_edit
    assert dialog.id_edit.selectedText() == "" and dialog.id_edit.cursorPosition() == 4
    QTest.keyClicks(dialog.id_edit, "16191")
    assert dialog.id_edit.text() == "tt0116191"
    dialog.debounce.stop()

    # Emptying the id gives Title and Year back; typing in the id box itself moves nothing.
    dialog.id_edit.clear()
    assert dialog.title_edit.isEnabled() and dialog.year_edit.isEnabled()
    QTest.keyClicks(dialog.id_edit, "tt")
    assert QApplication.focusWidget() is dialog.id_edit and dialog.id_edit.text() == "tt"
    dialog.debounce.stop()
