"""Entity types, canonical field names (CONTRACT.md) and what counts as a missing value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from typing import Literal


class EntityType(StrEnum):
    MOVIE = "movie"
    TVSHOW = "tvshow"
    MUSIC = "music"


Kind = Literal["text", "long_text", "int", "float", "date", "url", "list", "cast", "id"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One canonical field (CONTRACT.md's names), declared once.

    Attributes:
        label: how the field is named to people ("IMDb rating").
        kind: what it holds: ``text``, ``long_text``, ``int``, ``float``, ``date``, ``url``,
            ``list`` (of strings), ``cast`` (a list of people) or ``id`` (an external id).
        minimum, maximum: the plausible range of an ``int`` or ``float`` (None: unbounded).
        group: the section of the movie page's fields table.
        player_sync: a change means a media player showing the movie must resync it.
        rating_source, votes_field: for a rating, its source name (``metarr show``'s ``ratings``)
            and the field holding its vote count.
        required: the field cannot be emptied.
    """

    name: str
    label: str
    kind: Kind
    group: str
    minimum: float | None = None
    maximum: float | None = None
    player_sync: bool = False
    rating_source: str | None = None
    votes_field: str | None = None
    required: bool = False

    @property
    def is_list(self) -> bool:
        return self.kind in ("list", "cast")


_MAIN, _PEOPLE, _CLASSES, _RATINGS, _ART, _IDS = (
    "Main information",
    "People",
    "Classification",
    "Ratings",
    "Artwork",
    "Identifiers",
)


def _rating(
    name: str,
    label: str,
    kind: Kind,
    maximum: float,
    source: str,
    votes_field: str | None = None,
    *,
    player_sync: bool = False,
) -> FieldSpec:
    """A field of the ratings section: `source`'s score from 0 to `maximum`, and its votes' field."""
    return FieldSpec(
        name,
        label,
        kind,
        _RATINGS,
        minimum=0.0 if kind == "float" else 0,
        maximum=maximum,
        player_sync=player_sync,
        rating_source=source,
        votes_field=votes_field,
    )


#: Every canonical field, in CONTRACT.md's order (which JSON answers follow). The ids are fields too,
#: so that they can be merged and locked.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "Title", "text", _MAIN, player_sync=True, required=True),
    FieldSpec("original_title", "Original title", "text", _MAIN),
    FieldSpec("sort_title", "Sort title", "text", _MAIN),
    FieldSpec("plot", "Plot", "long_text", _MAIN, player_sync=True),
    FieldSpec("outline", "Outline", "long_text", _MAIN),
    FieldSpec("tagline", "Tagline", "text", _MAIN),
    FieldSpec("runtime", "Runtime", "int", _MAIN, minimum=1, maximum=2000, player_sync=True),
    FieldSpec("release_date", "Release date", "date", _MAIN, player_sync=True),
    FieldSpec("year", "Year", "int", _MAIN, minimum=1870, maximum=2200),
    FieldSpec("content_rating", "Content rating", "text", _CLASSES, player_sync=True),
    FieldSpec("genres", "Genres", "list", _CLASSES, player_sync=True),
    FieldSpec("cast", "Cast", "cast", _PEOPLE, player_sync=True),
    FieldSpec("directors", "Directors", "list", _PEOPLE),
    FieldSpec("writers", "Writers", "list", _PEOPLE),
    FieldSpec("studios", "Studios", "list", _CLASSES),
    FieldSpec("countries", "Countries", "list", _CLASSES),
    FieldSpec("languages", "Languages", "list", _CLASSES),
    FieldSpec("collection", "Collection", "text", _MAIN),
    FieldSpec("trailer", "Trailer", "url", _MAIN),
    _rating("imdb_rating", "IMDb rating", "float", 10.0, "imdb", "imdb_votes", player_sync=True),
    FieldSpec("imdb_votes", "IMDb votes", "int", _RATINGS, minimum=0),
    _rating("tmdb_rating", "TMDB rating", "float", 10.0, "tmdb", "tmdb_votes"),
    FieldSpec("tmdb_votes", "TMDB votes", "int", _RATINGS, minimum=0),
    _rating("rotten_tomatoes_score", "Rotten Tomatoes", "int", 100, "rotten_tomatoes"),
    _rating("metacritic_score", "Metacritic", "int", 100, "metacritic"),
    FieldSpec("awards", "Awards", "text", _MAIN),
    FieldSpec("poster", "Poster", "url", _ART, player_sync=True),
    FieldSpec("fanart", "Fanart", "url", _ART, player_sync=True),
    FieldSpec("clearlogo", "Clear logo", "url", _ART),
    FieldSpec("clearart", "Clear art", "url", _ART),
    FieldSpec("banner", "Banner", "url", _ART),
    FieldSpec("thumb", "Thumb", "url", _ART),
    FieldSpec("disc", "Disc", "url", _ART),
    FieldSpec("tmdb_id", "TMDB id", "id", _IDS),
    FieldSpec("imdb_id", "IMDb id", "id", _IDS),
    FieldSpec("tvdb_id", "TheTVDB id", "id", _IDS),
)

#: Each field's declaration by name.
FIELD_SPECS: Mapping[str, FieldSpec] = {spec.name: spec for spec in FIELDS}

ALL_FIELDS: tuple[str, ...] = tuple(spec.name for spec in FIELDS)

#: Fields whose values are lists; merged whole from one provider, never concatenated.
LIST_FIELDS: frozenset[str] = frozenset(spec.name for spec in FIELDS if spec.is_list)

#: Changing one of these means a media player showing the item must resync it.
PLAYER_SYNC_FIELDS: frozenset[str] = frozenset(spec.name for spec in FIELDS if spec.player_sync)

#: The movie's identity: changed by identification only.
ID_FIELDS: frozenset[str] = frozenset(spec.name for spec in FIELDS if spec.kind == "id")

#: The rating fields: field -> (rating source, votes field).
RATING_FIELDS: Mapping[str, tuple[str, str | None]] = {
    spec.name: (spec.rating_source, spec.votes_field) for spec in FIELDS if spec.rating_source is not None
}

#: The sections of the movie page's fields table, in order.
GROUPS: tuple[str, ...] = (_MAIN, _PEOPLE, _CLASSES, _RATINGS, _ART, _IDS)

#: The sections with their fields, each in table order.
FIELD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (group, tuple(spec.name for spec in FIELDS if spec.group == group)) for group in GROUPS
)


def label(name: str) -> str:
    """The field's name for people ("IMDb rating"); an unknown name is made readable."""
    spec = FIELD_SPECS.get(name)
    return spec.label if spec is not None else name.replace("_", " ").capitalize()


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
