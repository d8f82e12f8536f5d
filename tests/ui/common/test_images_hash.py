"""The image loader's perceptual hashes: computed for the urls a view asks for, once per url, from
the bytes it already fetched (no second request), announced after the image is shown, and simply
absent for bytes that are not a whole, reasonable image (no exception, no message)."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QSize

from metarr_desktop.services.imaging import perceptual_hash
from metarr_desktop.ui.common import images as images_module
from metarr_desktop.ui.common.images import ImageLoader
from tests.helpers.pictures import distance
from tests.helpers.pictures import picture

pytestmark = pytest.mark.gui

HOST = "https://image.tmdb.org/t/p/original"
BOX = QSize(100, 150)


class Host:
    """A MockTransport handler serving scripted bodies by path, every request counted."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path.rsplit("/", 1)[1])
        body = self.bodies[request.url.path.rsplit("/", 1)[1]]
        return httpx.Response(200, content=body, headers={"Content-Type": "image/png"})


@pytest.fixture
async def loader_of(tmp_path: Path) -> AsyncIterator[dict[str, object]]:
    gc.collect()  # earlier tests' garbage is collected here, not in the loader's worker thread
    made: dict[str, object] = {}
    yield made
    loader = made.get("loader")
    if isinstance(loader, ImageLoader):
        await loader.aclose()


def make(made: dict[str, object], tmp_path: Path, bodies: dict[str, bytes]) -> tuple[ImageLoader, Host]:
    host = Host(bodies)
    loader = ImageLoader(tmp_path / "images", transport=httpx.MockTransport(host))
    made["loader"] = loader
    return loader, host


async def test_hashes_come_from_the_bytes_already_fetched(
    loader_of: dict[str, object], tmp_path: Path
) -> None:
    bodies = {
        "small.png": picture(120, 180),
        "large.jpg": picture(1200, 1800, kind="JPEG"),
        "other.png": picture(120, 180, variant=1),
    }
    loader, host = make(loader_of, tmp_path, bodies)
    hashed: list[tuple[str, str]] = []
    loader.hashed.connect(lambda url, value: hashed.append((url, value)))
    for name in bodies:
        loader.want_hash(f"{HOST}/{name}")
        loader.request(f"{HOST}/{name}", BOX)
    loader.request(f"{HOST}/small.png", QSize(40, 60))  # another size: still one hash
    assert await loader.wait_idle(10)

    assert sorted(host.requests) == sorted(bodies)  # one download each, none for the hash
    by_name = {url.rsplit("/", 1)[1]: value for url, value in hashed}
    assert len(hashed) == 3 and set(by_name) == set(bodies)
    assert distance(by_name["small.png"], by_name["large.jpg"]) <= 4
    assert distance(by_name["small.png"], by_name["other.png"]) > 4
    assert loader.perceptual_hash(f"{HOST}/large.jpg") == by_name["large.jpg"]
    assert loader.perceptual_hash(f"{HOST}/unknown.png") is None
    # Loaded again (memory, then the next session's disk cache): no new download, no new hash.
    assert await loader.load(f"{HOST}/small.png", BOX) is not None
    loader.want_hash(f"{HOST}/small.png")
    assert await loader.wait_idle(5) and len(hashed) == 3


async def test_only_the_urls_a_view_wants_are_hashed(loader_of: dict[str, object], tmp_path: Path) -> None:
    loader, host = make(loader_of, tmp_path, {"poster.png": picture(120, 180), "late.png": picture(90, 135)})
    hashed: list[str] = []
    loader.hashed.connect(lambda url, _value: hashed.append(url.rsplit("/", 1)[1]))
    # Posters shown elsewhere (the library grid) are not hashed.
    assert await loader.load(f"{HOST}/poster.png", BOX) is not None
    assert await loader.load(f"{HOST}/late.png", BOX) is not None
    assert await loader.wait_idle(5) and hashed == []
    # Asked for later, a hash comes from the disk cache's copy: no second download.
    loader.want_hash(f"{HOST}/late.png")
    assert await loader.wait_idle(5)
    assert hashed == ["late.png"] and host.requests == ["poster.png", "late.png"]
    assert loader.perceptual_hash(f"{HOST}/late.png") is not None
    assert loader.perceptual_hash(f"{HOST}/poster.png") is None


def truncated(kind: str) -> bytes:
    """A PNG or JPEG cut short inside its pixel data (Qt may still show what arrived)."""
    data = picture(300, 450, kind=kind)
    return data[: len(data) * 3 // 4]


@pytest.mark.parametrize(
    ("body", "max_pixels", "shown"),
    [
        (b"<!doctype html><html><body>Too many requests</body></html>", None, False),
        (truncated("PNG"), None, None),  # Qt may show what arrived; no hash either way
        # Qt's JPEG reader says so itself (once, while decoding the thumbnail): not the hash's doing.
        pytest.param(truncated("JPEG"), None, None, marks=pytest.mark.qt_log_ignore("Corrupt JPEG data")),
        (picture(400, 600), 400 * 600 - 1, True),  # shown, but too large to decode again
    ],
    ids=["html", "truncated-png", "truncated-jpeg", "oversized"],
)
async def test_bytes_it_cannot_hash_give_no_hash_and_no_message(
    loader_of: dict[str, object],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    max_pixels: int | None,
    shown: bool | None,
) -> None:
    loader, host = make(loader_of, tmp_path, {"bad.png": body, "good.png": picture(120, 180)})
    if max_pixels is not None:
        loader.max_hash_pixels = max_pixels
    hashed: list[str] = []
    loader.hashed.connect(lambda url, _value: hashed.append(url.rsplit("/", 1)[1]))
    with caplog.at_level(logging.DEBUG, logger="metarr_desktop"):
        loader.want_hash(f"{HOST}/bad.png")
        pixmap = await loader.load(f"{HOST}/bad.png", BOX)
        assert await loader.wait_idle(10)
    if shown is not None:
        assert (pixmap is not None) is shown
    assert hashed == [] and loader.perceptual_hash(f"{HOST}/bad.png") is None
    # At most the loader's one line about an answer that is not an image; nothing about hashing.
    ours = [r for r in caplog.records if r.name.startswith("metarr_desktop")]
    assert len(ours) <= 1 and not [r for r in ours if r.levelno >= logging.WARNING]
    # The next image is hashed as usual.
    loader.want_hash(f"{HOST}/good.png")
    assert await loader.load(f"{HOST}/good.png", BOX) is not None
    assert await loader.wait_idle(10)
    assert hashed == ["good.png"] and host.requests == ["bad.png", "good.png"]


async def test_the_hash_is_computed_off_the_qt_thread(
    loader_of: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[threading.Thread] = []

    def recording(data: bytes, max_pixels: int) -> str | None:
        threads.append(threading.current_thread())
        return perceptual_hash(data, max_pixels)

    monkeypatch.setattr(images_module, "perceptual_hash", recording)
    loader, _host = make(loader_of, tmp_path, {"good.png": picture(120, 180)})
    loader.want_hash(f"{HOST}/good.png")
    assert await loader.load(f"{HOST}/good.png", BOX) is not None
    assert await loader.wait_idle(5)
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    assert loader.perceptual_hash(f"{HOST}/good.png") is not None
