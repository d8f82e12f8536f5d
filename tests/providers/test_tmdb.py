"""TMDB v3 client: authentication, the one-call movie request, /find, search and mapping."""

from __future__ import annotations

import json

import httpx
import pytest

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.tmdb import TmdbProvider
from tests.helpers.recorder import Recorder
from tests.helpers.recorder import fixture

MOVIE = fixture("tmdb_movie_27205.json")


def movie_server(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/find/tt1375666"):
        return httpx.Response(
            200,
            json={
                "movie_results": [{"id": 27205, "title": "Inception"}],
                "person_results": [],
                "tv_results": [],
                "tv_episode_results": [],
                "tv_season_results": [],
            },
        )
    if request.url.path.endswith("/find/tt0000001"):
        return httpx.Response(200, json={"movie_results": [], "person_results": [], "tv_results": []})
    if request.url.path.endswith("/movie/27205"):
        return httpx.Response(200, json=MOVIE)
    return httpx.Response(
        404, json={"status_code": 34, "status_message": "The resource you requested could not be found."}
    )


async def test_movie_is_one_request_with_everything_appended() -> None:
    recorder = Recorder(movie_server)
    client = TmdbProvider(api_key="0123456789abcdef0123456789abcdef", transport=recorder.transport)
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205), language="en"))
    assert recorder.paths() == ["/3/movie/27205"]
    params = recorder.requests[0].url.params
    assert params["append_to_response"] == "external_ids,images,videos,credits,release_dates,translations"
    assert params["include_image_language"] == "en,null"
    assert params["api_key"] == "0123456789abcdef0123456789abcdef"
    assert "authorization" not in recorder.requests[0].headers
    fields = data.fields
    assert fields["title"] == "Inception"
    assert fields["runtime"] == 148
    assert fields["release_date"] == "2010-07-15"
    assert fields["year"] == 2010
    assert fields["content_rating"] == "PG-13"  # the US theatrical certification, not GB's
    assert fields["genres"] == ["Action", "Science Fiction", "Adventure"]
    assert fields["directors"] == ["Christopher Nolan"]
    assert fields["writers"] == ["Christopher Nolan"]
    assert fields["studios"] == ["Legendary Pictures", "Syncopy"]
    assert fields["countries"] == ["United Kingdom", "United States of America"]
    assert fields["languages"] == ["English", "Japanese"]
    assert fields["tmdb_rating"] == pytest.approx(8.369)
    assert fields["tmdb_votes"] == 36500
    assert fields["trailer"] == "https://www.youtube.com/watch?v=YoHD9XEInc0"  # official first
    assert fields["cast"][0] == {
        "name": "Leonardo DiCaprio",
        "role": "Dom Cobb",
        "order": 0,
        "thumb": "https://image.tmdb.org/t/p/original/wo2hJpn04vbtmh0B9utCFdsQhxM.jpg",
    }
    assert fields["cast"][2]["thumb"] is None
    assert fields["poster"] == "https://image.tmdb.org/t/p/original/oYuLEt3zVCKq57qu2F8dT7NIa6f.jpg"
    assert fields["fanart"] == "https://image.tmdb.org/t/p/original/8ZTVqvKDQ8emSGUEMjsS4yHAwrp.jpg"
    assert fields["clearlogo"].endswith("/6dcAdVDUaOLCIUb4vcJvlmZITzC.png")
    assert "collection" not in fields  # null in the answer: never stored
    assert fields["tmdb_id"] == 27205 and fields["imdb_id"] == "tt1375666"
    assert data.ids == ExternalIds(tmdb=27205, imdb="tt1375666")
    posters = data.assets_of(AssetType.POSTER)
    assert {p.language for p in posters} == {None, "en", "fr"}
    assert all(p.url.startswith("https://image.tmdb.org/t/p/original/") for p in posters)
    assert posters[0].width == 1000 and posters[0].votes == 20 and posters[0].rating == pytest.approx(5.8)
    assert [a.type for a in data.assets if a.type.is_video] == [
        AssetType.TRAILER,
        AssetType.TRAILER,
        AssetType.TEASER,
    ]
    await client.aclose()


async def test_v4_token_goes_in_the_authorization_header() -> None:
    token = "eyJhbGciOiJIUzI1NiJ9." + "a" * 120 + ".signature"
    recorder = Recorder(movie_server)
    client = TmdbProvider(api_key=token, transport=recorder.transport)
    await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205)))
    request = recorder.requests[0]
    assert request.headers["authorization"] == f"Bearer {token}"
    assert "api_key" not in request.url.params


