"""Image hosts as a provider: the artwork downloads of library files go through the engine too.

`ImageHostProvider` fetches an absolute artwork URL (image.tmdb.org, assets.fanart.tv, ...) through
the same machinery as metadata: the engine's gate paces it and counts it, the orchestrator retries
and times it out, the breaker and the health record see every answer, and the Health page shows it
as "Image hosts". It answers no metadata question (no entity types), so the metadata fetch never
asks it; it lives in a pool of its own (`AppServices.image_pool`).

A body larger than `max_bytes` is refused while it streams (the rest is never read); an HTML page or
any body that is not an image is a bad response from the host.
"""

from __future__ import annotations

from typing import ClassVar

import httpx

from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.providers.base import HttpProvider
from metarr_desktop.providers.base import map_transport_error
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NotFoundError

#: The largest artwork file accepted (bytes).
MAX_IMAGE_BYTES = 25 * 1024 * 1024


class ImageHostProvider(HttpProvider):
    """Downloads artwork by URL, paced and recorded like any provider call."""

    id: ClassVar[str] = "images"
    name: ClassVar[str] = "Image hosts"
    capabilities: ClassVar[ProviderCapabilities] = ProviderCapabilities(
        entity_types=frozenset(), can_search=False, ids_accepted=frozenset(), ids_provided=frozenset()
    )
    default_base_url: ClassVar[str] = "https://image.tmdb.org"
    #: Polite to CDNs: at most 20 requests a second across every image host.
    default_rate_limit: ClassVar[RateLimit | None] = RateLimit(20, 1.0)
    needs_api_key: ClassVar[bool] = False

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        raise NotFoundError(self.id, "image hosts answer no searches")

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        raise NotFoundError(self.id, "image hosts hold no metadata")

    async def download(self, url: str, max_bytes: int = MAX_IMAGE_BYTES) -> bytes:
        """The bytes at `url` (absolute), at most `max_bytes`; raises `ProviderError`s."""
        if not url.lower().startswith(("http://", "https://")):
            raise BadResponseError(self.id, "not an http(s) address")
        await self.gate.acquire()
        try:
            async with self._client.stream("GET", url, headers={"Accept": "image/*"}) as response:
                self._check(response)
                content_type = response.headers.get("content-type", "").lower()
                if "html" in content_type or "json" in content_type:
                    raise BadResponseError(
                        self.id, f"answered with {content_type.split(';')[0]} instead of an image"
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise BadResponseError(self.id, f"image too large ({int(declared)} bytes)")
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise BadResponseError(self.id, f"image larger than {max_bytes} bytes")
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise map_transport_error(self.id, exc) from exc
        return b"".join(chunks)
