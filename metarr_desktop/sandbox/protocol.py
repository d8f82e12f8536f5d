"""The sandbox's view of one HTTP exchange, independent of the server that carries it.

Each simulated service turns a `SandboxRequest` into a `Reply`; the server adds latency, limits and
faults around that and writes the bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

from metarr_desktop.sandbox.catalog import Catalog


@dataclass(frozen=True, slots=True)
class SandboxRequest:
    """One request, its path relative to the service's base URL (``/movie/550``).

    Attributes:
        variant: the API version the path came in on when a service has several (fanart "v3.2").
    """

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes = b""
    variant: str = ""

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def json_body(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


@dataclass(slots=True)
class Reply:
    """One answer: status, body bytes, content type and extra headers."""

    status: int
    body: bytes
    content_type: str = "application/json;charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(status: int, document: Any, headers: dict[str, str] | None = None) -> Reply:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Reply(status, body, headers=dict(headers or {}))


class Service(Protocol):
    """A simulated provider API."""

    name: str

    def authenticate(self, request: SandboxRequest) -> Reply | None:
        """None when the request carries a valid key; else the service's own 401 answer."""

    def handle(self, request: SandboxRequest) -> Reply:
        """The answer to an authenticated request."""

    def rate_limited(self, retry_after: int, limit: int) -> Reply:
        """The service's answer when a request goes over its rate limit."""

    def quota_exhausted(self) -> Reply:
        """The service's answer when its daily quota is spent."""

    def counts_against_limits(self, request: SandboxRequest) -> bool:
        """Whether the request is paced (TheTVDB's login, for instance, is not)."""


class ServiceBase:
    """Shared parts of the simulated services.

    Attributes:
        catalog: the titles served.
        keys: the API keys accepted.
    """

    name = "base"

    def __init__(self, catalog: Catalog, keys: frozenset[str]) -> None:
        self.catalog = catalog
        self.keys = keys

    def counts_against_limits(self, request: SandboxRequest) -> bool:
        return True

    def quota_exhausted(self) -> Reply:
        return self.rate_limited(3600, 0)

    def rate_limited(self, retry_after: int, limit: int) -> Reply:
        return json_reply(429, {"error": "too many requests"}, {"Retry-After": str(retry_after)})
