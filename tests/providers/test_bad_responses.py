"""Every client turns unusable answers into `BadResponseError` (or `ServerError` for 5xx), never an
escaping exception, with a readable message that never holds the key."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.providers.base import MAX_BODY_BYTES
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.providers.fanart import FanartProvider
from metarr_desktop.providers.omdb import OmdbProvider
from metarr_desktop.providers.tmdb import TmdbProvider
from metarr_desktop.providers.tvdb import TvdbProvider

SECRET = "super-secret-key-0001"
REQUEST = MetadataRequest(ids=ExternalIds(tmdb=27205, imdb="tt1375666", tvdb=5123))
HTML = b"<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>"

BAD_BODIES: dict[str, tuple[int, bytes, str]] = {
    "malformed json": (200, b'{"title": "Inception", "runtime": ', "application/json"),
    "html page": (200, HTML, "text/html; charset=utf-8"),
    "html without content type": (200, HTML, ""),
    "truncated body": (200, b'{"movie_results": [{"id": 2720', "application/json"),
    "wrong content type": (200, b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    "not an object": (200, b"[1, 2, 3]", "application/json"),
    "oversized body": (200, b'{"a": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}', "application/json"),
}

Client = Callable[[httpx.MockTransport], Any]
CLIENTS: dict[str, Client] = {
    "tmdb": lambda t: TmdbProvider(api_key=SECRET, transport=t),
    "omdb": lambda t: OmdbProvider(api_key=SECRET, transport=t),
    "tvdb": lambda t: TvdbProvider(api_key=SECRET, transport=t),
    "fanart": lambda t: FanartProvider(api_key=SECRET, transport=t),
}


def serving(status: int, body: bytes, content_type: str) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/login"):  # TheTVDB logs in first
            return httpx.Response(200, json={"status": "success", "data": {"token": "t"}})
        headers = {"content-type": content_type} if content_type else {}
        return httpx.Response(status, content=body, headers=headers)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("client_id", list(CLIENTS))
@pytest.mark.parametrize("case", list(BAD_BODIES))
async def test_unusable_answer_is_a_bad_response(client_id: str, case: str) -> None:
    status, body, content_type = BAD_BODIES[case]
    client = CLIENTS[client_id](serving(status, body, content_type))
    with pytest.raises(BadResponseError) as caught:
        await client.get_metadata(REQUEST)
    error = caught.value
    assert error.provider == client_id
    assert not error.retryable  # the provider did not say it was in trouble
    assert error.message and SECRET not in str(error) and SECRET not in error.message
    await client.aclose()


@pytest.mark.parametrize("client_id", list(CLIENTS))
async def test_html_error_page_with_5xx_is_a_retryable_server_error(client_id: str) -> None:
    client = CLIENTS[client_id](serving(502, HTML, "text/html"))
    with pytest.raises(ServerError) as caught:
        await client.get_metadata(REQUEST)
    assert caught.value.retryable and caught.value.status_code == 502


@pytest.mark.parametrize("client_id", list(CLIENTS))
async def test_malformed_5xx_body_is_retryable(client_id: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/login"):
            return httpx.Response(200, json={"status": "success", "data": {"token": "t"}})
        return httpx.Response(500, content=b'{"oops', headers={"content-type": "application/json"})

    with pytest.raises(ProviderError) as caught:
        await CLIENTS[client_id](httpx.MockTransport(handler)).get_metadata(REQUEST)
    assert caught.value.retryable


@pytest.mark.parametrize("client_id", list(CLIENTS))
async def test_answer_of_the_wrong_shape_never_escapes_as_another_exception(client_id: str) -> None:
    shapes = [{"data": "nonsense", "results": 3, "Search": {"x": 1}, "movie_results": "no"}, {"id": "x"}]
    for shape in shapes:

        def handler(request: httpx.Request, shape: Any = shape) -> httpx.Response:
            if request.url.path.endswith("/login"):
                return httpx.Response(200, json={"status": "success", "data": {"token": "t"}})
            return httpx.Response(200, json=shape)

        client = CLIENTS[client_id](httpx.MockTransport(handler))
        # An error value is fine; any other exception fails the test.
        with contextlib.suppress(ProviderError):
            await client.get_metadata(REQUEST)
