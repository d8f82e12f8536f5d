"""A publish of an unchanged movie proves it unchanged from the ledger without reading its files, and
still notices every change: a file the user edited, a field that changed, a file too fresh to trust."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.publish import MovieStatus
from metarr_desktop.services.publish import files
from metarr_desktop.services.publish import service
from metarr_desktop.services.publish import unchanged
from metarr_desktop.store.cache import AssetRepository
from tests.helpers.publishing import enriched_movie
from tests.helpers.publishing import movie_folder
from tests.helpers.publishing import published_movie

AN_HOUR_NS = 3600 * 10**9


def actions(result: object) -> dict[str, str]:
    return {Path(f.path).name: f.action.value for f in result.files}  # type: ignore[attr-defined]


def age(folder: Path) -> None:
    """Every file an hour old (older than the racy window), as if written long ago."""
    for path in folder.rglob("*"):
        if path.is_file():
            info = path.stat()
            os.utime(path, ns=(info.st_atime_ns - AN_HOUR_NS, info.st_mtime_ns - AN_HOUR_NS))


def mtime_of(path: str) -> int:
    return Path(path).stat().st_mtime_ns


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the publish service reads from now on."""
    reads: list[str] = []
    real = files.read_existing

    def spy(path: str) -> bytes | None:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(service, "read_existing", spy)
    monkeypatch.setattr(unchanged, "read_existing", spy)  # the read-back of written files
    return reads


async def published_and_verified(suite: LibrarySuite, tmp_path: Path) -> tuple[int, Path]:
    """A movie published, its files aged, and a publish that read them and stored their mtimes."""
    folder, movie_id = await published_movie(suite, tmp_path / "lib")
    age(folder)
    again = (await suite.app.publish.publish([movie_id])).results[0]
    assert set(actions(again).values()) == {"unchanged"}
    ledger = suite.app.publish.ledger.for_movie(movie_id)
    assert ledger and all(entry.mtime_ns is not None for entry in ledger.values())
    nfo = next(entry for entry in ledger.values() if entry.kind == "nfo")
    assert nfo.source is not None
    return movie_id, folder


async def test_a_file_fresher_than_the_racy_window_is_read_and_its_mtime_not_trusted(
    suite: LibrarySuite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder, movie_id = await published_movie(suite, tmp_path / "lib")
    reads = count_reads(monkeypatch)

    again = (await suite.app.publish.publish([movie_id])).results[0]

    assert set(actions(again).values()) == {"unchanged"}
    assert len(reads) == len(again.files)  # every file read: none is old enough to trust its mtime
    assert all(e.mtime_ns is None for e in suite.app.publish.ledger.for_movie(movie_id).values())


async def test_an_unchanged_movie_is_proven_unchanged_without_reading_or_rendering(
    suite: LibrarySuite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    movie_id, _folder = await published_and_verified(suite, tmp_path)
    reads = count_reads(monkeypatch)

    def no_render(*_args: object) -> bytes:
        raise AssertionError("an unchanged NFO was rendered")

    monkeypatch.setattr(service, "write_nfo", no_render)
    report = await suite.app.publish.publish([movie_id])

    result = report.results[0]
    assert result.status is MovieStatus.UNCHANGED
    assert set(actions(result).values()) == {"unchanged"}
    assert reads == [] and report.files_written == 0
    ledger = suite.app.publish.ledger.for_movie(movie_id)
    for file in result.files:  # the JSON still says each file's bytes and hash
        assert (file.size, file.sha256) == (ledger[file.path].size, ledger[file.path].sha256)


async def test_a_file_the_user_changed_keeping_its_size_is_still_left_alone(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    movie_id, folder = await published_and_verified(suite, tmp_path)
    fanart = folder / "fanart.jpg"
    original = fanart.read_bytes()
    mine = bytes(b ^ 0xFF for b in original)  # other bytes, the same size
    fanart.write_bytes(mine)

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert actions(result)["fanart.jpg"] == "kept"
    assert fanart.read_bytes() == mine


async def test_a_changed_field_renders_the_nfo_again_though_the_file_is_unchanged(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    movie_id, folder = await published_and_verified(suite, tmp_path)
    suite.app.movies.set_fields(movie_id, {"plot": "A plot written since."}, {})

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert actions(result)["Inception.nfo"] == "updated"
    assert actions(result)["poster.jpg"] == "unchanged"
    assert b"A plot written since." in (folder / "Inception.nfo").read_bytes()


async def test_another_selected_asset_is_written_though_the_file_is_unchanged(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    movie_id, folder = await published_and_verified(suite, tmp_path)
    ledger = suite.app.publish.ledger.for_movie(movie_id)
    poster = ledger[str(folder / "poster.jpg")]
    repository = AssetRepository(suite.app.database, suite.app.clock)
    assets = repository.for_entity("movie", movie_id)
    other = next(a for a in assets if a.type.value == "poster" and a.id != poster.asset_id)
    repository.select(other.id)

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert actions(result)["poster.jpg"] == "updated"


async def test_files_written_by_a_publish_are_verified_once_old_enough(
    suite: LibrarySuite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(unchanged, "RACY_NS", -AN_HOUR_NS)  # as if an hour had passed since each write
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)

    await suite.app.publish.publish([movie_id])

    ledger = suite.app.publish.ledger.for_movie(movie_id)
    assert ledger and all(e.mtime_ns == mtime_of(e.path) for e in ledger.values())
