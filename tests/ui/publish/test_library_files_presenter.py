"""The Library files form's values (Qt-free): what it loads, and that invalid values store nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.services.context import AppServices
from metarr_desktop.ui.publish.presenter import LibraryFilesValues


def test_invalid_values_are_refused_and_nothing_is_stored(services: AppServices) -> None:
    settings = services.user_settings
    values = replace(LibraryFilesValues.load(settings), enabled=True, flavour="Kodi", extrafanart=21)
    assert values.problems() == [
        "Choose the players the files are for.",
        "Extra fanart must be between 0 and 20.",
    ]
    with pytest.raises(SettingValueError, match="Choose the players"):
        values.save(settings)
    assert not any(settings.is_stored(f"publish.{name}") for name in ("enabled", "flavour", "extrafanart"))


def test_saved_values_load_again(services: AppServices) -> None:
    settings = services.user_settings
    loaded = LibraryFilesValues.load(settings)
    values = replace(loaded, enabled=True, flavour="kodi", artwork=["fanart", "poster"])
    values.save(settings)
    again = LibraryFilesValues.load(settings)
    assert again.enabled is True and again.flavour == "kodi"
    assert again.artwork == ["poster", "fanart"]  # in the page's order, whatever order they were ticked
    assert not settings.is_stored("publish.replace_foreign")  # the page does not show it
