"""The Identify dialog's provider chips: each provider's part of a search, an id lookup or a choice,
live, in the texts of the one chip-text table the movie page reads too ("searching…", "1 result",
"searched", "search failed: <reason>", "skipped: rate limited", "looking up…", "found", "not
found"); a new search resets them and a stale search's late events never reach them.

Three set-ups: `QueryProgress` alone (Qt-free); the real identification service over the fake
providers behind an `httpx.MockTransport`, with simulated time (answers held back in simulated time
freeze the dialog mid-search, exactly and without sleeping); and a fake service that hands the test
each search's progress listener, to send events after the search went stale.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.matching import Candidate
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.events import ProviderOutcome
from metarr_desktop.engine.identify import LookupResult
from metarr_desktop.engine.identify import SearchOutcome
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.progress import CHIP_TEXT
from metarr_desktop.services.progress import Phase
from metarr_desktop.services.progress import ProviderBoard
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.identify.chips import ProviderChips
from metarr_desktop.ui.identify.dialog import IdentifyDialog
from metarr_desktop.ui.identify.presenter import short_reason
from metarr_desktop.ui.identify.progress import QueryProgress
from metarr_desktop.ui.movie.chips import Chip
from metarr_desktop.ui.movie.chips import ChipRow
from tests.helpers import qt
from tests.helpers.fake_services import GatedServices
from tests.helpers.identify import open_identify_dialog
from tests.helpers.identify import search_overtaken
from tests.helpers.qt import deleted_on_the_qt_thread
from tests.helpers.qt import lay_out
from tests.helpers.qt import settle
from tests.helpers.qt import until
from tests.helpers.qt import wait_signal

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


Setup = tuple[UiContext, GatedServices, VirtualClock]
OPENED: list[IdentifyDialog] = []


@pytest.fixture(autouse=True)
def delete_dialogs_on_the_qt_thread() -> Iterator[None]:
    """Collect earlier tests' garbage and delete this test's dialogs on the Qt thread (see
    tests/ui/identify/test_identify_dialog.py)."""
    with deleted_on_the_qt_thread(OPENED):
        yield


def open_dialog(ctx: UiContext, title: str, year: int | None = None, **options: Any) -> IdentifyDialog:
    return open_identify_dialog(ctx, title, year, OPENED, **options)


def chips(dialog: IdentifyDialog) -> dict[str, str]:
    """Provider id -> what its chip says now."""
    return {chip.key: chip.secondary for chip in dialog.provider_chips.chips}


def tooltip(dialog: IdentifyDialog, provider: str) -> str:
    chip = dialog.provider_chips.chip(provider)
    assert chip is not None, provider
    return chip.tooltip


def lines(dialog: IdentifyDialog) -> list[list[str]]:
    """The provider ids on each line of chips; every line fits the dialog."""
    layout = dialog.layout()
    assert layout is not None
    margins = layout.contentsMargins()
    available = dialog.width() - margins.left() - margins.right()
    shown = [row for row in dialog.provider_chips.findChildren(ChipRow) if row.chips and row.isVisible()]
    for row in shown:
        assert row.sizeHint().width() <= available, [c.secondary for c in row.chips]
    return [[chip.key for chip in row.chips] for row in shown]


def shoot(widget: QWidget, name: str) -> Path:
    """Lay `widget` out, then save its picture (`tests.helpers.qt.shoot`)."""
    lay_out(widget)
    return qt.shoot(widget, name)


# --------------------------------------------------------------------------------------------------
# QueryProgress alone
# --------------------------------------------------------------------------------------------------


def test_a_search_s_events_become_chip_texts() -> None:
    changes: list[int] = []
    progress = QueryProgress(1, IdentifyStep.SEARCH, listener=lambda: changes.append(1))
    progress.on_identify_step(IdentifyStep.SEARCH, ["tmdb", "omdb", "tvdb"])
    assert {p: progress.text_of(p) for p in progress.states} == dict.fromkeys(
        ("tmdb", "omdb", "tvdb"), "waiting"
    )
    progress.on_provider_start("tmdb")
    progress.on_provider_start("tvdb")
    assert progress.text_of("tmdb") == "searching…"
    progress.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "3 results")
    progress.on_provider_complete("tmdb", True)
    progress.on_provider_outcome("omdb", IdentifyStep.SEARCH, ProviderOutcome.RATE_LIMITED, "until 13:00")
    progress.on_provider_retry("tvdb", 1, 2)
    assert progress.text_of("tvdb") == "retry 1 of 2"
    progress.on_provider_outcome(
        "tvdb",
        IdentifyStep.SEARCH,
        ProviderOutcome.FAILED,
        "the API key was refused (Invalid API key: You must be granted a valid key.)",
    )
    progress.on_provider_complete("tvdb", False)
    assert {p: progress.text_of(p) for p in progress.states} == {
        "tmdb": "3 results",
        "omdb": "skipped: rate limited",
        "tvdb": "search failed: the API key was refused",
    }
    assert progress.text_of("tvdb", 0) == "search failed"
    assert "You must be granted a valid key." in progress.tooltip_of("tvdb", "TheTVDB")
    assert "until 13:00" in progress.tooltip_of("omdb", "OMDb")
    assert progress.finished and changes


def test_a_search_that_found_nothing_says_no_match_and_a_lookup_says_found_or_not() -> None:
    progress = QueryProgress(1, IdentifyStep.SEARCH)
    progress.on_identify_step(IdentifyStep.SEARCH, ["tmdb"])
    progress.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.NOT_FOUND, "no results")
    assert progress.text_of("tmdb") == "no match"
    lookup = QueryProgress(2, IdentifyStep.LOOKUP)
    lookup.on_identify_step(IdentifyStep.LOOKUP, ["tmdb", "fanart"])
    lookup.on_provider_start("tmdb")
    lookup.on_provider_start("fanart")
    assert lookup.text_of("tmdb") == "looking up…"
    lookup.on_provider_outcome("tmdb", IdentifyStep.LOOKUP, ProviderOutcome.ANSWERED, "tmdb 9870")
    lookup.on_provider_outcome("fanart", IdentifyStep.LOOKUP, ProviderOutcome.NOT_FOUND, "no such movie")
    lookup.on_provider_complete("fanart", True)  # a success, yet its chip keeps "not found"
    assert {p: lookup.text_of(p) for p in lookup.states} == {"tmdb": "found", "fanart": "not found"}
    assert "tmdb 9870" in lookup.tooltip_of("tmdb", "TMDB")


@pytest.mark.parametrize("step", [IdentifyStep.SEARCH, IdentifyStep.LOOKUP])
def test_the_chips_read_as_the_movie_page_s(step: IdentifyStep) -> None:
    """The dialog's chip of every state is the shared table's text (what the movie page shows for a
    provider in the same step), a failure's or a skip's reason added after a colon."""
    for state in ProviderState:
        progress = QueryProgress(1, step)
        progress.on_identify_step(step, ["tmdb"])
        progress.board.settle("tmdb", state, detail="server error (HTTP 500)", step=step)
        board = ProviderBoard(["tmdb"])
        board.phase = Phase.IDENTIFYING
        board.settle("tmdb", state, detail="server error (HTTP 500)", step=step)
        shared = board.text_of("tmdb")
        assert progress.text_of("tmdb", 0) == shared, state
        if state in (ProviderState.FAILED, ProviderState.SKIPPED):
            assert progress.text_of("tmdb") == f"{shared}: server error", state
        else:
            assert progress.text_of("tmdb") == shared, state
    done = QueryProgress(1, IdentifyStep.SEARCH)
    done.on_identify_step(IdentifyStep.SEARCH, ["tmdb"])
    done.on_provider_complete("tmdb", True)
    assert done.text_of("tmdb") == CHIP_TEXT[(IdentifyStep.SEARCH, ProviderState.DONE)] == "searched"


def test_a_detached_progress_ignores_every_later_event() -> None:
    changes: list[int] = []
    progress = QueryProgress(1, IdentifyStep.SEARCH, listener=lambda: changes.append(1))
    progress.on_identify_step(IdentifyStep.SEARCH, ["tmdb"])
    progress.on_provider_start("tmdb")
    before = dict(progress.states)
    count = len(changes)
    progress.detach()
    progress.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "5 results")
    progress.on_provider_complete("tmdb", True)
    progress.on_identify_step(IdentifyStep.SEARCH, ["omdb"])
    progress.finish(answered=["tmdb"])
    assert progress.states == before and len(changes) == count


def test_waiting_providers_are_replaced_by_the_ones_the_search_asks() -> None:
    progress = QueryProgress(2, IdentifyStep.SEARCH, waiting=["tmdb", "omdb", "tvdb"])
    assert {p: progress.text_of(p) for p in progress.states} == dict.fromkeys(
        ("tmdb", "omdb", "tvdb"), "waiting"
    )
    progress.on_identify_step(IdentifyStep.SEARCH, ["omdb", "tvdb"])
    assert list(progress.states) == ["omdb", "tvdb"]
    # A result that reports a provider no event mentioned still settles it; one never ended is not
    # left "searching…".
    progress.on_provider_start("omdb")
    progress.finish(answered=["tvdb"], failures=[FailedProvider("plugin", "server error (HTTP 500)", True)])
    assert {p: progress.text_of(p) for p in progress.states} == {
        "omdb": "skipped: no answer reported",
        "tvdb": "searched",
        "plugin": "search failed: server error",
    }
    unused = QueryProgress(3, IdentifyStep.SEARCH, waiting=["tmdb"])
    unused.finish()  # never asked anything: no chip stays "waiting"
    assert unused.states == {}


@pytest.mark.parametrize(
    ("detail", "limit", "short"),
    [
        ("the API key was refused (Invalid API key)", 28, "the API key was refused"),
        ("answered with malformed data", 28, "answered with malformed data"),
        ("answered with malformed data", 18, "answered with…"),
        ("network error (ConnectError: refused)", 10, "network…"),
        ("circuit open after repeated failures", 0, ""),
    ],
)
def test_a_failure_s_reason_is_cut_at_a_word(detail: str, limit: int, short: str) -> None:
    assert short_reason(detail, limit) == short


def test_chips_that_do_not_fit_on_one_line_wrap(qtbot: QtBot) -> None:
    row = ProviderChips()
    qtbot.addWidget(row)
    many = [Chip(f"Provider {n}", "looking up…", key=str(n)) for n in range(6)]
    one = row.line_width(many[:1])
    row.set_chips(many, 2 * one + 20)
    assert row.lines == 3 and [c.key for c in row.chips] == [str(n) for n in range(6)]
    row.set_chips(many[:2], 2 * one + 20)
    assert row.lines == 1 and row.chip("1") is not None and row.chip("2") is None
    row.set_chips([], 100)
    assert row.lines == 0


# --------------------------------------------------------------------------------------------------
# The dialog over the fake providers, simulated time
# --------------------------------------------------------------------------------------------------


async def test_chips_follow_a_search_with_one_provider_failing_and_others_answering(
    qtbot: QtBot, gated_ctx: Setup
) -> None:
    ctx, fake, clock = gated_ctx
    fake.required_keys["tvdb"] = "a key it was never given"  # refused at once
    fake.delays[("tmdb", "search")] = 5.0
    dialog = open_dialog(ctx, "Inception", 2010)
    assert not dialog.provider_chips.isVisible()  # nothing asked yet
    dialog.search_now()
    await clock.sleep(4.0)
    assert chips(dialog) == {
        "omdb": "1 result",
        "tmdb": "searching…",
        "tvdb": "search failed: the API key was refused",
    }
    assert dialog.provider_chips.isVisible() and dialog.is_busy
    assert "Invalid API key" in tooltip(dialog, "tvdb")  # the whole error
    assert "is searching" in tooltip(dialog, "tmdb")
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    await clock.sleep(2.0)
    await finished
    assert chips(dialog) == {
        "omdb": "1 result",
        "tmdb": "1 result",
        "tvdb": "search failed: the API key was refused",
    }
    assert dialog.model.rowCount() == 1 and not dialog.is_busy
    # The note says what the chips cannot, that the list is shown without TheTVDB, and leaves the
    # reason to its chip.
    assert dialog.note.isVisible()
    assert dialog.note.text() == (
        "Not every provider could search (TheTVDB (fake): failed); shown without TheTVDB (fake)."
    )


async def test_a_rate_limited_provider_is_skipped_without_a_request(qtbot: QtBot, gated_ctx: Setup) -> None:
    ctx, fake, clock = gated_ctx
    ctx.pool.get("omdb").gate.note_rate_limited(
        RateLimitedError("omdb", "daily quota used up", reset_at=clock.now() + timedelta(hours=3))
    )
    dialog = open_dialog(ctx, "Inception")
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    await asyncio.sleep(0)
    dialog.search_now()
    await finished
    assert chips(dialog) == {"omdb": "skipped: rate limited", "tmdb": "1 result", "tvdb": "1 result"}
    assert "rate limited until" in tooltip(dialog, "omdb")
    assert fake.count("omdb") == 0
    assert (
        dialog.note.text()
        == "Not every provider could search (OMDb (fake): rate limited); shown without OMDb (fake)."
    )


async def test_when_no_provider_could_search_every_chip_says_why(qtbot: QtBot, gated_ctx: Setup) -> None:
    ctx, fake, _clock = gated_ctx
    for provider in ("omdb", "tmdb", "tvdb"):
        fake.required_keys[provider] = "never given"
    dialog = open_dialog(ctx, "Inception", 2010)
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    await asyncio.sleep(0)
    dialog.search_now()
    await finished
    assert dialog.status.text().startswith("No provider could search: ")
    assert set(chips(dialog)) == {"omdb", "tmdb", "tvdb"}
    assert all(text.startswith("search failed") for text in chips(dialog).values())
    # Three long reasons do not fit beside each other: they are shortened until the row fits (here
    # down to the shared text alone; the status line above says each reason).
    assert lines(dialog) == [["omdb", "tmdb", "tvdb"]]
    assert all(text == "search failed" for text in chips(dialog).values())
    dialog.resize(1000, 640)
    await settle()
    assert lines(dialog) == [["omdb", "tmdb", "tvdb"]]
    assert all(text.endswith("…") for text in chips(dialog).values())
    assert all("Invalid API key" in tooltip(dialog, p) for p in ("omdb", "tmdb", "tvdb"))
    dialog.resize(1400, 640)
    await settle()
    assert all(text == "search failed: the API key was refused" for text in chips(dialog).values())
    assert lines(dialog) == [["omdb", "tmdb", "tvdb"]]


async def test_an_id_lookup_shows_lookup_states(qtbot: QtBot, gated_ctx: Setup) -> None:
    ctx, fake, clock = gated_ctx
    fake.not_found.add(("fanart", "27205"))
    fake.delays[("tvdb", "movie")] = 5.0
    dialog = open_dialog(ctx, "Inception", 2010)
    dialog.id_edit.setText("tmdb:27205")
    dialog.debounce.stop()
    dialog.search_now()
    await clock.sleep(4.0)
    assert chips(dialog) == {
        "omdb": "found",
        "tmdb": "found",
        "tvdb": "looking up…",
        "fanart": "not found",
    }
    assert "is looking the id up" in tooltip(dialog, "tvdb")
    assert "does not know this id" in tooltip(dialog, "fanart")
    assert [key for line in lines(dialog) for key in line] == ["omdb", "tmdb", "tvdb", "fanart"]  # fits
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    await clock.sleep(2.0)
    await finished
    assert chips(dialog)["tvdb"] == "found"
    assert dialog.model.exact and dialog.model.rowCount() == 1


async def test_choosing_a_film_shows_its_lookup_in_the_chips(qtbot: QtBot, gated_ctx: Setup) -> None:
    ctx, fake, clock = gated_ctx
    dialog = open_dialog(ctx, "Inception", 2010)
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    await asyncio.sleep(0)
    dialog.search_now()
    await finished
    assert set(chips(dialog).values()) == {"1 result"}
    fake.delays[("omdb", "movie")] = 5.0
    identified = asyncio.ensure_future(wait_signal(dialog.identified, 5))
    choosing = asyncio.ensure_future(dialog.choose(0))
    await clock.sleep(4.0)
    assert chips(dialog) == {"omdb": "looking up…", "tmdb": "found", "tvdb": "found", "fanart": "found"}
    await clock.sleep(2.0)
    assert await choosing is True
    await identified


# --------------------------------------------------------------------------------------------------
# A stale search's events: a fake service that hands each search's listener to the test
# --------------------------------------------------------------------------------------------------


class ReportingIdentification:
    """Searches that announce their step and start every provider, then wait for the test.

    Attributes:
        listeners: the progress listener of every search, in order.
        gates: the event each search waits on.
        stubborn: swallow the cancellation, then, once `late` is set, report and answer anyway (a
            misbehaving service).
    """

    PROVIDERS = ("tmdb", "omdb")

    def __init__(self, *, stubborn: bool = False) -> None:
        self.listeners: list[FetchProgress] = []
        self.gates: list[asyncio.Event] = []
        self.stubborn = stubborn
        self.late = asyncio.Event()

    async def search(
        self, query: str, year: int | None = None, *, progress: FetchProgress | None = None
    ) -> SearchOutcome:
        listener = progress or FetchProgress()
        self.listeners.append(listener)
        gate = asyncio.Event()
        self.gates.append(gate)
        listener.on_identify_step(IdentifyStep.SEARCH, list(self.PROVIDERS))
        for provider in self.PROVIDERS:
            listener.on_provider_start(provider)
        try:
            await gate.wait()
        except asyncio.CancelledError:
            if not self.stubborn:
                raise
            await self.late.wait()
        for provider in self.PROVIDERS:
            listener.on_provider_outcome(provider, IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "7 results")
            listener.on_provider_complete(provider, True)
        found = Candidate(
            providers=self.PROVIDERS,
            external_ids=ExternalIds(tmdb=len(query)),
            title=query,
            year=1996,
            confidence=90.0,
        )
        return SearchOutcome(candidates=[found], answered=list(self.PROVIDERS))

    async def select(
        self, movie_id: int, choice: str, *, progress: FetchProgress | None = None
    ) -> IdentifyResult:
        raise AssertionError("not used")

    async def look_up(self, choice: str, *, progress: FetchProgress | None = None) -> LookupResult:
        raise AssertionError("not used")

    def commit_lookup(self, movie_id: int, lookup: LookupResult) -> IdentifyResult:
        raise AssertionError("not used")

    def latest(self, movie_id: int) -> IdentifyResult | None:
        return None


async def test_a_stale_search_s_late_events_never_change_the_newer_search_s_chips(
    qtbot: QtBot, ctx: UiContext
) -> None:
    fake = ReportingIdentification()
    dialog = open_dialog(ctx, "Emm", service=fake)
    dialog.search_now()
    await until(lambda: len(fake.listeners) == 1)
    assert chips(dialog) == {"tmdb": "searching…", "omdb": "searching…"}
    stale = fake.listeners[0]

    qtbot.keyClicks(dialog.title_edit, "a")  # the user types on: the chips are reset at once
    assert chips(dialog) == {"tmdb": "waiting", "omdb": "waiting"}
    assert dialog.debounce.isActive()
    dialog.search_now()
    await until(lambda: len(fake.listeners) == 2)
    assert chips(dialog) == {"tmdb": "searching…", "omdb": "searching…"}

    # The stale search reports late (an event already on its way when it was cancelled).
    stale.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.FAILED, "server error")
    stale.on_provider_complete("tmdb", False)
    stale.on_identify_step(IdentifyStep.SEARCH, ["tvdb"])
    assert chips(dialog) == {"tmdb": "searching…", "omdb": "searching…"}

    fake.gates[1].set()
    await wait_signal(dialog.searchFinished)
    assert chips(dialog) == {"tmdb": "7 results", "omdb": "7 results"}
    stale.on_provider_outcome("omdb", IdentifyStep.SEARCH, ProviderOutcome.NOT_FOUND, "no results")
    assert chips(dialog) == {"tmdb": "7 results", "omdb": "7 results"}


async def test_a_search_that_ignores_its_cancellation_never_reaches_the_chips(
    qtbot: QtBot, ctx: UiContext
) -> None:
    fake = ReportingIdentification(stubborn=True)
    dialog = open_dialog(ctx, "The Thin", service=fake)
    first = await search_overtaken(qtbot, dialog, lambda: len(fake.listeners))
    assert chips(dialog) == {"tmdb": "searching…", "omdb": "searching…"}
    fake.late.set()
    await until(first.done)  # it swallowed the cancellation, reported "7 results" and answered
    assert not first.cancelled()
    assert chips(dialog) == {"tmdb": "searching…", "omdb": "searching…"}
    assert dialog.model.rowCount() == 0

    fake.gates[1].set()
    await wait_signal(dialog.searchFinished)
    assert chips(dialog) == {"tmdb": "7 results", "omdb": "7 results"}


async def test_clearing_the_title_hides_the_chips(qtbot: QtBot, ctx: UiContext) -> None:
    fake = ReportingIdentification()
    dialog = open_dialog(ctx, "Heat", service=fake)
    dialog.search_now()
    await until(lambda: len(fake.listeners) == 1)
    assert dialog.provider_chips.isVisible()
    dialog.title_edit.clear()
    assert not dialog.provider_chips.isVisible() and chips(dialog) == {}
    fake.listeners[0].on_provider_start("tvdb")  # late, and stale
    assert chips(dialog) == {}


# --------------------------------------------------------------------------------------------------
# How it looks
# --------------------------------------------------------------------------------------------------


async def test_render_the_chips_mid_search_and_after_the_results(
    qtbot: QtBot, gated_ctx: Setup, scheme: Scheme
) -> None:
    """Held answers (in simulated time) freeze the dialog in the search, then in a lookup."""
    ctx, fake, clock = gated_ctx
    fake.required_keys["tvdb"] = "a key it was never given"
    fake.delays[("tmdb", "search")] = 5.0
    ctx.pool.get("omdb").gate.note_rate_limited(
        RateLimitedError("omdb", "daily quota used up", reset_at=clock.now() + timedelta(hours=3))
    )
    dialog = open_dialog(ctx, "Inception", 2010)
    await settle()
    dialog.search_now()
    await clock.sleep(4.0)
    assert chips(dialog) == {
        "omdb": "skipped: rate limited",
        "tmdb": "searching…",
        "tvdb": "search failed: the API key was…",
    }
    shoot(dialog, f"identify-progress-searching-{scheme.value}")
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    await clock.sleep(2.0)
    await finished
    await settle()
    shoot(dialog, f"identify-progress-results-{scheme.value}")

    fake.delays[("tvdb", "movie")] = 5.0
    dialog.id_edit.setText("tt1375666")
    dialog.debounce.stop()
    assert chips(dialog) == {}  # the search's chips say nothing about a lookup
    dialog.search_now()
    await clock.sleep(4.0)
    shoot(dialog, f"identify-progress-lookup-{scheme.value}")
    finished = asyncio.ensure_future(wait_signal(dialog.searchFinished, 5))
    await clock.sleep(2.0)
    await finished
