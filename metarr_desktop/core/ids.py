"""External ids (TMDB, IMDb, TheTVDB): validation, parsing and the id set of one entity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import replace
from enum import StrEnum
from typing import Any


class IdType(StrEnum):
    """The kinds of external id a provider accepts or reveals."""

    TMDB = "tmdb"
    IMDB = "imdb"
    TVDB = "tvdb"


class InvalidIdError(ValueError):
    """An external id that is not of its kind's form (bad input, shown to the user)."""


_IMDB_RE = re.compile(r"^tt\d{7,10}$", re.ASCII)
_IMDB_IN_TEXT_RE = re.compile(r"(tt\d{7,10})(?!\d)", re.ASCII)

#: The largest TMDB or TheTVDB id accepted (both are far below it; SQLite and JSON hold it safely).
MAX_NUMERIC_ID = 2**31 - 1


def parse_imdb_id(value: object) -> str:
    """Return a normalised IMDb id (``tt`` and 7 or more digits) or raise `InvalidIdError`.

    Accepts surrounding whitespace, upper case (``TT0111161``) and IMDb title URLs.
    """
    text = str(value).strip()
    match = _IMDB_IN_TEXT_RE.search(text.lower()) if "imdb.com" in text.lower() else None
    candidate = match.group(1) if match else text.lower()
    if not _IMDB_RE.match(candidate):
        raise InvalidIdError(f"not an IMDb id: {text[:40]!r} (expected tt followed by 7 to 10 digits)")
    return candidate


def parse_numeric_id(value: object, kind: IdType) -> int:
    """Return a positive integer id (TMDB, TVDB) or raise `InvalidIdError`."""
    if isinstance(value, bool):
        raise InvalidIdError(f"not a {kind.value} id: {value!r}")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 10:
            raise InvalidIdError(f"not a {kind.value} id: {text[:40]!r} (expected a positive whole number)")
        number = int(text)
    if not 0 < number <= MAX_NUMERIC_ID:
        raise InvalidIdError(
            f"not a {kind.value} id: {str(value)[:40]!r} (expected a whole number from 1 to {MAX_NUMERIC_ID})"
        )
    return number


def parse_id(kind: IdType | str, value: object) -> int | str:
    """Parse any external id by kind."""
    kind = IdType(kind)
    if kind is IdType.IMDB:
        return parse_imdb_id(value)
    return parse_numeric_id(value, kind)


@dataclass(frozen=True, slots=True)
class ExternalIds:
    """The external ids known for one entity; any of them may be missing."""

    tmdb: int | None = None
    imdb: str | None = None
    tvdb: int | None = None

    def __post_init__(self) -> None:
        if self.tmdb is not None:
            object.__setattr__(self, "tmdb", parse_numeric_id(self.tmdb, IdType.TMDB))
        if self.imdb is not None:
            object.__setattr__(self, "imdb", parse_imdb_id(self.imdb))
        if self.tvdb is not None:
            object.__setattr__(self, "tvdb", parse_numeric_id(self.tvdb, IdType.TVDB))

    def get(self, kind: IdType | str) -> int | str | None:
        value: int | str | None = getattr(self, IdType(kind).value)
        return value

    def with_id(self, kind: IdType | str, value: object) -> ExternalIds:
        kind = IdType(kind)
        parsed = parse_id(kind, value)
        if kind is IdType.IMDB:
            return replace(self, imdb=str(parsed))
        if kind is IdType.TMDB:
            return replace(self, tmdb=int(parsed))
        return replace(self, tvdb=int(parsed))

    def merged(self, other: ExternalIds) -> ExternalIds:
        """Fill this set's gaps from ``other``; ids already known are kept."""
        return ExternalIds(
            tmdb=self.tmdb if self.tmdb is not None else other.tmdb,
            imdb=self.imdb if self.imdb is not None else other.imdb,
            tvdb=self.tvdb if self.tvdb is not None else other.tvdb,
        )

    def known(self) -> dict[IdType, int | str]:
        return {kind: value for kind in IdType if (value := self.get(kind)) is not None}

    def is_empty(self) -> bool:
        return not self.known()

    def is_complete(self) -> bool:
        return len(self.known()) == len(IdType)

    def to_json(self) -> dict[str, int | str | None]:
        return {"tmdb": self.tmdb, "imdb": self.imdb, "tvdb": self.tvdb}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ExternalIds:
        data = data or {}
        return cls(tmdb=data.get("tmdb"), imdb=data.get("imdb"), tvdb=data.get("tvdb"))
