"""The provider interface and the shared base that owns the HTTP client.

`MetadataProvider` is what the engine talks to (document 5, section 1). `HttpProvider` is the base
the built-in clients stand on: it owns one `httpx.AsyncClient` (base URL and transport injectable),
passes every request through a `RequestGate` (the engine's pacer and quota counter), and maps every
answer and transport error onto `providers.errors` in one place: `map_response` and
`map_transport_error`.
"""

from __future__ import annotations

import abc
import email.utils
import json
import math
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import ClassVar
from typing import Protocol
from typing import TypedDict
from typing import Unpack

import httpx

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.logsetup import redact
from metarr_desktop.logsetup import register_secret
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NetworkError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ProviderTimeoutError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.errors import ServerError
from metarr_desktop.providers.errors import usable_retry_after
from metarr_desktop.providers.tls import shared_ssl_context

#: Bodies larger than this are refused as bad responses (a provider never sends this much JSON).
MAX_BODY_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class RateLimitStatus:
    """What the provider itself last learned about its limits."""

    limited: bool = False
    retry_at: datetime | None = None
    reason: str | None = None


class RequestParts(TypedDict, total=False):
    """What one request carries besides its method and path (the clients' ``_send``)."""

    params: Mapping[str, Any] | None
    json_body: Any
    headers: Mapping[str, str] | None


class RequestGate(Protocol):
    """Awaited before every HTTP request; may wait (pacing) or raise `RateLimitedError` (quota)."""

    async def acquire(self) -> None: ...


class OpenGate:
    """A gate that never waits (used when no engine paces the provider, e.g. `providers test`)."""

    async def acquire(self) -> None:
        return None


class MetadataProvider(Protocol):
    """The interface every provider offers the engine."""

    # Read-only, so that a class-level declaration (HttpProvider's ClassVars) satisfies them too.
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def capabilities(self) -> ProviderCapabilities: ...

    def rate_limit_status(self) -> RateLimitStatus: ...

    async def search(self, request: SearchRequest) -> list[SearchResult]: ...

    async def get_metadata(self, request: MetadataRequest) -> ProviderData: ...

    async def get_assets(self, request: MetadataRequest) -> list[AssetCandidate]: ...

    async def aclose(self) -> None: ...


def answer_key(provider: object, request: MetadataRequest) -> str:
    """The request key of `provider`'s answer to `request` (`ProviderData.request_key`): the
    request's languages, unless the provider says its answers do not depend on them
    (``language_independent``, e.g. OMDb, English only). Plug-ins without the attribute count as
    language-aware: a language switch asks them again rather than serve the other language."""
    return "" if getattr(provider, "language_independent", False) else request.language_key()


async def fetch_metadata(provider: MetadataProvider, request: MetadataRequest) -> ProviderData:
    """`provider.get_metadata(request)`, the answer stamped with its request key."""
    data = await provider.get_metadata(request)
    key = answer_key(provider, request)
    return data if data.request_key == key else replace(data, request_key=key)


# --------------------------------------------------------------------------------------------------
# What a provider declares it offers
# --------------------------------------------------------------------------------------------------

#: The canonical artwork fields, each filled with the best candidate of its asset type.
ARTWORK_FIELDS: Mapping[str, AssetType] = {
    "poster": AssetType.POSTER,
    "fanart": AssetType.FANART,
    "clearlogo": AssetType.CLEARLOGO,
    "clearart": AssetType.CLEARART,
    "banner": AssetType.BANNER,
    "thumb": AssetType.THUMB,
    "disc": AssetType.DISCART,
}

#: What a full record of a film (TMDB's, TheTVDB's) describes: its texts, dates, people, classes and
#: trailer.
FULL_RECORD_FIELDS: frozenset[str] = frozenset(
    {
        "title",
        "original_title",
        "plot",
        "tagline",
        "runtime",
        "release_date",
        "year",
        "content_rating",
        "genres",
        "cast",
        "directors",
        "writers",
        "studios",
        "countries",
        "languages",
        "trailer",
    }
)


def provider_capabilities(
    *,
    entity_types: Iterable[EntityType],
    can_search: bool,
    ids_accepted: Iterable[IdType],
    ids_provided: Iterable[IdType],
    asset_types: Iterable[AssetType],
    fields: Iterable[str] = (),
) -> ProviderCapabilities:
    """A provider's capabilities. Its fields are `fields` and, derived, the artwork fields of its
    `asset_types` (the best poster candidate is the ``poster`` field) and the id fields of the
    `ids_provided` (``imdb_id``)."""
    assets = frozenset(asset_types)
    provided = frozenset(ids_provided)
    return ProviderCapabilities(
        entity_types=frozenset(entity_types),
        can_search=can_search,
        ids_accepted=frozenset(ids_accepted),
        ids_provided=provided,
        fields=frozenset(fields)
        | {name for name, asset_type in ARTWORK_FIELDS.items() if asset_type in assets}
        | {f"{kind.value}_id" for kind in provided},
        asset_types=assets,
    )


