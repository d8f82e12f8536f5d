"""What the app needs to point a profile at a running sandbox: the demo keys and the base URLs.

The sandbox accepts exactly these keys (a wrong key gets each service's real 401 answer). TMDB also
accepts `TMDB_DEMO_BEARER` as a v4 read access token (``Authorization: Bearer``). `DemoSetup` runs
a sandbox in-process and points a temporary profile at it: the window's ``--demo`` mode.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from metarr_desktop.sandbox.catalog import Title
from metarr_desktop.sandbox.catalog import load_demo
from metarr_desktop.store.secrets import MemoryKeyring

if TYPE_CHECKING:
    import httpx

    from metarr_desktop.sandbox.players.demo import DemoPlayers
    from metarr_desktop.sandbox.server import SandboxServer
    from metarr_desktop.services.context import AppServices

#: provider id -> the API key the sandbox accepts
DEMO_KEYS: dict[str, str] = {
    "tmdb": "sandbox-tmdb-key",
    "omdb": "sandbox-omdb-key",
    "tvdb": "sandbox-tvdb-key",
    "fanart": "sandbox-fanart-key",
}

#: The demo's sandbox allows this many times each real service's rate, and the demo profile paces
#: each provider to as many times its real pace: a demo library's daily run takes a second or two,
#: not the ten seconds TheTVDB's real 30 requests in 10 s would make it wait.
DEMO_PACE = 10

#: A v4-style read access token TMDB's sandbox accepts as ``Authorization: Bearer``.
TMDB_DEMO_BEARER = "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJzYW5kYm94In0.sandbox-read-access-token"


def base_urls(server: SandboxServer) -> dict[str, str]:
    """provider id -> base URL of that provider on a running sandbox."""
    return dict(server.urls)


def provider_settings(server: SandboxServer) -> dict[str, dict[str, Any]]:
    """provider id -> {"api_key", "base_url"}: what a temporary demo profile stores per provider."""
    urls = server.urls
    return {pid: {"api_key": DEMO_KEYS[pid], "base_url": urls[pid]} for pid in DEMO_KEYS}


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


def _demo_catalog() -> dict[tuple[str, int | None], Title]:
    """The demo catalog's titles by (title, year)."""
    return {(t.title, t.year): t for t in load_demo().titles}


class DemoSetup:
    """A temporary profile pointed at the in-process sandbox (simulated providers, demo keys).

    Attributes:
        data_dir: the temporary profile folder (deleted at exit).
        keyring: the in-memory keyring the demo profile uses.
        urls: provider id -> base URL on the running sandbox.
        message: what the user is told about demo mode.
    """

    #: Demo-catalog movies put in the library with their ids (title, year).
    MOVIES = (
        ("Inception", 2010),
        ("The Matrix", 1999),
        ("Pulp Fiction", 1994),
        ("The Dark Knight", 2008),
        ("Spirited Away", 2001),
        ("Amélie", 2001),
        ("Blade Runner", 1982),
        ("Parasite", 2019),
        ("Casablanca", 1942),
        ("Mad Max: Fury Road", 2015),
    )
    #: Put in by title and year only, as a folder scan would: "Dune (2021)" is identified by the
    #: remake rule, the two "Emma" of 1996 are ambiguous and wait for the Identify dialog.
    BY_NAME = (("Dune", 2021), ("Emma", 1996))

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="metarr-demo-")
        self.data_dir = Path(self._tmp.name)
        self.keyring = MemoryKeyring()
        self.urls: dict[str, str] = {}
        self.message = "Demo mode: a temporary profile talking to the built-in sandbox; nothing is kept."
        self._server: SandboxServer | None = None
        self._players: DemoPlayers | None = None

    def start_server(self) -> None:
        """Start the sandbox, a demo Kodi and a demo Jellyfin on loopback."""
        from metarr_desktop.sandbox.limits import SandboxLimits
        from metarr_desktop.sandbox.players.demo import DemoPlayers
        from metarr_desktop.sandbox.server import SandboxServer

        self._server = SandboxServer("demo", latency="40-160", limits=SandboxLimits().scaled(DEMO_PACE))
        self.urls = self._server.start()
        catalog = _demo_catalog()
        known = [(t, y, catalog[(t, y)].imdb if (t, y) in catalog else None) for t, y in self.MOVIES]
        self._players = DemoPlayers(known)
        self._players.start()

    def open_services(self) -> AppServices:
        """The application services on the demo profile: its in-memory keyring, and artwork from the
        sandbox (`image_transport`). `configure` then points the providers at the sandbox."""
        from metarr_desktop.services.context import AppServices

        transport = self.image_transport()
        return AppServices.open(self.data_dir, keyring_backend=self.keyring, image_transport=transport)

    def image_transport(self) -> httpx.AsyncBaseTransport:
        """The transport of artwork downloads in the demo: every artwork host's address is answered
        by the sandbox's generated images (the window's thumbnails and the files a publish writes),
        so the demo never reaches the real image hosts."""
        from metarr_desktop.sandbox.images import sandbox_image_transport

        return sandbox_image_transport(self.urls["tmdb"])

    async def configure(self, services: AppServices) -> None:
        """Point every provider at the sandbox with its demo key and add a few demo movies."""
        from metarr_desktop.core.ids import ExternalIds
        from metarr_desktop.core.providers import RateLimit
        from metarr_desktop.sandbox.players.demo import DEMO_ROOT
        from metarr_desktop.sandbox.players.demo import folder_name
        from metarr_desktop.services.config import ProviderUpdate
        from metarr_desktop.services.library import LibraryService

        for provider_id, url in self.urls.items():
            if provider_id in services.registry:
                pace = services.registry.get(provider_id).default_rate_limit
                change = ProviderUpdate(
                    api_key=DEMO_KEYS[provider_id],
                    base_url=url,
                    rate_limit=RateLimit(pace.requests * DEMO_PACE, pace.window_seconds) if pace else None,
                )
                await services.providers.update(provider_id, change)
        catalog = _demo_catalog()
        library = LibraryService(services.database, services.movies)
        added = []
        for title, year in self.MOVIES:
            known = catalog.get((title, year))
            ids = ExternalIds(tmdb=known.tmdb, imdb=known.imdb) if known else ExternalIds()
            path = f"{DEMO_ROOT}/{folder_name(title, year)}"
            added.append(library.add(title, year=year, ids=ids, path=path).id)
        for title, year in self.BY_NAME:
            library.add(title, year=year)
        if self._players is not None:
            await self._players.configure(services, added)

    def stop(self) -> None:
        """Stop the servers and delete the temporary profile."""
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._players is not None:
            self._players.stop()
            self._players = None
        self._tmp.cleanup()
