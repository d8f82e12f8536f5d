"""What the app needs to point a profile at a running sandbox: the demo keys and the base URLs.

The sandbox accepts exactly these keys (a wrong key gets each service's real 401 answer). TMDB also
accepts `TMDB_DEMO_BEARER` as a v4 read access token (``Authorization: Bearer``). `start_demo` runs
a sandbox in-process and points a (temporary) profile at it: the window's ``--demo`` mode.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metarr_desktop.sandbox.server import SandboxServer

#: provider id -> the API key the sandbox accepts
DEMO_KEYS: dict[str, str] = {
    "tmdb": "sandbox-tmdb-key",
    "omdb": "sandbox-omdb-key",
    "tvdb": "sandbox-tvdb-key",
    "fanart": "sandbox-fanart-key",
}

#: A v4-style read access token TMDB's sandbox accepts as ``Authorization: Bearer``.
TMDB_DEMO_BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJzYW5kYm94In0.sandbox-read-access-token"


def base_urls(server: SandboxServer) -> dict[str, str]:
    """provider id -> base URL of that provider on a running sandbox."""
    return dict(server.urls)


def provider_settings(server: SandboxServer) -> dict[str, dict[str, Any]]:
    """provider id -> {"api_key", "base_url"}: what a temporary demo profile stores per provider."""
    urls = server.urls
    return {pid: {"api_key": DEMO_KEYS[pid], "base_url": urls[pid]} for pid in DEMO_KEYS}


class DemoSandbox:
    """An in-process sandbox serving the demo catalog for the window's demo mode.

    Attributes:
        server: the running sandbox.
    """

    def __init__(self, server: SandboxServer) -> None:
        self.server = server

    @property
    def urls(self) -> dict[str, str]:
        return self.server.urls

    async def aclose(self) -> None:
        await asyncio.to_thread(self.server.stop)


async def configure_profile(data_dir: Path, server: SandboxServer) -> None:
    """Point every provider of the profile at `data_dir` to `server`, with the demo keys.

    The keys go to the profile's own key file (a null keyring backend), never to the OS keyring,
    where they would replace the user's real keys.
    """
    from keyring.backends import null

    from metarr_desktop.services.config import ProviderUpdate
    from metarr_desktop.services.context import AppServices

    services = AppServices.open(data_dir, keyring_backend=null.Keyring())  # type: ignore[no-untyped-call]
    try:
        for provider_id, settings in provider_settings(server).items():
            if provider_id in services.registry:
                await services.providers.update(
                    provider_id, ProviderUpdate(api_key=settings["api_key"], base_url=settings["base_url"])
                )
    finally:
        await services.aclose()


async def start_demo(data_dir: Path, *, latency: str = "20-120") -> DemoSandbox:
    """Start a sandbox with the demo catalog on loopback and configure the profile at `data_dir`."""
    from metarr_desktop.sandbox.server import SandboxServer

    server = SandboxServer("demo", latency=latency)
    await asyncio.to_thread(server.start)
    try:
        await configure_profile(Path(data_dir), server)
    except BaseException:
        await asyncio.to_thread(server.stop)
        raise
    return DemoSandbox(server)
