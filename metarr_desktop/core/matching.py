"""Identification by title and year (document 2): score candidates, merge duplicates, decide.

Merging (`merge_results`) is transitive and does not depend on the order of the answers: every
result is a node, and results that share an id (IMDb, TMDB or TheTVDB) are joined (union-find), so
TMDB + OMDb + TheTVDB answers that link up through any chain of ids are one candidate, whichever
provider answered first. Conflict rule: a join that would give one film two different ids of the same
kind (two IMDb ids, two TMDB ids, two TheTVDB ids) is refused, and the two stay separate candidates.
Links are tried strongest first, IMDb (the key every provider cross-references), then TMDB, then
TheTVDB, and the results of each link in a fixed order (provider, ids, title, year), so the outcome is
the same for any permutation of the answers. A candidate keeps every title its results gave
(localised and original), and scoring takes the best of them.

Each candidate is scored 0-100:

- title similarity, 0-70: rapidfuzz's token-sort ratio of the normalised titles (best of every title
  the candidate has);
- year, 0-20: 20 for the same year, 8 for one year off (close: release years differ between
  countries and providers), 0 otherwise, 10 when the query has no year;
- popularity, 0-10: log-scaled, so a famous film edges out an obscure namesake but never a better
  title or year match.

The automated decision (`decide`): no candidate -> needs identification (not_found); exactly one ->
identified; several -> needs identification (ambiguous), unless exactly one candidate matches the
title exactly (after normalisation) and the year exactly, and no other candidate does; or, when no
candidate has the exact year, exactly one exact title is one year off and no other exact title is
within a year. Two films with the same title and year stay ambiguous; a remake in another year is
told apart by the year. Every decision carries a `why` (`Decision.why`): the normalised titles
compared, the year rule, the ids cross-checked and why the runner-up lost.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import FilmSummary
from metarr_desktop.core.providers import SearchResult

_ARTICLES = ("the ", "a ", "an ")

#: The year rule, as the explanation states it.
YEAR_RULE = "same year, or one year off (close: release years differ between countries and providers)"

#: Which provider's title and text a merged candidate shows first (then by provider id).
_PROVIDER_RANK = {"tmdb": 0, "omdb": 1, "tvdb": 2}

#: Links between results, strongest first (see the module docstring).
_LINK_ORDER = (IdType.IMDB, IdType.TMDB, IdType.TVDB)


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


def year_closeness(wanted: int | None, year: int | None) -> str:
    """ "same", "close" (one year off), "different" or "unknown" (either side has no year)."""
    if wanted is None or year is None:
        return "unknown"
    if wanted == year:
        return "same"
    return "close" if abs(wanted - year) == 1 else "different"


def result_titles(result: SearchResult) -> tuple[str, ...]:
    """Every title one search result gives (the one place to add more, such as translations)."""
    names = [result.title, *([result.original_title] if result.original_title else [])]
    return tuple(dict.fromkeys(name for name in names if name))


@dataclass(frozen=True, slots=True)
class Candidate(FilmSummary):
    """One film that a search found, merged across providers.

    Attributes:
        providers: ids of the providers that found it (TMDB, OMDb, TheTVDB, then the others).
        external_ids: every id revealed by any of them.
        titles: every title its results gave (localised, original, ...), the shown one first.
        cross_checked: the ids that two or more providers gave for it (the evidence of the merge).
    """

    providers: tuple[str, ...]
    titles: tuple[str, ...] = ()
    cross_checked: tuple[str, ...] = ()
    results: tuple[SearchResult, ...] = field(default=(), compare=False, repr=False)

    def all_titles(self) -> tuple[str, ...]:
        names = [self.title, *([self.original_title] if self.original_title else []), *self.titles]
        return tuple(dict.fromkeys(names))

    def to_json(self) -> dict[str, object]:
        return {
            "providers": list(self.providers),
            "external_ids": self.external_ids.to_json(),
            "title": self.title,
            "original_title": self.original_title,
            "titles": list(self.all_titles()),
            "year": self.year,
            "release_date": self.release_date,
            "runtime": self.runtime,
            "director": self.director,
            "tv_film": self.tv_film,
            "overview": self.overview,
            "poster_url": self.poster_url,
            "confidence": round(self.confidence, 1),
            "cross_checked": list(self.cross_checked),
        }


def _result_key(result: SearchResult) -> tuple[Any, ...]:
    """A total order of results that does not depend on the order they arrived in."""
    ids = result.external_ids
    return (
        _PROVIDER_RANK.get(result.provider, len(_PROVIDER_RANK)),
        result.provider,
        ids.imdb or "",
        ids.tmdb or 0,
        ids.tvdb or 0,
        result.title,
        result.year or 0,
        result.original_title or "",
        result.release_date or "",
        result.overview or "",
        result.poster_url or "",
        result.popularity or 0.0,
    )


def _conflict(a: ExternalIds, b: ExternalIds) -> bool:
    """Two id sets that give one kind two different values."""
    return any(b.get(kind) not in (None, value) for kind, value in a.known().items())


def _cross_checked(results: Sequence[SearchResult]) -> tuple[str, ...]:
    checked: list[str] = []
    for kind in _LINK_ORDER:
        providers = {r.provider for r in results if r.external_ids.get(kind) is not None}
        if len(providers) >= 2:
            value = next(r.external_ids.get(kind) for r in results if r.external_ids.get(kind) is not None)
            checked.append(f"{kind.value} {value}")
    return tuple(checked)


def _candidate_of(results: Sequence[SearchResult]) -> Candidate:
    """One candidate from the results of one film, in `_result_key` order (the first is shown)."""
    first = results[0]
    ids = ExternalIds()
    titles: list[str] = []
    for result in results:
        ids = ids.merged(result.external_ids)
        titles.extend(result_titles(result))

    def first_of(name: str) -> Any:
        return next((getattr(r, name) for r in results if getattr(r, name) is not None), None)

    tv_flags = [r.tv_film for r in results if r.tv_film is not None]
    return Candidate(
        providers=tuple(dict.fromkeys(r.provider for r in results)),
        external_ids=ids,
        title=first.title,
        original_title=first_of("original_title"),
        year=first_of("year"),
        release_date=first_of("release_date"),
        overview=first_of("overview"),
        poster_url=first_of("poster_url"),
        popularity=max((r.popularity for r in results if r.popularity is not None), default=None),
        titles=tuple(dict.fromkeys(titles)),
        cross_checked=_cross_checked(results),
        runtime=first_of("runtime"),
        director=first_of("director"),
        tv_film=any(tv_flags) if tv_flags else None,
        results=tuple(results),
    )


def merge_results(results: Iterable[SearchResult]) -> list[Candidate]:
    """One candidate per film, joined transitively by shared ids (see the module docstring); the
    same candidates, in the same order, for any order of `results`."""
    ordered = sorted(results, key=_result_key)
    parent = list(range(len(ordered)))
    component_ids = [r.external_ids for r in ordered]

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(a: int, b: int) -> None:
        root_a, root_b = find(a), find(b)
        if root_a == root_b or _conflict(component_ids[root_a], component_ids[root_b]):
            return
        low, high = sorted((root_a, root_b))
        parent[high] = low
        component_ids[low] = component_ids[low].merged(component_ids[high])

    for kind in _LINK_ORDER:
        groups: dict[int | str, list[int]] = {}
        for index, result in enumerate(ordered):
            value = result.external_ids.get(kind)
            if value is not None:
                groups.setdefault(value, []).append(index)
        for value in sorted(groups, key=str):
            members = groups[value]
            for position, member in enumerate(members[1:], start=1):
                for other in members[:position]:  # join the first earlier member that agrees
                    join(other, member)
                    if find(other) == find(member):
                        break
    films: dict[int, list[SearchResult]] = {}
    for index, result in enumerate(ordered):
        films.setdefault(find(index), []).append(result)
    return [_candidate_of(members) for _, members in sorted(films.items())]


def with_details(
    candidate: Candidate,
    ids: ExternalIds,
    *,
    runtime: int | None = None,
    director: str | None = None,
    original_title: str | None = None,
) -> Candidate:
    """`candidate` with what a lookup of it revealed (ids, runtime, director, original title)."""
    return replace(
        candidate,
        external_ids=candidate.external_ids.merged(ids),
        runtime=candidate.runtime if candidate.runtime is not None else runtime,
        director=candidate.director or director,
        original_title=candidate.original_title or original_title,
    )


def remerge(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Join candidates that share an id after lookups revealed more of their ids (same conflict rule
    as `merge_results`), keeping the best confidence; best first."""
    merged: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (-c.confidence, *_candidate_key(c))):
        for index, other in enumerate(merged):
            shared = any(
                candidate.external_ids.get(kind) == value
                for kind, value in other.external_ids.known().items()
            )
            if shared and not _conflict(other.external_ids, candidate.external_ids):
                merged[index] = _joined(other, candidate)
                break
        else:
            merged.append(candidate)
    return sorted(merged, key=lambda c: (-c.confidence, *_candidate_key(c)))


