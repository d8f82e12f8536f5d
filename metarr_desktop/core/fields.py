"""Entity types, canonical field names (CONTRACT.md) and what counts as a missing value."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class EntityType(StrEnum):
    MOVIE = "movie"
    TVSHOW = "tvshow"
    MUSIC = "music"


class Field(StrEnum):
    """Canonical field names; the ids are fields too so that they can be merged and locked."""

    TITLE = "title"
    ORIGINAL_TITLE = "original_title"
    SORT_TITLE = "sort_title"
    PLOT = "plot"
    OUTLINE = "outline"
    TAGLINE = "tagline"
    RUNTIME = "runtime"
    RELEASE_DATE = "release_date"
    YEAR = "year"
    CONTENT_RATING = "content_rating"
    GENRES = "genres"
    CAST = "cast"
    DIRECTORS = "directors"
    WRITERS = "writers"
    STUDIOS = "studios"
    COUNTRIES = "countries"
    LANGUAGES = "languages"
    COLLECTION = "collection"
    TRAILER = "trailer"
    IMDB_RATING = "imdb_rating"
    IMDB_VOTES = "imdb_votes"
    TMDB_RATING = "tmdb_rating"
    TMDB_VOTES = "tmdb_votes"
    ROTTEN_TOMATOES_SCORE = "rotten_tomatoes_score"
    METACRITIC_SCORE = "metacritic_score"
    AWARDS = "awards"
    POSTER = "poster"
    FANART = "fanart"
    CLEARLOGO = "clearlogo"
    CLEARART = "clearart"
    BANNER = "banner"
    THUMB = "thumb"
    DISC = "disc"
    TMDB_ID = "tmdb_id"
    IMDB_ID = "imdb_id"
    TVDB_ID = "tvdb_id"


ALL_FIELDS: tuple[str, ...] = tuple(f.value for f in Field)

#: Fields whose values are lists; merged whole from one provider, never concatenated.
LIST_FIELDS: frozenset[str] = frozenset(
    {"genres", "cast", "directors", "writers", "studios", "countries", "languages"}
)

#: Changing one of these means a media player showing the item must resync it.
PLAYER_SYNC_FIELDS: frozenset[str] = frozenset(
    {
        "title",
        "plot",
        "poster",
        "fanart",
        "imdb_rating",
        "release_date",
        "cast",
        "genres",
        "runtime",
        "content_rating",
    }
)

_MISSING_STRINGS = frozenset({"", "n/a", "na", "null", "none"})


def is_missing(value: Any) -> bool:
    """None, empty or whitespace strings, "N/A" and empty containers count as missing."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in _MISSING_STRINGS
    if isinstance(value, list | tuple | dict | set | frozenset):
        return len(value) == 0
    return False
