"""Generated artwork: a deterministic PNG for every artwork URL the simulated providers hand out,
served on the sandbox's image route and reached through the demo mode's rewriting transport."""

from __future__ import annotations

import struct
import zlib

import httpx
import pytest

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.providers.fanart import FanartProvider
from metarr_desktop.providers.omdb import OmdbProvider
from metarr_desktop.providers.tmdb import TmdbProvider
from metarr_desktop.providers.tvdb import TvdbProvider
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox import load_demo
from metarr_desktop.sandbox.artwork import ArtworkIndex
from metarr_desktop.sandbox.artwork import artwork_kind
from metarr_desktop.sandbox.artwork import artwork_size
from metarr_desktop.sandbox.artwork import render_artwork
from metarr_desktop.sandbox.catalog import digest
from metarr_desktop.sandbox.images import sandbox_image_transport
from metarr_desktop.sandbox.tmdb_api import image_path
from tests.helpers.sandbox import client_for


def png_info(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) of a PNG, after checking every chunk's CRC and the pixels' size."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks, idat = 8, [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        tag = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(tag + body) & 0xFFFFFFFF
        chunks.append(tag)
        if tag == b"IDAT":
            idat += body
        offset += 12 + length
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    channels = 4 if colour_type == 6 else 3
    assert depth == 8 and len(zlib.decompress(idat)) == height * (1 + width * channels)
    return width, height, colour_type


@pytest.mark.parametrize(
    ("host", "path", "kind", "size"),
    [
        ("image.tmdb.org", "/t/p/w500/abc.jpg", "poster", (500, 750)),
        ("image.tmdb.org", "/t/p/w92/abc.jpg", "poster", (92, 138)),
        ("image.tmdb.org", "/t/p/original/abc.jpg", "poster", (400, 600)),
        ("m.media-amazon.com", "/images/M/MV5Bxyz@._V1_SX300.jpg", "poster", (300, 450)),
        ("artworks.thetvdb.com", "/banners/v4/movie/5123/backgrounds/c.jpg", "fanart", (640, 360)),
        ("artworks.thetvdb.com", "/banners/v4/movie/5123/banners/c.jpg", "banner", (500, 92)),
        ("artworks.thetvdb.com", "/banners/v4/movie/5123/clearlogo/d.png", "clearlogo", (400, 155)),
        ("assets.fanart.tv", "/fanart/movies/27205/moviedisc/inception-a.png", "disc", (400, 400)),
        ("assets.fanart.tv", "/fanart/movies/27205/hdmovieclearart/inception-b.png", "clearart", (500, 281)),
        ("assets.fanart.tv", "/fanart/movies/27205/moviethumb/inception-c.jpg", "thumb", (480, 270)),
    ],
)
def test_the_kind_and_size_come_from_the_url(host: str, path: str, kind: str, size: tuple[int, int]) -> None:
    assert artwork_kind(host, path) == kind
    assert artwork_size(host, path, kind) == size
    width, height, colour_type = png_info(render_artwork(host, path))
    assert (width, height) == size
    assert colour_type == (6 if kind in ("clearlogo", "clearart", "disc") else 2)


def test_sizes_are_capped() -> None:
    assert artwork_size("image.tmdb.org", "/t/p/w1280/big.jpg", "fanart") == (780, 439)
    assert artwork_size("image.tmdb.org", "/t/p/h632/tall.jpg", "poster") == (421, 632)


def test_the_same_url_draws_the_same_picture_and_others_differ() -> None:
    first = render_artwork("image.tmdb.org", "/t/p/w185/one.jpg")
    assert render_artwork("image.tmdb.org", "/t/p/w185/one.jpg") == first
    assert render_artwork("image.tmdb.org", "/t/p/w185/two.jpg") != first
    assert len(first) < 20_000  # small, as artwork for looking at should be


def test_paths_that_do_not_say_their_kind_are_found_in_the_catalog_index() -> None:
    index = ArtworkIndex(load_demo())
    inception = next(t for t in load_demo().titles if t.title == "Inception")
    backdrop = "/t/p/original" + image_path(inception, "backdrop", 1)
    logo = "/t/p/original" + image_path(inception, "logo", 0, "png")
    disc = f"/fanart/{inception.slug}-{digest('fanart', inception.key, 'moviedisc', 0)[:13]}.png"
    assert artwork_kind("image.tmdb.org", backdrop, index.kind) == "fanart"
    assert artwork_kind("image.tmdb.org", logo, index.kind) == "clearlogo"
    assert artwork_kind("assets.fanart.tv", disc, index.kind) == "disc"
    assert artwork_kind("image.tmdb.org", "/t/p/original/unknown.jpg", index.kind) == "poster"


