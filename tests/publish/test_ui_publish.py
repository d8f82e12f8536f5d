"""The library-files screens: the presenter without widgets, the Files tab's model (qtmodeltester),
the Files tab over the sandbox, the settings page's load/save and the first-run question."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from metarr_desktop.services.jobs import JobTracker
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.publish import MovieResult
from metarr_desktop.services.publish import MovieStatus
from metarr_desktop.services.publish.files import Action
from metarr_desktop.services.publish.service import FileResult
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.publish.files_tab import FilesModel
from metarr_desktop.ui.publish.files_tab import FilesTab
from metarr_desktop.ui.publish.first_run import FirstRunBar
from metarr_desktop.ui.publish.presenter import LibraryFilesValues
from metarr_desktop.ui.publish.presenter import apply_first_run_choice
from metarr_desktop.ui.publish.presenter import file_rows
from metarr_desktop.ui.publish.presenter import nfo_diff_text
from metarr_desktop.ui.publish.presenter import preview_summary
from metarr_desktop.ui.publish.settings_page import LibraryFilesPage
from tests.helpers.publishing import enriched_movie
from tests.helpers.publishing import movie_folder

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def sample_result() -> MovieResult:
    return MovieResult(
        1,
        MovieStatus.WRITTEN,
        folder="/films/Heat (1995)",
        files=[
            FileResult(
                "/films/Heat (1995)/Heat.nfo",
                "nfo",
                Action.WOULD_UPDATE,
                old=b"<movie/>\n",
                new=b"<movie>\n</movie>\n",
            ),
            FileResult(
                "/films/Heat (1995)/poster.jpg",
                "poster",
                Action.KEPT,
                reason="not written by Metarr; left alone",
            ),
        ],
    )


def test_the_presenter_names_actions_and_diffs() -> None:
    rows = file_rows(sample_result())
    assert [(r.name, r.kind_label, r.action_label) for r in rows] == [
        ("Heat.nfo", "NFO", "Will be updated"),
        ("poster.jpg", "Poster", "Left alone"),
    ]
    assert "-<movie/>" in nfo_diff_text(rows[0]) and "+<movie>" in nfo_diff_text(rows[0])
    assert preview_summary(sample_result()) == "1 of 2 files to write, 1 left alone, in /films/Heat (1995)."


def test_the_files_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = FilesModel()
    model.set_rows(file_rows(sample_result()))
    qtmodeltester.check(model)


async def test_the_files_tab_previews_then_writes(qtbot: QtBot, suite: LibrarySuite, tmp_path: Path) -> None:
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)
    ctx = UiContext(
        providers=suite.app.providers,
        authority=suite.app.authority,
        pool=suite.app.pool,
        orchestrator=suite.app.orchestrator,
        jobs=JobTracker(suite.app.clock),
        clock=suite.app.clock,
        library=suite.library,
        suite=suite,
    )
    tab = FilesTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.show()
    tab.set_movie(movie_id)
    preview = await tab.preview()
    assert preview is not None and not (folder / "Inception.nfo").exists()
    assert tab.model.rows[0].name == "Inception.nfo" and tab.detail.currentWidget() is tab.diff
    assert "+  <title>Inception</title>" in tab.diff.toPlainText()
    written = await tab.write()
    assert written is not None and (folder / "Inception.nfo").exists()
    tab.table.selectRow(1)
    assert tab.detail.currentWidget() is tab.pictures
    assert tab.on_disk.picture.text() == "No file yet" and not tab.metarr.picture.pixmap().isNull()
    tab.grab().save(str(tmp_path / "files-tab.png"))


async def test_the_settings_page_loads_and_saves(qtbot: QtBot, suite: LibrarySuite) -> None:
    settings = suite.app.user_settings
    page = LibraryFilesPage(settings)
    qtbot.addWidget(page)
    assert not page.enabled.isChecked() and page.flavour.currentData() == "both"
    page.enabled.setChecked(True)
    page.flavour.setCurrentIndex(page.flavour.findData("kodi"))
    page.artwork["keyart"].setChecked(False)
    page.extrafanart.setValue(5)
    assert page.save()
    assert settings.get("publish.enabled") is True and settings.get("publish.flavour") == "kodi"
    assert "keyart" not in settings.get("publish.artwork") and settings.get("publish.extrafanart") == 5
    assert LibraryFilesValues.load(settings).extrafanart == 5


async def test_the_first_run_question(qtbot: QtBot, suite: LibrarySuite) -> None:
    settings = suite.app.user_settings
    bar = FirstRunBar(settings)
    qtbot.addWidget(bar)
    messages: list[str] = []
    bar.answered.connect(messages.append)
    bar.buttons["Jellyfin"].click()
    assert settings.get("publish.enabled") is True and settings.get("publish.flavour") == "jellyfin"
    assert messages and "Jellyfin" in messages[0]
    apply_first_run_choice(settings, None)
    assert settings.get("publish.enabled") is False
