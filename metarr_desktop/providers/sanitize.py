"""The provider boundary's checks: every value a provider sends is cleaned or dropped here.

Provider text is community-edited, so an answer can hold anything JSON can: a vote count of 10**400,
NaN, a date in year 99999, a lone UTF-16 surrogate, terminal escape sequences or a 9 MB overview.
One such value must never fail the whole movie: `sanitize_field` cleans it (text) or drops it
(returns None) and the rest of the answer is used. Each field's kind and range come from its
declaration in `core.fields`; the size caps are declared here.

`providers.parsing` uses `clean_text` and `bounded_int` / `finite_float` for every string and number
it reads, and `FieldSink.set` passes every canonical field through `sanitize_field`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from metarr_desktop.core.fields import FIELD_SPECS
from metarr_desktop.core.fields import FieldSpec

#: SQLite's INTEGER range: a larger Python int raises OverflowError when stored.
SQLITE_INT_MIN = -(2**63)
SQLITE_INT_MAX = 2**63 - 1

#: Caps on text (characters) and lists (items) for fields without a rule of their own.
TEXT_LIMIT = 20_000
SHORT_TEXT_LIMIT = 1_000
URL_LIMIT = 2_000
LIST_LIMIT = 500

#: A date's year range when the year field declares none.
YEAR_MIN = 1870
YEAR_MAX = 2200

# C0 controls except \t and \n, DEL, and the C1 controls (ESC sequences, NUL, terminal bells...).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(value: str, limit: int = TEXT_LIMIT) -> str:
    """`value` as valid Unicode without control characters (except newline and tab), at most
    `limit` characters. Lone surrogates become U+FFFD; a valid surrogate pair is joined."""
    if any("\ud800" <= c <= "\udfff" for c in value):
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    value = value.replace("\r\n", "\n")
    value = _CONTROL_RE.sub("", value)
    if len(value) > limit:
        value = value[:limit].rstrip()
    return value


def bounded_int(value: Any, low: int = SQLITE_INT_MIN, high: int = SQLITE_INT_MAX) -> int | None:
    """An int (or a finite, integral-valued float) within [low, high]; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        value = int(value)
    if not isinstance(value, int):
        return None
    return value if low <= value <= high else None


def finite_float(value: Any, low: float = -math.inf, high: float = math.inf) -> float | None:
    """A finite number within [low, high] as a float; None for NaN, infinities and huge ints."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    if not math.isfinite(number) or not low <= number <= high:
        return None
    return value  # an int stays an int


# --------------------------------------------------------------------------------------------------
# Per-field rules: each field's kind and range come from its declaration (core.fields.FIELD_SPECS)
# --------------------------------------------------------------------------------------------------

#: The longest text of each text-like kind (characters).
TEXT_LIMITS: Mapping[str, int] = {"text": SHORT_TEXT_LIMIT, "long_text": TEXT_LIMIT, "url": URL_LIMIT}


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one field's value is checked: its kind and limits (characters for text, the range for
    numbers and a date's year, items for lists)."""

    kind: str
    limit: int = TEXT_LIMIT
    low: float = -math.inf
    high: float = math.inf


def _rule_of(spec: FieldSpec) -> FieldRule:
    if spec.kind in TEXT_LIMITS:
        return FieldRule("text", TEXT_LIMITS[spec.kind])
    if spec.kind in ("list", "cast"):
        return FieldRule(spec.kind, LIST_LIMIT)
    if spec.kind == "date":
        year = FIELD_SPECS["year"]
        return FieldRule("date", low=year.minimum or YEAR_MIN, high=year.maximum or YEAR_MAX)
    if spec.kind == "id":
        return FieldRule("id", limit=20, low=1, high=SQLITE_INT_MAX)
    low = spec.minimum if spec.minimum is not None else SQLITE_INT_MIN
    high = spec.maximum if spec.maximum is not None else SQLITE_INT_MAX
    return FieldRule(spec.kind, low=low, high=high)


FIELD_RULES: Mapping[str, FieldRule] = {spec.name: _rule_of(spec) for spec in FIELD_SPECS.values()}

_DEFAULT_RULE = FieldRule("any")


def _text(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    cleaned = clean_text(value, limit).strip()
    return cleaned or None


def _date(value: Any, rule: FieldRule) -> str | None:
    text = _text(value, 10)
    if text is None:
        return None
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        return None
    return parsed.isoformat() if rule.low <= parsed.year <= rule.high else None


def _names(value: Any, limit: int) -> list[str] | None:
    if not isinstance(value, list):
        return None
    items = [t for t in (_text(v, SHORT_TEXT_LIMIT) for v in value[: limit * 2]) if t is not None]
    return items[:limit] or None


def _cast(value: Any, limit: int) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        return None
    people: list[dict[str, Any]] = []
    for person in value:
        if len(people) >= limit:
            break
        if not isinstance(person, Mapping):
            continue
        name = _text(person.get("name"), SHORT_TEXT_LIMIT)
        if name is None:
            continue
        cleaned = {str(k): _any(v) for k, v in list(person.items())[:20]}
        cleaned["name"] = name
        for key, limit in (("role", SHORT_TEXT_LIMIT), ("thumb", URL_LIMIT)):
            if key in person:
                cleaned[key] = _text(person.get(key), limit)
        if "order" in person:
            cleaned["order"] = bounded_int(person.get("order"), 0, SQLITE_INT_MAX)
        people.append(cleaned)
    return people or None


def _id(value: Any, rule: FieldRule) -> Any:
    if isinstance(value, str):
        return _text(value, rule.limit)
    return bounded_int(value, int(rule.low), int(rule.high))


def _any(value: Any) -> Any:
    """A field without a rule: text is cleaned, numbers kept within SQLite's and JSON's ranges."""
    if isinstance(value, str):
        return _text(value, TEXT_LIMIT)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return bounded_int(value)
    if isinstance(value, float):
        return finite_float(value)
    if isinstance(value, list):
        return [v for v in (_any(item) for item in value[:LIST_LIMIT]) if v is not None] or None
    if isinstance(value, Mapping):
        return {str(k): v for k, v in ((k, _any(v)) for k, v in list(value.items())[:LIST_LIMIT])}
    return None


_CHECKS: Mapping[str, Callable[[Any, FieldRule], Any]] = {
    "text": lambda v, r: _text(v, r.limit),
    "int": lambda v, r: bounded_int(v, int(r.low), int(r.high)),
    "float": lambda v, r: finite_float(v, r.low, r.high),
    "date": _date,
    "list": lambda v, r: _names(v, r.limit),
    "cast": lambda v, r: _cast(v, r.limit),
    "id": _id,
    "any": lambda v, r: _any(v),
}


def sanitize_field(name: str, value: Any) -> Any:
    """`value` cleaned for the canonical field `name`, or None when it is unusable."""
    rule = FIELD_RULES.get(name, _DEFAULT_RULE)
    return _CHECKS[rule.kind](value, rule)
