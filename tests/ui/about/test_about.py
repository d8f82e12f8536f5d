"""Help › About: the version, the icon, and the providers' credits (TMDB's exact notice with its
mark, OMDb, TheTVDB, fanart.tv), with links; README.md carries the same credits."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from metarr_desktop import __version__
from metarr_desktop.ui.about import CREDITS
from metarr_desktop.ui.about import TMDB_NOTICE
from metarr_desktop.ui.about import AboutDialog
from metarr_desktop.ui.about import about_info
from metarr_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform says so

ROOT = Path(__file__).resolve().parents[3]


def test_the_credits_name_every_provider_with_tmdbs_exact_notice() -> None:
    info = about_info()
    assert info.version == __version__ and info.title == f"Metarr Desktop {__version__}"
    assert [c.provider_id for c in info.credits] == ["tmdb", "omdb", "tvdb", "fanart"]
    assert TMDB_NOTICE == "This product uses the TMDB API but is not endorsed or certified by TMDB."
    assert info.credits[0].text == TMDB_NOTICE
    for credit in info.credits:
        assert credit.mark.is_file() and credit.url.startswith("https://")
    assert info.icon.is_file()


def test_the_readme_carries_the_same_credits() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for credit in CREDITS:
        assert credit.text in readme, credit.provider_id


@pytest.mark.gui
def test_the_dialog_shows_version_marks_credits_and_links(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.title_label.text() == f"Metarr Desktop {__version__}"
    assert list(dialog.credit_rows) == ["tmdb", "omdb", "tvdb", "fanart"]
    for credit in CREDITS:
        mark, text, link = dialog.credit_rows[credit.provider_id]
        assert not mark.pixmap().isNull(), credit.provider_id
        assert text.text() == credit.text and text.textFormat() is Qt.TextFormat.PlainText
        assert link.openExternalLinks() and f'href="{credit.url}"' in link.text()
    picture = tmp_path / "about.png"
    assert dialog.grab().save(str(picture))
    if os.environ.get("METARR_SCREENSHOTS"):
        dialog.grab().save(os.environ["METARR_SCREENSHOTS"])


@pytest.mark.gui
async def test_help_about_is_one_click_away(window: MainWindow) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    about = next(a for a in help_menu.actions() if a.text() == "&About Metarr Desktop")
    assert not window.windowIcon().isNull()
    about.trigger()
    await asyncio.sleep(0)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, AboutDialog) and w.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].parent() is window
    dialogs[0].reject()
