"""Syncing movies to Kodi, Jellyfin and Plex: the exact requests, deferral, credentials, the
persistent queue across a restart, and no request at all when nothing player-visible changed."""

from __future__ import annotations

from pathlib import Path

from metarr_desktop.core.changes import detect_changes
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.merge import MergeResult
from metarr_desktop.core.records import SyncState
from metarr_desktop.players import SyncAction
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.players.models import PlayerChange
from metarr_desktop.services.players.models import engine_id
from metarr_desktop.services.players.sync import not_found_reason
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.players import Fakes
from tests.helpers.players import Movies
from tests.helpers.players import add_jellyfin
from tests.helpers.players import add_kodi
from tests.helpers.players import add_plex
from tests.helpers.players import open_app

REFRESH = {
    "metadataRefreshMode": "FullRefresh",
    "imageRefreshMode": "FullRefresh",
    "replaceAllMetadata": "false",
}


def actions(report: object) -> list[tuple[int, str, str]]:
    return [(r.movie_id, r.player, r.action.value) for r in report.results]  # type: ignore[attr-defined]


# -- each player's requests --------------------------------------------------------------------------


async def test_kodi_changed_new_and_unknown_movies(app: AppServices, fakes: Fakes, movies: Movies) -> None:
    await add_kodi(app)
    report = await app.players.sync([movies.alien, movies.heat, movies.brazil, movies.nowhere])

    assert actions(report) == [
        (movies.alien, "Living room", "refreshed"),
        (movies.heat, "Living room", "scanned"),
        (movies.brazil, "Living room", "refreshed"),  # by IMDb id: Kodi has it at another path
        (movies.nowhere, "Living room", "not_found"),
    ]
    assert fakes.kodi.log() == [
        "POST /jsonrpc Player.GetActivePlayers",
        "POST /jsonrpc VideoLibrary.GetMovies",
        "POST /jsonrpc VideoLibrary.RefreshMovie",
        "POST /jsonrpc VideoLibrary.Scan",
        "POST /jsonrpc VideoLibrary.RefreshMovie",
    ]
    calls = fakes.kodi.requests
    assert calls[1].params == {"properties": ["title", "file", "imdbnumber", "uniqueid"]}
    assert calls[2].params == {"movieid": 1, "ignorenfo": False}
    assert calls[3].params == {"directory": "smb://nas/media/Movies/Heat (1995)/", "showdialogs": False}
    assert calls[4].params == {"movieid": 2, "ignorenfo": False}


