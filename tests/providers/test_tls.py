"""Every HTTP client shares one TLS context, so opening the application loads the CA bundle once."""

from __future__ import annotations

import ssl

from metarr_desktop.providers.omdb import OmdbProvider
from metarr_desktop.providers.tls import shared_ssl_context
from metarr_desktop.providers.tmdb import TmdbProvider


def _context_of(provider: OmdbProvider | TmdbProvider) -> ssl.SSLContext:
    transport = provider._client._transport
    context = transport._pool._ssl_context  # type: ignore[attr-defined]
    assert isinstance(context, ssl.SSLContext)
    return context


def test_the_context_is_built_once_and_verifies() -> None:
    context = shared_ssl_context()
    assert context is shared_ssl_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


async def test_two_providers_share_the_context() -> None:
    omdb = OmdbProvider(api_key="k")
    tmdb = TmdbProvider(api_key="k")
    try:
        assert _context_of(omdb) is _context_of(tmdb) is shared_ssl_context()
    finally:
        await omdb.aclose()
        await tmdb.aclose()
