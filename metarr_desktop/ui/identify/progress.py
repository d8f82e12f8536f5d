"""Each provider's part of one search or lookup of the Identify dialog (`QueryProgress`): the one
per-provider state machine of `services.progress` (`ProviderBoard`) and its one table of chip
texts, so a chip here reads as it does on the movie page ("searching…", "searched", "no match",
"looking up…", "found"). What the dialog adds: each search's generation (a stale search is
detached), the chips kept in place while the user types, a failure's short reason on its chip and a
sentence with the whole error in its tooltip."""

from __future__ import annotations

import html
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence

from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.events import ProviderOutcome
from metarr_desktop.services.progress import Phase
from metarr_desktop.services.progress import ProviderBoard
from metarr_desktop.services.progress import ProviderProgress
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.ui.identify.presenter import REASON_CHARS
from metarr_desktop.ui.identify.presenter import short_reason

#: The states whose chip adds the (shortened) reason to the shared text: "search failed: <reason>".
_WITH_REASON = (ProviderState.FAILED, ProviderState.SKIPPED)

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
    """Each provider's part of one search or lookup of the dialog, from the identification's events,
    kept by a `ProviderBoard` (`board`) that only identifies (nothing is fetched after it).

    The dialog makes one for every search, lookup or choice and shows only the newest one's states;
    `detach()` makes an older one ignore every event from then on (a cancelled search that still
    reports something). `listener()` is called after every change while attached.

    A new one may start from the providers the previous one showed (`waiting`, with its `step`), so
    the chips keep their places while the user types; the first step the search announces replaces
    them with exactly the providers it asks.

    Attributes:
        generation: the dialog's search generation this progress belongs to.
        board: each provider's state and the step it belongs to.
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
        self.board = ProviderBoard(waiting)
        self.board.phase = Phase.IDENTIFYING
        self.board.step = step
        self.board.identify_steps.update(dict.fromkeys(self.board.states, step))
        self.attached = True
        self._listener = listener
        self._placeholders = set(self.board.states)

    # -- reading -----------------------------------------------------------------------------------

    @property
    def states(self) -> dict[str, ProviderProgress]:
        """Provider -> its progress, in the order first heard of."""
        return self.board.states

    @property
    def steps(self) -> dict[str, IdentifyStep]:
        """Provider -> the step its state belongs to."""
        return self.board.identify_steps

    @property
    def step(self) -> IdentifyStep | None:
        """The step running, or the one expected before any is announced."""
        return self.board.step

    @property
    def finished(self) -> bool:
        return all(progress.state.finished for progress in self.states.values())

    def detach(self) -> None:
        """Ignore every later event (the search this belongs to is stale)."""
        self.attached = False
        self._listener = None

    def _changed(self) -> None:
        if self._listener is not None:
            self._listener()

    def _settle(self, provider: str, state: ProviderState, detail: str = "") -> None:
        self._placeholders.discard(provider)
        self.board.settle(provider, state, detail=detail, step=self.steps.get(provider, self.step))

    # -- events ------------------------------------------------------------------------------------

    def on_identify_step(self, step: IdentifyStep, providers: Sequence[str]) -> None:
        if not self.attached:
            return
        for provider in [p for p in self._placeholders if p not in providers]:
            self.board.forget(provider)
        self._placeholders.clear()
        self.board.on_identify_step(step, providers)
        for provider in providers:
            self.board.settle(provider, ProviderState.WAITING, step=step)
        self._changed()

    def on_provider_start(self, provider: str) -> None:
        if self.attached:
            self._placeholders.discard(provider)
            self.board.on_provider_start(provider)
            self._changed()

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        if self.attached:
            self._placeholders.discard(provider)
            self.board.on_provider_retry(provider, attempt, max_retries)
            self._changed()

    def on_provider_timeout(self, provider: str) -> None:
        if self.attached:
            self._settle(provider, ProviderState.TIMEOUT, "its request was cancelled")
            self._changed()

    def on_provider_outcome(
        self, provider: str, step: IdentifyStep, outcome: ProviderOutcome, detail: str
    ) -> None:
        if not self.attached:
            return
        self._placeholders.discard(provider)
        self.board.step = step
        self.board.on_provider_outcome(provider, step, outcome, detail)
        self._changed()

    def on_provider_complete(self, provider: str, success: bool) -> None:
        if self.attached:
            self.board.on_provider_complete(provider, success)  # an outcome said more: kept
            self._changed()

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
            self.board.forget(provider)
        self._placeholders.clear()
        errors = {f.provider: f.error for f in failures}
        unknown = set(not_found)
        for provider in dict.fromkeys([*answered, *unknown, *errors]):
            current = self.states.get(provider)
            if current is not None and current.state.finished:
                continue
            if provider in errors:
                self._settle(provider, ProviderState.FAILED, errors[provider])
            elif provider in unknown:
                self._settle(provider, ProviderState.NOT_FOUND)
            else:
                self._settle(provider, ProviderState.DONE)
        for provider, progress in list(self.states.items()):
            if not progress.state.finished:  # its end was never reported
                self._settle(provider, ProviderState.SKIPPED, "no answer reported")
        self._changed()

    # -- what a chip says --------------------------------------------------------------------------

    def text_of(self, provider: str, reason_chars: int = REASON_CHARS) -> str:
        """The chip text of `provider`'s state, from the shared table ("searching…", "3 results",
        "searched", "found"); a failure or a skip adds its reason, shortened: "search failed:
        <reason>"."""
        text = self.board.text_of(provider)
        progress = self.states[provider]
        if progress.state in _WITH_REASON:
            reason = short_reason(progress.detail, reason_chars)
            return f"{text}: {reason}" if reason else text
        return text

    def tooltip_of(self, provider: str, name: str) -> str:
        """A sentence about `provider`'s state with the whole of its error (rich text)."""
        progress = self.states[provider]
        step = self.steps.get(provider, self.step)
        template = _CHIP_TIP.get((step, progress.state)) if step is not None else None
        template = template or _COMMON_TIP.get(progress.state)
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
