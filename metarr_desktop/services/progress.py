"""Each provider's progress through one action (a fetch, and the identification it may start with),
as one state machine with one table of chip texts.

`ProviderBoard` is a `FetchProgress`: it receives the engine's events (start, retry, timeout,
complete; the identification's begin, steps, per-provider outcomes and end), keeps each provider's
`ProviderProgress`, says which phase the action is in, and forwards every event to `forward` (a
job's own progress, so the Activity view sees it too). `finish(outcome)` settles every provider from
the action's result (answers served from the cache send no events), `cancel()` marks the providers
still working as skipped.

An action that is an identification alone (the Identify dialog's search or lookup: nothing is
fetched after it) settles its providers itself with `settle` from its result, and `forget`s the
providers it kept in place from an earlier one but never asked.

What a chip says for a state is `CHIP_TEXT`, keyed by the identification step the state belongs to
(None: a fetch); every view (the movie page, the jobs, the Identify dialog) reads it from here, so a
provider that answered a search reads the same everywhere.

Qt-free; the window turns the callbacks (`listener`, `on_phase`) into repaints.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.results import FetchOutcome
from metarr_desktop.core.results import SkipReason
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.events import ProviderOutcome


class ProviderState(StrEnum):
    """Where one provider's part of an action is."""

    WAITING = "waiting"
    RUNNING = "running"  # being asked
    RETRY = "retry"  # waiting to ask again
    DONE = "done"  # answered
    CACHED = "cached"  # not asked: its cached answer was fresh
    NOT_FOUND = "not_found"
    FAILED = "failed"
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    SKIPPED = "skipped"

    @property
    def finished(self) -> bool:
        return self not in (ProviderState.WAITING, ProviderState.RUNNING, ProviderState.RETRY)


class Phase(StrEnum):
    """Where an action is: nothing asked yet, identifying the movie, fetching its metadata."""

    STARTING = "starting"
    IDENTIFYING = "identifying"
    FETCHING = "fetching"


#: The one table of chip texts: (identification step or None for a fetch, state) -> text. A state
#: without an entry for a step reads as in a fetch.
CHIP_TEXT: dict[tuple[IdentifyStep | None, ProviderState], str] = {
    (None, ProviderState.WAITING): "waiting",
    (None, ProviderState.RUNNING): "running…",
    (None, ProviderState.RETRY): "retrying",
    (None, ProviderState.DONE): "done",
    (None, ProviderState.CACHED): "from cache",
    (None, ProviderState.NOT_FOUND): "not found",
    (None, ProviderState.FAILED): "failed",
    (None, ProviderState.TIMEOUT): "timed out",
    (None, ProviderState.RATE_LIMITED): "skipped: rate limited",
    (None, ProviderState.SKIPPED): "skipped",
    (IdentifyStep.SEARCH, ProviderState.RUNNING): "searching…",
    (IdentifyStep.SEARCH, ProviderState.DONE): "searched",
    (IdentifyStep.SEARCH, ProviderState.NOT_FOUND): "no match",
    (IdentifyStep.SEARCH, ProviderState.FAILED): "search failed",
    (IdentifyStep.SEARCH, ProviderState.TIMEOUT): "search timed out",
    (IdentifyStep.LOOKUP, ProviderState.RUNNING): "looking up…",
    (IdentifyStep.LOOKUP, ProviderState.DONE): "found",
    (IdentifyStep.LOOKUP, ProviderState.NOT_FOUND): "not found",
    (IdentifyStep.LOOKUP, ProviderState.FAILED): "lookup failed",
    (IdentifyStep.LOOKUP, ProviderState.TIMEOUT): "lookup timed out",
}

#: A provider still waiting while the identification runs: it is asked once the ids are known.
WAITING_FOR_IDS = "waiting for ids"

#: What each identification step is, for a chip's tooltip.
STEP_NAMES = {
    IdentifyStep.SEARCH: "identifying: search by title and year",
    IdentifyStep.LOOKUP: "identifying: id lookup",
}

#: The chip of a provider that was not asked, by the reason (the engine knows it; every place says it).
SKIP_CHIPS: dict[SkipReason, tuple[ProviderState, str]] = {
    SkipReason.CIRCUIT_OPEN: (ProviderState.SKIPPED, "skipped: auto-disabled"),
    SkipReason.RATE_LIMITED: (ProviderState.RATE_LIMITED, "skipped: rate limited"),
    SkipReason.QUOTA: (ProviderState.RATE_LIMITED, "skipped: quota used up"),
    SkipReason.DISABLED: (ProviderState.SKIPPED, "skipped: switched off"),
}

_OUTCOME_STATES = {
    ProviderOutcome.ANSWERED: ProviderState.DONE,
    ProviderOutcome.NOT_FOUND: ProviderState.NOT_FOUND,
    ProviderOutcome.FAILED: ProviderState.FAILED,
    ProviderOutcome.TIMED_OUT: ProviderState.TIMEOUT,
    ProviderOutcome.RATE_LIMITED: ProviderState.RATE_LIMITED,
    ProviderOutcome.SKIPPED: ProviderState.SKIPPED,
}


