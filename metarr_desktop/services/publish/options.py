"""The ``publish.*`` user settings as one typed value, and the options of a publish built from them.

`core.settings` declares each setting (key, type, default, description) and `SettingsService`
returns it as its declared type: a bool, a whole number, one of its choices, a list of words.
`PublishSettings` is the only place that reads or writes them: its field ``x`` is the setting
``publish.x``, and it adds only what a declaration cannot say (the choices as `Flavour` and
`NfoName`, the lists as a tuple in order and as a set).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields
from enum import StrEnum
from typing import Any

from metarr_desktop.services.publish.layout import Flavour
from metarr_desktop.services.publish.layout import NfoName
from metarr_desktop.services.settings import SettingsService

#: What a field's declared value becomes (a bool or a whole number already is the field's type).
_TYPED: dict[str, Callable[[Any], Any]] = {
    "flavour": Flavour,
    "nfo_name": NfoName,
    "artwork": tuple,
    "replace_foreign": frozenset,
}


@dataclass(frozen=True, slots=True)
class PublishSettings:
    """The ``publish.*`` settings (what each means: `core.settings`)."""

    enabled: bool
    after_enrichment: bool
    flavour: Flavour
    nfo_name: NfoName
    artwork: tuple[str, ...]
    extrafanart: int
    replace_foreign: frozenset[str]

    @classmethod
    def read(cls, settings: SettingsService) -> PublishSettings:
        """The settings' values (each one's declared default when the user never set it)."""
        values = {}
        for field in fields(cls):
            value = settings.get(f"publish.{field.name}")
            values[field.name] = _TYPED[field.name](value) if field.name in _TYPED else value
        return cls(**values)

    def write(self, settings: SettingsService) -> None:
        """Store each value that differs from the settings' (the others are left as they are)."""
        current = PublishSettings.read(settings)
        for field in fields(self):
            value = getattr(self, field.name)
            if value != getattr(current, field.name):
                settings.set(f"publish.{field.name}", _declared(value))


def _declared(value: Any) -> Any:
    """A field's value as its setting's declared type (a choice's word, a list)."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass(frozen=True, slots=True)
class PublishOptions:
    """What one publish writes: the files the ``publish.*`` settings choose (see
    `options_from_settings`), and the language artwork is chosen in.

    Attributes:
        replace_foreign: artwork kinds the user allows Metarr to replace although it did not write
            them (the original is backed up once).
    """

    flavour: Flavour
    nfo_name: NfoName
    artwork: tuple[str, ...]
    extrafanart: int
    replace_foreign: frozenset[str]
    language: str = "en"
    preferred_rating: str = "imdb"


def options_from_settings(settings: SettingsService) -> PublishOptions:
    """The publish options the user's settings say, in the metadata language's primary subtag."""
    chosen = PublishSettings.read(settings)
    language = settings.get("metadata.language")
    return PublishOptions(
        flavour=chosen.flavour,
        nfo_name=chosen.nfo_name,
        artwork=chosen.artwork,
        extrafanart=chosen.extrafanart,
        replace_foreign=chosen.replace_foreign,
        language=str(language or "en").split("-")[0],
    )


__all__ = ["PublishOptions", "PublishSettings", "options_from_settings"]
