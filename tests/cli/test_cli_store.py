"""`metarr providers`, `metarr authority` and `metarr assets` end to end (CONTRACT.md)."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from metarr_desktop.cli.main import run
from metarr_desktop.core.authority import default_authority
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services.context import AppServices
from tests.helpers.contract import ASSET_KEYS
from tests.helpers.contract import HEALTH_KEYS
from tests.helpers.contract import PROVIDER_KEYS
from tests.helpers.damaged import random_bytes
from tests.helpers.damaged import snapshot
from tests.helpers.damaged import truncated_database
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.fake_services import FakeServices

Capture = pytest.CaptureFixture[str]

KEY = "cli-secret-key-987654321"


def metarr(data_dir: Path, *args: str) -> int:
    return run(["--data-dir", str(data_dir), *args])


def json_out(capsys: Capture, data_dir: Path, *args: str) -> Any:
    capsys.readouterr()
    assert metarr(data_dir, *args, "--json") == 0
    captured = capsys.readouterr()
    return json.loads(captured.out)


def one_line_error(capsys: Capture) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


# -- providers ----------------------------------------------------------------------------------------


def test_providers_list_json_follows_the_contract(data_dir: Path, capsys: Capture) -> None:
    rows = json_out(capsys, data_dir, "providers", "list")
    assert [r["id"] for r in rows] == ["omdb", "tmdb", "tvdb", "fanart"]
    assert [r["priority"] for r in rows] == [1, 2, 3, 4]
    for row in rows:
        assert set(row) >= PROVIDER_KEYS
        assert row["has_api_key"] is False and row["key_storage"] == "keyring"
    by_id = {r["id"]: r for r in rows}
    assert by_id["tmdb"]["rate_limit"] == {"requests": 40, "window_seconds": 1}
    assert by_id["tvdb"]["rate_limit"] == {"requests": 30, "window_seconds": 10}
    assert by_id["fanart"]["rate_limit"] == {"requests": 10, "window_seconds": 1}
    assert by_id["omdb"]["daily_quota"] == 1000 and by_id["tmdb"]["daily_quota"] is None


@pytest.mark.usefixtures("no_keyring")
def test_without_a_keyring_the_list_warns_that_keys_are_unencrypted(data_dir: Path, capsys: Capture) -> None:
    assert metarr(data_dir, "providers", "list") == 0
    captured = capsys.readouterr()
    assert "omdb" in captured.out
    assert captured.err.count("stored unencrypted") == 1
    rows = json_out(capsys, data_dir, "providers", "list")
    assert {r["key_storage"] for r in rows} == {"file (unencrypted)"}


def test_providers_set_changes_and_keeps_priorities_contiguous(data_dir: Path, capsys: Capture) -> None:
    assert (
        metarr(
            data_dir,
            "providers",
            "set",
            "fanart",
            "--priority",
            "1",
            "--enabled",
            "false",
            "--rate",
            "5/2",
            "--daily-quota",
            "500",
            "--base-url",
            "http://127.0.0.1:8080/fanart/v3",
        )
        == 0
    )
    assert capsys.readouterr().out == "fanart: updated\n"
    rows = json_out(capsys, data_dir, "providers", "list")
    assert [(r["id"], r["priority"]) for r in rows] == [("fanart", 1), ("omdb", 2), ("tmdb", 3), ("tvdb", 4)]
    fanart = rows[0]
    assert fanart["enabled"] is False and fanart["rate_limit"] == {"requests": 5, "window_seconds": 2}
    assert fanart["daily_quota"] == 500 and fanart["base_url"] == "http://127.0.0.1:8080/fanart/v3"
    updated = json_out(
        capsys,
        data_dir,
        "providers",
        "set",
        "fanart",
        "--daily-quota",
        "none",
        "--base-url",
        "default",
        "--rate",
        "none",
    )
    assert updated["daily_quota"] is None and updated["rate_limit"] is None
    assert updated["base_url"] == "https://webservice.fanart.tv/v3"


@pytest.mark.parametrize(
    "args",
    [
        ["tmdb", "--rate", "0/1"],
        ["tmdb", "--rate", "fast"],
        ["tmdb", "--priority", "9"],
        ["tmdb", "--daily-quota", "-5"],
        ["tmdb", "--base-url", "ftp://example.com"],
        ["tmdb", "--enabled", "perhaps"],
        ["tmdb"],
        ["imdb", "--enabled", "false"],
    ],
)
def test_bad_provider_settings_exit_2_and_change_nothing(
    data_dir: Path, capsys: Capture, args: list[str]
) -> None:
    before = json_out(capsys, data_dir, "providers", "list")
    try:
        code = metarr(data_dir, "providers", "set", *args)
    except SystemExit as exit_:  # argparse rejects malformed values itself
        code = int(exit_.code or 0)
    assert code == 2
    one_line_error(capsys)
    assert json_out(capsys, data_dir, "providers", "list") == before


def test_a_key_from_stdin_is_stored_and_never_shown(
    data_dir: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch, memory_keyring: MemoryKeyring
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(KEY + "\n"))
    assert metarr(data_dir, "providers", "set", "tmdb", "--api-key-stdin") == 0
    assert KEY in memory_keyring.passwords.values()
    capsys.readouterr()
    assert metarr(data_dir, "providers", "list", "--json") == 0
    captured = capsys.readouterr()
    assert KEY not in captured.out + captured.err
    assert next(r for r in json.loads(captured.out) if r["id"] == "tmdb")["has_api_key"] is True
    for file in data_dir.glob("metarr.sqlite3*"):
        assert KEY.encode() not in file.read_bytes()
    assert metarr(data_dir, "providers", "set", "tmdb", "--clear-api-key") == 0
    assert KEY not in memory_keyring.passwords.values()


def test_providers_test_checks_the_key(data_dir: Path, capsys: Capture, fake_app: FakeServices) -> None:
    fake_app.required_keys["tmdb"] = "good"
    assert metarr(data_dir, "providers", "test", "tmdb") == 1
    assert "no API key" in one_line_error(capsys)
    assert metarr(data_dir, "providers", "set", "tmdb", "--api-key", "wrong") == 0
    assert metarr(data_dir, "providers", "test", "tmdb") == 1
    assert "refused" in capsys.readouterr().err
    assert metarr(data_dir, "providers", "set", "tmdb", "--api-key", "good") == 0
    capsys.readouterr()
    assert metarr(data_dir, "providers", "test", "tmdb") == 0
    assert capsys.readouterr().out == "tmdb: the key was accepted\n"
    assert json_out(capsys, data_dir, "providers", "test", "tmdb")["valid"] is True


def test_providers_health_json_follows_the_contract(
    data_dir: Path, capsys: Capture, fake_app: FakeServices
) -> None:
    rows = json_out(capsys, data_dir, "providers", "health")
    assert [r["id"] for r in rows] == ["omdb", "tmdb", "tvdb", "fanart", "images"]  # + the image hosts
    for row in rows:
        assert set(row) >= HEALTH_KEYS
        assert row["status"] == "unknown"
    fake_app.status["tmdb"] = 401
    assert metarr(data_dir, "providers", "set", "tmdb", "--api-key", "x") == 0
    assert metarr(data_dir, "providers", "test", "tmdb") == 1
    rows = {r["id"]: r for r in json_out(capsys, data_dir, "providers", "health")}
    assert rows["tmdb"]["status"] == "degraded" and rows["tmdb"]["consecutive_failures"] == 1
    assert rows["tmdb"]["last_error"] and rows["tmdb"]["last_request_at"]
    assert metarr(data_dir, "providers", "health") == 0
    assert "degraded" in capsys.readouterr().out


# -- authority ----------------------------------------------------------------------------------------


def test_authority_show_and_set(data_dir: Path, capsys: Capture, tmp_path: Path) -> None:
    shown = json_out(capsys, data_dir, "authority", "show")
    assert shown == default_authority().to_json()
    assert shown["field_authorities"]["imdb_rating"] == {"providers": ["omdb"], "exclusive": True}
    shown["provider_priority"] = ["tmdb", "omdb", "tvdb", "fanart"]
    shown["field_authorities"]["plot"] = {"providers": ["omdb"], "exclusive": True}
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(shown))
    assert metarr(data_dir, "authority", "set", str(rules)) == 0
    assert json_out(capsys, data_dir, "authority", "show") == shown
    assert metarr(data_dir, "authority", "show") == 0
    assert "tmdb, omdb, tvdb, fanart" in capsys.readouterr().out
    assert metarr(data_dir, "authority", "reset") == 0
    assert json_out(capsys, data_dir, "authority", "show") == default_authority().to_json()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"provider_priority": ["tmdb", "imdb"]}', "unknown provider 'imdb'"),
        (
            '{"provider_priority": ["tmdb"], "field_authorities": {"colour": {"providers": ["tmdb"]}}}',
            "unknown field 'colour'",
        ),
        ('{"provider_priority": "tmdb"}', "provider_priority"),
        (None, "cannot read"),
    ],
)
def test_a_bad_authority_file_exits_2_and_changes_nothing(
    data_dir: Path, capsys: Capture, tmp_path: Path, content: str | None, message: str
) -> None:
    before = json_out(capsys, data_dir, "authority", "show")
    rules = tmp_path / "rules.json"
    if content is not None:
        rules.write_text(content)
    assert metarr(data_dir, "authority", "set", str(rules)) == 2
    assert message in one_line_error(capsys)
    assert json_out(capsys, data_dir, "authority", "show") == before


# -- assets -------------------------------------------------------------------------------------------


def _cache_a_movie(data_dir: Path) -> None:
    async def work() -> None:
        services = AppServices.open(data_dir)
        movie = services.movies.add("Inception", ids=ExternalIds(tmdb=27205))
        await services.cache.fetch_assets("movie", movie.id, movie.ids)
        await services.aclose()

    asyncio.run(work())


def test_assets_come_from_the_cache_only(data_dir: Path, capsys: Capture, fake_app: FakeServices) -> None:
    _cache_a_movie(data_dir)
    requests = fake_app.count()
    rows = json_out(capsys, data_dir, "assets", "1")
    assert len(rows) == 12 and all(set(r) >= ASSET_KEYS for r in rows)
    posters = json_out(capsys, data_dir, "assets", "1", "--type", "poster")
    assert {r["type"] for r in posters} == {"poster"} and len(posters) == 8
    assert posters[0]["votes"] == 30
    assert metarr(data_dir, "assets", "1") == 0
    assert "poster" in capsys.readouterr().out
    assert fake_app.count() == requests  # never a network call


def test_assets_of_a_movie_without_cache_is_an_empty_list(
    data_dir: Path, capsys: Capture, fake_app: FakeServices
) -> None:
    async def add() -> None:
        services = AppServices.open(data_dir)
        services.movies.add("Heat")
        await services.aclose()

    asyncio.run(add())
    assert json_out(capsys, data_dir, "assets", "1") == []
    assert fake_app.count() == 0


def test_assets_of_an_unknown_movie_or_type_is_bad_input(data_dir: Path, capsys: Capture) -> None:
    assert metarr(data_dir, "assets", "7") == 2
    assert "unknown movie id 7" in one_line_error(capsys)
    with pytest.raises(SystemExit) as exit_:
        metarr(data_dir, "assets", "1", "--type", "hologram")
    assert exit_.value.code == 2


# -- the database ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("spoil", [random_bytes, truncated_database])
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["library", "list", "--json"], id="read"),
        pytest.param(["providers", "list"], id="read-text"),
        pytest.param(["library", "add", "--title", "Heat", "--json"], id="write"),
        pytest.param(["enrich", "--all", "--json"], id="enrich-all"),
    ],
)
def test_a_database_that_cannot_be_used_is_exit_1_with_one_line_and_left_as_it_was(
    data_dir: Path, capsys: Capture, spoil: Callable[[Path], None], command: list[str]
) -> None:
    database = data_dir / "metarr.sqlite3"
    spoil(database)
    before = snapshot(data_dir)
    capsys.readouterr()
    assert metarr(data_dir, *command) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith(f"metarr: the database {database} cannot be used (")
    assert "restore it from a backup" in captured.err
    assert f"metarr --data-dir {data_dir} database set-aside" in captured.err
    assert snapshot(data_dir) == before  # the same bytes, no backup, no new database


def test_database_set_aside_starts_a_new_library_and_keeps_the_old_file(
    data_dir: Path, capsys: Capture
) -> None:
    database = data_dir / "metarr.sqlite3"
    truncated_database(database)
    damaged = database.read_bytes()
    document = json_out(capsys, data_dir, "database", "set-aside")
    [backup] = data_dir.glob("metarr.sqlite3.corrupt-*")
    assert document == {"database": str(database), "set_aside": str(backup)}
    assert backup.read_bytes() == damaged
    assert json_out(capsys, data_dir, "library", "list") == []
    assert json_out(capsys, data_dir, "database", "set-aside") == {
        "database": str(database),
        "set_aside": None,
    }
    assert metarr(data_dir, "database", "set-aside") == 0
    assert "can be used; nothing was changed" in capsys.readouterr().out
    assert list(data_dir.glob("metarr.sqlite3.corrupt-*")) == [backup]


def test_a_database_that_cannot_be_opened_is_a_one_line_environment_error(
    data_dir: Path, capsys: Capture
) -> None:
    (data_dir / "metarr.sqlite3").mkdir(parents=True)
    assert metarr(data_dir, "providers", "list") == 1
    assert "cannot open the database" in one_line_error(capsys)
