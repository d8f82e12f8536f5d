"""Small, forgiving readers for the values providers send.

Providers send numbers as strings ("2,345,678", "148 min", "87%", "74/100"), dates in several forms
("16 Jul 2010", "2010-07-15T00:00:00.000Z") and "N/A", "" or null for "unknown". These helpers turn
such values into the canonical types of CONTRACT.md, or None when the value is missing or unreadable;
they never raise on bad provider data. `FieldSink` stores a value only when it is present, so a
`ProviderData.fields` never holds "N/A".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import date
from datetime import datetime
from typing import Any

from metarr_desktop.core.fields import is_missing
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.ids import parse_id
from metarr_desktop.providers.sanitize import bounded_int
from metarr_desktop.providers.sanitize import clean_text
from metarr_desktop.providers.sanitize import finite_float
from metarr_desktop.providers.sanitize import sanitize_field

_NUMBER_RE = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_HOURS_RE = re.compile(r"(\d+)\s*h")
_MINUTES_RE = re.compile(r"(\d+)\s*m")
_YEAR_RE = re.compile(r"(1[89]\d\d|2\d\d\d)")
_PAREN_RE = re.compile(r"\s*\([^)]*\)\s*$")

_DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y/%m/%d")


def clean_str(value: Any) -> str | None:
    """A stripped string (valid Unicode, no control characters, capped; see `sanitize.clean_text`),
    or None for missing values ("N/A", "", null) and non-strings."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str) or is_missing(value):
        return None
    cleaned = clean_text(value).strip()
    return cleaned or None


def _number_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    text = clean_str(value)
    if text is None:
        return None
    match = _NUMBER_RE.search(text)
    return match.group(0).replace(",", "") if match else None


def parse_int(value: Any) -> int | None:
    """ "2,345,678" -> 2345678, "148 min" -> 148, 7.0 -> 7; None when missing or unreadable."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return bounded_int(value)
    text = _number_text(value)
    if text is None:
        return None
    try:
        return bounded_int(int(text) if text.lstrip("-").isdigit() else float(text))
    except ValueError:  # more digits than Python reads
        return None


def parse_float(value: Any) -> float | None:
    """ "8.8" -> 8.8, "8.8/10" -> 8.8; None when missing, unreadable, NaN or infinite."""
    text = _number_text(value)
    if text is None:
        return None
    try:
        return finite_float(float(text))
    except ValueError:
        return None


def parse_positive_int(value: Any) -> int | None:
    """Like `parse_int`, but 0 and negative numbers (a provider's "unknown") are None."""
    number = parse_int(value)
    return number if number is not None and number > 0 else None


def parse_runtime(value: Any) -> int | None:
    """Minutes from 148, "148 min", "2h 28min" or "2 h"; None when missing or 0."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = bounded_int(value)
        return number if number is not None and number > 0 else None
    text = clean_str(value)
    if text is None:
        return None
    hours = _HOURS_RE.search(text.lower())
    if hours:
        minutes = _MINUTES_RE.search(text.lower()[hours.end() :])
        total = int(hours.group(1)) * 60 + (int(minutes.group(1)) if minutes else 0)
        return total or None
    return parse_positive_int(text)


def parse_percent(value: Any) -> int | None:
    """ "87%" -> 87."""
    number = parse_float(value)
    return round(number) if number is not None else None


def parse_score_over(value: Any) -> int | None:
    """ "74/100" -> 74 (the part before the slash)."""
    text = clean_str(value)
    if text is None:
        return None
    number = parse_float(text.split("/", 1)[0])
    return round(number) if number is not None else None


def parse_year(value: Any) -> int | None:
    """The first plausible year in 2010, "2010", "1999–2003" or "2010-07-15"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1800 <= value <= 2999 else None
    text = clean_str(value)
    if text is None:
        return None
    match = _YEAR_RE.search(text)
    return int(match.group(1)) if match else None


def parse_date(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from "2010-07-15", "2010-07-15T00:00:00.000Z", "16 Jul 2010"..."""
    text = clean_str(value)
    if text is None:
        return None
    head = text[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", head):
        try:
            return date.fromisoformat(head).isoformat()
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def split_list(value: Any, *, strip_notes: bool = False) -> list[str]:
    """ "Action, Adventure" -> ["Action", "Adventure"], without missing parts or duplicates.

    With `strip_notes`, a trailing note in parentheses is dropped ("Jonathan Nolan (story)").
    """
    text = clean_str(value)
    if text is None:
        return []
    items: list[str] = []
    for part in text.split(","):
        item = _PAREN_RE.sub("", part) if strip_notes else part
        cleaned = clean_str(item)
        if cleaned is not None and cleaned not in items:
            items.append(cleaned)
    return items


def names(items: Any, key: str = "name") -> list[str]:
    """The `key` of every dict in a list, missing ones and duplicates left out."""
    result: list[str] = []
    if not isinstance(items, list):
        return result
    for item in items:
        if isinstance(item, Mapping):
            name = clean_str(item.get(key))
            if name is not None and name not in result:
                result.append(name)
    return result


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def safe_ids(**values: Any) -> ExternalIds:
    """An `ExternalIds` from raw values, dropping missing or malformed ones (tmdb=, imdb=, tvdb=)."""
    ids = ExternalIds()
    for kind in IdType:
        raw = values.get(kind.value)
        if raw is None or (isinstance(raw, str) and is_missing(raw)):
            continue
        try:
            parse_id(kind, raw)
        except InvalidIdError:
            continue
        ids = ids.with_id(kind, raw)
    return ids


class FieldSink:
    """Collects canonical fields, keeping only present values (never "N/A", "" or empty lists)."""

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}

    def set(self, name: str, value: Any) -> None:
        """Store `value` for `name` after the boundary's checks (`sanitize.sanitize_field`): a bad
        value is cleaned or dropped, never stored."""
        value = sanitize_field(name, value)
        if not is_missing(value):
            self.fields[name] = value

    def set_default(self, name: str, value: Any) -> None:
        """Set only when no value is known yet."""
        if name not in self.fields:
            self.set(name, value)

    def set_ids(self, ids: ExternalIds) -> None:
        for kind, value in ids.known().items():
            self.set(f"{kind.value}_id", value)


def first(items: Iterable[Any]) -> Any:
    """The first item, or None."""
    return next(iter(items), None)
