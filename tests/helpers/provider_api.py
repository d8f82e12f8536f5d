"""`ProviderApi`: every provider's host answered in memory (401 for a wrong key, a connection error
when "down", otherwise an empty well-formed answer), for tests that open the real services."""

from __future__ import annotations

import httpx

HOSTS = {
    "api.themoviedb.org": "tmdb",
    "www.omdbapi.com": "omdb",
    "api4.thetvdb.com": "tvdb",
    "webservice.fanart.tv": "fanart",
}
GOOD_KEYS = {
    "tmdb": "good-tmdb-key",
    "omdb": "good-omdb-key",
    "tvdb": "good-tvdb-key",
    "fanart": "good-fanart-key",
}


class ProviderApi:
    """Answers every provider's requests: 401 for a wrong key, a connection error when "down",
    otherwise an empty but well-formed answer.

    Attributes:
        down: providers whose host refuses connections.
        requests: every request seen, as (provider id, path).
    """

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.requests: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        provider = HOSTS.get(request.url.host or "", "other")
        self.requests.append((provider, request.url.path))
        if provider in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        params = request.url.params
        key = params.get("api_key") or params.get("apikey") or request.headers.get("authorization", "")
        if provider not in GOOD_KEYS or GOOD_KEYS[provider] not in key:
            return httpx.Response(
                401, json={"status_message": "Invalid API key: You must be granted a valid key."}
            )
        return httpx.Response(200, json={"page": 1, "results": [], "total_results": 0})
