"""The provider registry: the built-in providers and third-party plug-ins.

A plug-in is a package that declares an entry point in the group ``metarr_desktop.providers`` naming
an `HttpProvider` subclass (or any class offering the same class attributes and `MetadataProvider`
methods). Adding a provider needs no change to the engine, the store or the UI: they all read
`ProviderSpec`s from here.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.core.providers import RateLimit

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "metarr_desktop.providers"

#: Built-in providers, in the default global priority (document 5, Appendix A).
BUILTIN_PROVIDERS: tuple[str, ...] = (
    "metarr_desktop.providers.omdb:OmdbProvider",
    "metarr_desktop.providers.tmdb:TmdbProvider",
    "metarr_desktop.providers.tvdb:TvdbProvider",
    "metarr_desktop.providers.fanart:FanartProvider",
)


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """Everything known about a provider before it is configured or instantiated."""

    id: str
    name: str
    capabilities: ProviderCapabilities
    default_base_url: str
    default_rate_limit: RateLimit | None
    default_daily_quota: int | None
    needs_api_key: bool
    factory: Any  # the provider class; called with api_key=, base_url=, transport=, gate=
    builtin: bool = True

    def create(self, **kwargs: Any) -> Any:
        return self.factory(**kwargs)


def spec_from_class(cls: Any, *, builtin: bool) -> ProviderSpec:
    return ProviderSpec(
        id=str(cls.id),
        name=str(cls.name),
        capabilities=cls.capabilities,
        default_base_url=str(cls.default_base_url),
        default_rate_limit=getattr(cls, "default_rate_limit", None),
        default_daily_quota=getattr(cls, "default_daily_quota", None),
        needs_api_key=bool(getattr(cls, "needs_api_key", True)),
        factory=cls,
        builtin=builtin,
    )


def _load(path: str) -> Any:
    module_name, _, attr = path.partition(":")
    return getattr(importlib.import_module(module_name), attr)


class ProviderRegistry:
    """Provider specs by id, built-ins first in their default order, then plug-ins."""

    def __init__(self, specs: list[ProviderSpec] | None = None) -> None:
        self._specs: dict[str, ProviderSpec] = {}
        for spec in specs or []:
            self.register(spec)

    def register(self, spec: ProviderSpec) -> None:
        if spec.id in self._specs:
            raise ValueError(f"provider id {spec.id!r} is registered twice")
        self._specs[spec.id] = spec

    @classmethod
    def default(cls, *, load_plugins: bool = True) -> ProviderRegistry:
        registry = cls([spec_from_class(_load(path), builtin=True) for path in BUILTIN_PROVIDERS])
        if load_plugins:
            registry.load_plugins()
        return registry

    def load_plugins(self) -> list[str]:
        """Register every provider plug-in installed; a broken one is logged and left out."""
        loaded: list[str] = []
        for entry in entry_points(group=ENTRY_POINT_GROUP):
            try:
                spec = spec_from_class(entry.load(), builtin=False)
                self.register(spec)
            except Exception as exc:  # a third-party package must not stop the app
                log.warning("provider plug-in %r could not be loaded: %s", entry.name, exc)
                continue
            loaded.append(spec.id)
        return loaded

    def get(self, provider_id: str) -> ProviderSpec:
        try:
            return self._specs[provider_id]
        except KeyError:
            known = ", ".join(self._specs)
            raise KeyError(f"unknown provider {provider_id!r} (known: {known})") from None

    def __contains__(self, provider_id: object) -> bool:
        return provider_id in self._specs

    def __iter__(self) -> Iterator[ProviderSpec]:
        return iter(self._specs.values())

    def ids(self) -> list[str]:
        return list(self._specs)
