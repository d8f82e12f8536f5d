"""Conformance with the real services, from answers recorded from the live APIs.

Each recording in ../shared/reference-responses (beside the checkout; the tests skip when it is
absent) goes through the right client and must give the expected canonical fields; and the
sandbox's answer to the same request must have the same keys and value types as the recording (a
recursive comparison of shapes, not of values).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.fanart import FanartProvider
from metarr_desktop.providers.omdb import OmdbProvider
from metarr_desktop.providers.tmdb import TmdbProvider
from metarr_desktop.providers.tvdb import TvdbProvider
from metarr_desktop.sandbox import DEMO_KEYS
from metarr_desktop.sandbox import SandboxLimits
from metarr_desktop.sandbox import SandboxServer

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-responses"

pytestmark = [
    pytest.mark.conformance,
    pytest.mark.skipif(
        not REFERENCE.is_dir(), reason="../shared/reference-responses is not beside the checkout"
    ),
]


def recorded(name: str) -> Any:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def serving(routes: dict[str, tuple[int, Any]]) -> httpx.MockTransport:
    """Answer each path ending with a route key with its (status, recorded body)."""

    def handler(request: httpx.Request) -> httpx.Response:
        for suffix, (status, body) in routes.items():
            if request.url.path.endswith(suffix):
                return httpx.Response(status, json=body)
        return httpx.Response(404, json={"status_code": 34, "status_message": "not in this test"})

    return httpx.MockTransport(handler)


# --------------------------------------------------------------------------------------------------
# The clients read what the real services send
# --------------------------------------------------------------------------------------------------


def tmdb_movie_550() -> dict[str, Any]:
    """The details with the separately recorded parts appended, as one append_to_response call."""
    body: dict[str, Any] = recorded("tmdb/jdrouet_movie-details.json")
    for key, name in (
        ("images", "movie-images"),
        ("videos", "movie-videos"),
        ("credits", "movie-credits"),
        ("release_dates", "movie-release-dates"),
        ("external_ids", "movie-external-ids"),
    ):
        part = recorded(f"tmdb/jdrouet_{name}.json")
        part.pop("id", None)
        body[key] = part
    return body


async def test_tmdb_movie() -> None:
    client = TmdbProvider(api_key="k", transport=serving({"/movie/550": (200, tmdb_movie_550())}))
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=550)))
    fields = data.fields
    assert (fields["title"], fields["runtime"], fields["release_date"], fields["year"]) == (
        "Fight Club",
        139,
        "1999-10-15",
        1999,
    )
    assert fields["content_rating"] == "R"
    assert fields["genres"] == ["Drama"]
    assert fields["tagline"] == "Mischief. Mayhem. Soap."
    assert fields["tmdb_rating"] == pytest.approx(8.44) and fields["tmdb_votes"] == 27917
    assert fields["directors"] == ["David Fincher"]
    assert fields["writers"] == ["Chuck Palahniuk", "Jim Uhls"]
    assert fields["cast"][:2] == [
        {
            "name": "Edward Norton",
            "role": "Narrator",
            "order": 0,
            "thumb": "https://image.tmdb.org/t/p/original/5XBzD5WuTyVQZeS4VI25z2moMeY.jpg",
        },
        {
            "name": "Brad Pitt",
            "role": "Tyler Durden",
            "order": 1,
            "thumb": "https://image.tmdb.org/t/p/original/cckcYc2v0yh1tc9QjRelptcOBko.jpg",
        },
    ]
    assert "Fox 2000 Pictures" in fields["studios"]
    assert fields["countries"] == ["Germany", "United States of America"]
    assert fields["languages"] == ["English"]
    assert "collection" not in fields
    assert fields["trailer"] == "https://www.youtube.com/watch?v=dfeUzm6KF4g"
    for name in ("poster", "fanart", "clearlogo"):
        assert fields[name].startswith("https://image.tmdb.org/t/p/original/")
    assert data.ids == ExternalIds(tmdb=550, imdb="tt0137523")
    assert len(data.assets_of(AssetType.POSTER)) == 102
    assert len(data.assets_of(AssetType.FANART)) == 55
    assert len(data.assets_of(AssetType.CLEARLOGO)) == 45
    assert all(
        isinstance(a.votes, int) and isinstance(a.width, int) for a in data.assets if not a.type.is_video
    )


async def test_tmdb_search() -> None:
    client = TmdbProvider(
        api_key="k", transport=serving({"/search/movie": (200, recorded("tmdb/jdrouet_search-movie.json"))})
    )
    (result,) = await client.search(SearchRequest("RRRrrrr"))
    assert result.external_ids == ExternalIds(tmdb=21778)
    assert (result.title, result.year, result.release_date) == ("RRRrrrr!!!", 2004, "2004-01-28")
    assert result.poster_url == "https://image.tmdb.org/t/p/original/qsGU6myn85MfqpNAxzJtxJ3VgrM.jpg"


async def test_tmdb_find_by_imdb_id_leads_to_the_movie() -> None:
    requests: list[str] = []
    find = recorded("tmdb/jdrouet_find-by-id-movie.json")

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request.url.path)
        if "/find/" in request.url.path:
            return httpx.Response(200, json=find)
        return httpx.Response(200, json=recorded("tmdb/jdrouet_movie-details.json"))

    client = TmdbProvider(api_key="k", transport=httpx.MockTransport(handler))
    await client.get_metadata(MetadataRequest(ids=ExternalIds(imdb="tt31193180")))
    assert requests == ["/3/find/tt31193180", "/3/movie/1233413"]


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("tmdb/jdrouet_find-by-id-show.json", ExternalIds(tvdb=72023)),  # a series and an episode, no movie
        ("tmdb/jdrouet_find-by-id-person.json", ExternalIds(imdb="tt0000093")),  # a person
    ],
)
async def test_tmdb_find_without_a_movie_is_not_found(name: str, ids: ExternalIds) -> None:
    client = TmdbProvider(api_key="k", transport=serving({"/find/": (200, recorded(name))}))
    with pytest.raises(NotFoundError):
        await client.get_metadata(MetadataRequest(ids=ids))


@pytest.mark.parametrize(
    ("name", "status", "error", "text"),
    [
        ("tmdb/jdrouet_invalid-api-key.json", 401, AuthenticationError, "Invalid API key"),
        ("tmdb/jdrouet_resource-not-found.json", 404, NotFoundError, "not found"),
        ("tmdb/jdrouet_validation-error.json", 422, BadResponseError, "query must be provided"),
    ],
)
async def test_tmdb_errors(name: str, status: int, error: type[Exception], text: str) -> None:
    client = TmdbProvider(api_key="k", transport=serving({"/movie/550": (status, recorded(name))}))
    with pytest.raises(error) as caught:
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=550)))
    assert text in str(caught.value)


async def test_omdb_title() -> None:
    body = recorded("omdb/barrust_movie_tt0190332_by_id_200.json")
    client = OmdbProvider(api_key="k", transport=serving({"/": (200, body)}))
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(imdb="tt0190332")))
    fields = data.fields
    assert (fields["title"], fields["year"], fields["runtime"], fields["release_date"]) == (
        "Crouching Tiger, Hidden Dragon",
        2000,
        120,
        "2001-01-12",
    )
    assert (fields["imdb_rating"], fields["imdb_votes"]) == (7.9, 285100)
    assert (fields["rotten_tomatoes_score"], fields["metacritic_score"]) == (98, 94)
    assert fields["content_rating"] == "PG-13"
    assert fields["genres"] == ["Action", "Adventure", "Drama"]
    assert fields["directors"] == ["Ang Lee"]
    assert fields["writers"] == ["Hui-Ling Wang", "James Schamus", "Kuo Jung Tsai"]
    assert fields["countries"] == ["Taiwan", "Hong Kong", "United States", "China"]
    assert fields["awards"] == "Won 4 Oscars. 101 wins & 132 nominations total"
    assert "studios" not in fields  # "N/A"
    assert data.ids == ExternalIds(imdb="tt0190332")


async def test_omdb_answers_that_say_no() -> None:
    request = MetadataRequest(ids=ExternalIds(imdb="tt0190332"))
    not_found = recorded("omdb/barrust_error_movie_not_found_200_01.json")
    with pytest.raises(NotFoundError):
        await OmdbProvider(api_key="k", transport=serving({"/": (200, not_found)})).get_metadata(request)
    too_many = recorded("omdb/barrust_error_too_many_results_200.json")
    assert (
        await OmdbProvider(api_key="k", transport=serving({"/": (200, too_many)})).search(SearchRequest("a"))
        == []
    )
    bad_key = recorded("omdb/barrust_error_invalid_api_key_401.json")
    with pytest.raises(AuthenticationError):
        await OmdbProvider(api_key="k", transport=serving({"/": (401, bad_key)})).get_metadata(request)
    limit = recorded("omdb/barrust_search_order_paged_then_request_limit_reached_401_10.json")
    with pytest.raises(RateLimitedError) as caught:
        await OmdbProvider(api_key="k", transport=serving({"/": (401, limit)})).get_metadata(request)
    assert caught.value.quota_exhausted and caught.value.reset_at is None


async def test_omdb_search_page() -> None:
    page = recorded("omdb/barrust_search_order_paged_then_request_limit_reached_401_01.json")
    results = await OmdbProvider(api_key="k", transport=serving({"/": (200, page)})).search(
        SearchRequest("Order")
    )
    assert len(results) == 10
    assert (results[0].external_ids.imdb, results[0].year) == ("tt0373889", 2007)
    assert results[1].year == 1999  # "1999–"


async def test_tvdb_series_by_imdb_id() -> None:
    routes = {
        "/login": (200, recorded("tvdb/lundflix_login_SANITIZED_token.json")),
        "/search/remoteid/tt0903747": (200, {"status": "success", "data": []}),
        "/search/remoteid/tt0944947": (200, recorded("tvdb/lundflix_search_remoteid_tt0944947_series.json")),
        "/series/121361/extended": (200, recorded("tvdb/lundflix_series_extended.json")),
    }
    seen: list[httpx.Request] = []
    transport = serving(routes)

    async def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return await transport.handle_async_request(request)

    client = TvdbProvider(api_key="k", transport=httpx.MockTransport(record))
    data = await client.get_metadata(
        MetadataRequest(ids=ExternalIds(imdb="tt0944947"), entity_type=EntityType.TVSHOW)
    )
    assert seen[1].headers["authorization"] == "Bearer test.jwt.token"
    assert seen[2].url.path.endswith("/series/121361/extended")
    # The extended record served here is the recorded Breaking Bad one.
    fields = data.fields
    assert (fields["title"], fields["year"], fields["release_date"], fields["runtime"]) == (
        "Breaking Bad",
        2008,
        "2008-01-20",
        48,
    )
    assert fields["content_rating"] == "TV-MA"
    assert fields["genres"][:2] == ["Drama", "Crime"]
    assert fields["cast"][0]["name"] and fields["cast"][0]["thumb"].startswith("https://")
    assert "AMC" in fields["studios"]
    assert fields["languages"] == ["English"]
    assert data.ids == ExternalIds(tvdb=81189, imdb="tt0903747", tmdb=1396)
    assert fields["poster"].startswith("https://artworks.thetvdb.com/")
    assert fields["clearlogo"].endswith(".png") and fields["clearart"].endswith(".png")
    assert {a.type for a in data.assets} == {
        AssetType.POSTER,
        AssetType.FANART,
        AssetType.BANNER,
        AssetType.CLEARLOGO,
        AssetType.CLEARART,
    }
    backgrounds = data.assets_of(AssetType.FANART)
    assert any(a.language is None for a in backgrounds)  # "includesText": false
    assert data.fields["fanart"] in {a.url for a in backgrounds if a.language is None}


async def test_fanart_v32() -> None:
    body = recorded("fanart/nexio_v3.2_movies_550_fight_club.json")
    client = FanartProvider(api_key="k", transport=serving({"/movies/550": (200, body)}))
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=550)))
    fields = data.fields
    assert fields["poster"] == "https://assets.fanart.tv/fanart/fight-club-522a5477c7bd3.jpg"  # 15 likes, en
    assert fields["clearlogo"] == "https://assets.fanart.tv/fanart/fight-club-504c0530d5f93.png"  # HD, en, 8
    for name in ("fanart", "clearart", "banner", "thumb", "disc"):
        assert fields[name].startswith("https://assets.fanart.tv/fanart/")
    assert data.ids == ExternalIds(tmdb=550, imdb="tt0137523")
    assert len(data.assets) == 88  # image_count
    poster = data.assets_of(AssetType.POSTER)[0]
    assert (poster.width, poster.height, poster.votes, poster.language) == (1000, 1426, 15, "en")
    assert all(a.language is None for a in data.assets_of(AssetType.FANART))


# --------------------------------------------------------------------------------------------------
# The sandbox answers in the same shapes
# --------------------------------------------------------------------------------------------------


def shape_problems(recorded_value: Any, served: Any, path: str = "$") -> list[str]:
    """Where `served` differs in keys or value types from `recorded_value` (null matches anything;
    an empty list on either side matches any list; an int may stand where a float was recorded)."""
    if recorded_value is None or served is None:
        return []
    if isinstance(recorded_value, dict):
        if not isinstance(served, dict):
            return [f"{path}: object expected, got {type(served).__name__}"]
        problems = [f"{path}.{key}: missing" for key in recorded_value if key not in served]
        for key, value in recorded_value.items():
            if key in served:
                problems += shape_problems(value, served[key], f"{path}.{key}")
        return problems
    if isinstance(recorded_value, list):
        if not isinstance(served, list):
            return [f"{path}: list expected, got {type(served).__name__}"]
        if not recorded_value or not served:
            return []
        problems = []
        for index, item in enumerate(served):
            problems += shape_problems(recorded_value[0], item, f"{path}[{index}]")
        return problems
    if isinstance(recorded_value, bool) or isinstance(served, bool):
        ok = isinstance(recorded_value, bool) and isinstance(served, bool)
    elif isinstance(recorded_value, float):
        ok = isinstance(served, int | float)
    else:
        ok = type(recorded_value) is type(served)
    return [] if ok else [f"{path}: {type(recorded_value).__name__} expected, got {type(served).__name__}"]


def test_shape_comparison_catches_differences() -> None:
    assert shape_problems({"a": 1, "b": [{"c": "x"}]}, {"a": 2, "b": [{"c": "y"}], "extra": 1}) == []
    assert shape_problems({"a": 1, "b": [{"c": "x"}]}, {"a": "1", "b": [{"d": 1}]}) == [
        "$.a: int expected, got str",
        "$.b[0].c: missing",
    ]
    assert shape_problems({"a": 1.5}, {"a": 2}) == [] and shape_problems({"a": 1}, {"a": 2.0}) != []


TMDB_KEY = {"api_key": DEMO_KEYS["tmdb"]}
OMDB_KEY = {"apikey": DEMO_KEYS["omdb"]}

#: recording -> (service, method, path under the sandbox base URL, query, JSON body)
SANDBOX_REQUESTS: dict[str, tuple[str, str, str, dict[str, str], Any]] = {
    "tmdb/jdrouet_movie-details.json": ("tmdb", "GET", "/movie/550", TMDB_KEY, None),
    "tmdb/jdrouet_movie-images.json": ("tmdb", "GET", "/movie/550/images", TMDB_KEY, None),
    "tmdb/jdrouet_movie-videos.json": ("tmdb", "GET", "/movie/550/videos", TMDB_KEY, None),
    "tmdb/jdrouet_movie-release-dates.json": ("tmdb", "GET", "/movie/550/release_dates", TMDB_KEY, None),
    "tmdb/jdrouet_movie-external-ids.json": ("tmdb", "GET", "/movie/550/external_ids", TMDB_KEY, None),
    "tmdb/jdrouet_movie-credits.json": ("tmdb", "GET", "/movie/550/credits", TMDB_KEY, None),
    "tmdb/jdrouet_search-movie.json": (
        "tmdb",
        "GET",
        "/search/movie",
        {**TMDB_KEY, "query": "Fight Club"},
        None,
    ),
    "tmdb/jdrouet_find-by-id-movie.json": (
        "tmdb",
        "GET",
        "/find/tt0137523",
        {**TMDB_KEY, "external_source": "imdb_id"},
        None,
    ),
    "tmdb/jdrouet_find-by-id-show.json": (
        "tmdb",
        "GET",
        "/find/81189",
        {**TMDB_KEY, "external_source": "tvdb_id"},
        None,
    ),
    "tmdb/jdrouet_find-by-id-person.json": (
        "tmdb",
        "GET",
        "/find/tt0137523",
        {**TMDB_KEY, "external_source": "imdb_id"},
        None,
    ),
    "tmdb/jdrouet_invalid-api-key.json": ("tmdb", "GET", "/movie/550", {"api_key": "wrong"}, None),
    "tmdb/jdrouet_resource-not-found.json": ("tmdb", "GET", "/movie/999999999", TMDB_KEY, None),
    "tmdb/jdrouet_validation-error.json": ("tmdb", "GET", "/search/movie", TMDB_KEY, None),
    "omdb/barrust_movie_tt0190332_by_id_200.json": ("omdb", "GET", "/", {**OMDB_KEY, "i": "tt0190332"}, None),
    "omdb/barrust_error_invalid_api_key_401.json": (
        "omdb",
        "GET",
        "/",
        {"apikey": "wrong", "i": "tt0190332"},
        None,
    ),
    "omdb/barrust_error_movie_not_found_200_01.json": (
        "omdb",
        "GET",
        "/",
        {**OMDB_KEY, "s": "Zzyzx Qwerty"},
        None,
    ),
    "omdb/barrust_error_too_many_results_200.json": ("omdb", "GET", "/", {**OMDB_KEY, "s": "a"}, None),
    "omdb/barrust_search_order_paged_then_request_limit_reached_401_01.json": (
        "omdb",
        "GET",
        "/",
        {**OMDB_KEY, "s": "Dune", "page": "1"},
        None,
    ),
    "tvdb/lundflix_login_SANITIZED_token.json": ("tvdb", "POST", "/login", {}, {"apikey": DEMO_KEYS["tvdb"]}),
    "tvdb/lundflix_search_remoteid_tt0944947_series.json": (
        "tvdb",
        "GET",
        "/search/remoteid/tt0944947",
        {},
        None,
    ),
    "tvdb/lundflix_series_extended.json": ("tvdb", "GET", "/series/81189/extended", {}, None),
    "tvdb/lundflix_series_empty.json": ("tvdb", "GET", "/series", {"page": "400"}, None),
}

RECORDED_STATUS = {
    "tmdb/jdrouet_invalid-api-key.json": 401,
    "tmdb/jdrouet_resource-not-found.json": 404,
    "tmdb/jdrouet_validation-error.json": 422,
    "omdb/barrust_error_invalid_api_key_401.json": 401,
}


def test_every_recording_is_checked() -> None:
    recordings = {str(p.relative_to(REFERENCE)) for p in REFERENCE.rglob("*.json")}
    checked = set(SANDBOX_REQUESTS) | {
        "omdb/barrust_search_order_paged_then_request_limit_reached_401_10.json",
        "fanart/nexio_v3.2_movies_550_fight_club.json",
    }
    assert recordings <= checked, f"recordings without a sandbox check: {sorted(recordings - checked)}"


@pytest.fixture(scope="module")
def served_sandbox() -> Any:
    server = SandboxServer("demo", seed=1, limits=SandboxLimits.none())
    server.start()
    yield server
    server.stop()


def tvdb_token(client: httpx.Client, server: SandboxServer) -> str:
    login = client.post(f"{server.urls['tvdb']}/login", json={"apikey": DEMO_KEYS["tvdb"]})
    return str(login.json()["data"]["token"])


@pytest.mark.parametrize("name", list(SANDBOX_REQUESTS))
def test_sandbox_answers_in_the_recorded_shape(name: str, served_sandbox: SandboxServer) -> None:
    service, method, path, query, body = SANDBOX_REQUESTS[name]
    with httpx.Client(timeout=10) as client:
        headers: dict[str, str] = {}
        if service == "tvdb" and path != "/login":
            headers["Authorization"] = f"Bearer {tvdb_token(client, served_sandbox)}"
        answer = client.request(
            method, served_sandbox.urls[service] + path, params=query, json=body, headers=headers
        )
    assert answer.status_code == RECORDED_STATUS.get(name, 200)
    problems = shape_problems(recorded(name), answer.json())
    assert problems == [], "\n".join(problems)


def test_sandbox_request_limit_shape() -> None:
    name = "omdb/barrust_search_order_paged_then_request_limit_reached_401_10.json"
    with SandboxServer("demo", limits=SandboxLimits().with_quota("omdb", 0)) as server:
        answer = httpx.get(f"{server.urls['omdb']}/", params={**OMDB_KEY, "i": "tt0190332"}, timeout=10)
    assert answer.status_code == 401
    assert answer.json() == recorded(name)


def test_sandbox_fanart_v32_shape(served_sandbox: SandboxServer) -> None:
    url = served_sandbox.urls["fanart"].replace("/v3", "/v3.2") + "/movies/550"
    answer = httpx.get(url, params={"api_key": DEMO_KEYS["fanart"]}, timeout=10)
    problems = shape_problems(recorded("fanart/nexio_v3.2_movies_550_fight_club.json"), answer.json())
    assert problems == [], "\n".join(problems)


async def test_sandbox_answers_parse_like_recordings(served_sandbox: SandboxServer) -> None:
    """The sandbox's Fight Club goes through the clients like the recorded one."""
    request = MetadataRequest(ids=ExternalIds(tmdb=550, imdb="tt0137523"))
    for cls in (TmdbProvider, OmdbProvider):
        client = cls(api_key=DEMO_KEYS[cls.id], base_url=served_sandbox.urls[cls.id])
        data = await client.get_metadata(request)
        assert (data.fields["title"], data.fields["runtime"], data.fields["year"]) == (
            "Fight Club",
            139,
            1999,
        )
        assert data.ids.imdb == "tt0137523"
        await client.aclose()
