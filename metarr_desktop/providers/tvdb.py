"""TheTVDB v4 client (movies and series).

Every request carries a Bearer token from ``POST /login`` (``{"apikey": key}`` plus the subscriber
``pin`` when there is one). The token is kept; a 401 on a later request means it expired, so the
client logs in again once and retries that request once. Paths: ``/search/remoteid/{id}`` (IMDb or
TMDB id -> TheTVDB record), ``/search?query=&type=movie&year=``, ``/movies/{id}/extended`` and
``/series/{id}/extended`` (with ``meta=translations`` for the plot in the user's language). Languages
are three-letter codes ("eng"); artwork kinds are numeric type codes.
"""

from __future__ import annotations

import asyncio
from typing import Any
from typing import Unpack

from metarr_desktop.core.artwork import best_url
from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.logsetup import register_secret
from metarr_desktop.providers.base import ARTWORK_FIELDS
from metarr_desktop.providers.base import FULL_RECORD_FIELDS
from metarr_desktop.providers.base import ClientOptions
from metarr_desktop.providers.base import HttpProvider
from metarr_desktop.providers.base import decode_json
from metarr_desktop.providers.base import json_object
from metarr_desktop.providers.base import provider_capabilities
from metarr_desktop.providers.errors import AuthenticationError
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.languages import english_name
from metarr_desktop.providers.languages import to_three_letter
from metarr_desktop.providers.languages import to_two_letter
from metarr_desktop.providers.parsing import FieldSink
from metarr_desktop.providers.parsing import as_dict
from metarr_desktop.providers.parsing import as_list
from metarr_desktop.providers.parsing import clean_str
from metarr_desktop.providers.parsing import names
from metarr_desktop.providers.parsing import parse_date
from metarr_desktop.providers.parsing import parse_int
from metarr_desktop.providers.parsing import parse_positive_int
from metarr_desktop.providers.parsing import parse_runtime
from metarr_desktop.providers.parsing import parse_year
from metarr_desktop.providers.parsing import safe_ids

#: Artwork type codes of TheTVDB v4 (``/artwork/types``) for movies and for series.
MOVIE_ARTWORK_TYPES: dict[int, AssetType] = {
    14: AssetType.POSTER,
    15: AssetType.FANART,
    16: AssetType.BANNER,
    24: AssetType.CLEARART,
    25: AssetType.CLEARLOGO,
}
SERIES_ARTWORK_TYPES: dict[int, AssetType] = {
    2: AssetType.POSTER,
    3: AssetType.FANART,
    1: AssetType.BANNER,
    22: AssetType.CLEARART,
    23: AssetType.CLEARLOGO,
}


def remote_ids(items: Any) -> ExternalIds:
    """IMDb and TMDB ids from a ``remoteIds`` (or search ``remote_ids``) list."""
    imdb: Any = None
    tmdb: Any = None
    for item in as_list(items):
        item = as_dict(item)
        source = str(item.get("sourceName") or "").lower()
        if "imdb" in source and imdb is None:
            imdb = item.get("id")
        elif "themoviedb" in source and tmdb is None:
            tmdb = item.get("id")
    return safe_ids(imdb=imdb, tmdb=tmdb)


def _translation(translations: dict[str, Any], key: str, language3: str) -> dict[str, Any]:
    for entry in as_list(translations.get(key)):
        entry = as_dict(entry)
        if entry.get("language") == language3 and not entry.get("isAlias"):
            return entry
    return {}


