"""An httpx transport that sends artwork requests to the sandbox's image route (demo mode).

The simulated providers answer with real artwork URLs (image.tmdb.org, m.media-amazon.com,
assets.fanart.tv, artworks.thetvdb.com). In demo mode the image loader is given
`sandbox_image_transport(sandbox_url)`, which rewrites a request for one of those hosts to
``<sandbox>/images/<host>/<path>`` (a generated PNG, see `sandbox.artwork`) and passes any other
request through unchanged. The provider clients keep their own transport: only images are rewritten.

This module imports httpx (the client side); the sandbox server itself stays standard-library only.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from metarr_desktop.sandbox.artwork import ARTWORK_HOSTS
from metarr_desktop.sandbox.artwork import IMAGE_PREFIX


class SandboxImageTransport(httpx.AsyncBaseTransport):
    """Rewrites artwork requests to the sandbox's image route, then sends them through `inner`.

    Attributes:
        root: the sandbox's scheme and address (``http://127.0.0.1:PORT``).
        inner: the transport that carries every request.
    """

    def __init__(self, sandbox_url: str, inner: httpx.AsyncBaseTransport | None = None) -> None:
        parts = urlsplit(sandbox_url)
        if not parts.scheme or not parts.netloc:
            raise ValueError(f"not a sandbox address: {sandbox_url!r}")
        self.root = httpx.URL(f"{parts.scheme}://{parts.netloc}")
        self.inner = inner if inner is not None else httpx.AsyncHTTPTransport()

    def rewrite(self, url: httpx.URL) -> httpx.URL:
        """The sandbox URL serving `url`, or `url` itself for a host that is not an artwork host."""
        if url.host not in ARTWORK_HOSTS:
            return url
        return self.root.copy_with(path=f"{IMAGE_PREFIX}/{url.host}{url.path}", query=url.query or None)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = self.rewrite(request.url)
        if target is not request.url:
            request.url = target
            request.headers["Host"] = target.netloc.decode("ascii")
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def sandbox_image_transport(
    sandbox_url: str, inner: httpx.AsyncBaseTransport | None = None
) -> SandboxImageTransport:
    """A transport for `ImageLoader` that loads artwork from the sandbox at `sandbox_url` (its root
    or any of its base URLs, e.g. ``SandboxServer.urls["tmdb"]``)."""
    return SandboxImageTransport(sandbox_url, inner)
