"""`metarr players ...` and `metarr sync ...` end to end against the sandbox's fake Kodi and
Jellyfin on real loopback sockets (CONTRACT.md, "Players")."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from metarr_desktop.cli.main import run
from metarr_desktop.sandbox.players import FakeMovie
from metarr_desktop.sandbox.players import JellyfinFake
from metarr_desktop.sandbox.players import KodiFake
from tests.helpers.fake_keyring import MemoryKeyring

Capture = pytest.CaptureFixture[str]

pytestmark = pytest.mark.usefixtures("memory_keyring")  # the commands never touch the real keyring


@pytest.fixture
def kodi() -> Iterator[KodiFake]:
    fake = KodiFake(
        [FakeMovie("Alien", "smb://nas/media/Alien (1979)/Alien.mkv", "tt0078748")],
        username="kodi",
        password="pass word",
    )
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def jellyfin() -> Iterator[JellyfinFake]:
    fake = JellyfinFake(
        [FakeMovie("Alien", "/media/Alien (1979)/Alien.mkv", "tt0078748")], token="jf-token-123"
    )
    fake.start()
    yield fake
    fake.stop()


def metarr(data_dir: Path, *args: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        return run(["--data-dir", str(data_dir), *args])
    except SystemExit as exc:  # argparse's usage errors
        return int(exc.code or 0)


def add_kodi(
    data_dir: Path, kodi: KodiFake, password: str, monkeypatch: pytest.MonkeyPatch, *extra: str
) -> int:
    """`metarr players add kodi` for the fake: named "Kodi", user "kodi", the password on stdin."""
    return metarr(
        data_dir,
        *("players", "add", "kodi", "--name", "Kodi", "--url", kodi.url),
        *("--username", "kodi", "--password-stdin", *extra),
        stdin=f"{password}\n",
        monkeypatch=monkeypatch,
    )


def test_add_test_list_sync_and_remove(
    tmp_path: Path,
    kodi: KodiFake,
    jellyfin: JellyfinFake,
    capsys: Capture,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring: MemoryKeyring,
) -> None:
    data = tmp_path / "profile"
    assert metarr(data, "library", "add", "--title", "Alien", "--path", "/mnt/media/Alien (1979)") == 0
    mapping = "/mnt/media=smb://nas/media/"
    assert add_kodi(data, kodi, "pass word", monkeypatch, "--map", mapping, "--json") == 0
    capsys.readouterr()
    assert (
        metarr(
            data,
            "players",
            "add",
            "jellyfin",
            "--name",
            "JF",
            "--url",
            jellyfin.url,
            "--token-stdin",
            "--map",
            "/mnt/media=/media",
            stdin="jf-token-123\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    capsys.readouterr()

    assert metarr(data, "players", "test", "1") == 0
    assert capsys.readouterr().out == "player 1: Kodi 21.2 (JSON-RPC 13.5)\n"

    assert metarr(data, "players", "list", "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["kind"], r["name"], r["pending"]) for r in rows] == [
        (1, "kodi", "Kodi", 0),
        (2, "jellyfin", "JF", 0),
    ]
    assert rows[0]["path_mappings"] == [{"local": "/mnt/media", "remote": "smb://nas/media/"}]
    assert set(rows[0]) >= {
        "id",
        "kind",
        "name",
        "url",
        "enabled",
        "path_mappings",
        "status",
        "last_sync_at",
        "last_error",
        "pending",
    }
    assert "pass word" not in json.dumps(rows)

    assert metarr(data, "sync", "1", "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "results": [
            {"movie_id": 1, "player": "Kodi", "player_id": 1, "action": "refreshed", "error": None},
            {"movie_id": 1, "player": "JF", "player_id": 2, "action": "refreshed", "error": None},
        ]
    }
    assert kodi.refreshed == [1] and len(jellyfin.refreshed) == 1

    assert metarr(data, "sync", "--pending", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"results": []}

    assert metarr(data, "players", "check", "1", "1") == 0
    assert "The player knows this path" in capsys.readouterr().out

    assert metarr(data, "players", "remove", "2") == 0
    assert ("metarr-desktop", "player:2") not in memory_keyring.passwords
    capsys.readouterr()
    assert metarr(data, "players", "list", "--json") == 0
    assert [r["id"] for r in json.loads(capsys.readouterr().out)] == [1]


def test_wrong_credentials_exit_1_with_the_reason(
    tmp_path: Path, kodi: KodiFake, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "profile"
    assert add_kodi(data, kodi, "nope", monkeypatch) == 0
    capsys.readouterr()
    kodi.clear()
    assert metarr(data, "players", "test", "1") == 1
    err = capsys.readouterr().err
    assert (
        err == "metarr: player 1: Kodi refused the user name or password (HTTP 401); "
        "check them on the Players page\n"
    )
    assert len(kodi.requests) == 1  # not retried


@pytest.mark.parametrize(
    "args",
    [
        ["players", "add", "tivo", "--name", "X", "--url", "http://x"],
        ["players", "add", "kodi", "--name", "X", "--url", "ftp://x"],
        ["players", "add", "kodi", "--name", "X", "--url", "http://x", "--map", "nomapping"],
        ["players", "set", "9", "--name", "X"],
        ["players", "test", "abc"],
        ["sync"],
        ["sync", "1", "--pending"],
        ["sync", "42"],
    ],
)
def test_bad_input_is_exit_2_with_one_line(tmp_path: Path, capsys: Capture, args: list[str]) -> None:
    assert metarr(tmp_path / "profile", *args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_plex_on_loopback(tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    from metarr_desktop.sandbox.players import PlexFake

    plex = PlexFake(token="plex-token-123", sections={"1": ("Movies", ["/data/movies"])})
    plex.start()
    try:
        data = tmp_path / "profile"
        assert metarr(data, "library", "add", "--title", "Heat", "--path", "/mnt/Movies/Heat (1995)") == 0
        assert (
            metarr(
                data,
                "players",
                "add",
                "plex",
                "--name",
                "Plex",
                "--url",
                plex.url,
                "--token-stdin",
                "--map",
                "/mnt/Movies=/data/movies",
                stdin="plex-token-123\n",
                monkeypatch=monkeypatch,
            )
            == 0
        )
        assert metarr(data, "players", "test", "1") == 0
        assert metarr(data, "sync", "1") == 0
        assert plex.refreshed == [("1", "/data/movies/Heat (1995)")]
        assert plex.log() == ["GET /", "GET /library/sections", "GET /library/sections/1/refresh"]
    finally:
        plex.stop()
