"""The asset browser groups candidates that were never published: the image loader hashes each
thumbnail it downloaded (no second request), the browser keeps the hash and regroups, keeping the
current card and the scroll position. A thumbnail that is not an image just gives no hash."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QSize
from pytestqt.qtbot import QtBot

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.services.context import AppServices
from metarr_desktop.ui.assets import presenter
from metarr_desktop.ui.assets.browser import AssetBrowserDialog
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.context import UiContext
from tests.helpers.pictures import picture
from tests.helpers.qt import settle
from tests.helpers.qt import until

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

IDS = ExternalIds(tmdb=27205, imdb="tt1375666")
TMDB = "https://image.tmdb.org/t/p/original"
SHOTS = Path("/tmp/metarr-shots")
SHOTS.mkdir(parents=True, exist_ok=True)
#: Distinct posters before the two copies, so that the copies are below the fold.
FILLERS = 13


def bodies() -> dict[str, bytes]:
    """What the image host serves: one picture at two sizes (PNG and JPEG), others, and a web page."""
    served = {
        "copy-small.png": picture(140, 210, variant=100),
        "copy-large.jpg": picture(700, 1050, kind="JPEG", variant=100),
        "web-page.jpg": b"<!doctype html><html><body>Rate limit exceeded</body></html>",
    }
    served.update({f"filler-{n}.png": picture(140, 210, variant=n) for n in range(FILLERS)})
    return served


def posters() -> list[AssetCandidate]:
    """Best first by the rule (all in English: rating decides); the copies and the web page last."""
    found = [
        AssetCandidate(f"{TMDB}/filler-{n}.png", AssetType.POSTER, "tmdb", 1000, 1500, "en", 10, 9.0 - n / 10)
        for n in range(FILLERS)
    ]
    return [
        *found,
        AssetCandidate(f"{TMDB}/web-page.jpg", AssetType.POSTER, "tmdb", 1000, 1500, "en", 5, 3.0),
        AssetCandidate(f"{TMDB}/copy-small.png", AssetType.POSTER, "tmdb", 680, 1000, "en", 5, 2.0),
        AssetCandidate(f"{TMDB}/copy-large.jpg", AssetType.POSTER, "tmdb", 2000, 3000, "en", 4, 1.0),
    ]


class Host:
    """The image host: scripted bodies by file name, every request counted."""

    def __init__(self) -> None:
        self.bodies = bodies()
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        name = request.url.path.rsplit("/", 1)[1]
        self.requests.append(name)
        return httpx.Response(200, content=self.bodies[name], headers={"Content-Type": "image/jpeg"})


@pytest.fixture
def host() -> Host:
    return Host()


@pytest.fixture
async def hash_ctx(services: AppServices, tmp_path: Path, host: Host) -> AsyncIterator[UiContext]:
    gc.collect()  # earlier tests' garbage is collected here, not in the loader's worker thread
    loader = ImageLoader(tmp_path / "images", transport=httpx.MockTransport(host))
    try:
        yield UiContext.from_services(services, images=loader)
    finally:
        await loader.aclose()


@pytest.fixture
def movie_id(hash_ctx: UiContext) -> int:
    assert hash_ctx.library is not None and hash_ctx.suite is not None
    movie = hash_ctx.library.add("Inception", year=2010, ids=IDS)
    answer = {"tmdb": ProviderData("tmdb", {"title": "Inception"}, IDS, posters())}
    assert hash_ctx.suite.app.cache.save(EntityType.MOVIE, movie.id, IDS, answer)
    return movie.id


def name(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def test_thumbnails_hashes_group_copies_keeping_the_current_card_and_the_scroll(
    qtbot: QtBot, hash_ctx: UiContext, movie_id: int, host: Host
) -> None:
    assert hash_ctx.suite is not None and hash_ctx.images is not None
    service = hash_ctx.suite.assets
    assert all(a.perceptual_hash is None for a in service.candidates(movie_id))  # never published
    dialog = AssetBrowserDialog(hash_ctx, movie_id)
    qtbot.addWidget(dialog)
    dialog.resize(980, 640)
    dialog.show()
    await dialog.load()
    model, view = dialog.model, dialog.view
    total = FILLERS + 3
    assert model.rowCount() == total
    # The first rows' thumbnails load and are hashed; the copies, below the fold, are not yet.
    await until(lambda: hash_ctx.images.perceptual_hash(f"{TMDB}/filler-0.png") is not None)  # type: ignore[union-attr]
    assert "copy-small.png" not in host.requests

    # The user scrolls down and picks the small copy: both copies load, are hashed and grouped.
    small = next(a for a in model.assets if name(a.url) == "copy-small.png")
    large = next(a for a in model.assets if name(a.url) == "copy-large.jpg")
    dialog._make_current(small.id)
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() - 40)  # the last row in view, not quite the end
    position = bar.value()
    assert position > 0
    await until(lambda: model.rowCount() == total - 1)
    await hash_ctx.images.wait_idle(5)
    await settle()

    lead = model.row_of(large.id)  # the larger copy leads; the small one is hidden in its group
    assert lead >= 0 and model.row_of(small.id) < 0
    assert model.data(model.index(lead, 0), Role.SIMILAR) == 1
    index = model.index(lead, 0)
    similar, expanded = model.data(index, Role.SIMILAR), model.data(index, Role.EXPANDED)
    badge = presenter.similar_badge(similar, expanded)
    assert badge == "+1 similar"
    # The current card is the one the small copy joined; the grid did not jump.
    assert dialog.current_asset_id() == large.id
    assert bar.value() == min(position, bar.maximum())  # kept (unless the grid got a row shorter)
    # No extra request: one download per thumbnail shown, none for the hashes.
    assert len(host.requests) == len(set(host.requests))
    # The hashes are kept; the web page got none and shows as unavailable.
    stored = {name(a.url): a.perceptual_hash for a in service.candidates(movie_id)}
    assert stored["copy-small.png"] is not None and stored["copy-large.jpg"] is not None
    assert stored["web-page.jpg"] is None and "web-page.jpg" in host.requests
    assert hash_ctx.images.has_failed(f"{TMDB}/web-page.jpg")
    # Every candidate shown got its hash (the fillers too).
    assert all(stored[file] is not None for file in host.requests if file.startswith("filler-"))
    assert dialog.grab().save(str(SHOTS / "asset-browser-thumbnail-hashes.png"))

    # Opened again, the browser groups them at once (read from the store), asking nothing.
    before = list(host.requests)
    again = AssetBrowserDialog(hash_ctx, movie_id)
    qtbot.addWidget(again)
    again.resize(980, 640)
    await again.load()
    assert again.model.rowCount() == total - 1
    assert host.requests == before


async def test_a_thumbnail_shown_elsewhere_first_is_hashed_from_the_disk_cache(
    qtbot: QtBot, hash_ctx: UiContext, movie_id: int, host: Host
) -> None:
    """The loader is the window's: a poster shown elsewhere first (not hashed there) is hashed
    from its disk cache copy when the browser opens, without a second download."""
    images = hash_ctx.images
    assert images is not None and hash_ctx.suite is not None
    for file in ("copy-small.png", "copy-large.jpg"):
        assert await images.load(f"{TMDB}/{file}", QSize(140, 210)) is not None
    assert await images.wait_idle(5)
    assert images.perceptual_hash(f"{TMDB}/copy-small.png") is None
    dialog = AssetBrowserDialog(hash_ctx, movie_id)
    qtbot.addWidget(dialog)
    await dialog.load()
    await until(lambda: dialog.model.rowCount() == FILLERS + 2)
    assert host.requests == ["copy-small.png", "copy-large.jpg"]
    stored = {name(a.url): a.perceptual_hash for a in hash_ctx.suite.assets.candidates(movie_id)}
    assert stored["copy-small.png"] == images.perceptual_hash(f"{TMDB}/copy-small.png") is not None
    assert await images.wait_idle(5)
