"""`SettingsService`: read and change the user settings declared in `core.settings`.

Reads return the stored value, or the declared default when nothing (or something that no longer
fits the declaration) is stored. Writes are checked against the declaration first, so a wrong type
or an unknown key changes nothing. Listeners hear of every change, with its key, as qutebrowser's
config signal tells widgets which option changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.core.languages import normalise_tag
from metarr_desktop.core.settings import SETTINGS
from metarr_desktop.core.settings import Setting
from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.core.settings import setting
from metarr_desktop.store.config import SettingsRepository
from metarr_desktop.store.database import store_errors

log = logging.getLogger(__name__)

SettingsListener = Callable[[str, Any], None]


class SettingsService:
    """The user settings: typed, validated, declared once."""

    def __init__(self, repository: SettingsRepository, database_path: Path | None = None) -> None:
        self._repository = repository
        self._path = database_path
        self._listeners: list[SettingsListener] = []

    def declaration(self, key: str) -> Setting:
        return setting(key)

    def get(self, key: str) -> Any:
        """The value of `key`: stored, else its default (`SettingValueError` for an unknown key)."""
        declared = setting(key)
        with store_errors("read", self._path):
            if not self._repository.has(declared.storage_key):
                return declared.default
            try:
                stored = self._repository.get(declared.storage_key)
            except ValueError:  # not JSON: written by another program, or damaged
                log.warning("the stored value of %s cannot be read; using the default", key)
                return declared.default
        try:
            return declared.coerce(stored)
        except SettingValueError:
            log.warning("the stored value of %s does not fit its type; using the default", key)
            return declared.default

    def is_stored(self, key: str) -> bool:
        """Whether the user ever set `key` (a default alone is not stored)."""
        with store_errors("read", self._path):
            return self._repository.has(setting(key).storage_key)

    def set(self, key: str, value: Any) -> Any:
        """Check `value` against the declaration, store it, tell the listeners; return the stored value.

        Raises `SettingValueError` (nothing changed) for an unknown key or a value that does not fit.
        """
        declared = setting(key)
        coerced = declared.coerce(value)
        with store_errors("write", self._path):
            self._repository.set(declared.storage_key, coerced)
        for listener in list(self._listeners):
            listener(key, coerced)
        return coerced

    def set_text(self, key: str, text: str) -> Any:
        """`set` from a command-line word: JSON where it parses, else the plain string."""
        return self.set(key, setting(key).parse_text(text))

    def reset(self, key: str) -> Any:
        """Back to the declared default."""
        return self.set(key, setting(key).default)

    def show(self) -> dict[str, dict[str, Any]]:
        """Every setting with its value, default, type and description (the `settings show` shape)."""
        return {key: declared.to_json(self.get(key)) for key, declared in SETTINGS.items()}

    def subscribe(self, listener: SettingsListener) -> Callable[[], None]:
        """Call `listener(key, value)` after each change; returns the function that stops it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe


__all__ = ["SettingValueError", "SettingsListener", "SettingsService"]


def language_policy(settings: SettingsService) -> LanguagePolicy:
    """The "Language and region" settings as one value."""
    return LanguagePolicy(
        language=normalise_tag(settings.get("metadata.language")),
        fallbacks=tuple(settings.get("metadata.fallback_languages")),
        certification_countries=tuple(settings.get("metadata.certification_countries")),
        certification_style=settings.get("metadata.certification_style"),
        artwork_languages=tuple(settings.get("artwork.languages")),
    )
