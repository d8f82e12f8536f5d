"""The asset browser: cached candidates only (no provider request), by type, with thumbnails,
Select / Reject / Restore that persist, the suggested pick of the selection rule, and the empty state.
Also rendered with the sandbox's demo data (providers and images) to /tmp/metarr-shots/."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.sandbox import DEMO_KEYS
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.artwork import render_artwork
from metarr_desktop.sandbox.images import sandbox_image_transport
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.services.context import AppServices
from metarr_desktop.ui.assets.browser import EMPTY_TEXT
from metarr_desktop.ui.assets.browser import AssetBrowserDialog
from metarr_desktop.ui.assets.browser import AssetListModel
from metarr_desktop.ui.assets.browser import open_asset_browser
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.context import UiContext
from tests.helpers import sandbox as sandbox_fixtures
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.provider_api import ProviderApi
from tests.helpers.qt import settle
from tests.helpers.qt import until

sandbox = sandbox_fixtures.sandbox
sandbox_factory = sandbox_fixtures.sandbox_factory

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

IDS = ExternalIds(tmdb=27205, imdb="tt1375666")
TMDB = "https://image.tmdb.org/t/p/original"
FANART = "https://assets.fanart.tv/fanart/movies/27205"
SHOTS = Path("/tmp/metarr-shots")
SHOTS.mkdir(parents=True, exist_ok=True)


def candidates() -> dict[str, ProviderData]:
    """Inception's candidates as TMDB and fanart.tv would offer them."""
    tmdb = [
        AssetCandidate(f"{TMDB}/en-2000.jpg", AssetType.POSTER, "tmdb", 2000, 3000, "en", 41, 5.6),
        AssetCandidate(f"{TMDB}/xx-1000.jpg", AssetType.POSTER, "tmdb", 1000, 1500, None, 12, 5.4),
        AssetCandidate(f"{TMDB}/fr-680.jpg", AssetType.POSTER, "tmdb", 680, 1000, "fr", 55, 5.9),
        AssetCandidate(f"{TMDB}/backdrop-4k.jpg", AssetType.BACKDROP, "tmdb", 3840, 2160, None, 20, 5.3),
        AssetCandidate(f"{TMDB}/backdrop-en.jpg", AssetType.BACKDROP, "tmdb", 1280, 720, "en", 30, 5.8),
        AssetCandidate("https://www.youtube.com/watch?v=YoHD9XEInc0", AssetType.TRAILER, "tmdb"),
    ]
    fanart = [
        AssetCandidate(f"{FANART}/movieposter/a.jpg", AssetType.POSTER, "fanart", 1000, 1426, "en", 14),
        AssetCandidate(f"{FANART}/hdmovielogo/b.png", AssetType.CLEARLOGO, "fanart", 800, 310, "en", 9),
        AssetCandidate(f"{FANART}/hdmovielogo/c.png", AssetType.CLEARLOGO, "fanart", 800, 310, "de", 3),
        AssetCandidate(f"{FANART}/moviedisc/d.png", AssetType.DISCART, "fanart", 1000, 1000, "en", 2),
    ]
    return {
        "tmdb": ProviderData("tmdb", {"title": "Inception"}, IDS, tmdb),
        "fanart": ProviderData("fanart", {}, IDS, fanart),
    }


