"""TheTVDB v4 client: login and token renewal, remote-id lookup, search and the movie record."""

from __future__ import annotations

import json

import httpx
import pytest

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.tvdb import TvdbProvider
from tests.helpers.recorder import Recorder
from tests.helpers.recorder import fixture

MOVIE = fixture("tvdb_movie_extended.json")


class FakeTvdb:
    """Issues tokens on /login; `expired` tokens get a 401, as a month-old token does."""

    def __init__(self) -> None:
        self.issued = 0
        self.valid: set[str] = set()
        self.refuse_login = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v4")
        if path == "/login":
            body = json.loads(request.content)
            if self.refuse_login or body.get("apikey") != "tvdb-key":
                return httpx.Response(
                    401, json={"status": "failure", "message": "Unauthorized", "data": None}
                )
            self.issued += 1
            token = f"token-{self.issued}"
            self.valid.add(token)
            return httpx.Response(200, json={"status": "success", "data": {"token": token}})
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid:
            return httpx.Response(401, json={"status": "failure", "message": "Unauthorized", "data": None})
        if path == "/search/remoteid/tt1375666":
            return httpx.Response(
                200, json={"status": "success", "data": [{"movie": {"id": 5123, "name": "Inception"}}]}
            )
        if path.startswith("/search/remoteid/"):
            return httpx.Response(200, json={"status": "success", "data": []})
        if path == "/movies/5123/extended":
            return httpx.Response(200, json=MOVIE)
        if path == "/search":
            return httpx.Response(
                200,
                json={
                    "status": "success",
                    "data": [
                        {
                            "objectID": "movie-5123",
                            "id": "movie-5123",
                            "tvdb_id": "5123",
                            "name": "Inception",
                            "type": "movie",
                            "year": "2010",
                            "first_air_time": "2010-07-15",
                            "image_url": "https://artworks.thetvdb.com/p.jpg",
                            "overview": "",
                            "overviews": {"eng": "A thief..."},
                            "translations": {"eng": "Inception"},
                            "remote_ids": [
                                {"id": "tt1375666", "type": 2, "sourceName": "IMDB"},
                                {"id": "27205", "type": 10, "sourceName": "TheMovieDB.com"},
                            ],
                        }
                    ],
                },
            )
        return httpx.Response(404, json={"status": "failure", "message": "NotFoundException", "data": None})


async def test_logs_in_once_and_sends_the_token() -> None:
    server = FakeTvdb()
    recorder = Recorder(server)
    client = TvdbProvider(api_key="tvdb-key", pin="1234", transport=recorder.transport)
    await client.get_metadata(MetadataRequest(ids=ExternalIds(tvdb=5123)))
    await client.get_metadata(MetadataRequest(ids=ExternalIds(tvdb=5123)))
    assert recorder.paths() == ["/v4/login", "/v4/movies/5123/extended", "/v4/movies/5123/extended"]
    assert json.loads(recorder.requests[0].content) == {"apikey": "tvdb-key", "pin": "1234"}
    assert recorder.requests[1].headers["authorization"] == "Bearer token-1"
    assert recorder.requests[1].url.params["meta"] == "translations"


async def test_expired_token_is_renewed_once_and_the_request_retried() -> None:
    server = FakeTvdb()
    recorder = Recorder(server)
    client = TvdbProvider(api_key="tvdb-key", transport=recorder.transport)
    await client.get_metadata(MetadataRequest(ids=ExternalIds(tvdb=5123)))
    server.valid.clear()  # the month is over
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tvdb=5123)))
    assert data.fields["title"] == "Inception"
    assert recorder.paths()[2:] == ["/v4/movies/5123/extended", "/v4/login", "/v4/movies/5123/extended"]
    assert server.issued == 2


async def test_a_second_401_after_renewal_is_an_authentication_error() -> None:
    server = FakeTvdb()
    client = TvdbProvider(api_key="tvdb-key", transport=Recorder(server).transport)
    await client.get_metadata(MetadataRequest(ids=ExternalIds(tvdb=5123)))
    server.valid.clear()
    server.refuse_login = True
    with pytest.raises(AuthenticationError):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tvdb=5123)))


async def test_wrong_key_fails_at_login() -> None:
    recorder = Recorder(FakeTvdb())
    with pytest.raises(AuthenticationError) as caught:
        await TvdbProvider(api_key="wrong-secret", transport=recorder.transport).search(
            SearchRequest("Inception")
        )
    assert recorder.paths() == ["/v4/login"]
    assert "wrong-secret" not in str(caught.value)