async def test_imdb_id_is_found_first() -> None:
    recorder = Recorder(movie_server)
    client = TmdbProvider(api_key="k", transport=recorder.transport)
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(imdb="tt1375666")))
    assert recorder.paths() == ["/3/find/tt1375666", "/3/movie/27205"]
    assert recorder.requests[0].url.params["external_source"] == "imdb_id"
    assert data.ids.tmdb == 27205


async def test_id_tmdb_does_not_know_is_not_found() -> None:
    client = TmdbProvider(api_key="k", transport=Recorder(movie_server).transport)
    with pytest.raises(NotFoundError):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(imdb="tt0000001")))
    with pytest.raises(NotFoundError):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=999999999)))


async def test_base_url_keeps_its_path_prefix() -> None:
    recorder = Recorder(movie_server)
    client = TmdbProvider(
        api_key="k", base_url="http://127.0.0.1:9/proxy/tmdb/3/", transport=recorder.transport
    )
    await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205)))
    assert str(recorder.requests[0].url).startswith("http://127.0.0.1:9/proxy/tmdb/3/movie/27205?")


@pytest.mark.parametrize(
    ("status", "body", "headers", "error"),
    [
        (
            401,
            {
                "status_code": 7,
                "status_message": "Invalid API key: You must be granted a valid key.",
                "success": False,
            },
            {},
            AuthenticationError,
        ),
        (
            429,
            {
                "status_code": 25,
                "status_message": "Your request count (#) is over the allowed limit of (40).",
            },
            {"Retry-After": "3"},
            RateLimitedError,
        ),
    ],
)
async def test_error_answers(
    status: int, body: dict[str, object], headers: dict[str, str], error: type[Exception]
) -> None:
    secret = "secret-key-123"
    client = TmdbProvider(
        api_key=secret,
        transport=httpx.MockTransport(lambda r: httpx.Response(status, json=body, headers=headers)),
    )
    with pytest.raises(error) as caught:
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205)))
    assert secret not in str(caught.value)
    if isinstance(caught.value, RateLimitedError):
        assert caught.value.retry_after == 3.0
        assert caught.value.retryable


async def test_search_maps_results() -> None:
    answer = {
        "page": 1,
        "total_pages": 1,
        "total_results": 2,
        "results": [
            {
                "id": 438631,
                "title": "Dune",
                "original_title": "Dune",
                "release_date": "2021-09-15",
                "overview": "Paul...",
                "poster_path": "/d5NXSklXo0qyIYkgV94XAgMIckC.jpg",
                "popularity": 120.5,
            },
            {
                "id": 841,
                "title": "Dune",
                "original_title": "Dune",
                "release_date": "",
                "overview": "",
                "poster_path": None,
                "popularity": 30,
            },
        ],
    }
    recorder = Recorder(lambda r: httpx.Response(200, json=answer))
    client = TmdbProvider(api_key="k", transport=recorder.transport)
    results = await client.search(SearchRequest("Dune", year=2021))
    params = recorder.requests[0].url.params
    assert recorder.paths() == ["/3/search/movie"] and params["query"] == "Dune" and params["year"] == "2021"
    first, second = results
    assert first.external_ids == ExternalIds(tmdb=438631)
    assert (first.title, first.year, first.release_date, first.popularity) == (
        "Dune",
        2021,
        "2021-09-15",
        120.5,
    )
    assert first.poster_url == "https://image.tmdb.org/t/p/original/d5NXSklXo0qyIYkgV94XAgMIckC.jpg"
    assert (second.year, second.release_date, second.overview, second.poster_url) == (None, None, None, None)


def test_parse_tolerates_a_bare_movie_without_appended_parts() -> None:
    bare = {
        k: v
        for k, v in MOVIE.items()
        if k not in ("images", "videos", "credits", "release_dates", "external_ids")
    }
    data = TmdbProvider(api_key="k").parse_movie(json.loads(json.dumps(bare)))
    assert data.fields["poster"] == "https://image.tmdb.org/t/p/original/oYuLEt3zVCKq57qu2F8dT7NIa6f.jpg"
    assert "cast" not in data.fields and "content_rating" not in data.fields
