"""Progress events of a fetch and of an identification, as a plain callback object the window turns
into Qt signals.

A fetch reports each provider's start, retries, timeout and completion. An identification (search
by title, then lookups that cross-reference the ids) reports the same events for every provider it
asks, and in addition when it begins and ends, each step (a search, a round of lookups) with the
providers it asks, and how each provider's part of a step ended (`ProviderOutcome`: answered, not
found, failed, timed out, rate limited, skipped), which a success flag alone cannot say.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class IdentifyStep(StrEnum):
    """A step of an identification: a search by title (and year), or a round of id lookups."""

    SEARCH = "search"
    LOOKUP = "lookup"


class ProviderOutcome(StrEnum):
    """How one provider's part of an identification step ended."""

    #: It answered: search results, or the entity with the ids it knows.
    ANSWERED = "answered"
    #: It answered "no such entity" (a lookup) or found nothing (a search): a valid answer.
    NOT_FOUND = "not_found"
    #: It failed (an error no retry cured, a refused key, an unreadable answer).
    FAILED = "failed"
    #: It ran out of time; its requests were cancelled.
    TIMED_OUT = "timed_out"
    #: It refused requests for now (HTTP 429, an exhausted quota, or still before its reset time).
    RATE_LIMITED = "rate_limited"
    #: It was not asked: its circuit is open after repeated failures.
    SKIPPED = "skipped"

    @property
    def success(self) -> bool:
        """The provider answered (with or without a match): what `on_provider_complete` says."""
        return self in (ProviderOutcome.ANSWERED, ProviderOutcome.NOT_FOUND)


class FetchProgress:
    """Receives per-provider progress; override what you need (every method does nothing here).

    Methods are called on the event loop's thread and must return quickly.
    """

    def on_provider_start(self, provider: str) -> None:
        """A provider's part of a fetch began."""

    def on_provider_complete(self, provider: str, success: bool) -> None:
        """A provider's part ended; `success` is False for failures, timeouts and rate limits."""

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        """Retry `attempt` of `max_retries` is about to be made after a wait."""

    def on_provider_timeout(self, provider: str) -> None:
        """A provider ran out of time; its requests were cancelled."""

    # -- identification ----------------------------------------------------------------------------

    def on_identify_begin(self) -> None:
        """The automated identification of an entity began (a refresh of an unidentified movie
        starts with it)."""

    def on_identify_step(self, step: IdentifyStep, providers: Sequence[str]) -> None:
        """A step of the identification now asks `providers` at once (each then sends
        `on_provider_start`, or only `on_provider_outcome` when it is not asked)."""

    def on_provider_outcome(
        self, provider: str, step: IdentifyStep, outcome: ProviderOutcome, detail: str
    ) -> None:
        """How `provider`'s part of an identification `step` ended; `detail` is a readable note
        ("3 results", the error). Sent just before `on_provider_complete` for a provider that was
        asked; alone for one that was not asked at all (rate limited, circuit open)."""

    def on_identify_end(self, status: str | None) -> None:
        """The identification ended: "identified", "needs_identification", or None when no provider
        could answer at all. Not sent when it was cancelled."""


class RecordingProgress(FetchProgress):
    """Keeps every event as a tuple; for the CLI's verbose mode, logs and tests."""

    def __init__(self) -> None:
        self.events: list[tuple[str, ...]] = []

    def on_provider_start(self, provider: str) -> None:
        self.events.append(("start", provider))

    def on_provider_complete(self, provider: str, success: bool) -> None:
        self.events.append(("complete", provider, str(success).lower()))

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        self.events.append(("retry", provider, str(attempt), str(max_retries)))

    def on_provider_timeout(self, provider: str) -> None:
        self.events.append(("timeout", provider))

    def on_identify_begin(self) -> None:
        self.events.append(("identify_begin",))

    def on_identify_step(self, step: IdentifyStep, providers: Sequence[str]) -> None:
        self.events.append(("step", step.value, *providers))

    def on_provider_outcome(
        self, provider: str, step: IdentifyStep, outcome: ProviderOutcome, detail: str
    ) -> None:
        self.events.append(("outcome", provider, step.value, outcome.value, detail))

    def on_identify_end(self, status: str | None) -> None:
        self.events.append(("identify_end", status or "error"))
