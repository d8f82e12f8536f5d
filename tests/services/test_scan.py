"""Library scans: names, NFO variants, malformed NFO files, symbolic-link loops, unreadable folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.nfo import FolderInfo
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.services.library import FoundMovie
from metarr_desktop.services.library import LibraryError
from metarr_desktop.services.library import LibraryService
from metarr_desktop.services.library import walk_library
from metarr_desktop.store.library import MovieRepository


def video(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def by_path(found: list[FoundMovie], root: Path) -> dict[str, FolderInfo]:
    return {os.path.relpath(m.path, root): m.info for m in found}


def test_folder_and_file_names(tmp_path: Path) -> None:
    video(tmp_path / "Inception (2010)" / "Inception.2010.1080p.BluRay.x264.mkv")
    video(tmp_path / "Inception (2010)" / "Inception-sample.mkv")
    video(tmp_path / "Inception (2010)" / "Extras" / "Making of.mkv")
    video(tmp_path / "The.Matrix.1999.720p.mkv")
    video(tmp_path / "Collection" / "Heat (1995) [imdbid-tt0113277]" / "heat.mp4")
    walk = walk_library(tmp_path)
    found, warnings = walk.movies, walk.warnings
    infos = by_path(found, tmp_path)
    assert warnings == []
    assert set(infos) == {
        "Inception (2010)",
        "The.Matrix.1999.720p.mkv",
        str(Path("Collection", "Heat (1995) [imdbid-tt0113277]")),
    }
    assert (infos["Inception (2010)"].title, infos["Inception (2010)"].year) == ("Inception", 2010)
    assert (infos["The.Matrix.1999.720p.mkv"].title, infos["The.Matrix.1999.720p.mkv"].year) == (
        "The Matrix",
        1999,
    )
    heat = infos[str(Path("Collection", "Heat (1995) [imdbid-tt0113277]"))]
    assert heat.ids == ExternalIds(imdb="tt0113277") and heat.title == "Heat"


@pytest.mark.parametrize(
    ("name", "text", "ids"),
    [
        (
            "movie.nfo",
            "<movie><title>Dune</title><year>2021</year>"
            '<uniqueid type="tmdb">438631</uniqueid><uniqueid type="imdb" default="true">tt1160419</uniqueid>'
            "</movie>",
            ExternalIds(tmdb=438631, imdb="tt1160419"),
        ),
        ("Dune.nfo", "<movie><id>tt1160419</id></movie>", ExternalIds(imdb="tt1160419")),
        ("Dune.nfo", "https://www.imdb.com/title/tt1160419/", ExternalIds(imdb="tt1160419")),
        (
            "Dune (2021).nfo",
            "<movie><title>Dune</title></movie>\nhttps://www.themoviedb.org/movie/438631-dune",
            ExternalIds(tmdb=438631),
        ),
    ],
)
def test_nfo_variants(tmp_path: Path, name: str, text: str, ids: ExternalIds) -> None:
    folder = tmp_path / "Dune (2021)"
    video(folder / "Dune.mkv")
    (folder / name).write_text(text, encoding="utf-8")
    walk = walk_library(tmp_path)
    found, warnings = walk.movies, walk.warnings
    assert warnings == []
    assert [(m.info.title, m.info.year, m.info.ids) for m in found] == [("Dune", 2021, ids)]


def test_a_malformed_nfo_gives_a_warning_and_falls_back_to_the_name(tmp_path: Path) -> None:
    folder = tmp_path / "Alien (1979)"
    video(folder / "Alien.mkv")
    (folder / "movie.nfo").write_text("<movie><title>Alien</title><uniqueid", encoding="utf-8")
    walk = walk_library(tmp_path)
    found, warnings = walk.movies, walk.warnings
    assert [(m.info.title, m.info.year) for m in found] == [("Alien", 1979)]
    assert len(warnings) == 1 and "movie.nfo" in warnings[0] and "not valid XML" in warnings[0]


def test_a_folder_of_several_movies_gives_one_per_file(tmp_path: Path) -> None:
    video(tmp_path / "Misc" / "Alien (1979).mkv")
    video(tmp_path / "Misc" / "Heat (1995).mkv")
    (tmp_path / "Misc" / "Heat (1995).nfo").write_text("<movie><id>tt0113277</id></movie>")
    found = walk_library(tmp_path).movies
    infos = {Path(m.path).name: m.info for m in found}
    assert set(infos) == {"Alien (1979).mkv", "Heat (1995).mkv"}
    assert infos["Heat (1995).mkv"].ids == ExternalIds(imdb="tt0113277")


def test_a_symlink_loop_does_not_stop_the_scan(tmp_path: Path) -> None:
    video(tmp_path / "A" / "Inner" / "Alien (1979)" / "alien.mkv")
    (tmp_path / "A" / "Inner" / "loop").symlink_to(tmp_path / "A", target_is_directory=True)
    video(tmp_path / "Heat (1995)" / "heat.mkv")
    walk = walk_library(tmp_path)
    found, warnings = walk.movies, walk.warnings
    assert sorted(str(m.info.title) for m in found) == ["Alien", "Heat"]
    assert any("loop" in w for w in warnings)


def test_an_unreadable_folder_is_reported_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    video(tmp_path / "Locked" / "Alien (1979)" / "alien.mkv")
    video(tmp_path / "Heat (1995)" / "heat.mkv")
    real_scandir = os.scandir
    locked = str(tmp_path / "Locked")

    def scandir(path: str | os.PathLike[str] = ".") -> Iterator[os.DirEntry[str]]:
        if os.fspath(path) == locked:
            raise PermissionError(13, "Permission denied", locked)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    walk = walk_library(tmp_path)
    found, warnings = walk.movies, walk.warnings
    assert [m.info.title for m in found] == ["Heat"]
    assert len(warnings) == 1 and "Locked" in warnings[0] and "Permission denied" in warnings[0]


def test_a_missing_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="not a folder"):
        walk_library(tmp_path / "nope")


async def test_scan_adds_new_movies_once(
    tmp_path: Path, library: LibraryService, movies: MovieRepository
) -> None:
    root = tmp_path / "lib"
    video(root / "Alien (1979)" / "alien.mkv")
    video(root / "Heat (1995)" / "heat.mkv")
    (root / "Heat (1995)" / "movie.nfo").write_text("<movie><id>tt0113277</id></movie>")
    known = library.add("Heat", ids=ExternalIds(imdb="tt0113277"))
    report = await library.scan(root)
    assert len(report.added) == 1 and report.existing == [known.id]
    added = movies.require(report.added[0])
    assert (added.title, added.year, added.status) == ("Alien", 1979, IdentificationStatus.UNIDENTIFIED)
    assert movies.require(known.id).path == str(root / "Heat (1995)")
    again = await library.scan(root)
    assert again.added == [] and sorted(again.existing) == sorted([known.id, added.id])
    document = again.to_json()
    assert (document["added"], document["existing"], document["warnings"]) == ([], again.existing, [])
    assert (document["moved"], document["missing"], document["tv_set_aside"]) == ([], [], 0)


def test_add_rejects_bad_input(library: LibraryService) -> None:
    with pytest.raises(LibraryError):
        library.add("   ")
    with pytest.raises(LibraryError):
        library.add("Alien", year=12)
