"""TMDB: the collection's name follows the language chain (one more request, only for a chain with
a language other than English); a failed collection request keeps the film's answer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.tmdb import TmdbProvider

KEY = "0123456789abcdef0123456789abcdef"


def movie() -> dict[str, Any]:
    return {
        "id": 603,
        "title": "Matrix",
        "original_title": "The Matrix",
        "original_language": "en",
        "overview": "",
        "belongs_to_collection": {"id": 2344, "name": "The Matrix Collection"},
        "translations": {"translations": []},
    }


def collection() -> dict[str, Any]:
    def entry(lang: str, country: str, title: str) -> dict[str, Any]:
        return {
            "iso_3166_1": country,
            "iso_639_1": lang,
            "name": lang,
            "english_name": lang,
            "data": {"title": title, "overview": "", "homepage": ""},
        }

    return {
        "id": 2344,
        "name": "The Matrix Collection",
        "parts": [],
        "translations": {
            "translations": [
                entry("en", "US", "The Matrix Collection"),
                entry("de", "DE", "Matrix Filmreihe"),
                entry("fr", "FR", "Matrix - Saga\x1b[2J"),
                entry("es", "ES", ""),
            ]
        },
    }


async def fetch(
    language: str, fallbacks: tuple[str, ...], collection_reply: httpx.Response
) -> tuple[dict[str, Any], dict[str, str], list[httpx.Request]]:
    requests: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path.endswith("/collection/2344"):
            return collection_reply
        return httpx.Response(200, json=movie())

    client = TmdbProvider(api_key=KEY, transport=httpx.MockTransport(server))
    try:
        data = await client.get_metadata(
            MetadataRequest(ids=ExternalIds(tmdb=603), language=language, fallback_languages=fallbacks)
        )
    finally:
        await client.aclose()
    return data.fields, data.languages, requests


async def test_the_collection_takes_the_first_chain_language_with_a_name() -> None:
    fields, languages, requests = await fetch(
        "es-ES", ("fr", "de", "en"), httpx.Response(200, json=collection())
    )
    # es is empty: French, with its control characters stripped at the boundary.
    assert fields["collection"].startswith("Matrix - Saga") and languages["collection"] == "fr-FR"
    assert "\x1b" not in fields["collection"]
    assert len(requests) == 2
    params = requests[1].url.params
    assert (params["language"], params["append_to_response"]) == ("es-ES", "translations")
    # However long the chain: still one request for the collection.
    _, _, longer = await fetch(
        "es-ES", ("pt-BR", "it", "ja", "fr", "de", "en"), httpx.Response(200, json=collection())
    )
    assert len(longer) == 2


async def test_an_english_chain_needs_no_collection_request() -> None:
    fields, languages, requests = await fetch("en-US", ("en",), httpx.Response(500))
    assert fields["collection"] == "The Matrix Collection" and "collection" not in languages
    assert len(requests) == 1


async def test_a_failed_collection_request_keeps_the_films_answer() -> None:
    fields, languages, _ = await fetch("de-DE", ("en",), httpx.Response(404, json={"status_code": 34}))
    assert fields["title"] == "Matrix" and fields["collection"] == "The Matrix Collection"
    assert "collection" not in languages
    with pytest.raises(RateLimitedError):
        await fetch(
            "de-DE", ("en",), httpx.Response(429, headers={"Retry-After": "1"}, json={"status_code": 25})
        )
