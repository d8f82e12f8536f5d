"""The main window: navigation and shortcuts, the status bar's job progress, remembered geometry,
light and dark, closing, and the `metarr-desktop --screenshot` start-up path."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtGui import QImage
from PySide6.QtGui import QKeySequence
from PySide6.QtGui import QPalette
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from metarr_desktop import app as app_module
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.ui.common import shortcuts
from metarr_desktop.ui.common.theme import Scheme
from metarr_desktop.ui.common.theme import ThemeController
from metarr_desktop.ui.common.theme import is_dark
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.language.page import LanguagePage
from metarr_desktop.ui.main_window import PAGE_SHORTCUTS
from metarr_desktop.ui.main_window import PAGE_TITLES
from metarr_desktop.ui.main_window import SHORTCUTS_HELP
from metarr_desktop.ui.main_window import MainWindow
from metarr_desktop.ui.main_window import Page
from metarr_desktop.ui.main_window import page_shortcuts_help
from metarr_desktop.ui.main_window import window_settings
from metarr_desktop.ui.providers.dialog import ProviderSettingsDialog
from tests.helpers.qt import arm_signal
from tests.helpers.qt import settle
from tests.helpers.qt import until
from tests.helpers.qt import wait_signal

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

ROOT = Path(__file__).resolve().parents[2]


async def test_shortcuts_switch_pages_and_load_them(qtbot: QtBot, window: MainWindow) -> None:
    loaded = arm_signal(window.pageLoaded)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is Page.HEALTH
    assert window.stack.currentWidget() is window.health_page
    assert (await asyncio.wait_for(loaded, 5)) == ("health",)
    # The image hosts (artwork downloads of library files) are listed after the providers.
    assert list(window.health_page.cards) == ["omdb", "tmdb", "tvdb", "fanart", "images"]
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    await wait_signal(window.providers_page.loaded)
    assert window.windowTitle().startswith("Providers")
    window.providers_page.order.move(0, 1)
    assert window.save_action.isEnabled() and window.windowTitle().startswith("* ")
    window.save_action.trigger()
    await wait_signal(window.providers_page.savedChanges)
    assert not window.save_action.isEnabled()
    assert [v.id for v in window.ctx.providers.all()][:2] == ["tmdb", "omdb"]


async def test_ctrl_1_esc_and_alt_left_leave_a_movie_for_the_library(
    qtbot: QtBot, window: MainWindow, ctx: UiContext
) -> None:
    assert ctx.library is not None
    movie_id = ctx.library.add("Inception", year=2010).id
    for key, modifier in (
        (Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier),
    ):
        await window.open_movie(movie_id)
        assert window.showing_movie()
        window.movie_page.table.setFocus()
        qtbot.keyClick(window.movie_page.table, key, modifier)
        await until(lambda: window.stack.currentWidget() is window.library_page)
        assert window.current_page() is Page.LIBRARY
    # F1 lists the way back.
    assert any("Alt+Left" in keys and "Esc" in keys for keys, _what in SHORTCUTS_HELP)


async def test_menus_list_every_action_with_its_shortcut(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Providers", "&Jobs", "&Settings", "&Help"]
    assert window.page_actions[Page.ACTIVITY].shortcut().toString() == "Ctrl+4"
    assert window.cancel_action.shortcut().toString() == "Ctrl+."
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


async def test_the_status_bar_follows_the_running_job(window: MainWindow, ctx: UiContext) -> None:
    assert window.job_label.text() == "No job running" and not window.job_progress.isVisibleTo(window)
    release = asyncio.Event()

    async def body(handle: JobHandle) -> None:
        handle.advance()
        await release.wait()

    job = ctx.jobs.start("Enrich 4 movies", body, total=4)
    await wait_signal(window.job_timer.timeout)
    assert window.job_label.text() == "Enrich 4 movies: running, 1 of 4"
    assert window.job_progress.value() == 250 and window.job_cancel.isVisibleTo(window)
    assert window.cancel_action.isEnabled()
    window.cancel_action.trigger()
    await ctx.jobs.wait(job)
    await wait_signal(window.job_timer.timeout)
    assert window.job_label.text() == "No job running"


async def test_test_all_keys_runs_as_a_job(window: MainWindow, ctx: UiContext) -> None:
    job = window.start_key_check()
    outcome = await ctx.jobs.wait(job)
    assert outcome == {"omdb": False, "tmdb": False, "tvdb": False, "fanart": False}  # no keys set
    assert [e.text for e in job.events][:3] == ["omdb: started", "OMDb: no API key is set", "omdb: no result"]
    assert window.statusBar().currentMessage() == "API keys: 0 valid, 4 refused, 0 not checked."


async def test_geometry_and_page_are_remembered(qtbot: QtBot, ctx: UiContext, tmp_path: Path) -> None:
    first = MainWindow(ctx, settings=window_settings(tmp_path))
    qtbot.addWidget(first)
    first.show()
    await until(lambda: Page.LIBRARY in first._loaded)
    first.resize(first.width(), 640)  # above the minimum height, which the first-run bar raises
    first.show_page(Page.ACTIVITY)
    closing = arm_signal(first.closeRequested)
    first.close()
    await asyncio.wait_for(closing, 5)
    assert first.isVisible()  # closing only asks the app to shut down, in order
    first.dispose()
    stored = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    assert stored.value("window/page") == "activity"

    second = MainWindow(ctx, settings=window_settings(tmp_path))
    qtbot.addWidget(second)
    assert second.initial_page() is Page.ACTIVITY
    assert second.height() == first.height() == 640
    assert stored.value("window/geometry") == first.saveGeometry()
    second.dispose()


async def test_dark_and_light(qtbot: QtBot, window: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, Scheme.LIGHT)
    window.theme = theme
    assert not is_dark()
    window.set_scheme(Scheme.DARK)
    assert is_dark() and app.palette().color(QPalette.ColorRole.Window).lightness() < 60
    assert window.theme_actions[Scheme.DARK].isChecked()
    assert window.settings is not None and window.settings.value("theme") == "dark"
    window.set_scheme(Scheme.LIGHT)
    assert not is_dark()


def test_page_names_are_checked() -> None:
    assert app_module.check_page("health") == "health"
    assert app_module.check_page(None) is None
    with pytest.raises(app_module.PageError, match="unknown page"):
        app_module.check_page("settings")
    assert app_module.check_page("movie:12") == "movie:12"
    assert app_module.movie_of("movie:12") == 12 and app_module.movie_of("library") is None
    with pytest.raises(app_module.PageError, match="not a movie id"):
        app_module.check_page("movie:x")
    assert app_module.check_page("library:posters") == "library:posters"
    assert app_module.view_of("library:posters") == "posters" and app_module.view_of("library") is None
    with pytest.raises(app_module.PageError, match="unknown library view"):
        app_module.check_page("library:wall")


def test_the_page_option_s_help_names_every_page() -> None:
    assert tuple(Page) == app_module.PAGES
    help_text = next(a.help for a in app_module.build_parser()._actions if "--page" in a.option_strings)
    assert help_text is not None
    for page in Page:
        assert page.value in help_text
    assert "language" in help_text and help_text.endswith("language or movie:ID")


def test_the_command_line_knows_every_library_view() -> None:
    from metarr_desktop.ui.library.page import ViewMode

    assert set(app_module.LIBRARY_VIEWS) == {mode.value for mode in ViewMode}


def run_window(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`metarr-desktop ARGS` in a process of its own (as a user starts it), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "metarr_desktop", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("page", ["providers", "health", "activity", "library", "library:posters"])
def test_screenshot_from_the_command_line(tmp_path: Path, page: str) -> None:
    shot = tmp_path / f"{page.replace(':', '-')}.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    done = run_window(
        "--data-dir", str(tmp_path / "profile"), "--page", page, "--screenshot", str(shot), env=env
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 700
    assert (tmp_path / "profile" / "window.ini").exists()  # shut down in order: state saved
    if page == "library:posters":  # shown for the picture, not kept as the user's choice
        assert "view=posters" not in (tmp_path / "profile" / "window.ini").read_text()


def test_a_session_without_a_display_is_told_so_instead_of_a_qt_abort() -> None:
    reason = app_module.missing_display({}, "linux")
    assert reason is not None and "no display" in reason
    assert app_module.missing_display({"DISPLAY": ":0"}, "linux") is None
    assert app_module.missing_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert app_module.missing_display({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert app_module.missing_display({}, "darwin") is None
    assert app_module.missing_display({}, "win32") is None


def test_the_window_without_a_display_exits_1_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = run_window("--data-dir", str(tmp_path), env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("metarr-desktop: there is no display")
    assert "Traceback" not in done.stderr


def test_an_empty_data_dir_is_refused_not_taken_for_the_default_profile() -> None:
    with pytest.raises(SystemExit) as exited:
        app_module.build_parser().parse_args(["--data-dir", ""])
    assert exited.value.code == 2


def test_a_page_that_cannot_be_shown_exits_non_zero(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = run_window(
        "--data-dir", str(tmp_path), "--page", "movie:3", "--screenshot", str(tmp_path / "x.png"), env=env
    )
    assert done.returncode == 1
    assert done.stderr.startswith("metarr-desktop: there is no movie 3 in this library")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.slow
@pytest.mark.parametrize("page", ["health", "movie:1"])
def test_demo_mode_screenshot_against_the_sandbox(tmp_path: Path, page: str) -> None:
    shot = tmp_path / "page.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = run_window("--demo", "--page", page, "--screenshot", str(shot), env=env, timeout=90)
    assert done.returncode == 0, done.stderr
    assert QImage(str(shot)).width() >= 1000


async def test_until_helper_times_out() -> None:
    with pytest.raises(TimeoutError):
        await until(lambda: False, timeout=0.02)


async def test_quitting_with_unsaved_provider_changes_asks_first(window: MainWindow, ctx: UiContext) -> None:
    from PySide6.QtWidgets import QMessageBox

    window.show_page(Page.PROVIDERS)
    await until(lambda: Page.PROVIDERS in window._loaded)
    page = window.providers_page
    page.order.moveRows(page.order.index(0).parent(), 0, 1, page.order.index(0).parent(), 3)
    assert page.is_dirty()
    wanted = page.order.ids()
    assert wanted[0] != "omdb"
    closing = arm_signal(window.closeRequested)

    stay = asyncio.ensure_future(window.request_close())
    await until(lambda: window.close_prompt is not None and window.close_prompt.isVisible())
    assert window.close_prompt is not None
    window.close_prompt.button(QMessageBox.StandardButton.Cancel).click()
    assert await stay is False
    assert not closing.done()
    assert page.is_dirty()

    save = asyncio.ensure_future(window.request_close())
    await until(lambda: window.close_prompt is not None and window.close_prompt.isVisible())
    assert window.close_prompt is not None
    window.close_prompt.button(QMessageBox.StandardButton.Save).click()
    assert await save is True
    await closing
    assert not page.is_dirty()
    assert [v.id for v in ctx.providers.all()] == wanted  # the reorder was saved


async def shown_language_page(window: MainWindow) -> LanguagePage:
    """The Language and region page, shown and loaded."""
    window.show_page(Page.LANGUAGE)
    await until(lambda: Page.LANGUAGE in window._loaded)
    return window.language_page


async def answer_unsaved(window: MainWindow, button: QMessageBox.StandardButton) -> tuple[str, str]:
    """Wait for the unsaved-changes question, click `button`: the question's text and informative text."""
    await until(lambda: window.close_prompt is not None and window.close_prompt.isVisible())
    box = window.close_prompt
    assert box is not None
    asked = box.text(), box.informativeText()
    box.button(button).click()
    await until(lambda: window.close_prompt is None)
    return asked


