"""Each provider's part of one search or lookup of the Identify dialog (`QueryProgress`), and
what its chips say in each state."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.events import FetchProgress, IdentifyStep, ProviderOutcome
from metarr_desktop.ui.identify.presenter import REASON_CHARS, short_reason
from metarr_desktop.ui.movie.models import ProviderProgress, ProviderState
from metarr_desktop.ui.movie.page import outcome_state

#: A chip's text for a provider's state within a step (failures and skips add their reason).
_CHIP_TEXT = {
    (IdentifyStep.SEARCH, ProviderState.RUNNING): "searching…",
    (IdentifyStep.SEARCH, ProviderState.DONE): "answered",
    (IdentifyStep.SEARCH, ProviderState.NOT_FOUND): "no match",
    (IdentifyStep.LOOKUP, ProviderState.RUNNING): "looking up…",
    (IdentifyStep.LOOKUP, ProviderState.DONE): "found",
    (IdentifyStep.LOOKUP, ProviderState.NOT_FOUND): "not found",
}

#: A chip's tooltip for a provider's state within a step; ``{name}`` and ``{detail}`` are filled in.
_CHIP_TIP = {
    (IdentifyStep.SEARCH, ProviderState.WAITING): "{name} has not been asked to search yet.",
    (IdentifyStep.SEARCH, ProviderState.RUNNING): "{name} is searching for the title…",
    (IdentifyStep.SEARCH, ProviderState.DONE): "{name} answered the search: {detail}.",
    (IdentifyStep.SEARCH, ProviderState.NOT_FOUND): "{name} found no film with this title.",
    (IdentifyStep.SEARCH, ProviderState.FAILED): "{name} could not search: {detail}",
    (IdentifyStep.LOOKUP, ProviderState.WAITING): "{name} has not been asked to look the id up yet.",
    (IdentifyStep.LOOKUP, ProviderState.RUNNING): "{name} is looking the id up…",
    (IdentifyStep.LOOKUP, ProviderState.DONE): "{name} knows this film: {detail}.",
    (IdentifyStep.LOOKUP, ProviderState.NOT_FOUND): "{name} does not know this id.",
    (IdentifyStep.LOOKUP, ProviderState.FAILED): "{name} could not look the id up: {detail}",
}

_COMMON_TIP = {
    ProviderState.RETRY: "{name} failed and is being asked again ({detail}).",
    ProviderState.TIMEOUT: "{name} did not answer in time: {detail}",
    ProviderState.RATE_LIMITED: "{name} was not asked: {detail}. It is asked again after its reset.",
    ProviderState.SKIPPED: "{name} was not asked: {detail}.",
}


class QueryProgress(FetchProgress):
    """Each provider's part of one search or lookup of the dialog, from the identification's events.

    The dialog makes one for every search, lookup or choice and shows only the newest one's states;
    `detach()` makes an older one ignore every event from then on (a cancelled search that still
    reports something). `listener()` is called after every change while attached.

    A new one may start from the providers the previous one showed (`waiting`, with its `step`), so
    the chips keep their places while the user types; the first step the search announces replaces
    them with exactly the providers it asks.

    Attributes:
        generation: the dialog's search generation this progress belongs to.
        step: the step running, or the one expected before any is announced.
        states: provider -> its progress, in the order first heard of.
        steps: provider -> the step its state belongs to.
        attached: False once detached.
    """

    def __init__(
        self,
        generation: int,
        step: IdentifyStep,
        *,
        waiting: Iterable[str] = (),
        listener: Callable[[], None] | None = None,
    ) -> None:
        self.generation = generation
        self.step = step
        self.states: dict[str, ProviderProgress] = {p: ProviderProgress(p) for p in waiting}
        self.steps: dict[str, IdentifyStep] = dict.fromkeys(self.states, step)
        self.attached = True
        self._listener = listener
        self._placeholders = set(self.states)
        self._settled: set[str] = set()

    def detach(self) -> None:
        """Ignore every later event (the search this belongs to is stale)."""
        self.attached = False
        self._listener = None

    @property
    def finished(self) -> bool:
        return all(progress.state.finished for progress in self.states.values())

    def _set(self, provider: str, state: ProviderState, **extra: Any) -> None:
        self._placeholders.discard(provider)
        self.states[provider] = ProviderProgress(provider, state, **extra)
        self.steps[provider] = self.step
        if self._listener is not None:
            self._listener()

    # -- events ------------------------------------------------------------------------------------

    def on_identify_step(self, step: IdentifyStep, providers: Sequence[str]) -> None:
        if not self.attached:
            return
        self.step = step
        for provider in [p for p in self._placeholders if p not in providers]:
            del self.states[provider], self.steps[provider]
        self._placeholders.clear()
        for provider in providers:
            self._settled.discard(provider)
            self._set(provider, ProviderState.WAITING)

    def on_provider_start(self, provider: str) -> None:
        if self.attached:
            self._settled.discard(provider)
            self._set(provider, ProviderState.RUNNING)

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        if self.attached:
            self._set(provider, ProviderState.RETRY, attempt=attempt, max_retries=max_retries)

    def on_provider_timeout(self, provider: str) -> None:
        if self.attached:
            self._set(provider, ProviderState.TIMEOUT, detail="its request was cancelled")

    def on_provider_outcome(
        self, provider: str, step: IdentifyStep, outcome: ProviderOutcome, detail: str
    ) -> None:
        if not self.attached:
            return
        self.step = step
        self._settled.add(provider)
        self._set(provider, outcome_state(outcome), detail=detail)

    def on_provider_complete(self, provider: str, success: bool) -> None:
        if not self.attached or provider in self._settled:
            return  # its outcome said more than `success` can
        current = self.states.get(provider)
        if success:
            self._set(provider, ProviderState.DONE)
        elif current is None or current.state is not ProviderState.TIMEOUT:
            self._set(provider, ProviderState.FAILED)

    def finish(
        self,
        *,
        answered: Iterable[str] = (),
        not_found: Iterable[str] = (),
        failures: Sequence[FailedProvider] = (),
    ) -> None:
        """The search or lookup ended: providers still waiting from the previous one (never asked)
        are dropped, and what the result says settles any provider whose end was not reported."""
        if not self.attached:
            return
        for provider in list(self._placeholders):
            del self.states[provider], self.steps[provider]
        self._placeholders.clear()
        errors = {f.provider: f.error for f in failures}
        unknown = set(not_found)
        for provider in dict.fromkeys([*answered, *unknown, *errors]):
            current = self.states.get(provider)
            if current is not None and current.state.finished:
                continue
            if provider in errors:
                self._set(provider, ProviderState.FAILED, detail=errors[provider])
            elif provider in unknown:
                self._set(provider, ProviderState.NOT_FOUND)
            else:
                self._set(provider, ProviderState.DONE)
        for provider, progress in list(self.states.items()):
            if not progress.state.finished:  # its end was never reported
                self._set(provider, ProviderState.SKIPPED, detail="no answer reported")
        if self._listener is not None:
            self._listener()

    # -- what a chip says --------------------------------------------------------------------------

    def text_of(self, provider: str, reason_chars: int = REASON_CHARS) -> str:
        """The chip text of `provider`'s state: "searching…", "3 results", "failed: <reason>"."""
        progress = self.states[provider]
        step = self.steps.get(provider, self.step)
        state = progress.state
        if state is ProviderState.DONE and step is IdentifyStep.SEARCH and progress.detail:
            return progress.detail  # "3 results"
        if state in (ProviderState.FAILED, ProviderState.SKIPPED):
            reason = short_reason(progress.detail, reason_chars)
            return f"{state.value}: {reason}" if reason else state.value
        return _CHIP_TEXT.get((step, state), progress.text)

    def tooltip_of(self, provider: str, name: str) -> str:
        """A sentence about `provider`'s state with the whole of its error (rich text)."""
        progress = self.states[provider]
        step = self.steps.get(provider, self.step)
        template = _CHIP_TIP.get((step, progress.state)) or _COMMON_TIP.get(progress.state)
        detail = progress.detail
        if progress.state is ProviderState.RETRY:
            detail = f"retry {progress.attempt} of {progress.max_retries}"
        if template is None:
            text = f"{name}: {self.text_of(provider)}"
        elif detail:
            text = template.format(name=name, detail=detail)
        else:
            text = template.replace(": {detail}", "").replace(" ({detail})", "").format(name=name)
        return f"<qt>{html.escape(text)}</qt>"
