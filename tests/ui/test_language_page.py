"""The "Language and region" page: the Qt-free presenter, the page round trip, its unsaved changes
and its problems."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.services.context import AppServices
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.language.page import LanguagePage
from metarr_desktop.ui.language.presenter import LanguageForm
from metarr_desktop.ui.language.presenter import LanguagePresenter
from tests.helpers.qt import recorded


def test_the_presenter_loads_checks_and_saves(services: AppServices) -> None:
    presenter = LanguagePresenter(services.user_settings)
    form = presenter.load()
    assert form == LanguageForm("en-US", "en", "US", "plain", "")
    assert presenter.check(LanguageForm(language="deutsch")).keys() == {"language"}
    assert presenter.check(LanguageForm(countries="Germany")).keys() == {"countries"}
    wanted = LanguageForm(language="DE-de", fallbacks="original, en", countries="de, us", style="named")
    assert presenter.check(wanted) == {}
    assert presenter.chain_preview(wanted) == "de-DE → original → en"
    assert presenter.artwork_preview(wanted) == "de, none, en"
    changed = presenter.save(wanted)
    assert set(changed) == {
        "metadata.language",
        "metadata.fallback_languages",
        "metadata.certification_countries",
        "metadata.certification_style",
    }
    assert services.user_settings.get("metadata.language") == "de-DE"
    assert services.user_settings.get("metadata.certification_countries") == ["DE", "US"]
    with pytest.raises(SettingValueError):
        presenter.save(LanguageForm(language="x"))
    assert services.user_settings.get("metadata.language") == "de-DE"  # nothing stored


@pytest.mark.gui
@pytest.mark.qt_log_ignore("propagateSizeHints")
async def test_the_page_round_trip(qtbot: QtBot, ctx: UiContext, services: AppServices) -> None:
    page = LanguagePage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    await page.load()
    assert page.language.text() == "en-US"
    assert not page.save_button.isEnabled()
    page.language.setText("de_DE")
    assert page.problems.isVisible() and not page.save_button.isEnabled()
    page.language.setText("de-DE")
    page.artwork.setText("none, de")
    assert page.save_button.isEnabled() and page.problems.isHidden()
    assert page.artwork_note.text() == "Artwork order: none, de"
    messages = recorded(page.message)
    page.save_button.click()
    assert services.user_settings.get("metadata.language") == "de-DE"
    assert services.user_settings.get("artwork.languages") == ["none", "de"]
    assert messages == ["Language settings saved (2 changed)."]
    assert not page.is_dirty()
    page.grab().save("/tmp/lang2/language-page-test.png")


def test_a_problem_is_said_with_the_fields_label_not_the_settings_key(services: AppServices) -> None:
    presenter = LanguagePresenter(services.user_settings)
    problems = presenter.check(LanguageForm(fallbacks="en, fr, xx_YY!!", countries="Germany"))
    assert problems["fallbacks"].startswith("Fallback languages: not language tags: xx_YY!!")
    assert problems["countries"].startswith("Certification countries: ")
    assert not any("metadata." in text for text in problems.values())


@pytest.mark.gui
@pytest.mark.qt_log_ignore("propagateSizeHints")
async def test_the_page_reports_unsaved_changes_and_shows_problems_as_errors(
    qtbot: QtBot, ctx: UiContext, services: AppServices
) -> None:
    page = LanguagePage(ctx)
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    assert not page.is_dirty()  # nothing to save before the settings are shown
    await page.load()
    dirty = recorded(page.dirtyChanged)
    page.language.setText("de-DE")
    page.language.setText("de-AT")
    assert page.is_dirty() and dirty == [True]  # said once, when it changed
    page.fallbacks.setText("en, fr, xx_YY!!")
    text = page.problems.text()
    assert text.startswith("✗ Fallback languages: not language tags: xx_YY!!")
    assert error_colour(page.palette()).name() in page.problems.styleSheet()
    # The problem has the width beside the buttons, not half of it.
    assert page.problems.width() > page.width() // 2
    assert not await page.save()
    assert services.user_settings.get("metadata.language") == "en-US"  # nothing stored
    page.fallbacks.setText("en")
    assert await page.save()
    assert services.user_settings.get("metadata.language") == "de-AT"
    assert not page.is_dirty() and dirty == [True, False]
