"""The Players page and the movie page's sync strip, on the qasync loop, rendered to PNG."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from metarr_desktop.services.context import AppServices
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.players.models import PlayersModel
from metarr_desktop.ui.players.presenter import PlayerRow
from metarr_desktop.ui.players.sync_widget import MovieSyncWidget
from metarr_desktop.ui.players.view import MAPPING_HINT
from metarr_desktop.ui.players.view import PlayersPage
from tests.helpers.players import KODI_URL
from tests.helpers.players import Fakes
from tests.helpers.players import Movies
from tests.helpers.players import add_jellyfin
from tests.helpers.players import add_kodi
from tests.helpers.qt import shown_and_loaded

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

T = TypeVar("T")

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


async def test_switching_players_clears_what_the_editor_said_about_the_last_one(
    page: PlayersPage, app: AppServices, movies: Movies
) -> None:
    jellyfin = await add_jellyfin(app)
    kodi = await add_kodi(app)
    page.select_player(jellyfin)
    assert await page.test_connection()
    page.movie_box.setCurrentIndex(page.movie_box.findData(movies.alien))
    assert await page.check_mapping() is True
    assert page.check_label.text().startswith("✓ Player path:") and page.result_label.text()

    page.add_button.click()  # a new player: nothing is known about it yet
    assert page.editor_box.title() == "New player"
    assert page.check_label.text() == MAPPING_HINT and page.result_label.text() == ""

    page.select_player(jellyfin)
    assert await page.check_mapping() is True
    page.select_player(kodi)  # another player: the check was about Jellyfin
    assert page.editor_box.title() == "Living room"
    assert page.check_label.text() == MAPPING_HINT and page.result_label.text() == ""


async def test_the_row_shown_before_add_player_opens_again_when_clicked(
    page: PlayersPage, app: AppServices
) -> None:
    jellyfin = await add_jellyfin(app)
    page.select_player(jellyfin)
    page.add_button.click()
    assert page.editor_box.title() == "New player"
    row = page.model.row_of(jellyfin)
    assert row is not None
    QTest.mouseClick(
        page.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=page.table.visualRect(page.model.index(row, 0)).center(),
    )
    assert page.player_id == jellyfin and page.editor_box.title() == "Jellyfin"


class Gate:
    """Holds the first call of a presenter method until `open()`, so that a test can switch
    players while it runs; later calls go straight through."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.opened = asyncio.Event()

    def hold(self, call: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        async def held(*args: object) -> T:
            if not self.started.is_set():
                self.started.set()
                await self.opened.wait()
            return await call(*args)

        return held


async def test_a_late_answer_is_not_shown_on_another_players_form(
    page: PlayersPage, app: AppServices, movies: Movies, monkeypatch: pytest.MonkeyPatch
) -> None:
    jellyfin = await add_jellyfin(app)
    kodi = await add_kodi(app)
    presenter = page.presenter
    assert presenter is not None
    page.movie_box.setCurrentIndex(page.movie_box.findData(movies.alien))

    # A mapping check on Jellyfin answers once Kodi is in the editor.
    check_gate = Gate()
    monkeypatch.setattr(presenter, "check_mapping", check_gate.hold(presenter.check_mapping))
    page.select_player(jellyfin)
    check = asyncio.ensure_future(page.check_mapping())
    await check_gate.started.wait()
    assert page.check_label.text() == "Asking the player…"
    page.select_player(kodi)
    check_gate.opened.set()
    assert await check is None
    assert page.check_label.text() == MAPPING_HINT

    # A newer check on the same player wins over an older one that answers later.
    slow_gate = Gate()
    monkeypatch.setattr(presenter, "check_mapping", slow_gate.hold(presenter.check_mapping))
    older = asyncio.ensure_future(page.check_mapping())
    await slow_gate.started.wait()
    page.movie_box.setCurrentIndex(page.movie_box.findData(movies.heat))
    assert await page.check_mapping() is False
    newer = page.check_label.text()
    assert newer.startswith("✗ ")
    slow_gate.opened.set()
    assert await older is None
    assert page.check_label.text() == newer

    # A connection test of Kodi answers once a new player is in the editor: its Test stays off.
    test_gate = Gate()
    monkeypatch.setattr(presenter, "test", test_gate.hold(presenter.test))
    test = asyncio.ensure_future(page.test_connection())
    await test_gate.started.wait()
    page.add_button.click()
    test_gate.opened.set()
    assert await test
    assert page.result_label.text() == "" and not page.test_button.isEnabled()

    # A save of the new player answers once Jellyfin is in the editor: the table gets the player,
    # the editor stays on Jellyfin.
    save_gate = Gate()
    monkeypatch.setattr(presenter, "save", save_gate.hold(presenter.save))
    page.name_edit.setText("Bedroom")
    page.url_edit.setText(KODI_URL)
    save = asyncio.ensure_future(page.save())
    await save_gate.started.wait()
    page.select_player(jellyfin)
    save_gate.opened.set()
    assert await save
    assert "Bedroom" in [r.name for r in page.model.rows]
    assert page.player_id == jellyfin and page.editor_box.title() == "Jellyfin"
    assert page.result_label.text() == ""


async def test_a_player_name_is_shown_literally_in_the_editors_title(page: PlayersPage) -> None:
    page.name_edit.setText("<b>Bedroom</b> & Kodi")
    page.url_edit.setText(KODI_URL)
    assert await page.save()
    # Qt reads one "&" in a group box title as a mnemonic mark ("Bedroom _Kodi"); "&&" shows "&".
    assert page.editor_box.title() == "<b>Bedroom</b> && Kodi"
    assert page.result_label.text() == "Added <b>Bedroom</b> & Kodi."
