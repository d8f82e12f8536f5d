"""What an enrichment is asked to do and what it reports: the options, the per-movie result and
the report of a run over many movies (the shapes of `metarr enrich`'s JSON, CONTRACT.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any

from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.results import FetchOutcome
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.services.identification import IdentifyResult


class Mode(StrEnum):
    """`auto` (the schedule: unmonitored movies are skipped) or `manual` (a person asked)."""

    AUTO = "auto"
    MANUAL = "manual"


class Status(StrEnum):
    """A movie's outcome; the value is the CLI's and the JSON's word, `counted` the window's."""

    ENRICHED = "enriched"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    NEEDS_IDENTIFICATION = "needs_identification"
    FAILED = "failed"

    def counted(self, count: int) -> str:
        """A count of movies with this outcome in words: "3 enriched", "1 needs identification",
        "2 need identification"."""
        one, many = _COUNTED.get(self, (self.value, self.value))
        return f"{count:,} {one if count == 1 else many}"


#: The outcomes whose words are not their value, for one movie and for many.
_COUNTED = {Status.NEEDS_IDENTIFICATION: ("needs identification", "need identification")}


@dataclass(frozen=True, slots=True)
class EnrichOptions:
    """How to enrich.

    Attributes:
        mode: auto skips unmonitored movies.
        priority: user (10 s, 2 retries per provider) or background (60 s, 5 retries).
        force: ignore cached answers and ask every provider again.
        providers: ask only these providers (the others' cached answers still count in the merge).
        preview: compute the change set and write no field of the movie (answers fetched on the way
            are cached, and a movie identified on the way keeps its identity, so that accepting the
            preview needs no request: `services.preview`).
        cache_only: answer every provider from its cached answer, however old, and never send a
            request (accepting a preview).
        fields: write only these fields (None: every field).
    """

    mode: Mode = Mode.MANUAL
    priority: Priority = Priority.USER
    force: bool = False
    providers: tuple[str, ...] | None = None
    preview: bool = False
    cache_only: bool = False
    fields: frozenset[str] | None = None


@dataclass(slots=True)
class EnrichResult(FetchOutcome):
    """The outcome of enriching one movie (one entry of `metarr enrich`'s ``results``); how each
    provider's part ended is in the lists of `FetchOutcome`.

    Attributes:
        cache_hits: fresh cached answers used (found or "not found").
        error: why the movie failed, in one line (None otherwise).
    """

    movie_id: int
    status: Status
    changes: ChangeSet = field(default_factory=ChangeSet)
    cache_hits: int = 0
    error: str | None = None
    identification: IdentifyResult | None = None
    preview: bool = False

    @property
    def problems(self) -> list[str]:
        """Providers that could not answer this time (failed, timed out, rate limited, not asked)."""
        return [*self.rate_limited, *self.timed_out, *(f.provider for f in self.failed)]

    @property
    def shortfall(self) -> str | None:
        """What a finished job must say besides "done" ("fanart failed, tvdb timed out"), if anything."""
        reasons = {s.provider: s.reason.value.replace("_", " ") for s in self.skipped}
        parts = [f"{f.provider} failed" for f in self.failed]
        parts += [f"{p} timed out" for p in self.timed_out]
        parts += [f"{p} skipped ({reasons.get(p, 'rate limited')})" for p in self.rate_limited]
        return ", ".join(parts) or None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"movie_id": self.movie_id, "status": self.status.value}
        if self.preview:
            document["preview"] = True
        document.update(self.changes.to_json())
        document.update(
            {
                "providers": list(self.providers),
                "cached": list(self.cached),
                "rate_limited": list(self.rate_limited),
                "failed": [f.to_json() for f in self.failed],
                "timed_out": list(self.timed_out),
                "not_found": list(self.not_found),
                "skipped": [s.to_json() for s in self.skipped],
                "error": self.error,
            }
        )
        if self.identification is not None:
            document["identification"] = {
                "status": self.identification.status,
                "reason": self.identification.reason,
                "ids": self.identification.ids.to_json(),
                "candidates": [c.to_json() for c in self.identification.candidates],
            }
        return document


@dataclass(slots=True)
class EnrichReport:
    """Every result of a run and its summary; filled in as movies finish (so an interrupted run
    still holds what was done).

    Attributes:
        total: movies the run was asked to enrich.
        network_requests: HTTP requests sent to providers during the run.
        interrupted: the run was cancelled before every movie was done.
        streamed: per-status counts and cache hits of results handed to an `on_result` callback
            of `enrich_many` instead of being kept in `results` (a large run's memory stays flat).
    """

    results: list[EnrichResult] = field(default_factory=list)
    total: int = 0
    network_requests: int = 0
    duration_s: float = 0.0
    interrupted: bool = False
    streamed: Counter[str] = field(default_factory=Counter)

    def count_streamed(self, result: EnrichResult) -> None:
        """Count a result that is passed on rather than kept."""
        self.streamed[result.status.value] += 1
        self.streamed["cache_hits"] += result.cache_hits

    def count(self, status: Status) -> int:
        return self.streamed[status.value] + sum(1 for r in self.results if r.status is status)

    @property
    def finished(self) -> int:
        """Movies done so far (kept or streamed)."""
        return len(self.results) + sum(self.streamed[s.value] for s in Status)

    @property
    def cache_hits(self) -> int:
        return self.streamed["cache_hits"] + sum(r.cache_hits for r in self.results)

    @property
    def shortfall(self) -> str | None:
        """What a finished job must say besides "done" ("3 movies failed"), if anything."""
        failed = self.count(Status.FAILED)
        return f"{failed} movie{'s' if failed != 1 else ''} failed" if failed else None

    @property
    def all_failed(self) -> bool:
        """Every movie of a non-empty run failed (the CLI's exit code 1)."""
        return self.finished > 0 and self.count(Status.FAILED) == self.finished

    def summary(self) -> dict[str, Any]:
        return {
            "enriched": self.count(Status.ENRICHED),
            "unchanged": self.count(Status.UNCHANGED),
            "skipped": self.count(Status.SKIPPED),
            "needs_identification": self.count(Status.NEEDS_IDENTIFICATION),
            "failed": self.count(Status.FAILED),
            "network_requests": self.network_requests,
            "cache_hits": self.cache_hits,
            "duration_s": round(self.duration_s, 3),
            "total": self.total,
            "interrupted": self.interrupted,
        }

    def to_json(self) -> dict[str, Any]:
        return {"results": [r.to_json() for r in self.results], "summary": self.summary()}


ProgressCallback = Callable[[EnrichReport, EnrichResult], None]
#: The provider-progress listener of one movie of a bulk run, by movie id (None: no listener).
ProgressOf = Callable[[int], FetchProgress | None]
