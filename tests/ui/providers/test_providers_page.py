"""The providers page: load and save round trips through the configuration services, reordering,
switches, overrides, validation, and the settings dialog opened without blocking the loop."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from metarr_desktop.core.authority import AuthorityError
from metarr_desktop.core.errors import StoreError
from metarr_desktop.services.config import ProviderUpdate
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.providers.page import ProvidersPage
from tests.helpers.qt import settle
from tests.helpers.qt import shown_and_loaded
from tests.helpers.qt import until

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
async def page(qtbot: QtBot, ctx: UiContext) -> ProvidersPage:
    return await shown_and_loaded(qtbot, ProvidersPage(ctx), 1100, 700)


def stored_order(ctx: UiContext) -> list[str]:
    return [v.id for v in ctx.providers.all()]


async def test_load_shows_the_stored_configuration(page: ProvidersPage, ctx: UiContext) -> None:
    assert page.order.ids() == stored_order(ctx) == ["omdb", "tmdb", "tvdb", "fanart"]
    assert all(on for _, on in page.order.pairs())
    assert page.order.index(0).data(Role.HINT) == "no API key"
    assert page.overrides.authorities() == ctx.authority.get().field_authorities
    assert page.fill_gaps.isChecked() is True
    assert not page.is_dirty()
    assert not page.save_button.isEnabled() and not page.revert_button.isEnabled()
    # Warnings (no keys) are shown but do not block saving.
    assert page.is_valid()
    assert "OMDb is enabled but has no API key" in page.problem_label.text()


async def test_reorder_switch_and_overrides_round_trip(page: ProvidersPage, ctx: UiContext) -> None:
    assert page.order.move(3, 0)  # fanart first
    page.order.set_enabled("tvdb", False)
    page.add_override("tagline", ["tmdb", "omdb"])
    page.table.selectRow(page.overrides.fields().index("awards"))
    assert page.remove_current_override()
    row = page.overrides.fields().index("plot")
    page.overrides.setData(
        page.overrides.index(row, 2), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    page.fill_gaps.setChecked(False)
    assert page.is_dirty() and page.save_button.isEnabled()

    assert await page.save() is True

    assert stored_order(ctx) == ["fanart", "omdb", "tmdb", "tvdb"]
    assert ctx.providers.get("tvdb").config.enabled is False
    assert ctx.pool.get("tvdb").settings.enabled is False  # applied to the running engine
    assert ctx.pool.get("fanart").settings.priority == 1
    config = ctx.authority.get()
    assert config.provider_priority == ["fanart", "omdb", "tmdb", "tvdb"]
    assert config.field_authorities["tagline"].providers == ["tmdb", "omdb"]
    assert "awards" not in config.field_authorities
    assert config.field_authorities["plot"].exclusive is True
    assert config.fill_gaps is False
    assert not page.is_dirty() and not page.save_button.isEnabled()

    # A fresh page reads back exactly what was saved.
    again = ProvidersPage(ctx)
    await again.load()
    assert again.order.pairs() == page.order.pairs()
    assert again.overrides.rows == page.overrides.rows
    assert again.fill_gaps.isChecked() is False
    again.deleteLater()


async def test_a_full_disk_is_told_and_a_store_bug_is_not_swallowed(
    page: ProvidersPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = StoreError("cannot use the database <profile>: the disk is full", environment=True)

    def failing(_config: object) -> None:
        raise failure

    monkeypatch.setattr(ctx.authority, "set", failing)
    page.fill_gaps.setChecked(not page.fill_gaps.isChecked())
    assert await page.save() is False
    shown = page.problem_label.text()
    assert "Could not save: cannot use the database &lt;profile>: the disk is full" in shown
    failure = StoreError("no such table: settings", environment=False)
    with pytest.raises(StoreError, match="no such table"):
        await page.save()


async def test_revert_discards_unsaved_changes(page: ProvidersPage, ctx: UiContext) -> None:
    page.order.move(0, 2)
    page.fill_gaps.setChecked(False)
    assert page.revert_button.isEnabled()
    await page.load()
    assert page.order.ids() == ["omdb", "tmdb", "tvdb", "fanart"]
    assert page.fill_gaps.isChecked() and not page.is_dirty()
    assert stored_order(ctx) == ["omdb", "tmdb", "tvdb", "fanart"]


async def test_keyboard_users_move_rows(qtbot: QtBot, page: ProvidersPage) -> None:
    page.list.setFocus()
    page.list.setCurrentIndex(page.order.index(0))
    qtbot.keyClick(page.list, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert page.order.ids()[:2] == ["tmdb", "omdb"]
    assert page.list.currentIndex().row() == 1
    qtbot.mouseClick(page.down_button, Qt.MouseButton.LeftButton)
    assert page.order.ids() == ["tmdb", "tvdb", "omdb", "fanart"]
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.up_button, Qt.MouseButton.LeftButton)
    assert page.order.ids() == ["omdb", "tmdb", "tvdb", "fanart"]
    assert not page.up_button.isEnabled()  # first row


async def test_clicking_the_check_box_toggles_a_provider(qtbot: QtBot, page: ProvidersPage) -> None:
    await settle()
    rect = page.list.visualRect(page.order.index(1))
    # The check indicator sits at the left of the row.
    qtbot.mouseClick(
        page.list.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 11, rect.center().y())
    )
    assert page.order.pairs()[1] == ("tmdb", False)
    assert page.is_dirty()


async def test_nothing_enabled_is_an_error_that_blocks_save(page: ProvidersPage, ctx: UiContext) -> None:
    for pid in page.order.ids():
        page.order.set_enabled(pid, False)
    assert not page.is_valid()
    assert not page.save_button.isEnabled()
    assert "Enable at least one provider" in page.problem_label.text()
    assert await page.save() is False
    assert all(v.config.enabled for v in ctx.providers.all())  # nothing stored


async def test_an_override_without_providers_is_an_error(page: ProvidersPage) -> None:
    page.add_override("tagline", [])
    problems = [p for p in page.problems() if p.error]
    assert [p.text for p in problems] == ["Tagline: choose at least one provider."]
    assert not page.save_button.isEnabled()
    page.table.selectRow(page.overrides.fields().index("tagline"))
    page.remove_current_override()
    assert page.is_valid()


async def test_an_override_of_disabled_providers_is_a_warning(page: ProvidersPage) -> None:
    page.order.set_enabled("omdb", False)
    texts = [p.text for p in page.problems() if not p.error]
    assert "IMDb rating: all of its providers are disabled, so it stays empty." in texts
    assert page.is_valid()


async def test_a_refusal_from_the_service_is_shown_inline(
    page: ProvidersPage, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(config: object) -> None:
        raise AuthorityError(["field 'plot': provider listed twice: tmdb"])

    monkeypatch.setattr(ctx.authority, "set", refuse)
    page.fill_gaps.setChecked(False)
    assert await page.save() is False
    assert "Field 'plot': provider listed twice: tmdb." in page.problem_label.text()
    assert page.is_dirty()


async def test_the_field_choice_offers_only_fields_without_override(page: ProvidersPage) -> None:
    offered = {page.field_choice.itemData(i) for i in range(page.field_choice.count())}
    assert "imdb_rating" not in offered and "tagline" in offered
    assert not any(name.endswith("_id") for name in offered)
    page.field_choice.setCurrentIndex(page.field_choice.findData("tagline"))
    page.add_button.click()
    assert "tagline" in page.overrides.fields()
    assert page.field_choice.findData("tagline") == -1


async def test_edit_override_opens_a_chooser_without_blocking(page: ProvidersPage) -> None:
    row = page.overrides.fields().index("plot")
    task = __import__("asyncio").ensure_future(page.edit_override(row))
    await until(lambda: page.override_editor is not None and page.override_editor.isVisible())
    editor = page.override_editor
    assert editor is not None and editor.chosen() == ["tmdb", "omdb"]
    editor.model.set_enabled("omdb", False)
    editor.model.set_enabled("fanart", True)
    editor.accept()
    assert await task is True
    assert page.overrides.rows[row].providers == ("tmdb", "fanart")


async def test_settings_button_opens_the_dialog_and_its_save_updates_the_row(
    qtbot: QtBot, page: ProvidersPage, ctx: UiContext
) -> None:
    await settle()
    page.order.move(3, 0)  # an unsaved reorder must survive the dialog
    rect = page.delegate.button_rect(page.list.visualRect(page.order.index(2)))
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    await until(lambda: page.open_dialog is not None and page.open_dialog.isVisible())
    dialog = page.open_dialog
    assert dialog is not None and dialog.provider_id == "tmdb"
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    dialog.api_key.setText("good-tmdb-key")
    dialog.enabled.setChecked(False)
    assert await dialog.save() is True
    await until(lambda: page.open_dialog is None)
    assert ctx.providers.get("tmdb").has_api_key
    row = page.order.row_of("tmdb")
    assert page.order.pairs()[row] == ("tmdb", False)
    assert page.order.index(row).data(Role.HINT) == ""
    assert page.order.ids()[0] == "fanart"  # the unsaved reorder is still there
    assert page.is_dirty()


# Reordering by a real drag and drop (a real X pointer on Xvfb): tests/xvfb/test_real_drag.py.


def test_update_defaults_are_unset() -> None:
    assert ProviderUpdate().enabled.__class__.__name__ == "Unset"


async def test_the_overrides_name_the_language_rule(qtbot: QtBot, ctx: UiContext) -> None:
    assert ctx.suite is not None
    ctx.suite.app.user_settings.set("metadata.language", "de-DE")
    widget = ProvidersPage(ctx)
    qtbot.addWidget(widget)
    await widget.load()
    model = widget.overrides
    rule = model.RULE
    assert model.headerData(rule, Qt.Orientation.Horizontal) == "Language rule"
    fields = model.fields()
    assert model.index(fields.index("outline"), rule).data() == "language: de-DE first, then en"
    assert model.index(fields.index("plot"), rule).data() == "language: de-DE first, then en"
    # Exclusive fields and fields no provider tags with a language have no language rule.
    assert model.index(fields.index("awards"), rule).data() == ""
    assert model.index(fields.index("genres"), rule).data() == ""
    widget.prefer_language.setChecked(False)
    assert model.index(fields.index("outline"), rule).data() == ""
