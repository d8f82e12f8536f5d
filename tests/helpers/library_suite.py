"""The Matrix in a `LibrarySuite`, enriched from the fake providers (which know it)."""

from __future__ import annotations

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library_suite import LibrarySuite

MATRIX = ExternalIds(tmdb=603, imdb="tt0133093")


async def enriched_matrix(suite: LibrarySuite) -> int:
    """The Matrix added with its ids and enriched: its id."""
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    result = await suite.enrichment.enrich(movie.id)
    assert result.status is Status.ENRICHED
    return movie.id
