"""Identification by title and year (document 2): score candidates, merge duplicates, decide.

Candidates from every searching provider are merged when they share an IMDb id (or, lacking one, a
TMDB id), keeping every provider that found them and every id they revealed. Each is scored 0-100:

- title similarity, 0-70: rapidfuzz's token-sort ratio of the normalised titles (best of title and
  original title);
- year, 0-20: 20 for the same year, 8 for one year off (release dates differ by country), 0 otherwise,
  10 when the query has no year;
- popularity, 0-10: log-scaled, so a famous film edges out an obscure namesake but never a better
  title or year match.

The automated decision (`decide`): no candidate -> needs identification (not_found); exactly one ->
identified; several -> needs identification (ambiguous), unless exactly one candidate matches the
title exactly (after normalisation) and the year exactly, and no other candidate does. Two films with
the same title and year stay ambiguous; a remake in another year is told apart by the year.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from rapidfuzz import fuzz

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.providers import SearchResult

_ARTICLES = ("the ", "a ", "an ")


def normalise_title(title: str) -> str:
    """Lower case, accents and punctuation removed, "&" as "and", spaces collapsed."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _without_article(title: str) -> str:
    for article in _ARTICLES:
        if title.startswith(article):
            return title[len(article) :]
    return title


def titles_match(a: str, b: str) -> bool:
    """Exact match after normalisation (a leading article does not count)."""
    na, nb = normalise_title(a), normalise_title(b)
    return na == nb or _without_article(na) == _without_article(nb)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One film that a search found, merged across providers.

    Attributes:
        providers: ids of the providers that found it, in the order they did.
        external_ids: every id revealed by any of them.
        confidence: the score, 0-100.
    """

    providers: tuple[str, ...]
    external_ids: ExternalIds
    title: str
    original_title: str | None = None
    year: int | None = None
    release_date: str | None = None
    overview: str | None = None
    poster_url: str | None = None
    popularity: float | None = None
    confidence: float = 0.0
    results: tuple[SearchResult, ...] = field(default=(), compare=False, repr=False)

    def to_json(self) -> dict[str, object]:
        return {
            "providers": list(self.providers),
            "external_ids": self.external_ids.to_json(),
            "title": self.title,
            "original_title": self.original_title,
            "year": self.year,
            "release_date": self.release_date,
            "overview": self.overview,
            "poster_url": self.poster_url,
            "confidence": round(self.confidence, 1),
        }


def _shares_an_id(a: ExternalIds, b: ExternalIds) -> bool:
    return any(value is not None and b.get(kind) == value for kind, value in a.known().items())


def _combine(a: Candidate, b: SearchResult) -> Candidate:
    return replace(
        a,
        providers=a.providers if b.provider in a.providers else (*a.providers, b.provider),
        external_ids=a.external_ids.merged(b.external_ids),
        original_title=a.original_title or b.original_title,
        year=a.year if a.year is not None else b.year,
        release_date=a.release_date or b.release_date,
        overview=a.overview or b.overview,
        poster_url=a.poster_url or b.poster_url,
        popularity=max(filter(None, (a.popularity, b.popularity)), default=None),
        results=(*a.results, b),
    )


def merge_results(results: Iterable[SearchResult]) -> list[Candidate]:
    """One candidate per film: a result joins the first candidate it shares any id with (IMDb, TMDB
    or TVDB), so a film found by TMDB and by OMDb appears once, with both providers."""
    candidates: list[Candidate] = []
    for result in results:
        for index, candidate in enumerate(candidates):
            if _shares_an_id(candidate.external_ids, result.external_ids):
                candidates[index] = _combine(candidate, result)
                break
        else:
            candidates.append(
                Candidate(
                    providers=(result.provider,),
                    external_ids=result.external_ids,
                    title=result.title,
                    original_title=result.original_title,
                    year=result.year,
                    release_date=result.release_date,
                    overview=result.overview,
                    poster_url=result.poster_url,
                    popularity=result.popularity,
                    results=(result,),
                )
            )
    return candidates


def score(candidate: Candidate, title: str, year: int | None) -> float:
    query = normalise_title(title)
    names = [candidate.title, *([candidate.original_title] if candidate.original_title else [])]
    similarity = max(fuzz.token_sort_ratio(query, normalise_title(name)) for name in names)
    if any(titles_match(title, name) for name in names):
        similarity = 100.0
    title_points = 70.0 * similarity / 100.0
    if year is None:
        year_points = 10.0
    elif candidate.year == year:
        year_points = 20.0
    elif candidate.year is not None and abs(candidate.year - year) == 1:
        year_points = 8.0
    else:
        year_points = 0.0
    popularity = candidate.popularity or 0.0
    popularity_points = min(10.0, 10.0 * math.log10(1.0 + popularity) / 3.0)
    return round(title_points + year_points + popularity_points, 1)


def rank(results: Iterable[SearchResult], title: str, year: int | None) -> list[Candidate]:
    """Merged and scored candidates, best first."""
    candidates = [replace(c, confidence=score(c, title, year)) for c in merge_results(results)]
    return sorted(candidates, key=lambda c: (-c.confidence, c.title, c.year or 0))


class Outcome(StrEnum):
    IDENTIFIED = "identified"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    chosen: Candidate | None
    candidates: list[Candidate]


def decide(candidates: list[Candidate], title: str, year: int | None) -> Decision:
    """The automated decision (see the module docstring): never a guess between look-alikes."""
    if not candidates:
        return Decision(Outcome.NOT_FOUND, None, [])
    if len(candidates) == 1:
        return Decision(Outcome.IDENTIFIED, candidates[0], candidates)
    exact = [
        c
        for c in candidates
        if year is not None
        and c.year == year
        and any(titles_match(title, n) for n in (c.title, c.original_title) if n)
    ]
    if len(exact) == 1:
        return Decision(Outcome.IDENTIFIED, exact[0], candidates)
    return Decision(Outcome.AMBIGUOUS, None, candidates)


def _conflict(a: ExternalIds, b: ExternalIds) -> bool:
    return any(b.get(kind) not in (None, value) for kind, value in a.known().items())


def _look_alike(a: Candidate, b: Candidate) -> bool:
    return (
        not set(a.providers) & set(b.providers)
        and a.year is not None
        and a.year == b.year
        and titles_match(a.title, b.title)
        and not _conflict(a.external_ids, b.external_ids)
    )


def merge_look_alikes(candidates: list[Candidate]) -> list[Candidate]:
    """For showing search results only: join two candidates from different providers that share no
    id but have the same title and year and no conflicting ids, when each is the other's only match
    (TMDB's search answers carry no IMDb id and OMDb's no TMDB id, so one film arrives twice).

    Two films with the same title and year stay apart (each then has more than one match). The
    automated decision never uses this: it verifies such pairs with lookups instead, so a wrong join
    can only ever be a line in a list the user chooses from, never a wrong match.
    """
    partners = {
        index: [other for other, b in enumerate(candidates) if other != index and _look_alike(a, b)]
        for index, a in enumerate(candidates)
    }
    merged: list[Candidate] = []
    used: set[int] = set()
    for index, candidate in enumerate(candidates):
        if index in used:
            continue
        mates = partners[index]
        if len(mates) == 1 and partners[mates[0]] == [index] and mates[0] not in used:
            other = candidates[mates[0]]
            used.add(mates[0])
            for result in other.results:
                candidate = _combine(candidate, result)
            candidate = replace(candidate, confidence=max(candidate.confidence, other.confidence))
        merged.append(candidate)
    return sorted(merged, key=lambda c: (-c.confidence, c.title, c.year or 0))
