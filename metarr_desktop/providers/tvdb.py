"""TheTVDB v4 client."""

from __future__ import annotations

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import ProviderCapabilities, RateLimit
from metarr_desktop.providers.base import HttpProvider


class TvdbProvider(HttpProvider):
    id = "tvdb"
    name = "TheTVDB"
    default_base_url = "https://api4.thetvdb.com/v4"
    default_rate_limit = RateLimit(30, 10.0)
    default_daily_quota = None
    capabilities = ProviderCapabilities(
        entity_types=frozenset({EntityType.MOVIE, EntityType.TVSHOW}),
        can_search=True,
        ids_accepted=frozenset({IdType.TVDB, IdType.IMDB, IdType.TMDB}),
        ids_provided=frozenset({IdType.TVDB, IdType.IMDB, IdType.TMDB}),
        fields=frozenset(
            {
                "title",
                "original_title",
                "plot",
                "runtime",
                "release_date",
                "year",
                "genres",
                "cast",
                "directors",
                "writers",
                "studios",
                "countries",
                "poster",
                "fanart",
                "tvdb_id",
            }
        ),
        asset_types=frozenset({AssetType.POSTER, AssetType.FANART, AssetType.CLEARLOGO, AssetType.BANNER}),
    )
