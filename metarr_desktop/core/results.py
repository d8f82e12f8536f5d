"""`ProviderResults`: what one fetch across all providers produced, partial results included; and
the lists of how each provider's part of an action ended that it shares with an action's result
(`ProviderProblems`, `FetchOutcome`)."""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from enum import StrEnum
from typing import Any

from metarr_desktop.core.providers import ProviderData


@dataclass(frozen=True, slots=True)
class FailedProvider:
    provider: str
    error: str
    retryable: bool

    def to_json(self) -> dict[str, Any]:
        return {"provider": self.provider, "error": self.error, "retryable": self.retryable}


class SkipReason(StrEnum):
    """Why a provider was not asked (or stopped before it was), as every place shows it."""

    #: Auto-disabled: its circuit is open after repeated failures.
    CIRCUIT_OPEN = "circuit_open"
    #: It asked us to wait (HTTP 429, `Retry-After`), or our own pacer had no slot in time.
    RATE_LIMITED = "rate_limited"
    #: Its daily quota is used up.
    QUOTA = "quota"
    #: The user switched it off.
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class SkippedProvider:
    """A provider that could not be asked now, why, and when it may be asked again.

    Attributes:
        detail: a readable note ("waiting for the rate limit (4 s)", "circuit open after repeated
            failures").
    """

    provider: str
    reason: SkipReason
    until: datetime | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "reason": self.reason.value,
            "until": self.until.isoformat(timespec="seconds") if self.until else None,
            "detail": self.detail,
        }


@dataclass(slots=True, kw_only=True)
class ProviderProblems(ABC):
    """The providers whose part of an action ended without an answer, each in exactly one list.

    A base, not a result of its own: each result says where it keeps why each refused provider could
    not be asked (`refusals`); `engine.fetch.file_problem` is the one place that files a provider
    under these lists. The lists are keyword-only, so a subclass's own fields keep their places in
    its constructor.

    Attributes:
        rate_limited: providers refused or stopped by a rate limit, a quota or an open circuit.
        failed: providers whose error ended their part, with the error and whether a retry may help.
        timed_out: providers that ran out of time (their requests were cancelled).
    """

    rate_limited: list[str] = field(default_factory=list)
    failed: list[FailedProvider] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)

    @property
    @abstractmethod
    def refusals(self) -> list[SkippedProvider]:
        """The list that holds why each provider of `rate_limited` was refused, and until when."""


@dataclass(slots=True, kw_only=True)
class FetchOutcome(ProviderProblems):
    """How each provider's part of an action ended, as an action's result reports it and
    `services.progress.ProviderBoard.finish` reads it (an `EnrichResult`).

    Attributes:
        providers: providers that answered over the network during the action (identification
            lookups included).
        cached: providers whose cached answer was used (fresh, or standing in for one that could not
            answer now).
        not_found: providers that answered "no such entity here".
        skipped: every provider that could not be asked (or was stopped before its request left),
            with the reason (open circuit, rate limit, quota, switched off) and when it may be asked
            again; the circuit-open, rate-limited and out-of-quota ones are also in `rate_limited`.
    """

    providers: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    skipped: list[SkippedProvider] = field(default_factory=list)

    @property
    def refusals(self) -> list[SkippedProvider]:
        return self.skipped


@dataclass(slots=True)
class ProviderResults(ProviderProblems):
    """Per provider data (None when it gave nothing) and how each provider's part ended.

    Every provider that was asked, or deliberately not asked, appears in exactly one of
    `completed`, `not_found`, `failed`, `timed_out`, `rate_limited` and `skipped`.

    Attributes:
        providers: provider id -> its data, or None when it failed, timed out or was skipped.
        fetched_at: when the fetch started (UTC).
        completed: providers that answered with data.
        not_found: providers that answered "no such entity here" (a valid answer, not a failure).
        failed, timed_out, rate_limited: as in `ProviderProblems`.
        skipped: providers not asked because they cannot serve this request (no usable id).
        unavailable: why each provider of `rate_limited` was not asked or stopped (open circuit,
            rate limit, quota), with when it may be asked again.
        duration_s: how long the fetch took.
    """

    providers: dict[str, ProviderData | None] = field(default_factory=dict)
    fetched_at: datetime | None = None
    completed: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unavailable: list[SkippedProvider] = field(default_factory=list)
    duration_s: float = 0.0
    min_successful: int = 1

    @property
    def refusals(self) -> list[SkippedProvider]:
        return self.unavailable

    @property
    def all_failed(self) -> bool:
        """True when no provider produced an answer (data or a definite "not found")."""
        return not self.completed and not self.not_found

    @property
    def met_minimum(self) -> bool:
        return len(self.completed) >= self.min_successful

    def data(self) -> dict[str, ProviderData]:
        return {pid: d for pid, d in self.providers.items() if d is not None}

    def to_json(self) -> dict[str, Any]:
        return {
            "providers": {pid: (d.to_json() if d else None) for pid, d in self.providers.items()},
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "completed": list(self.completed),
            "not_found": list(self.not_found),
            "failed": [f.to_json() for f in self.failed],
            "timed_out": list(self.timed_out),
            "rate_limited": list(self.rate_limited),
            "skipped": list(self.skipped),
            "unavailable": [u.to_json() for u in self.unavailable],
            "all_failed": self.all_failed,
            "duration_s": round(self.duration_s, 3),
        }
