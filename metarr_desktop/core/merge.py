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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.fields import ALL_FIELDS, RATING_FIELDS, is_missing


@dataclass(slots=True)
class MergeResult:
    """The merged fields and where each came from.

    Attributes:
        values: canonical field name -> value (only fields some provider supplied).
        sources: canonical field name -> id of the provider that supplied it.
    """

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


#: Values shared as they are: nothing can change them in place.
_IMMUTABLE = (str, int, float, bool, type(None))


def aggregate(
    answers: Mapping[str, Mapping[str, Any]],
    config: FieldAuthorityConfig,
    fields: Iterable[str] = ALL_FIELDS,
) -> MergeResult:
    """Merge provider answers (provider id -> canonical fields) under the field-authority rules."""
    result = MergeResult()
    for name in fields:
        for provider in config.providers_for(name):
            answer = answers.get(provider)
            if answer is None:
                continue
            value = answer.get(name)
            if is_missing(value):
                continue
            # Lists and mappings are copied so the merge never aliases a provider's answer.
            result.values[name] = value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value)
            result.sources[name] = provider
            break
    return result


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
