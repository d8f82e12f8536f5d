"""Publishing library files over the sandbox: what is written, what is left alone, and failures."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from metarr_desktop.core import nfo_writer
from metarr_desktop.core.nfo_writer import read_nfo_movie
from metarr_desktop.core.nfo_writer import unmanaged_tags
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.publish import MovieStatus
from metarr_desktop.services.publish import service as publish_service
from metarr_desktop.services.publish.files import BACKUP_SUFFIX
from metarr_desktop.store.cache import AssetRepository
from tests.helpers.publishing import SuiteFactory
from tests.helpers.publishing import enriched_movie
from tests.helpers.publishing import movie_folder
from tests.helpers.publishing import published_movie

ARTWORK = [
    "poster.jpg",
    "fanart.jpg",
    "clearlogo.png",
    "clearart.png",
    "discart.png",
    "banner.jpg",
    "landscape.jpg",
    "keyart.jpg",
]


def _sh(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run a mount helper (root only); the tests skip what it cannot do."""
    return subprocess.run(argv, capture_output=True, check=False)


def actions(result: object) -> dict[str, str]:
    return {Path(f.path).name: f.action.value for f in result.files}  # type: ignore[attr-defined]


def mtimes(folder: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


async def test_a_movie_gets_its_nfo_and_artwork_and_an_unchanged_movie_rewrites_nothing(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)

    report = await suite.app.publish.publish([movie_id])

    result = report.results[0]
    assert result.status is MovieStatus.WRITTEN and result.error is None
    assert result.folder == str(folder)
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert names == sorted(
        ["Inception.mkv", "Inception.nfo", *ARTWORK, *(f"extrafanart/fanart{n}.jpg" for n in (1, 2, 3))]
    )
    assert set(actions(result).values()) == {"created"}
    assert report.bytes_downloaded > 0
    nfo = read_nfo_movie((folder / "Inception.nfo").read_bytes())
    assert nfo.title == "Inception" and nfo.imdb_id == "tt1375666"
    assert (folder / "poster.jpg").read_bytes()[:3] == b"\xff\xd8\xff"  # the sandbox's PNG, as a JPEG
    assert (folder / "clearlogo.png").read_bytes()[:4] == b"\x89PNG"

    # Every written asset is analysed now: size from the file, hashes and a score.
    analysed = [
        a
        for a in AssetRepository(suite.app.database, suite.app.clock).for_entity("movie", movie_id)
        if a.analyzed
    ]
    assert len(analysed) == len(ARTWORK) + 3
    assert all(a.width and a.height and a.content_hash and a.score is not None for a in analysed)
    assert all(0 <= (a.score or 0) <= 100 for a in analysed)

    before = mtimes(folder)
    again = await suite.app.publish.publish([movie_id])
    assert again.results[0].status is MovieStatus.UNCHANGED
    assert set(actions(again.results[0]).values()) == {"unchanged"}
    assert again.bytes_downloaded == 0 and again.files_written == 0
    assert mtimes(folder) == before

    forced = await suite.app.publish.publish([movie_id], force=True)
    assert set(actions(forced.results[0]).values()) == {"updated"}


async def test_a_dry_run_writes_nothing_and_shows_the_nfo_diff(suite: LibrarySuite, tmp_path: Path) -> None:
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)

    report = await suite.app.publish.publish([movie_id], dry_run=True)

    result = report.results[0]
    assert sorted(p.name for p in folder.iterdir()) == ["Inception.mkv"]
    assert actions(result)["Inception.nfo"] == "would_create"
    assert actions(result)["poster.jpg"] == "would_create"  # not cached: not downloaded
    assert report.bytes_downloaded == 0
    assert result.diff is not None and "+  <title>Inception</title>" in result.diff
    assert suite.app.publish.pending() == [movie_id]  # a dry run is not a publish