def _joined(a: Candidate, b: Candidate) -> Candidate:
    kinds = [k.value for k in _LINK_ORDER if a.external_ids.get(k) is not None and b.external_ids.get(k)]
    checked = tuple(
        dict.fromkeys([*a.cross_checked, *b.cross_checked, *(f"{k} {a.external_ids.get(k)}" for k in kinds)])
    )
    return replace(
        a,
        providers=tuple(dict.fromkeys([*a.providers, *b.providers])),
        external_ids=a.external_ids.merged(b.external_ids),
        original_title=a.original_title or b.original_title,
        year=a.year if a.year is not None else b.year,
        release_date=a.release_date or b.release_date,
        overview=a.overview or b.overview,
        poster_url=a.poster_url or b.poster_url,
        popularity=max(filter(None, (a.popularity, b.popularity)), default=None),
        titles=tuple(dict.fromkeys([*a.all_titles(), *b.all_titles()])),
        cross_checked=checked,
        runtime=a.runtime if a.runtime is not None else b.runtime,
        director=a.director or b.director,
        tv_film=a.tv_film if a.tv_film is not None else b.tv_film,
        confidence=max(a.confidence, b.confidence),
        results=(*a.results, *b.results),
    )


def _candidate_key(candidate: Candidate) -> tuple[Any, ...]:
    ids = candidate.external_ids
    return (candidate.title, candidate.year or 0, ids.imdb or "", ids.tmdb or 0, ids.tvdb or 0)


