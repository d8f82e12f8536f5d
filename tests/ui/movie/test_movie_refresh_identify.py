"""The movie page refreshing a movie that is not identified yet: the identification phase is shown
live in the provider chips ("searching…", "1 result", "looking up…", "found", failures, rate limits)
under a phase title ("Identifying…", then "Fetching…"), and what stays on the page when the film
could not be identified.

Two set-ups: the real services against fake providers behind an `httpx.MockTransport`, with
simulated time (answers held back in simulated time freeze the page mid-refresh, exactly and
without sleeping), and the real services against the sandbox on loopback (real provider clients, a
real film of the demo catalog found from its title).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtGui import QImage

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.services.enrichment import Status
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.movie.models import ProviderState
from metarr_desktop.ui.movie.page import MovieDetailPage
from metarr_desktop.ui.movie.presenter import IdentifyingRefreshProgress
from metarr_desktop.ui.movie.presenter import RefreshPhase
from tests.helpers.fake_services import GatedServices
from tests.helpers.movie_page import Watcher
from tests.helpers.qt import lay_out
from tests.helpers.qt import settle
from tests.helpers.qt import shoot

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore("propagateSizeHints"),
    pytest.mark.usefixtures("collect_on_the_qt_thread"),
]

SEARCHERS = ("omdb", "tmdb", "tvdb")  # the fake providers that can search (fanart cannot)


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


Setup = tuple[UiContext, GatedServices, VirtualClock]


@pytest.fixture
def sandbox_images() -> None:
    """No pictures: `sandbox_ctx` without an image loader."""
    return None


def chips(page: MovieDetailPage) -> dict[str, str]:
    """Provider id -> the text its chip shows now."""
    return {chip.key: chip.secondary for chip in page.provider_chips.chips}


async def unidentified_page(
    ctx: UiContext, movie_page_factory: Callable[[UiContext], MovieDetailPage], title: str, year: int
) -> tuple[MovieDetailPage, int]:
    assert ctx.suite is not None
    movie = ctx.suite.library.add(title, year=year)
    page = movie_page_factory(ctx)
    await page.load_movie(movie.id)
    assert page.detail is not None and page.detail.movie.status is not IdentificationStatus.IDENTIFIED
    return page, movie.id


class PageRecorder:
    """Every state the page showed during a refresh: the title and each chip's text, taken at each
    job event and each phase change (both arrive after the page has updated)."""

    def __init__(self, page: MovieDetailPage) -> None:
        self.page = page
        self.frames: list[tuple[str, dict[str, str]]] = []

    def take(self, *_args: object) -> None:
        self.frames.append((self.page.refresh_title.text(), chips(self.page)))

    def texts(self, provider: str) -> list[str]:
        return list(dict.fromkeys(frame[1].get(provider, "") for frame in self.frames))

    def titles(self) -> list[str]:
        return list(dict.fromkeys(frame[0] for frame in self.frames))


async def recorded_refresh(ctx: UiContext, page: MovieDetailPage) -> tuple[Any, PageRecorder]:
    recorder = PageRecorder(page)
    unsubscribe = ctx.jobs.subscribe(Watcher(recorder.take))
    try:
        result = await page.refresh()
    finally:
        unsubscribe()
    return result, recorder


# --------------------------------------------------------------------------------------------------
# The progress object (Qt-free)
# --------------------------------------------------------------------------------------------------


def test_identification_events_drive_the_chips_and_the_phase() -> None:
    from metarr_desktop.engine.events import ProviderOutcome
    from metarr_desktop.services.enrichment import EnrichResult

    phases: list[RefreshPhase] = []
    progress = IdentifyingRefreshProgress(
        ["tmdb", "omdb", "fanart"], on_phase=lambda: phases.append(progress.phase)
    )
    progress.on_identify_begin()
    progress.on_identify_step(IdentifyStep.SEARCH, ["tmdb", "omdb"])
    progress.on_provider_start("tmdb")
    assert progress.text_of("tmdb") == "searching…" and progress.text_of("fanart") == "waiting for ids"
    progress.on_provider_outcome("tmdb", IdentifyStep.SEARCH, ProviderOutcome.ANSWERED, "2 results")
    progress.on_provider_complete("tmdb", True)
    progress.on_provider_outcome("omdb", IdentifyStep.SEARCH, ProviderOutcome.RATE_LIMITED, "until 13:00")
    assert progress.text_of("tmdb") == "2 results"
    assert progress.states["omdb"].state is ProviderState.RATE_LIMITED  # not "failed": it was not asked
    progress.on_identify_step(IdentifyStep.LOOKUP, ["tmdb", "fanart"])
    progress.on_provider_start("fanart")
    progress.on_provider_outcome("fanart", IdentifyStep.LOOKUP, ProviderOutcome.NOT_FOUND, "no such movie")
    progress.on_provider_complete("fanart", True)  # success, yet its chip keeps "not found"
    assert progress.text_of("fanart") == "not found"
    progress.on_identify_end("identified")
    progress.on_provider_start("omdb")  # asked again to fetch: a fetch's "running…" again
    assert progress.text_of("omdb") == "running…"
    progress.on_provider_complete("omdb", True)
    assert phases == [
        RefreshPhase.IDENTIFYING,
        RefreshPhase.IDENTIFYING,
        RefreshPhase.IDENTIFYING,
        RefreshPhase.FETCHING,
    ]
    progress.finish(EnrichResult(1, Status.ENRICHED, providers=["tmdb", "omdb"], not_found=["fanart"]))
    assert {p: progress.text_of(p) for p in progress.states} == {
        "tmdb": "done",
        "omdb": "done",
        "fanart": "not found",
    }


# --------------------------------------------------------------------------------------------------
# The page, fake providers, simulated time
# --------------------------------------------------------------------------------------------------


async def test_identification_shows_in_the_chips_then_fetching(
    gated_ctx: Setup, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> None:
    ctx, _fake, _clock = gated_ctx
    page, movie_id = await unidentified_page(ctx, movie_page_factory, "Inception", 2010)
    assert page.progress is None
    result, recorder = await recorded_refresh(ctx, page)
    assert result is not None and result.status is Status.ENRICHED
    for provider in SEARCHERS:
        seen = recorder.texts(provider)
        assert "searching…" in seen and "1 result" in seen, (provider, seen)
        assert "looking up…" in seen and "found" in seen, (provider, seen)
        assert seen.index("searching…") < seen.index("1 result") < seen.index("looking up…")
    assert recorder.texts("fanart")[:2] == ["waiting", "waiting for ids"]  # it cannot search
    assert "looking up…" in recorder.texts("fanart") and "found" in recorder.texts("fanart")
    titles = recorder.titles()
    assert titles[:2] == [
        "Identifying… the movie has no confirmed ids yet",
        "Identifying… searching the providers for “Inception (2010)”",
    ]
    assert "Identifying… looking its ids up to find the others" in titles
    assert "Identified. Fetching… asking the providers" in titles
    assert page.refresh_title.text().startswith("Refresh finished:")
    assert set(chips(page).values()) == {"done"}  # the answers found on the way were used, not refetched
    assert "Identified first, as TMDB 27205 and IMDb tt1375666." in page.refresh_detail.text()
    assert ctx.suite is not None
    assert ctx.suite.library.get(movie_id).status is IdentificationStatus.IDENTIFIED
    notes = [e.message for e in ctx.jobs.jobs[-1].events if e.message]
    assert "identifying the movie first" in notes and "identified; fetching its metadata" in notes


async def test_a_failing_provider_shows_its_failure_while_the_others_go_on(
    gated_ctx: Setup, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> None:
    ctx, fake, _clock = gated_ctx
    fake.status["tvdb"] = 401
    page, _movie_id = await unidentified_page(ctx, movie_page_factory, "Inception", 2010)
    result, recorder = await recorded_refresh(ctx, page)
    assert result is not None and result.status is Status.ENRICHED
    assert "search failed" in recorder.texts("tvdb")
    failing = next(frame for _title, frame in recorder.frames if frame.get("tvdb") == "search failed")
    assert failing["tmdb"] in ("searching…", "1 result")  # the others were still on their way
    for provider in ("omdb", "tmdb"):
        assert "1 result" in recorder.texts(provider) and "found" in recorder.texts(provider)
    tvdb = page.provider_chips.chip("tvdb")
    assert tvdb is not None and tvdb.secondary == "failed" and "API key" in tvdb.tooltip


async def test_a_rate_limited_provider_is_skipped_without_a_request(
    gated_ctx: Setup, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> None:
    ctx, fake, clock = gated_ctx
    ctx.pool.get("omdb").gate.note_rate_limited(
        RateLimitedError("omdb", "daily quota used up", reset_at=clock.now() + timedelta(hours=3))
    )
    page, _movie_id = await unidentified_page(ctx, movie_page_factory, "Inception", 2010)
    result, recorder = await recorded_refresh(ctx, page)
    assert result is not None and result.status is Status.ENRICHED
    assert fake.count("omdb") == 0
    assert "running…" not in recorder.texts("omdb") and "searching…" not in recorder.texts("omdb")
    during = [frame["omdb"] for title, frame in recorder.frames if title.startswith("Identifying…")]
    assert during[-1] == "skipped: rate limited"  # said during the search already, not only at the end
    chip = page.provider_chips.chip("omdb")
    assert chip is not None and chip.secondary == "skipped: rate limited"
    assert "after its reset" in chip.tooltip


async def test_a_film_not_identified_keeps_what_the_search_said(
    gated_ctx: Setup, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> None:
    ctx, fake, _clock = gated_ctx
    # A refused key is no passing failure: the others' "no match" stands. (A 503 would keep the
    # movie unidentified and try again later: issue 20, item 6.)
    fake.status["omdb"] = 401
    fake.no_results = True
    page, movie_id = await unidentified_page(ctx, movie_page_factory, "Some Unknown Film", 1950)
    result, _recorder = await recorded_refresh(ctx, page)
    assert result is not None and result.status is Status.NEEDS_IDENTIFICATION
    assert chips(page) == {
        "omdb": "search failed",
        "tmdb": "no match",
        "tvdb": "no match",
        "fanart": "skipped",
    }
    fanart = page.provider_chips.chip("fanart")
    assert fanart is not None and "not identified" in fanart.tooltip
    assert "No provider found a film with its title and year" in page.refresh_detail.text()
    await settle()
    shoot(page, "movie-identify-not-found")
    assert page.refresh_title.text() == (
        "Refresh finished: needs identification: choose the film with Identify…"
    )
    assert ctx.suite is not None
    assert ctx.suite.library.get(movie_id).status is IdentificationStatus.NEEDS_IDENTIFICATION


async def test_render_the_page_mid_identification(
    scheme: Scheme, gated_ctx: Setup, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> None:
    """Held answers (in simulated time) freeze the page in the search, then in the lookup."""
    ctx, fake, clock = gated_ctx
    fake.status["omdb"] = 401
    fake.delays[("tvdb", "search")] = 5.0  # its search answers at 5 s
    fake.delays[("tvdb", "movie")] = 5.0  # its lookup, asked at 5 s, answers at 10 s
    page, _movie_id = await unidentified_page(ctx, movie_page_factory, "Inception", 2010)
    page.resize(1010, 640)
    await settle()
    started = clock.monotonic()
    refresh = asyncio.ensure_future(page.refresh())
    await clock.sleep(4.0)
    assert chips(page) == {
        "omdb": "search failed",
        "tmdb": "1 result",
        "tvdb": "searching…",
        "fanart": "waiting for ids",
    }
    assert page.refresh_title.text() == "Identifying… searching the providers for “Inception (2010)”"
    assert page.refresh_detail.isVisible() and "identified first" in page.refresh_detail.text()
    assert page.cancel_button.isVisible() and not page.refresh_button.isEnabled()
    lay_out(page)
    searching = shoot(page, f"movie-identify-search-{scheme.value}")
    await clock.sleep(started + 9.0 - clock.monotonic())
    assert chips(page) == {
        "omdb": "lookup failed",
        "tmdb": "found",
        "tvdb": "looking up…",
        "fanart": "found",
    }
    assert page.refresh_title.text() == "Identifying… looking its ids up to find the others"
    lay_out(page)
    shoot(page, f"movie-identify-lookup-{scheme.value}")
    result = await refresh
    assert result is not None and result.status is Status.ENRICHED
    await settle()
    shoot(page, f"movie-identify-done-{scheme.value}")
    image = QImage(str(searching))
    assert not image.isNull() and image.width() >= 1000


# --------------------------------------------------------------------------------------------------
# The page against the sandbox (real clients, a real film of the demo catalog)
# --------------------------------------------------------------------------------------------------


async def test_a_demo_film_is_identified_from_its_title_on_the_page(
    sandbox_ctx: UiContext, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> None:
    page, movie_id = await unidentified_page(sandbox_ctx, movie_page_factory, "Inception", 2010)
    result, recorder = await recorded_refresh(sandbox_ctx, page)
    assert result is not None and result.status is Status.ENRICHED
    searchers = [r.id for r in sandbox_ctx.pool.enabled() if r.provider.capabilities.can_search]
    assert searchers
    for provider in searchers:
        seen = recorder.texts(provider)
        assert "searching…" in seen and any(text.endswith(("result", "results")) for text in seen), seen
    assert any(title.startswith("Identifying…") for title in recorder.titles())
    assert sandbox_ctx.suite is not None
    movie = sandbox_ctx.suite.library.get(movie_id)
    assert movie.status is IdentificationStatus.IDENTIFIED and movie.ids.imdb == "tt1375666"
    await settle()
    shoot(page, "movie-identify-sandbox-done")
