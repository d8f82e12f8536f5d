"""Identification of library movies (document 2): automated, by the user's choice, and search.

Automated (`identify`): from the movie's known ids (lookup, cross-referencing the others) or, lacking
any, from its title and year (search, then the rule of `core.matching.decide`: zero candidates is
"not found", several are "ambiguous" unless exactly one has the exact title and the exact year).
Memory-first: nothing is written while the identity is uncertain. Once it is confirmed, `commit`
writes the ids, the status and the answers the lookup fetched on the way (into the provider cache)
in one transaction, so the enrichment that follows finds them there and never asks twice; the
enrichment service instead takes those answers in memory and commits them with the entity. An
unconfirmed identity writes only the status `needs_identification` (nothing is cached).

By the user's choice (`select`, "tmdb:27205", "imdb:tt1375666", "tvdb:..."): that id is looked up,
the others cross-referenced, and the result committed, replacing the ids the movie had. `look_up`
and `commit_lookup` are its two halves, for the window to show the film before the user confirms it.

Every decision (identified, ambiguous, not found, the user's choice) is stored with the movie, its
`why` bounded in size (`bounded_why`), so `latest` can say why after a restart too.

`search` asks every provider that can search; it is never cached.

Progress: every method takes an optional `FetchProgress` (keyword `progress`) that receives each
provider's part of each step as it happens (`engine.identify`); `identify` also sends
`on_identify_begin` and `on_identify_end`, so a window can label the phase of a refresh.
"""

from __future__ import annotations

from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from datetime import datetime
from typing import Any

from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.ids import parse_id
from metarr_desktop.core.matching import Candidate
from metarr_desktop.core.matching import Decision
from metarr_desktop.core.matching import Outcome
from metarr_desktop.core.matching import explain
from metarr_desktop.core.matching import merge_look_alikes
from metarr_desktop.core.matching import normalise_title
from metarr_desktop.core.matching import remerge
from metarr_desktop.core.matching import titles_match
from metarr_desktop.core.matching import with_details
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.budget import ActionBudget
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.identify import Identification
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.engine.identify import Identifier
from metarr_desktop.engine.identify import LookupResult
from metarr_desktop.engine.identify import SearchOutcome
from metarr_desktop.engine.identify import cross_checked
from metarr_desktop.services.library_store import LibraryStore
from metarr_desktop.services.provider_cache import ProviderCacheManager

MOVIE = EntityType.MOVIE

#: Ambiguous searches with more exact matches than this are left to the user without probing.
MAX_CANDIDATES_TO_RESOLVE = 4


class SelectionError(ValueError):
    """A malformed `PROVIDER:ID` choice (bad input, exit code 2)."""


class SelectionNotFoundError(Exception):
    """No provider knows the id the user chose; nothing was changed (exit code 1)."""


class LockedIdError(Exception):
    """The user's choice would change an id the user locked; nothing was changed (exit code 1).

    The message says how to unlock it (`metarr unlock ID tmdb_id`, or the lock on the movie page).
    """


#: The field that holds each kind of id (a lock on it keeps that id, `metarr lock ID tmdb_id`).
ID_FIELDS = {IdType.TMDB: "tmdb_id", IdType.IMDB: "imdb_id", IdType.TVDB: "tvdb_id"}

#: How many movies' latest identification `IdentificationService.latest` keeps in memory (the window
#: shows the movie open now; the oldest are dropped first and read back from the database).
REMEMBERED = 1000

#: The bounds of a stored `why`: characters per string, items per list or object, nesting depth.
WHY_MAX_TEXT = 200
WHY_MAX_ITEMS = 20
WHY_MAX_DEPTH = 4


def _bounded(value: Any, depth: int) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        text = "".join(ch if ch.isprintable() else " " for ch in value[:WHY_MAX_TEXT])
        return text + "…" if len(value) > WHY_MAX_TEXT else text
    if depth >= WHY_MAX_DEPTH:
        return None
    if isinstance(value, Mapping):
        items = list(value.items())[:WHY_MAX_ITEMS]
        return {_bounded(str(key), depth): _bounded(item, depth + 1) for key, item in items}
    if isinstance(value, list | tuple):
        return [_bounded(item, depth + 1) for item in value[:WHY_MAX_ITEMS]]
    return _bounded(str(value), depth)


