"""The user's choice of artwork reaches the movie: selected, the field set from it, locked."""

from __future__ import annotations

import pytest

from metarr_desktop.core.assets import AssetCandidate
from metarr_desktop.core.assets import AssetType
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.services.library import choose_artwork
from metarr_desktop.store.cache import AnswerToStore
from metarr_desktop.store.cache import AssetRepository
from metarr_desktop.store.cache import ProviderCacheRepository
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import MovieRepository


def test_choosing_a_backdrop_sets_and_locks_the_fanart(database: Database, clock: VirtualClock) -> None:
    movies = MovieRepository(database, clock)
    movie = movies.add("Heat", year=1995, ids=ExternalIds(tmdb=949))
    other = movies.add("Alien", year=1979, ids=ExternalIds(tmdb=348))
    movies.set_fields(movie.id, {"fanart": "https://x/old.jpg"}, {"fanart": "tmdb"})
    assets = AssetRepository(database, clock)
    cache = ProviderCacheRepository(database, assets)
    backdrop = AssetCandidate(url="https://x/new.jpg", type=AssetType.BACKDROP, provider="fanart")
    for entity in (movie.id, other.id):
        cache.store(
            "movie",
            entity,
            ExternalIds(tmdb=entity),
            [AnswerToStore("fanart", ProviderData("fanart", assets=[backdrop]), clock.now(), None)],
        )
    (mine,) = assets.for_entity("movie", movie.id)
    (theirs,) = assets.for_entity("movie", other.id)

    chosen = choose_artwork(database, movies, assets, movie.id, mine.id)

    assert chosen.url == "https://x/new.jpg"
    assert movies.require(movie.id).fields["fanart"] == "https://x/new.jpg"
    assert movies.field_sources(movie.id)["fanart"].provider == "fanart"
    assert movies.locked_fields(movie.id) == {"fanart"}
    stored = assets.get(mine.id)
    assert stored is not None and stored.is_selected

    # Another movie's candidate, or one that is gone: refused, nothing changed.
    with pytest.raises(KeyError):
        choose_artwork(database, movies, assets, movie.id, theirs.id)
    with pytest.raises(KeyError):
        choose_artwork(database, movies, assets, movie.id, 9999)
    assert movies.require(movie.id).fields["fanart"] == "https://x/new.jpg"
    assert movies.locked_fields(other.id) == set()
