"""OMDb client (movies and series, by IMDb id).

``GET /?i=<imdb id>&plot=full&apikey=<key>`` for one title, ``GET /?s=<query>&y=<year>&type=movie``
for a search. OMDb answers "not found" with HTTP 200 and ``{"Response": "False", "Error": "..."}``,
and both a bad key and an exhausted daily quota with HTTP 401, told apart only by the ``Error`` text;
`OmdbProvider._check` sorts these out. Every value is a string and "N/A" means missing.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.providers.base import HttpProvider
from metarr_desktop.providers.base import RateLimitStatus
from metarr_desktop.providers.base import json_object
from metarr_desktop.providers.base import provider_capabilities
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.parsing import FieldSink
from metarr_desktop.providers.parsing import as_dict
from metarr_desktop.providers.parsing import as_list
from metarr_desktop.providers.parsing import clean_str
from metarr_desktop.providers.parsing import parse_date
from metarr_desktop.providers.parsing import parse_float
from metarr_desktop.providers.parsing import parse_int
from metarr_desktop.providers.parsing import parse_percent
from metarr_desktop.providers.parsing import parse_runtime
from metarr_desktop.providers.parsing import parse_score_over
from metarr_desktop.providers.parsing import parse_year
from metarr_desktop.providers.parsing import safe_ids
from metarr_desktop.providers.parsing import split_list

#: `Error` texts of a 200 answer that mean "no such title" (or "no usable search result").
NOT_FOUND_ERRORS = ("not found", "incorrect imdb id", "too many results", "error getting data")
QUOTA_ERROR = "request limit reached"

_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")


def _error_of(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        return ""
    return str(body.get("Error") or "") if isinstance(body, dict) else ""


def first_sentence(text: str | None) -> str | None:
    """The first sentence of a plot (OMDb's full plot), used as the outline."""
    if text is None:
        return None
    return _SENTENCE_END_RE.split(text.strip(), maxsplit=1)[0]


#: The text fields of an OMDb answer, always in English.
_ENGLISH_TEXT = ("title", "plot", "outline", "awards")


class OmdbProvider(HttpProvider):
    """OMDb (omdbapi.com) client: IMDb, Rotten Tomatoes and Metacritic ratings, awards, plot."""

    id = "omdb"
    name = "OMDb"
    default_base_url = "https://www.omdbapi.com"
    default_rate_limit = RateLimit(10, 1.0)
    default_daily_quota = 1000
    #: English only, whatever the request's language: a language switch does not ask again.
    language_independent = True
    capabilities = provider_capabilities(
        entity_types={EntityType.MOVIE, EntityType.TVSHOW},
        can_search=True,
        ids_accepted={IdType.IMDB},
        ids_provided={IdType.IMDB},
        fields={
            "title",
            "year",
            "content_rating",
            "release_date",
            "runtime",
            "genres",
            "directors",
            "writers",
            "cast",
            "plot",
            "outline",
            "languages",
            "countries",
            "awards",
            "imdb_rating",
            "imdb_votes",
            "rotten_tomatoes_score",
            "metacritic_score",
            "studios",
        },
        asset_types={AssetType.POSTER},
    )

    def _check(self, response: httpx.Response) -> None:
        """OMDb's 401s: "Request limit reached!" is the daily quota, anything else a bad key."""
        if response.status_code == 401:
            error = _error_of(response)
            if QUOTA_ERROR in error.lower():
                exc = RateLimitedError(
                    self.id,
                    "daily request limit reached",
                    quota_exhausted=True,
                    reset_at=None,
                    status_code=401,
                )
                self._rate_status = RateLimitStatus(True, None, exc.message)
                raise exc
            raise AuthenticationError(
                self.id, f"the API key was refused ({error or 'HTTP 401'})", status_code=401
            )
        super()._check(response)

    async def _omdb_get(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """One request; None for a 200 answer that says "not found" (or "too many results")."""
        body = json_object(self.id, await self._get_json("/", {**params, "apikey": self.api_key or ""}))
        if str(body.get("Response", "True")).lower() == "false":
            error = str(body.get("Error") or "")
            lowered = error.lower()
            if any(text in lowered for text in NOT_FOUND_ERRORS):
                return None
            if QUOTA_ERROR in lowered:
                raise RateLimitedError(
                    self.id, "daily request limit reached", quota_exhausted=True, status_code=200
                )
            if "api key" in lowered:
                raise AuthenticationError(self.id, f"the API key was refused ({error})", status_code=200)
            raise BadResponseError(self.id, f"refused the request ({error[:200] or 'no reason given'})")
        return body

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        query = request.query.strip()
        if not query:
            return []
        params: dict[str, Any] = {"s": query, "type": self._type(request.entity_type), "page": 1}
        if request.year is not None:
            params["y"] = request.year
        body = await self._omdb_get(params)
        if body is None:
            return []
        results: list[SearchResult] = []
        for raw in as_list(body.get("Search")):
            raw = as_dict(raw)
            ids = safe_ids(imdb=raw.get("imdbID"))
            title = clean_str(raw.get("Title"))
            if ids.imdb is None or title is None:
                continue
            results.append(
                SearchResult(
                    provider=self.id,
                    external_ids=ids,
                    title=title,
                    year=parse_year(raw.get("Year")),
                    poster_url=clean_str(raw.get("Poster")),
                )
            )
        return results[: request.limit]

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        if request.ids.imdb is None:
            raise NotFoundError(self.id, "OMDb needs an IMDb id")
        body = await self._omdb_get({"i": request.ids.imdb, "plot": "full"})
        if body is None:
            raise NotFoundError(self.id, f"no title {request.ids.imdb}")
        return self.parse_title(body)

    @staticmethod
    def _type(entity_type: EntityType) -> str:
        return "series" if entity_type is EntityType.TVSHOW else "movie"

    def parse_title(self, body: dict[str, Any]) -> ProviderData:
        """One ``?i=`` answer as canonical fields."""
        ids = safe_ids(imdb=body.get("imdbID"))
        title = clean_str(body.get("Title"))
        if ids.imdb is None or title is None:
            raise BadResponseError(self.id, "the answer has no IMDb id or title")
        out = FieldSink()
        out.set("title", title)
        out.set("year", parse_year(body.get("Year")))
        rated = clean_str(body.get("Rated"))
        out.set("content_rating", rated)
        out.set("release_date", parse_date(body.get("Released")))
        out.set("runtime", parse_runtime(body.get("Runtime")))
        out.set("genres", split_list(body.get("Genre")))
        out.set("directors", split_list(body.get("Director")))
        out.set("writers", split_list(body.get("Writer"), strip_notes=True))
        actors = split_list(body.get("Actors"))
        out.set("cast", [{"name": n, "role": None, "order": i, "thumb": None} for i, n in enumerate(actors)])
        plot = clean_str(body.get("Plot"))
        out.set("plot", plot)
        out.set("outline", first_sentence(plot))
        out.set("languages", split_list(body.get("Language")))
        out.set("countries", split_list(body.get("Country")))
        out.set("awards", clean_str(body.get("Awards")))
        out.set("studios", split_list(body.get("Production")))
        out.set("imdb_rating", parse_float(body.get("imdbRating")))
        out.set("imdb_votes", parse_int(body.get("imdbVotes")))
        for rating in as_list(body.get("Ratings")):
            rating = as_dict(rating)
            source = str(rating.get("Source") or "")
            if source == "Rotten Tomatoes":
                out.set("rotten_tomatoes_score", parse_percent(rating.get("Value")))
            elif source == "Metacritic":
                out.set("metacritic_score", parse_score_over(rating.get("Value")))
            elif source == "Internet Movie Database":
                out.set_default("imdb_rating", parse_float(rating.get("Value")))
        out.set_default("metacritic_score", parse_int(body.get("Metascore")))
        assets: list[AssetCandidate] = []
        poster = clean_str(body.get("Poster"))
        if poster is not None and poster.startswith("http"):
            out.set("poster", poster)
            assets.append(AssetCandidate(url=poster, type=AssetType.POSTER, provider=self.id))
        out.set_ids(ids)
        # OMDb answers in English only, and its Rated is the US certification.
        english = {name: "en" for name in _ENGLISH_TEXT if out.fields.get(name)}
        return ProviderData(
            provider=self.id,
            fields=out.fields,
            ids=ids,
            assets=assets,
            languages=english,
            certification_country="US" if rated else None,
        )