def outcome_state(outcome: ProviderOutcome) -> ProviderState:
    """The state of how a provider's part of an identification step ended."""
    return _OUTCOME_STATES[outcome]


@dataclass(frozen=True, slots=True)
class ProviderProgress:
    """One provider's part of an action.

    Attributes:
        state: where it is.
        attempt, max_retries: during a retry, "retry `attempt` of `max_retries`".
        detail: why it failed, or a note ("last answer from the cache used", "3 results").
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
        """The chip text of this state in a fetch."""
        return chip_text(self)


def chip_text(progress: ProviderProgress, step: IdentifyStep | None = None) -> str:
    """What a chip says for `progress`, within identification `step` (None: a fetch)."""
    if progress.state is ProviderState.RETRY:
        return f"retry {progress.attempt} of {progress.max_retries}"
    if step is IdentifyStep.SEARCH and progress.state is ProviderState.DONE and progress.detail:
        return progress.detail  # "3 results"
    if step is None and progress.label:
        return progress.label
    return CHIP_TEXT.get((step, progress.state)) or progress.label or CHIP_TEXT[(None, progress.state)]


class ProviderBoard(FetchProgress):
    """Each provider's state through one action; `listener(progress)` is called on every change.

    A provider the board was not given is added when its first event arrives (a job does not know
    beforehand which providers it asks).

    Attributes:
        states: provider id -> its progress, in the order given (then as they appeared).
        forward: receives every event too (a job's progress).
        phase: where the action is (`Phase`).
        step: the identification step running (or last run), None before any.
        identified: None until an identification ended, then whether it confirmed the film.
        identify_steps: provider -> the identification step its current state belongs to (absent
            once the provider is asked again to fetch).
        note: called with a readable line when the phase or the step changes (a job's notes).
    """

    def __init__(
        self,
        providers: Iterable[str] = (),
        *,
        forward: FetchProgress | None = None,
        listener: Callable[[ProviderProgress], None] | None = None,
        on_phase: Callable[[], None] | None = None,
    ) -> None:
        self.states: dict[str, ProviderProgress] = {p: ProviderProgress(p) for p in providers}
        self.forward = forward or FetchProgress()
        self.phase = Phase.STARTING
        self.step: IdentifyStep | None = None
        self.identified: bool | None = None
        self.identify_steps: dict[str, IdentifyStep] = {}
        self.note: Callable[[str], None] | None = None
        self._listener = listener
        self._on_phase = on_phase
        self._settled: set[str] = set()

    # -- reading -----------------------------------------------------------------------------------

    def text_of(self, provider: str) -> str:
        """The chip text of `provider`'s current state."""
        progress = self.states[provider]
        step = self.identify_steps.get(provider)
        if step is not None:
            return chip_text(progress, step)
        if progress.state is ProviderState.WAITING and self.phase is Phase.IDENTIFYING:
            return WAITING_FOR_IDS
        return chip_text(progress)

    def tooltip_of(self, provider: str, name: str) -> str:
        """``TMDB: failed (HTTP 500) — identifying: id lookup``."""
        progress = self.states[provider]
        text = self.text_of(provider)
        tip = f"{name}: {text}"
        if progress.detail and progress.detail != text:
            tip += f" ({progress.detail})"
        step = self.identify_steps.get(provider)
        return tip + (f" — {STEP_NAMES[step]}" if step is not None else "")

    # -- changing ----------------------------------------------------------------------------------

    def _set(self, provider: str, state: ProviderState, **extra: Any) -> None:
        progress = ProviderProgress(provider, state, **extra)
        if self.states.get(provider) == progress:
            return
        self.states[provider] = progress
        if self._listener is not None:
            self._listener(progress)

    def _phase_changed(self, note: str) -> None:
        if self.note is not None:
            self.note(note)
        if self._on_phase is not None:
            self._on_phase()

    def settle(
        self, provider: str, state: ProviderState, *, detail: str = "", step: IdentifyStep | None = None
    ) -> None:
        """Set `provider`'s state from the action's own result rather than an event (a provider the
        events never mentioned, or one whose end was not reported); with `step`, the state belongs
        to that identification step."""
        self._settled.discard(provider)
        if step is not None:
            self.identify_steps[provider] = step
        self._set(provider, state, detail=detail)

    def forget(self, provider: str) -> None:
        """Drop `provider` (a chip kept in place from an earlier action that this one never asks)."""
        self.states.pop(provider, None)
        self.identify_steps.pop(provider, None)
        self._settled.discard(provider)

    # -- the fetch's events ------------------------------------------------------------------------

    def on_provider_start(self, provider: str) -> None:
        self._settled.discard(provider)
        if self.phase is Phase.IDENTIFYING and self.step is not None:
            self.identify_steps[provider] = self.step
        else:
            self.identify_steps.pop(provider, None)
            if self.phase is Phase.STARTING:
                self.phase = Phase.FETCHING
                self._phase_changed("fetching its metadata")
        self._set(provider, ProviderState.RUNNING)
        self.forward.on_provider_start(provider)

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        self._set(provider, ProviderState.RETRY, attempt=attempt, max_retries=max_retries)
        self.forward.on_provider_retry(provider, attempt, max_retries)

    def on_provider_timeout(self, provider: str) -> None:
        self._set(provider, ProviderState.TIMEOUT)
        self.forward.on_provider_timeout(provider)

    def on_provider_complete(self, provider: str, success: bool) -> None:
        if provider in self._settled:  # its outcome said more than `success` can
            self._settled.discard(provider)
        else:
            current = self.states.get(provider)
            if success:
                self._set(provider, ProviderState.DONE)
            elif current is None or current.state is not ProviderState.TIMEOUT:
                self._set(provider, ProviderState.FAILED)
        self.forward.on_provider_complete(provider, success)

    # -- the identification's events ---------------------------------------------------------------

    def on_identify_begin(self) -> None:
        self.phase = Phase.IDENTIFYING
        self.forward.on_identify_begin()
        self._phase_changed("identifying the movie first")

    def on_identify_step(self, step: IdentifyStep, providers: Sequence[str]) -> None:
        self.step = step
        self.forward.on_identify_step(step, providers)
        what = "searching by title and year" if step is IdentifyStep.SEARCH else "looking its ids up"
        self._phase_changed(f"identifying: {what} ({', '.join(providers)})")

    def on_provider_outcome(
        self, provider: str, step: IdentifyStep, outcome: ProviderOutcome, detail: str
    ) -> None:
        self.identify_steps[provider] = step
        self._settled.add(provider)
        self._set(provider, _OUTCOME_STATES[outcome], detail=detail)
        self.forward.on_provider_outcome(provider, step, outcome, detail)

    def on_identify_end(self, status: str | None) -> None:
        self.identified = status == IdentificationStatus.IDENTIFIED
        self.forward.on_identify_end(status)
        if self.identified:
            self.phase = Phase.FETCHING
            self._phase_changed("identified; fetching its metadata")
        else:
            self._phase_changed("not identified: nothing fetched")

    # -- the end -----------------------------------------------------------------------------------

    def finish(self, result: FetchOutcome) -> None:
        """Settle every provider from the action's outcome. When an identification did not confirm
        the film, nothing was fetched: each provider keeps how its part of the identification ended,
        and the providers never asked are marked so."""
        if self.identified is False:
            for provider, progress in list(self.states.items()):
                if provider not in self.identify_steps or not progress.state.finished:
                    self.identify_steps.pop(provider, None)
                    self._set(provider, ProviderState.SKIPPED, detail="not asked: the film is not identified")
            return
        self.identify_steps.clear()
        failures = {f.provider: f.error for f in result.failed}
        skips = {s.provider: s for s in result.skipped}
        cached = set(result.cached)
        for provider in list(self.states) + [p for p in _mentioned(result) if p not in self.states]:
            stand_in = "; its last answer from the cache was used" if provider in cached else ""
            if provider in failures:
                self._set(provider, ProviderState.FAILED, detail=failures[provider] + stand_in)
            elif provider in result.timed_out:
                self._set(provider, ProviderState.TIMEOUT, detail="the request was cancelled" + stand_in)
            elif provider in result.rate_limited:
                skip = skips.get(provider)
                reason = skip.reason if skip is not None else SkipReason.RATE_LIMITED
                state, label = SKIP_CHIPS[reason]
                note = f"{skip.detail}; " if skip is not None and skip.detail else ""
                self._set(
                    provider, state, label=label, detail=note + "asked again after its reset" + stand_in
                )
            elif provider in skips:  # switched off
                state, label = SKIP_CHIPS[skips[provider].reason]
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
        """The action was cancelled: providers still working are marked skipped."""
        for provider, progress in list(self.states.items()):
            if not progress.state.finished:
                self._set(provider, ProviderState.SKIPPED, detail="cancelled")


def _mentioned(result: FetchOutcome) -> list[str]:
    mentioned = [*result.providers, *result.cached, *result.not_found, *result.rate_limited]
    mentioned += [*result.timed_out, *(f.provider for f in result.failed)]
    return list(dict.fromkeys(mentioned))


__all__ = [
    "CHIP_TEXT",
    "SKIP_CHIPS",
    "STEP_NAMES",
    "WAITING_FOR_IDS",
    "Phase",
    "ProviderBoard",
    "ProviderProgress",
    "ProviderState",
    "chip_text",
    "outcome_state",
]
