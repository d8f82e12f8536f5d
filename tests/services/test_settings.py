"""`SettingsService`: a stored value that no longer fits, or cannot be read at all, gives the default
with a warning, and never stops a command."""

from __future__ import annotations

import logging

import pytest

from metarr_desktop.core.settings import setting
from metarr_desktop.services.context import AppServices


def store_raw(services: AppServices, key: str, text: str) -> None:
    """Put `text` in the settings table as it is, the way another program or a damaged file could."""
    services.user_settings.set(key, services.user_settings.get(key))  # the row exists
    services.database.execute(
        "UPDATE settings SET value = ? WHERE key = ?", (text, setting(key).storage_key)
    )


def test_a_value_of_the_wrong_type_reads_as_the_default(services: AppServices) -> None:
    store_raw(services, "publish.extrafanart", '"three"')
    assert services.user_settings.get("publish.extrafanart") == setting("publish.extrafanart").default


def test_a_value_that_is_not_json_reads_as_the_default(
    services: AppServices, caplog: pytest.LogCaptureFixture
) -> None:
    store_raw(services, "publish.flavour", "{not json")
    with caplog.at_level(logging.WARNING, logger="metarr_desktop.services.settings"):
        assert services.user_settings.get("publish.flavour") == setting("publish.flavour").default
        shown = services.user_settings.show()
    assert shown["publish.flavour"] == setting("publish.flavour").to_json(setting("publish.flavour").default)
    assert any("publish.flavour cannot be read" in r.getMessage() for r in caplog.records)
    services.user_settings.set("publish.flavour", "kodi")  # a new value repairs it
    assert services.user_settings.get("publish.flavour") == "kodi"
