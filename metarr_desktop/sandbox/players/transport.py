"""The fakes without sockets: an `httpx.MockTransport` that hands each request to the fake whose
base URL it is for (unit tests on a `VirtualClock`, where real sockets would race simulated time).

A fake that is not `online` raises `httpx.ConnectError`, as a switched-off player does.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

import httpx

from metarr_desktop.sandbox.players.server import PlayerFake
from metarr_desktop.sandbox.protocol import SandboxRequest


def fakes_transport(fakes: Mapping[str, PlayerFake]) -> httpx.MockTransport:
    """`fakes`: base URL (``http://kodi.test:8080``) -> the fake answering there."""
    by_origin = {httpx.URL(url).netloc: fake for url, fake in fakes.items()}

    def handle(request: httpx.Request) -> httpx.Response:
        fake = by_origin.get(request.url.netloc)
        if fake is None or not fake.online:
            raise httpx.ConnectError("connection refused", request=request)
        query = {k: v for k, v in request.url.params.items()}
        incoming = SandboxRequest(
            request.method, unquote(request.url.path), query, dict(request.headers.items()), request.content
        )
        reply = fake.handle(incoming)
        headers = {"Content-Type": reply.content_type, **reply.headers}
        return httpx.Response(reply.status, headers=headers, content=reply.body)

    return httpx.MockTransport(handle)
