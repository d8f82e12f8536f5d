"""The simulated TMDB v3 API (``/tmdb/3``).

Paths: ``/movie/{id}`` (with ``append_to_response``), ``/movie/{id}/images|videos|credits|
release_dates|external_ids``, ``/collection/{id}`` (with ``append_to_response=translations``),
``/search/movie``, ``/find/{id}?external_source=imdb_id|tvdb_id``,
``/configuration`` and ``/authentication``. The key goes in ``api_key`` or, for a v4 token, in
``Authorization: Bearer``. Errors have TMDB's shape: ``status_code`` 7 (401), 34 (404), 25 (429).
"""

from __future__ import annotations

import math
import re
from typing import Any

from metarr_desktop.sandbox.catalog import COUNTRIES
from metarr_desktop.sandbox.catalog import GENRE_IDS
from metarr_desktop.sandbox.catalog import LANGUAGE_NAMES
from metarr_desktop.sandbox.catalog import Title
from metarr_desktop.sandbox.catalog import digest
from metarr_desktop.sandbox.catalog import number
from metarr_desktop.sandbox.catalog import words
from metarr_desktop.sandbox.protocol import Reply
from metarr_desktop.sandbox.protocol import SandboxRequest
from metarr_desktop.sandbox.protocol import ServiceBase
from metarr_desktop.sandbox.protocol import json_reply
from metarr_desktop.sandbox.translations import certifications_of
from metarr_desktop.sandbox.translations import collection_translations_part
from metarr_desktop.sandbox.translations import localise
from metarr_desktop.sandbox.translations import localised_collection
from metarr_desktop.sandbox.translations import localised_titles
from metarr_desktop.sandbox.translations import translated_ids
from metarr_desktop.sandbox.translations import translations_part

PAGE_SIZE = 20
APPENDABLE = ("external_ids", "images", "videos", "credits", "release_dates", "translations")
_YOUTUBE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_MOVIE_RE = re.compile(r"^/movie/(?P<id>[^/]+)(?:/(?P<part>[a-z_]+))?/?$")
_FIND_RE = re.compile(r"^/find/(?P<id>[^/]+)/?$")
_COLLECTION_RE = re.compile(r"^/collection/(?P<id>\d+)(?:/(?P<part>translations))?/?$")


def tmdb_error(status: int, code: int, message: str) -> Reply:
    return json_reply(status, {"success": False, "status_code": code, "status_message": message})


def not_found() -> Reply:
    return tmdb_error(404, 34, "The resource you requested could not be found.")


def image_path(title: Title, kind: str, index: int, ext: str = "jpg") -> str:
    return f"/{digest('tmdb', title.key, kind, index)[:27]}.{ext}"


def youtube_key(title: Title, kind: str) -> str:
    value = int(digest("youtube", title.key, kind)[:16], 16)
    return "".join(_YOUTUBE_ALPHABET[(value >> (6 * i)) & 63] for i in range(11))


def _lang_filter(raw: str | None) -> set[str | None] | None:
    if raw is None:
        return None
    return {None if part.strip() == "null" else part.strip() for part in raw.split(",") if part.strip()}


