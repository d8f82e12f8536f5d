"""Images by URL for the window: posters, fanart and asset thumbnails.

INTERFACE ONLY (being implemented): fetched asynchronously through httpx (the transport is the test
seam), cached on disk under the profile (``<cache_dir>/<sha1 of url>``), decoded and scaled off the Qt
thread (QImage in a worker thread; QPixmap made on the Qt thread), and kept in a bounded memory cache.
A failed download is logged and answered with None; it is never retried in a loop.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QPixmap


class ImageLoader(QObject):
    """Signals:
    loaded(str): the image at this URL is now in the memory cache (`cached` answers it).
    failed(str): the image at this URL could not be loaded.
    """

    loaded = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        cache_dir: Path,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_concurrency: int = 6,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir

    def cached(self, url: str, size: QSize) -> QPixmap | None:
        """The image scaled to fit `size`, if it is in memory now (never blocks)."""
        raise NotImplementedError

    def request(self, url: str, size: QSize) -> None:
        """Start loading in the background (once per url and size); `loaded` or `failed` follows."""
        raise NotImplementedError

    async def load(self, url: str, size: QSize) -> QPixmap | None:
        """The image scaled to fit `size`: from memory, the disk cache or the network; None on failure."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Cancel pending downloads and close the HTTP client."""
        raise NotImplementedError
