"""`metarr providers reenable` and the `skipped` list of `metarr enrich --json` (issue 13, items 6
and 9): the reason a provider was not asked, and the command that lifts every block."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metarr_desktop.cli.main import run
from tests.helpers.fake_services import FakeServices

Capture = pytest.CaptureFixture[str]


def cli(capsys: Capture, data_dir: Path, *args: str) -> tuple[int, object]:
    capsys.readouterr()
    code = run(["--data-dir", str(data_dir), *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in args and out else out


def test_an_open_circuit_is_skipped_as_circuit_open_until_reenabled(
    fake_app: FakeServices, data_dir: Path, capsys: Capture
) -> None:
    fake_app.status["tvdb"] = 500
    for tmdb in range(1, 7):
        code, _ = cli(
            capsys, data_dir, "library", "add", "--title", f"M{tmdb}", "--tmdb", str(tmdb), "--json"
        )
        assert code == 0
    for movie in range(1, 6):  # five failed executions open TheTVDB's circuit
        cli(capsys, data_dir, "enrich", str(movie), "--json")
    code, document = cli(capsys, data_dir, "enrich", "6", "--json")
    assert isinstance(document, dict)
    (result,) = document["results"]
    assert "tvdb" in result["rate_limited"]  # the contract's list, kept
    (skip,) = [s for s in result["skipped"] if s["provider"] == "tvdb"]
    assert skip["reason"] == "circuit_open" and skip["until"]

    code, health = cli(capsys, data_dir, "providers", "reenable", "tvdb", "--json")
    assert code == 0 and isinstance(health, dict)
    assert health["auto_disabled"] is False and health["circuit_state"] == "closed"
    code, rows = cli(capsys, data_dir, "providers", "health", "--json")
    assert isinstance(rows, list)
    tvdb = next(r for r in rows if r["id"] == "tvdb")
    assert tvdb["auto_disabled"] is False  # saved: the next command sees it
    assert tvdb["executions_24h"] >= 5 and len(tvdb["requests_24h"]) == 24


def test_reenable_of_an_unknown_provider_is_bad_input(
    fake_app: FakeServices, data_dir: Path, capsys: Capture
) -> None:
    assert run(["--data-dir", str(data_dir), "providers", "reenable", "nope"]) == 2


def test_set_edits_and_locks_as_the_window_does(
    fake_app: FakeServices, data_dir: Path, capsys: Capture
) -> None:
    cli(capsys, data_dir, "library", "add", "--title", "Inception", "--tmdb", "27205", "--json")
    code, edited = cli(capsys, data_dir, "set", "1", "plot", "My own words.", "--json")
    assert code == 0 and isinstance(edited, dict)
    assert edited == {
        "movie_id": 1,
        "field": "plot",
        "value": "My own words.",
        "source": "user",
        "locked": True,
    }
    code, _ = cli(capsys, data_dir, "enrich", "1", "--json")
    code, shown = cli(capsys, data_dir, "show", "1", "--json")
    assert isinstance(shown, dict) and "My own words." in json.dumps(shown)  # enrichment left it alone
    assert run(["--data-dir", str(data_dir), "set", "1", "year", "not a year"]) == 2
    assert run(["--data-dir", str(data_dir), "set", "1", "no_such_field", "x"]) == 2
    assert run(["--data-dir", str(data_dir), "set", "99", "plot", "x"]) == 2


def test_assets_select_reject_restore(fake_app: FakeServices, data_dir: Path, capsys: Capture) -> None:
    cli(capsys, data_dir, "library", "add", "--title", "Inception", "--tmdb", "27205", "--json")
    cli(capsys, data_dir, "enrich", "1", "--json")
    code, rows = cli(capsys, data_dir, "assets", "1", "--type", "poster", "--json")
    assert code == 0 and isinstance(rows, list) and len(rows) >= 2
    first, second = rows[0]["id"], rows[1]["id"]

    def poster(asset_id: int) -> dict[str, object]:
        _, listed = cli(capsys, data_dir, "assets", "1", "--type", "poster", "--json")
        assert isinstance(listed, list)
        return next(r for r in listed if r["id"] == asset_id)

    assert cli(capsys, data_dir, "assets", "select", "1", str(first), "--json")[0] == 0
    assert poster(first)["is_selected"] is True
    assert cli(capsys, data_dir, "assets", "select", "1", str(second))[0] == 0
    assert poster(first)["is_selected"] is False and poster(second)["is_selected"] is True
    # As in the asset browser, the choice becomes the movie's poster, locked.
    _, shown = cli(capsys, data_dir, "show", "1", "--json")
    assert isinstance(shown, dict)
    assert shown["fields"]["poster"]["value"] == poster(second)["url"] and shown["fields"]["poster"]["locked"]
    assert cli(capsys, data_dir, "assets", "reject", "1", str(second))[0] == 0
    assert poster(second)["is_selected"] is False and poster(second)["is_rejected"] is True
    assert cli(capsys, data_dir, "assets", "restore", "1", str(second))[0] == 0
    assert poster(second)["is_rejected"] is False
    assert run(["--data-dir", str(data_dir), "assets", "select", "1", "999999"]) == 2
    assert run(["--data-dir", str(data_dir), "assets", "select", "1"]) == 2
