"""Fixtures of the window tests: real application services over a temporary profile, providers
answered by an `httpx.MockTransport`, simulated time for the engine, and an in-memory keyring."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.services.context import AppServices
from metarr_desktop.ui.context import UiContext
from tests.helpers.fake_keyring import MemoryKeyring

HOSTS = {
    "api.themoviedb.org": "tmdb",
    "www.omdbapi.com": "omdb",
    "api4.thetvdb.com": "tvdb",
    "webservice.fanart.tv": "fanart",
}
GOOD_KEYS = {
    "tmdb": "good-tmdb-key",
    "omdb": "good-omdb-key",
    "tvdb": "good-tvdb-key",
    "fanart": "good-fanart-key",
}


class ProviderApi:
    """Answers every provider's requests: 401 for a wrong key, a connection error when "down",
    otherwise an empty but well-formed answer.

    Attributes:
        down: providers whose host refuses connections.
        requests: every request seen, as (provider id, path).
    """

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.requests: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        provider = HOSTS.get(request.url.host or "", "other")
        self.requests.append((provider, request.url.path))
        if provider in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        params = request.url.params
        key = params.get("api_key") or params.get("apikey") or request.headers.get("authorization", "")
        if provider not in GOOD_KEYS or GOOD_KEYS[provider] not in key:
            return httpx.Response(
                401, json={"status_message": "Invalid API key: You must be granted a valid key."}
            )
        return httpx.Response(200, json={"page": 1, "results": [], "total_results": 0})


@pytest.fixture
def api() -> ProviderApi:
    return ProviderApi()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def profile_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
async def services(profile_dir: Path, api: ProviderApi, clock: VirtualClock) -> AsyncIterator[AppServices]:
    opened = AppServices.open(
        profile_dir, clock=clock, transport=httpx.MockTransport(api), keyring_backend=MemoryKeyring()
    )
    try:
        yield opened
    finally:
        await opened.aclose()


@pytest.fixture
def ctx(services: AppServices) -> Iterator[UiContext]:
    yield UiContext.from_services(services)


@pytest.fixture(autouse=True)
def _keep_the_loop_when_a_window_closes(qapp: Any) -> Iterator[None]:
    """As in the app (``setQuitOnLastWindowClosed(False)``): closing a test's last window must not
    quit the application, which would stop the qasync loop the async tests run on."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)
