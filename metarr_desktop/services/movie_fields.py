"""A movie's fields as the detail page shows and edits them: value, source, lock, and typed input.

`read_detail` gathers what `metarr show` and `metarr history` print (every canonical field with its
value, the provider that supplied it and whether it is locked; the ratings per source; the enrichment
log). `edit_field` is a hand edit: the value is checked for its field (`normalise_value`), written with
the source `USER_SOURCE` and the field locked, in one transaction, so that no refresh changes it.

Typed input: numbers are checked against a plausible range, dates are ``YYYY-MM-DD``, lists are
comma-separated, the cast is a comma-separated list of names (a name already in the cast keeps its
role and picture), artwork and the trailer are http(s) addresses. An empty entry clears the field
(the title cannot be cleared). The ids are the movie's identity: they change through identification,
never by a hand edit.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import FIELDS
from metarr_desktop.core.fields import ID_FIELDS
from metarr_desktop.core.fields import LIST_FIELDS
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.fields import label
from metarr_desktop.core.merge import ratings
from metarr_desktop.core.records import EnrichmentLogRecord
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.store.database import Database
from metarr_desktop.store.library import EnrichmentLogRepository
from metarr_desktop.store.library import MovieRepository

#: The source recorded for a value the user typed.
USER_SOURCE = "user"

#: Whole-number fields and their plausible range (None: no upper bound), from the field table.
INT_RANGES: dict[str, tuple[int, int | None]] = {
    spec.name: (int(spec.minimum or 0), None if spec.maximum is None else int(spec.maximum))
    for spec in FIELDS
    if spec.kind == "int"
}

#: Decimal fields and their range.
FLOAT_RANGES: dict[str, tuple[float, float]] = {
    spec.name: (float(spec.minimum or 0.0), float(spec.maximum or 0.0))
    for spec in FIELDS
    if spec.kind == "float"
}

#: Fields holding a web address.
URL_FIELDS: frozenset[str] = frozenset(spec.name for spec in FIELDS if spec.kind == "url")

#: Fields holding a date.
DATE_FIELDS: frozenset[str] = frozenset(spec.name for spec in FIELDS if spec.kind == "date")

#: Fields that cannot be emptied.
REQUIRED_FIELDS: frozenset[str] = frozenset(spec.name for spec in FIELDS if spec.required)


class FieldValueError(ValueError):
    """A value the field cannot hold; the message says what is expected (shown inline)."""


def is_editable(name: str) -> bool:
    """Whether a hand edit may change the field (every field but the ids)."""
    return name in ALL_FIELDS and name not in ID_FIELDS


def input_hint(name: str) -> str:
    """What to type into the field, in a few words."""
    if name in INT_RANGES:
        low, high = INT_RANGES[name]
        unit = " (minutes)" if name == "runtime" else ""
        return (
            f"a whole number{unit} from {low} to {high}"
            if high is not None
            else f"a whole number, {low} or more"
        )
    if name in FLOAT_RANGES:
        low_f, high_f = FLOAT_RANGES[name]
        return f"a number from {low_f:g} to {high_f:g}, e.g. 7.5"
    if name in DATE_FIELDS:
        return "a date like 2010-07-16"
    if name == "cast":
        return "names separated by commas"
    if name in LIST_FIELDS:
        return "values separated by commas"
    if name in URL_FIELDS:
        return "a web address starting with https://"
    return "text"


def _number_text(text: str) -> str:
    return re.sub(r"[\s,_']", "", text)


def _parse_int(name: str, value: Any) -> int:
    low, high = INT_RANGES[name]
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise FieldValueError(f"{label(name)} must be {input_hint(name)}")
    if isinstance(value, int | float):
        number = int(value)
    else:
        text = _number_text(str(value))
        if name == "runtime":
            text = re.sub(r"(?i)(min|mins|minutes)$", "", text)
        if not re.fullmatch(r"\d+", text):
            raise FieldValueError(f"{label(name)} must be {input_hint(name)}")
        number = int(text)
    if number < low or (high is not None and number > high):
        raise FieldValueError(f"{label(name)} must be {input_hint(name)}")
    return number


def _parse_float(name: str, value: Any) -> float:
    low, high = FLOAT_RANGES[name]
    if isinstance(value, bool):
        raise FieldValueError(f"{label(name)} must be {input_hint(name)}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            raise FieldValueError(f"{label(name)} must be {input_hint(name)}")
        number = float(text)
    if not low <= number <= high:
        raise FieldValueError(f"{label(name)} must be {input_hint(name)}")
    return number


def _parse_date(name: str, value: Any) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value).strip()
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        raise FieldValueError(f"{label(name)} must be {input_hint(name)}") from None
    if not 1870 <= parsed.year <= 2200 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise FieldValueError(f"{label(name)} must be {input_hint(name)}")
    return parsed.isoformat()


def _parse_url(name: str, value: Any) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in text:
        raise FieldValueError(f"{label(name)} must be {input_hint(name)}")
    return text


def _split(value: Any) -> list[str]:
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def _person_name(entry: Any) -> str:
    return str(entry.get("name", "")) if isinstance(entry, Mapping) else str(entry)


def _parse_cast(value: Any, current: Any) -> list[dict[str, Any]]:
    """Names (or cast entries) -> cast entries; a name already in `current` keeps its role and picture."""
    known: dict[str, Mapping[str, Any]] = {}
    for entry in current if isinstance(current, list) else []:
        if isinstance(entry, Mapping) and entry.get("name"):
            known.setdefault(str(entry["name"]).casefold(), entry)
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    names = _split([_person_name(item) for item in items])
    cast = []
    for order, name in enumerate(names):
        entry = dict(known.get(name.casefold(), {"role": None, "thumb": None}))
        entry["name"] = name
        entry["order"] = order
        cast.append(entry)
    return cast


def normalise_value(name: str, value: Any, current: Any = None) -> Any:
    """The value to store for `name`, from typed text or a typed value; None clears the field.

    Raises `FieldValueError` (with what is expected) for a value the field cannot hold, and for the
    ids, which only identification changes. `current` is the stored value (the cast keeps roles).
    """
    if name not in ALL_FIELDS:
        raise FieldValueError(f"unknown field {name!r}")
    if name in ID_FIELDS:
        raise FieldValueError(f"{label(name)} is the movie's identity: change it with Identify")
    empty = value is None or (isinstance(value, str) and not value.strip())
    empty = empty or (isinstance(value, list | tuple) and not _split([_person_name(v) for v in value]))
    if empty:
        if name in REQUIRED_FIELDS:
            raise FieldValueError(f"{label(name)} cannot be empty")
        return None
    if name in INT_RANGES:
        return _parse_int(name, value)
    if name in FLOAT_RANGES:
        return _parse_float(name, value)
    if name in DATE_FIELDS:
        return _parse_date(name, value)
    if name in URL_FIELDS:
        return _parse_url(name, value)
    if name == "cast":
        return _parse_cast(value, current)
    if name in LIST_FIELDS:
        return _split(value)
    if not isinstance(value, str):
        raise FieldValueError(f"{label(name)} must be text")
    return value.strip()


@dataclass(frozen=True, slots=True)
class FieldDetail:
    """One field of a movie as the detail page shows it.

    Attributes:
        value: the stored value (None when the field is empty).
        source: the provider id that supplied it, `USER_SOURCE` for a hand edit, or None.
        fetched_at: when that source's answer was fetched (or the edit made).
        locked: enrichment never changes it.
        language: the BCP 47 tag of the value's language, when its provider said.
    """

    name: str
    value: Any
    source: str | None
    locked: bool
    fetched_at: datetime | None = None
    language: str | None = None


@dataclass(slots=True)
class MovieDetail:
    """Everything the detail page shows about one movie.

    Attributes:
        fields: every canonical field, in canonical order.
        ratings: one entry per source (``{"source", "value", "votes"}``), never blended.
        history: the enrichment log, newest first.
    """

    movie: MovieRecord
    fields: dict[str, FieldDetail]
    ratings: list[dict[str, Any]] = field(default_factory=list)
    history: list[EnrichmentLogRecord] = field(default_factory=list)

    @property
    def locked(self) -> set[str]:
        return {name for name, detail in self.fields.items() if detail.locked}


def read_detail(
    movies: MovieRepository,
    movie_id: int,
    *,
    log: EnrichmentLogRepository | None = None,
    history_limit: int | None = 200,
) -> MovieDetail:
    """The movie's fields, sources, locks, ratings and history (`UnknownEntityError` for a bad id)."""
    movie = movies.require(movie_id)
    sources = movies.field_sources(movie_id)
    locked = movies.locked_fields(movie_id)
    fields = {}
    for name in ALL_FIELDS:
        source = sources.get(name)
        fields[name] = FieldDetail(
            name=name,
            value=copy.deepcopy(movie.fields.get(name)),
            source=source.provider if source else None,
            locked=name in locked,
            fetched_at=source.fetched_at if source else None,
            language=source.language if source else None,
        )
    history = (log or EnrichmentLogRepository()).for_entity(
        EntityType.MOVIE.value, movie_id, limit=history_limit
    )
    return MovieDetail(movie=movie, fields=fields, ratings=ratings(movie.fields), history=history)


def write_edit(
    database: Database, movies: MovieRepository, movie_id: int, name: str, value: Any
) -> FieldDetail:
    """Store a hand edit: the checked value with the source "user", and the field locked (one
    transaction). Raises `FieldValueError` for a bad value, `UnknownEntityError` for a bad id."""
    movie = movies.require(movie_id)
    stored = normalise_value(name, value, movie.fields.get(name))
    with database.atomic():
        movies.set_fields(movie_id, {name: stored}, {name: USER_SOURCE})
        movies.lock(movie_id, name)
    source = movies.field_sources(movie_id).get(name)
    return FieldDetail(
        name=name,
        value=copy.deepcopy(stored),
        source=source.provider if source else None,
        locked=True,
        fetched_at=source.fetched_at if source else None,
    )


def set_lock(movies: MovieRepository, movie_id: int, name: str, locked: bool) -> None:
    """Lock or unlock one field (`ValueError` for an unknown field, `UnknownEntityError` for a bad id)."""
    if locked:
        movies.lock(movie_id, name)
    else:
        movies.unlock(movie_id, name)
