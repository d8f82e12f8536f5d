"""Every user setting, declared once: its key, type, default and description.

The CLI (`metarr settings show|set`), the window's settings pages and the services read this table
through `services.settings.SettingsService`; no call site repeats a key's default. Values are
stored as JSON in the ``settings`` table under `Setting.stored_as` (the key itself for new
settings; older settings keep the storage name they were first saved under).

A declaration is checked by `coerce`, which turns a JSON value (or, from the command line, a plain
string) into the setting's type or raises `SettingValueError` with a one-line reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Literal

from metarr_desktop.core import languages

Kind = Literal["bool", "int", "float", "str", "choice", "list", "time"]


class SettingValueError(ValueError):
    """A value that a setting does not accept, or a key that is not a setting (bad input)."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One declared setting.

    Attributes:
        kind: ``bool``, ``int``, ``float``, ``str``, ``choice`` (one of `choices`), ``list`` (of
            strings; each in `choices` when given) or ``time`` (``HH:MM``, 24 hours).
        minimum, maximum: the inclusive range of an ``int`` or ``float``.
        check: a further rule on the coerced value: returns a reason when the value is refused.
        stored_as: the key in the ``settings`` table (default: `key`).
    """

    key: str
    kind: Kind
    default: Any
    description: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    check: Callable[[Any], str | None] | None = None
    stored_as: str | None = None

    @property
    def storage_key(self) -> str:
        return self.stored_as or self.key

    def coerce(self, value: Any) -> Any:
        """`value` as this setting's type; `SettingValueError` with the reason when it does not fit."""
        coerced = _COERCE[self.kind](self, value)
        if self.check is not None:
            problem = self.check(coerced)
            if problem:
                raise SettingValueError(f"{self.key}: {problem}")
        return coerced

    def parse_text(self, text: str) -> Any:
        """A value typed on the command line: JSON where it parses, else the plain string (a list
        also takes comma-separated words)."""
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        if self.kind == "list" and isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if self.kind in ("str", "choice", "time") and not isinstance(value, str):
            value = text
        return self.coerce(value)

    def to_json(self, value: Any) -> dict[str, Any]:
        document: dict[str, Any] = {
            "value": value,
            "default": self.default,
            "description": self.description,
            "type": self.kind,
        }
        if self.choices is not None:
            document["choices"] = list(self.choices)
        if self.minimum is not None:
            document["minimum"] = self.minimum
        if self.maximum is not None:
            document["maximum"] = self.maximum
        return document


def _refuse(setting: Setting, value: Any, expected: str) -> SettingValueError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return SettingValueError(f"{setting.key}: expected {expected}, got {shown}")


def _in_range(setting: Setting, number: float) -> None:
    if setting.minimum is not None and number < setting.minimum:
        raise SettingValueError(f"{setting.key}: must be at least {setting.minimum:g}, got {number:g}")
    if setting.maximum is not None and number > setting.maximum:
        raise SettingValueError(f"{setting.key}: must be at most {setting.maximum:g}, got {number:g}")


