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
import contextlib
import logging
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlsplit

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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "MetarrPlayerSandbox/1.0"
    timeout = 60
    server: _Server

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("player sandbox: " + format, *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        request = SandboxRequest(self.command, unquote(split.path), query, dict(self.headers.items()), body)
        fake = self.server.fake
        if not fake.online:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            reply = fake.handle(request)
        except Exception:  # a bug in the fake must not hang the client
            log.exception("player sandbox: %s failed on %s", fake.kind, request.path)
            reply = Reply(500, b"", "text/plain")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], fake: PlayerFake) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("player sandbox: connection from %s ended with an error", client_address, exc_info=True)


class PlayerFake(abc.ABC):
    """Base of the fakes: the loopback server, the request log, the on/off switch.

    Attributes:
        movies: the movies the player has (the fakes add to it when told to scan a new one).
        requests: every request received, in order.
        online: False closes every connection without an answer.
    """

    kind = "player"

    def __init__(
        self, movies: list[FakeMovie] | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.movies: list[FakeMovie] = list(movies or [])
        self.host = host
        self.port = port
        self.online = True
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ------------------------------------------------------------------------------------

    def start(self) -> str:
        """Serve in a background thread (the same port again after a `stop`); return the base URL."""
        if self._httpd is None:
            self._httpd = _Server((self.host, self.port), self)
            self.port = int(self._httpd.server_address[1])
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                daemon=True,
                name=f"metarr-{self.kind}-sandbox",
            )
            self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> PlayerFake:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

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
