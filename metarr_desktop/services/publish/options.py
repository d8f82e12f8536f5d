"""The ``publish.*`` user settings as one typed value, and the options of a publish built from them.

`core.settings` declares each setting (key, type, default, description) and `SettingsService`
returns it as its declared type: a bool, a whole number, one of its choices, a list of words.
`PublishSettings` reads and writes them together (the planner's options and the Library files
form); it adds only what a declaration cannot say: the choices as `Flavour` and `NfoName`, the
lists as a tuple in order and as a set. A single switch is read on its own where only it matters
(`PublishService.enabled`, the enrichment hook, the first-run question).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metarr_desktop.services.publish.layout import Flavour
from metarr_desktop.services.publish.layout import NfoName
from metarr_desktop.services.settings import SettingsService


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
        return cls(
            enabled=settings.get("publish.enabled"),
            after_enrichment=settings.get("publish.after_enrichment"),
            flavour=Flavour(settings.get("publish.flavour")),
            nfo_name=NfoName(settings.get("publish.nfo_name")),
            artwork=tuple(settings.get("publish.artwork")),
            extrafanart=settings.get("publish.extrafanart"),
            replace_foreign=frozenset(settings.get("publish.replace_foreign")),
        )

    def write(self, settings: SettingsService) -> None:
        """Store each value that differs from the settings' (the others are left as they are)."""
        stored = PublishSettings.read(settings).declared()
        for key, value in self.declared().items():
            if value != stored[key]:
                settings.set(key, value)

    def declared(self) -> dict[str, Any]:
        """Each setting's key and value as its declared type (a choice's word, a list)."""
        return {
            "publish.enabled": self.enabled,
            "publish.after_enrichment": self.after_enrichment,
            "publish.flavour": self.flavour.value,
            "publish.nfo_name": self.nfo_name.value,
            "publish.artwork": list(self.artwork),
            "publish.extrafanart": self.extrafanart,
            "publish.replace_foreign": sorted(self.replace_foreign),
        }


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