class TvdbProvider(HttpProvider):
    """TheTVDB v4 API client; logs in with the API key (and optional subscriber PIN)."""

    id = "tvdb"
    name = "TheTVDB"
    default_base_url = "https://api4.thetvdb.com/v4"
    default_rate_limit = RateLimit(30, 10.0)
    default_daily_quota = None
    capabilities = provider_capabilities(
        entity_types={EntityType.MOVIE, EntityType.TVSHOW},
        can_search=True,
        ids_accepted={IdType.TVDB, IdType.IMDB, IdType.TMDB},
        ids_provided={IdType.TVDB, IdType.IMDB, IdType.TMDB},
        asset_types={*MOVIE_ARTWORK_TYPES.values(), *SERIES_ARTWORK_TYPES.values()},
        fields=FULL_RECORD_FIELDS,
    )

    def __init__(self, *, pin: str | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(**options)
        self.pin = pin
        self._token: str | None = None
        self._login_lock = asyncio.Lock()

    # ---------------------------------------------------------------------------------------------
    # Login and authenticated requests
    # ---------------------------------------------------------------------------------------------

    async def _login(self) -> str:
        payload: dict[str, str] = {"apikey": self.api_key or ""}
        if self.pin:
            payload["pin"] = self.pin
        response = await self._send("POST", "/login", json_body=payload)
        if response.status_code == 401:
            raise AuthenticationError(self.id, "the API key (or PIN) was refused at login", status_code=401)
        self._check(response)
        body = decode_json(self.id, response)
        token = clean_str(as_dict(as_dict(body).get("data")).get("token"))
        if token is None:
            raise BadResponseError(self.id, "the login answer holds no token")
        register_secret(token)
        return token

    async def _token_for_request(self, stale: str | None = None) -> str:
        """The current token; logs in when there is none or when `stale` is the one that failed."""
        async with self._login_lock:
            if self._token is None or self._token == stale:
                self._token = None
                self._token = await self._login()
            return self._token

    async def _tvdb_get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        token = await self._token_for_request()
        response = await self._send("GET", path, params=params, headers={"Authorization": f"Bearer {token}"})
        if response.status_code == 401:  # the token expired: log in again once and retry once
            token = await self._token_for_request(stale=token)
            response = await self._send(
                "GET", path, params=params, headers={"Authorization": f"Bearer {token}"}
            )
        self._check(response)
        return json_object(self.id, decode_json(self.id, response))

    # ---------------------------------------------------------------------------------------------
    # The provider interface
    # ---------------------------------------------------------------------------------------------

    @staticmethod
    def _kind(entity_type: EntityType) -> str:
        return "series" if entity_type is EntityType.TVSHOW else "movie"

    async def _resolve_tvdb_id(self, ids: ExternalIds, entity_type: EntityType) -> int:
        if ids.tvdb is not None:
            return ids.tvdb
        kind = self._kind(entity_type)
        for value in (ids.imdb, ids.tmdb):
            if value is None:
                continue
            try:
                body = await self._tvdb_get(f"/search/remoteid/{value}")
            except NotFoundError:
                continue
            for entry in as_list(body.get("data")):
                record = as_dict(as_dict(entry).get(kind))
                tvdb_id = parse_positive_int(record.get("id"))
                if tvdb_id is not None:
                    return tvdb_id
        raise NotFoundError(self.id, f"no TheTVDB {kind} for these ids")

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        tvdb_id = await self._resolve_tvdb_id(request.ids, request.entity_type)
        path = "series" if request.entity_type is EntityType.TVSHOW else "movies"
        body = await self._tvdb_get(f"/{path}/{tvdb_id}/extended", {"meta": "translations"})
        data = as_dict(body.get("data"))
        if not data:
            raise NotFoundError(self.id, f"no TheTVDB record {tvdb_id}")
        return self.parse_record(data, request.entity_type, request.language)

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        query = request.query.strip()
        if not query:
            return []
        params: dict[str, Any] = {"query": query, "type": self._kind(request.entity_type)}
        if request.year is not None:
            params["year"] = request.year
        body = await self._tvdb_get("/search", params)
        language3 = to_three_letter(request.language)
        results: list[SearchResult] = []
        for raw in as_list(body.get("data")):
            result = self.parse_search_result(as_dict(raw), language3)
            if result is not None:
                results.append(result)
        return results[: request.limit]

    # ---------------------------------------------------------------------------------------------
    # Parsing
    # ---------------------------------------------------------------------------------------------

    def parse_search_result(self, raw: dict[str, Any], language3: str = "eng") -> SearchResult | None:
        tvdb_id = parse_positive_int(raw.get("tvdb_id"))
        if tvdb_id is None:
            tvdb_id = parse_positive_int(str(raw.get("id") or "").rpartition("-")[2])
        name = clean_str(raw.get("name"))
        if tvdb_id is None or name is None:
            return None
        ids = ExternalIds(tvdb=tvdb_id).merged(remote_ids(raw.get("remote_ids")))
        title = clean_str(as_dict(raw.get("translations")).get(language3)) or name
        overview = clean_str(as_dict(raw.get("overviews")).get(language3)) or clean_str(raw.get("overview"))
        release = parse_date(raw.get("first_air_time"))
        return SearchResult(
            provider=self.id,
            external_ids=ids,
            title=title,
            original_title=name if name != title else None,
            year=parse_year(raw.get("year")) or parse_year(release),
            release_date=release,
            overview=overview,
            poster_url=clean_str(raw.get("image_url")) or clean_str(raw.get("thumbnail")),
            director=clean_str(raw.get("director")),
        )

    def parse_record(
        self, data: dict[str, Any], entity_type: EntityType = EntityType.MOVIE, language: str = "en"
    ) -> ProviderData:
        """A ``/movies/{id}/extended`` or ``/series/{id}/extended`` record as canonical fields."""
        tvdb_id = parse_positive_int(data.get("id"))
        name = clean_str(data.get("name"))
        if tvdb_id is None or name is None:
            raise BadResponseError(self.id, "the record has no id or name")
        is_series = entity_type is EntityType.TVSHOW
        ids = ExternalIds(tvdb=tvdb_id).merged(remote_ids(data.get("remoteIds")))
        language3 = to_three_letter(language)
        translations = as_dict(data.get("translations"))
        name_tr = _translation(translations, "nameTranslations", language3)
        overview_tr = _translation(translations, "overviewTranslations", language3)

        out = FieldSink()
        title = clean_str(name_tr.get("name")) or name
        out.set("title", title)
        if title != name:
            out.set("original_title", name)
        out.set("plot", clean_str(overview_tr.get("overview")) or clean_str(data.get("overview")))
        out.set("tagline", clean_str(overview_tr.get("tagline")) or clean_str(name_tr.get("tagline")))
        out.set("runtime", parse_runtime(data.get("runtime")) or parse_runtime(data.get("averageRuntime")))
        release = self._release_date(data)
        out.set("release_date", release)
        out.set("year", parse_year(data.get("year")) or parse_year(release))
        out.set("content_rating", self._content_rating(data.get("contentRatings")))
        out.set("genres", names(data.get("genres")))
        people = [as_dict(c) for c in as_list(data.get("characters"))]
        out.set("cast", self._cast(people))
        out.set("directors", names([p for p in people if p.get("peopleType") == "Director"], "personName"))
        out.set("writers", names([p for p in people if p.get("peopleType") == "Writer"], "personName"))
        out.set("studios", self._studios(data))
        out.set("countries", names(data.get("production_countries")))
        out.set("languages", self._languages(data))
        out.set("trailer", self._trailer(data.get("trailers"), language3))
        assets = self._artworks(
            data.get("artworks"), SERIES_ARTWORK_TYPES if is_series else MOVIE_ARTWORK_TYPES
        )
        lang2 = language.split("-")[0]
        for field_name, asset_type in ARTWORK_FIELDS.items():
            out.set(field_name, best_url(assets, asset_type, lang2))
        out.set_default("poster", clean_str(data.get("image")))
        out.set_ids(ids)
        # The language of the text: the requested one where TheTVDB had a translation.
        languages = {}
        if clean_str(name_tr.get("name")):
            languages["title"] = lang2
        if clean_str(overview_tr.get("overview")):
            languages["plot"] = lang2
        return ProviderData(provider=self.id, fields=out.fields, ids=ids, assets=assets, languages=languages)

    @staticmethod
    def _release_date(data: dict[str, Any]) -> str | None:
        first = parse_date(as_dict(data.get("first_release")).get("date"))
        if first is not None:
            return first
        dates = sorted(
            d for r in as_list(data.get("releases")) if (d := parse_date(as_dict(r).get("date"))) is not None
        )
        if dates:
            return dates[0]
        return parse_date(data.get("firstAired"))

    @staticmethod
    def _content_rating(ratings: Any) -> str | None:
        for rating in as_list(ratings):
            rating = as_dict(rating)
            if rating.get("country") == "usa":
                return clean_str(rating.get("name"))
        return None

    @staticmethod
    def _cast(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
        actors = [p for p in people if p.get("peopleType") == "Actor" and clean_str(p.get("personName"))]

        def position(person: dict[str, Any]) -> int:
            sort = parse_int(person.get("sort"))
            return sort if sort is not None else 1 << 30

        actors.sort(key=position)
        return [
            {
                "name": clean_str(p.get("personName")),
                "role": clean_str(p.get("name")),
                "order": index,
                "thumb": clean_str(p.get("personImgURL")) or clean_str(p.get("image")),
            }
            for index, p in enumerate(actors)
        ]

    @staticmethod
    def _studios(data: dict[str, Any]) -> list[str]:
        studios = names(data.get("studios"))
        companies = data.get("companies")
        if isinstance(companies, dict):  # movies: {"studio": [...], "production": [...], ...}
            for key in ("studio", "production"):
                studios += [n for n in names(companies.get(key)) if n not in studios]
        else:  # series: a flat list with a companyType each
            for company in as_list(companies):
                company = as_dict(company)
                kind = as_dict(company.get("companyType")).get("companyTypeName")
                name = clean_str(company.get("name"))
                if kind in ("Network", "Studio", "Production Company") and name and name not in studios:
                    studios.append(name)
        return studios

    @staticmethod
    def _languages(data: dict[str, Any]) -> list[str]:
        codes: list[Any] = list(as_list(data.get("spoken_languages")))
        if not codes and clean_str(data.get("originalLanguage")):
            codes = [data.get("originalLanguage")]
        result: list[str] = []
        for code in codes:
            text = clean_str(code) if not isinstance(code, dict) else clean_str(code.get("name"))
            if text is None:
                continue
            name = english_name(text) or text
            if name not in result:
                result.append(name)
        return result

    @staticmethod
    def _trailer(trailers: Any, language3: str) -> str | None:
        candidates = [as_dict(t) for t in as_list(trailers) if clean_str(as_dict(t).get("url"))]
        youtube = [t for t in candidates if "youtu" in str(t.get("url"))]
        pool = youtube or candidates
        if not pool:
            return None
        best = max(
            pool,
            key=lambda t: 2 if t.get("language") == language3 else (1 if t.get("language") == "eng" else 0),
        )
        return clean_str(best.get("url"))

    def _artworks(self, artworks: Any, kinds: dict[int, AssetType]) -> list[AssetCandidate]:
        assets: list[AssetCandidate] = []
        # TheTVDB has no votes; its `score` orders artwork by popularity, so the list is kept in
        # that order and the best-candidate choice keeps it among equals.
        ordered = sorted(
            (as_dict(a) for a in as_list(artworks)), key=lambda a: -(parse_int(a.get("score")) or 0)
        )
        for raw in ordered:
            kind = parse_int(raw.get("type"))
            asset_type = kinds.get(kind) if kind is not None else None
            url = clean_str(raw.get("image"))
            if asset_type is None or url is None:
                continue
            language = (
                None if raw.get("includesText") is False else to_two_letter(clean_str(raw.get("language")))
            )
            assets.append(
                AssetCandidate(
                    url=url,
                    type=asset_type,
                    provider=self.id,
                    width=parse_positive_int(raw.get("width")),
                    height=parse_positive_int(raw.get("height")),
                    language=language,
                )
            )
        return assets