class ArtworkHost:
    """The image host of these tests: a generated PNG for any artwork URL, every request counted."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        body = render_artwork(request.url.host, request.url.path)
        return httpx.Response(200, content=body, headers={"Content-Type": "image/png"})


@pytest.fixture
def host() -> ArtworkHost:
    return ArtworkHost()


@pytest.fixture
async def images(tmp_path: Path, host: ArtworkHost) -> AsyncIterator[ImageLoader]:
    gc.collect()  # earlier tests' garbage is collected here, not in the loader's worker thread
    loader = ImageLoader(tmp_path / "images", transport=httpx.MockTransport(host))
    yield loader
    await loader.aclose()


@pytest.fixture
def browser_ctx(services: AppServices, images: ImageLoader) -> UiContext:
    return UiContext.from_services(services, images=images)


@pytest.fixture
def movie_id(browser_ctx: UiContext) -> int:
    assert browser_ctx.library is not None and browser_ctx.suite is not None
    movie = browser_ctx.library.add("Inception", year=2010, ids=IDS)
    assert browser_ctx.suite.app.cache.save(EntityType.MOVIE, movie.id, IDS, candidates())
    return movie.id


async def opened(qtbot: QtBot, ctx: UiContext, movie_id: int) -> AssetBrowserDialog:
    dialog = AssetBrowserDialog(ctx, movie_id)
    qtbot.addWidget(dialog)
    dialog.resize(980, 720)
    dialog.show()
    await dialog.load()
    await thumbnails_loaded(dialog)
    return dialog


async def show_type(dialog: AssetBrowserDialog, asset_type: AssetType) -> bool:
    """Switch type and let its thumbnails load (no download is left running when a test ends)."""
    shown = dialog.show_type(asset_type)
    await thumbnails_loaded(dialog)
    return shown


async def thumbnails_loaded(dialog: AssetBrowserDialog) -> None:
    model = dialog.model
    if dialog.ctx.images is None:
        return

    def done() -> bool:
        return all(model.data(model.index(r, 0), Role.THUMBNAIL) is not None for r in range(model.rowCount()))

    await settle()
    await until(done)
    # The thumbnails' hashes are computed after they are shown: none is left running at the end.
    assert await dialog.ctx.images.wait_idle(5)
    await settle()


async def test_opening_asks_no_provider_and_groups_the_cached_candidates(
    qtbot: QtBot, browser_ctx: UiContext, movie_id: int, api: ProviderApi, host: ArtworkHost
) -> None:
    before = list(api.requests)
    dialog = await opened(qtbot, browser_ctx, movie_id)
    await thumbnails_loaded(dialog)

    assert api.requests == before  # the providers' API was not asked anything
    assert dialog.windowTitle() == "Artwork — Inception (2010)"
    assert dialog.types() == [AssetType.POSTER, AssetType.BACKDROP, AssetType.CLEARLOGO, AssetType.DISCART]
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Posters (4)",
        "Backdrops (2)",
        "Clear logos (2)",
        "Discs (1)",
    ]
    model = dialog.model
    assert model.rowCount() == 4
    first = model.index(0, 0)
    # In the order of the artwork languages (derived for en-US: en, none, then the rest), not the
    # store's (which put the better-rated French poster first).
    assert model.data(first) == "2000 × 3000 · EN · TMDB · ★ 5.6 · 41 votes"
    # The thumbnails came from the image host, once each, and are in memory now.
    assert sorted(host.requests) == sorted(a.url for a in model.assets)
    assert all(
        url.startswith(("https://image.tmdb.org/", "https://assets.fanart.tv/")) for url in host.requests
    )
    assert dialog.empty.isHidden() and dialog.view.isVisible()
    # Switching type shows that type's candidates.
    assert await show_type(dialog, AssetType.CLEARLOGO)
    assert {a.type for a in dialog.model.assets} == {AssetType.CLEARLOGO}
    assert not dialog.show_type(AssetType.BANNER)


async def test_the_suggested_pick_follows_the_rule(
    qtbot: QtBot, browser_ctx: UiContext, movie_id: int
) -> None:
    dialog = await opened(qtbot, browser_ctx, movie_id)
    # Posters, for English: English ones first; among them TMDB's rated one beats fanart.tv's likes.
    assert dialog.suggested() is not None and dialog.suggested().url == f"{TMDB}/en-2000.jpg"  # type: ignore[union-attr]
    rows = [
        r
        for r in range(dialog.model.rowCount())
        if dialog.model.data(dialog.model.index(r, 0), Role.SUGGESTED)
    ]
    assert len(rows) == 1 and dialog.model.asset(rows[0]).url == f"{TMDB}/en-2000.jpg"  # type: ignore[union-attr]
    # Backdrops: the one without text first, even with a lower rating.
    await show_type(dialog, AssetType.BACKDROP)
    assert dialog.suggested().url == f"{TMDB}/backdrop-4k.jpg"  # type: ignore[union-attr]
    # Rejecting the suggestion moves it to the next best.
    dialog.reject_asset(dialog.suggested().id)  # type: ignore[union-attr]
    assert dialog.suggested().url == f"{TMDB}/backdrop-en.jpg"  # type: ignore[union-attr]
    # Another language preference changes the pick.
    french = AssetBrowserDialog(browser_ctx, movie_id, language="fr")
    qtbot.addWidget(french)
    await french.load()
    assert french.suggested().url == f"{TMDB}/fr-680.jpg"  # type: ignore[union-attr]


async def test_select_reject_and_restore_persist(qtbot: QtBot, browser_ctx: UiContext, movie_id: int) -> None:
    assert browser_ctx.suite is not None
    cache = browser_ctx.suite.app.cache
    dialog = await opened(qtbot, browser_ctx, movie_id)
    changes: list[int] = []
    dialog.assetsChanged.connect(changes.append)

    dialog.use_suggested()
    stored = {a.url: a for a in cache.get_cached_assets(EntityType.MOVIE, movie_id, AssetType.POSTER)}
    assert stored[f"{TMDB}/en-2000.jpg"].is_selected
    assert dialog.status.text() == (
        "Selected the TMDB poster (2000 × 3000). It is now the movie's own, locked."
    )
    assert not dialog.suggest_button.isEnabled()  # the suggestion is the choice already
    assert changes == [movie_id]
    # The choice reaches the movie: its poster field, with the provider as source, locked.
    movies = browser_ctx.suite.app.movies
    movie = movies.require(movie_id)
    assert movie.fields["poster"] == f"{TMDB}/en-2000.jpg"
    assert movies.field_sources(movie_id)["poster"].provider == "tmdb"
    assert "poster" in movies.locked_fields(movie_id)

    # Select another with the Select button: the previous choice is dropped.
    other = dialog.model.row_of(stored[f"{FANART}/movieposter/a.jpg"].id)
    dialog.view.setCurrentIndex(dialog.model.index(other, 0))
    qtbot.mouseClick(dialog.select_button, Qt.MouseButton.LeftButton)
    stored = {a.url: a for a in cache.get_cached_assets(EntityType.MOVIE, movie_id, AssetType.POSTER)}
    assert stored[f"{FANART}/movieposter/a.jpg"].is_selected and not stored[f"{TMDB}/en-2000.jpg"].is_selected
    assert dialog.current_asset().id == stored[f"{FANART}/movieposter/a.jpg"].id  # type: ignore[union-attr]
    assert not dialog.select_button.isEnabled()

    # Reject the selected one: deselected, greyed, and the button offers Restore.
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    rejected = cache.assets.get(stored[f"{FANART}/movieposter/a.jpg"].id)
    assert rejected is not None and rejected.is_rejected and not rejected.is_selected
    assert dialog.reject_button.text() == "Restore"
    assert dialog.model.data(dialog.view.currentIndex(), Role.REJECTED) is True

    # Closed and opened again: the choices are still there.
    dialog.close()
    again = await opened(qtbot, browser_ctx, movie_id)
    assert again.model.data(again.model.index(again.model.row_of(rejected.id), 0), Role.REJECTED)
    again.view.setCurrentIndex(again.model.index(again.model.row_of(rejected.id), 0))
    qtbot.mouseClick(again.reject_button, Qt.MouseButton.LeftButton)
    restored = cache.assets.get(rejected.id)
    assert restored is not None and not restored.is_rejected
    assert (
        again.reject_button.text() == "Reject"
        and again.status.text() == "Restored the fanart.tv poster (1000 × 1426)."
    )


async def test_a_candidate_gone_from_the_cache_is_a_message_not_an_error(
    qtbot: QtBot, browser_ctx: UiContext, movie_id: int
) -> None:
    assert browser_ctx.suite is not None
    dialog = await opened(qtbot, browser_ctx, movie_id)
    gone = dialog.model.asset(0)
    assert gone is not None
    browser_ctx.suite.app.cache.invalidate(EntityType.MOVIE, movie_id, asset_type=AssetType.POSTER)
    assert not dialog.select_asset(gone.id)
    assert "no longer in the cache" in dialog.status.text()
    assert AssetType.POSTER not in dialog.types()
    await thumbnails_loaded(dialog)


async def test_empty_state_when_nothing_is_cached(
    qtbot: QtBot, browser_ctx: UiContext, api: ProviderApi
) -> None:
    assert browser_ctx.library is not None
    movie = browser_ctx.library.add("Unfetched", year=2001)
    dialog = await opened(qtbot, browser_ctx, movie.id)
    assert api.requests == []
    assert dialog.stack.currentWidget() is dialog.empty and dialog.empty.text() == EMPTY_TEXT
    assert "Refresh the movie's metadata to fetch artwork candidates" in dialog.empty.text()
    assert dialog.tabs.isHidden()
    assert not any(b.isEnabled() for b in (dialog.select_button, dialog.reject_button, dialog.suggest_button))
    await settle()
    assert dialog.grab().save(str(SHOTS / "asset-browser-empty.png"))


async def test_without_an_image_loader_placeholders_are_shown(
    qtbot: QtBot, services: AppServices, movie_id: int
) -> None:
    ctx = UiContext.from_services(services)  # images=None
    dialog = await opened(qtbot, ctx, movie_id)
    await settle()
    assert dialog.model.data(dialog.model.index(0, 0), Role.THUMBNAIL) is None
    assert dialog.grab().width() > 0  # painting the placeholders raises nothing


async def test_open_asset_browser_resolves_when_closed(
    qtbot: QtBot, browser_ctx: UiContext, movie_id: int
) -> None:
    changes: list[int] = []
    task = asyncio.ensure_future(open_asset_browser(browser_ctx, movie_id, on_changed=changes.append))
    await until(lambda: any(isinstance(w, AssetBrowserDialog) and w.isVisible() for w in _top_levels()))
    dialog = next(w for w in _top_levels() if isinstance(w, AssetBrowserDialog) and w.isVisible())
    await thumbnails_loaded(dialog)
    dialog.use_suggested()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert await asyncio.wait_for(task, 5) == 1
    assert changes == [movie_id]


def _top_levels() -> list[object]:
    from PySide6.QtWidgets import QApplication

    return list(QApplication.topLevelWidgets())


async def test_the_model_passes_the_model_tester(
    qtmodeltester: ModelTester, browser_ctx: UiContext, movie_id: int
) -> None:
    assert browser_ctx.suite is not None
    assets = browser_ctx.suite.app.cache.get_cached_assets(EntityType.MOVIE, movie_id, AssetType.POSTER)
    model = AssetListModel(browser_ctx.images, {"tmdb": "TMDB", "fanart": "fanart.tv"})
    model.set_assets(assets, assets[1].id, QSize(140, 210))
    qtmodeltester.check(model)
    assert model.data(model.index(1, 0), Role.SUGGESTED) is True
    assert "(suggested)" in model.data(model.index(1, 0), Qt.ItemDataRole.AccessibleTextRole)
    model.set_assets([], None, QSize(140, 210))
    qtmodeltester.check(model)


async def test_copies_of_one_picture_are_one_card_that_opens_on_click(
    qtbot: QtBot, browser_ctx: UiContext, movie_id: int
) -> None:
    assert browser_ctx.suite is not None
    repository = browser_ctx.suite.app.cache.assets
    by_url = {a.url: a for a in repository.for_entity("movie", movie_id, AssetType.POSTER)}
    english, fanart = by_url[f"{TMDB}/en-2000.jpg"], by_url[f"{FANART}/movieposter/a.jpg"]
    # The same picture from two providers (hashes two bits apart); fanart.tv's copy scored higher.
    repository.set_analysis(english.id, content_hash="a" * 64, perceptual_hash="f0e1d2c3b4a59687", score=80)
    repository.set_analysis(fanart.id, content_hash="b" * 64, perceptual_hash="f0e1d2c3b4a59684", score=95)
    dialog = await opened(qtbot, browser_ctx, movie_id)
    model, view = dialog.model, dialog.view

    assert dialog.tabs.tabText(0) == "Posters (4)"  # every candidate counted
    assert model.rowCount() == 3
    lead = model.index(0, 0)
    assert model.asset(0).id == fanart.id and model.data(lead, Role.SIMILAR) == 1  # type: ignore[union-attr]
    assert "(1 similar, hidden)" in model.data(lead, Qt.ItemDataRole.AccessibleTextRole)
    # The suggestion is a hidden copy: still proposed, and "Use suggested" still works.
    assert dialog.suggested().id == english.id  # type: ignore[union-attr]
    assert dialog.similar_button.isVisible() and dialog.similar_button.text() == "Show 1 similar"

    # A click on the card opens the group: the copy follows its lead.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(lead).center())
    await until(lambda: model.rowCount() == 4)
    await thumbnails_loaded(dialog)
    assert model.data(model.index(0, 0), Role.EXPANDED) is True
    assert model.asset(1).id == english.id and model.data(model.index(1, 0), Role.LEAD_ID) == fanart.id  # type: ignore[union-attr]
    assert dialog.current_asset_id() == fanart.id and dialog.similar_button.text() == "Hide similar"
    assert dialog.grab().save(str(SHOTS / "asset-browser-similar-open.png"))

    # A click on the card elsewhere than its badge keeps it open; a click on the badge closes it.
    first = model.index(0, 0)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(first).topLeft() + QPoint(12, 12)
    )
    await settle()
    assert model.rowCount() == 4
    badge = dialog.delegate.similar_rect(view.visualRect(first), view.font(), 1, True)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=badge.center().toPoint())
    await until(lambda: model.rowCount() == 3)
    assert dialog.current_asset_id() == fanart.id

    # Choosing the hidden suggestion makes it the card's face (the selected copy leads).
    dialog.use_suggested()
    await thumbnails_loaded(dialog)
    assert repository.get(english.id).is_selected  # type: ignore[union-attr]
    assert model.asset(0).id == english.id and model.data(model.index(0, 0), Role.SELECTED)  # type: ignore[union-attr]
    # Making a hidden copy current opens its group (Space closes it again).
    dialog._make_current(fanart.id)
    assert model.rowCount() == 4 and dialog.current_asset_id() == fanart.id
    dialog.toggle_similar_current()
    assert model.rowCount() == 3 and dialog.current_asset_id() == english.id
    await thumbnails_loaded(dialog)
    assert dialog.grab().save(str(SHOTS / "asset-browser-similar.png"))


# --------------------------------------------------------------------------------------------------
# Demo data: the sandbox's providers and generated artwork, rendered to PNG
# --------------------------------------------------------------------------------------------------


@pytest.fixture
async def demo_ctx(
    tmp_path: Path,
    sandbox: SandboxServer,
) -> AsyncIterator[tuple[UiContext, int]]:
    gc.collect()
    services = AppServices.open(tmp_path / "demo", keyring_backend=MemoryKeyring())
    loader = ImageLoader(
        services.profile.image_cache_dir, transport=sandbox_image_transport(sandbox.root_url)
    )
    try:
        for provider_id, url in sandbox.urls.items():
            await services.providers.update(
                provider_id, ProviderUpdate(api_key=DEMO_KEYS[provider_id], base_url=url)
            )
        ctx = UiContext.from_services(services, images=loader)
        assert ctx.library is not None and ctx.suite is not None
        movie = ctx.library.add("Inception", year=2010, ids=IDS)
        await ctx.suite.enrichment.enrich(movie.id)
        yield ctx, movie.id
    finally:
        await loader.aclose()
        await services.aclose()


async def test_demo_render(
    qtbot: QtBot, demo_ctx: tuple[UiContext, int], sandbox: SandboxServer, scheme: Scheme
) -> None:
    ctx, movie_id = demo_ctx
    provider_requests = sandbox.stats.snapshot()["total"]
    dialog = await opened(qtbot, ctx, movie_id)
    await thumbnails_loaded(dialog)
    assert sandbox.stats.snapshot()["total"] == provider_requests  # images only, no provider
    assert sandbox.stats.snapshot()["images"] >= dialog.model.rowCount()
    assert len(dialog.types()) >= 6
    # A realistic state: the suggestion chosen, one candidate rejected.
    dialog.use_suggested()
    last = next(a for a in reversed(dialog.model.assets[:4]) if not a.is_selected)
    dialog.reject_asset(last.id)
    await thumbnails_loaded(dialog)
    assert dialog.grab().save(str(SHOTS / f"asset-browser-{scheme.value}.png"))
    await show_type(dialog, AssetType.CLEARLOGO)
    assert dialog.grab().save(str(SHOTS / f"asset-browser-logos-{scheme.value}.png"))
    await show_type(dialog, AssetType.FANART)
    assert dialog.grab().save(str(SHOTS / f"asset-browser-fanart-{scheme.value}.png"))
