"""Why a field holds its value: the merge of `core.merge`, explained field by field.

`explain` takes what the merge took (each provider's cached answer), what the merge gave
(`MergeResult`: the winner of each field), the field-authority rules and the stored state of the
movie (value, source, lock), and says for every field:

- the chosen value, its source, its language and the **rule** that chose it, as a short code
  (`locked`, `edited`, `exclusive: omdb`, `language: de-DE`, `authority: tmdb > omdb`, `priority`,
  `kept`) and a sentence;
- every provider that answered, with its value, language and fetch time, and why each one lost.

The merge's own result is the truth: this module never picks a winner of its own, it only finds the
rule that explains the winner. The rules are one table (`RULES`), asked in order; the first that
applies names the rule. A new merge rule (the languages work adds one) is one entry in that table.
Pure functions, no I/O.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.changes import same_value
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import is_missing
from metarr_desktop.core.merge import MergeResult


@dataclass(frozen=True, slots=True)
class ProviderAnswer:
    """One provider's cached answer as the explanation reads it.

    Attributes:
        fields: canonical field name -> value.
        languages: canonical field name -> the language of that value (BCP 47), where known.
        excluded: why this answer took no part in the merge (e.g. "provider disabled"), or None.
    """

    provider: str
    fields: Mapping[str, Any]
    fetched_at: datetime | None = None
    languages: Mapping[str, str] = field(default_factory=dict)
    excluded: str | None = None


@dataclass(frozen=True, slots=True)
class StoredField:
    """A field as the movie holds it now.

    Attributes:
        edited: the user typed the value (its source is the hand-edit source).
    """

    value: Any = None
    source: str | None = None
    locked: bool = False
    edited: bool = False


@dataclass(frozen=True, slots=True)
class RuleFacts:
    """What a rule looks at for one field.

    Attributes:
        order: the providers the merge asks for this field, best first (`providers_for`).
        winner: the provider whose value the merge chose (None: no provider has a value).
        values: provider -> its value for the field (only providers that took part and have one).
        languages: the user's metadata language chain, best first (empty when none is set).
    """

    field: str
    stored: StoredField
    config: FieldAuthorityConfig
    authority: FieldAuthority | None
    order: Sequence[str]
    winner: str | None
    values: Mapping[str, Any]
    value_languages: Mapping[str, str | None]
    languages: Sequence[str]

    def first_with_value(self) -> str | None:
        return next((p for p in self.order if p in self.values), None)


@dataclass(frozen=True, slots=True)
class Rule:
    """One merge rule: `applies` returns its code (e.g. "exclusive: omdb") when it chose the winner,
    else None; `sentence` says it to a person."""

    name: str
    applies: Callable[[RuleFacts], str | None]
    sentence: Callable[[RuleFacts, Callable[[str], str]], str]


def _chain(providers: Iterable[str]) -> str:
    return " > ".join(providers)


def _names(providers: Iterable[str], name: Callable[[str], str]) -> str:
    return " > ".join(name(p) for p in providers)


def _edited(facts: RuleFacts) -> str | None:
    return "edited" if facts.stored.edited else None


def _locked(facts: RuleFacts) -> str | None:
    return "locked" if facts.stored.locked else None


def _exclusive(facts: RuleFacts) -> str | None:
    authority = facts.authority
    if authority is None or not authority.exclusive or facts.winner not in authority.providers:
        return None
    return f"exclusive: {_chain(authority.providers)}"


def _language(facts: RuleFacts) -> str | None:
    """The winner is not the first provider with a value: an earlier one lost on its language."""
    first = facts.first_with_value()
    if facts.winner is None or first is None or first == facts.winner:
        return None
    language = facts.value_languages.get(facts.winner)
    return f"language: {language}" if language else None


def _authority(facts: RuleFacts) -> str | None:
    authority = facts.authority
    if authority is None or facts.winner not in authority.providers:
        return None
    return f"authority: {_chain(authority.providers)}"


def _priority(facts: RuleFacts) -> str | None:
    return "priority" if facts.winner is not None else None


def _kept(facts: RuleFacts) -> str | None:
    return "kept" if not is_missing(facts.stored.value) else None


RULES: tuple[Rule, ...] = (
    Rule(
        "edited",
        _edited,
        lambda f, n: (
            "You typed this value; "
            + (
                "the field is locked, so no refresh changes it."
                if f.stored.locked
                else "it is unlocked, so a refresh may replace it."
            )
        ),
    ),
    Rule(
        "locked",
        _locked,
        lambda f, n: "The field is locked: refreshes keep the stored value.",
    ),
    Rule(
        "exclusive",
        _exclusive,
        lambda f, n: f"Only {_names(f.authority.providers if f.authority else (), n)} may supply this field.",
    ),
    Rule(
        "language",
        _language,
        lambda f, n: (
            f"{n(f.winner or '')} has it in {f.value_languages.get(f.winner or '')}, which comes earlier in "
            "your languages than the value of the providers ranked above it."
        ),
    ),
    Rule(
        "authority",
        _authority,
        lambda f, n: (
            "The field-authority rule asks "
            f"{_names(f.authority.providers if f.authority else (), n)}, in that order; "
            f"{n(f.winner or '')} is the first with a value."
        ),
    ),
    Rule(
        "priority",
        _priority,
        lambda f, n: (
            f"The provider priority ({_names(f.config.provider_priority, n)}) decides; "
            f"{n(f.winner or '')} is the first with a value."
        ),
    ),
    Rule(
        "kept",
        _kept,
        lambda f, n: (
            "No provider has a value for this field; the stored value is kept (a refresh never erases)."
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class CandidateVerdict:
    """One provider's value for the field and how it fared.

    Attributes:
        outcome: "chosen", "lost", "no_value" or "excluded".
        why: a sentence (None for the chosen one).
    """

    provider: str
    value: Any
    language: str | None
    fetched_at: datetime | None
    outcome: str
    why: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "value": self.value,
            "language": self.language,
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "outcome": self.outcome,
            "why": self.why,
        }


@dataclass(frozen=True, slots=True)
class FieldExplanation:
    """Why one field holds its value, and what every provider offered.

    Attributes:
        value, source, language: the chosen value (the stored one for a locked or edited field; else
            the merge's pick, or the stored value when no provider has one).
        rule: the rule's code (`RULES`); None when the field is empty and no provider has it.
        reason: the rule in a sentence.
        stored: the field as the movie holds it now.
        merged_value, merged_source: what a refresh from these answers would pick (None: nothing).
        applied: the stored value is the chosen one (False when a refresh would change it).
    """

    field: str
    value: Any
    source: str | None
    language: str | None
    rule: str | None
    reason: str
    stored: StoredField
    merged_value: Any
    merged_source: str | None
    applied: bool
    candidates: list[CandidateVerdict]

    def candidate(self, provider: str) -> CandidateVerdict | None:
        return next((c for c in self.candidates if c.provider == provider), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "chosen": {
                "value": self.value,
                "source": self.source,
                "language": self.language,
                "rule": self.rule,
                "reason": self.reason,
            },
            "stored": {
                "value": self.stored.value,
                "source": self.stored.source,
                "locked": self.stored.locked,
            },
            "would_refresh_to": None
            if self.applied or self.merged_source is None
            else {"value": self.merged_value, "source": self.merged_source},
            "candidates": [c.to_json() for c in self.candidates],
        }


def _display(provider: str) -> str:
    return provider


def _rule_of(facts: RuleFacts, name: Callable[[str], str]) -> tuple[str | None, str]:
    for rule in RULES:
        code = rule.applies(facts)
        if code is not None:
            return code, rule.sentence(facts, name)
    return None, "No provider has a value for this field."


def _why_lost(
    facts: RuleFacts,
    provider: str,
    value: Any,
    rule: str | None,
    chosen_value: Any,
    name: Callable[[str], str],
) -> str:
    """Why a provider's value is not the chosen one (the provider took part and has a value)."""
    winner = facts.winner
    if facts.stored.edited or facts.stored.locked:
        same = " (the same value)" if same_value(value, chosen_value) else ""
        return f"The field is {'edited' if rule == 'edited' else 'locked'}: the stored value is kept{same}."
    if provider not in facts.order:
        authority = facts.authority
        if authority is not None and authority.exclusive:
            return f"Not allowed: the field is exclusive to {_names(authority.providers, name)}."
        if not facts.config.fill_gaps:
            return "Not asked: gaps are not filled from other providers."
        return "Not in the provider priority."
    if winner is None:
        return "Not chosen."
    ranks = {p: i for i, p in enumerate(facts.order)}
    if ranks[provider] < ranks.get(winner, len(ranks)):
        language = facts.value_languages.get(provider)
        return (
            f"Its value is in {language or 'another language'}; "
            f"{name(winner)}'s comes earlier in your languages."
        )
    if same_value(value, chosen_value):
        return f"The same value, but ranked below {name(winner)} for this field."
    return f"Ranked below {name(winner)} for this field."


def explain_field(
    name: str,
    answers: Mapping[str, ProviderAnswer],
    merged: MergeResult,
    config: FieldAuthorityConfig,
    stored: StoredField,
    *,
    languages: Sequence[str] = (),
    provider_name: Callable[[str], str] = _display,
) -> FieldExplanation:
    """Explain one field (see the module docstring)."""
    taking_part = {p: a for p, a in answers.items() if a.excluded is None}
    values = {p: a.fields[name] for p, a in taking_part.items() if not is_missing(a.fields.get(name))}
    value_languages = {p: a.languages.get(name) for p, a in answers.items()}
    winner = merged.sources.get(name)
    facts = RuleFacts(
        field=name,
        stored=stored,
        config=config,
        authority=config.field_authorities.get(name),
        order=config.providers_for(name),
        winner=winner,
        values=values,
        value_languages=value_languages,
        languages=tuple(languages),
    )
    rule, reason = _rule_of(facts, provider_name)
    holds = stored.locked or stored.edited or winner is None
    if holds:
        value, source = stored.value, stored.source
    else:
        value, source = merged.values.get(name), winner
    language = value_languages.get(source) if source else None
    merged_value = merged.values.get(name)
    applied = winner is None or same_value(stored.value, merged_value)

    order = list(facts.order)
    ranked = sorted(answers, key=lambda p: (order.index(p) if p in order else len(order), p))
    verdicts = []
    for provider in ranked:
        answer = answers[provider]
        offered = answer.fields.get(name)
        has_value = not is_missing(offered)
        if answer.excluded is not None:
            outcome, why = "excluded", f"Not used: {answer.excluded}."
        elif not has_value:
            outcome, why = "no_value", "No value for this field."
        elif provider == source and (not holds or same_value(offered, value)):
            outcome, why = "chosen", None
        else:
            outcome = "lost"
            why = _why_lost(facts, provider, offered, rule, value, provider_name)
        verdicts.append(
            CandidateVerdict(
                provider=provider,
                value=copy.deepcopy(offered) if has_value else None,
                language=answer.languages.get(name),
                fetched_at=answer.fetched_at,
                outcome=outcome,
                why=why,
            )
        )
    return FieldExplanation(
        field=name,
        value=copy.deepcopy(value),
        source=source,
        language=language,
        rule=rule,
        reason=reason,
        stored=stored,
        merged_value=copy.deepcopy(merged_value),
        merged_source=winner,
        applied=applied,
        candidates=verdicts,
    )


def explain(
    answers: Mapping[str, ProviderAnswer],
    merged: MergeResult,
    config: FieldAuthorityConfig,
    stored: Mapping[str, StoredField],
    *,
    fields: Iterable[str] | None = None,
    languages: Sequence[str] = (),
    provider_name: Callable[[str], str] = _display,
) -> dict[str, FieldExplanation]:
    """Explain `fields` (default: every field with a stored value or a provider's value), in
    canonical order."""
    if fields is None:
        offered = {n for a in answers.values() for n, v in a.fields.items() if not is_missing(v)}
        held = {n for n, s in stored.items() if not is_missing(s.value) or s.locked}
        wanted = [n for n in ALL_FIELDS if n in offered or n in held]
    else:
        wanted = list(fields)
    return {
        name: explain_field(
            name,
            answers,
            merged,
            config,
            stored.get(name, StoredField()),
            languages=languages,
            provider_name=provider_name,
        )
        for name in wanted
    }
