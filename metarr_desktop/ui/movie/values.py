"""Field values as the movie page writes them (Qt-free): the table's text, the editor's text, the
change set's short text, the badge of a source, ratings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from metarr_desktop.core.fields import FIELD_SPECS
from metarr_desktop.core.fields import RATING_FIELDS
from metarr_desktop.services.movie_fields import USER_SOURCE

#: How many cast members the table lists before "and N more" (the tooltip has all of them).
CAST_SHOWN = 8

#: How the rating sources of `core.merge.ratings` are named (the rating field's label, without "rating").
RATING_NAMES = {
    source: FIELD_SPECS[name].label.removesuffix(" rating")
    for name, (source, _votes) in RATING_FIELDS.items()
}

#: The rating field behind each rating source (for the source badge of a rating).
RATING_SOURCE_FIELDS = {source: name for name, (source, _votes) in RATING_FIELDS.items()}

# --------------------------------------------------------------------------------------------------
# Values as text
# --------------------------------------------------------------------------------------------------


def _person(entry: Any) -> str:
    return str(entry.get("name", "")) if isinstance(entry, Mapping) else str(entry)


def cast_text(cast: list[Any], limit: int | None = CAST_SHOWN) -> str:
    """ "Leonardo DiCaprio (Dom Cobb), Joseph Gordon-Levitt (Arthur), … and 12 more"."""
    names = []
    for entry in cast:
        name = _person(entry)
        role = entry.get("role") if isinstance(entry, Mapping) else None
        names.append(f"{name} ({role})" if role else name)
    if limit is not None and len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)


def display_value(name: str, value: Any) -> str:
    """A field's value as the table shows it ("" when empty)."""
    if value is None or value == "" or value == []:
        return ""
    if name == "cast" and isinstance(value, list):
        return cast_text(value)
    if isinstance(value, list):
        return ", ".join(_person(v) for v in value)
    if name == "runtime" and isinstance(value, int):
        hours, minutes = divmod(value, 60)
        return f"{value} min ({hours} h {minutes:02d})" if hours else f"{value} min"
    if name in ("imdb_votes", "tmdb_votes") and isinstance(value, int):
        return f"{value:,}"
    if name in ("imdb_rating", "tmdb_rating") and isinstance(value, int | float):
        return f"{value:g} / 10"
    if name == "rotten_tomatoes_score":
        return f"{value} %"
    if name == "metacritic_score":
        return f"{value} / 100"
    return str(value)


def edit_text(name: str, value: Any) -> str:
    """A field's value as the editor starts with it (lists comma-separated, cast as names)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_person(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def short_value(name: str, value: Any, width: int = 80) -> str:
    """A value on one line, shortened (for the change set)."""
    if value is None or value == "" or value == []:
        return "(empty)"
    text = (
        cast_text(value, limit=4)
        if name == "cast" and isinstance(value, list)
        else display_value(name, value)
    )
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def source_name(source: str | None, names: Mapping[str, str]) -> str:
    """The badge text of a source: the provider's display name, "EDITED" for a hand edit."""
    if not source:
        return ""
    if source == USER_SOURCE:
        return "EDITED"
    return names.get(source, source)


def rating_text(rating: Mapping[str, Any]) -> str:
    """ "8.8", "87 %", "74"."""
    value = rating.get("value")
    source = rating.get("source")
    if source == "rotten_tomatoes":
        return f"{value} %"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def rating_scale(rating: Mapping[str, Any]) -> str:
    source = rating.get("source")
    return {"imdb": "/ 10", "tmdb": "/ 10", "metacritic": "/ 100"}.get(str(source), "")
