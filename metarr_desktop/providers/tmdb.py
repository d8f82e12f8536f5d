"""TMDB v3 client (movies).

Authentication: a v3 API key goes in the ``api_key`` query parameter; a v4 read access token (a long
JWT, "eyJ...") goes in ``Authorization: Bearer``. Either works on every v3 path.

One movie is one request: ``/movie/{id}?append_to_response=external_ids,images,videos,credits,
release_dates,translations`` with ``language=<metadata language>`` and
``include_image_language=<artwork languages>,<language>,en,null``: the translations make the
field-by-field language fallback cost no extra request. A movie known only by its IMDb (or TVDB)
id is first looked up with ``/find/{id}?external_source=imdb_id|tvdb_id``. Errors carry
``status_code`` (7 invalid key / 401, 34 not found / 404, 25 over the limit / 429); the shared base
maps them by HTTP status.
"""

from __future__ import annotations

import logging
from typing import Any

from metarr_desktop.core.artwork import best_url
from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.languages import NO_TEXT
from metarr_desktop.core.languages import language_chain
from metarr_desktop.core.languages import pick_certification
from metarr_desktop.core.languages import pick_translation
from metarr_desktop.core.languages import primary
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.providers.base import FULL_RECORD_FIELDS
from metarr_desktop.providers.base import HttpProvider
from metarr_desktop.providers.base import json_object
from metarr_desktop.providers.base import provider_capabilities
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.providers.omdb import first_sentence
from metarr_desktop.providers.parsing import FieldSink
from metarr_desktop.providers.parsing import as_dict
from metarr_desktop.providers.parsing import as_list
from metarr_desktop.providers.parsing import clean_str
from metarr_desktop.providers.parsing import names
from metarr_desktop.providers.parsing import parse_date
from metarr_desktop.providers.parsing import parse_float
from metarr_desktop.providers.parsing import parse_int
from metarr_desktop.providers.parsing import parse_positive_int
from metarr_desktop.providers.parsing import parse_runtime
from metarr_desktop.providers.parsing import parse_year
from metarr_desktop.providers.parsing import safe_ids
from metarr_desktop.providers.sanitize import sanitize_field

log = logging.getLogger(__name__)

IMAGE_BASE_URL = "https://image.tmdb.org/t/p/original"
YOUTUBE_URL = "https://www.youtube.com/watch?v="
#: What one ``/movie/{id}`` request appends (TMDB allows at most `APPEND_LIMIT` items).
APPEND = "external_ids,images,videos,credits,release_dates,translations"
APPEND_LIMIT = 20
#: The text fields taken field by field from ``translations`` (canonical field -> its key there).
_TRANSLATED = {"title": "title", "plot": "overview", "tagline": "tagline"}

_IMAGE_KINDS: dict[str, AssetType] = {
    "posters": AssetType.POSTER,
    "backdrops": AssetType.FANART,
    "logos": AssetType.CLEARLOGO,
}
_VIDEO_KINDS: dict[str, AssetType] = {
    "Trailer": AssetType.TRAILER,
    "Teaser": AssetType.TEASER,
    "Clip": AssetType.CLIP,
}
#: Release types in the order a certification is trusted: theatrical, limited, premiere, digital...
_RELEASE_TYPE_ORDER = (3, 2, 1, 4, 5, 6)


def is_bearer_token(key: str) -> bool:
    """A v4 read access token (a JWT) rather than a 32-character v3 key."""
    return key.startswith("eyJ") or len(key) > 64


def image_url(path: Any) -> str | None:
    text = clean_str(path)
    if text is None:
        return None
    if text.startswith("http"):
        return text
    return IMAGE_BASE_URL + (text if text.startswith("/") else "/" + text)


def tmdb_language(language: str) -> str:
    return language or "en"


#: TMDB's genre id of "TV Movie" (a search answer's `genre_ids` tells TV films apart).
TV_MOVIE_GENRE = 10770


