"""The permission bits of the library files Metarr writes: a player or a file server running as
another user (Kodi, Jellyfin, Samba on a NAS) must read them, so a new file gets what any program's
new file gets (0o666 less the umask) and a replaced file keeps its own."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.publish.files import BACKUP_SUFFIX
from metarr_desktop.services.publish.files import atomic_write
from metarr_desktop.services.publish.files import backup_once
from tests.helpers.publishing import enriched_movie
from tests.helpers.publishing import movie_folder

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


@pytest.fixture
def umask() -> Iterator[int]:
    """The umask 0o022 for the test (restored after it)."""
    old = os.umask(0o022)
    try:
        yield 0o022
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_mode_of_any_new_file(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "movie" / "poster.jpg"
    atomic_write(str(target), b"image")
    assert mode(target) == 0o666 & ~umask == 0o644
    os.umask(0o027)
    atomic_write(str(tmp_path / "movie" / "fanart.jpg"), b"image")
    assert mode(tmp_path / "movie" / "fanart.jpg") == 0o640
    assert os.umask(0o027) == 0o027  # the umask is left as it was
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".metarr-")] == []


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask: int) -> None:
    target = tmp_path / "movie.nfo"
    target.write_bytes(b"old")
    target.chmod(0o664)
    atomic_write(str(target), b"new")
    assert target.read_bytes() == b"new" and mode(target) == 0o664
    target.chmod(0o600)
    atomic_write(str(target), b"newer")
    assert mode(target) == 0o600


def test_a_backup_keeps_the_mode_of_the_original(tmp_path: Path, umask: int) -> None:
    original = tmp_path / "movie.nfo"
    original.write_bytes(b"mine")
    original.chmod(0o660)
    backup = backup_once(str(original), b"mine")
    assert backup == str(original) + BACKUP_SUFFIX
    assert mode(Path(backup)) == 0o660


async def test_published_files_are_readable_by_others(
    suite: LibrarySuite, tmp_path: Path, umask: int
) -> None:
    folder = movie_folder(tmp_path / "lib")
    foreign = folder / "Inception.nfo"
    foreign.write_bytes(b"<movie><title>Mine</title><watched>true</watched></movie>")
    foreign.chmod(0o644)
    movie_id = await enriched_movie(suite, folder)

    result = (await suite.app.publish.publish([movie_id])).results[0]

    assert {Path(f.path).name: f.action.value for f in result.files}["Inception.nfo"] == "updated"
    assert mode(foreign) == 0o644  # merged, its mode kept
    assert mode(folder / ("Inception.nfo" + BACKUP_SUFFIX)) == 0o644
    assert mode(folder / "poster.jpg") == 0o644  # new artwork
    written = [p for p in folder.rglob("*") if p.is_file() and p.name != "Inception.mkv"]
    assert written and all(mode(p) & 0o044 == 0o044 for p in written)