async def test_imdb_id_is_resolved_through_remote_id_search() -> None:
    recorder = Recorder(FakeTvdb())
    client = TvdbProvider(api_key="tvdb-key", transport=recorder.transport)
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(imdb="tt1375666")))
    assert "/v4/search/remoteid/tt1375666" in recorder.paths()
    assert data.ids == ExternalIds(tvdb=5123, imdb="tt1375666", tmdb=27205)
    with pytest.raises(NotFoundError):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(imdb="tt0000001")))


async def test_movie_record_mapping() -> None:
    client = TvdbProvider(api_key="tvdb-key", transport=Recorder(FakeTvdb()).transport)
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tvdb=5123), language="en"))
    fields = data.fields
    assert fields["title"] == "Inception" and "original_title" not in fields
    assert fields["plot"] == "Dom Cobb is a thief who steals secrets from dreams."
    assert fields["tagline"] == "Your mind is the scene of the crime."
    assert (fields["runtime"], fields["year"], fields["release_date"]) == (148, 2010, "2010-07-13")
    assert fields["content_rating"] == "PG-13"
    assert fields["genres"] == ["Action", "Science Fiction"]
    assert [c["name"] for c in fields["cast"]] == ["Leonardo DiCaprio", "Joseph Gordon-Levitt"]
    assert fields["cast"][1] == {
        "name": "Joseph Gordon-Levitt",
        "role": "Arthur",
        "order": 1,
        "thumb": "https://artworks.thetvdb.com/banners/person/2/photo.jpg",
    }
    assert fields["directors"] == ["Christopher Nolan"] and fields["writers"] == ["Christopher Nolan"]
    assert fields["studios"] == ["Warner Bros. Pictures", "Legendary Pictures", "Syncopy"]
    assert fields["countries"] == ["United States", "United Kingdom"]
    assert fields["languages"] == ["English", "Japanese"]
    assert fields["trailer"] == "https://www.youtube.com/watch?v=YoHD9XEInc0"
    assert (fields["tvdb_id"], fields["imdb_id"], fields["tmdb_id"]) == (5123, "tt1375666", 27205)
    assert fields["poster"].endswith("/posters/b.jpg")  # English before German for an English user
    assert fields["fanart"].endswith("/backgrounds/c.jpg")
    assert fields["clearlogo"].endswith("/clearlogo/d.png")
    assert {a.type for a in data.assets} == {AssetType.POSTER, AssetType.FANART, AssetType.CLEARLOGO}
    background = data.assets_of(AssetType.FANART)[0]
    assert (background.language, background.width, background.height) == (None, 1920, 1080)
    assert {a.language for a in data.assets_of(AssetType.POSTER)} == {"de", "en"}


async def test_german_user_gets_the_german_plot_and_poster() -> None:
    client = TvdbProvider(api_key="tvdb-key", transport=Recorder(FakeTvdb()).transport)
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tvdb=5123), language="de"))
    assert data.fields["plot"] == "Dom Cobb ist ein Dieb."
    assert data.fields["poster"].endswith("/posters/a.jpg")


async def test_search() -> None:
    recorder = Recorder(FakeTvdb())
    results = await TvdbProvider(api_key="tvdb-key", transport=recorder.transport).search(
        SearchRequest("Inception", year=2010)
    )
    params = recorder.requests[-1].url.params
    assert (params["query"], params["type"], params["year"]) == ("Inception", "movie", "2010")
    (result,) = results
    assert result.external_ids == ExternalIds(tvdb=5123, imdb="tt1375666", tmdb=27205)
    assert (result.title, result.year, result.release_date, result.overview) == (
        "Inception",
        2010,
        "2010-07-15",
        "A thief...",
    )


def test_series_record_uses_series_artwork_codes() -> None:
    record = {
        "id": 81189,
        "name": "Breaking Bad",
        "year": "2008",
        "firstAired": "2008-01-20",
        "averageRuntime": 47,
        "overview": "A teacher turns to crime.",
        "originalLanguage": "eng",
        "artworks": [
            {"image": "https://a/p.jpg", "type": 2, "language": "eng", "includesText": True},
            {"image": "https://a/s.jpg", "type": 7, "language": "eng", "includesText": True},
        ],
        "remoteIds": [
            {"id": "tt0903747", "sourceName": "IMDB"},
            {"id": "1396", "sourceName": "TheMovieDB.com"},
        ],
        "companies": [{"name": "AMC", "companyType": {"companyTypeName": "Network"}}],
    }
    data = TvdbProvider(api_key="k").parse_record(record, EntityType.TVSHOW)
    assert (
        data.fields["poster"] == "https://a/p.jpg" and len(data.assets) == 1
    )  # the season poster is left out
    assert (data.fields["release_date"], data.fields["runtime"], data.fields["studios"]) == (
        "2008-01-20",
        47,
        ["AMC"],
    )
    assert data.ids == ExternalIds(tvdb=81189, imdb="tt0903747", tmdb=1396)