async def test_the_image_route_serves_png_without_counting_as_provider_requests(
    sandbox: SandboxServer,
) -> None:
    async with httpx.AsyncClient() as client:
        ok = await client.get(f"{sandbox.images_url}/image.tmdb.org/t/p/w154/poster.jpg")
        unknown_host = await client.get(f"{sandbox.images_url}/example.com/poster.jpg")
        no_path = await client.get(f"{sandbox.images_url}/image.tmdb.org/")
    assert ok.status_code == 200 and ok.headers["content-type"] == "image/png"
    assert png_info(ok.content)[:2] == (154, 231)
    assert unknown_host.status_code == 404 and no_path.status_code == 404
    snapshot = sandbox.stats.snapshot()
    assert snapshot["images"] == 1 and snapshot["total"] == 0


async def test_the_transport_rewrites_artwork_hosts_only() -> None:
    seen: list[str] = []

    def inner(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.headers['host']} {request.url}")
        return httpx.Response(200, content=b"ok")

    transport = sandbox_image_transport("http://127.0.0.1:8765/tmdb/3", httpx.MockTransport(inner))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://image.tmdb.org/t/p/w500/abc.jpg")
        await client.get("https://assets.fanart.tv/fanart/inception-abc.png?x=1")
        await client.get("https://example.org/elsewhere.png")
    assert seen == [
        "127.0.0.1:8765 http://127.0.0.1:8765/images/image.tmdb.org/t/p/w500/abc.jpg",
        "127.0.0.1:8765 http://127.0.0.1:8765/images/assets.fanart.tv/fanart/inception-abc.png?x=1",
        "example.org https://example.org/elsewhere.png",
    ]
    with pytest.raises(ValueError):
        sandbox_image_transport("not a url")


SHAPES = {
    AssetType.POSTER: lambda w, h: h > w,
    AssetType.FANART: lambda w, h: abs(w / h - 16 / 9) < 0.02,
    AssetType.BACKDROP: lambda w, h: abs(w / h - 16 / 9) < 0.02,
    AssetType.THUMB: lambda w, h: abs(w / h - 16 / 9) < 0.02,
    AssetType.BANNER: lambda w, h: w > 5 * h,
    AssetType.LOGO: lambda w, h: 2 < w / h < 3,
    AssetType.CLEARLOGO: lambda w, h: 2 < w / h < 3,
    AssetType.CLEARART: lambda w, h: abs(w / h - 16 / 9) < 0.02,
    AssetType.DISCART: lambda w, h: w == h,
}


async def test_every_artwork_a_provider_offers_loads_with_its_shape(sandbox: SandboxServer) -> None:
    request = MetadataRequest(ids=ExternalIds(tmdb=27205, imdb="tt1375666", tvdb=700003))
    urls: list[tuple[AssetType, str]] = []
    for cls in (TmdbProvider, OmdbProvider, TvdbProvider, FanartProvider):
        provider = client_for(sandbox, cls)
        data = await provider.get_metadata(request)
        urls.extend((asset.type, asset.url) for asset in data.assets if not asset.type.is_video)
        if "poster" in data.fields:
            urls.append((AssetType.POSTER, data.fields["poster"]))
        await provider.aclose()
    kinds = {kind for kind, _ in urls}
    assert {AssetType.POSTER, AssetType.DISCART, AssetType.CLEARART, AssetType.BANNER} <= kinds
    before = sandbox.stats.snapshot()["total"]
    async with httpx.AsyncClient(transport=sandbox_image_transport(sandbox.root_url)) as client:
        for kind, url in urls:
            answer = await client.get(url)
            assert answer.status_code == 200, url
            width, height, _ = png_info(answer.content)
            assert SHAPES[kind](width, height), (kind, url, width, height)
    snapshot = sandbox.stats.snapshot()
    assert snapshot["images"] == len(urls) and snapshot["total"] == before