async def test_a_foreign_nfo_is_merged_and_backed_up_once_and_foreign_artwork_is_kept(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder = movie_folder(tmp_path / "lib")
    foreign = b"<movie><title>Mine</title><watched>true</watched><tag>favourite</tag></movie>"
    (folder / "Inception.nfo").write_bytes(foreign)
    (folder / "poster.jpg").write_bytes(b"my own poster")
    movie_id = await enriched_movie(suite, folder)

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert actions(result)["Inception.nfo"] == "updated"
    assert actions(result)["poster.jpg"] == "kept"
    assert (folder / "poster.jpg").read_bytes() == b"my own poster"
    assert (folder / ("Inception.nfo" + BACKUP_SUFFIX)).read_bytes() == foreign
    merged = (folder / "Inception.nfo").read_bytes()
    assert unmanaged_tags(merged) == ["watched", "tag"]
    assert read_nfo_movie(merged).title == "Inception"

    # The NFO is Metarr's now (the ledger holds it): later rewrites keep the one backup.
    suite.app.movies.set_fields(movie_id, {"plot": "A new plot."}, {})
    result = (await suite.app.publish.publish([movie_id])).results[0]
    assert actions(result)["Inception.nfo"] == "updated"
    assert (folder / ("Inception.nfo" + BACKUP_SUFFIX)).read_bytes() == foreign
    assert read_nfo_movie((folder / "Inception.nfo").read_bytes()).plot == "A new plot."


async def test_a_file_the_user_changed_is_left_alone_and_reported(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder, movie_id = await published_movie(suite, tmp_path / "lib")
    (folder / "fanart.jpg").write_bytes(b"the user's own fanart")
    nfo = folder / "Inception.nfo"
    nfo.write_bytes(nfo.read_bytes().replace(b"<title>Inception</title>", b"<title>My cut</title>"))

    suite.app.movies.set_fields(movie_id, {"plot": "Changed again."}, {})
    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert actions(result)["fanart.jpg"] == "kept"
    assert actions(result)["Inception.nfo"] == "kept"
    reasons = {Path(f.path).name: f.reason for f in result.files}
    assert "changed since Metarr wrote it" in (reasons["fanart.jpg"] or "")
    assert (folder / "fanart.jpg").read_bytes() == b"the user's own fanart"
    assert b"<title>My cut</title>" in nfo.read_bytes()


async def test_a_crash_at_the_rename_leaves_the_old_file_intact(
    suite: LibrarySuite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, movie_id = await published_movie(suite, tmp_path / "lib")
    nfo = folder / "Inception.nfo"
    old = nfo.read_bytes()
    suite.app.movies.set_fields(movie_id, {"plot": "Never written."}, {})

    def crash(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error (injected at the rename)")

    monkeypatch.setattr(os, "replace", crash)
    result = (await suite.app.publish.publish([movie_id])).results[0]
    monkeypatch.undo()

    assert result.status is MovieStatus.FAILED
    assert "Input/output error" in (result.error or "")
    assert nfo.read_bytes() == old
    assert not [p for p in folder.iterdir() if p.name.startswith(".metarr-")]  # no temporary left


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes to read-only folders")
async def test_a_read_only_folder_fails_that_movie_and_the_others_go_on_as_user(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    await _read_only_case(suite, tmp_path, use_mount=False)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="needs root for a read-only mount")
async def test_a_read_only_folder_fails_that_movie_and_the_others_go_on(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    await _read_only_case(suite, tmp_path, use_mount=True)


async def _read_only_case(suite: LibrarySuite, tmp_path: Path, *, use_mount: bool) -> None:
    locked = movie_folder(tmp_path / "lib", "Locked (2010)", "Locked.mkv")
    fine = movie_folder(tmp_path / "lib", "Fine (2010)", "Fine.mkv")
    locked_id = await enriched_movie(suite, locked)
    fine_id = await enriched_movie(suite, fine)
    mounted = False
    if use_mount:
        done = _sh(["mount", "--bind", "-o", "ro", str(locked), str(locked)])
        if done.returncode != 0:
            pytest.skip(f"cannot bind-mount read-only here: {done.stderr.decode(errors='replace').strip()}")
        _sh(["mount", "-o", "remount,bind,ro", str(locked)])
        mounted = True
    else:
        locked.chmod(0o555)
    try:
        report = await suite.app.publish.publish([locked_id, fine_id])
    finally:
        if mounted:
            _sh(["umount", str(locked)])
        locked.chmod(0o755)
    by_id = {r.movie_id: r for r in report.results}
    assert by_id[locked_id].status is MovieStatus.FAILED
    error = by_id[locked_id].error or ""
    assert "Read-only file system" in error or "Permission denied" in error
    assert by_id[fine_id].status is MovieStatus.WRITTEN
    assert (fine / "Fine.nfo").exists()


async def test_a_full_disk_fails_that_movie_and_leaves_no_half_file(
    suite: LibrarySuite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a small tmpfs when one can be mounted (root), else with ENOSPC injected at the write."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    mounted = (
        os.name == "posix"
        and os.geteuid() == 0
        and shutil.which("mount") is not None
        and _sh(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)]).returncode == 0
    )
    try:
        folder = movie_folder(mount, "Inception (2010)")
        movie_id = await enriched_movie(suite, folder)
        if mounted:
            (mount / "filler").write_bytes(b"\0" * (64 * 1024 - 8192))  # leave less than an image
        else:

            def full(fd: int) -> None:
                raise OSError(errno.ENOSPC, "No space left on device")

            monkeypatch.setattr(os, "fsync", full)
        result = (await suite.app.publish.publish([movie_id])).results[0]
        monkeypatch.undo()
        assert result.status is MovieStatus.FAILED
        assert "No space left on device" in (result.error or "")
        assert not [p for p in folder.iterdir() if p.name.startswith(".metarr-")]
        for written in folder.iterdir():
            if written.suffix in (".jpg", ".png"):
                assert written.read_bytes()[:2] in (b"\xff\xd8", b"\x89P")  # whole files only
    finally:
        if mounted:
            _sh(["umount", str(mount)])


async def test_a_symlink_pointing_outside_the_folder_is_never_written_through(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder = movie_folder(tmp_path / "lib")
    outside = tmp_path / "elsewhere.jpg"
    outside.write_bytes(b"precious")
    (folder / "poster.jpg").symlink_to(outside)
    movie_id = await enriched_movie(suite, folder)

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert result.status is MovieStatus.FAILED
    assert "outside the movie folder" in (result.error or "")
    assert outside.read_bytes() == b"precious"
    assert (folder / "Inception.nfo").exists()  # the rest of the movie is written


async def test_a_symlinked_movie_folder_is_resolved_and_written(suite: LibrarySuite, tmp_path: Path) -> None:
    real = movie_folder(tmp_path / "disks")
    link = tmp_path / "lib" / "Inception (2010)"
    link.parent.mkdir()
    link.symlink_to(real, target_is_directory=True)
    movie_id = await enriched_movie(suite, link)
    result = (await suite.app.publish.publish([movie_id])).results[0]
    assert result.status is MovieStatus.WRITTEN
    assert (real / "Inception.nfo").exists()


def _image_host(body: bytes, content_type: str) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(200, content=body, headers={"content-type": content_type})
    )


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "text/html", "text/html instead of an image"),
        (b"<!DOCTYPE html><html><body>Not found</body></html>", "image/jpeg", "a web page"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png", "cannot be decoded"),
        (b"\xff\xd8\xff" + b"\0" * (26 * 1024 * 1024), "image/jpeg", "too large"),
    ],
    ids=["html", "html-as-jpeg", "corrupt-png", "oversized"],
)
async def test_bad_downloads_fail_that_file_and_the_nfo_is_still_written(
    suite_factory: SuiteFactory, tmp_path: Path, body: bytes, content_type: str, message: str
) -> None:
    suite = await suite_factory(_image_host(body, content_type))
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert result.status is MovieStatus.FAILED
    assert message in (result.error or "")
    assert sorted(p.name for p in folder.iterdir()) == ["Inception.mkv", "Inception.nfo"]
    assets = AssetRepository(suite.app.database, suite.app.clock).for_entity("movie", movie_id)
    assert not any(a.analyzed for a in assets)


async def test_a_failed_download_fails_its_file_and_is_never_reported_as_kept(
    suite_factory: SuiteFactory, tmp_path: Path
) -> None:
    suite = await suite_factory(_image_host(b"<!DOCTYPE html><html></html>", "text/html"))
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert result.status is MovieStatus.FAILED
    assert actions(result) == {"Inception.nfo": "created"}
    assert "poster.jpg: " in (result.error or "") and "fanart.jpg: " in (result.error or "")
    assert suite.app.publish.pending() == [movie_id]


async def test_downloads_go_through_the_engine_and_show_on_health(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)
    seen: list[str] = []
    suite.app.pool.subscribe(lambda health: seen.append(health.id))
    await suite.app.publish.publish([movie_id])
    assert "images" in seen
    health = {h.id: h for h in suite.app.providers.health()}
    assert health["images"].requests_today >= len(ARTWORK)
    assert health["images"].status.value == "healthy"
    assert suite.app.providers.names()["images"] == "Image hosts"


async def test_a_shared_folder_uses_the_video_name_forms(suite: LibrarySuite, tmp_path: Path) -> None:
    folder = tmp_path / "lib" / "Films"
    folder.mkdir(parents=True)
    (folder / "Inception.mkv").write_bytes(b"x")
    (folder / "Heat.mkv").write_bytes(b"x")
    movie_id = await enriched_movie(suite, folder / "Inception.mkv")

    await suite.app.publish.publish([movie_id])

    names = sorted(p.name for p in folder.iterdir())
    assert "Inception-poster.jpg" in names and "Inception-clearlogo.png" in names and "Inception.nfo" in names
    assert "poster.jpg" not in names and "movie.nfo" not in names and "extrafanart" not in names


async def test_the_nfo_name_setting_and_a_blu_ray_folder(suite: LibrarySuite, tmp_path: Path) -> None:
    folder = tmp_path / "lib" / "Inception (2010)"
    (folder / "BDMV" / "STREAM").mkdir(parents=True)
    (folder / "BDMV" / "index.bdmv").write_bytes(b"x")
    movie_id = await enriched_movie(suite, folder)
    suite.app.user_settings.set("publish.nfo_name", "both")
    suite.app.user_settings.set("publish.artwork", ["poster"])

    await suite.app.publish.publish([movie_id])

    assert (folder / "BDMV" / "index.nfo").exists()  # Kodi
    assert (folder / "Inception (2010).nfo").exists()  # Jellyfin
    assert (folder / "movie.nfo").exists()
    assert (folder / "poster.jpg").exists() and not (folder / "fanart.jpg").exists()


async def test_publish_after_enrichment_only_once_the_user_turned_it_on(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)
    assert not (folder / "Inception.nfo").exists()  # publishing is off until the user chooses
    assert suite.app.publish.pending() == [movie_id]

    suite.app.user_settings.set("publish.enabled", True)
    suite.app.movies.set_fields(movie_id, {"plot": None, "title": "Old"}, {})
    result = await suite.enrichment.enrich(movie_id)

    assert result.changes.requires_player_sync
    assert read_nfo_movie((folder / "Inception.nfo").read_bytes()).title == "Inception"
    assert suite.app.publish.pending() == []

    suite.app.user_settings.set("publish.after_enrichment", False)
    (folder / "Inception.nfo").unlink()
    suite.app.movies.set_fields(movie_id, {"title": "Old"}, {})
    await suite.enrichment.enrich(movie_id)
    assert not (folder / "Inception.nfo").exists()
    assert suite.app.publish.pending() == [movie_id]


async def test_a_movie_without_a_path_is_skipped(suite: LibrarySuite) -> None:
    record = suite.library.add("Nowhere", year=2000)
    result = (await suite.app.publish.publish([record.id])).results[0]
    assert result.status is MovieStatus.SKIPPED and "no folder" in (result.error or "")


async def test_undo_republishes_the_published_files(suite: LibrarySuite, tmp_path: Path) -> None:
    folder, movie_id = await published_movie(suite, tmp_path / "lib")
    undone = await suite.undo.undo(movie_id)
    assert "plot" in {c.field for c in undone.restored}
    assert undone.republished is not None and undone.publish_error is None
    assert undone.republished["movie_id"] == movie_id
    files = {Path(f["path"]).name: f["action"] for f in undone.to_json()["republished"]["files"]}
    assert files["Inception.nfo"] in {"updated", "unchanged"} and (folder / "Inception.nfo").exists()


async def test_an_undone_field_leaves_the_nfo_metarr_wrote(suite: LibrarySuite, tmp_path: Path) -> None:
    folder, movie_id = await published_movie(suite, tmp_path / "lib")
    nfo = folder / "Inception.nfo"
    assert read_nfo_movie(nfo.read_bytes()).plot
    await suite.undo.undo(movie_id)
    assert suite.library.movie_detail(movie_id).fields["plot"].value is None
    assert read_nfo_movie(nfo.read_bytes()).plot is None


async def test_an_emptied_field_leaves_the_nfo_metarr_created_and_force_removes_it_too(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder, movie_id = await published_movie(suite, tmp_path / "lib")
    nfo = folder / "Inception.nfo"
    before = read_nfo_movie(nfo.read_bytes())
    assert before.plot and before.genres
    suite.app.movies.set_fields(movie_id, {"plot": None}, {})
    await suite.app.publish.publish([movie_id])
    assert read_nfo_movie(nfo.read_bytes()).plot is None
    suite.app.movies.set_fields(movie_id, {"genres": None}, {})
    forced = await suite.app.publish.publish([movie_id], force=True)
    assert actions(forced.results[0])["Inception.nfo"] == "updated"
    after = read_nfo_movie(nfo.read_bytes())
    assert after.genres == () and after.title == before.title
    assert not (folder / f"Inception.nfo{BACKUP_SUFFIX}").exists()


async def test_an_nfo_published_with_a_stale_tag_before_format_2_is_rendered_again(
    suite: LibrarySuite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as before:  # the writer of NFO_FORMAT 1: it kept every managed tag
        before.setattr(nfo_writer, "NFO_FORMAT", 1)
        before.setattr(publish_service, "erasable", lambda *_: frozenset())
        folder, movie_id = await published_movie(suite, tmp_path / "lib")
        suite.app.movies.set_fields(movie_id, {"plot": None}, {})
        await suite.app.publish.publish([movie_id])
    nfo = folder / "Inception.nfo"
    assert read_nfo_movie(nfo.read_bytes()).plot  # stale, and the ledger trusts it at format 1

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert actions(result)["Inception.nfo"] == "updated"
    assert read_nfo_movie(nfo.read_bytes()).plot is None
    again = (await suite.app.publish.publish([movie_id])).results[0]
    assert set(actions(again).values()) == {"unchanged"}


async def test_a_tag_of_a_foreign_nfo_metarr_never_wrote_is_kept(suite: LibrarySuite, tmp_path: Path) -> None:
    folder = movie_folder(tmp_path / "lib")
    nfo = folder / "Inception.nfo"
    nfo.write_bytes(b"<movie><title>Mine</title><plot>Their plot.</plot><watched>true</watched></movie>")
    movie_id = await enriched_movie(suite, folder)
    suite.app.movies.set_fields(movie_id, {"plot": None}, {})

    await suite.app.publish.publish([movie_id])  # the first merge: someone else's NFO
    assert read_nfo_movie(nfo.read_bytes()).plot == "Their plot."
    await suite.app.publish.publish([movie_id], force=True)  # adopted now, the plot still theirs
    assert read_nfo_movie(nfo.read_bytes()).plot == "Their plot."
    assert unmanaged_tags(nfo.read_bytes()) == ["watched"]


async def test_an_adopted_nfo_keeps_the_backups_own_tag_and_drops_one_metarr_added(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder = movie_folder(tmp_path / "lib")
    nfo = folder / "Inception.nfo"
    nfo.write_bytes(b"<movie><title>Mine</title><plot>Their plot.</plot></movie>")
    movie_id = await enriched_movie(suite, folder)
    suite.app.movies.set_fields(movie_id, {"plot": None}, {})
    await suite.app.publish.publish([movie_id])
    assert read_nfo_movie(nfo.read_bytes()).genres  # added by Metarr
    assert (folder / f"Inception.nfo{BACKUP_SUFFIX}").exists()

    suite.app.movies.set_fields(movie_id, {"genres": None}, {})
    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert actions(result)["Inception.nfo"] == "updated"
    after = read_nfo_movie(nfo.read_bytes())
    assert after.genres == () and after.plot == "Their plot."


async def test_a_movie_known_only_by_its_name_gets_no_nfo(suite: LibrarySuite, tmp_path: Path) -> None:
    """A never-identified movie with nothing but its title: an NFO holding only that would stop Kodi
    from finding the film itself, so nothing is written until it is identified or given a field."""
    folder = movie_folder(tmp_path, "Some Home Video (2031)", "video.mkv")
    record = suite.library.add("Some Home Video", year=2031, path=str(folder))
    result = (await suite.app.publish.publish([record.id])).results[0]
    assert result.status is MovieStatus.SKIPPED and "not identified yet" in (result.error or "")
    assert sorted(p.name for p in folder.iterdir()) == ["video.mkv"]
    suite.app.movies.set_fields(record.id, {"plot": "Our summer by the sea."})  # the user's own words
    result = (await suite.app.publish.publish([record.id])).results[0]
    assert result.status is MovieStatus.WRITTEN
    assert "Our summer by the sea." in (folder / "video.nfo").read_text(encoding="utf-8")
