"""One TLS context for every HTTP client of the application.

Building a context loads the whole CA bundle (about 140 ms here). httpx builds one per client, and the
application opens one client per provider, per image host and per player, so sharing one context makes
opening the application (and each test that opens it) several times faster. A context is safe to share
between clients; it honours ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` as httpx does.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """The verifying context every client uses (built on first use)."""
    return httpx.create_ssl_context()
