"""The provider settings dialog: save round trip, validation, the key's show/hide and its Test."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.providers import Priority
from metarr_desktop.core.providers import RateLimit
from metarr_desktop.providers.errors import RateLimitedError
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.providers.dialog import ProviderSettingsDialog
from tests.helpers.provider_api import GOOD_KEYS
from tests.helpers.provider_api import ProviderApi

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def dialog(qtbot: QtBot, ctx: UiContext) -> ProviderSettingsDialog:
    widget = ProviderSettingsDialog(ctx, "omdb")
    qtbot.addWidget(widget)
    return widget


async def test_the_form_shows_the_stored_settings(dialog: ProviderSettingsDialog) -> None:
    assert dialog.enabled.isChecked()
    assert dialog.api_key.echoMode() == QLineEdit.EchoMode.Password
    assert dialog.api_key.text() == ""  # the stored key is never shown
    assert dialog.api_key.placeholderText().startswith("required")
    assert dialog.paced.isChecked() and dialog.rate_requests.value() == 10 and dialog.rate_window.value() == 1
    assert dialog.has_quota.isChecked() and dialog.quota.value() == 1000
    assert dialog.base_url.text() == "https://www.omdbapi.com"
    assert dialog.usage_bar.format() == "0 / 1,000 (0 %)"
    assert not dialog.advanced.isVisibleTo(dialog)
    dialog.advanced_toggle.click()
    assert dialog.advanced.isVisibleTo(dialog)


async def test_show_and_hide_the_key(dialog: ProviderSettingsDialog) -> None:
    dialog.api_key.setText("secret")
    dialog.show_key.click()
    assert dialog.api_key.echoMode() == QLineEdit.EchoMode.Normal and dialog.show_key.text() == "Hide"
    dialog.show_key.click()
    assert dialog.api_key.echoMode() == QLineEdit.EchoMode.Password


async def test_save_round_trip(dialog: ProviderSettingsDialog, ctx: UiContext) -> None:
    dialog.api_key.setText("good-omdb-key")
    dialog.rate_requests.setValue(5)
    dialog.rate_window.setValue(2)
    dialog.quota.setValue(100_000)
    dialog.base_url.setText("http://127.0.0.1:8080/omdb/")
    saved = asyncio.get_running_loop().create_future()
    dialog.saved.connect(saved.set_result)
    assert await dialog.save() is True
    view = await saved
    assert view.id == "omdb" and view.has_api_key
    stored = ctx.providers.get("omdb").config
    assert stored.rate_limit == RateLimit(5, 2.0)
    assert stored.daily_quota == 100_000
    assert stored.base_url == "http://127.0.0.1:8080/omdb"
    assert ctx.pool.get("omdb").gate.quota.limit == 100_000  # applied to the engine at once
    assert not dialog.isVisible()


async def test_a_full_disk_is_told_and_a_store_bug_is_not_swallowed(
    dialog: ProviderSettingsDialog, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = StoreError("cannot use the database: the disk is full", environment=True)

    async def failing(*_args: object, **_kwargs: object) -> object:
        raise failure

    monkeypatch.setattr(ctx.providers, "update", failing)
    dialog.api_key.setText("good-omdb-key")
    assert await dialog.save() is False
    assert dialog.problems.text() == "Could not save: cannot use the database: the disk is full"
    assert dialog.save_button.isEnabled()
    failure = StoreError("no such table: provider_config", environment=False)
    with pytest.raises(StoreError, match="no such table"):
        await dialog.save()


async def test_unchanged_fields_are_left_alone(dialog: ProviderSettingsDialog) -> None:
    assert dialog.update_request() == ProviderUpdate()
    dialog.paced.setChecked(False)
    dialog.has_quota.setChecked(False)
    change = dialog.update_request()
    assert change.rate_limit is None and change.daily_quota is None


@pytest.mark.parametrize(
    ("key", "url", "message"),
    [
        ("has space", "https://www.omdbapi.com", "The API key must not contain spaces."),
        ("", "ftp://example.org", "must start with http:// or https://"),
        ("", "", "The base URL is empty"),
        ("", "https://example.org/?x=1", "must not have a query or fragment"),
    ],
)
async def test_validation_is_inline_and_blocks_save(
    dialog: ProviderSettingsDialog, ctx: UiContext, key: str, url: str, message: str
) -> None:
    dialog.api_key.setText(key)
    dialog.base_url.setText(url)
    assert message in dialog.problems.text()
    assert dialog.problems.isVisibleTo(dialog)
    assert not dialog.save_button.isEnabled()
    assert await dialog.save() is False
    assert not ctx.providers.get("omdb").has_api_key


async def store_key(ctx: UiContext, provider: str, key: str) -> None:
    await ctx.providers.update(provider, ProviderUpdate(api_key=key))


async def test_the_test_button_says_valid(qtbot: QtBot, ctx: UiContext) -> None:
    await store_key(ctx, "tmdb", GOOD_KEYS["tmdb"])
    dialog = ProviderSettingsDialog(ctx, "tmdb")
    qtbot.addWidget(dialog)
    check = await dialog.test_key()
    assert check.valid is True
    assert dialog.test_result.text().startswith("✓ Valid")


async def test_the_test_button_says_invalid_key(qtbot: QtBot, ctx: UiContext) -> None:
    await store_key(ctx, "tmdb", "wrong-key")
    dialog = ProviderSettingsDialog(ctx, "tmdb")
    qtbot.addWidget(dialog)
    check = await dialog.test_key()
    assert check.valid is False
    assert dialog.test_result.text().startswith("✗ Invalid key")
    assert "refused" in dialog.test_result.text()


async def test_the_test_button_says_unreachable(qtbot: QtBot, ctx: UiContext, api: ProviderApi) -> None:
    await store_key(ctx, "tmdb", GOOD_KEYS["tmdb"])
    api.down.add("tmdb")
    dialog = ProviderSettingsDialog(ctx, "tmdb")
    qtbot.addWidget(dialog)
    check = await dialog.test_key()
    assert check.valid is None
    assert dialog.test_result.text().startswith("⚠ Not checked")
    assert "network" in dialog.test_result.text().lower()
    assert dialog.test_button.isEnabled()


async def test_the_test_button_checks_a_typed_key_without_storing_it(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = ProviderSettingsDialog(ctx, "tmdb")
    qtbot.addWidget(dialog)
    dialog.api_key.setText(GOOD_KEYS["tmdb"])
    check = await dialog.test_key()
    assert check.valid is True
    assert dialog.test_result.text().startswith("✓ Valid")
    dialog.api_key.setText("typed-but-wrong")
    assert (await dialog.test_key()).valid is False
    dialog.api_key.setText(GOOD_KEYS["tmdb"])
    dialog.base_url.setText("ftp://example.test")
    bad_address = await dialog.test_key()
    assert bad_address.valid is False and "http" in bad_address.message
    assert not ctx.providers.get("tmdb").has_api_key  # testing stores nothing


async def test_status_follows_the_engine_live(qtbot: QtBot, ctx: UiContext, clock: VirtualClock) -> None:
    dialog = ProviderSettingsDialog(ctx, "omdb")
    qtbot.addWidget(dialog)
    runtime = ctx.pool.get("omdb")
    for _ in range(870):
        assert runtime.gate.quota.try_consume()
    runtime.gate.note_rate_limited(
        RateLimitedError(
            "omdb", "daily quota used up", reset_at=clock.now() + timedelta(hours=2), quota_exhausted=True
        )
    )
    ctx.pool.notify(runtime)
    assert dialog.status_text.text() == "Rate limited"
    assert "Resets at" in dialog.resets_text.text() and "(in 2 h)" in dialog.resets_text.text()
    assert dialog.usage_bar.value() == 870 and dialog.usage_bar.format() == "870 / 1,000 (87 %)"


async def test_without_a_daily_quota_the_usage_bar_stays_empty(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = ProviderSettingsDialog(ctx, "tmdb")
    qtbot.addWidget(dialog)
    health = dataclasses.replace(ctx.pool.get("tmdb").health_snapshot(), requests_today=15, daily_quota=None)
    dialog.show_health(health)
    assert dialog.usage_bar.value() == dialog.usage_bar.minimum() == 0
    assert dialog.usage_bar.format() == "15 (no daily quota)"


async def test_opened_with_open_the_loop_keeps_running(qtbot: QtBot, ctx: UiContext) -> None:
    dialog = ProviderSettingsDialog(ctx, "omdb")
    qtbot.addWidget(dialog)
    result = dialog_result(dialog)
    ticks = 0
    for _ in range(5):
        await asyncio.sleep(0.001)
        ticks += 1
    assert dialog.isVisible() and not result.done() and ticks == 5
    dialog.reject()
    assert await result == 0


async def test_the_provider_timeouts_are_in_the_dialog(
    dialog: ProviderSettingsDialog, ctx: UiContext
) -> None:
    assert dialog.user_timeout.text() == "default (10 s)"
    assert dialog.background_timeout.text() == "default (60 s)"
    dialog.advanced_toggle.setChecked(True)
    dialog.user_timeout.setValue(4.5)
    assert await dialog.save() is True
    stored = ctx.providers.get("omdb").config
    assert stored.user_timeout_s == 4.5 and stored.background_timeout_s is None
    assert ctx.pool.get("omdb").settings.policy(Priority.USER).timeout_s == 4.5  # the engine follows
    dialog.grab().save("/tmp/provider-dialog.png")
