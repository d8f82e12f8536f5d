"""fanart.tv client."""

from __future__ import annotations

from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import ProviderCapabilities, RateLimit
from metarr_desktop.providers.base import HttpProvider


class FanartProvider(HttpProvider):
    id = "fanart"
    name = "fanart.tv"
    default_base_url = "https://webservice.fanart.tv/v3"
    default_rate_limit = RateLimit(10, 1.0)
    default_daily_quota = None
    capabilities = ProviderCapabilities(
        entity_types=frozenset({EntityType.MOVIE, EntityType.TVSHOW, EntityType.MUSIC}),
        can_search=False,
        ids_accepted=frozenset({IdType.TMDB, IdType.IMDB}),
        ids_provided=frozenset({IdType.TMDB, IdType.IMDB}),
        fields=frozenset({"poster", "fanart", "clearlogo", "clearart", "banner", "thumb", "disc"}),
        asset_types=frozenset(
            {
                AssetType.POSTER,
                AssetType.FANART,
                AssetType.CLEARLOGO,
                AssetType.CLEARART,
                AssetType.BANNER,
                AssetType.THUMB,
                AssetType.DISCART,
            }
        ),
    )