def _bool(setting: Setting, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no", "on", "off"):
        return value.strip().lower() in ("true", "yes", "on")
    raise _refuse(setting, value, "true or false")


def _int(setting: Setting, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise _refuse(setting, value, "a whole number")
    _in_range(setting, value)
    return int(value)


def _float(setting: Setting, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(setting, value, "a number")
    number = float(value)
    if not math.isfinite(number):
        raise _refuse(setting, value, "a finite number")
    _in_range(setting, number)
    return number


def _str(setting: Setting, value: Any) -> str:
    if not isinstance(value, str):
        raise _refuse(setting, value, "text")
    return value


def _choice(setting: Setting, value: Any) -> str:
    choices = setting.choices or ()
    if not isinstance(value, str) or value not in choices:
        raise _refuse(setting, value, "one of " + ", ".join(choices))
    return value


def _list(setting: Setting, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _refuse(setting, value, "a list of words")
    items = [item.strip() for item in value]
    if setting.choices is not None:
        unknown = [item for item in items if item not in setting.choices]
        if unknown:
            raise SettingValueError(
                f"{setting.key}: unknown {', '.join(unknown)} (choose from {', '.join(setting.choices)})"
            )
    if len(set(items)) != len(items):
        raise SettingValueError(f"{setting.key}: a value is listed twice")
    return items


def _time(setting: Setting, value: Any) -> str:
    if isinstance(value, str):
        hours, sep, minutes = value.strip().partition(":")
        shaped = sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2
        if shaped and int(hours) <= 23 and int(minutes) <= 59:
            return f"{int(hours):02d}:{minutes}"
    raise _refuse(setting, value, "a time of day as HH:MM (00:00 to 23:59)")


_COERCE: Mapping[str, Callable[[Setting, Any], Any]] = {
    "bool": _bool,
    "int": _int,
    "float": _float,
    "str": _str,
    "choice": _choice,
    "list": _list,
    "time": _time,
}


# -- the declarations ---------------------------------------------------------------------------------
# One section per feature; append new settings to their section (or a new one).

_DECLARED: tuple[Setting, ...] = (
    # The provider cache (document 3).
    Setting(
        "cache.ttl_days",
        "float",
        7.0,
        "How many days a provider's cached answer stays fresh before it is asked again.",
        minimum=0.01,
        maximum=3650,
        stored_as="cache_ttl_days",
    ),
    # The daily enrichment of the library.
    Setting(
        "schedule.enabled",
        "bool",
        True,
        "Enrich the library once a day, at schedule.time.",
        stored_as="enrich_schedule_enabled",
    ),
    Setting(
        "schedule.time",
        "time",
        "03:00",
        "The local time of day of the daily enrichment (HH:MM).",
        stored_as="enrich_schedule_time",
    ),
    # Language and region (`core.languages` holds the checks and the rules).
    Setting(
        "metadata.language",
        "str",
        "en-US",
        "The language of titles, plots and taglines, as a BCP 47 tag (en-US, de-DE, pt-BR, fr-CA).",
        check=languages.check_language_tag,
    ),
    Setting(
        "metadata.fallback_languages",
        "list",
        ["en"],
        "Languages tried in order, field by field, when a value is missing in metadata.language; "
        "'original' stands for the film's original language.",
        check=languages.check_fallbacks,
    ),
    Setting(
        "metadata.certification_countries",
        "list",
        ["US"],
        "Countries (ISO 3166-1 alpha-2, e.g. DE, US) whose certification is taken, best first; "
        "OMDb's rating counts as US.",
        check=languages.check_countries,
    ),
    Setting(
        "metadata.certification_style",
        "choice",
        "plain",
        "How a certification is written (and what the NFO's <mpaa> receives): "
        + "; ".join(f"{key}: {text}" for key, text in languages.CERTIFICATION_STYLES.items())
        + ".",
        choices=tuple(languages.CERTIFICATION_STYLES),
    ),
    Setting(
        "artwork.languages",
        "list",
        [],
        "Artwork languages in order, 'none' meaning textless (logos are never textless). Empty: "
        "derived, the metadata language, then none, then en.",
        check=languages.check_artwork_languages,
    ),
    # Library files: NFO and artwork next to each movie (services/publish).
    Setting(
        "publish.enabled",
        "bool",
        False,
        "Write NFO and artwork files next to the movies (off until you choose a player).",
    ),
    Setting(
        "publish.after_enrichment",
        "bool",
        True,
        "Write a movie's files automatically after an enrichment that changed what players show.",
    ),
    Setting(
        "publish.flavour",
        "choice",
        "both",
        "Which players the files are written for: kodi, jellyfin or both.",
        choices=("kodi", "jellyfin", "both"),
    ),
    Setting(
        "publish.nfo_name",
        "choice",
        "video",
        "The NFO's name: video (<video file name>.nfo), movie (movie.nfo) or both.",
        choices=("video", "movie", "both"),
    ),
    Setting(
        "publish.artwork",
        "list",
        ["poster", "fanart", "clearlogo", "clearart", "discart", "banner", "landscape", "keyart"],
        "The artwork types written next to each movie.",
        choices=("poster", "fanart", "clearlogo", "clearart", "discart", "banner", "landscape", "keyart"),
    ),
    Setting(
        "publish.extrafanart",
        "int",
        3,
        "How many extra backgrounds go into the movie's extrafanart folder (0: none).",
        minimum=0,
        maximum=20,
    ),
    Setting(
        "publish.replace_foreign",
        "list",
        [],
        "Artwork types Metarr may replace even when it did not write the file (the original is kept"
        " beside it once).",
        choices=("poster", "fanart", "clearlogo", "clearart", "discart", "banner", "landscape", "keyart"),
    ),
)

#: Every setting by key, in declaration order.
SETTINGS: Mapping[str, Setting] = {setting.key: setting for setting in _DECLARED}


def setting(key: str) -> Setting:
    """The declaration of `key`; `SettingValueError` for a key that is not a setting."""
    try:
        return SETTINGS[key]
    except KeyError:
        raise SettingValueError(f"unknown setting {key!r} (see `metarr settings show`)") from None


__all__ = ["SETTINGS", "Setting", "SettingValueError", "setting"]
