"""OMDb client: by IMDb id, search, its 200-"False" answers and its two kinds of 401."""

from __future__ import annotations

import httpx
import pytest

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.omdb import OmdbProvider
from tests.helpers.recorder import Recorder
from tests.helpers.recorder import fixture

INCEPTION = MetadataRequest(ids=ExternalIds(imdb="tt1375666"))


def answering(status: int, body: object) -> OmdbProvider:
    return OmdbProvider(
        api_key="omdb-secret", transport=httpx.MockTransport(lambda r: httpx.Response(status, json=body))
    )


async def test_title_by_imdb_id() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, json=fixture("omdb_tt1375666.json")))
    client = OmdbProvider(api_key="omdb-secret", transport=recorder.transport)
    data = await client.get_metadata(INCEPTION)
    params = recorder.requests[0].url.params
    assert recorder.paths() == ["/"]
    assert (params["i"], params["plot"], params["apikey"]) == ("tt1375666", "full", "omdb-secret")
    fields = data.fields
    assert fields["title"] == "Inception" and fields["year"] == 2010
    assert fields["runtime"] == 148
    assert fields["release_date"] == "2010-07-16"
    assert fields["content_rating"] == "PG-13"
    assert fields["genres"] == ["Action", "Adventure", "Sci-Fi"]
    assert fields["cast"][1] == {"name": "Joseph Gordon-Levitt", "role": None, "order": 1, "thumb": None}
    assert fields["imdb_rating"] == 8.8 and isinstance(fields["imdb_rating"], float)
    assert fields["imdb_votes"] == 2345678
    assert fields["rotten_tomatoes_score"] == 87
    assert fields["metacritic_score"] == 74
    assert fields["countries"] == ["United States", "United Kingdom"]
    assert fields["awards"].startswith("Won 4 Oscars")
    assert fields["outline"] == (
        "A thief who steals corporate secrets through the use of dream-sharing technology is given the "
        "inverse task of planting an idea into the mind of a C.E.O."
    )
    assert "studios" not in fields  # "N/A"
    assert all(value != "N/A" for value in fields.values())
    assert data.ids == ExternalIds(imdb="tt1375666") and fields["imdb_id"] == "tt1375666"
    assert [a.type for a in data.assets] == [AssetType.POSTER]


@pytest.mark.parametrize("error", ["Movie not found!", "Incorrect IMDb ID.", "Error getting data."])
async def test_response_false_is_not_found(error: str) -> None:
    with pytest.raises(NotFoundError):
        await answering(200, {"Response": "False", "Error": error}).get_metadata(INCEPTION)


async def test_without_an_imdb_id_there_is_nothing_to_ask() -> None:
    recorder = Recorder(lambda r: httpx.Response(500))
    with pytest.raises(NotFoundError):
        await OmdbProvider(api_key="k", transport=recorder.transport).get_metadata(
            MetadataRequest(ids=ExternalIds(tmdb=27205))
        )
    assert recorder.requests == []


async def test_invalid_key_is_an_authentication_error() -> None:
    with pytest.raises(AuthenticationError) as caught:
        await answering(401, {"Response": "False", "Error": "Invalid API key!"}).get_metadata(INCEPTION)
    assert "Invalid API key!" in caught.value.message and "omdb-secret" not in str(caught.value)
    assert not caught.value.retryable


async def test_request_limit_reached_is_an_exhausted_quota() -> None:
    client = answering(401, {"Response": "False", "Error": "Request limit reached!"})
    with pytest.raises(RateLimitedError) as caught:
        await client.get_metadata(INCEPTION)
    error = caught.value
    assert error.quota_exhausted and error.reset_at is None and not error.retryable
    assert client.rate_limit_status().limited


async def test_unknown_false_answer_is_a_bad_response() -> None:
    with pytest.raises(BadResponseError):
        await answering(200, {"Response": "False", "Error": "Something went wrong."}).get_metadata(INCEPTION)


async def test_search() -> None:
    answer = {
        "Search": [
            {
                "Title": "Emma",
                "Year": "1996",
                "imdbID": "tt0116191",
                "Type": "movie",
                "Poster": "https://m.media-amazon.com/images/M/x.jpg",
            },
            {"Title": "Emma.", "Year": "2020", "imdbID": "tt9214832", "Type": "movie", "Poster": "N/A"},
        ],
        "totalResults": "2",
        "Response": "True",
    }
    recorder = Recorder(lambda r: httpx.Response(200, json=answer))
    results = await OmdbProvider(api_key="k", transport=recorder.transport).search(
        SearchRequest("Emma", year=1996)
    )
    params = recorder.requests[0].url.params
    assert (params["s"], params["y"], params["type"]) == ("Emma", "1996", "movie")
    assert [(r.external_ids.imdb, r.year, r.poster_url is None) for r in results] == [
        ("tt0116191", 1996, False),
        ("tt9214832", 2020, True),
    ]


@pytest.mark.parametrize("error", ["Movie not found!", "Too many results."])
async def test_search_without_usable_results_is_empty(error: str) -> None:
    assert await answering(200, {"Response": "False", "Error": error}).search(SearchRequest("a")) == []
