"""The field inspector: every provider's value of a movie's fields, from the cache only,
with the rule that chose the winner (`core.inspect`), and the inspector's two actions.

- `inspect` reads the movie, its field sources and locks, and each provider's cached answer; it
  merges those answers exactly as an enrichment does (`core.merge.aggregate` over the answers of the
  enabled providers that are about this film) and explains each field. It never sends a request.
- `use_value` applies one provider's value: written with that provider as its source and locked,
  so no refresh changes it.
- `prefer_provider` edits the field-authority rule: the provider goes first for that field (an
  exclusive field stays exclusive, with the provider added). It says what it changed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from metarr_desktop.core.authority import FieldAuthority
from metarr_desktop.core.authority import FieldAuthorityConfig
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.fields import is_missing
from metarr_desktop.core.inspect import FieldExplanation
from metarr_desktop.core.inspect import ProviderAnswer
from metarr_desktop.core.inspect import StoredField
from metarr_desktop.core.inspect import explain
from metarr_desktop.core.merge import MergeResult
from metarr_desktop.core.merge import aggregate
from metarr_desktop.core.providers import ProviderData
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.services.config import FieldAuthorityService
from metarr_desktop.services.library_store import LibraryStore
from metarr_desktop.services.movie_fields import USER_SOURCE
from metarr_desktop.services.provider_cache import ProviderCacheManager

MOVIE = EntityType.MOVIE


class InspectError(ValueError):
    """A request the inspector cannot do (bad input): an unknown field, a provider without a value."""


def answer_languages(data: ProviderData) -> dict[str, str]:
    """The language of each field's value in a provider's answer, where the answer says.

    The one place that reads it: the languages work records a language per value (as
    ``ProviderData.languages``, field -> BCP 47); answers without it have none.
    """
    languages = getattr(data, "languages", None)
    if isinstance(languages, Mapping):
        return {str(k): str(v) for k, v in languages.items() if v}
    return {}


@dataclass(slots=True)
class Inspection:
    """A movie's fields explained.

    Attributes:
        fields: field -> its explanation, in canonical order.
        providers: every provider with a cached answer for the movie, and when it was fetched.
        not_found: providers whose cached answer is "not found".
    """

    movie: MovieRecord
    fields: dict[str, FieldExplanation]
    providers: list[str]
    not_found: list[str]

    def to_json(self) -> dict[str, Any]:
        return {name: explanation.to_json() for name, explanation in self.fields.items()}


@dataclass(frozen=True, slots=True)
class PreferResult:
    """What "Always prefer this provider for this field" changed."""

    field: str
    provider: str
    before: list[str]
    after: list[str]
    exclusive: bool
    config: FieldAuthorityConfig

    @property
    def changed(self) -> bool:
        return self.before != self.after


class InspectService:
    """Explains a movie's fields from the cache; "Use this value"; "Always prefer this provider"."""

    def __init__(
        self,
        store: LibraryStore,
        *,
        cache: ProviderCacheManager,
        pool: ProviderPool,
        authority: FieldAuthorityService,
        languages: Callable[[], Sequence[str]] = tuple,
    ) -> None:
        self._store = store
        self._cache = cache
        self._pool = pool
        self._authority = authority
        self._languages = languages

    def authority(self) -> FieldAuthorityConfig:
        """The field-authority rules in force."""
        return self._authority.get()

    def answers(self, movie: MovieRecord) -> tuple[dict[str, ProviderAnswer], list[str]]:
        """Every provider's cached answer as the merge sees it (found ones), and the "not found" ones.

        Like an enrichment, only enabled providers take part, and only with an answer about this
        film (its ids agree); the others are listed with the reason they do not count.
        """
        cached = self._cache.cached_fields(MOVIE, movie.id)
        enabled = {r.id for r in self._pool.enabled()}
        answers: dict[str, ProviderAnswer] = {}
        not_found: list[str] = []
        for provider, answer in cached.items():
            if answer.data is None:
                not_found.append(provider)
                continue
            excluded = None
            if provider not in enabled:
                excluded = "the provider is disabled"
            elif not answer.matches(movie.ids):
                excluded = "the answer is about another film (its ids differ)"
            answers[provider] = ProviderAnswer(
                provider=provider,
                fields=answer.data.fields,
                fetched_at=answer.fetched_at,
                languages=answer_languages(answer.data),
                excluded=excluded,
            )
        return answers, sorted(not_found)

    @staticmethod
    def merge(answers: Mapping[str, ProviderAnswer], config: FieldAuthorityConfig) -> MergeResult:
        """The merge of the answers that take part, as an enrichment computes it."""
        return aggregate({p: a.fields for p, a in answers.items() if a.excluded is None}, config)

    def inspect(
        self, movie_id: int, field: str | None = None, *, provider_name: Callable[[str], str] | None = None
    ) -> Inspection:
        """Explain the movie's fields (or one). `UnknownEntityError` for an unknown movie,
        `InspectError` for an unknown field. Reads the database only."""
        if field is not None and field not in ALL_FIELDS:
            raise InspectError(f"unknown field {field!r}")
        movie = self._store.movies.require(movie_id)
        sources = self._store.movies.field_sources(movie_id)
        locked = self._store.movies.locked_fields(movie_id)
        stored = {
            name: StoredField(
                value=movie.fields.get(name),
                source=sources[name].provider if name in sources else None,
                locked=name in locked,
                edited=name in sources and sources[name].provider == USER_SOURCE,
            )
            for name in ALL_FIELDS
        }
        config = self._authority.get()
        answers, not_found = self.answers(movie)
        merged = self.merge(answers, config)
        explained = explain(
            answers,
            merged,
            config,
            stored,
            fields=[field] if field is not None else None,
            languages=tuple(self._languages()),
            provider_name=provider_name or (lambda p: p),
        )
        return Inspection(movie=movie, fields=explained, providers=sorted(answers), not_found=not_found)

    def use_value(self, movie_id: int, field: str, provider: str) -> Any:
        """Apply `provider`'s cached value of `field`: stored with that source, and locked (one
        transaction). Returns the value. `InspectError` when the provider has no value for it."""
        if field not in ALL_FIELDS:
            raise InspectError(f"unknown field {field!r}")
        movie = self._store.movies.require(movie_id)
        answers, _ = self.answers(movie)
        answer = answers.get(provider)
        value = answer.fields.get(field) if answer is not None else None
        if answer is None or is_missing(value):
            raise InspectError(f"{provider} has no cached value for {field}")
        with self._store.database.atomic():
            self._store.movies.set_fields(
                movie_id, {field: copy.deepcopy(value)}, {field: provider}, fetched_at=answer.fetched_at
            )
            self._store.movies.lock(movie_id, field)
        return value

    def prefer_provider(self, field: str, provider: str) -> PreferResult:
        """Put `provider` first in `field`'s authority rule (stored; applies to every movie from the
        next refresh). The providers the field was taken from before keep their order after it; an
        exclusive rule stays exclusive."""
        if field not in ALL_FIELDS:
            raise InspectError(f"unknown field {field!r}")
        config = self._authority.get()
        if provider not in config.provider_priority:
            raise InspectError(f"unknown provider {provider!r}")
        current = config.field_authorities.get(field)
        before = config.providers_for(field)
        if current is None:
            rest: list[str] = []
            exclusive = False
        else:
            rest = [p for p in current.providers if p != provider]
            exclusive = current.exclusive
        authorities = dict(config.field_authorities)
        authorities[field] = FieldAuthority([provider, *rest], exclusive)
        updated = FieldAuthorityConfig(list(config.provider_priority), authorities, config.fill_gaps)
        if updated.providers_for(field) != before or current is None or current.providers[:1] != [provider]:
            self._authority.set(updated)
        return PreferResult(field, provider, before, updated.providers_for(field), exclusive, updated)
