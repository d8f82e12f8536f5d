"""A timed-out request is really cancelled: the server sees its connection closed.

This one runs on real time against a real loopback server, because the network behaviour itself is
what is under test (a short budget, so the test takes a fraction of a second).
"""

from __future__ import annotations

import asyncio

from metarr_desktop.core.clock import SystemClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.engine.runtime import ProviderSettings
from metarr_desktop.providers.base import HttpProvider
from tests.helpers.fakes import capabilities


class SilentServer:
    """Accepts HTTP requests and never answers; records when a client hangs up."""

    def __init__(self) -> None:
        self.requests = 0
        self.disconnected = asyncio.Event()
        self.server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        self.requests += 1
        if await reader.read(1) == b"":  # blocks until the client closes the connection
            self.disconnected.set()
        writer.close()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()


class SlowClient(HttpProvider):
    id = "slow"
    name = "Slow"
    default_base_url = "http://127.0.0.1:1"
    capabilities = capabilities()

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        return []

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        body = await self._get_json(f"movie/{request.ids.tmdb}")
        return ProviderData(provider=self.id, fields=dict(body))


async def test_timeout_closes_the_http_connection() -> None:
    server = SilentServer()
    port = await server.start()
    pool = ProviderPool(SystemClock())
    client = SlowClient(base_url=f"http://127.0.0.1:{port}")
    pool.add(client, ProviderSettings(user_timeout_s=0.3))
    orchestrator = FetchOrchestrator(pool)
    try:
        results = await orchestrator.fetch_all(MetadataRequest(ExternalIds(tmdb=1)))
        assert results.timed_out == ["slow"]
        await asyncio.wait_for(server.disconnected.wait(), timeout=5)
        assert server.requests == 1
    finally:
        await pool.aclose()
        await server.stop()
