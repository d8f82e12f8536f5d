"""Languages and regions: the language chain, translation picking, certification style.

Every decision about "which language" lives here, Qt-free and provider-neutral:

- `check_language_tag`: a BCP 47 tag as the settings accept it (``de``, ``de-DE``, ``pt-BR``,
  ``zh-Hans``, ``zh-Hant-TW``): a 2-3 letter language subtag, an optional 4-letter script and an
  optional 2-letter (or 3-digit) region.
- `LanguagePolicy`: the user's language settings as one value (built by `services.settings`).
- `language_chain`: the metadata language, then the fallbacks, with ``original`` replaced by the
  film's original language; duplicates dropped.
- `pick_translation`: for one field, the first language of the chain that has a non-empty value,
  from ``(tag, value)`` pairs (an exact tag first, then the same language in another region).
- `language_rank`: where a value's language stands in the chain (the merge's language rule).
- `format_certification`: a certification in the chosen style.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass

#: The special fallback entry that stands for the film's original language.
ORIGINAL = "original"
#: The special artwork language for textless images.
NO_TEXT = "none"

_TAG = re.compile(
    r"^(?P<language>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?(?:-(?P<region>[A-Za-z]{2}|\d{3}))?$"
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")

#: The certification styles (`metadata.certification_style`), with what each makes of DE / "16".
CERTIFICATION_STYLES: dict[str, str] = {
    "plain": "the certification alone: PG-13, 16",
    "rated": "US-style wording: Rated PG-13, Rated 16",
    "country": "the country first: US:PG-13, DE:16",
    "named": "with the rating board's name where known: FSK 16, BBFC 15; Rated PG-13 in the US; else plain",
}

#: Rating boards by country (for the "named" style).
_BOARDS: dict[str, str] = {
    "DE": "FSK",
    "GB": "BBFC",
    "FR": "CNC",
    "ES": "ICAA",
    "BR": "ClassInd",
    "JP": "Eirin",
    "AU": "ACB",
    "NL": "Kijkwijzer",
    "IT": "AGCOM",
}


def check_language_tag(tag: str) -> str | None:
    """None when `tag` is a language tag the settings accept, else the reason."""
    if not _TAG.match(tag):
        return f"{tag!r} is not a language tag like en, de-DE, pt-BR or zh-Hant-TW"
    return None


def normalise_tag(tag: str) -> str:
    """``DE-de`` -> ``de-DE``, ``zh-hant-tw`` -> ``zh-Hant-TW`` (unchanged when not a tag)."""
    match = _TAG.match(tag)
    if not match:
        return tag
    parts = [match["language"].lower()]
    if match["script"]:
        parts.append(match["script"].title())
    if match["region"]:
        parts.append(match["region"].upper())
    return "-".join(parts)


def primary(tag: str) -> str:
    """The language subtag: ``pt-BR`` -> ``pt``."""
    return tag.split("-")[0].lower()


def region(tag: str) -> str | None:
    """The region subtag: ``pt-BR`` -> ``BR``; None without one."""
    match = _TAG.match(tag)
    return match["region"].upper() if match and match["region"] else None


def check_fallbacks(tags: list[str]) -> str | None:
    bad = [t for t in tags if t != ORIGINAL and check_language_tag(t)]
    return f"not language tags: {', '.join(bad)} (use tags like en, de-DE, or {ORIGINAL})" if bad else None


def check_artwork_languages(tags: list[str]) -> str | None:
    bad = [t for t in tags if t != NO_TEXT and check_language_tag(t)]
    return (
        f"not language tags: {', '.join(bad)} (use tags like en, de, or {NO_TEXT} for textless)"
        if bad
        else None
    )


def check_countries(codes: list[str]) -> str | None:
    bad = [c for c in codes if not _COUNTRY.match(c)]
    return (
        f"not ISO 3166-1 alpha-2 codes (two capital letters, e.g. US, DE): {', '.join(bad)}" if bad else None
    )


@dataclass(frozen=True, slots=True)
class LanguagePolicy:
    """The user's language and region settings.

    Attributes:
        language: the metadata language (BCP 47).
        fallbacks: the fallback languages, in order; may hold `ORIGINAL`.
        certification_countries: ISO 3166-1 codes, best first.
        certification_style: a key of `CERTIFICATION_STYLES`.
        artwork_languages: the artwork order (`NO_TEXT` = textless); empty = derived
            (`artwork_order`).
        prefer_language: the merge's language rule (from the field-authority settings).
    """

    language: str = "en-US"
    fallbacks: tuple[str, ...] = ("en",)
    certification_countries: tuple[str, ...] = ("US",)
    certification_style: str = "plain"
    artwork_languages: tuple[str, ...] = ()

    def chain(self, original_language: str | None = None) -> list[str]:
        return language_chain(self.language, self.fallbacks, original_language)

    def artwork_order(self) -> list[str]:
        """The artwork language order; the derived default is the metadata language (its
        language subtag, as TMDB tags images), textless, then English."""
        if self.artwork_languages:
            return [t if t == NO_TEXT else primary(t) for t in self.artwork_languages]
        return list(dict.fromkeys([primary(self.language), NO_TEXT, "en"]))


def language_chain(
    language: str, fallbacks: Iterable[str], original_language: str | None = None
) -> list[str]:
    """The languages asked, best first: `language`, then `fallbacks` (``original`` -> the film's
    original language, dropped when unknown); every tag once."""
    chain: list[str] = []
    for tag in (language, *fallbacks):
        if tag == ORIGINAL:
            if not original_language:
                continue
            tag = original_language
        tag = normalise_tag(tag)
        if tag not in chain:
            chain.append(tag)
    return chain


def tag_matches(wanted: str, tag: str) -> int | None:
    """How well `tag` answers `wanted`: 0 exact (or `wanted` has no region), 1 the same language in
    another region, None another language."""
    if primary(wanted) != primary(tag):
        return None
    wanted_region = region(wanted)
    if wanted_region is None or wanted_region == region(tag):
        return 0
    return 1


def language_rank(chain: Sequence[str], tag: str | None) -> int:
    """The position of `tag` in the chain (two steps per entry: exact, then another region); a
    value in no chain language (or of unknown language) ranks after every chain language."""
    if tag:
        for index, wanted in enumerate(chain):
            match = tag_matches(wanted, tag)
            if match is not None:
                return 2 * index + match
    return 2 * len(chain)


def pick_translation(
    chain: Sequence[str], values: Iterable[tuple[str, str | None]]
) -> tuple[str, str] | None:
    """The first ``(tag, value)`` with a non-empty value in the chain's order: for each chain
    language an exact tag first, then the same language in another region (the region equal to
    the language, e.g. ``fr-FR``, before others). None when no chain language has a value."""
    present = [(tag, value.strip()) for tag, value in values if value and value.strip()]
    for wanted in chain:
        exact = [(t, v) for t, v in present if tag_matches(wanted, t) == 0]
        if exact:
            return exact[0]
        near = [(t, v) for t, v in present if tag_matches(wanted, t) == 1]
        if near:
            near.sort(key=lambda pair: 0 if region(pair[0]) == primary(pair[0]).upper() else 1)
            return near[0]
    return None


def is_preferred(preferred: str, tag: str | None) -> bool:
    """True when a value in `tag` needs no language note for a user of `preferred` (unknown: True)."""
    return tag is None or tag_matches(preferred, tag) == 0


#: The fields whose values providers tag with a language: the fields the merge's language rule
#: (`core.merge.order_by_language`) can reorder.
LANGUAGE_FIELDS: frozenset[str] = frozenset({"title", "plot", "outline", "tagline", "collection", "awards"})


def language_rule(chain: Sequence[str]) -> str:
    """The language rule named for people: ``language: de-DE first`` (``de-DE, then en`` when the
    chain goes on); empty without a chain."""
    if not chain:
        return ""
    rest = f", then {', '.join(chain[1:])}" if len(chain) > 1 else ""
    return f"language: {chain[0]} first{rest}"


def format_certification(certification: str, country: str | None, style: str) -> str:
    """`certification` of `country` in `style` (see `CERTIFICATION_STYLES`)."""
    certification = certification.strip()
    if style == "rated":
        return certification if certification.lower().startswith("rated ") else f"Rated {certification}"
    if style == "country" and country:
        return f"{country}:{certification}"
    if style == "named" and country == "US":
        return format_certification(certification, country, "rated")
    if style == "named" and country in _BOARDS:
        board = _BOARDS[country]
        return certification if certification.startswith(board) else f"{board} {certification}"
    return certification


def country_rank(countries: Sequence[str], country: str | None) -> int:
    """The position of `country` in `countries`; unknown or absent ones after every listed one."""
    return countries.index(country) if country in countries else len(countries)


def pick_certification(
    countries: Sequence[str], by_country: Iterable[tuple[str, str | None]]
) -> tuple[str, str] | None:
    """The first ``(country, certification)`` of `countries` (in their order) with a non-empty
    certification; `by_country` lists each country's certifications best first."""
    present: dict[str, str] = {}
    for country, certification in by_country:
        if certification and certification.strip() and country not in present:
            present[country] = certification.strip()
    for country in countries:
        if country in present:
            return country, present[country]
    return None


__all__ = [
    "CERTIFICATION_STYLES",
    "LANGUAGE_FIELDS",
    "NO_TEXT",
    "ORIGINAL",
    "LanguagePolicy",
    "check_artwork_languages",
    "check_countries",
    "check_fallbacks",
    "check_language_tag",
    "country_rank",
    "format_certification",
    "is_preferred",
    "language_chain",
    "language_rank",
    "language_rule",
    "normalise_tag",
    "pick_certification",
    "pick_translation",
    "primary",
    "region",
    "tag_matches",
]
