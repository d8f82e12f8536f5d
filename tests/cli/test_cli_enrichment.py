"""The library, identification and enrichment commands through `metarr_desktop.cli.main.run`, against
the sandbox on loopback, checking CONTRACT.md's JSON keys and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from metarr_desktop.cli.enrich import _row
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.core.results import SkippedProvider
from metarr_desktop.core.results import SkipReason
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from tests.helpers.sandbox import Cli


def test_library_add_list_monitor(cli: Cli) -> None:
    added = cli("library", "add", "--title", "Inception", "--year", "2010", "--imdb", "tt1375666", "--json")
    assert added["id"] == 1 and added["ids"] == {"tmdb": None, "imdb": "tt1375666", "tvdb": None}
    cli("library", "monitor", "1", "false")
    [row] = cli("library", "list", "--json")
    assert set(row) >= {"id", "title", "year", "ids", "status", "monitored", "last_enriched_at"}
    assert (row["status"], row["monitored"], row["last_enriched_at"]) == ("unidentified", False, None)


def test_scan_json(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "movies"
    (root / "Alien (1979)").mkdir(parents=True)
    (root / "Alien (1979)" / "alien.mkv").write_bytes(b"")
    (root / "Heat (1995)").mkdir()
    (root / "Heat (1995)" / "heat.mkv").write_bytes(b"")
    (root / "Heat (1995)" / "movie.nfo").write_text("<movie><broken")
    report = cli("library", "scan", str(root), "--json")
    assert set(report) >= {"added", "existing", "warnings"}  # CONTRACT.md keys (extended, never renamed)
    assert report["added"] == [1, 2] and len(report["warnings"]) == 1
    assert cli("library", "scan", str(root), "--json")["existing"] == [1, 2]


def test_enrich_show_history_lock(cli: Cli) -> None:
    cli("library", "add", "--title", "Inception", "--year", "2010")
    cli("lock", "1", "tagline")
    document = cli("enrich", "1", "--json")
    [result] = document["results"]
    assert set(result) >= {
        "movie_id",
        "status",
        "changed_fields",
        "requires_player_sync",
        "sync_reason",
        "providers",
        "cached",
        "rate_limited",
        "failed",
        "timed_out",
    }
    assert result["status"] == "enriched" and result["requires_player_sync"] is True
    assert set(result["changed_fields"][0]) == {"field", "old", "new", "source"}
    assert "tagline" not in [c["field"] for c in result["changed_fields"]]
    assert set(document["summary"]) >= {
        "enriched",
        "unchanged",
        "skipped",
        "needs_identification",
        "failed",
        "network_requests",
        "cache_hits",
        "duration_s",
    }
    assert document["summary"]["enriched"] == 1 and document["summary"]["network_requests"] > 0

    shown = cli("show", "1", "--json")
    assert set(shown) >= {
        "id",
        "ids",
        "status",
        "fields",
        "ratings",
        "last_enriched_at",
        "last_enriched_providers",
    }
    assert shown["fields"]["title"] == {"value": "Inception", "source": "tmdb", "locked": False}
    assert shown["fields"]["tagline"]["locked"] is True
    assert {
        "source": "imdb",
        "value": shown["fields"]["imdb_rating"]["value"],
        "votes": shown["fields"]["imdb_votes"]["value"],
    } in shown["ratings"]

    again = cli("enrich", "1", "--json")
    assert again["results"][0]["status"] == "unchanged" and again["summary"]["network_requests"] == 0
    history = cli("history", "1", "--json")
    assert len(history) == 2 and history[0]["changed_fields"] == [] and history[1]["changed_fields"]

    cli("unlock", "1", "tagline")
    assert cli("show", "1", "--json")["fields"]["tagline"]["locked"] is False


def test_enrich_all_skips_unmonitored_and_records_the_run(cli: Cli) -> None:
    cli("library", "add", "--title", "Heat", "--imdb", "tt0113277")
    cli("library", "add", "--title", "Alien", "--imdb", "tt0078748")
    cli("library", "monitor", "2", "false")
    document = cli("enrich", "--all", "--json")
    assert [r["status"] for r in document["results"]] == ["enriched", "skipped"]
    assert cli("schedule", "show", "--json")["missed"] is False


def test_identify_and_search(cli: Cli) -> None:
    cli("library", "add", "--title", "The Thing")
    result = cli("identify", "1", "--json")
    assert set(result) >= {"movie_id", "status", "reason", "ids", "candidates"}
    assert (result["status"], result["reason"]) == ("needs_identification", "ambiguous")
    chosen = cli("identify", "1", "--select", "tmdb:1091", "--json")
    assert chosen["status"] == "identified" and chosen["ids"]["imdb"] == "tt0084787"
    candidates = cli("search", "Dune", "--year", "2021", "--json")
    assert set(candidates[0]) >= {
        "providers",
        "external_ids",
        "title",
        "original_title",
        "year",
        "release_date",
        "overview",
        "poster_url",
        "confidence",
    }


@pytest.mark.parametrize(
    "argv",
    [
        ("show", "9"),
        ("history", "9", "--json"),
        ("enrich", "9"),
        ("lock", "1", "favourite_colour"),
        ("identify", "1", "--select", "netflix:3"),
        ("identify", "1", "--select", "imdb:12"),
        ("library", "monitor", "1", "maybe"),
        ("library", "add", "--title", "X", "--imdb", "nope"),
        ("enrich", "1", "--providers", "nosuch"),
        ("enrich",),
        ("schedule", "set", "25:99"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli: Cli, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    cli("library", "add", "--title", "Heat")
    cli(*argv, code=2)
    err = cli.err  # type: ignore[attr-defined]
    assert err.count("\n") == 1 and "Traceback" not in err


def test_scan_of_a_missing_folder_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    cli("library", "scan", str(tmp_path / "nope"), code=2)


def test_every_movie_failing_is_exit_1(cli: Cli) -> None:
    cli.server.set_faults("*:html")  # type: ignore[attr-defined]
    cli("library", "add", "--title", "Heat", "--imdb", "tt0113277")
    document = cli("enrich", "1", "--json", code=1)
    assert document["results"][0]["status"] == "failed" and document["summary"]["failed"] == 1
    [row] = cli("library", "list", "--json")
    assert row["status"] == "unidentified" and row["last_enriched_at"] is None


def test_the_table_note_names_every_provider_that_did_not_answer(cli: Cli) -> None:
    cli("library", "add", "--title", "Heat", "--imdb", "tt0113277")
    cli("providers", "set", "tmdb", "--api-key", "not-a-key")
    cli.server.set_faults("fanart:malformed")  # type: ignore[attr-defined]
    text = cli("enrich", "1")
    header, row, _summary = text.splitlines()
    assert header.split()[-1] == "note"
    assert "tmdb: failed (the API key was refused" in row
    assert "fanart: failed (" in row
    assert row.index("tmdb:") < row.index("fanart:")  # in the providers' priority order
    document = cli("enrich", "1", "--force", "--json")  # the JSON document is as before
    assert {f["provider"] for f in document["results"][0]["failed"]} == {"tmdb", "fanart"}


def test_the_note_keeps_the_error_and_adds_failed_timed_out_and_refused_providers() -> None:
    result = EnrichResult(1, Status.FAILED, error="no provider gave a usable answer; nothing was changed")
    result.failed.append(FailedProvider("fanart", "HTTP 500", retryable=True))
    result.timed_out.append("tvdb")
    result.rate_limited.append("omdb")
    result.skipped.append(SkippedProvider("omdb", SkipReason.QUOTA))
    note = _row(result, ["tmdb", "omdb", "tvdb", "fanart"])[-1]
    assert note == (
        "no provider gave a usable answer; nothing was changed; omdb: quota; tvdb: timed out; "
        "fanart: failed (HTTP 500)"
    )
