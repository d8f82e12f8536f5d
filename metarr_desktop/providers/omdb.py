"""OMDb client."""

from __future__ import annotations

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import ProviderCapabilities, RateLimit
from metarr_desktop.providers.base import HttpProvider


class OmdbProvider(HttpProvider):
    id = "omdb"
    name = "OMDb"
    default_base_url = "https://www.omdbapi.com"
    default_rate_limit = RateLimit(10, 1.0)
    default_daily_quota = 1000
    capabilities = ProviderCapabilities(
        entity_types=frozenset({EntityType.MOVIE, EntityType.TVSHOW}),
        can_search=True,
        ids_accepted=frozenset({IdType.IMDB}),
        ids_provided=frozenset({IdType.IMDB}),
        fields=frozenset(
            {
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
                "poster",
                "imdb_rating",
                "imdb_votes",
                "rotten_tomatoes_score",
                "metacritic_score",
                "studios",
                "imdb_id",
            }
        ),
        asset_types=frozenset({AssetType.POSTER}),
    )
