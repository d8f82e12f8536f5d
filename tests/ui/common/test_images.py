"""The image loader: memory, disk and network tiers, one download per url, a bounded number at once,
failures answered with None and `failed` (and not retried), a corrupt or unwritable disk cache, and
closing while downloads hang."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QBuffer
from PySide6.QtCore import QByteArray
from PySide6.QtCore import QIODevice
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtGui import QImage

from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.images import cache_name
from metarr_desktop.ui.common.images import decode_scaled
from tests.helpers.qt import arm_signal
from tests.helpers.qt import until

pytestmark = pytest.mark.gui

URL = "https://image.tmdb.org/t/p/original/poster.jpg"
BOX = QSize(100, 150)
MakeLoader = Callable[..., ImageLoader]


def png(width: int = 200, height: int = 300, colour: str = "#3366aa") -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 stubs miss QIODevice
    buffer.close()
    return bytes(array.data())


class Images:
    """A MockTransport handler serving `png()` for any path, with scripted answers per url.

    Attributes:
        requests: every url requested, in order.
        answers: url -> a response, or an exception to raise.
        gate: when set, every request waits for it (to hold downloads in flight).
        in_flight / most_in_flight: downloads running now / at most at once.
    """

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.answers: dict[str, httpx.Response | Exception] = {}
        self.gate: asyncio.Event | None = None
        self.in_flight = 0
        self.most_in_flight = 0
        self.cancelled = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requests.append(url)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.gate is not None:
                await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1
        answer = self.answers.get(url)
        if isinstance(answer, Exception):
            raise answer
        if answer is not None:
            return answer
        return httpx.Response(200, content=png(), headers={"Content-Type": "image/png"})


@pytest.fixture
def images() -> Images:
    return Images()


@pytest.fixture
async def make_loader(tmp_path: Path, images: Images) -> AsyncIterator[MakeLoader]:
    # Garbage left by earlier tests (their qasync loops' timers) must be collected here, on the Qt
    # thread: a collection triggered in the decoding worker would destroy those QObjects there.
    gc.collect()
    made: list[ImageLoader] = []

    def make(
        cache_dir: Path | None = None, handler: Callable[..., object] | None = None, **options: object
    ) -> ImageLoader:
        transport = httpx.MockTransport(handler or images)  # type: ignore[arg-type]
        loader = ImageLoader(cache_dir or tmp_path / "images", transport=transport, **options)  # type: ignore[arg-type]
        made.append(loader)
        return loader

    yield make
    for loader in made:
        await loader.aclose()


async def test_network_then_disk_then_memory(make_loader: MakeLoader, images: Images, tmp_path: Path) -> None:
    loader = make_loader()
    assert loader.cached(URL, BOX) is None
    loaded = arm_signal(loader.loaded)

    pixmap = await loader.load(URL, BOX)

    assert pixmap is not None and (pixmap.width(), pixmap.height()) == (100, 150)  # scaled to fit
    assert await asyncio.wait_for(loaded, 1) == (URL,)
    assert images.requests == [URL]
    cached_file = tmp_path / "images" / cache_name(URL)
    assert cached_file.read_bytes() == png()
    assert not [p for p in cached_file.parent.iterdir() if p.name.endswith(".tmp")]
    # Memory: answered without a read, even with the disk copy gone.
    cached_file.unlink()
    assert loader.cached(URL, BOX) is pixmap
    assert await loader.load(URL, BOX) is pixmap
    # Another size of the same image comes from the disk cache (restored here), not the network.
    cached_file.write_bytes(png())
    small = await loader.load(URL, QSize(50, 50))
    assert small is not None and (small.width(), small.height()) == (33, 50)
    assert images.requests == [URL]

    # A new loader (the next session) reads the disk cache and asks the network nothing.
    offline = make_loader(handler=lambda request: httpx.Response(500))
    again = await offline.load(URL, BOX)
    assert again is not None and again.width() == 100


async def test_small_images_are_not_enlarged(make_loader: MakeLoader, images: Images) -> None:
    images.answers[URL] = httpx.Response(200, content=png(40, 60))
    pixmap = await make_loader().load(URL, QSize(400, 600))
    assert pixmap is not None and (pixmap.width(), pixmap.height()) == (40, 60)


async def test_one_download_per_url_whatever_the_sizes(make_loader: MakeLoader, images: Images) -> None:
    loader = make_loader()
    images.gate = asyncio.Event()
    first = asyncio.ensure_future(loader.load(URL, BOX))
    second = asyncio.ensure_future(loader.load(URL, QSize(40, 40)))
    loader.request(URL, BOX)
    loader.request(URL, BOX)
    await until(lambda: images.in_flight == 1)
    images.gate.set()
    one, two = await asyncio.gather(first, second)
    assert one is not None and two is not None
    assert images.requests == [URL]
    await until(lambda: loader.cached(URL, QSize(40, 40)) is not None)


async def test_request_emits_loaded_and_fills_the_memory_cache(
    make_loader: MakeLoader, images: Images
) -> None:
    loader = make_loader()
    loaded = arm_signal(loader.loaded)
    loader.request(URL, BOX)
    assert await asyncio.wait_for(loaded, 5) == (URL,)
    assert loader.cached(URL, BOX) is not None
    loader.request(URL, BOX)  # already in memory: nothing to do
    await asyncio.sleep(0)
    assert images.requests == [URL]


async def test_downloads_are_bounded(make_loader: MakeLoader, images: Images) -> None:
    loader = make_loader(max_concurrency=2)
    images.gate = asyncio.Event()
    urls = [f"https://assets.fanart.tv/fanart/{n}.png" for n in range(6)]
    tasks = [asyncio.ensure_future(loader.load(url, BOX)) for url in urls]
    await until(lambda: images.in_flight == 2)
    for _ in range(5):
        await asyncio.sleep(0.01)
    assert images.in_flight == 2 and len(images.requests) == 2
    images.gate.set()
    results = await asyncio.gather(*tasks)
    assert all(result is not None for result in results)
    assert images.most_in_flight == 2 and sorted(images.requests) == sorted(urls)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(404, json={"status_message": "not found"}),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("timed out"),
        httpx.Response(200, content=b"<html>not an image</html>", headers={"Content-Type": "text/html"}),
        httpx.Response(200, content=b""),
    ],
    ids=["404", "network-error", "timeout", "not-an-image", "empty"],
)
async def test_a_failure_is_none_and_failed_once(
    make_loader: MakeLoader, images: Images, answer: httpx.Response | Exception
) -> None:
    loader = make_loader()
    images.answers[URL] = answer
    failed = arm_signal(loader.failed)

    assert await loader.load(URL, BOX) is None

    assert await asyncio.wait_for(failed, 1) == (URL,)
    assert loader.has_failed(URL) and loader.cached(URL, BOX) is None
    # Remembered for the session: neither load nor request asks again.
    assert await loader.load(URL, QSize(10, 10)) is None
    loader.request(URL, BOX)
    await asyncio.sleep(0.01)
    assert images.requests == [URL]
    # Other urls are unaffected.
    assert await loader.load(URL + "?other", BOX) is not None


async def test_downloads_over_the_size_cap_fail(make_loader: MakeLoader, images: Images) -> None:
    loader = make_loader()
    loader.max_download_bytes = 1000
    images.answers[URL] = httpx.Response(200, content=png(600, 600, "#000000") + b"\0" * 2000)
    assert await loader.load(URL, BOX) is None
    assert loader.has_failed(URL)


async def test_redirects_are_followed(make_loader: MakeLoader, images: Images) -> None:
    moved = "https://image.tmdb.org/t/p/original/moved.jpg"
    images.answers[URL] = httpx.Response(302, headers={"Location": moved})
    assert await make_loader().load(URL, BOX) is not None
    assert images.requests == [URL, moved]


async def test_a_corrupt_cached_file_is_replaced(
    make_loader: MakeLoader, images: Images, tmp_path: Path
) -> None:
    cache = tmp_path / "images"
    cache.mkdir()
    (cache / cache_name(URL)).write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    pixmap = await make_loader().load(URL, BOX)
    assert pixmap is not None
    assert images.requests == [URL]
    assert (cache / cache_name(URL)).read_bytes() == png()


async def test_an_unwritable_cache_is_logged_once_and_images_still_show(
    make_loader: MakeLoader, images: Images, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    loader = make_loader(cache_dir=blocker / "images")
    with caplog.at_level(logging.WARNING, logger="metarr_desktop.ui.common.images"):
        first = await loader.load(URL, BOX)
        second = await loader.load(URL + "?2", BOX)
    assert first is not None and second is not None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "cannot be written" in warnings[0].getMessage()


async def test_the_memory_cache_is_bounded(make_loader: MakeLoader, images: Images) -> None:
    loader = make_loader()
    loader.memory_budget = 100 * 150 * 4 * 2  # two thumbnails
    urls = [f"{URL}?n={n}" for n in range(3)]
    for url in urls:
        assert await loader.load(url, BOX) is not None
    assert loader.cached(urls[0], BOX) is None  # the least recently used went first
    assert loader.cached(urls[1], BOX) is not None and loader.cached(urls[2], BOX) is not None
    assert loader.memory_bytes <= loader.memory_budget
    # Evicted from memory, still on disk: no new download.
    assert await loader.load(urls[0], BOX) is not None
    assert len(images.requests) == 3


async def test_aclose_cancels_hanging_downloads(make_loader: MakeLoader, images: Images) -> None:
    loader = make_loader()
    images.gate = asyncio.Event()  # never set: the server hangs
    waiting = asyncio.ensure_future(loader.load(URL, BOX))
    loader.request(URL + "?2", BOX)
    await until(lambda: images.in_flight == 2)

    await asyncio.wait_for(loader.aclose(), 2)

    assert await asyncio.wait_for(waiting, 1) is None
    assert images.cancelled == 2 and images.in_flight == 0
    assert await loader.load(URL + "?3", BOX) is None  # closed: no new work
    loader.request(URL + "?4", BOX)
    assert len(images.requests) == 2


def test_request_without_a_running_loop_does_nothing(tmp_path: Path) -> None:
    loader = ImageLoader(tmp_path, transport=httpx.MockTransport(lambda request: httpx.Response(500)))
    loader.request(URL, BOX)  # e.g. a view painted while the application shuts down
    assert loader.cached(URL, BOX) is None and not loader.has_failed(URL)


def test_decode_scaled_rejects_garbage_and_keeps_aspect_ratio() -> None:
    assert decode_scaled(b"garbage", 10, 10) is None
    image = decode_scaled(png(400, 100), 100, 100)
    assert image is not None and (image.width(), image.height()) == (100, 25)
    full = decode_scaled(png(400, 100), 0, 0)
    assert full is not None and full.width() == 400