async def test_jellyfin_changed_new_and_unknown_movies(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    await add_jellyfin(app)
    report = await app.players.sync([movies.alien, movies.heat, movies.brazil, movies.nowhere])

    assert [a for _, _, a in actions(report)] == ["refreshed", "scanned", "refreshed", "not_found"]
    assert fakes.jellyfin.log() == [
        "GET /Items",
        f"POST /Items/{fakes.jellyfin.refreshed[0]}/Refresh",
        "POST /Library/Media/Updated",
        f"POST /Items/{fakes.jellyfin.refreshed[1]}/Refresh",
    ]
    assert fakes.jellyfin.requests[0].query == {
        "Recursive": "true",
        "IncludeItemTypes": "Movie",
        "Fields": "Path,ProviderIds",
    }
    assert fakes.jellyfin.refresh_queries == [REFRESH, REFRESH]
    assert fakes.jellyfin.updated == ["/media/movies/Heat (1995)"]


async def test_plex_refreshes_the_section_that_holds_the_folder(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    await add_plex(app)
    report = await app.players.sync([movies.alien, movies.heat, movies.brazil, movies.nowhere])

    assert [a for _, _, a in actions(report)] == ["refreshed", "refreshed", "refreshed", "not_found"]
    assert fakes.plex.log() == ["GET /library/sections"] + ["GET /library/sections/1/refresh"] * 3
    assert fakes.plex.refreshed == [
        ("1", "/data/movies/Alien (1979)"),
        ("1", "/data/movies/Heat (1995)"),
        ("1", "/data/movies/Brazil (1985)"),  # the folder of a movie stored as a file
    ]


async def test_plex_without_a_section_for_the_folder_gets_no_refresh(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    view = await app.players.add(
        "plex", PlayerChange(name="Plex", url="http://plex.test:32400", secret="plex-token-abcdefgh")
    )
    report = await app.players.sync([movies.alien])
    assert actions(report) == [(movies.alien, "Plex", "not_found")]
    assert fakes.plex.log() == ["GET /library/sections"]
    assert app.players.movie_states(movies.alien)[0].state is SyncState.NOT_FOUND
    assert app.players.get(view.id).pending == 0


async def test_not_found_tells_a_movie_without_a_folder_from_an_unmapped_folder(
    app: AppServices, movies: Movies
) -> None:
    # A Plex without path mappings: no section holds the library's folders as they are.
    await app.players.add(
        "plex", PlayerChange(name="Plex", url="http://plex.test:32400", secret="plex-token-abcdefgh")
    )
    folderless = app.movies.add("Emma", year=1996, ids=ExternalIds(imdb="tt0116191")).id
    report = await app.players.sync([folderless, movies.alien])

    assert [a for _, _, a in actions(report)] == ["not_found", "not_found"]
    no_folder, unmapped = (app.players.movie_states(m)[0] for m in (folderless, movies.alien))
    assert no_folder.text == "not found: the movie has no folder, and the player has no movie with its ids"
    assert unmapped.text == (
        "not found: no library of this player holds the movie's folder (check the mappings)"
    )
    assert not_found_reason(None) == not_found_reason("") == no_folder.error


# -- playing, credentials, offline ---------------------------------------------------------------------


async def test_a_playing_kodi_is_deferred_then_synced_when_idle(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    kodi = await add_kodi(app)
    fakes.kodi.playing = True
    report = await app.players.sync([movies.alien])
    assert actions(report) == [(movies.alien, "Living room", "deferred")]
    assert fakes.kodi.log() == ["POST /jsonrpc Player.GetActivePlayers"]  # nothing that could interrupt
    assert app.players.movie_states(movies.alien)[0].text == "deferred (playing)"
    assert app.players.get(kodi).pending == 1

    fakes.kodi.playing = False
    fakes.kodi.clear()
    report = await app.players.sync_pending()
    assert actions(report) == [(movies.alien, "Living room", "refreshed")]
    assert fakes.kodi.refreshed == [1]
    assert app.players.movie_states(movies.alien)[0].text == "in sync"
    assert app.players.get(kodi).pending == 0


async def test_the_window_retries_deferred_syncs_by_itself(
    app: AppServices, fakes: Fakes, movies: Movies, clock: VirtualClock
) -> None:
    await add_kodi(app)
    app.players.auto_retry = True
    fakes.kodi.playing = True
    await app.players.sync([movies.alien])
    fakes.kodi.playing = False
    task = app.players._retry_task
    assert task is not None
    await task  # the virtual clock jumps the retry delay
    assert fakes.kodi.refreshed == [1]


async def test_wrong_credentials_are_not_retried_and_say_so(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    kodi = await add_kodi(app, password="wrong")
    check = await app.players.test(kodi)
    assert not check.ok
    assert (
        check.message == "Kodi refused the user name or password (HTTP 401); check them on the Players page"
    )
    assert fakes.kodi.log() == ["POST /jsonrpc"]  # one request, no retry

    fakes.kodi.clear()
    report = await app.players.sync([movies.alien, movies.heat])
    assert [r.action for r in report.results] == [SyncAction.FAILED, SyncAction.FAILED]
    assert report.results[0].error == check.message
    assert fakes.kodi.log() == ["POST /jsonrpc"]  # the run stopped at the refusal
    assert app.players.get(kodi).last_error == check.message
    assert app.players.movie_states(movies.alien)[0].text == f"failed: {check.message}"
    assert "wrong" not in repr(app.players.all())

    await app.players.update(kodi, PlayerChange(secret="correct horse battery"))
    report = await app.players.sync_pending()
    assert [r.action for r in report.results] == [SyncAction.REFRESHED, SyncAction.SCANNED]


async def test_jellyfin_with_a_wrong_token_and_plex_without_one(app: AppServices, fakes: Fakes) -> None:
    jellyfin = await add_jellyfin(app, token="not-the-token")
    plex = await app.players.add("plex", PlayerChange(name="Plex", url="http://plex.test:32400"))
    assert (await app.players.test(jellyfin)).message.startswith(
        "Jellyfin refused the access token (HTTP 401)"
    )
    assert (await app.players.test(plex.id)).message.startswith("Plex refused the access token (HTTP 401)")
    assert fakes.jellyfin.log() == ["GET /System/Info"]


async def test_test_connection_shows_name_and_version(app: AppServices) -> None:
    kodi, jellyfin, plex = await add_kodi(app), await add_jellyfin(app), await add_plex(app)
    assert (await app.players.test(kodi)).message == "Kodi 21.2 (JSON-RPC 13.5)"
    assert (await app.players.test(jellyfin)).message == "Jellyfin 10.10.7 (Jellyfin Server)"
    assert (await app.players.test(plex)).message == "Plex 1.41.3.9314-a0bfb8370 (Plex Media Server)"


async def test_an_offline_player_keeps_its_queue_across_a_restart(
    tmp_path: Path, fakes: Fakes, clock: VirtualClock, keyring_backend: MemoryKeyring
) -> None:
    profile = tmp_path / "profile"
    app = open_app(profile, fakes, clock, keyring_backend)
    try:
        movie = app.movies.add("Alien", path="/mnt/media/Movies/Alien (1979)").id
        kodi = await add_kodi(app)
        fakes.kodi.online = False
        await app.players.enqueue([movie], "Changed: plot")
        await app.players.enqueue([movie], "Changed: poster")  # two changes, one sync
        report = await app.players.sync_pending()
        assert [r.action for r in report.results] == [SyncAction.FAILED]
        assert "network error" in (report.results[0].error or "")
        assert app.players.get(kodi).pending == 1
    finally:
        await app.aclose()

    fakes.kodi.online = True
    app = open_app(profile, fakes, clock, keyring_backend)
    try:
        view = app.players.get(kodi)
        assert view.pending == 1
        assert view.last_error is not None
        report = await app.players.sync_pending()
        assert actions(report) == [(movie, "Living room", "refreshed")]
        assert fakes.kodi.refreshed == [1]  # one refresh for both changes
        assert app.players.get(kodi).pending == 0
        assert app.players.get(kodi).last_error is None
        assert app.players.get(kodi).last_sync_at is not None
    finally:
        await app.aclose()


async def test_an_offline_player_goes_down_on_the_health_page(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    kodi = await add_kodi(app)
    fakes.kodi.online = False
    for _ in range(3):
        await app.players.sync([movies.alien])
    health = {h.id: h for h in app.players.health()}[engine_id(kodi)]
    assert health.consecutive_failures >= 3
    assert health.status.value in ("down", "degraded")
    assert app.players.names()[engine_id(kodi)] == "Living room (Kodi)"
    assert engine_id(kodi) not in app.pool  # never part of a metadata fetch


# -- what is synced ---------------------------------------------------------------------------------


async def test_no_player_visible_change_sends_no_request(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    await add_kodi(app)
    await add_jellyfin(app)
    await add_plex(app)
    invisible = detect_changes({"imdb_votes": 1}, MergeResult({"imdb_votes": 2}, {"imdb_votes": "omdb"}))
    assert invisible.changed_fields and invisible.requires_player_sync is False
    assert await app.players.enqueue_changes(movies.alien, invisible) is False
    report = await app.players.sync_pending()
    assert report.results == []
    assert fakes.kodi.log() == fakes.jellyfin.log() == fakes.plex.log() == []


async def test_a_visible_change_is_owed_to_every_enabled_player(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    kodi, jellyfin = await add_kodi(app), await add_jellyfin(app)
    await app.players.update(jellyfin, PlayerChange(enabled=False))
    visible = detect_changes({"plot": "a"}, MergeResult({"plot": "b"}, {"plot": "tmdb"}))
    assert visible.requires_player_sync
    assert await app.players.enqueue_changes(movies.alien, visible)
    assert app.players.get(kodi).pending == 1
    assert app.players.get(jellyfin).pending == 0
    report = await app.players.sync_pending()
    assert actions(report) == [(movies.alien, "Living room", "refreshed")]
    assert fakes.jellyfin.log() == []


async def test_the_movie_list_is_read_once_per_run(app: AppServices, fakes: Fakes) -> None:
    await add_kodi(app)
    ids = [app.movies.add(f"M{n}", path=f"/mnt/media/Movies/M{n}").id for n in range(20)]
    await app.players.sync(ids)
    log = fakes.kodi.log()
    assert log.count("POST /jsonrpc VideoLibrary.GetMovies") == 1
    assert log.count("POST /jsonrpc VideoLibrary.Scan") == 20
    assert len(log) == 22


async def test_the_mapping_tester(app: AppServices, movies: Movies) -> None:
    kodi, plex = await add_kodi(app), await add_plex(app)
    known = await app.players.check_mapping(kodi, movies.alien)
    assert (known.known, known.matched_by, known.remote_path) == (
        True,
        "path",
        "smb://nas/media/Movies/Alien (1979)",
    )
    elsewhere = await app.players.check_mapping(kodi, movies.brazil)
    assert (elsewhere.known, elsewhere.matched_by) == (False, "imdb")
    assert "smb://nas/old/Brazil.avi" in elsewhere.message
    new = await app.players.check_mapping(kodi, movies.heat)
    assert new.known is False and new.matched_by is None
    section = await app.players.check_mapping(plex, movies.heat)
    assert section.known is True and "Movies" in section.message
    nothing = await app.players.check_mapping(kodi, movies.nowhere)
    assert nothing.known is None and nothing.remote_path is None


async def test_secrets_stay_out_of_the_database(app: AppServices, keyring_backend: MemoryKeyring) -> None:
    kodi = await add_kodi(app)
    database = Path(app.database.path)
    files = [p for p in database.parent.iterdir() if p.name.startswith(database.name)]
    assert files and all(b"correct horse battery" not in p.read_bytes() for p in files)
    assert keyring_backend.passwords[("metarr-desktop", f"player:{kodi}")] == "correct horse battery"
    await app.players.remove(kodi)
    assert ("metarr-desktop", f"player:{kodi}") not in keyring_backend.passwords


# -- after publishing --------------------------------------------------------------------------------


async def test_published_changes_are_synced_once_per_run_and_the_cli_can_wait_for_them(
    app: AppServices, fakes: Fakes, movies: Movies
) -> None:
    await add_kodi(app)
    visible = detect_changes({"plot": "a"}, MergeResult({"plot": "b"}, {"plot": "tmdb"}))
    invisible = detect_changes({"imdb_votes": 1}, MergeResult({"imdb_votes": 2}, {"imdb_votes": "omdb"}))
    assert await app.players.notify(movies.alien, invisible) is False
    # Two movies published one after the other, as Enrich all does: one run serves both.
    assert await app.players.notify(movies.alien, visible) is True
    assert await app.players.notify(movies.brazil, visible) is True
    await app.players.drain()
    log = fakes.kodi.log()
    assert log.count("POST /jsonrpc VideoLibrary.GetMovies") <= 2
    assert log.count("POST /jsonrpc VideoLibrary.RefreshMovie") == 2
    assert [s.state for s in app.players.movie_states(movies.alien)] == [SyncState.SYNCED]
