"""The Players page's logic without widgets: rows, the form read back, the actions' sentences."""

from __future__ import annotations

import pytest

from metarr_desktop.core.player_paths import PathMapping
from metarr_desktop.players import PlayerKind
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.players.models import UNSET
from metarr_desktop.services.players.models import PlayerConfigError
from metarr_desktop.ui.players.presenter import PlayerForm
from metarr_desktop.ui.players.presenter import PlayersPresenter
from metarr_desktop.ui.players.presenter import change_of
from metarr_desktop.ui.players.presenter import format_mappings
from metarr_desktop.ui.players.presenter import parse_mappings
from tests.helpers.players import JELLYFIN_URL
from tests.helpers.players import KODI_URL
from tests.helpers.players import Fakes
from tests.helpers.players import Movies
from tests.helpers.players import add_kodi


def test_mappings_round_trip_through_the_text_box() -> None:
    mappings = [PathMapping("/mnt/media", "smb://nas/media/"), PathMapping("/data/movies", "D:\\Movies")]
    text = format_mappings(mappings)
    assert text == "/mnt/media = smb://nas/media/\n/data/movies = D:\\Movies"
    assert parse_mappings(text + "\n\n") == mappings
    with pytest.raises(PlayerConfigError, match="mapping line 2"):
        parse_mappings("/a = /b\nnot a mapping")


def test_an_empty_secret_keeps_the_stored_one_when_editing() -> None:
    form = PlayerForm(kind=PlayerKind.JELLYFIN, name=" JF ", url="http://jf:8096 ", username="ignored")
    assert change_of(form, existing=True).secret is UNSET
    assert change_of(form, existing=False).secret is None
    change = change_of(form, existing=True)
    assert (change.name, change.url, change.username) == ("JF", "http://jf:8096", None)


async def test_save_test_check_and_sync(app: AppServices, fakes: Fakes, movies: Movies) -> None:
    assert app.players is not None
    presenter = PlayersPresenter(app.players, app.clock)
    view, text = await presenter.save(None, PlayerForm(kind=PlayerKind.KODI, name="", url=KODI_URL))
    assert view is None and text == "A player needs a name."
    form = PlayerForm(
        kind=PlayerKind.KODI,
        name="Kodi",
        url=KODI_URL,
        username="kodi",
        secret="correct horse battery",
        mappings="/mnt/media = smb://nas/media/",
    )
    view, text = await presenter.save(None, form)
    assert view is not None and text == "Added Kodi."
    assert await presenter.test(view.id) == (True, "Connected: Kodi 21.2 (JSON-RPC 13.5)")
    known, text = await presenter.check_mapping(view.id, movies.alien)
    assert known is True and text.startswith("Player path: smb://nas/media/Movies/Alien (1979)\n")
    await app.players.enqueue([movies.alien, movies.heat], "Changed: plot")
    [row] = presenter.rows()
    assert (row.name, row.kind, row.status, row.pending, row.last_sync) == (
        "Kodi",
        "Kodi",
        "healthy",
        2,
        "never",
    )
    assert await presenter.sync_pending() == "Sync: 1 refreshed, 1 scanned."
    assert presenter.rows()[0].pending == 0
    assert presenter.rows()[0].last_sync == "just now"
    assert await presenter.sync_pending() == "Nothing to sync: the players are up to date."


async def test_a_failed_run_names_the_reason(app: AppServices, movies: Movies) -> None:
    assert app.players is not None
    presenter = PlayersPresenter(app.players, app.clock)
    await add_kodi(app, password="nope")
    await app.players.enqueue([movies.alien], None)
    text = await presenter.sync_pending()
    assert text.startswith("Sync: 1 failed. Living room: Kodi refused the user name or password")
    assert presenter.rows()[0].last_error.startswith("Kodi refused")


async def test_editing_keeps_the_stored_token(app: AppServices, fakes: Fakes) -> None:
    assert app.players is not None
    presenter = PlayersPresenter(app.players, app.clock)
    view, _ = await presenter.save(
        None,
        PlayerForm(
            kind=PlayerKind.JELLYFIN, name="JF", url=JELLYFIN_URL, secret="0123456789abcdef0123456789abcdef"
        ),
    )
    assert view is not None
    form = presenter.form(view.id)
    assert form.secret == "" and form.name == "JF"
    form.name = "Jellyfin upstairs"
    saved, text = await presenter.save(view.id, form)
    assert saved is not None and text == "Saved Jellyfin upstairs."
    assert (await presenter.test(view.id))[0] is True
