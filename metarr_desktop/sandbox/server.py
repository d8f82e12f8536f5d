"""`SandboxServer`: a real HTTP server on loopback that answers like TMDB, OMDb, TheTVDB and fanart.tv.

Built on the standard library's `ThreadingHTTPServer` (one daemon thread per connection, HTTP/1.1
keep-alive, a deep listen queue), so it needs no dependency and runs in a background thread of a
test, a benchmark or the desktop app's demo mode as well as from ``metarr sandbox``.

Every request goes through the same steps: count it, wait the simulated latency, maybe inject a
fault, check the key, apply the service's rate limit and daily quota, then answer from the catalog.

    server = SandboxServer("demo", latency="50-200", faults="tmdb:500@0.1", seed=1)
    urls = server.start()          # {"tmdb": "http://127.0.0.1:PORT/tmdb/3", ...}
    ...
    server.stats.snapshot()        # requests, statuses, 429s, faults per service
    server.stop()
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from metarr_desktop.sandbox.artwork import ARTWORK_HOSTS
from metarr_desktop.sandbox.artwork import IMAGE_PREFIX
from metarr_desktop.sandbox.artwork import ArtworkIndex
from metarr_desktop.sandbox.artwork import render_artwork
from metarr_desktop.sandbox.catalog import SERVICES
from metarr_desktop.sandbox.catalog import Catalog
from metarr_desktop.sandbox.catalog import parse_catalog_spec
from metarr_desktop.sandbox.demo import DEMO_KEYS
from metarr_desktop.sandbox.demo import TMDB_DEMO_BEARER
from metarr_desktop.sandbox.fanart_api import FanartService
from metarr_desktop.sandbox.faults import HUGE_BODY_BYTES
from metarr_desktop.sandbox.faults import FaultPlan
from metarr_desktop.sandbox.faults import FaultRule
from metarr_desktop.sandbox.faults import parse_faults
from metarr_desktop.sandbox.limits import LimitCounter
from metarr_desktop.sandbox.limits import SandboxLimits
from metarr_desktop.sandbox.loopback import LoopbackHandler
from metarr_desktop.sandbox.loopback import LoopbackHTTPServer
from metarr_desktop.sandbox.loopback import Serving
from metarr_desktop.sandbox.loopback import ServingThread
from metarr_desktop.sandbox.omdb_api import OmdbService
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest
from metarr_desktop.sandbox.protocol import Service
from metarr_desktop.sandbox.protocol import json_reply
from metarr_desktop.sandbox.tmdb_api import TmdbService
from metarr_desktop.sandbox.tvdb_api import TvdbService

log = logging.getLogger(__name__)

#: URL prefix -> (service, API variant); the longest prefixes first.
ROUTES: tuple[tuple[str, str, str], ...] = (
    ("/tmdb/3", "tmdb", ""),
    ("/omdb", "omdb", ""),
    ("/tvdb/v4", "tvdb", ""),
    ("/fanart/v3.2", "fanart", "v3.2"),
    ("/fanart/v3", "fanart", "v3"),
)
BASE_PATHS = {"tmdb": "/tmdb/3", "omdb": "/omdb", "tvdb": "/tvdb/v4", "fanart": "/fanart/v3"}

HTML_ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>"
    b"<h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p>"
    b"</body></html>"
)


class _Close:
    """Answer nothing and close the connection."""


CLOSE = _Close()


@dataclass(frozen=True, slots=True)
class _Huge:
    """A 200 JSON answer of `size` bytes without a Content-Length, written 1 MB at a time (never
    held in memory), then the connection is closed."""

    size: int

    def chunks(self) -> Iterator[bytes]:
        chunk = 1024 * 1024
        yield b'{"pad":"'
        written = 8
        while written + chunk + 2 < self.size:
            yield b"x" * chunk
            written += chunk
        yield b'"}'


@dataclass(frozen=True, slots=True)
class Latency:
    """A simulated delay per request, uniform between `min_ms` and `max_ms`."""

    min_ms: float = 0.0
    max_ms: float = 0.0

    @classmethod
    def parse(cls, value: Latency | str | float | None) -> Latency:
        """None, 50, "50" or "50-200" (milliseconds)."""
        if value is None:
            return cls()
        if isinstance(value, Latency):
            return value
        if isinstance(value, int | float):
            return cls(float(value), float(value))
        low, sep, high = str(value).strip().partition("-")
        try:
            lo = float(low)
            hi = float(high) if sep else lo
        except ValueError:
            raise ValueError(f"bad latency {value!r}: expected N or MIN-MAX milliseconds") from None
        if lo < 0 or hi < lo:
            raise ValueError(f"bad latency {value!r}: expected 0 <= MIN <= MAX")
        return cls(lo, hi)

    def sample(self, rng: random.Random) -> float:
        """Seconds to wait."""
        if self.max_ms <= 0:
            return 0.0
        return rng.uniform(self.min_ms, self.max_ms) / 1000.0


class SandboxStats:
    """Counters per service; thread-safe. Read them with `snapshot()`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests: Counter[str] = Counter()
            self.statuses: dict[str, Counter[int]] = {s: Counter() for s in SERVICES}
            self.rate_limited: Counter[str] = Counter()
            self.quota_refused: Counter[str] = Counter()
            self.auth_refused: Counter[str] = Counter()
            self.faults: dict[str, Counter[str]] = {s: Counter() for s in SERVICES}
            self.images = 0

    def count_image(self) -> None:
        with self._lock:
            self.images += 1

    def count_request(self, service: str) -> None:
        with self._lock:
            self.requests[service] += 1

    def count_status(self, service: str, status: int) -> None:
        with self._lock:
            self.statuses.setdefault(service, Counter())[status] += 1

    def count(self, counter: str, service: str) -> None:
        with self._lock:
            getattr(self, counter)[service] += 1

    def count_fault(self, service: str, kind: str) -> None:
        with self._lock:
            self.faults.setdefault(service, Counter())[kind] += 1

    def snapshot(self) -> dict[str, Any]:
        """{"requests": {service: n}, "statuses": {service: {status: n}}, "rate_limited": {...},
        "quota_refused": {...}, "auth_refused": {...}, "faults": {service: {kind: n}}, "total": n,
        "images": n} (artwork from the image route, not counted in "total")"""
        with self._lock:
            return {
                "requests": dict(self.requests),
                "statuses": {s: dict(c) for s, c in self.statuses.items() if c},
                "rate_limited": dict(self.rate_limited),
                "quota_refused": dict(self.quota_refused),
                "auth_refused": dict(self.auth_refused),
                "faults": {s: dict(c) for s, c in self.faults.items() if c},
                "total": sum(self.requests.values()),
                "images": self.images,
            }


