"""What the two loopback servers share (`SandboxServer` for the providers, `PlayerFake` for the
players): a request handler that reads a `SandboxRequest` and writes a `Reply`, the threading HTTP
server, and serving it in a background thread until `stop`.
"""

from __future__ import annotations

import abc
import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from typing import ClassVar
from typing import Generic
from typing import Self
from typing import TypeVar
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlsplit

from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest

OwnerT = TypeVar("OwnerT")


class LoopbackHandler(BaseHTTPRequestHandler):
    """One connection; requests on it are served one after another (HTTP/1.1 keep-alive).

    Subclasses name their `logger` and `log_prefix` (of the debug lines of the connection, also
    those of `LoopbackHTTPServer`) and answer in `_dispatch`.
    """

    protocol_version = "HTTP/1.1"
    logger: ClassVar[logging.Logger]
    log_prefix: ClassVar[str]

    def setup(self) -> None:
        super().setup()
        # Headers and body are written separately: without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every answer on a kept-alive connection.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        self.logger.debug(f"{self.log_prefix}: " + format, *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        """Answer the request just received."""
        raise NotImplementedError

    def read_request(self) -> SandboxRequest:
        """The request just received: its path unquoted, the first value of each query parameter."""
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        return SandboxRequest(self.command, unquote(split.path), query, dict(self.headers.items()), body)

    def hang_up(self) -> None:
        """Answer nothing and close the connection."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def send_reply(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


class LoopbackHTTPServer(ThreadingHTTPServer, Generic[OwnerT]):
    """One daemon thread per connection, each served by `handler`, which finds the object that
    answers (the simulated providers or one fake player) as ``self.server.owner``. A client that
    went away mid-answer is only logged (at debug level: timeouts and cancelled requests are normal
    here)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], handler: type[LoopbackHandler], owner: OwnerT, *, queue_size: int
    ) -> None:
        self.owner = owner
        self.request_queue_size = queue_size  # read when the socket starts listening, below
        self._handler = handler
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        self._handler.logger.debug(
            "%s: connection from %s ended with an error",
            self._handler.log_prefix,
            client_address,
            exc_info=True,
        )


class ServingThread:
    """`httpd` served in a daemon thread from construction until `stop`."""

    def __init__(self, httpd: ThreadingHTTPServer, name: str) -> None:
        self.httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def stop(self, release: Callable[[], None] | None = None) -> None:
        """Stop serving; `release` runs once no new request is accepted, before the socket closes."""
        self.httpd.shutdown()
        if release is not None:
            release()
        self.httpd.server_close()
        self._thread.join(timeout=5)


class Serving(abc.ABC):
    """Started and stopped, also as a context manager (``with SandboxServer() as server:``)."""

    @abc.abstractmethod
    def start(self) -> object:
        """Serve in a background thread; return where."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop serving (nothing when not started)."""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
