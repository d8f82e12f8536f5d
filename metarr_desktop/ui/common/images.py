"""Images by URL for the window: posters, fanart and asset thumbnails.

Three tiers, tried in order: a bounded memory cache of scaled pixmaps (keyed by url and box size,
least recently used evicted past ~64 MB), a disk cache under the profile (``<cache_dir>/<sha1 of
url>``, written atomically through a temporary file and ``os.replace``), and the network (an
`httpx.AsyncClient`: the transport is the test seam; redirects followed, downloads capped at 20 MB,
at most `max_concurrency` at once, one download per url however many sizes or views ask for it).

Decoding and scaling run in a worker thread (`asyncio.to_thread`): a `QImage` may be built off the
Qt thread, a `QPixmap` only on it, so the pixmap is made from the decoded image back on the loop.

The perceptual hash of an image (`services.imaging.perceptual_hash`, a dHash: size-invariant, so a
thumbnail's hash groups copies of one picture like the full image's) is computed for the urls a view
asks it for (`want_hash`: the asset browser does; posters elsewhere are not hashed), once per url,
from the bytes already fetched (or the disk cache's copy when the image was loaded before), in a
worker thread after the pixmap is shown, and announced by `hashed`; bytes it cannot hash
(truncated, too large, not an image) give no hash and no message.

Failures are environment errors, never exceptions for the caller: a 404, a network error or bytes
that are not an image are logged, answered with None and `failed`, and the url is remembered for the
session so a view repainting does not request it again in a loop. A cached file that no longer
decodes is deleted and fetched again; a disk cache that cannot be written (full disk, read-only
folder) is logged once and the image is still shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sys
import uuid
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from typing import TypeVar

import httpx
from PySide6.QtCore import QBuffer
from PySide6.QtCore import QByteArray
from PySide6.QtCore import QIODevice
from PySide6.QtCore import QObject
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtGui import QImageReader
from PySide6.QtGui import QPixmap

from metarr_desktop import __version__
from metarr_desktop.providers.tls import shared_ssl_context
from metarr_desktop.services.imaging import perceptual_hash

log = logging.getLogger(__name__)

#: The largest download accepted (bytes); anything bigger is treated as a failure.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
#: The memory cache's budget (bytes of decoded pixels, 4 per pixel).
MEMORY_BUDGET_BYTES = 64 * 1024 * 1024
#: Connect, read, write and pool timeouts of one download (seconds).
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
#: The longest one download may take from start to last byte (seconds): a server dripping bytes
#: never holds a download slot for longer.
DOWNLOAD_DEADLINE_S = 60.0
#: Images of more pixels than this get no perceptual hash (decoding them again costs too much).
MAX_HASH_PIXELS = 40_000_000
#: How long `aclose` waits for cancelled downloads to end (seconds).
CLOSE_TIMEOUT_S = 2.0
USER_AGENT = f"MetarrDesktop/{__version__} (image loader)"

_Key = tuple[str, int, int]
T = TypeVar("T")


def cache_name(url: str) -> str:
    """The disk cache's file name for `url`."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def decode_scaled(data: bytes, width: int, height: int) -> QImage | None:
    """`data` decoded and, when larger, scaled to fit `width` x `height` keeping its aspect ratio
    (a non-positive box keeps the full size); None when the bytes are not a readable image.

    Safe in a worker thread: only QImage, QBuffer and QImageReader are used.
    """
    array = QByteArray(data)
    buffer = QBuffer(array)
    if not buffer.open(QIODevice.OpenModeFlag.ReadOnly):
        return None
    try:
        reader = QImageReader(buffer)
        reader.setAutoTransform(True)
        full = reader.size()
        larger = full.isValid() and (full.width() > width or full.height() > height)
        if width > 0 and height > 0 and larger:
            # JPEG decodes straight at the smaller size; other formats scale after decoding.
            reader.setScaledSize(full.scaled(width, height, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
    finally:
        buffer.close()
    if image.isNull():
        return None
    if width > 0 and height > 0 and (image.width() > width or image.height() > height):
        image = image.scaled(
            width, height, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image


class ImageLoader(QObject):
    """Loads, caches and scales images by URL.

    Attributes:
        cache_dir: the disk cache folder (created when the first image is written).
        max_download_bytes: downloads larger than this fail (default 20 MB).
        download_deadline_s: a download not finished in this many seconds fails (default 60).
        memory_budget: bytes of pixels the memory cache keeps (default 64 MB).
        max_hash_pixels: larger images get no perceptual hash (default 40 million pixels).

    Signals:
        loaded(str): the image at this URL is now in the memory cache (`cached` answers it).
        failed(str): the image at this URL could not be loaded (it is not asked for again).
        hashed(str, str): the perceptual hash (16 hex digits) of the image at this URL (one asked
            for with `want_hash`), once per url and session (`perceptual_hash` answers it later).
    """

    loaded = Signal(str)
    failed = Signal(str)
    hashed = Signal(str, str)

    def __init__(
        self,
        cache_dir: Path,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_concurrency: int = 6,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache_dir = Path(cache_dir)
        self.max_download_bytes = MAX_DOWNLOAD_BYTES
        self.download_deadline_s = DOWNLOAD_DEADLINE_S
        self.memory_budget = MEMORY_BUDGET_BYTES
        self.max_hash_pixels = MAX_HASH_PIXELS
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=shared_ssl_context(),
            timeout=TIMEOUT,
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, "Accept": "image/*"},
        )
        self._semaphore = asyncio.Semaphore(max(1, max_concurrency))
        self._memory: OrderedDict[_Key, QPixmap] = OrderedDict()
        self._memory_bytes = 0
        self._failed: set[str] = set()
        #: The urls whose perceptual hash a view wants.
        self._hash_wanted: set[str] = set()
        #: url -> perceptual hash ("" while it is computed or when the bytes gave none).
        self._hashes: dict[str, str] = {}
        self._pending: dict[_Key, asyncio.Task[QPixmap | None]] = {}
        self._reading: dict[str, asyncio.Task[tuple[bytes | None, bool]]] = {}
        self._downloading: dict[str, asyncio.Task[bytes | None]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._disk_warned = False
        self._closed = False

    # ---------------------------------------------------------------------------------------------
    # Public interface
    # ---------------------------------------------------------------------------------------------

    def cached(self, url: str, size: QSize) -> QPixmap | None:
        """The image scaled to fit `size`, if it is in memory now (never blocks)."""
        key = (url, size.width(), size.height())
        pixmap = self._memory.get(key)
        if pixmap is not None:
            self._memory.move_to_end(key)
        return pixmap

    def request(self, url: str, size: QSize) -> None:
        """Start loading in the background (once per url and size); `loaded` or `failed` follows.

        Nothing happens for an image already in memory, already being loaded, or whose url failed
        earlier in the session (`has_failed` tells a view to show its "unavailable" state).
        """
        key = (url, size.width(), size.height())
        if self._closed or key in self._memory or key in self._pending or url in self._failed:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop running (a paint while shutting down): the next paint asks again
        self._spawn(self.load(url, size))

    async def load(self, url: str, size: QSize) -> QPixmap | None:
        """The image scaled to fit `size`: from memory, the disk cache or the network; None on failure."""
        key = (url, size.width(), size.height())
        pixmap = self.cached(url, size)
        if pixmap is not None:
            return pixmap
        if self._closed or url in self._failed:
            return None
        task = self._pending.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._produce(key))
            self._pending[key] = task
            task.add_done_callback(lambda _done: self._pending.pop(key, None))
        try:
            # Shielded: one caller giving up does not cancel the load others are waiting for.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            return None  # the loader was closed while this image was loading

    async def wait_idle(self, timeout: float) -> bool:  # noqa: ASYNC109 (a bounded wait by design)
        """Wait until no image is loading, at most `timeout` seconds; True when idle (screenshots)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while tasks := {*self._pending.values(), *self._background}:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            await asyncio.wait(tasks, timeout=remaining)
        return True

    def perceptual_hash(self, url: str) -> str | None:
        """The perceptual hash of the image at `url` if it was loaded and hashed in this session."""
        return self._hashes.get(url) or None

    def want_hash(self, url: str) -> None:
        """Compute the perceptual hash of the image at `url` when its bytes are at hand: when it
        loads, or now from the disk cache when it was loaded already (no download either way);
        `hashed` follows. Nothing happens for a url hashed (or tried) before."""
        if self._closed or url in self._hashes:
            return
        self._hash_wanted.add(url)
        if any(key[0] == url for key in self._memory) and not any(k[0] == url for k in self._pending):
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return
            self._hashes[url] = ""
            self._spawn(self._hash_cached(url))

    def has_failed(self, url: str) -> bool:
        """Whether `url` failed to load in this session (it will not be requested again)."""
        return url in self._failed

    async def aclose(self) -> None:
        """Cancel pending downloads and close the HTTP client."""
        self._closed = True
        tasks = [
            *self._background,
            *self._pending.values(),
            *self._reading.values(),
            *self._downloading.values(),
        ]
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: shutting down must not hang on a task that cannot finish.
            await asyncio.wait(tasks, timeout=CLOSE_TIMEOUT_S)
        await self._client.aclose()

    # ---------------------------------------------------------------------------------------------
    # Steps
    # ---------------------------------------------------------------------------------------------

    def _background_done(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            sys.excepthook(type(error), error, error.__traceback__)

    async def _produce(self, key: _Key) -> QPixmap | None:
        url, width, height = key
        data, from_disk = await self._shared(self._reading, url, lambda: self._read_or_download(url))
        image = await asyncio.to_thread(decode_scaled, data, width, height) if data else None
        if image is None and from_disk:
            log.info("image cache: %s no longer decodes; fetching it again", url)
            self._remove_cached(url)
            data = await self._shared(self._downloading, url, lambda: self._download(url))
            image = await asyncio.to_thread(decode_scaled, data, width, height) if data else None
        if image is None:
            if data:
                log.info("image %s: the answer is not an image", url)
            self._failed.add(url)
            self.failed.emit(url)
            return None
        pixmap = QPixmap.fromImage(image)
        self._remember(key, pixmap)
        self.loaded.emit(url)
        if url in self._hash_wanted and url not in self._hashes and data:
            self._hashes[url] = ""  # once per url, whatever the sizes asked for
            self._spawn(self._hash(url, data))
        return pixmap

    async def _hash(self, url: str, data: bytes) -> None:
        """Compute the perceptual hash of `data` in a worker thread and announce it."""
        value = await asyncio.to_thread(perceptual_hash, data, self.max_hash_pixels)
        if value is not None and not self._closed:
            self._hashes[url] = value
            self.hashed.emit(url, value)

    async def _hash_cached(self, url: str) -> None:
        """Hash the disk cache's copy of an image already shown (none when it could not be kept)."""
        try:
            data = await asyncio.to_thread((self.cache_dir / cache_name(url)).read_bytes)
        except OSError:
            self._hashes.pop(url, None)  # the next load of its bytes hashes it
            return
        await self._hash(url, data)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    @staticmethod
    async def _shared(
        running: dict[str, asyncio.Task[T]], url: str, work: Callable[[], Coroutine[Any, Any, T]]
    ) -> T:
        """Await the one task doing `work()` for `url` (started now unless one already runs)."""
        task = running.get(url)
        if task is None:
            task = asyncio.get_running_loop().create_task(work())
            running[url] = task
            task.add_done_callback(lambda _done: running.pop(url, None))
        return await asyncio.shield(task)

    async def _read_or_download(self, url: str) -> tuple[bytes | None, bool]:
        """(bytes, True) from the disk cache, else (bytes or None, False) from the network."""
        path = self.cache_dir / cache_name(url)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError:
            data = b""
        if data:
            return data, True
        return await self._shared(self._downloading, url, lambda: self._download(url)), False

    async def _download(self, url: str) -> bytes | None:
        """The body of a 200 answer (at most `max_download_bytes`), written to the disk cache."""
        async with self._semaphore:
            try:
                async with (
                    asyncio.timeout(self.download_deadline_s),
                    self._client.stream("GET", url) as response,
                ):
                    if response.status_code != 200:
                        log.info("image %s: HTTP %s", url, response.status_code)
                        return None
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > self.max_download_bytes:
                        log.info("image %s: too large (%s bytes)", url, declared)
                        return None
                    chunks: list[bytes] = []
                    total = 0
                    async for chunk in response.aiter_bytes():
                        total += len(chunk)
                        if total > self.max_download_bytes:
                            log.info("image %s: larger than %d bytes", url, self.max_download_bytes)
                            return None
                        chunks.append(chunk)
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                log.info("image %s: %s", url, exc or type(exc).__name__)
                return None
            except TimeoutError:
                log.info("image %s: not complete after %.0f s", url, self.download_deadline_s)
                return None
        data = b"".join(chunks)
        if data:
            await asyncio.to_thread(self._write_cached, url, data)
        return data or None

    def _write_cached(self, url: str, data: bytes) -> None:
        """Write `data` to the disk cache atomically (worker thread); a failure is logged once."""
        target = self.cache_dir / cache_name(url)
        temporary = self.cache_dir / f".{target.name}.{uuid.uuid4().hex}.tmp"
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            temporary.replace(target)  # atomic (os.replace)
        except OSError as exc:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            if not self._disk_warned:
                self._disk_warned = True
                reason = exc.strerror or str(exc)
                log.warning(
                    "image cache %s cannot be written (%s); images stay in memory", self.cache_dir, reason
                )

    def _remove_cached(self, url: str) -> None:
        with contextlib.suppress(OSError):
            (self.cache_dir / cache_name(url)).unlink(missing_ok=True)

    def _remember(self, key: _Key, pixmap: QPixmap) -> None:
        previous = self._memory.pop(key, None)
        if previous is not None:
            self._memory_bytes -= _cost(previous)
        self._memory[key] = pixmap
        self._memory_bytes += _cost(pixmap)
        while self._memory_bytes > self.memory_budget and len(self._memory) > 1:
            _, evicted = self._memory.popitem(last=False)
            self._memory_bytes -= _cost(evicted)

    @property
    def memory_bytes(self) -> int:
        """Bytes of pixels in the memory cache now."""
        return self._memory_bytes


def _cost(pixmap: QPixmap) -> int:
    return max(1, pixmap.width() * pixmap.height() * 4)
