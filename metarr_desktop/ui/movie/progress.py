"""Each provider's progress during a refresh of the movie page (Qt-free)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from metarr_desktop.core.results import SkipReason
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.services.enrichment import EnrichResult


class ProviderState(StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    RETRY = "retry"
    DONE = "done"
    CACHED = "cached"
    NOT_FOUND = "not_found"
    FAILED = "failed"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        return self not in (ProviderState.WAITING, ProviderState.RUNNING, ProviderState.RETRY)


@dataclass(frozen=True, slots=True)
class ProviderProgress:
    """One provider's part of a refresh.

    Attributes:
        state: where it is.
        attempt, max_retries: during a retry, "retry `attempt` of `max_retries`".
        detail: why it failed, or a note ("last answer from the cache used").
        label: the chip's text when the state's own text would hide the reason ("skipped:
            auto-disabled" for an open circuit, not "skipped: rate limited").
    """

    provider: str
    state: ProviderState = ProviderState.WAITING
    attempt: int = 0
    max_retries: int = 0
    detail: str = ""
    label: str = ""

    @property
    def text(self) -> str:
        if self.state is ProviderState.RETRY:
            return f"retry {self.attempt} of {self.max_retries}"
        return self.label or _STATE_TEXT[self.state]


_STATE_TEXT = {
    ProviderState.WAITING: "waiting",
    ProviderState.RUNNING: "running…",
    ProviderState.RETRY: "retrying",
    ProviderState.DONE: "done",
    ProviderState.CACHED: "from cache",
    ProviderState.NOT_FOUND: "not found",
    ProviderState.FAILED: "failed",
    ProviderState.TIMEOUT: "timed out",
    ProviderState.RATE_LIMITED: "skipped: rate limited",
    ProviderState.SKIPPED: "skipped",
}


#: The chip of a provider that was not asked, by the reason (the engine knows it; every place says it).
_SKIP_CHIPS: dict[SkipReason, tuple[ProviderState, str]] = {
    SkipReason.CIRCUIT_OPEN: (ProviderState.SKIPPED, "skipped: auto-disabled"),
    SkipReason.RATE_LIMITED: (ProviderState.RATE_LIMITED, "skipped: rate limited"),
    SkipReason.QUOTA: (ProviderState.RATE_LIMITED, "skipped: quota used up"),
    SkipReason.DISABLED: (ProviderState.SKIPPED, "skipped: switched off"),
}


class RefreshProgress(FetchProgress):
    """Each provider's state during one refresh; `listener(progress)` is called on every change.

    It receives the orchestrator's events and then forwards them to `forward` (the job's own progress,
    so the Activity page sees them too); `finish(result)` settles every provider from the outcome.

    Attributes:
        states: provider id -> its progress, in the order given.
        forward: receives every event too (the job's `JobHandle.progress`).
    """

    def __init__(
        self,
        providers: Iterable[str],
        *,
        forward: FetchProgress | None = None,
        listener: Callable[[ProviderProgress], None] | None = None,
    ) -> None:
        self.states: dict[str, ProviderProgress] = {p: ProviderProgress(p) for p in providers}
        self.forward = forward or FetchProgress()
        self._listener = listener

    def _set(self, provider: str, state: ProviderState, **extra: Any) -> None:
        progress = ProviderProgress(provider, state, **extra)
        if self.states.get(provider) == progress:
            return
        self.states[provider] = progress
        if self._listener is not None:
            self._listener(progress)

    def on_provider_start(self, provider: str) -> None:
        self._set(provider, ProviderState.RUNNING)
        self.forward.on_provider_start(provider)

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        self._set(provider, ProviderState.RETRY, attempt=attempt, max_retries=max_retries)
        self.forward.on_provider_retry(provider, attempt, max_retries)

    def on_provider_timeout(self, provider: str) -> None:
        self._set(provider, ProviderState.TIMEOUT)
        self.forward.on_provider_timeout(provider)

    def on_provider_complete(self, provider: str, success: bool) -> None:
        current = self.states.get(provider)
        if success:
            self._set(provider, ProviderState.DONE)
        elif current is None or current.state is not ProviderState.TIMEOUT:
            self._set(provider, ProviderState.FAILED)
        self.forward.on_provider_complete(provider, success)

    def finish(self, result: EnrichResult) -> None:
        """Settle every provider from the refresh's outcome (cache answers send no events)."""
        failures = {f.provider: f.error for f in result.failed}
        skips = {s.provider: s for s in result.skipped}
        cached = set(result.cached)
        for provider in list(self.states) + [p for p in self._mentioned(result) if p not in self.states]:
            stand_in = "; its last answer from the cache was used" if provider in cached else ""
            if provider in failures:
                self._set(provider, ProviderState.FAILED, detail=failures[provider] + stand_in)
            elif provider in result.timed_out:
                self._set(provider, ProviderState.TIMEOUT, detail="the request was cancelled" + stand_in)
            elif provider in result.rate_limited:
                skip = skips.get(provider)
                reason = skip.reason if skip is not None else SkipReason.RATE_LIMITED
                state, label = _SKIP_CHIPS[reason]
                note = f"{skip.detail}; " if skip is not None and skip.detail else ""
                self._set(
                    provider, state, label=label, detail=note + "asked again after its reset" + stand_in
                )
            elif provider in skips:  # switched off
                state, label = _SKIP_CHIPS[skips[provider].reason]
                self._set(provider, state, label=label, detail=skips[provider].detail)
            elif provider in result.providers:
                self._set(provider, ProviderState.DONE)
            elif provider in result.not_found:
                self._set(provider, ProviderState.NOT_FOUND, detail="it does not know this movie")
            elif provider in cached:
                self._set(
                    provider, ProviderState.CACHED, detail="its answer is younger than the cache lifetime"
                )
            else:
                self._set(provider, ProviderState.SKIPPED, detail="it cannot serve this movie")

    def cancel(self) -> None:
        """The refresh was cancelled: providers still working are marked skipped."""
        for provider, progress in list(self.states.items()):
            if not progress.state.finished:
                self._set(provider, ProviderState.SKIPPED, detail="cancelled")

    @staticmethod
    def _mentioned(result: EnrichResult) -> list[str]:
        mentioned = [*result.providers, *result.cached, *result.not_found, *result.rate_limited]
        mentioned += [*result.timed_out, *(f.provider for f in result.failed)]
        return list(dict.fromkeys(mentioned))
