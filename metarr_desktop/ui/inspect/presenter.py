"""What the field inspector shows and does, without Qt (tested without widgets).

`InspectorPresenter` reads one field's explanation from `InspectService` (the cache only) and turns
it into plain rows and sentences; its two actions call the service and return the line the dialog
shows. Provider text stays data: nothing here is markup.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from metarr_desktop.core.fields import label
from metarr_desktop.core.inspect import CandidateVerdict
from metarr_desktop.core.inspect import FieldExplanation
from metarr_desktop.services.formatting import relative_time
from metarr_desktop.services.inspect import InspectService
from metarr_desktop.services.movie_fields import USER_SOURCE
from metarr_desktop.ui.movie.models import display_value

#: How each outcome is named in the Verdict column.
OUTCOMES = {"chosen": "Chosen", "lost": "Lost", "no_value": "No value", "excluded": "Not used"}


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """One provider's line in the inspector."""

    provider: str
    name: str
    value: str
    language: str
    fetched: str
    outcome: str
    verdict: str
    why: str
    has_value: bool


def rule_text(rule: str | None, names: Mapping[str, str]) -> str:
    """The rule's code with providers named for people: "authority: TMDB > OMDb"."""
    if rule is None:
        return "no value"
    head, _, tail = rule.partition(": ")
    if not tail:
        return {"edited": "edited by you"}.get(rule, rule)
    if head in ("authority", "exclusive"):
        tail = " > ".join(names.get(p, p) for p in tail.split(" > "))
    if head == "language":
        tail = f"{tail} first"
    return f"{head}: {tail}"


class InspectorPresenter:
    """One field of one movie in the inspector.

    Attributes:
        explanation: the field's explanation (None before `load` or for an empty field).
        rows: one per provider that answered, in the order the field's rule asks them.
    """

    def __init__(
        self,
        service: InspectService,
        movie_id: int,
        field: str,
        *,
        names: Mapping[str, str],
        now: Callable[[], datetime],
    ) -> None:
        self.service = service
        self.movie_id = movie_id
        self.field = field
        self.names = dict(names)
        self._now = now
        self.explanation: FieldExplanation | None = None
        self.rows: list[CandidateRow] = []

    def name(self, provider: str | None) -> str:
        if provider is None:
            return "no source"
        if provider == USER_SOURCE:
            return "you"
        return self.names.get(provider, provider)

    def load(self) -> None:
        """Read the field's explanation again (the cache and the movie; no request)."""
        inspection = self.service.inspect(self.movie_id, self.field, provider_name=self.name)
        self.explanation = inspection.fields.get(self.field)
        self.rows = [self._row(c) for c in self.explanation.candidates] if self.explanation else []

    def _row(self, candidate: CandidateVerdict) -> CandidateRow:
        fetched = relative_time(candidate.fetched_at, self._now()) if candidate.fetched_at else ""
        return CandidateRow(
            provider=candidate.provider,
            name=self.name(candidate.provider),
            value=display_value(self.field, candidate.value) or "(no value)",
            language=candidate.language or "",
            fetched=fetched,
            outcome=candidate.outcome,
            verdict=OUTCOMES.get(candidate.outcome, candidate.outcome),
            why=candidate.why or "",
            has_value=candidate.value is not None,
        )

    @property
    def title(self) -> str:
        return f"{label(self.field)}: where its value comes from"

    def chosen_text(self) -> str:
        """E.g. "Inception (TMDB · en)"."""
        explanation = self.explanation
        if explanation is None or explanation.value is None:
            return "(empty)"
        language = f" · {explanation.language}" if explanation.language else ""
        return f"{display_value(self.field, explanation.value)}  ({self.name(explanation.source)}{language})"

    def rule_line(self) -> str:
        explanation = self.explanation
        if explanation is None:
            return "Rule: no value"
        return f"Rule: {rule_text(explanation.rule, self.names)}"

    def reason(self) -> str:
        return self.explanation.reason if self.explanation else ""

    def pending(self) -> str:
        """What a refresh would change, when it would ("" otherwise)."""
        explanation = self.explanation
        if explanation is None or explanation.applied or explanation.merged_source is None:
            return ""
        value = display_value(self.field, explanation.merged_value)
        return f"A refresh would change it to {value!s} from {self.name(explanation.merged_source)}."

    def can_use(self, row: int) -> bool:
        """ "Use this value" applies to a provider with a value that is not already the stored one
        from that source, locked."""
        if not 0 <= row < len(self.rows) or self.explanation is None:
            return False
        candidate = self.rows[row]
        stored = self.explanation.stored
        already = stored.locked and stored.source == candidate.provider and candidate.outcome == "chosen"
        return candidate.has_value and not already and candidate.outcome != "excluded"

    def can_prefer(self, row: int) -> bool:
        """ "Always prefer" applies unless the provider is already first for this field."""
        if not 0 <= row < len(self.rows):
            return False
        order = self.service_order()
        return bool(order) and order[0] != self.rows[row].provider

    def service_order(self) -> list[str]:
        explanation = self.explanation
        if explanation is None:
            return []
        config = self.service.authority()
        return config.providers_for(self.field)

    def use(self, row: int) -> str:
        """Apply that provider's value, sourced and locked; the line to show."""
        candidate = self.rows[row]
        self.service.use_value(self.movie_id, self.field, candidate.provider)
        self.load()
        return (
            f"{label(self.field)} now holds {candidate.name}'s value, and is locked so that no refresh "
            "changes it."
        )

    def prefer(self, row: int) -> str:
        """Put that provider first for this field (every movie, from the next refresh); the line."""
        candidate = self.rows[row]
        change = self.service.prefer_provider(self.field, candidate.provider)
        self.load()
        first, *rest = [self.name(p) for p in change.after]
        then = f", then {', '.join(rest)}" if rest else ""
        scope = " (and only from these)" if change.exclusive else ""
        return (
            f"Field authority changed: {label(self.field)} now comes from {first} first{then}{scope}, "
            "for every movie from its next refresh."
        )
