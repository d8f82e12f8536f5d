"""The CLI's global contract: exit codes, one-line errors, never a traceback, JSON on stdout only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from metarr_desktop.cli.main import run
from metarr_desktop.store.profile import Profile
from metarr_desktop.store.profile import ProfileError
from tests.helpers.contract import PROVIDER_KEYS


def test_unknown_command_is_a_usage_error_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(["frobnicate"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "invalid choice" in err


def test_missing_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        run(["providers"])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_providers_list_json_has_the_contract_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--data-dir", str(tmp_path / "profile"), "providers", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows][:4] == ["omdb", "tmdb", "tvdb", "fanart"]
    for row in rows:
        assert set(row) >= PROVIDER_KEYS
    assert [r["priority"] for r in rows] == sorted(r["priority"] for r in rows)
    tmdb = next(r for r in rows if r["id"] == "tmdb")
    assert tmdb["base_url"] == "https://api.themoviedb.org/3"
    assert tmdb["rate_limit"] == {"requests": 40, "window_seconds": 1}


def test_an_unusable_data_dir_is_a_clear_environment_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ProfileError, match="cannot create the data folder"):
        Profile.open(blocker / "sub")
    assert Profile.open(tmp_path / "fresh").database_path.parent.is_dir()


def test_the_console_script_runs_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "metarr_desktop.cli", "providers", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
