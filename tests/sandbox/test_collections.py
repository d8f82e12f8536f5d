"""The sandbox's TMDB names collections in the requested language: ``/collection/{id}`` with its
translations (``data.title``, as TMDB), and a film's ``belongs_to_collection``."""

from __future__ import annotations

import httpx

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.providers.tmdb import TmdbProvider
from metarr_desktop.sandbox import DEMO_KEYS
from metarr_desktop.sandbox import SandboxServer
from tests.helpers.sandbox import client_for


async def get(sandbox: SandboxServer, path: str, **params: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.get(
            f"{sandbox.urls['tmdb']}{path}", params={"api_key": DEMO_KEYS["tmdb"], **params}
        )


async def test_a_collection_in_tmdbs_shape(sandbox: SandboxServer) -> None:
    body = (
        await get(sandbox, "/collection/2344", language="de-DE", append_to_response="translations")
    ).json()
    assert body["id"] == 2344 and body["name"] == "Matrix Filmreihe"
    assert [p["id"] for p in body["parts"]] == [603]
    entries = {(t["iso_639_1"], t["iso_3166_1"]): t["data"] for t in body["translations"]["translations"]}
    assert entries[("de", "DE")]["title"] == "Matrix Filmreihe"
    assert entries[("en", "US")]["title"] == "The Matrix Collection"
    assert set(entries[("fr", "FR")]) == {"title", "overview", "homepage"}
    # Without a name in the language the English one (TMDB never leaves a collection unnamed).
    assert (await get(sandbox, "/collection/2344", language="ja-JP")).json()[
        "name"
    ] == "The Matrix Collection"
    assert "translations" not in (await get(sandbox, "/collection/2344")).json()
    only = (await get(sandbox, "/collection/2344/translations")).json()
    assert only["id"] == 2344 and only["translations"]  # the list itself, as TMDB
    assert (await get(sandbox, "/collection/999999")).status_code == 404


async def test_a_films_collection_is_named_in_the_requested_language(sandbox: SandboxServer) -> None:
    body = (await get(sandbox, "/movie/603", language="fr-FR")).json()
    assert body["belongs_to_collection"]["name"] == "Matrix - Saga"
    client = client_for(sandbox, TmdbProvider)
    request = MetadataRequest(ids=ExternalIds(tmdb=862), language="es-ES", fallback_languages=("fr", "en"))
    data = await client.get_metadata(request)
    await client.aclose()
    assert (data.fields["collection"], data.languages["collection"]) == ("Toy Story - Saga", "fr-FR")