async def test_leaving_a_page_with_unsaved_language_edits_asks_first(
    window: MainWindow, ctx: UiContext
) -> None:
    assert ctx.suite is not None
    page = await shown_language_page(window)
    assert window.windowTitle() == "Language – Metarr Desktop" and window.dirty_pages() == []
    page.language.setText("fr-FR")
    assert window.windowTitle() == "* Language – Metarr Desktop" and window.dirty_pages() == [Page.LANGUAGE]
    assert not window.save_action.isEnabled()  # Providers › Save is the providers' own

    # Cancel: the page stays, with its edits.
    window.show_page(Page.LIBRARY)
    assert await answer_unsaved(window, QMessageBox.StandardButton.Cancel) == (
        "The Language and region page has changes that are not saved.",
        "Save them before leaving the page?",
    )
    assert window.current_page() is Page.LANGUAGE and window.stack.currentWidget() is page
    assert page.language.text() == "fr-FR" and window.windowTitle().startswith("* Language")

    # Discard: the page goes back to what is stored, and the window goes where it was asked to.
    window.show_page(Page.LIBRARY)
    await answer_unsaved(window, QMessageBox.StandardButton.Discard)
    await until(lambda: window.stack.currentWidget() is window.library_page)
    assert window.current_page() is Page.LIBRARY and window.windowTitle() == "Library – Metarr Desktop"
    assert page.language.text() == "en-US" and not page.is_dirty()

    # Save: stored, then left.
    window.show_page(Page.LANGUAGE)
    page.language.setText("fr-FR")
    window.show_page(Page.HEALTH)
    await answer_unsaved(window, QMessageBox.StandardButton.Save)
    await until(lambda: window.stack.currentWidget() is window.health_page)
    assert ctx.suite.user_settings.get("metadata.language") == "fr-FR" and window.dirty_pages() == []

    # A value that cannot be stored keeps the page, which says why.
    window.show_page(Page.LANGUAGE)
    page.fallbacks.setText("en, xx_YY!!")
    window.show_page(Page.HEALTH)
    await answer_unsaved(window, QMessageBox.StandardButton.Save)
    assert window.current_page() is Page.LANGUAGE and window.stack.currentWidget() is page
    assert window.statusBar().currentMessage().startswith("Not saved: Fallback languages: not language tags")
    assert ctx.suite.user_settings.get("metadata.fallback_languages") == ["en"]


