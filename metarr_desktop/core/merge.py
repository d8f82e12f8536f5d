"""Aggregation (document 5, section 2): pick each field's value from the providers' answers.

For every canonical field, the providers are asked in the order the field-authority rules give
(`FieldAuthorityConfig.providers_for`): an override's providers first, then, when gaps are filled and
the override is not exclusive, the rest of the global priority. The first provider with a value that
is not missing ("", "N/A", None and empty lists are missing) wins, and is recorded as the field's
source. List fields (genres, cast, ...) are taken whole from the winner, never concatenated, so no
actor appears twice. Ratings stay per source (imdb_rating, tmdb_rating, rotten_tomatoes_score,
metacritic_score are separate fields); they are never blended into one number.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import RATING_FIELDS
from metarr_desktop.core.fields import is_missing
from metarr_desktop.core.languages import language_rank


@dataclass(slots=True)
class MergeResult:
    """The merged fields and where each came from.

    Attributes:
        values: canonical field name -> value (only fields some provider supplied).
        sources: canonical field name -> id of the provider that supplied it.
    """

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    #: field -> the language tag of the chosen value, where the provider said.
    languages: dict[str, str] = field(default_factory=dict)
    #: field -> ``"language: <tag>"`` where the language rule (`order_by_language`) changed the
    #: winner of the field-authority order.
    rules: dict[str, str] = field(default_factory=dict)


#: Values shared as they are: nothing can change them in place.
_IMMUTABLE = (str, int, float, bool, type(None))


def aggregate(
    answers: Mapping[str, Mapping[str, Any]],
    config: FieldAuthorityConfig,
    fields: Iterable[str] = ALL_FIELDS,
    *,
    languages: Mapping[str, Mapping[str, str]] | None = None,
    chain: Sequence[str] = (),
) -> MergeResult:
    """Merge provider answers (provider id -> canonical fields) under the field-authority rules.

    With `languages` (provider id -> field -> language tag) and a language `chain`, and the
    config's `prefer_language` on, each field's providers are reordered by `order_by_language`.
    """
    result = MergeResult()
    use_languages = bool(languages) and bool(chain) and config.prefer_language
    for name in fields:
        providers = config.providers_for(name)
        if use_languages and languages is not None:
            ordered = order_by_language(name, providers, answers, languages, chain)
            winner = next((p for p in ordered if not is_missing(answers.get(p, {}).get(name))), None)
            natural = next((p for p in providers if not is_missing(answers.get(p, {}).get(name))), None)
            if winner is not None and winner != natural:
                result.rules[name] = f"language: {languages[winner][name]}"
            providers = ordered
        for provider in providers:
            answer = answers.get(provider)
            if answer is None:
                continue
            value = answer.get(name)
            if is_missing(value):
                continue
            # Lists and mappings are copied so the merge never aliases a provider's answer.
            result.values[name] = value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value)
            result.sources[name] = provider
            tag = (languages or {}).get(provider, {}).get(name)
            if tag:
                result.languages[name] = tag
            break
    return result


def order_by_language(
    name: str,
    providers: Sequence[str],
    answers: Mapping[str, Mapping[str, Any]],
    languages: Mapping[str, Mapping[str, str]],
    chain: Sequence[str],
) -> list[str]:
    """The language rule: within a field's provider list, a value in a language earlier in the
    chain beats one later (OMDb's English plot never replaces TMDB's German one for a German user).

    Only fields some provider tagged with a language are reordered; the order is stable, so
    providers whose values share a language keep the field-authority order, and a value of
    unknown language ranks after every chain language.
    """
    if not any(languages.get(p, {}).get(name) for p in providers if p in answers):
        return list(providers)
    return sorted(providers, key=lambda p: language_rank(chain, languages.get(p, {}).get(name)))


def ratings(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ratings of an entity, one entry per source, as `metarr show` lists them."""
    listed = []
    for name, (source, votes_field) in RATING_FIELDS.items():
        value = values.get(name)
        if is_missing(value):
            continue
        votes = values.get(votes_field) if votes_field else None
        listed.append({"source": source, "value": value, "votes": votes})
    return listed