def _similarity(candidate: Candidate, title: str) -> tuple[float, str]:
    """The best title similarity (0-100) over every title of the candidate, and that title."""
    query = normalise_title(title)
    best = (-1.0, candidate.title)
    for name in candidate.all_titles():
        similarity = (
            100.0 if titles_match(title, name) else fuzz.token_sort_ratio(query, normalise_title(name))
        )
        if similarity > best[0]:
            best = (similarity, name)
    return best


def score(candidate: Candidate, title: str, year: int | None) -> float:
    similarity, _ = _similarity(candidate, title)
    title_points = 70.0 * similarity / 100.0
    closeness = year_closeness(year, candidate.year)
    year_points = 10.0 if year is None else {"same": 20.0, "close": 8.0}.get(closeness, 0.0)
    popularity = candidate.popularity or 0.0
    popularity_points = min(10.0, 10.0 * math.log10(1.0 + max(popularity, 0.0)) / 3.0)
    return round(title_points + year_points + popularity_points, 1)


def _rank_key(candidate: Candidate) -> tuple[Any, ...]:
    return (-candidate.confidence, *_candidate_key(candidate))


def rank(results: Iterable[SearchResult], title: str, year: int | None) -> list[Candidate]:
    """Merged and scored candidates, best first."""
    candidates = [replace(c, confidence=score(c, title, year)) for c in merge_results(results)]
    return sorted(candidates, key=_rank_key)


class Outcome(StrEnum):
    IDENTIFIED = "identified"
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class Decision:
    """Attributes:
    why: the explanation (`explain`), a JSON-ready dict.
    """

    outcome: Outcome
    chosen: Candidate | None
    candidates: list[Candidate]
    why: dict[str, Any] = field(default_factory=dict)


def is_exact_title(candidate: Candidate, title: str) -> bool:
    return any(titles_match(title, name) for name in candidate.all_titles())


def describe_match(candidate: Candidate, title: str, year: int | None) -> dict[str, Any]:
    """How one candidate compares with the query: title (exact or similar, which of its titles),
    year (same, close, different, unknown), ids cross-checked, and what tells it apart."""
    similarity, compared = _similarity(candidate, title)
    return {
        "title": candidate.title,
        "year": candidate.year,
        "compared": [normalise_title(title), normalise_title(compared)],
        "title_match": "exact" if similarity >= 100.0 else f"similar ({similarity:.0f} %)",
        "year_match": year_closeness(year, candidate.year),
        "ids_cross_checked": list(candidate.cross_checked),
        "providers": list(candidate.providers),
        "confidence": round(candidate.confidence, 1),
        "tv_film": candidate.tv_film,
    }


