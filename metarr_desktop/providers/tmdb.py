"""TMDB v3 client."""

from __future__ import annotations

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import ProviderCapabilities, RateLimit
from metarr_desktop.providers.base import HttpProvider


class TmdbProvider(HttpProvider):
    id = "tmdb"
    name = "TMDB"
    default_base_url = "https://api.themoviedb.org/3"
    default_rate_limit = RateLimit(40, 1.0)
    default_daily_quota = None
    capabilities = ProviderCapabilities(
        entity_types=frozenset({EntityType.MOVIE, EntityType.TVSHOW}),
        can_search=True,
        ids_accepted=frozenset({IdType.TMDB, IdType.IMDB, IdType.TVDB}),
        ids_provided=frozenset({IdType.TMDB, IdType.IMDB, IdType.TVDB}),
        fields=frozenset(
            {
                "title",
                "original_title",
                "plot",
                "tagline",
                "runtime",
                "release_date",
                "year",
                "content_rating",
                "genres",
                "cast",
                "directors",
                "writers",
                "studios",
                "countries",
                "languages",
                "collection",
                "trailer",
                "tmdb_rating",
                "tmdb_votes",
                "poster",
                "fanart",
                "clearlogo",
                "tmdb_id",
                "imdb_id",
            }
        ),
        asset_types=frozenset(
            {
                AssetType.POSTER,
                AssetType.FANART,
                AssetType.CLEARLOGO,
                AssetType.TRAILER,
                AssetType.TEASER,
                AssetType.CLIP,
            }
        ),
    )
