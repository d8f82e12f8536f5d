"""`metarr library add|scan|remove`: no duplicates, an id alone, the scan's counts, removal."""

from __future__ import annotations

from pathlib import Path

from tests.helpers.sandbox import Cli
from tests.helpers.sandbox import sandbox_factory  # noqa: F401 - a fixture


def test_add_never_duplicates_and_takes_an_id_alone(cli: Cli) -> None:
    first = cli("library", "add", "--title", "Heat", "--year", "1995", "--tmdb", "949", "--json")
    again = cli("library", "add", "--tmdb", "949", "--json")
    assert first["existing"] is False and again["existing"] is True and again["id"] == first["id"]
    assert "already in the library" in cli("library", "add", "--tmdb", "949")
    only_id = cli("library", "add", "--imdb", "tt0078748", "--json")
    assert only_id["title"] == "imdb:tt0078748" and only_id["id"] != first["id"]
    cli("library", "add", code=2)
    assert "give --title, or an id" in cli.err  # type: ignore[attr-defined]
    assert len(cli("library", "list", "--json")) == 2


def test_scan_reports_tv_moved_and_missing_and_remove_keeps_the_files(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "movies"
    for path in (
        root / "Heat (1995) {tmdb-949}" / "heat.mkv",
        root / "Alien (1979)" / "alien.mkv",
        root / "Breaking Bad" / "Season 01" / "Breaking.Bad.S01E01.mkv",
        root / "Heat (1995) {tmdb-949}" / "heat-trailer.mkv",
        root / "Heat (1995) {tmdb-949}" / "Featurettes" / "making of.mkv",
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    first = cli("library", "scan", str(root), "--json")
    assert len(first["added"]) == 2 and first["tv_set_aside"] == 1
    # The extras skipped are a key of their own, after the contract's keys (which stay as they are).
    assert list(first) == [
        "added",
        "existing",
        "moved",
        "missing",
        "found_again",
        "tv_set_aside",
        "tv",
        "warnings",
        "extras_skipped",
    ]
    assert first["extras_skipped"] == 2
    assert "TV series" in cli.err  # type: ignore[attr-defined]
    (root / "Heat (1995) {tmdb-949}").rename(root / "Heat {tmdb-949}")
    (root / "Alien (1979)" / "alien.mkv").unlink()
    (root / "Alien (1979)").rmdir()
    second = cli("library", "scan", str(root), "--json")
    assert second["added"] == [] and len(second["moved"]) == 1 and len(second["missing"]) == 1
    listed = {m["title"]: m for m in cli("library", "list", "--json")}
    assert listed["Alien"]["missing"] is True and listed["Heat"]["path"].endswith("Heat {tmdb-949}")
    removed = cli("library", "remove", str(listed["Heat"]["id"]), "--json")
    assert removed["removed"]["title"] == "Heat"
    assert (root / "Heat {tmdb-949}" / "heat.mkv").exists()
    assert [m["title"] for m in cli("library", "list", "--json")] == ["Alien"]
    cli("library", "remove", "99999999999999999999", code=2)
    cli("library", "remove", str(listed["Heat"]["id"]), code=2)
