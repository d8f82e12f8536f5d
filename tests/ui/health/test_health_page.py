"""The health dashboard: cards from the services, changed live by engine events (pushed through
`ProviderPool.subscribe`), relative times refreshed by a timer, and Re-enable."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.ui.common.bridge import HealthBridge
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.health.page import HealthPage
from metarr_desktop.ui.main_window import MainWindow
from metarr_desktop.ui.main_window import Page
from metarr_desktop.ui.main_window import window_settings
from tests.helpers.fake_services import FakeServices
from tests.helpers.qt import shown_and_loaded
from tests.helpers.qt import wait_signal
from tests.helpers.ui_context import fake_ui_context

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
async def page(qtbot: QtBot, ctx: UiContext) -> HealthPage:
    bridge = HealthBridge(ctx.pool)
    return await shown_and_loaded(qtbot, HealthPage(ctx, bridge), 1000, 800)


async def test_a_card_per_provider(page: HealthPage) -> None:
    # The image hosts (artwork downloads of library files) have a card after the providers.
    assert list(page.cards) == ["omdb", "tmdb", "tvdb", "fanart", "images"]
    card = page.cards["omdb"]
    assert card.status.text() == "No requests yet"
    assert card.usage.text() == "0 / 1,000 (0 %)"
    assert card.last_request.text() == "never"
    assert not card.reenable.isVisibleTo(card)

    assert page.summary.text() == "0 healthy of 5 enabled, 5 not asked yet"  # 4 providers and the image hosts


async def test_successes_update_the_card_at_once(
    page: HealthPage, ctx: UiContext, clock: VirtualClock
) -> None:
    async def answer(provider: MetadataProvider) -> int:
        await clock.sleep(0.120)
        return 1

    for _ in range(3):
        await ctx.orchestrator.call("tmdb", answer)
    card = page.cards["tmdb"]
    # The pool pushed the changes: the model has them at once, the card on the coalescing tick
    # that the push started (no polling timer is involved).
    assert page.model.health("tmdb").avg_latency_ms == pytest.approx(120.0)
    assert page.repaint_timer.isActive()
    await wait_signal(page.repaint_timer.timeout)
    assert card.status.text() == "Healthy"
    assert card.latency.text() == "120 ms"
    assert card.uptime.text() == "100.0 %"
    assert card.sparkline.values == pytest.approx((120.0, 120.0, 120.0))
    assert len(card.sparkline.points()) == 3
    assert card.uptime_bar.fraction == 1.0
    assert card.last_request.text() == "just now"
    clock.advance(125)
    page.refresh_times()
    assert card.last_request.text() == "2 min ago"
    assert "1 healthy" in page.summary.text()


async def test_failures_auto_disable_and_re_enable(qtbot: QtBot, page: HealthPage, ctx: UiContext) -> None:
    async def fail(provider: MetadataProvider) -> int:
        raise ServerError("tmdb", "server error (HTTP 503)", status_code=503)

    for _ in range(5):  # five failed executions (1 + 2 attempts each) open the circuit
        with pytest.raises(ProviderError):
            await ctx.orchestrator.call("tmdb", fail)
    page.flush_pending()
    card = page.cards["tmdb"]
    assert card.status.text() == "Auto-disabled"
    assert card.failures.text() == "15"  # attempts in a row
    assert card.error.text() == "Last error: server error (HTTP 503)"
    assert card.reenable.isVisibleTo(card)
    assert card.resets_caption.text() == "Next probe in"
    qtbot.mouseClick(card.reenable, Qt.MouseButton.LeftButton)
    page.flush_pending()
    assert ctx.pool.get("tmdb").breaker.is_closed
    assert card.status.text() != "Auto-disabled"
    assert not card.reenable.isVisibleTo(card)


async def test_rate_limited_shows_resets_in(page: HealthPage, ctx: UiContext, clock: VirtualClock) -> None:
    async def limited(provider: MetadataProvider) -> int:
        raise RateLimitedError(
            "omdb", "daily quota used up", reset_at=clock.now() + timedelta(minutes=45), quota_exhausted=True
        )

    with pytest.raises(ProviderError):
        await ctx.orchestrator.call("omdb", limited)
    page.flush_pending()
    card = page.cards["omdb"]
    assert card.status.text() == "Rate limited"
    assert card.resets.text() == "45 min"
    clock.advance(15 * 60)
    page.refresh_times()
    assert card.resets.text() == "30 min"


async def test_disabling_a_provider_shows_disabled(page: HealthPage, ctx: UiContext) -> None:
    await ctx.providers.update("fanart", ProviderUpdate(enabled=False))
    page.flush_pending()
    assert page.cards["fanart"].status.text() == "Disabled"

    assert "of 4 enabled" in page.summary.text()  # 3 providers and the image hosts


async def test_the_timer_only_refreshes_times(page: HealthPage) -> None:
    assert page.timer.isActive() and page.timer.interval() == 1000
    before = [c.health for c in page.cards.values()]
    page.refresh_times()
    assert [c.health for c in page.cards.values()] == before


async def test_status_text_is_drawn_in_the_status_colour(page: HealthPage, ctx: UiContext) -> None:
    from PySide6.QtGui import QPalette

    from metarr_desktop.services.formatting import DisplayStatus
    from metarr_desktop.ui.common.theme import status_colour

    await ctx.providers.update("fanart", ProviderUpdate(enabled=False))
    page.flush_pending()
    label = page.cards["fanart"].status
    expected = status_colour(DisplayStatus.DISABLED, label.palette())
    assert label.palette().color(label.foregroundRole()) == expected
    assert label.foregroundRole() in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText)


async def test_cards_made_from_pushes_before_the_page_loaded_show_names(
    qtbot: QtBot, ctx: UiContext, clock: VirtualClock
) -> None:
    async def answer(provider: MetadataProvider) -> int:
        return 1

    bridge = HealthBridge(ctx.pool)
    widget = HealthPage(ctx, bridge)
    qtbot.addWidget(widget)
    await ctx.orchestrator.call("tmdb", answer)  # pushed before load()
    assert widget.cards["tmdb"].name.text() == ctx.provider_names()["tmdb"] != "tmdb"
    await widget.load()
    assert all(card.name.text() != pid for pid, card in widget.cards.items())


async def test_the_last_24_hours_and_the_session_figures(
    qtbot: QtBot, tmp_path: Path, clock: VirtualClock
) -> None:
    async with fake_ui_context(tmp_path / "profile", FakeServices(), clock) as ctx:
        page = HealthPage(ctx, HealthBridge(ctx.pool))
        qtbot.addWidget(page)
        page.resize(1000, 820)
        page.show()
        await page.load()
        assert ctx.suite is not None
        movie = ctx.suite.library.add("Inception", ids=ExternalIds(tmdb=27205))
        await ctx.suite.enrichment.enrich(movie.id)  # identified: its lookup is a fetch, 4 misses
        clock.advance(3600)
        await ctx.suite.enrichment.enrich(movie.id, EnrichOptions(force=True))  # one fetch: 4 misses
        await ctx.suite.enrichment.enrich(movie.id)  # 4 answers from the cache
        page.flush_pending()
        page.refresh_times()
        tmdb = page.model.health("tmdb")
        assert tmdb.executions_24h == 2 and tmdb.success_rate_24h == 1.0
        activity = page.activity["tmdb"]
        counts = activity.chart.counts
        assert len(counts) == 24 and counts[-2:] == (1, 1) and sum(counts) == 2
        assert "2 requests · 2 executions · 100.0 % succeeded" in activity.figures.text()
        assert len(activity.chart.bars()) == 2
        overview = page.overview.text()
        # The lookup's fetch counts like the forced one (TMDB's card says 2 executions too), and
        # its 4 answers were asked for: 4 of 12 answers came from the cache.
        assert "This session: 2 fetches · 100.0 % succeeded" in overview
        assert "33.3 % of answers from the cache" in overview
        page.grab().save("/tmp/health-page.png")


async def test_the_session_figures_show_an_enrichment_run_once_its_job_ends(
    qtbot: QtBot, tmp_path: Path, clock: VirtualClock
) -> None:
    async with fake_ui_context(tmp_path / "profile", FakeServices(), clock) as ctx:
        window = MainWindow(ctx, settings=window_settings(tmp_path))
        try:
            await window.load_page(Page.HEALTH)
            page = window.health_page
            page.timer.stop()  # no tick: the job's end alone shows the figures again
            assert ctx.suite is not None
            suite = ctx.suite
            for title, tmdb in (("Inception", 27205), ("The Matrix", 603), ("Heat", 949)):
                suite.library.add(title, ids=ExternalIds(tmdb=tmdb))
            assert page.overview.text() == (
                "This session: no fetches yet   ·   Cache: no answers asked for yet"
            )

            async def run(handle: JobHandle) -> EnrichReport:
                return await suite.enrichment.enrich_all()

            report = await ctx.jobs.wait(ctx.jobs.start("Enrich every movie", run))
            assert isinstance(report, EnrichReport) and report.finished == 3
            # Each movie was looked up (identified first): three fetches, every answer asked for.
            overview = page.overview.text()
            assert "This session: 3 fetches · 100.0 % succeeded" in overview
            assert "Cache: 0.0 % of answers from the cache" in overview

            await ctx.jobs.wait(ctx.jobs.start("Enrich every movie", run))  # fresh: the cache answers
            overview = page.overview.text()
            assert "This session: 3 fetches" in overview
            assert "50.0 % of answers from the cache" in overview
        finally:
            window.dispose()
            window.deleteLater()
