"""`ImageFetcher`: artwork bytes by URL, from the profile's image cache or downloaded through the
engine's image-host provider (counted in `bytes_downloaded`)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from metarr_desktop.core.providers import Priority
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.providers.images import MAX_IMAGE_BYTES
from metarr_desktop.providers.images import ImageHostProvider
from metarr_desktop.services.publish.files import atomic_write

log = logging.getLogger(__name__)

IMAGE_HOST = ImageHostProvider.id


def cache_name(url: str) -> str:
    """The profile image cache's file name for `url` (the same as the window's image loader)."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


class ImageFetcher:
    """Artwork bytes by URL: the profile's image cache, else a download through the engine."""

    def __init__(
        self, orchestrator: FetchOrchestrator, cache_dir: Path, *, max_bytes: int = MAX_IMAGE_BYTES
    ) -> None:
        self._orchestrator = orchestrator
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        self.bytes_downloaded = 0

    def cached(self, url: str) -> bytes | None:
        try:
            data = (self.cache_dir / cache_name(url)).read_bytes()
        except OSError:
            return None
        return data if 0 < len(data) <= self.max_bytes else None

    async def get(self, url: str, *, download: bool = True) -> bytes | None:
        """The image at `url`; None when it is not cached and `download` is False. Raises
        `ProviderError` when the download fails."""
        data = await asyncio.to_thread(self.cached, url)
        if data is not None or not download:
            return data

        def operation(provider: Any) -> Awaitable[bytes]:
            assert isinstance(provider, ImageHostProvider)
            return provider.download(url, self.max_bytes)

        data = await self._orchestrator.call(IMAGE_HOST, operation, priority=Priority.BACKGROUND)
        self.bytes_downloaded += len(data)
        return data

    def remember(self, url: str, data: bytes) -> None:
        """Keep a checked image in the cache (blocking; a cache that cannot be written is skipped)."""
        try:
            atomic_write(str(self.cache_dir / cache_name(url)), data)
        except OSError as exc:
            log.info("image cache not written: %s", exc.strerror or exc)


__all__ = ["ImageFetcher", "cache_name"]
