"""CONTRACT.md items found wrong in an audit of `metarr`, kept fixed (no network needed):

- a whole-second rate-limit window is a JSON integer (``"window_seconds": 1``), as in the contract;
- a database failure in a library command (locked by another program) is a one-line environment
  error with exit code 1, not an "internal error";
- `enrich --json` lists each result's providers in priority order, whatever order they finished in;
- `search --year` with an implausible year is bad input (exit 2), as `library add --year` is;
- an empty `--data-dir` (an unset shell variable) is bad input, never the default profile.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from metarr_desktop.cli.enrich import report_json
from metarr_desktop.cli.main import run
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.store.database import store_error
from metarr_desktop.store.library import MovieRepository
from tests.helpers.fake_services import FakeServices

Capture = pytest.CaptureFixture[str]


def metarr(data_dir: Path, *args: str) -> int:
    return run(["--data-dir", str(data_dir), *args])


def test_whole_second_rate_windows_are_json_integers(data_dir: Path, capsys: Capture) -> None:
    assert metarr(data_dir, "providers", "list", "--json") == 0
    for row in json.loads(capsys.readouterr().out):
        window = row["rate_limit"]["window_seconds"]
        assert type(window) is int, (row["id"], window)
    assert metarr(data_dir, "providers", "set", "tmdb", "--rate", "5/2.5", "--json") == 0
    assert json.loads(capsys.readouterr().out)["rate_limit"] == {"requests": 5, "window_seconds": 2.5}
    assert metarr(data_dir, "providers", "set", "tmdb", "--rate", "40/1", "--json") == 0
    assert '"window_seconds": 1\n' in capsys.readouterr().out


def test_a_locked_database_in_a_library_command_is_a_one_line_environment_error(
    data_dir: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert metarr(data_dir, "library", "add", "--title", "Heat") == 0

    def locked(*args: object, **kwargs: object) -> None:
        raise store_error(sqlite3.OperationalError("database is locked"), "use")  # as the repository does

    monkeypatch.setattr(MovieRepository, "lock", locked)
    capsys.readouterr()
    assert metarr(data_dir, "lock", "1", "plot") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" not in err
    assert "cannot use the database" in err and "locked" in err


def test_a_database_bug_in_a_command_is_an_internal_error_not_an_environment_error(
    data_dir: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert metarr(data_dir, "library", "add", "--title", "Heat") == 0

    def broken(self: MovieRepository, *args: object) -> None:
        self._database.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(MovieRepository, "lock", broken)
    capsys.readouterr()
    assert metarr(data_dir, "lock", "1", "plot") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" in err and "no such table" in err


def test_enrich_json_lists_providers_in_priority_order() -> None:
    result = EnrichResult(
        1,
        Status.ENRICHED,
        providers=["fanart", "tvdb", "omdb"],
        cached=["tmdb", "omdb"],
        rate_limited=["tvdb", "omdb"],
        timed_out=["fanart", "tmdb"],
        failed=[FailedProvider("fanart", "boom", True), FailedProvider("omdb", "boom", False)],
    )
    document = report_json(EnrichReport(results=[result]), ["omdb", "tmdb", "tvdb", "fanart"])
    [entry] = document["results"]
    assert entry["providers"] == ["omdb", "tvdb", "fanart"]
    assert entry["cached"] == ["omdb", "tmdb"]
    assert entry["rate_limited"] == ["omdb", "tvdb"]
    assert entry["timed_out"] == ["tmdb", "fanart"]
    assert [f["provider"] for f in entry["failed"]] == ["omdb", "fanart"]
    assert result.providers == ["fanart", "tvdb", "omdb"]  # the report itself is left as it was


@pytest.mark.parametrize("year", ["-1", "0", "99999"])
def test_search_with_an_implausible_year_is_bad_input(
    data_dir: Path, capsys: Capture, fake_app: FakeServices, year: str
) -> None:
    assert metarr(data_dir, "search", "Heat", "--year", year, "--json") == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert f"not a plausible year: {year}" in captured.err
    assert fake_app.count() == 0  # no provider was asked


def test_an_empty_data_dir_is_bad_input_not_the_default_profile(
    capsys: Capture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with pytest.raises(SystemExit) as exit_:
        run(["--data-dir", "", "library", "list"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--data-dir" in err
    assert not (tmp_path / "xdg").exists()
