"""A loopback HTTP server for one simulated media player, and what the three fakes share.

Each fake (`KodiFake`, `JellyfinFake`, `PlexFake`) turns a `SandboxRequest` into a `Reply` with the
real service's paths, methods, auth check and answer shapes, keeps the movies it "has", and records
every request it was sent (`requests`, for tests and the benchmark). `online = False` makes it close
every connection without an answer (a player that is switched off).

    kodi = KodiFake(movies, username="kodi", password="secret")
    url = kodi.start()     # "http://127.0.0.1:PORT"
    ...
    kodi.stop()
"""

from __future__ import annotations

import abc
import logging
import threading
from dataclasses import dataclass
from typing import Any

from metarr_desktop.sandbox.loopback import LoopbackHandler
from metarr_desktop.sandbox.loopback import LoopbackHTTPServer
from metarr_desktop.sandbox.loopback import Serving
from metarr_desktop.sandbox.loopback import ServingThread
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FakeMovie:
    """A movie in a fake player's library (its path as that player sees it)."""

    title: str
    path: str
    imdb: str | None = None
    tmdb: int | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """One request a fake received: method, path, query and (Kodi) the JSON-RPC method."""

    method: str
    path: str
    query: dict[str, str]
    rpc: str | None = None
    params: Any = None

    def __str__(self) -> str:
        if self.rpc:
            return f"{self.method} {self.path} {self.rpc}"
        return f"{self.method} {self.path}"


class _Handler(LoopbackHandler):
    server_version = "MetarrPlayerSandbox/1.0"
    timeout = 60
    logger = log
    log_prefix = "player sandbox"
    server: LoopbackHTTPServer[PlayerFake]

    def _dispatch(self) -> None:
        request = self.read_request()
        fake = self.server.owner
        if not fake.online:
            self.hang_up()
            return
        try:
            reply = fake.handle(request)
        except Exception:  # a bug in the fake must not hang the client
            log.exception("player sandbox: %s failed on %s", fake.kind, request.path)
            reply = Reply(500, b"", "text/plain")
        self.send_reply(reply)


class PlayerFake(Serving):
    """Base of the fakes: the loopback server, the request log, the on/off switch.

    Attributes:
        movies: the movies the player has (the fakes add to it when told to scan a new one).
        name: the server's name, as it reports it (by default its kind's: "Kodi").
        requests: every request received, in order.
        online: False closes every connection without an answer.
    """

    kind = "player"

    def __init__(
        self,
        movies: list[FakeMovie] | None = None,
        *,
        name: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.movies: list[FakeMovie] = list(movies or [])
        self.name = self.kind.capitalize() if name is None else name
        self.host = host
        self.port = port
        self.online = True
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._serving: ServingThread | None = None

    # -- life cycle ------------------------------------------------------------------------------------

    def start(self) -> str:
        """Serve in a background thread (the same port again after a `stop`); return the base URL."""
        if self._serving is None:
            httpd = LoopbackHTTPServer((self.host, self.port), _Handler, self, queue_size=256)
            self._serving = ServingThread(httpd, f"metarr-{self.kind}-sandbox")
            self.port = self._serving.port
        return self.url

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
            self._serving = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- the request log ----------------------------------------------------------------------------

    def record(self, request: SandboxRequest, rpc: str | None = None, params: Any = None) -> None:
        with self._lock:
            self.requests.append(Recorded(request.method, request.path, dict(request.query), rpc, params))

    def log(self) -> list[str]:
        """The requests received so far as ``"POST /jsonrpc VideoLibrary.RefreshMovie"`` lines."""
        with self._lock:
            return [str(r) for r in self.requests]

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()

    @abc.abstractmethod
    def handle(self, request: SandboxRequest) -> Reply:
        """Answer one request as the real player would (each kind of player says how)."""
