"""The identification tests' catalog: a few films (a remake, two of the same title and year), the
four providers answering from it, and an `Identifier` over them (tests/engine)."""

from __future__ import annotations

import random
from collections.abc import Mapping

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.engine.fetch import FetchOrchestrator
from metarr_desktop.engine.identify import Identifier
from metarr_desktop.engine.runtime import ProviderPool
from tests.helpers.fakes import CatalogProvider

FILMS = [
    {"tmdb": 27205, "imdb": "tt1375666", "tvdb": 611, "title": "Inception", "year": 2010, "pop": 90},
    {"tmdb": 1091, "imdb": "tt0084787", "tvdb": 1200, "title": "The Thing", "year": 1982, "pop": 40},
    {"tmdb": 60935, "imdb": "tt0905372", "tvdb": 1201, "title": "The Thing", "year": 2011, "pop": 30},
    {"tmdb": 1, "imdb": "tt0000001", "tvdb": 1, "title": "Crash", "year": 2004, "pop": 20},
    {"tmdb": 2, "imdb": "tt0000002", "tvdb": 2, "title": "Crash", "year": 2004, "pop": 5},
]
T, IM, V = IdType.TMDB, IdType.IMDB, IdType.TVDB


def catalog_identifier(
    clock: VirtualClock, **overrides: Mapping[str, object]
) -> tuple[Identifier, dict[str, CatalogProvider]]:
    """An `Identifier` over the four providers answering from `FILMS` (each one's `overrides` set on
    it), and those providers."""
    pool = ProviderPool(clock)
    fakes = {
        "tmdb": CatalogProvider(
            "tmdb", clock, FILMS, accepts=frozenset({T, IM, V}), provides=frozenset({T, IM})
        ),
        "omdb": CatalogProvider("omdb", clock, FILMS, accepts=frozenset({IM}), provides=frozenset({IM})),
        "tvdb": CatalogProvider(
            "tvdb", clock, FILMS, accepts=frozenset({V, IM, T}), provides=frozenset({V, IM, T})
        ),
        "fanart": CatalogProvider(
            "fanart", clock, FILMS, accepts=frozenset({T, IM}), provides=frozenset({T, IM}), can_search=False
        ),
    }
    for pid, fake in fakes.items():
        for key, value in overrides.get(pid, {}).items():
            setattr(fake, key, value)
        pool.add(fake)
    return Identifier(FetchOrchestrator(pool, clock=clock, rng=random.Random(3))), fakes


COMPLETE = ExternalIds(tmdb=27205, imdb="tt1375666", tvdb=611)
