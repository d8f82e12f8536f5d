"""fanart.tv client (movie artwork).

``GET /movies/{tmdb or imdb id}?api_key=<key>``. The answer lists images per kind; every value is a
string (``id``, ``lang``, ``likes``). The v3.2 shape adds ``width``, ``height``, ``added`` and
``<kind>_count``; both shapes are read. Language "00" or "" means the image carries no text.
"""

from __future__ import annotations

from typing import Any

from metarr_desktop.core.artwork import best_candidate
from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import MetadataRequest
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.core.providers import SearchRequest
from metarr_desktop.core.providers import SearchResult
from metarr_desktop.providers.base import ARTWORK_FIELDS
from metarr_desktop.providers.base import HttpProvider
from metarr_desktop.providers.base import json_object
from metarr_desktop.providers.base import provider_capabilities
from metarr_desktop.providers.errors import BadResponseError
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.parsing import FieldSink
from metarr_desktop.providers.parsing import as_dict
from metarr_desktop.providers.parsing import as_list
from metarr_desktop.providers.parsing import clean_str
from metarr_desktop.providers.parsing import parse_int
from metarr_desktop.providers.parsing import parse_positive_int
from metarr_desktop.providers.parsing import safe_ids

#: fanart.tv movie image kinds -> (asset type, high definition); HD kinds are preferred over SD ones.
MOVIE_KINDS: dict[str, tuple[AssetType, bool]] = {
    "movieposter": (AssetType.POSTER, True),
    "moviebackground": (AssetType.FANART, True),
    "hdmovielogo": (AssetType.CLEARLOGO, True),
    "movielogo": (AssetType.CLEARLOGO, False),
    "hdmovieclearart": (AssetType.CLEARART, True),
    "movieart": (AssetType.CLEARART, False),
    "moviebanner": (AssetType.BANNER, True),
    "moviethumb": (AssetType.THUMB, True),
    "moviedisc": (AssetType.DISCART, True),
}

NO_TEXT_LANGUAGES = frozenset({"00", ""})


def fanart_language(value: Any) -> str | None:
    text = clean_str(value)
    if text is None or text in NO_TEXT_LANGUAGES:
        return None
    return text.lower()


def fanart_size(value: Any) -> int | None:
    """A width or height; fanart.tv sends "1" for an unknown size, which is no size at all."""
    size = parse_positive_int(value)
    return size if size is not None and size > 1 else None


class FanartProvider(HttpProvider):
    """fanart.tv v3 client: posters, backgrounds, logos, clear art, banners, thumbs and disc art."""

    id = "fanart"
    name = "fanart.tv"
    default_base_url = "https://webservice.fanart.tv/v3"
    default_rate_limit = RateLimit(10, 1.0)
    default_daily_quota = None
    capabilities = provider_capabilities(
        # fanart.tv also serves TV (by TheTVDB id) and music (by MusicBrainz id); not built yet.
        entity_types={EntityType.MOVIE},
        can_search=False,
        ids_accepted={IdType.TMDB, IdType.IMDB},
        ids_provided={IdType.TMDB, IdType.IMDB},
        asset_types={asset_type for asset_type, _hd in MOVIE_KINDS.values()},
    )

    async def search(self, request: SearchRequest) -> list[SearchResult]:
        """fanart.tv cannot search; it is asked by id only."""
        return []

    async def get_metadata(self, request: MetadataRequest) -> ProviderData:
        if request.entity_type is not EntityType.MOVIE:
            raise NotFoundError(self.id, f"{request.entity_type.value} is not supported")
        movie_id = request.ids.tmdb if request.ids.tmdb is not None else request.ids.imdb
        if movie_id is None:
            raise NotFoundError(self.id, "fanart.tv needs a TMDB or IMDb id")
        answer = await self._get_json(f"/movies/{movie_id}", {"api_key": self.api_key or ""})
        body = json_object(self.id, answer)
        if str(body.get("status", "")).lower() == "error":
            message = str(body.get("error message") or body.get("error") or "")
            if "not found" in message.lower():
                raise NotFoundError(self.id, f"no artwork for {movie_id}")
            raise BadResponseError(self.id, f"refused the request ({message[:200] or 'no reason given'})")
        return self.parse_movie(body, request.language.split("-")[0])

    def parse_movie(self, body: dict[str, Any], language: str = "en") -> ProviderData:
        """A ``/movies/{id}`` answer (v3 or v3.2) as asset candidates and the best one per field."""
        ids = safe_ids(tmdb=body.get("tmdb_id"), imdb=body.get("imdb_id"))
        assets: list[AssetCandidate] = []
        hd: set[str] = set()
        for kind, (asset_type, is_hd) in MOVIE_KINDS.items():
            for raw in as_list(body.get(kind)):
                raw = as_dict(raw)
                url = clean_str(raw.get("url"))
                if url is None:
                    continue
                if is_hd:
                    hd.add(url)
                assets.append(
                    AssetCandidate(
                        url=url,
                        type=asset_type,
                        provider=self.id,
                        width=fanart_size(raw.get("width")),
                        height=fanart_size(raw.get("height")),
                        language=fanart_language(raw.get("lang")),
                        votes=parse_int(raw.get("likes")),
                    )
                )
        out = FieldSink()
        for field_name, asset_type in ARTWORK_FIELDS.items():
            hd_assets = [a for a in assets if a.url in hd]
            best = best_candidate(hd_assets, asset_type, language) or best_candidate(
                assets, asset_type, language
            )
            out.set(field_name, best.url if best else None)
        out.set_ids(ids)
        return ProviderData(provider=self.id, fields=out.fields, ids=ids, assets=assets)
