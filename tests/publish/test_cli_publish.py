"""`metarr publish` and the `publish.*` settings through `cli.main.run`, against the sandbox."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from keyring.backends import null

from metarr_desktop.cli import suite as cli_suite
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from metarr_desktop.sandbox.images import sandbox_image_transport
from metarr_desktop.services.publish import MovieResult
from metarr_desktop.services.publish import PublishService
from tests.helpers.publishing import movie_folder
from tests.helpers.sandbox import Cli
from tests.helpers.sandbox import cli_on


@pytest.fixture
async def cli(
    tmp_path: Path, server: SandboxServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    profile = tmp_path / "profile"
    await configure_profile(profile, server)
    monkeypatch.setitem(cli_suite.OPEN_OPTIONS, "keyring_backend", null.Keyring())  # type: ignore[no-untyped-call]
    monkeypatch.setitem(
        cli_suite.OPEN_OPTIONS, "image_transport", sandbox_image_transport(server.urls["tmdb"])
    )
    return cli_on(profile, capsys)


def add_inception(cli: Cli, tmp_path: Path) -> Path:
    """Inception in the library with a folder of its own (the folder returned)."""
    folder = movie_folder(tmp_path / "lib")
    cli(
        "library",
        "add",
        "--title",
        "Inception",
        "--year",
        "2010",
        "--imdb",
        "tt1375666",
        "--path",
        str(folder),
    )
    return folder


def test_publish_json_follows_the_contract(cli: Cli, tmp_path: Path) -> None:
    folder = add_inception(cli, tmp_path)
    cli("enrich", "1", "--json")

    preview = cli("publish", "1", "--dry-run", "--json")
    [result] = preview["results"]
    assert set(result) >= {"movie_id", "status", "folder", "files", "diff", "error"}
    assert {f["action"] for f in result["files"]} == {"would_create"}
    assert "+  <title>Inception</title>" in result["diff"]
    assert set(preview["summary"]) >= {"written", "unchanged", "skipped", "failed", "bytes_downloaded"}
    assert cli("publish", "--pending", "--dry-run", "--json")["results"][0]["movie_id"] == 1

    written = cli("publish", "1", "--json")
    [result] = written["results"]
    assert result["status"] == "written" and result["error"] is None
    nfo = next(f for f in result["files"] if f["kind"] == "nfo")
    assert nfo["path"] == str(folder / "Inception.nfo") and nfo["action"] == "created"
    assert len(nfo["sha256"]) == 64 and nfo["bytes"] > 100
    poster = next(f for f in result["files"] if f["kind"] == "poster")
    assert isinstance(poster["asset_id"], int)
    assert written["summary"]["written"] == 1 and written["summary"]["bytes_downloaded"] > 0

    assert cli("publish", "--pending", "--dry-run", "--json")["results"] == []
    again = cli("publish", "--all", "--json")
    assert again["summary"]["unchanged"] == 1 and again["summary"]["bytes_downloaded"] == 0

    [poster_asset] = [
        a for a in cli("assets", "1", "--type", "poster", "--json") if a["id"] == poster["asset_id"]
    ]
    assert poster_asset["analyzed"] is True and isinstance(poster_asset["score"], int)
    # The table shows them too.
    header, *lines = cli("assets", "1", "--type", "poster").splitlines()
    assert header.split()[5:8] == ["votes", "score", "analyzed"]
    [line] = [line for line in lines if line.split()[0] == str(poster["asset_id"])]
    score, analyzed = header.index("score"), header.index("analyzed")
    assert line[score:analyzed].strip() == str(poster_asset["score"])
    assert line[analyzed:].split()[0] == "yes"

    text = cli("publish", "1")
    assert "unchanged" in text and "written 0, unchanged 1" in text


def test_pending_survives_a_refresh_that_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    add_inception(cli, tmp_path)
    cli("enrich", "1", "--json")
    pending = cli("publish", "--pending", "--dry-run", "--json")
    assert [r["movie_id"] for r in pending["results"]] == [1]

    refreshed = cli("enrich", "1", "--force", "--json")
    assert refreshed["results"][0]["status"] == "unchanged"
    pending = cli("publish", "--pending", "--dry-run", "--json")
    assert [r["movie_id"] for r in pending["results"]] == [1]
    assert cli("publish", "--pending", "--json")["summary"]["written"] == 1
    assert cli("publish", "--pending", "--json")["results"] == []


def test_a_dry_run_says_nothing_was_written(cli: Cli, tmp_path: Path) -> None:
    folder = add_inception(cli, tmp_path)
    cli("enrich", "1", "--json")

    preview = cli("publish", "1", "--dry-run", "--json")

    [result] = preview["results"]
    assert result["status"] == "unchanged" and result["error"] is None
    assert {f["action"] for f in result["files"]} == {"would_create"}
    assert preview["summary"]["written"] == 0 and preview["summary"]["unchanged"] == 1
    assert sorted(p.name for p in folder.iterdir()) == ["Inception.mkv"]
    assert "written 0, unchanged 1" in cli("publish", "1", "--dry-run")


def test_ctrl_c_still_prints_the_report_of_the_movies_done(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_inception(cli, tmp_path)
    cli("library", "add", "--title", "Heat", "--year", "1995", "--path", str(movie_folder(tmp_path / "b")))
    cli("enrich", "1", "--json")
    publish_one = PublishService.publish_one

    async def interrupted_at_the_second(self: PublishService, movie_id: int, **options: Any) -> MovieResult:
        if movie_id == 2:  # what asyncio.run does on Ctrl-C: the main task is cancelled
            task = asyncio.current_task()
            assert task is not None
            task.cancel()
            await asyncio.sleep(0)
        return await publish_one(self, movie_id, **options)

    monkeypatch.setattr(PublishService, "publish_one", interrupted_at_the_second)

    document = cli("publish", "1", "2", "--json", code=130)

    assert [r["movie_id"] for r in document["results"]] == [1]
    assert document["results"][0]["status"] == "written"
    assert document["summary"]["interrupted"] is True and document["summary"]["written"] == 1
    assert "interrupted: 1 of 2 movies were done" in cli.err  # type: ignore[attr-defined]
    monkeypatch.setattr(PublishService, "publish_one", publish_one)
    assert cli("publish", "1", "--json")["summary"]["interrupted"] is False


def test_publish_usage_errors_exit_2(cli: Cli) -> None:
    cli("publish", code=2)
    cli("publish", "99", "--json", code=2)
    cli("publish", "1", "--all", code=2)
    assert cli.err.count("\n") == 1  # type: ignore[attr-defined]


def test_a_failed_movie_exits_1(cli: Cli, tmp_path: Path) -> None:
    cli("library", "add", "--title", "Gone", "--path", str(tmp_path / "missing"))
    document = cli("publish", "1", "--json", code=1)
    assert document["results"][0]["status"] == "failed"
    assert "missing" in document["results"][0]["error"]


def test_a_failed_download_fails_the_movie_and_exits_1(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_inception(cli, tmp_path)
    cli("enrich", "1", "--json")
    web_page = httpx.MockTransport(
        lambda request: httpx.Response(200, content=b"<html></html>", headers={"content-type": "text/html"})
    )
    monkeypatch.setitem(cli_suite.OPEN_OPTIONS, "image_transport", web_page)

    document = cli("publish", "1", "--json", code=1)

    [result] = document["results"]
    assert result["status"] == "failed" and "poster.jpg: " in result["error"]
    assert [(f["kind"], f["action"]) for f in result["files"]] == [("nfo", "created")]
    assert document["summary"]["failed"] == 1 and document["summary"]["written"] == 0


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("publish.flavour", "plex"),
        ("publish.nfo_name", "folder"),
        ("publish.artwork", '["poster", "thumbnail"]'),
        ("publish.extrafanart", "-1"),
        ("publish.enabled", "maybe"),
    ],
)
def test_a_publish_setting_outside_its_set_is_bad_input(cli: Cli, key: str, value: str) -> None:
    cli("settings", "set", key, value, code=2)


def test_the_publish_settings_are_listed(cli: Cli) -> None:
    shown = cli("settings", "show", "--json")
    assert shown["publish.enabled"]["value"] is False
    assert shown["publish.after_enrichment"]["value"] is True
    assert shown["publish.flavour"]["value"] == "both"
    assert shown["publish.nfo_name"]["value"] == "video"
    assert "keyart" in shown["publish.artwork"]["value"]
    assert isinstance(shown["publish.extrafanart"]["value"], int)


def test_enrich_preview_json_carries_the_nfo_diff_once_publishing_is_on(cli: Cli, tmp_path: Path) -> None:
    folder = add_inception(cli, tmp_path)

    [result] = cli("enrich", "1", "--preview", "--json")["results"]
    assert result["preview"] is True and result["nfo_diff"] is None  # nothing published, publishing off

    cli("settings", "set", "publish.enabled", "true")
    [result] = cli("enrich", "1", "--preview", "--json")["results"]
    assert result["nfo_diff"].startswith("--- Inception.nfo (on disk)\n")
    assert "+  <title>Inception</title>" in result["nfo_diff"]
    assert sorted(p.name for p in folder.iterdir()) == ["Inception.mkv"]  # a preview writes nothing


def test_undo_after_publish_republishes_and_says_so(cli: Cli, tmp_path: Path) -> None:
    folder = add_inception(cli, tmp_path)
    cli("enrich", "1", "--json")
    cli("publish", "1", "--json")
    text = cli("undo", "1")
    assert "library files republished: " in text  # "unchanged" until an emptied field leaves the NFO
    assert (folder / "Inception.nfo").exists()
