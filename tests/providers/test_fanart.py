"""fanart.tv client: the v3 and v3.2 shapes, languages, likes and the best image per field."""

from __future__ import annotations

import httpx
import pytest

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.fanart import FanartProvider
from tests.helpers.recorder import Recorder
from tests.helpers.recorder import fixture

V3 = fixture("fanart_v3_27205.json")


async def test_v3_answer() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, json=V3))
    client = FanartProvider(api_key="fanart-key", transport=recorder.transport)
    data = await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=27205, imdb="tt1375666")))
    assert recorder.paths() == ["/v3/movies/27205"]
    assert recorder.requests[0].url.params["api_key"] == "fanart-key"
    fields = data.fields
    assert fields["poster"].endswith("inception-e.jpg")  # English before no-text for an English user
    assert fields["fanart"].endswith("inception-f.jpg")
    assert fields["clearlogo"].endswith("inception-b.png")  # HD before SD, even with fewer likes
    assert fields["clearart"].endswith("inception-j.png")  # only SD clear art exists
    assert fields["disc"].endswith("inception-g.png") and fields["banner"].endswith("inception-i.jpg")
    assert fields["thumb"].endswith("inception-h.jpg")
    assert data.ids == ExternalIds(tmdb=27205, imdb="tt1375666")
    posters = data.assets_of(AssetType.POSTER)
    assert [(p.language, p.votes, p.width) for p in posters] == [(None, 7, None), ("en", 2, None)]
    assert data.assets_of(AssetType.FANART)[0].language is None  # "" means no text
    assert len(data.assets_of(AssetType.CLEARLOGO)) == 3


def test_v32_sizes_are_numbers_and_placeholder_sizes_are_dropped() -> None:
    body = {
        "name": "Fight Club",
        "tmdb_id": "550",
        "imdb_id": "tt0137523",
        "movieposter_count": 1,
        "image_count": 2,
        "movieposter": [
            {
                "id": "1",
                "url": "https://assets.fanart.tv/fanart/p.jpg",
                "lang": "en",
                "likes": "15",
                "added": "2013-09-07 19:55:36",
                "width": "1000",
                "height": "1426",
            }
        ],
        "movielogo": [
            {
                "id": "2",
                "url": "https://assets.fanart.tv/fanart/l.png",
                "lang": "en",
                "likes": "6",
                "added": "2012-01-17 22:49:39",
                "width": "1",
                "height": "1",
            }
        ],
    }
    data = FanartProvider(api_key="k").parse_movie(body)
    poster, logo = data.assets
    assert (poster.width, poster.height, poster.votes) == (1000, 1426, 15)
    assert (logo.width, logo.height) == (None, None)


async def test_imdb_id_is_used_without_a_tmdb_id() -> None:
    recorder = Recorder(lambda r: httpx.Response(200, json=V3))
    await FanartProvider(api_key="k", transport=recorder.transport).get_metadata(
        MetadataRequest(ids=ExternalIds(imdb="tt1375666"))
    )
    assert recorder.paths() == ["/v3/movies/tt1375666"]


@pytest.mark.parametrize("status", [404, 200])
async def test_not_found(status: int) -> None:
    client = FanartProvider(
        api_key="k",
        transport=httpx.MockTransport(
            lambda r: httpx.Response(status, json={"status": "error", "error message": "Not found"})
        ),
    )
    with pytest.raises(NotFoundError):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=1)))


async def test_no_search_and_no_tv() -> None:
    recorder = Recorder(lambda r: httpx.Response(500))
    client = FanartProvider(api_key="k", transport=recorder.transport)
    assert await client.search(SearchRequest("Inception")) == []
    with pytest.raises(NotFoundError):
        await client.get_metadata(MetadataRequest(ids=ExternalIds(tmdb=1), entity_type=EntityType.TVSHOW))
    assert recorder.requests == []