class TmdbService(ServiceBase):
    """TMDB v3 as the sandbox serves it."""

    name = "tmdb"

    # ---------------------------------------------------------------------------------------------
    # Protocol
    # ---------------------------------------------------------------------------------------------

    def authenticate(self, request: SandboxRequest) -> Reply | None:
        key = request.query.get("api_key")
        auth = request.header("Authorization") or ""
        if auth.lower().startswith("bearer "):
            key = auth[7:].strip()
        if key and key in self.keys:
            return None
        return tmdb_error(401, 7, "Invalid API key: You must be granted a valid key.")

    def rate_limited(self, retry_after: int, limit: int) -> Reply:
        reply = tmdb_error(429, 25, f"Your request count (#) is over the allowed limit of ({limit}).")
        reply.headers["Retry-After"] = str(retry_after)
        return reply

    def handle(self, request: SandboxRequest) -> Reply:
        path = request.path
        if request.method != "GET":
            return tmdb_error(405, 3, "Invalid service: this service does not exist.")
        if path.rstrip("/") == "/configuration":
            return json_reply(200, self.configuration())
        if path.rstrip("/") == "/authentication":
            return json_reply(200, {"success": True, "status_code": 1, "status_message": "Success."})
        if path.rstrip("/") == "/search/movie":
            return self._search(request)
        if match := _FIND_RE.match(path):
            return self._find(match.group("id"), request)
        if match := _COLLECTION_RE.match(path):
            return self._collection(int(match.group("id")), match.group("part"), request)
        if match := _MOVIE_RE.match(path):
            title = self.catalog.get("movie", "tmdb", match.group("id"))
            if title is None or not title.on(self.name):
                return not_found()
            part = match.group("part")
            if part is None:
                return json_reply(200, self.movie(title, request))
            if part in APPENDABLE:
                return json_reply(200, {"id": title.tmdb, **self._part(title, part, request)})
        return not_found()

    # ---------------------------------------------------------------------------------------------
    # Endpoints
    # ---------------------------------------------------------------------------------------------

    def _search(self, request: SandboxRequest) -> Reply:
        query = (request.query.get("query") or "").strip()
        if not query:
            return json_reply(422, {"errors": ["query must be provided"]})
        year_text = request.query.get("year") or request.query.get("primary_release_year")
        year = int(year_text) if year_text and year_text.isdigit() else None
        page_text = request.query.get("page") or "1"
        page = int(page_text) if page_text.isdigit() and int(page_text) > 0 else 1
        matches = [t for t in self.catalog.search(query, year=year) if t.on(self.name)]
        # TMDB also finds a film by its translated titles ("Die Verurteilten", "La Matrice").
        wanted = set(words(query))
        translated = translated_ids()
        for title in self.catalog.of_kind("movie"):
            if (
                title.tmdb not in translated
                or title in matches
                or not title.on(self.name)
                or (year is not None and title.year != year)
            ):
                continue
            if any(wanted <= set(words(name)) for name in localised_titles(title)):
                matches.append(title)
        language = request.query.get("language")
        chunk = matches[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return json_reply(
            200,
            {
                "page": page,
                "results": [self.list_item(t, language=language) for t in chunk],
                "total_pages": max(1, math.ceil(len(matches) / PAGE_SIZE)),
                "total_results": len(matches),
            },
        )

    def _find(self, external_id: str, request: SandboxRequest) -> Reply:
        source = request.query.get("external_source")
        id_kind = {"imdb_id": "imdb", "tvdb_id": "tvdb"}.get(source or "")
        if id_kind is None:
            return json_reply(
                400, {"success": False, "status_code": 22, "status_message": "Invalid parameters."}
            )
        movies: list[dict[str, Any]] = []
        series: list[dict[str, Any]] = []
        # TMDB keeps no TheTVDB id for movies: a tvdb_id lookup only ever finds series.
        if id_kind == "imdb":
            movie = self.catalog.get("movie", "imdb", external_id)
            if movie is not None and movie.on(self.name):
                movies.append({**self.list_item(movie, with_media_type=True)})
        show = self.catalog.get("series", id_kind, external_id)
        if show is not None and show.tmdb is not None:
            series.append(self.tv_item(show))
        return json_reply(
            200,
            {
                "movie_results": movies,
                "person_results": [],
                "tv_results": series,
                "tv_episode_results": [],
                "tv_season_results": [],
            },
        )

    def _collection(self, collection_id: int, part: str | None, request: SandboxRequest) -> Reply:
        """``/collection/{id}``: the name and overview in ``language``, the parts, and (appended, or
        as ``/translations``) every translation."""
        parts = [
            t
            for t in self.catalog.of_kind("movie")
            if t.collection is not None and t.collection[1] == collection_id and t.on(self.name)
        ]
        if not parts:
            return not_found()
        name = parts[0].collection[0] if parts[0].collection else ""
        translations = collection_translations_part(collection_id, name)
        if part == "translations":
            return json_reply(200, {"id": collection_id, **translations})
        language = request.query.get("language")
        body: dict[str, Any] = {
            "id": collection_id,
            **localised_collection(collection_id, name, language),
            "poster_path": image_path(parts[0], "collection-poster", 0),
            "backdrop_path": image_path(parts[0], "collection-backdrop", 0),
            "parts": [self.list_item(t, language=language) for t in sorted(parts, key=lambda t: t.released)],
        }
        appended = [p.strip() for p in (request.query.get("append_to_response") or "").split(",")]
        if "translations" in appended:
            body["translations"] = translations
        return json_reply(200, body)

    # ---------------------------------------------------------------------------------------------
    # Bodies
    # ---------------------------------------------------------------------------------------------

    @staticmethod
    def configuration() -> dict[str, Any]:
        return {
            "change_keys": [],
            "images": {
                "base_url": "http://image.tmdb.org/t/p/",
                "secure_base_url": "https://image.tmdb.org/t/p/",
                "backdrop_sizes": ["w300", "w780", "w1280", "original"],
                "logo_sizes": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
                "poster_sizes": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
                "profile_sizes": ["w45", "w185", "h632", "original"],
                "still_sizes": ["w92", "w185", "w300", "original"],
            },
        }

    def list_item(
        self, title: Title, *, with_media_type: bool = False, language: str | None = None
    ) -> dict[str, Any]:
        """A movie as search and find results list it (title and overview in `language`)."""
        localised = localise(title, language) if language else None
        item: dict[str, Any] = {
            "adult": False,
            "backdrop_path": image_path(title, "backdrop", 0),
            "genre_ids": [GENRE_IDS.get(g, 18) for g in title.genres],
            "id": title.tmdb,
            "original_language": title.lang,
            "original_title": title.display_original_title,
            "overview": localised["overview"] if localised else title.plot or "",
            "popularity": float(title.popularity),
            "poster_path": image_path(title, "poster", 0),
            "release_date": title.released,
            "title": localised["title"] if localised else title.title,
            "video": False,
            "vote_average": float(title.tmdb_rating or 0.0),
            "vote_count": int(title.tmdb_votes or 0),
        }
        if with_media_type:
            item["media_type"] = "movie"
        return item

    def tv_item(self, title: Title) -> dict[str, Any]:
        return {
            "backdrop_path": image_path(title, "backdrop", 0),
            "id": title.tmdb,
            "name": title.title,
            "original_name": title.display_original_title,
            "overview": title.plot or "",
            "poster_path": image_path(title, "poster", 0),
            "media_type": "tv",
            "adult": False,
            "original_language": title.lang,
            "genre_ids": [GENRE_IDS.get(g, 18) for g in title.genres],
            "popularity": float(title.popularity),
            "first_air_date": title.released,
            "vote_average": float(title.tmdb_rating or 0.0),
            "vote_count": int(title.tmdb_votes or 0),
            "origin_country": ["US"],
        }

    def movie(self, title: Title, request: SandboxRequest) -> dict[str, Any]:
        """``/movie/{id}``, with the parts named in ``append_to_response``."""
        body: dict[str, Any] = {
            "adult": False,
            "backdrop_path": image_path(title, "backdrop", 0),
            "belongs_to_collection": None,
            "budget": 0,
            "genres": [{"id": GENRE_IDS.get(g, 18), "name": g} for g in title.genres],
            "homepage": "",
            "id": title.tmdb,
            "imdb_id": title.imdb,
            "original_language": title.lang,
            "original_title": title.display_original_title,
            "overview": localise(title, request.query.get("language"))["overview"],
            "popularity": float(title.popularity),
            "poster_path": image_path(title, "poster", 0),
            "production_companies": [
                {
                    "id": number("company", studio, modulo=200_000),
                    "logo_path": None,
                    "name": studio,
                    "origin_country": title.countries[0] if title.countries else "",
                }
                for studio in title.studios
            ],
            "production_countries": [
                {"iso_3166_1": code, "name": COUNTRIES.get(code, (code, code, code))[0]}
                for code in title.countries
            ],
            "release_date": title.released,
            "revenue": 0,
            "runtime": title.runtime or 0,
            "spoken_languages": [
                {
                    "english_name": LANGUAGE_NAMES.get(code, (code, code))[0],
                    "iso_639_1": code,
                    "name": LANGUAGE_NAMES.get(code, (code, code))[1],
                }
                for code in title.languages
            ],
            "status": "Released",
            **{k: v for k, v in localise(title, request.query.get("language")).items() if k != "overview"},
            "video": False,
            "vote_average": float(title.tmdb_rating or 0.0),
            "vote_count": int(title.tmdb_votes or 0),
        }
        if title.collection is not None:
            name, collection_id = title.collection
            body["belongs_to_collection"] = {
                "id": collection_id,
                # In the requested language where the collection has it, else its English name.
                "name": localised_collection(collection_id, name, request.query.get("language"))["name"],
                "poster_path": image_path(title, "collection-poster", 0),
                "backdrop_path": image_path(title, "collection-backdrop", 0),
            }
        appended = [p.strip() for p in (request.query.get("append_to_response") or "").split(",")]
        for part in appended[:20]:
            if part in APPENDABLE:
                body[part] = self._part(title, part, request)
        return body

    def _part(self, title: Title, part: str, request: SandboxRequest) -> dict[str, Any]:
        if part == "external_ids":
            return {
                "imdb_id": title.imdb,
                "wikidata_id": None,
                "facebook_id": None,
                "instagram_id": None,
                "twitter_id": None,
            }
        if part == "images":
            return self.images(title, request)
        if part == "videos":
            return self.videos(title, request)
        if part == "credits":
            return self.credits(title)
        if part == "translations":
            return translations_part(title)
        return self.release_dates(title)

    def images(self, title: Title, request: SandboxRequest) -> dict[str, Any]:
        wanted = _lang_filter(request.query.get("include_image_language"))
        if wanted is None and request.query.get("language"):
            wanted = {request.query["language"].split("-")[0]}
        other = title.lang if title.lang != "en" else "fr"
        plan: dict[str, list[tuple[str | None, int, int]]] = {
            "backdrops": [(None, 1920, 1080), (None, 3840, 2160), ("en", 1280, 720)],
            "logos": [("en", 1000, 389), (other, 800, 300)],
            "posters": [("en", 2000, 3000), (None, 1000, 1500), (other, 680, 1000)],
        }
        result: dict[str, Any] = {}
        for kind, entries in plan.items():
            images: list[dict[str, Any]] = []
            for index, (lang, width, height) in enumerate(entries):
                if wanted is not None and lang not in wanted:
                    continue
                votes = number("votes", title.key, kind, index, modulo=60)
                images.append(
                    {
                        "aspect_ratio": round(width / height, 3),
                        "height": height,
                        "iso_639_1": lang,
                        "file_path": image_path(
                            title, kind.rstrip("s"), index, "png" if kind == "logos" else "jpg"
                        ),
                        "vote_average": round(5.0 + votes / 100, 3),
                        "vote_count": votes,
                        "width": width,
                    }
                )
            images.sort(key=lambda i: -float(i["vote_average"]))
            result[kind] = images
        return result

    def videos(self, title: Title, request: SandboxRequest) -> dict[str, Any]:
        wanted = _lang_filter(request.query.get("include_video_language"))
        if wanted is None and request.query.get("language"):
            wanted = {request.query["language"].split("-")[0]}
        year = title.year
        results = [
            ("Official Trailer", "Trailer", True, f"{year}-01-10T17:00:00.000Z"),
            ("Teaser", "Teaser", True, f"{year}-01-02T17:00:00.000Z"),
            ("Fan Trailer", "Trailer", False, f"{year}-01-20T17:00:00.000Z"),
        ]
        videos = [
            {
                "iso_639_1": "en",
                "iso_3166_1": "US",
                "name": name,
                "key": youtube_key(title, name),
                "site": "YouTube",
                "size": 1080,
                "type": kind,
                "official": official,
                "published_at": published,
                "id": digest("video", title.key, name)[:24],
            }
            for name, kind, official, published in results
        ]
        if wanted is not None:
            videos = [v for v in videos if v["iso_639_1"] in wanted]
        return {"results": videos}

    @staticmethod
    def credits(title: Title) -> dict[str, Any]:
        cast = [
            {
                "adult": False,
                "gender": 0,
                "id": number("person", name),
                "known_for_department": "Acting",
                "name": name,
                "original_name": name,
                "popularity": 10.0,
                "profile_path": f"/{digest('profile', name)[:27]}.jpg",
                "cast_id": index + 1,
                "character": role,
                "credit_id": digest("credit", title.key, name)[:24],
                "order": index,
            }
            for index, (name, role) in enumerate(title.cast)
        ]
        crew = [
            {
                "adult": False,
                "gender": 0,
                "id": number("person", name),
                "known_for_department": department,
                "name": name,
                "original_name": name,
                "popularity": 5.0,
                "profile_path": None,
                "credit_id": digest("credit", title.key, name, job)[:24],
                "department": department,
                "job": job,
            }
            for department, job, people in (
                ("Directing", "Director", title.directors),
                ("Writing", "Screenplay", title.writers),
            )
            for name in people
        ]
        return {"cast": cast, "crew": crew}

    @staticmethod
    def release_dates(title: Title) -> dict[str, Any]:
        """The US release (a premiere without and a theatrical release with the catalog's
        certification) and one theatrical release per country of the demo translations."""

        def release(certification: str, kind: int, note: str = "") -> dict[str, Any]:
            return {
                "certification": certification,
                "descriptors": [],
                "iso_639_1": "",
                "note": note,
                "release_date": f"{title.released}T00:00:00.000Z",
                "type": kind,
            }

        results = [
            {"iso_3166_1": country, "release_dates": [release(certification, 3)]}
            for country, certification in certifications_of(title).items()
        ]
        if title.rating is not None:
            us = [release("", 1, "Premiere"), release(title.rating, 3)]
            results.append({"iso_3166_1": "US", "release_dates": us})
        return {"results": results}
