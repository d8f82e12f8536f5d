"""One budget per provider for one action, and the errors of a provider that was not asked.

A user action (a refresh: the identification of the movie, then the fetch of its data) gives each
provider ONE time budget (its priority's timeout, 10 s for the user) and ONE chance: the budget
starts the first time the provider is asked within the action, every later call of the action shares
what is left of it, and a provider whose part already ended badly (failed, timed out, rate limited,
not asked) is not asked again within the action; its outcome is reported again instead. Without
this a refresh that identifies first spent two budgets on a hanging provider and asked a failing
one twice as often as its retry policy says.

"Not found" is an answer, not an end: a search that found nothing does not stop a lookup by id.

The fetches of the entity's providers within one action (an identification's lookup by id, then the
fetch of the providers it did not ask) are ONE execution in the orchestrator's metrics: the budget
keeps their count, time and whether any provider answered (`FetchOrchestrator.record_fetch`).
"""

from __future__ import annotations

from collections.abc import Mapping

from metarr_desktop.core.clock import Clock
from metarr_desktop.core.results import SkippedProvider
from metarr_desktop.providers.errors import NotFoundError
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.providers.errors import ProviderUnavailableError


class NotAskedError(ProviderUnavailableError):
    """The provider was not asked (or was stopped in our own gate before its request left): its
    circuit is open, it is rate limited or out of quota, or our pacer had no slot within the budget.

    Attributes:
        skip: why, and when it may be asked again.
    """

    def __init__(self, skip: SkippedProvider) -> None:
        super().__init__(skip.provider, skip.detail or skip.reason.value)
        self.skip = skip


class ActionBudget:
    """The providers' budgets and final outcomes within one action (see the module docstring).

    One instance per action; not shared between actions. Time is the orchestrator's clock.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._started: dict[str, float] = {}
        self._ended: dict[str, ProviderError] = {}
        #: Fetches of the entity's providers made within this action, their time together, and
        #: whether any provider answered one (data or "not found").
        self.fetches = 0
        self.fetch_s = 0.0
        self.answered = False

    def deadline(self, provider: str, timeout_s: float) -> float:
        """The monotonic time `provider`'s budget runs out; the first call starts it."""
        started = self._started.setdefault(provider, self._clock.monotonic())
        return started + timeout_s

    def ended(self, provider: str) -> ProviderError | None:
        """The error `provider`'s part of this action ended with (None: it may still be asked)."""
        return self._ended.get(provider)

    def end(self, provider: str, error: ProviderError) -> None:
        """`provider` failed, timed out, was rate limited or not asked: it is done for this action."""
        if not isinstance(error, NotFoundError):
            self._ended.setdefault(provider, error)

    def note_fetch(self, answered: bool, duration_s: float) -> None:
        """A fetch of the entity's providers within this action ended."""
        self.fetches += 1
        self.fetch_s += duration_s
        self.answered = self.answered or answered

    @property
    def ended_providers(self) -> Mapping[str, ProviderError]:
        return dict(self._ended)