def bounded_why(why: Mapping[str, Any]) -> dict[str, Any]:
    """`why` as stored with the movie: JSON values only, strings cut to `WHY_MAX_TEXT` characters
    (control characters made spaces: titles are provider text), lists and objects to
    `WHY_MAX_ITEMS` entries, nesting to `WHY_MAX_DEPTH` levels."""
    bounded = _bounded(why, 0)
    return bounded if isinstance(bounded, dict) else {}


@dataclass(slots=True)
class IdentifyResult:
    """The identification of one movie.

    Attributes:
        status: "identified" or "needs_identification".
        reason: None, "not_found" or "ambiguous".
        ids: the confirmed ids, or the ids known before.
        candidates: the scored candidates of a search (best first).
        answers: provider answers fetched on the way (memory-first; committed only when identified).
        not_found: providers that answered "no such movie" during the lookup.
        failed: providers that failed, timed out or were rate limited on the way.
        previous_ids: the ids the movie had before (to tell whether its identity changed).
        why: why the decision was made (`core.matching.explain`; JSON-ready).
        decided_at: when it was stored (set on the one `IdentificationService.latest` returns).
    """

    movie_id: int
    status: str
    reason: str | None
    ids: ExternalIds
    candidates: list[Candidate] = field(default_factory=list)
    answers: dict[str, ProviderData] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)
    failed: list[FailedProvider] = field(default_factory=list)
    previous_ids: ExternalIds = field(default_factory=ExternalIds)
    why: dict[str, Any] = field(default_factory=dict)
    decided_at: datetime | None = None

    @property
    def identified(self) -> bool:
        return self.status == IdentificationStatus.IDENTIFIED.value

    @property
    def identity_changed(self) -> bool:
        """True when a previously known id now differs (the cache of the old identity is void)."""
        return any(
            self.ids.get(kind) is not None and value != self.ids.get(kind)
            for kind, value in self.previous_ids.known().items()
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "movie_id": self.movie_id,
            "status": self.status,
            "reason": self.reason,
            "ids": self.ids.to_json(),
            "candidates": [c.to_json() for c in self.candidates],
            "failed": [f.to_json() for f in self.failed],
            "why": self.why,
        }


def parse_selection(choice: str) -> ExternalIds:
    """``tmdb:27205`` / ``imdb:tt1375666`` / ``tvdb:81189`` as an id set; `SelectionError` or
    `InvalidIdError` for anything else."""
    kind, sep, value = choice.partition(":")
    kind = kind.strip().lower()
    if not sep or not value.strip():
        raise SelectionError(f"expected PROVIDER:ID (e.g. tmdb:27205 or imdb:tt1375666), got {choice!r}")
    if kind not in {k.value for k in IdType}:
        raise SelectionError(f"unknown id kind {kind!r} in {choice!r} (expected tmdb, imdb or tvdb)")
    return ExternalIds().with_id(kind, parse_id(kind, value.strip()))


def keep_locked_ids(ids: ExternalIds, previous: ExternalIds, locked: Collection[str]) -> ExternalIds:
    """`ids` with every locked id kind kept at its previous value: a lock on an empty id keeps it
    empty too (a locked field is never written, by identification neither)."""

    def kept(kind: IdType) -> bool:
        return ID_FIELDS[kind] in locked

    return ExternalIds(
        tmdb=previous.tmdb if kept(IdType.TMDB) else ids.tmdb,
        imdb=previous.imdb if kept(IdType.IMDB) else ids.imdb,
        tvdb=previous.tvdb if kept(IdType.TVDB) else ids.tvdb,
    )


def _first_director(data: ProviderData) -> str | None:
    directors = data.fields.get("directors")
    if isinstance(directors, list) and directors:
        first = directors[0]
        name = first.get("name") if isinstance(first, dict) else first
        return str(name) if name else None
    return None


def detailed_candidates(candidates: list[Candidate], probed: Mapping[int, LookupResult]) -> list[Candidate]:
    """The candidates with what their probes revealed (ids, runtime, director, original title),
    joined where the revealed ids link them (`core.matching.remerge`)."""
    detailed: list[Candidate] = []
    for candidate in candidates:
        probe = probed.get(id(candidate))
        if probe is None:
            detailed.append(candidate)
            continue
        runtime: int | None = None
        director: str | None = None
        original: str | None = None
        for data in probe.answers.values():
            value = data.fields.get("runtime")
            runtime = runtime if runtime is not None else (value if isinstance(value, int) else None)
            director = director or _first_director(data)
            title = data.fields.get("original_title")
            original = original or (title if isinstance(title, str) else None)
        detailed.append(
            with_details(candidate, probe.ids, runtime=runtime, director=director, original_title=original)
        )
    return remerge(detailed)


