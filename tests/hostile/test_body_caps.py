"""A provider body past the cap is refused while streaming (never read whole), and an image download
that drips bytes is given up at its deadline instead of holding a download slot."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QSize

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.providers.base import MAX_BODY_BYTES
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.tmdb import TmdbProvider
from tests.helpers.sandbox import client_for
from tests.helpers.sandbox import sandbox_factory

__all__ = ["sandbox_factory"]  # a fixture

CHUNK = 1024 * 1024


class CountingStream(httpx.AsyncByteStream):
    """`total` bytes of JSON-looking data in 1 MB chunks, counting what was actually pulled."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.yielded = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.yielded < self.total:
            self.yielded += CHUNK
            yield b" " * CHUNK


@pytest.mark.parametrize("declare_length", [False, True])
async def test_a_huge_body_is_refused_without_reading_it_all(declare_length: bool) -> None:
    stream = CountingStream(200 * CHUNK)
    headers = {"content-type": "application/json"}
    if declare_length:
        headers["content-length"] = str(stream.total)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, stream=stream)

    client = TmdbProvider(api_key="k" * 32, transport=httpx.MockTransport(handler))
    with pytest.raises(BadResponseError, match="too large"):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205)))
    await client.aclose()
    assert stream.yielded <= MAX_BODY_BYTES + CHUNK


async def test_a_body_under_the_cap_is_read_and_decoded() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": 27205, "title": "Inception"})

    client = TmdbProvider(api_key="k" * 32, transport=httpx.MockTransport(handler))
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205)))
    await client.aclose()
    assert data.fields["title"] == "Inception"


class Drip(httpx.AsyncByteStream):
    """One byte every `interval` seconds, for ever."""

    def __init__(self, interval: float) -> None:
        self.interval = interval

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            await asyncio.sleep(self.interval)
            yield b"\x89"


@pytest.mark.gui
async def test_a_dripping_image_server_does_not_hold_a_slot_past_the_deadline(tmp_path: Path) -> None:
    from metarr_desktop.ui.common.images import DOWNLOAD_DEADLINE_S
    from metarr_desktop.ui.common.images import ImageLoader

    assert 0 < DOWNLOAD_DEADLINE_S <= 120
    gc.collect()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "image/png"}, stream=Drip(0.02))

    loader = ImageLoader(tmp_path / "images", transport=httpx.MockTransport(handler), max_concurrency=1)
    loader.download_deadline_s = 0.25  # a short deadline instead of a minute of dripping
    started = time.monotonic()
    try:
        pixmap = await asyncio.wait_for(loader.load("https://image.example/slow.png", QSize(10, 10)), 10)
        elapsed = time.monotonic() - started
        assert pixmap is None and loader.has_failed("https://image.example/slow.png")
        assert elapsed < 3
        # The slot is free again: the next download starts (and fails the same way) at once.
        again = await asyncio.wait_for(loader.load("https://image.example/slow2.png", QSize(10, 10)), 10)
        assert again is None
    finally:
        await loader.aclose()


async def test_the_sandbox_huge_fault_is_refused_at_the_cap(sandbox_factory: Any) -> None:
    server = sandbox_factory("demo", faults="tmdb:huge")
    client = client_for(server, TmdbProvider)
    started = time.monotonic()
    with pytest.raises(BadResponseError, match="too large"):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205)))
    await client.aclose()
    assert time.monotonic() - started < 30
