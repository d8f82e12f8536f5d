"""The shared HTTP base: gate before every request, errors mapped, keys kept out of messages."""

from __future__ import annotations

import httpx
import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.providers.base import HttpProvider
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NetworkError
from metarr_desktop.providers.errors import NotFoundError
from tests.helpers.fakes import capabilities

SECRET = "s3cr3t-key-123"


class EchoProvider(HttpProvider):
    id = "echo"
    name = "Echo"
    default_base_url = "https://echo.example.test/api"
    capabilities = capabilities()

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        body = await self._get_json("search", {"q": request.query, "key": self.api_key})
        return [SearchResult(provider=self.id, external_ids=ExternalIds(tmdb=1), title=body["title"])]

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        body = await self._get_json(f"item/{request.ids.tmdb}", {"key": self.api_key})
        return ProviderData(provider=self.id, fields={"title": body["title"]})


class CountingGate:
    def __init__(self) -> None:
        self.count = 0

    async def acquire(self) -> None:
        self.count += 1


async def test_every_request_passes_the_gate_and_uses_the_base_url() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"title": "Inception"})

    gate = CountingGate()
    provider = EchoProvider(
        api_key=SECRET, base_url="http://127.0.0.1:9/echo/", transport=httpx.MockTransport(handler), gate=gate
    )
    data = await provider.get_metadata(MetadataRequest(ExternalIds(tmdb=27205)))
    await provider.search(SearchRequest("Inception"))
    await provider.aclose()
    assert data.fields == {"title": "Inception"}
    assert gate.count == 2
    assert seen[0].startswith("http://127.0.0.1:9/echo/item/27205?")


async def test_errors_are_mapped_and_never_show_the_key() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "item/1" in request.url.path:
            return httpx.Response(404, json={"status_message": "not here"})
        if "item/2" in request.url.path:
            raise httpx.ConnectError(f"cannot connect to {request.url}")
        return httpx.Response(200, content=b"<html>maintenance</html>", headers={"content-type": "text/html"})

    provider = EchoProvider(api_key=SECRET, transport=httpx.MockTransport(handler))
    with pytest.raises(NotFoundError):
        await provider.get_metadata(MetadataRequest(ExternalIds(tmdb=1)))
    with pytest.raises(NetworkError) as network:
        await provider.get_metadata(MetadataRequest(ExternalIds(tmdb=2)))
    with pytest.raises(BadResponseError, match="web page"):
        await provider.get_metadata(MetadataRequest(ExternalIds(tmdb=3)))
    await provider.aclose()
    assert SECRET not in repr(provider)
    assert "ConnectError" in network.value.message


async def test_rate_limit_status_follows_the_last_answer() -> None:
    answers = [httpx.Response(429, headers={"Retry-After": "5"}), httpx.Response(200, json={"title": "x"})]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    provider = EchoProvider(api_key=SECRET, transport=httpx.MockTransport(handler))
    with pytest.raises(Exception, match="too many requests"):
        await provider.get_metadata(MetadataRequest(ExternalIds(tmdb=5)))
    assert provider.rate_limit_status().limited
    await provider.get_metadata(MetadataRequest(ExternalIds(tmdb=5)))
    assert not provider.rate_limit_status().limited
    await provider.aclose()