class _Handler(LoopbackHandler):
    server_version = "MetarrSandbox/1.0"
    timeout = 120  # an idle keep-alive connection is closed after this many seconds
    logger = log
    log_prefix = "sandbox"
    server: LoopbackHTTPServer[SandboxServer]

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, add=False)

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        request = self.read_request()
        outcome = self.server.owner.process(
            request.method, request.path, request.query, request.headers, request.body
        )
        if isinstance(outcome, _Close):
            self.hang_up()
            return
        if isinstance(outcome, _Huge):
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Connection", "close")
            self.end_headers()
            with contextlib.suppress(OSError):  # the client hangs up at its size cap
                for chunk in outcome.chunks():
                    self.wfile.write(chunk)
            return
        self.send_reply(outcome)


class SandboxServer(Serving):
    """Simulated provider APIs on loopback.

    Attributes:
        catalog: the titles served.
        latency: the simulated delay per request.
        faults: the fault plan (replace its rules with `set_faults` while running).
        limits: each service's rate limit and daily quota.
        stats: request counters.
        services: service name -> the simulated API (``services["tvdb"].expire_tokens()``).
    """

    def __init__(
        self,
        catalog: Catalog | str = "demo",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: Latency | str | float | None = None,
        faults: str | list[FaultRule] | None = None,
        limits: SandboxLimits | None = None,
        seed: int | None = None,
        keys: dict[str, str] | None = None,
        hang_seconds: float = 60.0,
    ) -> None:
        self.catalog = parse_catalog_spec(catalog) if isinstance(catalog, str) else catalog
        self.host = host
        self.requested_port = port
        self.latency = Latency.parse(latency)
        rules = parse_faults(faults) if isinstance(faults, str) or faults is None else faults
        self.faults = FaultPlan(rules, seed)
        self.limits = limits if limits is not None else SandboxLimits()
        self.hang_seconds = hang_seconds
        self.stats = SandboxStats()
        self._rng = random.Random(None if seed is None else seed + 1)
        self._rng_lock = threading.Lock()
        accepted = {**DEMO_KEYS, **(keys or {})}
        self.services: dict[str, Service] = {
            "tmdb": TmdbService(self.catalog, frozenset({accepted["tmdb"], TMDB_DEMO_BEARER})),
            "omdb": OmdbService(self.catalog, frozenset({accepted["omdb"]})),
            "tvdb": TvdbService(self.catalog, frozenset({accepted["tvdb"]})),
            "fanart": FanartService(self.catalog, frozenset({accepted["fanart"]})),
        }
        self._counters = {name: LimitCounter(self.limits.get(name)) for name in SERVICES}
        self.artwork_index = ArtworkIndex(self.catalog)
        self._stopping = threading.Event()
        self._serving: ServingThread | None = None
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()

    # ---------------------------------------------------------------------------------------------
    # Life cycle
    # ---------------------------------------------------------------------------------------------

    def start(self) -> dict[str, str]:
        """Bind, serve in a background thread and return the four base URLs."""
        if self._serving is None:
            self._stopping.clear()
            httpd = LoopbackHTTPServer((self.host, self.requested_port), _Handler, self, queue_size=1024)
            self._serving = ServingThread(httpd, "metarr-sandbox")
        return self.urls

    def stop(self) -> None:
        """Stop serving, release held requests and close every connection."""
        if self._serving is None:
            return
        self._stopping.set()
        self._serving.stop(release=self._close_connections)
        self._serving = None

    def _close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    @property
    def port(self) -> int:
        if self._serving is None:
            raise RuntimeError("the sandbox is not running")
        return self._serving.port

    @property
    def root_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def images_url(self) -> str:
        """The image route's base: ``<images_url>/<host>/<path>`` is a generated PNG for an artwork URL."""
        return self.root_url + IMAGE_PREFIX

    @property
    def urls(self) -> dict[str, str]:
        """provider id -> base URL, e.g. ``{"tmdb": "http://127.0.0.1:PORT/tmdb/3", ...}``."""
        root = self.root_url
        return {name: root + path for name, path in BASE_PATHS.items()}

    # ---------------------------------------------------------------------------------------------
    # Controls for tests and benchmarks
    # ---------------------------------------------------------------------------------------------

    def set_faults(self, spec: str | list[FaultRule] | None) -> None:
        self.faults.set_rules(parse_faults(spec) if isinstance(spec, str) or spec is None else spec)

    def set_limits(self, limits: SandboxLimits) -> None:
        self.limits = limits
        self._counters = {name: LimitCounter(limits.get(name)) for name in SERVICES}

    def reset_limits(self) -> None:
        """Forget every rate-limit window and daily count (a new day)."""
        for counter in self._counters.values():
            counter.reset()

    def used_today(self, service: str) -> int:
        return self._counters[service].used_today

    # ---------------------------------------------------------------------------------------------
    # One request
    # ---------------------------------------------------------------------------------------------

    def _track(self, connection: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _route(self, path: str) -> tuple[str, str, str] | None:
        for prefix, service, variant in ROUTES:
            if path == prefix or path.startswith(prefix + "/"):
                return service, path[len(prefix) :] or "/", variant
        return None

    def process(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes = b""
    ) -> Reply | _Close | _Huge:
        """The answer to one request (also callable without a socket, for unit tests)."""
        if path.startswith(IMAGE_PREFIX + "/"):
            return self._artwork(method, path)
        route = self._route(path)
        if route is None:
            return json_reply(404, {"error": f"no simulated service at {path}"})
        name, relative, variant = route
        service = self.services[name]
        request = SandboxRequest(method, relative, query, headers, body, variant)
        self.stats.count_request(name)
        with self._rng_lock:
            delay = self.latency.sample(self._rng)
        if delay > 0 and self._stopping.wait(delay):
            return CLOSE
        fault = self.faults.pick(name)
        if fault is not None:
            self.stats.count_fault(name, fault)
            injected = self._inject(fault, service)
            if injected is not None:
                if isinstance(injected, Reply):
                    self.stats.count_status(name, injected.status)
                return injected
        reply = self._answer(name, service, request)
        if fault == "malformed" and reply.status == 200 and len(reply.body) > 1:
            reply = Reply(200, reply.body[: len(reply.body) // 2], reply.content_type, reply.headers)
        self.stats.count_status(name, reply.status)
        return reply

    def _artwork(self, method: str, path: str) -> Reply | _Close:
        """A generated PNG for ``/images/<artwork host>/<path>`` (latency applies; no key, no limits)."""
        host, _, rest = path[len(IMAGE_PREFIX) + 1 :].partition("/")
        if method != "GET" or host not in ARTWORK_HOSTS or not rest:
            return json_reply(404, {"error": f"no simulated image at {path}"})
        self.stats.count_image()
        with self._rng_lock:
            delay = self.latency.sample(self._rng)
        if delay > 0 and self._stopping.wait(delay):
            return CLOSE
        body = render_artwork(host, "/" + rest, self.artwork_index.kind)
        return Reply(200, body, "image/png", {"Cache-Control": "max-age=31536000"})

    def _inject(self, fault: str, service: Service) -> Reply | _Close | _Huge | None:
        if fault in ("500", "502", "503"):
            return json_reply(int(fault), {"status": "error", "message": "Internal Server Error (injected)"})
        if fault == "429":
            limit = self.limits.get(service.name).requests or 1
            return service.rate_limited(1, limit)
        if fault == "timeout":
            self._stopping.wait(self.hang_seconds)
            return CLOSE
        if fault == "reset":
            return CLOSE
        if fault == "html":
            return Reply(200, HTML_ERROR_PAGE, "text/html; charset=utf-8")
        if fault == "empty":
            return Reply(200, b"")
        if fault == "huge":
            return _Huge(HUGE_BODY_BYTES)
        return None  # "malformed" is applied to the real answer

    def _answer(self, name: str, service: Service, request: SandboxRequest) -> Reply:
        refused = service.authenticate(request)
        if refused is not None:
            self.stats.count("auth_refused", name)
            return refused
        if service.counts_against_limits(request):
            verdict = self._counters[name].admit()
            if verdict is not None:
                kind, wait = verdict
                if kind == "quota":
                    self.stats.count("quota_refused", name)
                    return service.quota_exhausted()
                self.stats.count("rate_limited", name)
                return service.rate_limited(wait, self.limits.get(name).requests or 1)
        try:
            reply = service.handle(request)
        except Exception:  # a bug in the sandbox must not hang the client
            log.exception("sandbox: %s failed on %s", name, request.path)
            return json_reply(500, {"status": "error", "message": "sandbox error"})
        if reply.status == 401:  # a refused login (TheTVDB checks the key there)
            self.stats.count("auth_refused", name)
        return reply
