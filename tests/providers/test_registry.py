"""The registry loads the built-ins and third-party providers from the entry-point group."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from metarr_desktop.core.fields import EntityType
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.providers import ProviderCapabilities
from metarr_desktop.providers import registry as registry_module
from metarr_desktop.providers.registry import ENTRY_POINT_GROUP
from metarr_desktop.providers.registry import ProviderRegistry


class PluginProvider:
    """A third-party provider: only the class attributes the registry reads."""

    id = "musicbrainz"
    name = "MusicBrainz"
    capabilities = ProviderCapabilities(
        entity_types=frozenset({EntityType.MUSIC}),
        can_search=True,
        ids_accepted=frozenset({IdType.IMDB}),
        ids_provided=frozenset(),
    )
    default_base_url = "https://musicbrainz.org/ws/2"
    needs_api_key = False


class FakeEntryPoint:
    def __init__(self, name: str, loader: Any) -> None:
        self.name = name
        self._loader = loader

    def load(self) -> Any:
        return self._loader()


def broken() -> Any:
    raise ImportError("No module named 'missing_dependency'")


def test_builtins_in_default_priority() -> None:
    registry = ProviderRegistry.default(load_plugins=False)
    assert registry.ids() == ["omdb", "tmdb", "tvdb", "fanart"]
    assert registry.get("tmdb").default_base_url == "https://api.themoviedb.org/3"


def test_plugin_is_registered_and_broken_one_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    groups: list[str] = []

    def entry_points(*, group: str) -> list[FakeEntryPoint]:
        groups.append(group)
        return [FakeEntryPoint("broken", broken), FakeEntryPoint("musicbrainz", lambda: PluginProvider)]

    monkeypatch.setattr(registry_module, "entry_points", entry_points)
    with caplog.at_level(logging.WARNING, logger=registry_module.__name__):
        registry = ProviderRegistry.default()
    assert groups == [ENTRY_POINT_GROUP]
    assert registry.ids() == ["omdb", "tmdb", "tvdb", "fanart", "musicbrainz"]
    spec = registry.get("musicbrainz")
    assert not spec.builtin and not spec.needs_api_key and spec.default_rate_limit is None
    assert "broken" not in registry
    assert any(
        "'broken'" in r.getMessage() and "could not be loaded" in r.getMessage() for r in caplog.records
    )


def test_plugin_reusing_a_builtin_id_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    class Impostor(PluginProvider):
        id = "tmdb"

    monkeypatch.setattr(
        registry_module, "entry_points", lambda *, group: [FakeEntryPoint("impostor", lambda: Impostor)]
    )
    registry = ProviderRegistry.default()
    assert registry.get("tmdb").builtin
