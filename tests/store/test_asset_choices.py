"""Undoing a rejection (the asset browser's Restore): the candidate may be chosen again."""

from __future__ import annotations

import pytest

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.store.cache import AnswerToStore
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import ProviderCacheRepository
from metarr_desktop.store.database import Database


def test_unreject_restores_a_candidate_without_selecting_it(database: Database, clock: VirtualClock) -> None:
    assets = AssetRepository(database, clock)
    cache = ProviderCacheRepository(database, assets)
    poster = AssetCandidate(url="https://x/a.jpg", type=AssetType.POSTER, provider="tmdb")
    cache.store(
        "movie",
        1,
        ExternalIds(tmdb=1),
        [AnswerToStore("tmdb", ProviderData("tmdb", assets=[poster]), clock.now(), None)],
    )
    (stored,) = assets.for_entity("movie", 1)
    assets.select(stored.id)
    assets.reject(stored.id)
    assets.unreject(stored.id)
    restored = assets.get(stored.id)
    assert restored is not None and not restored.is_rejected and not restored.is_selected
    with pytest.raises(KeyError):
        assets.unreject(999)
