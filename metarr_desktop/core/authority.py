"""Field authority: which providers a field's value is taken from, in which order (document 5).

`FieldAuthorityConfig` is plain data: a global provider priority, per-field overrides and whether
secondary providers fill gaps. It is read and written as the JSON document of `metarr authority
show/set` (CONTRACT.md); `validate` checks it against the known provider ids and the canonical fields.
The defaults are those of document 5, Appendix A.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import cast

from metarr_desktop.core.errors import ProblemsError
from metarr_desktop.core.fields import ALL_FIELDS


class AuthorityError(ProblemsError):
    """A field-authority document that is malformed or names unknown providers or fields (bad input)."""


@dataclass(frozen=True, slots=True)
class FieldAuthority:
    """The providers one field is taken from, best first.

    Attributes:
        providers: provider ids in the order they are asked for this field.
        exclusive: when True, no other provider may supply the field (no fallback).
    """

    providers: list[str]
    exclusive: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"providers": list(self.providers), "exclusive": self.exclusive}


@dataclass(frozen=True, slots=True)
class FieldAuthorityConfig:
    """The global provider priority, per-field overrides and the fill-gaps switch.

    Attributes:
        provider_priority: provider ids, best first, for every field without an override.
        field_authorities: canonical field name -> its override.
        fill_gaps: when True, a field missing from its authorities may come from the other providers
            in the global priority (never for exclusive fields).
        prefer_language: when True, within a field's providers a value in a language earlier in
            the user's language chain wins (`core.merge.order_by_language`).
    """

    provider_priority: list[str]
    field_authorities: dict[str, FieldAuthority] = field(default_factory=dict)
    fill_gaps: bool = True
    prefer_language: bool = True

    def providers_for(self, field_name: str) -> list[str]:
        """The providers asked for `field_name`, best first, with fill-gaps applied.

        Without an override the global priority is used (only its first provider when gaps are not
        filled); an exclusive override never falls back; a non-exclusive one falls back to the rest of
        the global priority when gaps are filled.
        """
        authority = self.field_authorities.get(field_name)
        if authority is None:
            return list(self.provider_priority) if self.fill_gaps else list(self.provider_priority[:1])
        if authority.exclusive or not self.fill_gaps:
            return list(authority.providers)
        rest = [p for p in self.provider_priority if p not in authority.providers]
        return [*authority.providers, *rest]

    def provider_ids(self) -> set[str]:
        """Every provider id the configuration mentions."""
        ids = set(self.provider_priority)
        for authority in self.field_authorities.values():
            ids.update(authority.providers)
        return ids

    def validate(self, known_providers: Collection[str]) -> None:
        """Raise `AuthorityError` listing every unknown provider or field and every duplicate."""
        known = set(known_providers)
        problems: list[str] = []
        problems += _check_provider_list("provider_priority", self.provider_priority, known)
        for name, authority in self.field_authorities.items():
            if name not in ALL_FIELDS:
                problems.append(f"unknown field {name!r}")
            if not authority.providers:
                problems.append(f"field {name!r}: needs at least one provider")
            problems += _check_provider_list(f"field {name!r}", authority.providers, known)
        if problems:
            raise AuthorityError(problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "provider_priority": list(self.provider_priority),
            "field_authorities": {name: a.to_json() for name, a in self.field_authorities.items()},
            "fill_gaps": self.fill_gaps,
            "prefer_language": self.prefer_language,
        }

    @classmethod
    def from_json(cls, data: Any) -> FieldAuthorityConfig:
        """Build from the JSON shape of `metarr authority show`; raise `AuthorityError` when malformed."""
        if not isinstance(data, dict):
            raise AuthorityError(["expected a JSON object"])
        problems: list[str] = []
        known_keys = {"provider_priority", "field_authorities", "fill_gaps", "prefer_language"}
        unknown_keys = sorted(set(data) - known_keys)
        if unknown_keys:
            problems.append(f"unknown keys: {', '.join(unknown_keys)}")
        priority = data.get("provider_priority")
        if not _is_str_list(priority):
            problems.append("provider_priority: expected a list of provider ids")
        fill_gaps = data.get("fill_gaps", True)
        if not isinstance(fill_gaps, bool):
            problems.append("fill_gaps: expected true or false")
        prefer_language = data.get("prefer_language", True)
        if not isinstance(prefer_language, bool):
            problems.append("prefer_language: expected true or false")
        raw_fields = data.get("field_authorities", {})
        authorities: dict[str, FieldAuthority] = {}
        if not isinstance(raw_fields, dict):
            problems.append("field_authorities: expected an object")
            raw_fields = {}
        for name, raw in raw_fields.items():
            if not isinstance(raw, dict) or not _is_str_list(raw.get("providers")):
                problems.append(f"field {name!r}: expected {{'providers': [...], 'exclusive': bool}}")
                continue
            exclusive = raw.get("exclusive", False)
            if not isinstance(exclusive, bool):
                problems.append(f"field {name!r}: exclusive must be true or false")
                continue
            extra = sorted(set(raw) - {"providers", "exclusive"})
            if extra:
                problems.append(f"field {name!r}: unknown keys: {', '.join(extra)}")
                continue
            authorities[str(name)] = FieldAuthority(list(raw["providers"]), exclusive)
        if problems:
            raise AuthorityError(problems)
        return cls(list(cast(list[str], priority)), authorities, fill_gaps, bool(prefer_language))


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _check_provider_list(where: str, providers: list[str], known: set[str]) -> list[str]:
    problems = [f"{where}: unknown provider {p!r}" for p in providers if p not in known]
    duplicates = sorted({p for p in providers if providers.count(p) > 1})
    if duplicates:
        problems.append(f"{where}: provider listed twice: {', '.join(duplicates)}")
    return problems


def default_authority() -> FieldAuthorityConfig:
    """A fresh copy of the defaults of document 5, Appendix A, except that the outline is not
    OMDb's alone (OMDb's text is English: a German user would get an English outline)."""
    omdb_only = (
        "imdb_rating",
        "imdb_votes",
        "rotten_tomatoes_score",
        "metacritic_score",
        "awards",
    )
    authorities = {name: FieldAuthority(["omdb"], exclusive=True) for name in omdb_only}
    authorities.update(
        {
            "plot": FieldAuthority(["tmdb", "omdb"]),
            # OMDb answers in English only: the outline falls back like the plot (the localised
            # first sentence of TMDB's plot first, OMDb's English one when no other has one).
            "outline": FieldAuthority(["tmdb", "omdb"]),
            "title": FieldAuthority(["tmdb", "omdb"]),
            "cast": FieldAuthority(["tmdb", "omdb"]),
            "genres": FieldAuthority(["tmdb", "tvdb"]),
            "poster": FieldAuthority(["tmdb", "fanart"]),
            "fanart": FieldAuthority(["fanart", "tmdb"]),
        }
    )
    return FieldAuthorityConfig(["omdb", "tmdb", "tvdb", "fanart"], authorities, fill_gaps=True)


#: The defaults (document 5, Appendix A). Treat as read-only; `default_authority()` gives a copy.
DEFAULT_AUTHORITY: FieldAuthorityConfig = default_authority()