def _lost_because(winner: Candidate, loser: Candidate, title: str, year: int | None) -> str:
    """Why `loser` is not `winner`, in one phrase."""
    w_exact, l_exact = is_exact_title(winner, title), is_exact_title(loser, title)
    if w_exact and not l_exact:
        return "its title is not an exact match"
    w_year, l_year = year_closeness(year, winner.year), year_closeness(year, loser.year)
    order = {"same": 0, "close": 1, "unknown": 2, "different": 3}
    if order[l_year] > order[w_year]:
        return {"close": "its year is one off", "different": "its year differs", "unknown": "it has no year"}[
            l_year
        ]
    if l_exact and w_exact and l_year == w_year:
        extra = ""
        if loser.tv_film and not winner.tv_film:
            extra = "; it is a TV film"
        elif winner.tv_film and not loser.tv_film:
            extra = "; the best match is a TV film"
        return f"{_tie(year, l_year)} (only popularity tells them apart{extra})"
    return f"a lower score ({loser.confidence:.1f} against {winner.confidence:.1f})"


#: What tied, when two candidates both have the exact title and their years compare with the movie's
#: alike (`year_closeness`), the movie's year known.
_TIES = {
    "same": "same title and year as the best match",
    "close": "same title as the best match, and both years are one off",
    "different": "same title as the best match, and neither year is the movie's",
    "unknown": "same title as the best match, and neither has a year",
}


def _tie(year: int | None, closeness: str) -> str:
    """What the runner-up shares with the best match (see `_TIES`): without the movie's year, only
    the title, whatever the candidates' years (Dune 2021 and Dune 1984 for "Dune")."""
    return _TIES[closeness] if year is not None else "same title as the best match, and the movie has no year"


def explain(decision: Decision, title: str, year: int | None) -> dict[str, Any]:
    """The `why` of a decision (see the module docstring)."""
    candidates = decision.candidates
    why: dict[str, Any] = {
        "query": {"title": title, "normalised": normalise_title(title), "year": year},
        "year_rule": YEAR_RULE,
        "outcome": decision.outcome.value,
    }
    if not candidates:
        why["rule"] = "no provider found a film of that title"
        return why
    best = decision.chosen or candidates[0]
    why["best"] = describe_match(best, title, year)
    runner_up = next((c for c in candidates if c is not best), None)
    if decision.outcome is Outcome.IDENTIFIED:
        if len(candidates) == 1:
            why["rule"] = "the only film found"
        elif year_closeness(year, best.year) == "same":
            why["rule"] = "the only candidate with the exact title and the exact year"
        else:
            why["rule"] = "no exact year; the only exact title one year off"
    else:
        tied = [c for c in candidates if _exact_tier(c, title, year) == _exact_tier(best, title, year)]
        if year is None and len([c for c in candidates if is_exact_title(c, title)]) > 1:
            why["rule"] = "several films have this exact title and the movie has no year to tell them apart"
        elif len(tied) > 1 and _exact_tier(best, title, year) < 2:
            why["rule"] = f"{len(tied)} films match the title and year equally well; choose one"
        else:
            why["rule"] = "no candidate matches the title and year exactly; choose one"
    if runner_up is not None:
        why["runner_up"] = {
            **describe_match(runner_up, title, year),
            "lost_because": _lost_because(best, runner_up, title, year),
        }
    return why


def _exact_tier(candidate: Candidate, title: str, year: int | None) -> int:
    """0: exact title and year; 1: exact title, year one off; 2: anything else."""
    if not is_exact_title(candidate, title) or year is None:
        return 2
    return {"same": 0, "close": 1}.get(year_closeness(year, candidate.year), 2)


def decide(candidates: list[Candidate], title: str, year: int | None) -> Decision:
    """The automated decision (see the module docstring): never a guess between look-alikes."""
    decision = _decide(candidates, title, year)
    return replace(decision, why=explain(decision, title, year))


def _decide(candidates: list[Candidate], title: str, year: int | None) -> Decision:
    if not candidates:
        return Decision(Outcome.NOT_FOUND, None, [])
    if len(candidates) == 1:
        return Decision(Outcome.IDENTIFIED, candidates[0], candidates)
    exact = [c for c in candidates if _exact_tier(c, title, year) == 0]
    if len(exact) == 1:
        return Decision(Outcome.IDENTIFIED, exact[0], candidates)
    close = [c for c in candidates if _exact_tier(c, title, year) == 1]
    if not exact and len(close) == 1:
        return Decision(Outcome.IDENTIFIED, close[0], candidates)
    return Decision(Outcome.AMBIGUOUS, None, candidates)


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
            used.add(mates[0])
            candidate = _joined(candidate, candidates[mates[0]])
        merged.append(candidate)
    return sorted(merged, key=_rank_key)
