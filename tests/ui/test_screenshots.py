"""Every page rendered to PNG as a user would see it, in realistic states (light and dark).

The images go to /tmp/metarr-shots/; with METARR_UPDATE_SCREENSHOTS=1 they also replace the README's
screenshots in docs/screenshots/.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.providers.base import MetadataProvider
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.jobs import EventKind
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.library import LibraryService
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.common.theme import ThemeController
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.main_window import MainWindow
from metarr_desktop.ui.main_window import Page
from metarr_desktop.ui.providers.dialog import ProviderSettingsDialog
from tests.helpers.provider_api import GOOD_KEYS
from tests.helpers.qt import settle
from tests.helpers.qt import until

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

SHOTS = Path("/tmp/metarr-shots")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save(widget: object, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))  # type: ignore[attr-defined]
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 300
    if os.environ.get("METARR_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS / path.name)
    return path


async def stage(ctx: UiContext, clock: VirtualClock) -> None:
    """Keys, some history for every provider, one rate limited, one auto-disabled, one disabled."""
    for pid in ("omdb", "tmdb", "fanart"):
        await ctx.providers.update(pid, ProviderUpdate(api_key=GOOD_KEYS[pid]))
    await ctx.providers.update("tvdb", ProviderUpdate(enabled=False))
    latencies = {"tmdb": [0.08, 0.12, 0.09, 0.31, 0.11, 0.1, 0.14, 0.09, 0.12, 0.1]}

    def answer(seconds: float) -> Callable[[MetadataProvider], Awaitable[int]]:
        async def call(provider: MetadataProvider) -> int:
            await clock.sleep(seconds)
            return 1

        return call

    for seconds in latencies["tmdb"]:
        await ctx.orchestrator.call("tmdb", answer(seconds))
    for seconds in (0.4, 0.35, 0.5, 0.42):
        await ctx.orchestrator.call("omdb", answer(seconds))
    for _ in range(870):
        ctx.pool.get("omdb").gate.quota.try_consume()

    async def limited(provider: MetadataProvider) -> int:
        raise RateLimitedError(
            "omdb", "daily quota used up", reset_at=clock.now() + timedelta(minutes=45), quota_exhausted=True
        )

    with pytest.raises(ProviderError):
        await ctx.orchestrator.call("omdb", limited)
    for seconds in (0.2, 0.25):
        await ctx.orchestrator.call("fanart", answer(seconds))

    async def fail(provider: MetadataProvider) -> int:
        raise ServerError("fanart", "server error (HTTP 503: Service Unavailable)", status_code=503)

    for _ in range(5):  # five failed executions (of 1 + 2 attempts) auto-disable it
        with pytest.raises(ProviderError):
            await ctx.orchestrator.call("fanart", fail)
    clock.advance(20)


@pytest.fixture
async def staged(
    qtbot: QtBot, ctx: UiContext, clock: VirtualClock, tmp_path: Path
) -> AsyncIterator[MainWindow]:
    await stage(ctx, clock)
    library = LibraryService(ctx.library._database, ctx.library._movies)  # type: ignore[union-attr]
    for title, year in (("Inception", 2010), ("The Matrix", 1999), ("Pulp Fiction", 1994), ("Heat", 1995)):
        library.add(title, year=year)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1180, 760)
    window.show()
    await until(lambda: Page.LIBRARY in window._loaded)
    yield window
    window.dispose()


async def show(window: MainWindow, page: Page) -> None:
    await window.load_page(page)
    window.show_page(page)
    window.flush_pending()
    await settle()


async def test_render_every_page(staged: MainWindow, ctx: UiContext) -> None:
    window = staged
    for page in (Page.PROVIDERS, Page.HEALTH, Page.LIBRARY):
        await show(window, page)
        save(window, page.value)
    health = window.health_page.cards
    assert health["omdb"].status.text() == "Rate limited"
    assert health["fanart"].status.text() == "Auto-disabled" and health["fanart"].reenable.isVisibleTo(
        health["fanart"]
    )
    assert health["tvdb"].status.text() == "Disabled"
    assert health["tmdb"].status.text() == "Healthy"

    release = asyncio.Event()

    async def body(handle: JobHandle) -> None:
        for pid, kinds in (("tmdb", [EventKind.START, EventKind.COMPLETE]), ("omdb", [EventKind.START])):
            for kind in kinds:
                ctx.jobs.record(handle.job, kind, pid)
        handle.progress.on_provider_retry("omdb", 1, 2)
        handle.advance(3)
        await release.wait()

    done_job = ctx.jobs.start("Refresh metadata: Heat (1995)", lambda h: asyncio.sleep(0))
    await ctx.jobs.wait(done_job)
    job = ctx.jobs.start("Refresh metadata: 8 movies", body, total=8)
    await asyncio.sleep(0)
    await show(window, Page.ACTIVITY)
    save(window, "activity")
    assert window.job_label.text() == "Refresh metadata: 8 movies: running, 3 of 8"
    release.set()
    await ctx.jobs.wait(job)


async def test_render_the_settings_dialog(qtbot: QtBot, staged: MainWindow, ctx: UiContext) -> None:
    dialog = ProviderSettingsDialog(ctx, "omdb", staged)
    qtbot.addWidget(dialog)
    dialog.advanced_toggle.click()
    dialog.show()
    await dialog.test_key()
    await settle()
    save(dialog, "provider-settings")
    assert dialog.status_text.text() == "Rate limited"
    dialog.reject()


async def test_render_dark(staged: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, Scheme.DARK)
    staged.theme = theme
    staged.set_scheme(Scheme.DARK)
    try:
        for page in (Page.HEALTH, Page.PROVIDERS):
            await show(staged, page)
            save(staged, f"{page.value}-dark")
    finally:
        staged.set_scheme(Scheme.LIGHT)
