"""The Players page and the movie page's sync strip, on the qasync loop, rendered to PNG."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from metarr_desktop.services.context import AppServices
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.players.models import PlayersModel
from metarr_desktop.ui.players.presenter import PlayerRow
from metarr_desktop.ui.players.sync_widget import MovieSyncWidget
from metarr_desktop.ui.players.view import PlayersPage
from tests.helpers.players import KODI_URL
from tests.helpers.players import Fakes
from tests.helpers.players import Movies
from tests.helpers.players import add_jellyfin
from tests.helpers.qt import shown_and_loaded

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_the_players_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = PlayersModel()
    model.set_rows(
        [
            PlayerRow(1, "Kodi", "Kodi", "http://k", True, "healthy", 2, "just now", ""),
            PlayerRow(2, "JF", "Jellyfin", "http://j", False, "disabled", 0, "never", "refused"),
        ]
    )
    qtmodeltester.check(model)
    assert model.index(1, 5).data() == "refused"
    assert model.row_of(2) == 1


@pytest.fixture
async def page(qtbot: QtBot, app: AppServices, movies: Movies) -> AsyncIterator[PlayersPage]:
    ctx = UiContext.from_services(app)
    widget = await shown_and_loaded(qtbot, PlayersPage(ctx), 1100, 640)
    yield widget
    widget.dispose()


async def test_add_test_check_and_remove_from_the_page(
    page: PlayersPage, fakes: Fakes, movies: Movies
) -> None:
    assert page.model.rows == []
    assert page.save_button.text() == "Add" and not page.test_button.isEnabled()
    page.name_edit.setText("Living room")
    page.url_edit.setText(KODI_URL)
    page.username_edit.setText("kodi")
    page.secret_edit.setText("correct horse battery")
    page.mappings_edit.setPlainText("/mnt/media = smb://nas/media/")
    assert await page.save()
    assert [r.name for r in page.model.rows] == ["Living room"]
    assert page.save_button.text() == "Save" and page.secret_edit.placeholderText() == "unchanged"

    assert await page.test_connection()
    assert page.result_label.text() == "Connected: Kodi 21.2 (JSON-RPC 13.5)"

    page.movie_box.setCurrentIndex(page.movie_box.findData(movies.heat))
    assert await page.check_mapping() is False
    assert "smb://nas/media/Movies/Heat (1995)" in page.check_label.text()
    page.movie_box.setCurrentIndex(page.movie_box.findData(movies.alien))
    assert await page.check_mapping() is True
    assert page.check_label.text().startswith("✓ Player path: smb://nas/media/Movies/Alien (1979)")

    SHOTS.mkdir(exist_ok=True)
    assert page.grab().save(str(SHOTS / "players-page.png"))

    await page.remove()
    assert page.model.rows == [] and page.save_button.text() == "Add"


async def test_a_bad_form_says_what_is_wrong(page: PlayersPage) -> None:
    page.name_edit.setText("Kodi")
    page.url_edit.setText("kodi.local")
    assert not await page.save()
    assert page.result_label.text().startswith("Expected an http:// or https:// address")
    page.url_edit.setText(KODI_URL)
    page.mappings_edit.setPlainText("nonsense")
    assert not await page.save()
    assert page.result_label.text() == "Mapping line 1: expected LOCAL = REMOTE, got 'nonsense'."


async def test_the_jellyfin_form_asks_for_an_api_key(page: PlayersPage) -> None:
    page.kind_box.setCurrentIndex(1)
    assert page.secret_label.text() == "API key"
    assert not page.username_edit.isVisibleTo(page)
    assert page.url_edit.placeholderText() == "http://jellyfin.local:8096"


async def test_the_movie_strip_shows_each_players_state_and_syncs(
    qtbot: QtBot, app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    await add_jellyfin(app)
    widget = MovieSyncWidget(app.players)
    qtbot.addWidget(widget)
    widget.set_movie(movies.alien)
    widget.show()
    assert [label.text() for label in widget.labels] == ["○ Jellyfin: never synced"]
    text = await widget.sync()
    assert text == "Sync: 1 refreshed."
    assert [label.text() for label in widget.labels] == ["✓ Jellyfin: in sync"]
    fakes.jellyfin.online = False
    await widget.sync()
    assert widget.labels[0].text().startswith("… Jellyfin: pending: network error")
