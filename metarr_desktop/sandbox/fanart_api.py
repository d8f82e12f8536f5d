"""The simulated fanart.tv API (``/fanart/v3`` and ``/fanart/v3.2``).

``/movies/{tmdb or imdb id}?api_key=<key>``. Every value is a string. The v3 shape lists ``id``,
``url``, ``lang`` and ``likes`` per image; v3.2 adds ``added``, ``width``, ``height`` and a
``<kind>_count`` per kind plus ``image_count``. An unknown movie is HTTP 404
``{"status": "error", "error message": "Not found"}``.
"""

from __future__ import annotations

import re
from typing import Any

from metarr_desktop.sandbox.catalog import Title
from metarr_desktop.sandbox.catalog import digest
from metarr_desktop.sandbox.catalog import number
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest
from metarr_desktop.sandbox.protocol import ServiceBase
from metarr_desktop.sandbox.protocol import json_reply

ASSET_HOST = "https://assets.fanart.tv/fanart"
_MOVIE_RE = re.compile(r"^/movies/(?P<id>[^/]+)/?$")
#: kind -> (width, height, languages of the images offered)
KINDS: dict[str, tuple[int, int, tuple[str, ...]]] = {
    "hdmovieclearart": (1000, 562, ("en", "00")),
    "hdmovielogo": (800, 310, ("en", "de")),
    "moviebackground": (1920, 1080, ("", "")),
    "moviebanner": (1000, 185, ("en",)),
    "moviedisc": (1000, 1000, ("en",)),
    "movielogo": (400, 155, ("en",)),
    "movieposter": (1000, 1426, ("en", "00", "fr")),
    "moviethumb": (1000, 562, ("en",)),
}


def error(status: int, message: str) -> Reply:
    return json_reply(status, {"status": "error", "error message": message})


class FanartService(ServiceBase):
    """fanart.tv v3 / v3.2 as the sandbox serves it."""

    name = "fanart"

    def authenticate(self, request: SandboxRequest) -> Reply | None:
        if request.query.get("api_key") in self.keys:
            return None
        return error(401, "Invalid API key")

    def rate_limited(self, retry_after: int, limit: int) -> Reply:
        reply = error(429, "Too many requests")
        reply.headers["Retry-After"] = str(retry_after)
        return reply

    def handle(self, request: SandboxRequest) -> Reply:
        match = _MOVIE_RE.match(request.path)
        if request.method != "GET" or match is None:
            return error(404, "Not found")
        movie_id = match.group("id")
        id_kind = "imdb" if movie_id.lower().startswith("tt") else "tmdb"
        title = self.catalog.get("movie", id_kind, movie_id)
        if title is None or not title.on(self.name):
            return error(404, "Not found")
        return json_reply(200, self.movie(title, v32=request.variant == "v3.2"))

    def movie(self, title: Title, *, v32: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"name": title.title, "tmdb_id": str(title.tmdb), "imdb_id": title.imdb or ""}
        total = 0
        for kind, (width, height, languages) in KINDS.items():
            images = []
            for index, lang in enumerate(languages):
                ext = "png" if kind in ("hdmovieclearart", "hdmovielogo", "movielogo", "moviedisc") else "jpg"
                image: dict[str, Any] = {
                    "id": str(number("fanart", title.key, kind, index, modulo=300_000)),
                    "url": f"{ASSET_HOST}/{title.slug}-{digest('fanart', title.key, kind, index)[:13]}.{ext}",
                    "lang": lang,
                    "likes": str(number("likes", title.key, kind, index, modulo=20) - 1),
                }
                if kind == "moviedisc":
                    image.update({"disc": "1", "disc_type": "bluray"})
                if v32:
                    image.update(
                        {
                            "added": f"{max(title.year, 2010)}-06-01 12:00:00",
                            "width": str(width),
                            "height": str(height),
                        }
                    )
                images.append(image)
            images.sort(key=lambda i: -int(i["likes"]))
            body[kind] = images
            total += len(images)
            if v32:
                body[f"{kind}_count"] = len(images)
        if v32:
            body["image_count"] = total
        return body
