"""The simulated TheTVDB v4 API (``/tvdb/v4``).

``POST /login`` with ``{"apikey": ..., "pin": ...}`` returns a Bearer token every other request needs;
`TvdbService.expire_tokens` makes the issued tokens invalid, as a month-old token is on the real
service. Paths: ``/search/remoteid/{id}``, ``/search?query=&type=&year=``,
``/movies/{id}[/extended]``, ``/series/{id}[/extended]`` and ``/series?page=``. Bodies have the v4
shape: ``{"status": "success", "data": ...}``; errors ``{"status": "failure", "message": ..., "data":
null}``.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from metarr_desktop.providers.languages import to_three_letter
from metarr_desktop.sandbox.catalog import COUNTRIES
from metarr_desktop.sandbox.catalog import LANGUAGE_NAMES
from metarr_desktop.sandbox.catalog import Catalog
from metarr_desktop.sandbox.catalog import Title
from metarr_desktop.sandbox.catalog import digest
from metarr_desktop.sandbox.catalog import number
from metarr_desktop.sandbox.catalog import slugify
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest
from metarr_desktop.sandbox.protocol import ServiceBase
from metarr_desktop.sandbox.protocol import json_reply

ARTWORK_HOST = "https://artworks.thetvdb.com"
SERIES_PAGE_SIZE = 500
_RECORD_RE = re.compile(r"^/(?P<kind>movies|series)/(?P<id>[^/]+)(?P<extended>/extended)?/?$")
_REMOTE_RE = re.compile(r"^/search/remoteid/(?P<id>[^/]+)/?$")
#: (artwork type code, asset name, width, height, includes text) for movies and for series
MOVIE_ARTWORK = ((14, "posters", 680, 1000, True), (15, "backgrounds", 1920, 1080, False),
                 (16, "banners", 1000, 185, True), (25, "clearlogo", 800, 310, True))  # fmt: skip
SERIES_ARTWORK = ((2, "posters", 680, 1000, True), (3, "backgrounds", 1920, 1080, False),
                  (1, "banners", 758, 140, True), (23, "clearlogo", 800, 310, True),
                  (22, "clearart", 1000, 562, True))  # fmt: skip
GENRE_SLUGS = {"Science Fiction": 17, "Drama": 12, "Crime": 14, "Thriller": 25, "Comedy": 15, "Action": 19}


def failure(status: int, message: str) -> Reply:
    return json_reply(status, {"status": "failure", "message": message, "data": None})


def success(data: Any, **extra: Any) -> Reply:
    return json_reply(200, {"status": "success", "data": data, **extra})


class TvdbService(ServiceBase):
    """TheTVDB v4 as the sandbox serves it."""

    name = "tvdb"

    def __init__(self, catalog: Catalog, keys: frozenset[str], pins: frozenset[str] = frozenset()) -> None:
        super().__init__(catalog, keys)
        self.pins = pins
        self._tokens: set[str] = set()
        self._lock = threading.Lock()
        self._issued = 0

    def expire_tokens(self) -> None:
        """Invalidate every token issued so far (the next request gets a 401)."""
        with self._lock:
            self._tokens.clear()

    @property
    def logins(self) -> int:
        return self._issued

    # ---------------------------------------------------------------------------------------------
    # Protocol
    # ---------------------------------------------------------------------------------------------

    def counts_against_limits(self, request: SandboxRequest) -> bool:
        return request.path.rstrip("/") != "/login"

    def authenticate(self, request: SandboxRequest) -> Reply | None:
        if request.path.rstrip("/") == "/login":
            return None  # the login itself checks the key
        auth = request.header("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        with self._lock:
            valid = token in self._tokens
        return None if valid else failure(401, "Unauthorized")

    def rate_limited(self, retry_after: int, limit: int) -> Reply:
        reply = failure(429, "Too Many Requests")
        reply.headers["Retry-After"] = str(retry_after)
        return reply

    def handle(self, request: SandboxRequest) -> Reply:
        path = request.path
        if path.rstrip("/") == "/login":
            return self._login(request)
        if request.method != "GET":
            return failure(405, "Method Not Allowed")
        if match := _REMOTE_RE.match(path):
            return success(self._remote(match.group("id")))
        if path.rstrip("/") == "/search":
            return self._search(request)
        if path.rstrip("/") == "/series":
            return self._series_page(request)
        if match := _RECORD_RE.match(path):
            kind = "movie" if match.group("kind") == "movies" else "series"
            title = self.catalog.get(kind, "tvdb", match.group("id"))
            if title is None or not title.on(self.name):
                return failure(404, f"NotFoundException: {kind} {match.group('id')} not found")
            if not match.group("extended"):
                return success(self.base_record(title))
            with_translations = "translations" in (request.query.get("meta") or "")
            return success(self.extended(title, with_translations))
        return failure(404, "NotFoundException: no such route")

    # ---------------------------------------------------------------------------------------------
    # Endpoints
    # ---------------------------------------------------------------------------------------------

    def _login(self, request: SandboxRequest) -> Reply:
        if request.method != "POST":
            return failure(405, "Method Not Allowed")
        body = request.json_body()
        key = body.get("apikey") if isinstance(body, dict) else None
        pin = body.get("pin") if isinstance(body, dict) else None
        if key not in self.keys or (self.pins and pin not in self.pins):
            return failure(401, "InvalidAPIKey: the key (or PIN) is not valid")
        with self._lock:
            self._issued += 1
            token = f"eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{digest('token', self._issued)}.sandbox"
            self._tokens.add(token)
        return success({"token": token})

    def _remote(self, remote_id: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        id_kinds = ("imdb",) if remote_id.lower().startswith("tt") else ("tmdb",)
        for kind, key in (("movie", "movie"), ("series", "series")):
            for id_kind in id_kinds:
                title = self.catalog.get(kind, id_kind, remote_id)
                if title is not None and title.on(self.name):
                    found.append({key: self.base_record(title)})
        return found

    def _search(self, request: SandboxRequest) -> Reply:
        query = (request.query.get("query") or request.query.get("q") or "").strip()
        if not query:
            return failure(400, "query is required")
        kind = request.query.get("type") or "movie"
        year_text = request.query.get("year")
        year = int(year_text) if year_text and year_text.isdigit() else None
        kinds = ("movie", "series") if kind not in ("movie", "series") else (kind,)
        matches = [
            t for k in kinds for t in self.catalog.search(query, kind=k, year=year) if t.on(self.name)
        ][:50]
        data = [self.search_record(t) for t in matches]
        links = {"prev": None, "self": None, "next": None, "total_items": len(data), "page_size": 50}
        return success(data, links=links)

    def _series_page(self, request: SandboxRequest) -> Reply:
        page_text = request.query.get("page") or "0"
        page = int(page_text) if page_text.isdigit() else 0
        series = [t for t in self.catalog.of_kind("series") if t.on(self.name)]
        chunk = series[page * SERIES_PAGE_SIZE : (page + 1) * SERIES_PAGE_SIZE]
        base = "https://api4.thetvdb.com/v4/series?page="
        links = {
            "prev": f"{base}{page - 1}" if page > 0 else None,
            "self": f"{base}{page}",
            "next": f"{base}{page + 1}" if (page + 1) * SERIES_PAGE_SIZE < len(series) else None,
            "total_items": len(series),
            "page_size": SERIES_PAGE_SIZE,
        }
        return success([self.base_record(t) for t in chunk], links=links)

    # ---------------------------------------------------------------------------------------------
    # Bodies
    # ---------------------------------------------------------------------------------------------

    @staticmethod
    def _path(title: Title) -> str:
        return "movies" if title.kind == "movie" else "series"

    def _image(self, title: Title, asset: str, index: int = 0, ext: str = "jpg") -> str:
        kind = "movie" if title.kind == "movie" else "series"
        name = digest("tvdb", title.key, asset, index)[:13]
        return f"{ARTWORK_HOST}/banners/v4/{kind}/{title.tvdb}/{asset}/{name}.{ext}"

    def base_record(self, title: Title) -> dict[str, Any]:
        common: dict[str, Any] = {
            "id": title.tvdb,
            "name": title.display_original_title,
            "slug": slugify(title.title),
            "image": self._image(title, "posters"),
            "nameTranslations": ["eng"],
            "overviewTranslations": ["eng"],
            "aliases": [],
        }
        if title.kind == "movie":
            return {
                **common,
                "score": number("score", title.key, modulo=100_000),
                "status": {"id": 5, "name": "Released", "recordType": "movie", "keepUpdated": True},
                "lastUpdated": "2025-01-01 00:00:00",
                "runtime": title.runtime,
                "year": str(title.year),
            }
        return {
            **common,
            "firstAired": title.released,
            "lastAired": title.last_aired or "",
            "nextAired": "",
            "score": number("score", title.key, modulo=10_000_000),
            "status": {"id": 2, "name": "Ended", "recordType": "series", "keepUpdated": False},
            "originalCountry": "usa",
            "originalLanguage": to_three_letter(title.lang),
            "defaultSeasonType": 1,
            "isOrderRandomized": False,
            "lastUpdated": "2025-01-01 00:00:00",
            "averageRuntime": title.runtime,
            "episodes": None,
            "overview": title.plot or "",
            "year": str(title.year),
        }

    def _artworks(self, title: Title) -> list[dict[str, Any]]:
        plan = MOVIE_ARTWORK if title.kind == "movie" else SERIES_ARTWORK
        artworks = []
        for code, asset, width, height, has_text in plan:
            for index in range(2 if asset in ("posters", "backgrounds") else 1):
                image = self._image(title, asset, index, "png" if "clear" in asset else "jpg")
                artworks.append(
                    {
                        "id": number("artwork", title.key, asset, index),
                        "image": image,
                        "thumbnail": image.rsplit(".", 1)[0] + "_t.jpg",
                        "language": "eng" if has_text else None,
                        "type": code,
                        "score": 100_000 - index * 10 - code,
                        "width": width,
                        "height": height,
                        "includesText": has_text,
                        "thumbnailWidth": 0,
                        "thumbnailHeight": 0,
                        "updatedAt": 0,
                        "status": {"id": 0, "name": None},
                        "tagOptions": None,
                    }
                )
        return artworks

    def _characters(self, title: Title) -> list[dict[str, Any]]:
        people: list[tuple[str, str, str]] = [(name, role, "Actor") for name, role in title.cast]
        people += [(name, "", "Director") for name in title.directors]
        people += [(name, "", "Writer") for name in title.writers]
        characters = []
        for index, (name, role, kind) in enumerate(people):
            person_id = number("person", name, modulo=9_000_000)
            photo = f"{ARTWORK_HOST}/banners/v4/person/{person_id}/photo/{digest(name)[:13]}.jpg"
            characters.append(
                {
                    "id": number("character", title.key, name, kind),
                    "name": role,
                    "peopleId": person_id,
                    "seriesId": title.tvdb if title.kind == "series" else None,
                    "series": None,
                    "movie": None,
                    "movieId": title.tvdb if title.kind == "movie" else None,
                    "episodeId": None,
                    "type": {"Actor": 3, "Director": 1, "Writer": 2}[kind],
                    "image": photo if kind == "Actor" else None,
                    "sort": index,
                    "isFeatured": index < 3,
                    "url": f"https://thetvdb.com/people/{person_id}-{slugify(name)}",
                    "nameTranslations": None,
                    "overviewTranslations": None,
                    "aliases": None,
                    "peopleType": kind,
                    "personName": name,
                    "tagOptions": None,
                    "personImgURL": photo,
                }
            )
        return characters

    def _remote_ids(self, title: Title) -> list[dict[str, Any]]:
        ids = []
        if title.imdb:
            ids.append({"id": title.imdb, "type": 2, "sourceName": "IMDB"})
        if title.tmdb:
            ids.append(
                {
                    "id": str(title.tmdb),
                    "type": 12 if title.kind == "series" else 10,
                    "sourceName": "TheMovieDB.com",
                }
            )
        return ids

    def _company(self, name: str, type_id: int, type_name: str) -> dict[str, Any]:
        return {
            "id": number("company", name, modulo=100_000),
            "name": name,
            "slug": slugify(name),
            "nameTranslations": ["eng"],
            "overviewTranslations": [],
            "aliases": [],
            "country": "usa",
            "primaryCompanyType": type_id,
            "activeDate": None,
            "inactiveDate": None,
            "companyType": {"companyTypeId": type_id, "companyTypeName": type_name},
            "parentCompany": {"id": None, "name": None, "relation": {"id": None, "typeName": None}},
            "tagOptions": None,
        }

    def _genres(self, title: Title) -> list[dict[str, Any]]:
        return [
            {"id": GENRE_SLUGS.get(g, number("genre", g, modulo=40)), "name": g, "slug": slugify(g)}
            for g in title.genres
        ]

    def _translations(self, title: Title) -> dict[str, Any]:
        return {
            "nameTranslations": [
                {"language": "eng", "name": title.title, "isPrimary": True, "isAlias": False}
            ],
            "overviewTranslations": [
                {"language": "eng", "overview": title.plot or "", "isPrimary": True, "tagline": title.tagline}
            ],
            "alias": [],
        }

    def extended(self, title: Title, with_translations: bool) -> dict[str, Any]:
        record = self.base_record(title)
        if title.kind == "series":
            network = self._company(title.network or "Network", 1, "Network")
            record.update(
                {
                    "artworks": self._artworks(title),
                    "companies": [network]
                    + [self._company(s, 3, "Production Company") for s in title.studios],
                    "originalNetwork": network,
                    "latestNetwork": network,
                    "genres": self._genres(title),
                    "trailers": [],
                    "lists": [],
                    "remoteIds": self._remote_ids(title),
                    "characters": self._characters(title),
                    "airsDays": {
                        d: d == "sunday"
                        for d in (
                            "sunday",
                            "monday",
                            "tuesday",
                            "wednesday",
                            "thursday",
                            "friday",
                            "saturday",
                        )
                    },
                    "airsTime": "21:00",
                    "seasons": [
                        {
                            "id": number("season", title.key, n),
                            "seriesId": title.tvdb,
                            "type": {
                                "id": 1,
                                "name": "Aired Order",
                                "type": "official",
                                "alternateName": None,
                            },
                            "number": n,
                            "nameTranslations": [],
                            "overviewTranslations": [],
                            "image": self._image(title, "seasons", n),
                            "imageType": 7,
                            "companies": {
                                "studio": None,
                                "network": None,
                                "production": None,
                                "distributor": None,
                                "special_effects": None,
                            },
                            "lastUpdated": "2025-01-01 00:00:00",
                        }
                        for n in range(1, title.seasons + 1)
                    ],
                    "tags": [],
                    "contentRatings": self._content_ratings(title),
                    "seasonTypes": [
                        {"id": 1, "name": "Aired Order", "type": "official", "alternateName": None}
                    ],
                }
            )
        else:
            record.update(
                {
                    "artworks": self._artworks(title),
                    "audioLanguages": [to_three_letter(code) for code in title.languages],
                    "awards": [],
                    "boxOffice": None,
                    "boxOfficeUS": None,
                    "budget": None,
                    "characters": self._characters(title),
                    "companies": {
                        "studio": [],
                        "network": [],
                        "production": [self._company(s, 3, "Production Company") for s in title.studios],
                        "distributor": [],
                        "special_effects": [],
                    },
                    "contentRatings": self._content_ratings(title),
                    "first_release": {"country": "usa", "date": title.released, "detail": None},
                    "genres": self._genres(title),
                    "inspirations": [],
                    "lists": [],
                    "originalCountry": COUNTRIES.get(title.countries[0], ("", "", "usa"))[2]
                    if title.countries
                    else "usa",
                    "originalLanguage": to_three_letter(title.lang),
                    "production_countries": [
                        {
                            "id": number("country", code, modulo=300),
                            "country": COUNTRIES.get(code, (code, code, code.lower()))[2],
                            "name": COUNTRIES.get(code, (code, code, code))[1],
                        }
                        for code in title.countries
                    ],
                    "releases": [{"country": "usa", "date": title.released, "detail": None}],
                    "remoteIds": self._remote_ids(title),
                    "spoken_languages": [to_three_letter(code) for code in title.languages],
                    "studios": [
                        {"id": number("studio", s, modulo=100_000), "name": s, "parentStudio": None}
                        for s in title.studios[:1]
                    ],
                    "subtitleLanguages": [],
                    "tagOptions": [],
                    "trailers": [
                        {
                            "id": number("trailer", title.key),
                            "language": "eng",
                            "name": "Official Trailer",
                            "url": f"https://www.youtube.com/watch?v={digest('yt', title.key)[:11]}",
                            "runtime": 150,
                        }
                    ],
                }
            )
        if with_translations:
            record["translations"] = self._translations(title)
        return record

    @staticmethod
    def _content_ratings(title: Title) -> list[dict[str, Any]]:
        if not title.rating:
            return []
        return [
            {
                "id": number("rating", title.rating, modulo=1000),
                "name": title.rating,
                "country": "usa",
                "description": "",
                "contentType": "",
                "order": 0,
                "fullname": None,
            }
        ]

    def search_record(self, title: Title) -> dict[str, Any]:
        kind = title.kind
        record: dict[str, Any] = {
            "objectID": f"{kind}-{title.tvdb}",
            "aliases": [],
            "country": "usa",
            "id": f"{kind}-{title.tvdb}",
            "image_url": self._image(title, "posters"),
            "name": title.display_original_title,
            "first_air_time": title.released,
            "overview": title.plot or "",
            "primary_language": to_three_letter(title.lang),
            "primary_type": kind,
            "status": "Released" if kind == "movie" else "Ended",
            "type": kind,
            "tvdb_id": str(title.tvdb),
            "year": str(title.year),
            "slug": slugify(title.title),
            "overviews": {"eng": title.plot or ""},
            "translations": {"eng": title.title},
            "remote_ids": self._remote_ids(title),
            "thumbnail": self._image(title, "posters").rsplit(".", 1)[0] + "_t.jpg",
        }
        if title.directors:
            record["director"] = title.directors[0]
        if title.lang in LANGUAGE_NAMES:
            record["primary_language"] = to_three_letter(title.lang)
        return record
