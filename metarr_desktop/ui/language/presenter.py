"""The "Language and region" page's logic, without Qt: load, check and save the language and region settings.

The page edits plain text (a tag, comma-separated lists, a style); `LanguagePresenter` turns it
into the settings' values through their declarations (`core.settings`), so the page and
`metarr settings set` accept and refuse exactly the same values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metarr_desktop.core.languages import CERTIFICATION_STYLES
from metarr_desktop.core.languages import LanguagePolicy
from metarr_desktop.core.languages import normalise_tag
from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.core.settings import setting
from metarr_desktop.services.settings import SettingsService

#: form field -> setting key
KEYS = {
    "language": "metadata.language",
    "fallbacks": "metadata.fallback_languages",
    "countries": "metadata.certification_countries",
    "style": "metadata.certification_style",
    "artwork": "artwork.languages",
}

#: form field -> its label on the page (a problem is said with it, not with the setting's key)
LABELS = {
    "language": "Metadata language",
    "fallbacks": "Fallback languages",
    "countries": "Certification countries",
    "style": "Certification style",
    "artwork": "Artwork languages",
}


@dataclass(frozen=True, slots=True)
class LanguageForm:
    """What the page shows: the language tag, lists as comma-separated text, the style key."""

    language: str = "en-US"
    fallbacks: str = "en"
    countries: str = "US"
    style: str = "plain"
    artwork: str = ""


def _text(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class LanguagePresenter:
    """Reads and writes the language settings for the page."""

    def __init__(self, settings: SettingsService | None) -> None:
        self.settings = settings

    @staticmethod
    def styles() -> list[tuple[str, str]]:
        """(style key, what it makes of a certification), in declaration order."""
        return list(CERTIFICATION_STYLES.items())

    def load(self) -> LanguageForm:
        if self.settings is None:
            return LanguageForm()
        return LanguageForm(**{name: _text(self.settings.get(key)) for name, key in KEYS.items()})

    def values(self, form: LanguageForm) -> tuple[dict[str, Any], dict[str, str]]:
        """(setting key -> checked value, form field -> problem) for `form`; a problem starts with
        the field's label ("Fallback languages: not language tags: xx")."""
        values: dict[str, Any] = {}
        problems: dict[str, str] = {}
        raw: dict[str, Any] = {
            "language": normalise_tag(form.language.strip()),
            "fallbacks": _words(form.fallbacks),
            "countries": [c.upper() for c in _words(form.countries)],
            "style": form.style,
            "artwork": _words(form.artwork),
        }
        for name, key in KEYS.items():
            try:
                values[key] = setting(key).coerce(raw[name])
            except SettingValueError as exc:
                problems[name] = f"{LABELS[name]}: {str(exc).removeprefix(f'{key}: ')}"
        return values, problems

    def check(self, form: LanguageForm) -> dict[str, str]:
        """form field -> the reason its value is refused (empty: every value is fine)."""
        return self.values(form)[1]

    def save(self, form: LanguageForm) -> list[str]:
        """Store every changed value; return the keys changed. `SettingValueError` (nothing stored)
        when a value is refused."""
        values, problems = self.values(form)
        if problems:
            raise SettingValueError("; ".join(problems.values()))
        if self.settings is None:
            return []
        changed = [key for key, value in values.items() if self.settings.get(key) != value]
        for key in changed:
            self.settings.set(key, values[key])
        return changed

    def artwork_preview(self, form: LanguageForm) -> str:
        """The artwork order the form gives (the derived default spelled out)."""
        values, problems = self.values(form)
        if problems.keys() & {"language", "artwork"}:
            return ""
        policy = LanguagePolicy(
            language=values["metadata.language"], artwork_languages=tuple(values["artwork.languages"])
        )
        return ", ".join(policy.artwork_order())

    def chain_preview(self, form: LanguageForm) -> str:
        """The language chain the form gives, as a user reads it."""
        values, problems = self.values(form)
        if problems.keys() & {"language", "fallbacks"}:
            return ""
        chain = [values["metadata.language"], *values["metadata.fallback_languages"]]
        return " → ".join(dict.fromkeys(chain))