async def test_leaving_the_providers_page_with_unsaved_changes_asks_too(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show_page(Page.PROVIDERS)
    await until(lambda: Page.PROVIDERS in window._loaded)
    window.providers_page.order.move(0, 1)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # Health
    assert (await answer_unsaved(window, QMessageBox.StandardButton.Cancel))[0] == (
        "The provider configuration has changes that are not saved."
    )
    assert window.current_page() is Page.PROVIDERS and window.providers_page.is_dirty()
    window.show_page(Page.HEALTH)
    await answer_unsaved(window, QMessageBox.StandardButton.Discard)
    await until(lambda: window.stack.currentWidget() is window.health_page)
    assert not window.providers_page.is_dirty() and window.windowTitle() == "Health – Metarr Desktop"


async def test_reloading_a_page_with_unsaved_changes_asks_first(window: MainWindow) -> None:
    page = await shown_language_page(window)
    page.language.setText("fr-FR")
    window.reload_action.trigger()  # F5
    assert (await answer_unsaved(window, QMessageBox.StandardButton.Cancel))[1] == (
        "Save them before reloading the page?"
    )
    await settle()
    assert page.language.text() == "fr-FR" and page.is_dirty()
    reload = asyncio.ensure_future(window.reload())
    await answer_unsaved(window, QMessageBox.StandardButton.Discard)
    assert await reload is True and page.language.text() == "en-US" and not page.is_dirty()


async def test_quitting_with_unsaved_changes_on_several_pages_asks_once_for_all(
    window: MainWindow, ctx: UiContext
) -> None:
    assert ctx.suite is not None
    page = await shown_language_page(window)
    page.language.setText("fr-FR")
    closing = arm_signal(window.closeRequested)
    window.close()
    assert await answer_unsaved(window, QMessageBox.StandardButton.Cancel) == (
        "The Language and region page has changes that are not saved.",
        "Save them before quitting?",
    )
    assert not closing.done() and page.is_dirty()

    # A value that cannot be stored keeps the window open on its page.
    page.fallbacks.setText("en, xx_YY!!")
    stay = asyncio.ensure_future(window.request_close())
    await answer_unsaved(window, QMessageBox.StandardButton.Save)
    assert await stay is False and not closing.done()
    assert window.current_page() is Page.LANGUAGE
    page.fallbacks.setText("en")

    # Changes on two pages (the providers' made without showing them): one question names both.
    await window.load_page(Page.PROVIDERS)
    window.providers_page.fill_gaps.toggle()
    assert window.dirty_pages() == [Page.PROVIDERS, Page.LANGUAGE]
    save = asyncio.ensure_future(window.request_close())
    assert (await answer_unsaved(window, QMessageBox.StandardButton.Save))[0] == (
        "The provider configuration and the Language and region page have changes that are not saved."
    )
    assert await save is True
    await closing
    assert window.dirty_pages() == [] and not window.windowTitle().startswith("*")
    assert ctx.suite.user_settings.get("metadata.language") == "fr-FR"
    assert not ctx.authority.get().fill_gaps


async def test_the_library_sorts_without_the_articles_of_the_metadata_language(
    window: MainWindow, ctx: UiContext
) -> None:
    assert ctx.suite is not None
    for title in ("Die Hard", "Das Boot", "Hard Target", "The Matrix", "Casablanca"):
        ctx.suite.library.add(title)
    await window.load_page(Page.LIBRARY)
    model = window.library_page.model
    model.sort(0)

    def titles() -> list[str]:
        return [model.index(row, 0).data() for row in range(model.rowCount())]

    assert model.sort_language == "en-US"
    assert titles() == ["Casablanca", "Das Boot", "Die Hard", "Hard Target", "The Matrix"]
    ctx.suite.app.user_settings.set("metadata.language", "de-DE")
    assert model.sort_language == "de-DE"
    assert titles() == ["Das Boot", "Casablanca", "Die Hard", "Hard Target", "The Matrix"]


async def test_removing_the_movie_shown_goes_back_to_the_library_and_forgets_it(
    window: MainWindow, ctx: UiContext
) -> None:
    assert ctx.library is not None
    shown = ctx.library.add("Inception", year=2010).id
    other = ctx.library.add("Heat", year=1995).id
    await window.open_movie(other)
    await window.open_movie(shown)
    page = window.movie_page
    assert window.showing_movie() and {shown, other} <= set(page._seen_identification)

    # Another movie goes: the page stays, and forgets only that one.
    ctx.library.remove(other)
    window.library_page.moviesRemoved.emit([other])
    assert window.showing_movie() and page.movie_id == shown
    assert other not in page._seen_identification and shown in page._seen_identification

    ctx.library.remove(shown)
    window.library_page.moviesRemoved.emit([shown])
    assert window.stack.currentWidget() is window.library_page
    assert window.current_page() is Page.LIBRARY and window.windowTitle().startswith("Library")
    assert window.statusBar().currentMessage() == (
        "“Inception” was removed from the library; its page was closed."
    )
    assert page.movie_id is None and page.detail is None and page._seen_identification == {}

    # Removed while the library is in front: nothing to close, the library's own message stands.
    third = ctx.library.add("Ronin", year=1998).id
    await window.open_movie(third)
    window.show_page(Page.LIBRARY, force=True)
    window.show_message("Removed “Ronin”.")
    ctx.library.remove(third)
    window.library_page.moviesRemoved.emit([third])
    assert window.statusBar().currentMessage() == "Removed “Ronin”." and page.movie_id is None


async def test_f1_lists_every_page_s_shortcut(window: MainWindow) -> None:
    keys, pages = SHORTCUTS_HELP[0]
    assert (keys, pages) == page_shortcuts_help()
    assert keys == f"Ctrl+1 … Ctrl+{len(Page)}" == "Ctrl+1 … Ctrl+6"
    assert pages.split(", ") == [PAGE_TITLES[page] for page in Page]
    assert "Language" in pages
    # The keys it lists are the ones the View menu binds.
    bound = [window.page_actions[page].shortcut().toString() for page in Page]
    assert bound == list(PAGE_SHORTCUTS.values()) and bound[-1] == f"Ctrl+{len(Page)}"


def _bound_keys(widget: QWidget) -> set[str]:
    """Every key sequence the widget and its children bind (shortcuts and actions)."""
    keys = {key.toString() for shortcut in widget.findChildren(QShortcut) for key in shortcut.keys()}  # noqa: SIM118
    keys |= {key.toString() for action in widget.findChildren(QAction) for key in action.shortcuts()}
    return keys - {""}


async def test_f1_lists_every_shortcut_the_window_binds(
    qtbot: QtBot, window: MainWindow, ctx: UiContext
) -> None:
    declared = {QKeySequence(key).toString() for entry in shortcuts.SHORTCUTS for key in entry.keys}
    declared |= set(PAGE_SHORTCUTS.values())
    dialog = ProviderSettingsDialog(ctx, "tmdb")
    qtbot.addWidget(dialog)
    bound = _bound_keys(window) | _bound_keys(dialog)
    assert {"Ctrl+I", "Ctrl+L", "Ctrl+R", "Ctrl+T", "Del", "F1"} <= bound
    assert bound <= declared, f"bound but not in F1's table: {sorted(bound - declared)}"
    # F1 lists the table (after the pages' line), Ctrl+I included.
    assert SHORTCUTS_HELP[1:] == tuple((entry.text, entry.what) for entry in shortcuts.SHORTCUTS)
    assert ("Ctrl+I", shortcuts.INSPECT_FIELD.what) in SHORTCUTS_HELP