class TmdbProvider(HttpProvider):
    """TMDB (themoviedb.org) v3 API client for movies."""

    id = "tmdb"
    name = "TMDB"
    default_base_url = "https://api.themoviedb.org/3"
    default_rate_limit = RateLimit(40, 1.0)
    default_daily_quota = None
    capabilities = provider_capabilities(
        # TV series need /tv/{id} and another parser; they are not built yet.
        entity_types={EntityType.MOVIE},
        can_search=True,
        ids_accepted={IdType.TMDB, IdType.IMDB, IdType.TVDB},
        # A movie's external_ids hold its IMDb id but never a TVDB id.
        ids_provided={IdType.TMDB, IdType.IMDB},
        asset_types={*_IMAGE_KINDS.values(), *_VIDEO_KINDS.values()},
        fields=FULL_RECORD_FIELDS | {"outline", "collection", "tmdb_rating", "tmdb_votes"},
    )

    # ---------------------------------------------------------------------------------------------
    # Requests
    # ---------------------------------------------------------------------------------------------

    def _auth(self) -> tuple[dict[str, str], dict[str, str]]:
        """(query parameters, headers) that carry the key."""
        key = self.api_key or ""
        if key and is_bearer_token(key):
            return {}, {"Authorization": f"Bearer {key}"}
        return {"api_key": key}, {}

    async def _tmdb_get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        auth_params, headers = self._auth()
        return json_object(self.id, await self._get_json(path, {**auth_params, **params}, headers=headers))

    async def find(self, external_id: str | int, source: IdType) -> dict[str, Any]:
        """``/find/{id}``: the raw result lists for an IMDb or TVDB id."""
        return await self._tmdb_get(f"/find/{external_id}", {"external_source": f"{source.value}_id"})

    async def _resolve_tmdb_id(self, ids: ExternalIds, language: str) -> int:
        if ids.tmdb is not None:
            return ids.tmdb
        for kind in (IdType.IMDB, IdType.TVDB):
            value = ids.get(kind)
            if value is None:
                continue
            found = await self._tmdb_get(
                f"/find/{value}",
                {"external_source": f"{kind.value}_id", "language": tmdb_language(language)},
            )
            for result in as_list(found.get("movie_results")):
                tmdb_id = parse_positive_int(as_dict(result).get("id"))
                if tmdb_id is not None:
                    return tmdb_id
        raise NotFoundError(self.id, "no TMDB movie for these ids")

    # ---------------------------------------------------------------------------------------------
    # The provider interface
    # ---------------------------------------------------------------------------------------------

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        if request.entity_type is not EntityType.MOVIE or not request.query.strip():
            return []
        params: dict[str, Any] = {
            "query": request.query.strip(),
            "include_adult": "false",
            "language": tmdb_language(request.language),
            "page": 1,
        }
        if request.year is not None:
            params["year"] = request.year
        body = await self._tmdb_get("/search/movie", params)
        results: list[SearchResult] = []
        for raw in as_list(body.get("results")):
            result = self.parse_search_result(as_dict(raw))
            if result is not None:
                results.append(result)
        return results[: request.limit]

    def parse_search_result(self, raw: dict[str, Any]) -> SearchResult | None:
        ids = safe_ids(tmdb=raw.get("id"))
        title = clean_str(raw.get("title"))
        if ids.tmdb is None or title is None:
            return None
        release = parse_date(raw.get("release_date"))
        return SearchResult(
            provider=self.id,
            external_ids=ids,
            title=title,
            original_title=clean_str(raw.get("original_title")),
            year=parse_year(release),
            release_date=release,
            overview=clean_str(raw.get("overview")),
            poster_url=image_url(raw.get("poster_path")),
            popularity=parse_float(raw.get("popularity")),
            tv_film=TV_MOVIE_GENRE in genres if isinstance(genres := raw.get("genre_ids"), list) else None,
        )

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        if request.entity_type is not EntityType.MOVIE:
            raise NotFoundError(self.id, f"{request.entity_type.value} is not supported")
        language = tmdb_language(request.language)
        tmdb_id = await self._resolve_tmdb_id(request.ids, language)
        # The user's artwork languages first ("none" is TMDB's "null"), then the metadata
        # language, English and textless: one request brings every image the order can choose.
        wanted = ["null" if t == NO_TEXT else primary(t) for t in request.image_languages]
        image_languages = ",".join(dict.fromkeys([*wanted, language.split("-")[0], "en", "null"]))
        body = await self._tmdb_get(
            f"/movie/{tmdb_id}",
            {
                "append_to_response": APPEND,
                "language": language,
                "include_image_language": image_languages,
                "include_video_language": ",".join(dict.fromkeys([language.split("-")[0], "en"])),
            },
        )
        chain = language_chain(language, request.fallback_languages, clean_str(body.get("original_language")))
        data = self.parse_movie(
            body, language.split("-")[0], chain=chain, countries=request.certification_countries
        )
        collection_id = parse_positive_int(as_dict(body.get("belongs_to_collection")).get("id"))
        if collection_id is not None and any(primary(tag) != "en" for tag in chain):
            await self._translate_collection(data, collection_id, language, chain)
        return data

    async def _translate_collection(
        self, data: ProviderData, collection_id: int, language: str, chain: list[str]
    ) -> None:
        """The collection's name in the chain's first language that has one: one more request,
        ``/collection/{id}?append_to_response=translations`` (a movie's translations do not hold it),
        made only when the chain has a language other than English (the name TMDB gives a movie's
        collection is its English one where the requested language has none). A failed request
        keeps the name the movie answer gave: the collection is not worth the movie."""
        try:
            body = await self._tmdb_get(
                f"/collection/{collection_id}", {"language": language, "append_to_response": "translations"}
            )
        except RateLimitedError:
            raise  # the engine's pacing and retries must hear of it
        except ProviderError as exc:
            log.info("tmdb: collection %s not translated (%s)", collection_id, exc.message)
            return
        picked = self.parse_collection_name(body, chain)
        if picked is not None:
            data.fields["collection"] = picked[1]
            data.languages["collection"] = picked[0]

    # ---------------------------------------------------------------------------------------------
    # Parsing
    # ---------------------------------------------------------------------------------------------

    def parse_movie(
        self,
        body: dict[str, Any],
        language: str = "en",
        *,
        chain: list[str] | None = None,
        countries: tuple[str, ...] = ("US",),
    ) -> ProviderData:
        """A ``/movie/{id}`` answer (with or without the appended parts) as canonical fields.

        With the appended ``translations`` and a language `chain`, title, plot and tagline are
        each the first chain language with a value (`core.languages.pick_translation`), and their
        languages are recorded; the certification is that of the first of `countries` with one.
        """
        external = as_dict(body.get("external_ids"))
        ids = safe_ids(tmdb=body.get("id"), imdb=body.get("imdb_id") or external.get("imdb_id"))
        if ids.tmdb is None or clean_str(body.get("title")) is None:
            raise BadResponseError(self.id, "the movie answer has no id or title")
        out = FieldSink()
        out.set("title", clean_str(body.get("title")))
        out.set("original_title", clean_str(body.get("original_title")))
        out.set("plot", clean_str(body.get("overview")))
        out.set("tagline", clean_str(body.get("tagline")))
        out.set("runtime", parse_runtime(body.get("runtime")))
        release = parse_date(body.get("release_date"))
        out.set("release_date", release)
        out.set("year", parse_year(release))
        certification = self._certification(as_dict(body.get("release_dates")), countries)
        out.set("content_rating", certification[1] if certification else None)
        out.set("genres", names(body.get("genres")))
        credits = as_dict(body.get("credits"))
        out.set("cast", self._cast(as_list(credits.get("cast"))))
        crew = [as_dict(c) for c in as_list(credits.get("crew"))]
        out.set("directors", names([c for c in crew if c.get("job") == "Director"]))
        out.set("writers", names([c for c in crew if c.get("department") == "Writing"]))
        out.set("studios", names(body.get("production_companies")))
        out.set("countries", names(body.get("production_countries")))
        out.set("languages", names(body.get("spoken_languages"), "english_name"))
        out.set("collection", clean_str(as_dict(body.get("belongs_to_collection")).get("name")))
        votes = parse_int(body.get("vote_count"))
        if votes:
            out.set("tmdb_rating", parse_float(body.get("vote_average")))
            out.set("tmdb_votes", votes)
        assets = self._images(as_dict(body.get("images")))
        videos = self._videos(as_list(as_dict(body.get("videos")).get("results")))
        trailer = self._trailer(as_list(as_dict(body.get("videos")).get("results")), language)
        out.set("trailer", trailer)
        out.set("poster", best_url(assets, AssetType.POSTER, language) or image_url(body.get("poster_path")))
        out.set(
            "fanart", best_url(assets, AssetType.FANART, language) or image_url(body.get("backdrop_path"))
        )
        out.set("clearlogo", best_url(assets, AssetType.CLEARLOGO, language))
        out.set_ids(ids)
        languages = self._translate(body, out.fields, chain) if chain else {}
        return ProviderData(
            provider=self.id,
            fields=out.fields,
            ids=ids,
            assets=assets + videos,
            languages=languages,
            certification_country=certification[0] if certification else None,
        )

    @staticmethod
    def _translate(body: dict[str, Any], fields: dict[str, Any], chain: list[str]) -> dict[str, str]:
        """Replace title, plot and tagline in `fields` by the chain's first translation with a value;
        return the language of each. TMDB has no fallback of its own: without a translation the
        title is the original one and the overview and tagline are empty."""
        original = clean_str(body.get("original_language"))
        entries = [as_dict(e) for e in as_list(as_dict(body.get("translations")).get("translations"))]
        tagged: list[tuple[str, dict[str, Any]]] = []
        for entry in entries:
            lang = clean_str(entry.get("iso_639_1"))
            if lang is None:
                continue
            country = clean_str(entry.get("iso_3166_1"))
            tagged.append(
                (f"{lang.lower()}-{country.upper()}" if country else lang.lower(), as_dict(entry.get("data")))
            )
        languages: dict[str, str] = {}
        for name, key in _TRANSLATED.items():
            # Translated text crosses the same boundary checks as the rest (`sanitize_field`).
            values = [(tag, sanitize_field(name, clean_str(data.get(key)))) for tag, data in tagged]
            if name == "title" and tagged and original and fields.get("original_title"):
                # The original language's own entry often leaves the title empty: it is the original title.
                values.append((original, fields["original_title"]))
            picked = pick_translation(chain, [(t, v) for t, v in values if isinstance(v, str)])
            if picked is not None:
                fields[name] = picked[1]
                languages[name] = picked[0]
            elif fields.get(name):
                # No chain language in the translations (or none appended): the answer's own text,
                # in the requested language, or the original title when TMDB had no translation.
                is_original = name == "title" and fields.get("title") == fields.get("original_title")
                languages[name] = original if is_original and original else chain[0]
        if fields.get("original_title") and original:
            languages["original_title"] = original
        if fields.get("plot") and "plot" in languages:
            # The outline follows the plot's language (OMDb's English outline must not stand
            # beside a German plot).
            outline = sanitize_field("outline", first_sentence(fields["plot"]))
            if isinstance(outline, str) and outline:
                fields["outline"] = outline
                languages["outline"] = languages["plot"]
        # The collection's name comes in the requested language where TMDB has it, else in English:
        # its language is not known here (`_translate_collection` asks the collection itself).
        return languages

    @staticmethod
    def parse_collection_name(body: dict[str, Any], chain: list[str]) -> tuple[str, str] | None:
        """(language, name) of a ``/collection/{id}?append_to_response=translations`` answer: the
        first chain language with a name (translations name it ``data.title``); None when none has."""
        values: list[tuple[str, str]] = []
        for entry in (as_dict(e) for e in as_list(as_dict(body.get("translations")).get("translations"))):
            lang = clean_str(entry.get("iso_639_1"))
            name = sanitize_field("collection", clean_str(as_dict(entry.get("data")).get("title")))
            if lang is None or not isinstance(name, str):
                continue
            country = clean_str(entry.get("iso_3166_1"))
            values.append((f"{lang.lower()}-{country.upper()}" if country else lang.lower(), name))
        return pick_translation(chain, values)

    @staticmethod
    def _cast(raw_cast: list[Any]) -> list[dict[str, Any]]:
        people = [as_dict(p) for p in raw_cast]

        def order_of(person: dict[str, Any]) -> int:
            order = parse_int(person.get("order"))
            return order if order is not None else 1 << 30

        people.sort(key=order_of)
        cast: list[dict[str, Any]] = []
        for index, person in enumerate(people):
            name = clean_str(person.get("name"))
            if name is None:
                continue
            order = parse_int(person.get("order"))
            cast.append(
                {
                    "name": name,
                    "role": clean_str(person.get("character")),
                    "order": order if order is not None else index,
                    "thumb": image_url(person.get("profile_path")),
                }
            )
        return cast

    @staticmethod
    def _certification(
        release_dates: dict[str, Any], countries: tuple[str, ...] = ("US",)
    ) -> tuple[str, str] | None:
        """(country, certification) of the first of `countries` that has one, each country's from
        its most trustworthy release type (theatrical first)."""
        found: list[tuple[str, str | None]] = []
        for country in as_list(release_dates.get("results")):
            country = as_dict(country)
            code = clean_str(country.get("iso_3166_1"))
            if code is None or code.upper() not in countries:
                continue
            entries = [as_dict(e) for e in as_list(country.get("release_dates"))]
            ranked = sorted(
                entries,
                key=lambda e: (
                    _RELEASE_TYPE_ORDER.index(t)
                    if (t := parse_int(e.get("type"))) in _RELEASE_TYPE_ORDER
                    else len(_RELEASE_TYPE_ORDER)
                ),
            )
            for entry in ranked:
                certification = clean_str(entry.get("certification"))
                if certification is not None:
                    found.append((code.upper(), certification))
                    break
        return pick_certification(countries, found)

    def _images(self, images: dict[str, Any]) -> list[AssetCandidate]:
        assets: list[AssetCandidate] = []
        for key, asset_type in _IMAGE_KINDS.items():
            for raw in as_list(images.get(key)):
                raw = as_dict(raw)
                url = image_url(raw.get("file_path"))
                if url is None:
                    continue
                assets.append(
                    AssetCandidate(
                        url=url,
                        type=asset_type,
                        provider=self.id,
                        width=parse_positive_int(raw.get("width")),
                        height=parse_positive_int(raw.get("height")),
                        language=clean_str(raw.get("iso_639_1")),
                        votes=parse_int(raw.get("vote_count")),
                        rating=parse_float(raw.get("vote_average")),
                    )
                )
        return assets

    def _videos(self, results: list[Any]) -> list[AssetCandidate]:
        assets: list[AssetCandidate] = []
        for raw in results:
            raw = as_dict(raw)
            asset_type = _VIDEO_KINDS.get(str(raw.get("type")))
            key = clean_str(raw.get("key"))
            if asset_type is None or key is None or raw.get("site") != "YouTube":
                continue
            assets.append(
                AssetCandidate(
                    url=YOUTUBE_URL + key,
                    type=asset_type,
                    provider=self.id,
                    height=parse_positive_int(raw.get("size")),
                    language=clean_str(raw.get("iso_639_1")),
                )
            )
        return assets

    @staticmethod
    def _trailer(results: list[Any], language: str) -> str | None:
        """The official YouTube trailer first, in the user's language before English."""
        trailers = [
            as_dict(r)
            for r in results
            if as_dict(r).get("site") == "YouTube"
            and as_dict(r).get("type") == "Trailer"
            and clean_str(as_dict(r).get("key"))
        ]
        if not trailers:
            return None

        def rank(video: dict[str, Any]) -> tuple[int, int]:
            lang = video.get("iso_639_1")
            lang_rank = 2 if lang == language else (1 if lang == "en" else 0)
            return (1 if video.get("official") is True else 0, lang_rank)

        best = max(trailers, key=rank)
        return YOUTUBE_URL + str(best["key"])