# --------------------------------------------------------------------------------------------------
# Retry-After and the one mapping of HTTP answers and transport errors onto our errors
# --------------------------------------------------------------------------------------------------


#: A Retry-After further away than this is garbage (a broken or hostile header), read as absent.
IMPLAUSIBLE_RETRY_AFTER_S = 366 * 24 * 3600.0


def _plausible(seconds: float) -> float | None:
    if not math.isfinite(seconds) or seconds < 0 or seconds > IMPLAUSIBLE_RETRY_AFTER_S:
        return None
    return usable_retry_after(seconds)


def parse_retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` (milliseconds) or ``Retry-After`` (seconds or an
    HTTP date), at most `MAX_RETRY_AFTER_S`. None when absent or garbage: unreadable, NaN,
    infinite, negative, or more than a year away. Never raises."""
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return _plausible(float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return _plausible(float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now or datetime.now(UTC)
    try:
        seconds = (when - reference).total_seconds()
    except OverflowError:
        return None
    return _plausible(max(0.0, seconds))  # a date just past (clock skew) means now


def _error_text(response: httpx.Response) -> str:
    """A short, key-free description of an error body for the user."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        for key in ("status_message", "Error", "error", "error message", "message", "errors"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:200]
            if isinstance(value, list) and value:
                return "; ".join(str(v) for v in value)[:200]
    return f"HTTP {response.status_code}"


def map_response(provider: str, response: httpx.Response, now: datetime | None = None) -> None:
    """Raise the matching `ProviderError` for an unsuccessful HTTP answer; return for 2xx."""
    status = response.status_code
    if 200 <= status < 300:
        return
    text = _error_text(response)
    if status == 429:
        raise RateLimitedError(
            provider,
            f"too many requests ({text})",
            retry_after=parse_retry_after(response.headers, now),
            status_code=status,
        )
    if status in (401, 403):
        raise AuthenticationError(provider, f"the API key was refused ({text})", status_code=status)
    if status == 404:
        raise NotFoundError(provider, "not found", status_code=status)
    if status in (408, 409, 425) or status >= 500:
        if status == 503 and (delay := parse_retry_after(response.headers, now)) is not None:
            raise RateLimitedError(
                provider, f"service unavailable ({text})", retry_after=delay, status_code=status
            )
        raise ServerError(provider, f"server error ({text})", status_code=status)
    raise BadResponseError(provider, f"unexpected answer ({text})", status_code=status)


def map_transport_error(provider: str, exc: httpx.HTTPError) -> ProviderError:
    """Translate an httpx exception (no usable answer) into our hierarchy."""
    if isinstance(exc, httpx.TimeoutException):
        return ProviderTimeoutError(provider, f"no answer in time ({type(exc).__name__})")
    if isinstance(exc, httpx.TransportError):
        return NetworkError(provider, f"network error ({type(exc).__name__}: {exc})"[:300])
    return NetworkError(provider, f"request failed ({type(exc).__name__})")


async def read_capped(provider: str, response: httpx.Response, limit: int = MAX_BODY_BYTES) -> bytes:
    """The (decoded) body of a streamed `response`, refused as soon as it grows past `limit` bytes:
    a huge body is never read whole into memory. The response is closed in every case."""
    status = response.status_code
    try:
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and len(declared) < 20 and int(declared) > limit:
            raise BadResponseError(provider, f"answer too large ({declared} bytes)", status_code=status)
        chunks: list[bytes] = []
        total = 0
        async for chunk in response.aiter_bytes():
            total += len(chunk)
            if total > limit:
                raise BadResponseError(
                    provider, f"answer too large (more than {limit} bytes)", status_code=status
                )
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        await response.aclose()


def decode_json(provider: str, response: httpx.Response) -> Any:
    """Parse a JSON body, refusing HTML pages, wrong content types and malformed or huge bodies.

    `HttpProvider` reads bodies with `read_capped`, so `response.content` is already bounded here;
    the size check stays for responses built elsewhere.
    """
    body = response.content
    status = response.status_code
    if len(body) > MAX_BODY_BYTES:
        raise BadResponseError(provider, f"answer too large ({len(body)} bytes)", status_code=status)
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type or body.lstrip()[:1] == b"<":
        raise BadResponseError(provider, "answered with a web page instead of data", status_code=status)
    if content_type and not any(kind in content_type for kind in ("json", "javascript", "text/plain")):
        raise BadResponseError(provider, f"unexpected content type {content_type!r}", status_code=status)
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponseError(provider, "answered with malformed data", status_code=status) from exc
    except RecursionError as exc:
        raise BadResponseError(provider, "answered with data nested too deeply", status_code=status) from exc


def json_object(provider: str, body: Any) -> dict[str, Any]:
    """`body` (decoded JSON) when it is an object, as every provider's answers are; anything else is
    a bad response."""
    if not isinstance(body, dict):
        raise BadResponseError(provider, "answered with data of an unexpected shape")
    return body


# --------------------------------------------------------------------------------------------------
# The shared base of the HTTP clients
# --------------------------------------------------------------------------------------------------


class ClientOptions(TypedDict, total=False):
    """The keyword arguments of `HttpProvider` (what `ProviderSpec.create` passes), for subclasses
    that add their own and hand these on."""

    api_key: str | None
    base_url: str | None
    client: httpx.AsyncClient | None
    transport: httpx.AsyncBaseTransport | None
    gate: RequestGate | None


class HttpProvider(abc.ABC):
    """Base of the built-in providers: one HTTP client, the gate, and error mapping.

    Subclasses declare `id`, `name`, `capabilities`, `default_base_url`, `default_rate_limit` and
    `default_daily_quota` as class attributes, and implement `search` and `get_metadata` with
    `self._get_json` / `self._request_json`.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    capabilities: ClassVar[ProviderCapabilities]
    default_base_url: ClassVar[str]
    default_rate_limit: ClassVar[RateLimit | None] = None
    default_daily_quota: ClassVar[int | None] = None
    needs_api_key: ClassVar[bool] = True
    #: True when the answers are the same whatever the request's languages (`answer_key`).
    language_independent: ClassVar[bool] = False

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        gate: RequestGate | None = None,
    ) -> None:
        self.api_key = api_key
        register_secret(api_key)
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            transport=transport,
            verify=shared_ssl_context(),
            timeout=httpx.Timeout(30.0, connect=10.0),
            follow_redirects=True,
            headers={"User-Agent": "MetarrDesktop/0.1", "Accept": "application/json"},
        )
        self.gate: RequestGate = gate or OpenGate()
        self._rate_status = RateLimitStatus()

    def __repr__(self) -> str:  # never show the key
        return f"<{type(self).__name__} {self.id} {self.base_url}>"

    def rate_limit_status(self) -> RateLimitStatus:
        return self._rate_status

    async def get_assets(self, request: MetadataRequest) -> list[AssetCandidate]:
        data = await self.get_metadata(request)
        wanted: frozenset[AssetType] = request.asset_types
        return [a for a in data.assets if not wanted or a.type in wanted]

    @abc.abstractmethod
    async def search(self, request: SearchRequest) -> list[SearchResult]: ...

    @abc.abstractmethod
    async def get_metadata(self, request: MetadataRequest) -> ProviderData: ...

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    async def _send(self, method: str, path: str, **parts: Unpack[RequestParts]) -> httpx.Response:
        """Pass the gate, send one request, read its body (at most `MAX_BODY_BYTES`, streamed) and
        translate transport errors. No status check."""
        await self.gate.acquire()
        try:
            request = self._client.build_request(
                method,
                self.url(path),
                params=parts.get("params"),
                json=parts.get("json_body"),
                headers=parts.get("headers"),
            )
            streamed = await self._client.send(request, stream=True)
            body = await read_capped(self.id, streamed)
        except httpx.HTTPError as exc:
            raise map_transport_error(self.id, exc) from exc
        # The body is already decoded: drop the encoding headers so httpx does not decode it twice.
        response_headers = [
            (name, value)
            for name, value in streamed.headers.multi_items()
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]
        return httpx.Response(streamed.status_code, headers=response_headers, content=body, request=request)

    async def _request_json(self, method: str, path: str, **parts: Unpack[RequestParts]) -> Any:
        response = await self._send(method, path, **parts)
        self._check(response)
        return decode_json(self.id, response)

    async def _get_json(
        self, path: str, params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
    ) -> Any:
        return await self._request_json("GET", path, params=params, headers=headers)

    def _check(self, response: httpx.Response) -> None:
        """Map an unsuccessful answer; subclasses refine it (e.g. OMDb's 401 texts) and call super."""
        try:
            map_response(self.id, response)
        except RateLimitedError as exc:
            retry_at = None
            if exc.retry_after is not None:
                retry_at = datetime.now(UTC) + timedelta(seconds=exc.retry_after)
            self._rate_status = RateLimitStatus(True, exc.reset_at or retry_at, exc.message)
            raise
        else:
            if self._rate_status.limited:
                self._rate_status = RateLimitStatus()


def describe_error(exc: BaseException) -> str:
    """A one-line message for the user about any failure of a provider call."""
    if isinstance(exc, ProviderError):
        return exc.message
    return redact(f"{type(exc).__name__}: {exc}"[:300])