def resolved_why(
    candidates: list[Candidate], lookup: LookupResult, title: str, year: int | None
) -> dict[str, Any]:
    """The `why` of an ambiguity that lookups resolved: every exact match was the same film."""
    return {
        "query": {"title": title, "normalised": normalise_title(title), "year": year},
        "outcome": "identified",
        "rule": "the exact matches were looked up and all turned out to be the same film",
        "candidates_merged": len(candidates),
        "ids_cross_checked": cross_checked(lookup),
        "providers": sorted(lookup.answers),
    }


class IdentificationService:
    """Identifies library movies and commits confirmed identities."""

    def __init__(self, identifier: Identifier, store: LibraryStore, cache: ProviderCacheManager) -> None:
        self._identifier = identifier
        self._store = store
        self._cache = cache
        self._latest: dict[int, IdentifyResult] = {}

    def _remember(self, result: IdentifyResult) -> IdentifyResult:
        """Keep the outcome and its `why` (not the answers or candidates) of the latest
        identifications, the most recent `REMEMBERED` movies only (a library-wide run commits many);
        return the copy kept."""
        self._latest.pop(result.movie_id, None)
        kept = self._latest[result.movie_id] = replace(result, answers={}, candidates=[])
        while len(self._latest) > REMEMBERED:
            del self._latest[next(iter(self._latest))]
        return kept

    def latest(self, movie_id: int) -> IdentifyResult | None:
        """The last identification of `movie_id` (its `why` included), or None when it was never
        identified: the one committed in this session, else the decision stored with the movie (a
        past session's, `metarr identify`'s or the schedule's; kept in memory once read). The window
        shows it, and tells a new one (the Identify dialog's) from one it has seen by identity."""
        remembered = self._latest.get(movie_id)
        if remembered is not None:
            return remembered
        movie = self._store.movies.get(movie_id)
        decision = movie.identification if movie is not None else None
        if decision is None:
            return None
        stored = IdentifyResult(
            movie_id=movie_id,
            status=decision.status,
            reason=decision.reason,
            ids=decision.ids,
            why=dict(decision.why),
            decided_at=decision.decided_at,
        )
        return self._remember(stored)

    async def identify(
        self,
        movie_id: int,
        *,
        priority: Priority = Priority.USER,
        providers: Collection[str] | None = None,
        commit: bool = True,
        progress: FetchProgress | None = None,
        budget: ActionBudget | None = None,
    ) -> IdentifyResult:
        """Automated identification of one movie (see the module docstring).

        `budget` is the action this identification is part of (the enrichment passes its own, so
        that a provider that failed or timed out here is not asked again by the fetch that follows).
        A provider failure that passes (a server error, a timeout, a rate limit) is never taken for
        "not found": `IdentificationError` is raised and the movie stays as it was.

        With `commit` False nothing is written: the caller commits (the enrichment does, in its own
        transaction). Raises `IdentificationError` when no provider could answer at all (nothing is
        written then either), `UnknownEntityError` for an unknown movie. `progress` receives each
        provider's part as it happens, between `on_identify_begin` and `on_identify_end`.
        """
        movie = self._store.movies.require(movie_id)
        progress = progress or FetchProgress()
        progress.on_identify_begin()
        try:
            outcome = await self._identifier.identify(
                title=movie.title or None,
                year=movie.year,
                ids=movie.ids,
                entity_type=MOVIE,
                priority=priority,
                providers=providers,
                progress=progress,
                budget=budget,
            )
            lookup = outcome.lookup
            if outcome.reason == "ambiguous":
                resolved, detailed = await self._resolve_ambiguity(
                    movie, outcome.candidates, priority, providers, progress=progress, budget=budget
                )
                if resolved is not None:
                    outcome, lookup = resolved
                elif detailed:
                    outcome.candidates = detailed
                    ambiguous = Decision(Outcome.AMBIGUOUS, None, detailed)
                    outcome.why = explain(ambiguous, movie.title, movie.year)
        except IdentificationError:
            progress.on_identify_end(None)
            raise
        result = IdentifyResult(
            movie_id=movie_id,
            status=outcome.status,
            reason=outcome.reason,
            ids=outcome.ids,
            candidates=list(outcome.candidates),
            answers=dict(lookup.answers) if lookup else {},
            not_found=list(lookup.not_found) if lookup else [],
            failed=list(outcome.failures),
            previous_ids=movie.ids,
            why=dict(outcome.why),
        )
        if commit:
            with self._store.database.atomic():
                self.commit(result)
        progress.on_identify_end(result.status)
        return result

    async def _resolve_ambiguity(
        self,
        movie: MovieRecord,
        candidates: list[Candidate],
        priority: Priority,
        providers: Collection[str] | None,
        *,
        progress: FetchProgress | None = None,
        budget: ActionBudget | None = None,
    ) -> tuple[tuple[Identification, LookupResult] | None, list[Candidate]]:
        """Tell apart "two films" from "one film that two providers described without a shared id".

        TMDB's search results carry no IMDb id and OMDb's no TMDB id, so one film found by both can
        arrive as two candidates. The exact matches (exact title, and exact year when the movie has
        one) that lack an IMDb id are looked up with the provider that found them (revealing the
        ids); if every exact match then turns out to be the same film, that film is identified and
        the rest of the lookup is made with the providers not asked yet. Everything stays in memory.
        Two different films with the same title (and year) stay ambiguous: then the candidates come
        back with what the probes revealed (ids, runtime, director, original title) and joined where
        those ids link them, so each film is listed once (second item of the pair).
        """
        exact = [
            c
            for c in candidates
            if (movie.year is None or c.year == movie.year)
            and any(titles_match(movie.title, name) for name in (c.title, c.original_title) if name)
        ]
        if not 2 <= len(exact) <= MAX_CANDIDATES_TO_RESOLVE:
            return None, []
        answers: dict[str, ProviderData] = {}
        failures: list[FailedProvider] = []
        revealed: list[ExternalIds] = []
        probed: dict[int, LookupResult] = {}
        for candidate in exact:
            if candidate.external_ids.imdb is not None:
                revealed.append(candidate.external_ids)
                continue
            asked = [p for p in candidate.providers if providers is None or p in providers]
            probe = await self._identifier.lookup(
                candidate.external_ids,
                entity_type=MOVIE,
                priority=priority,
                providers=asked,
                progress=progress,
                budget=budget,
            )
            answers.update(probe.answers)
            failures.extend(probe.failures)
            revealed.append(probe.ids)
            probed[id(candidate)] = probe
        films: list[ExternalIds] = []
        for ids in revealed:
            for index, film in enumerate(films):
                if any(film.get(kind) == value for kind, value in ids.known().items()):
                    films[index] = film.merged(ids)
                    break
            else:
                films.append(ids)
        if len(films) != 1:
            return None, detailed_candidates(candidates, probed)
        others = [r.id for r in self._identifier.orchestrator.pool.enabled(providers) if r.id not in answers]
        rest = await self._identifier.lookup(
            movie.ids.merged(films[0]),
            entity_type=MOVIE,
            priority=priority,
            providers=others,
            progress=progress,
            budget=budget,
        )
        lookup = LookupResult(
            ids=rest.ids,
            answers={**answers, **rest.answers},
            not_found=list(rest.not_found),
            failures=[*failures, *rest.failures],
        )
        if not lookup.answers:
            return None, []
        identification = Identification(
            IdentificationStatus.IDENTIFIED,
            None,
            lookup.ids,
            candidates=candidates,
            lookup=lookup,
            failures=lookup.failures,
            why=resolved_why(candidates, lookup, movie.title, movie.year),
        )
        return (identification, lookup), []

    async def select(
        self,
        movie_id: int,
        choice: str,
        *,
        priority: Priority = Priority.USER,
        progress: FetchProgress | None = None,
    ) -> IdentifyResult:
        """The user's choice: look the chosen id up, cross-reference the others, commit.

        Raises `SelectionError`/`InvalidIdError` for a malformed choice, `SelectionNotFoundError`
        when no provider knows it and `IdentificationError` when no provider could answer; nothing
        is changed in those cases.
        """
        self.check_locked_ids(movie_id, parse_selection(choice))
        lookup = await self.look_up(choice, priority=priority, progress=progress)
        return self.commit_lookup(movie_id, lookup)

    def check_locked_ids(self, movie_id: int, chosen: ExternalIds) -> None:
        """Raise `LockedIdError` when `chosen` would change an id the user locked, an empty one
        included (a lock keeps it empty). `UnknownEntityError` for an unknown movie."""
        movie = self._store.movies.require(movie_id)
        locked = self._store.movies.locked_fields(movie_id)
        for kind, field_name in ID_FIELDS.items():
            value = movie.ids.get(kind)
            new = chosen.get(kind)
            if field_name in locked and new is not None and new != value:
                held = f"{kind.value}:{value}" if value is not None else "empty"
                raise LockedIdError(
                    f"movie {movie_id}: {field_name} is locked ({held}); nothing was "
                    f"changed. Unlock it first: metarr unlock {movie_id} {field_name} "
                    "(or the lock beside it on the movie page)"
                )

    async def look_up(
        self, choice: str, *, priority: Priority = Priority.USER, progress: FetchProgress | None = None
    ) -> LookupResult:
        """The lookup of `select` without the commit (memory-first: the window shows the film
        before the user confirms it). Raises as `select` does; nothing is written."""
        chosen = parse_selection(choice)
        lookup = await self._identifier.lookup(
            chosen, entity_type=MOVIE, priority=priority, progress=progress
        )
        if not lookup.answers:
            if lookup.failures and not lookup.not_found:
                raise IdentificationError(f"no provider could look {choice} up", lookup.failures)
            raise SelectionNotFoundError(f"{choice} was not found by any provider; nothing was changed")
        return lookup

    def commit_lookup(self, movie_id: int, lookup: LookupResult) -> IdentifyResult:
        """Commit a `look_up` answer as the user's choice for the movie (no request is made).
        Raises `LockedIdError` (nothing changed) when it would change an id the user locked."""
        movie = self._store.movies.require(movie_id)
        self.check_locked_ids(movie_id, lookup.ids)
        result = IdentifyResult(
            movie_id=movie_id,
            status=IdentificationStatus.IDENTIFIED.value,
            reason=None,
            ids=lookup.ids,
            answers=dict(lookup.answers),
            not_found=list(lookup.not_found),
            failed=list(lookup.failures),
            previous_ids=movie.ids,
            why={
                "outcome": "identified",
                "rule": "the user's choice",
                "ids_cross_checked": cross_checked(lookup),
                "providers": sorted(lookup.answers),
            },
        )
        with self._store.database.atomic():
            self.commit(result, replace_ids=True)
        return result

    def commit(self, result: IdentifyResult, *, replace_ids: bool = False) -> None:
        """Write an identification: the status always; for a confirmed identity also the ids and the
        answers fetched on the way (into the cache). Call inside a transaction (`Database.atomic`).

        With `replace_ids` the movie's ids become exactly the confirmed ones (the user's choice);
        otherwise the confirmed ids are merged over the known ones.
        """
        movie_id = result.movie_id
        if not result.identified:
            self._store.movies.set_status(movie_id, IdentificationStatus.NEEDS_IDENTIFICATION)
            self._store_decision(result, result.ids)
            return
        locked = self._store.movies.locked_fields(movie_id)
        result.ids = keep_locked_ids(result.ids, result.previous_ids, locked)  # reported as it stays
        ids = result.ids if replace_ids else result.ids.merged(result.previous_ids)
        self._store.movies.set_ids(movie_id, ids)
        self._store.movies.set_status(movie_id, IdentificationStatus.IDENTIFIED)
        self._store_decision(result, ids)
        dropped = replace_ids and any(ids.get(k) != v for k, v in result.previous_ids.known().items())
        if result.identity_changed or dropped:
            # Another film than before: the old identity's cached answers must not be used.
            self._cache.invalidate(MOVIE, movie_id)
        answers: Mapping[str, ProviderData | None] = {
            **{provider: None for provider in result.not_found},
            **result.answers,
        }
        if answers:
            self._cache.save(MOVIE, movie_id, ids, answers)

    def _store_decision(self, result: IdentifyResult, ids: ExternalIds) -> None:
        """Store the decision with the movie and remember it (the window asks `latest`)."""
        decision = self._store.movies.set_identification(
            result.movie_id, result.status, result.reason, ids, bounded_why(result.why)
        )
        result.decided_at = decision.decided_at
        self._remember(result)

    async def search(
        self,
        query: str,
        year: int | None = None,
        *,
        priority: Priority = Priority.USER,
        providers: Collection[str] | None = None,
        progress: FetchProgress | None = None,
    ) -> SearchOutcome:
        """Candidates from every provider that can search, merged by shared ids and scored, best
        first. Never cached; raises `IdentificationError` when no provider could search."""
        query = query.strip()
        if not query:
            raise SelectionError("the search text must not be empty")
        outcome = await self._identifier.search(
            query, year, entity_type=MOVIE, priority=priority, providers=providers, progress=progress
        )
        if not outcome.answered and outcome.failures:
            raise IdentificationError("no provider could search", outcome.failures)
        outcome.candidates = merge_look_alikes(outcome.candidates)
        return outcome
