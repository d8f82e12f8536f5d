"""The demo films' translations and certifications by country (``demo_translations.json``), as the
sandbox's TMDB serves them: ``language=`` picks a translation, ``append_to_response=translations``
lists them all, ``release_dates`` carries several countries. Collections have translated names
too (``/collection/{id}``, and a film's ``belongs_to_collection`` in the requested language).

TMDB has no fallback of its own: for a language without a translation the title is the original
one and the overview and tagline are empty (`localise`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from importlib import resources
from typing import Any

from metarr_desktop.sandbox.catalog import Title


@dataclass(frozen=True, slots=True)
class FilmTranslations:
    #: BCP 47 tag ("de-DE") -> {"title", "overview", "tagline"} (missing keys are empty)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ISO 3166-1 country -> its theatrical certification
    certifications: dict[str, str] = field(default_factory=dict)


@cache
def _table() -> dict[int, FilmTranslations]:
    text = resources.files("metarr_desktop.sandbox").joinpath("demo_translations.json").read_text("utf-8")
    films: dict[str, Any] = json.loads(text)["films"]
    return {
        int(tmdb_id): FilmTranslations(
            dict(entry.get("translations", {})), dict(entry.get("certifications", {}))
        )
        for tmdb_id, entry in films.items()
    }


@cache
def _collections() -> dict[int, dict[str, dict[str, str]]]:
    text = resources.files("metarr_desktop.sandbox").joinpath("demo_translations.json").read_text("utf-8")
    raw: dict[str, Any] = json.loads(text).get("collections", {})
    return {int(cid): {tag: dict(data) for tag, data in entry.items()} for cid, entry in raw.items()}


def collection_translations(collection_id: int, name: str) -> dict[str, dict[str, str]]:
    """BCP 47 tag -> {"title", "overview"} of a collection; its English `name` is the en-US entry."""
    return {"en-US": {"title": name, "overview": ""}, **_collections().get(collection_id, {})}


def _pick(table: dict[str, dict[str, str]], language: str | None) -> dict[str, str] | None:
    """The entry TMDB answers `language` with: the exact tag, else the language's own region, else
    any region; None without one."""
    if not language:
        language = "en-US"
    if language in table:
        return table[language]
    primary = language.split("-")[0].lower()
    same = [tag for tag in table if tag.split("-")[0] == primary]
    same.sort(key=lambda tag: 0 if tag.endswith("-" + primary.upper()) else 1)
    return table[same[0]] if same else None


def localised_collection(collection_id: int, name: str, language: str | None) -> dict[str, str]:
    """A collection's name and overview in `language`; the English name where it has none (as
    TMDB answers: a collection's name is never empty)."""
    entry = _pick(collection_translations(collection_id, name), language) or {}
    return {"name": entry.get("title") or name, "overview": entry.get("overview") or ""}


def _tmdb_translations(
    table: dict[str, dict[str, str]], data: Callable[[dict[str, str]], dict[str, Any]]
) -> dict[str, Any]:
    """TMDB's ``translations`` part: an entry a language tag of `table`, its ``data`` made by `data`."""
    listed = []
    for tag, entry in table.items():
        language, _, country = tag.partition("-")
        listed.append(
            {
                "iso_3166_1": country,
                "iso_639_1": language,
                "name": language,
                "english_name": language,
                "data": data(entry),
            }
        )
    return {"translations": listed}


def collection_translations_part(collection_id: int, name: str) -> dict[str, Any]:
    """``/collection/{id}?append_to_response=translations``: in TMDB's shape (``data.title``)."""
    return _tmdb_translations(
        collection_translations(collection_id, name),
        lambda data: {"title": data.get("title", ""), "overview": data.get("overview", ""), "homepage": ""},
    )


def translations_of(title: Title) -> FilmTranslations:
    """The title's translations; its own title, plot and tagline are the en-US entry."""
    found = _table().get(title.tmdb or 0, FilmTranslations())
    english = {"title": title.title, "overview": title.plot or "", "tagline": title.tagline or ""}
    if title.lang == "en" and title.original_title is None:
        english["title"] = ""  # TMDB leaves an original-language entry's title empty
    return FilmTranslations({"en-US": english, **found.translations}, found.certifications)


def _entry(title: Title, language: str | None) -> dict[str, str] | None:
    """The translation TMDB answers `language` with (see `_pick`)."""
    return _pick(translations_of(title).translations, language)


def localise(title: Title, language: str | None) -> dict[str, str]:
    """title, overview and tagline in `language`, as TMDB's ``/movie`` answers them."""
    entry = _entry(title, language) or {}
    return {
        "title": entry.get("title") or title.display_original_title,
        "overview": entry.get("overview") or "",
        "tagline": entry.get("tagline") or "",
    }


def translations_part(title: Title) -> dict[str, Any]:
    """``append_to_response=translations``: every translation in TMDB's shape."""
    return _tmdb_translations(
        translations_of(title).translations,
        lambda data: {
            "homepage": "",
            "overview": data.get("overview", ""),
            "runtime": 0,
            "tagline": data.get("tagline", ""),
            "title": data.get("title", ""),
        },
    )


def translated_ids() -> frozenset[int]:
    """The TMDB ids of the films with translations of their own."""
    return frozenset(_table())


def localised_titles(title: Title) -> list[str]:
    """Every translated title (for search)."""
    return [data["title"] for data in translations_of(title).translations.values() if data.get("title")]


def certifications_of(title: Title) -> dict[str, str]:
    return translations_of(title).certifications
