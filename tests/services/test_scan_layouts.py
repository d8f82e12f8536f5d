"""Library layouts as people keep them, and bad entries that must not stop a scan."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services.library import LibraryService
from metarr_desktop.services.library import walk_library
from metarr_desktop.services.library_walk import WalkResult
from tests.helpers.files import touch


def movies(walk: WalkResult, root: Path) -> dict[str, tuple[str | None, int | None, str | None]]:
    return {os.path.relpath(m.path, root): (m.info.title, m.info.year, m.info.edition) for m in walk.movies}


def test_multi_part_files_are_one_movie(tmp_path: Path) -> None:
    touch(tmp_path / "Lawrence of Arabia (1962)" / "Lawrence of Arabia (1962) - cd1.avi")
    touch(tmp_path / "Lawrence of Arabia (1962)" / "Lawrence of Arabia (1962) - cd2.avi")
    touch(tmp_path / "Gone with the Wind (1939) part1.mkv")
    touch(tmp_path / "Gone with the Wind (1939) part2.mkv")
    touch(tmp_path / "Ben-Hur (1959)" / "Ben-Hur.1959.disc1.mkv")
    touch(tmp_path / "Ben-Hur (1959)" / "Ben-Hur.1959.disc2.mkv")
    touch(tmp_path / "Ben-Hur (1959)" / "Ben-Hur.1959-pt3.mkv")
    walk = walk_library(tmp_path)
    assert movies(walk, tmp_path) == {
        "Ben-Hur (1959)": ("Ben-Hur", 1959, None),
        "Gone with the Wind (1939) part1.mkv": ("Gone with the Wind", 1939, None),
        "Lawrence of Arabia (1962)": ("Lawrence of Arabia", 1962, None),
    }
    assert walk.warnings == []


def test_dvd_and_bluray_folders_are_one_movie(tmp_path: Path) -> None:
    touch(tmp_path / "Casablanca (1942)" / "VIDEO_TS" / "VIDEO_TS.IFO")
    touch(tmp_path / "Casablanca (1942)" / "VIDEO_TS" / "VTS_01_1.VOB")
    touch(tmp_path / "Casablanca (1942)" / "VIDEO_TS" / "VTS_01_2.VOB")
    touch(tmp_path / "Arrival (2016)" / "BDMV" / "index.bdmv")
    touch(tmp_path / "Arrival (2016)" / "BDMV" / "STREAM" / "00000.m2ts")
    touch(tmp_path / "Arrival (2016)" / "BDMV" / "STREAM" / "00001.m2ts")
    touch(tmp_path / "Arrival (2016)" / "CERTIFICATE" / "id.bdmv")
    assert movies(walk_library(tmp_path), tmp_path) == {
        "Arrival (2016)": ("Arrival", 2016, None),
        "Casablanca (1942)": ("Casablanca", 1942, None),
    }


def test_editions_are_recorded_as_separate_entries(tmp_path: Path) -> None:
    nfo = '<movie><title>Blade Runner</title><year>1982</year><uniqueid type="tmdb">78</uniqueid></movie>'
    touch(tmp_path / "Blade Runner (1982) {edition-Final Cut}" / "Blade Runner (1982).mkv")
    touch(tmp_path / "Blade Runner (1982) {edition-Final Cut}" / "movie.nfo", nfo)
    touch(tmp_path / "Blade Runner (1982) {edition-Theatrical Cut}" / "Blade Runner (1982).mkv")
    touch(tmp_path / "Blade Runner (1982) {edition-Theatrical Cut}" / "movie.nfo", nfo)
    touch(tmp_path / "Aliens (1986)" / "Aliens (1986) - Extended Edition.mkv")
    touch(tmp_path / "Aliens (1986)" / "Aliens (1986) - Theatrical Cut.mkv")
    walk = walk_library(tmp_path)
    found = movies(walk, tmp_path)
    assert found == {
        str(Path("Aliens (1986)", "Aliens (1986) - Extended Edition.mkv")): (
            "Aliens",
            1986,
            "Extended Edition",
        ),
        str(Path("Aliens (1986)", "Aliens (1986) - Theatrical Cut.mkv")): ("Aliens", 1986, "Theatrical Cut"),
        "Blade Runner (1982) {edition-Final Cut}": ("Blade Runner", 1982, "Final Cut"),
        "Blade Runner (1982) {edition-Theatrical Cut}": ("Blade Runner", 1982, "Theatrical Cut"),
    }
    assert {m.info.ids for m in walk.movies if m.info.title == "Blade Runner"} == {ExternalIds(tmdb=78)}


def inception_and_its_extras(root: Path) -> Path:
    """Inception's folder under `root`: the film, and its trailer, sample and featurette beside it."""
    folder = root / "Inception (2010)"
    for suffix in ("", "-trailer", "-sample", "-featurette"):
        touch(folder / f"Inception (2010){suffix}.mkv")
    return folder


def test_extras_are_never_movies(tmp_path: Path) -> None:
    folder = inception_and_its_extras(tmp_path)
    for extras in ("Extras", "Featurettes", "Behind The Scenes", "Trailers", "Samples", "Deleted Scenes"):
        touch(folder / extras / "Making of.mkv")
    touch(tmp_path / "Interstellar.2014.1080p.mkv")
    touch(tmp_path / "Interstellar.2014.1080p-sample.mkv")
    touch(tmp_path / "Samples" / "Dune.2021.sample.mkv")
    touch(tmp_path / "Trailers" / "Tenet (2020).mkv")
    assert movies(walk_library(tmp_path), tmp_path) == {
        "Inception (2010)": ("Inception", 2010, None),
        "Interstellar.2014.1080p.mkv": ("Interstellar", 2014, None),
    }


def test_the_extras_skipped_are_counted(tmp_path: Path) -> None:
    folder = inception_and_its_extras(tmp_path)
    touch(folder / "Inception (2010)-trailer.srt")  # not a video: not an extra the scan skipped
    for extras in ("Extras", "Featurettes", "Trailers"):  # a folder counts once, however full
        touch(folder / extras / "Making of.mkv")
        touch(folder / extras / "Teaser.mkv")
    touch(folder / "Subs" / "Inception.en.srt")  # another program's folder: not an extra
    touch(tmp_path / "Interstellar.2014.1080p.mkv")
    touch(tmp_path / "Interstellar.2014.1080p-sample.mkv")
    touch(tmp_path / "sample.mkv")
    touch(tmp_path / "Samples" / "Dune.2021.sample.mkv")
    touch(tmp_path / "@eaDir" / "thumb.mkv")
    touch(tmp_path / "Breaking Bad" / "Season 01" / "Breaking.Bad.S01E01.mkv")
    touch(tmp_path / "Breaking Bad" / "Extras" / "Gag reel.mkv")  # a series' extras: set aside with it
    walk = walk_library(tmp_path)
    assert len(walk.movies) == 2
    assert sorted(os.path.relpath(p, tmp_path) for p in walk.extras) == [
        "Inception (2010)/Extras",
        "Inception (2010)/Featurettes",
        "Inception (2010)/Inception (2010)-featurette.mkv",
        "Inception (2010)/Inception (2010)-sample.mkv",
        "Inception (2010)/Inception (2010)-trailer.mkv",
        "Inception (2010)/Trailers",
        "Interstellar.2014.1080p-sample.mkv",
        "Samples",
        "sample.mkv",
    ]
    assert walk_library(tmp_path / "Inception (2010)").extras == [
        str(folder / name)
        for name in (
            "Extras",
            "Featurettes",
            "Trailers",
            "Inception (2010)-featurette.mkv",
            "Inception (2010)-sample.mkv",
            "Inception (2010)-trailer.mkv",
        )
    ]


def test_tv_series_are_set_aside_with_a_warning(tmp_path: Path) -> None:
    touch(tmp_path / "Breaking Bad" / "Season 01" / "Breaking.Bad.S01E01.720p.mkv")
    touch(tmp_path / "Breaking Bad" / "Season 02" / "Breaking.Bad.S02E01.720p.mkv")
    touch(tmp_path / "The Wire" / "The.Wire.S01E01.mkv")
    touch(tmp_path / "The Wire" / "The.Wire.S01E02.mkv")
    touch(tmp_path / "Chernobyl" / "tvshow.nfo", "<tvshow><title>Chernobyl</title></tvshow>")
    touch(tmp_path / "Chernobyl" / "Chernobyl - 1x01 - 1-23-45.mkv")
    touch(tmp_path / "Heat (1995)" / "Heat.mkv")
    walk = walk_library(tmp_path)
    assert movies(walk, tmp_path) == {"Heat (1995)": ("Heat", 1995, None)}
    assert sorted(os.path.relpath(p, tmp_path) for p in walk.tv) == ["Breaking Bad", "Chernobyl", "The Wire"]
    assert len(walk.warnings) == 3 and all("TV series" in w for w in walk.warnings)


def test_generic_containers_are_never_titles(tmp_path: Path) -> None:
    touch(tmp_path / "Movies" / "Alien (1979).mkv")
    touch(tmp_path / "Films" / "HD" / "Heat.1995.1080p.BluRay.mkv")
    touch(tmp_path / "Downloads" / "Dune.Part.Two.2024.2160p.WEB-DL.mkv")
    touch(tmp_path / "Video" / "Arrival (2016)" / "arrival.mkv")
    touch(tmp_path / "Amelie (2001).mkv")  # a file in the scanned folder itself
    assert movies(walk_library(tmp_path), tmp_path) == {
        "Amelie (2001).mkv": ("Amelie", 2001, None),
        str(Path("Downloads", "Dune.Part.Two.2024.2160p.WEB-DL.mkv")): ("Dune Part Two", 2024, None),
        str(Path("Films", "HD", "Heat.1995.1080p.BluRay.mkv")): ("Heat", 1995, None),
        str(Path("Movies", "Alien (1979).mkv")): ("Alien", 1979, None),
        str(Path("Video", "Arrival (2016)")): ("Arrival", 2016, None),
    }


def test_folder_title_and_file_year_only_for_the_same_film(tmp_path: Path) -> None:
    touch(tmp_path / "Bad" / "Alien (1979).mkv")
    touch(tmp_path / "Bad" / "movie.nfo", "<movie><title>Alien</title><uniqueid")  # broken
    touch(tmp_path / "Inception" / "Inception.2010.1080p.mkv")  # same film: the file's year helps
    touch(tmp_path / "Heat (1995)" / "xyz-heat-grp.mkv")  # a junk file name: the folder's name wins
    walk = walk_library(tmp_path)
    assert movies(walk, tmp_path) == {
        "Bad": ("Alien", 1979, None),
        "Heat (1995)": ("Heat", 1995, None),
        "Inception": ("Inception", 2010, None),
    }
    assert len(walk.warnings) == 1 and "not valid XML" in walk.warnings[0]


# -- bad entries: one warning each, and the scan goes on ------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="undecodable names need a byte-named file system")
async def test_bad_entries_are_warnings_and_the_good_movies_are_added(
    tmp_path: Path, library: LibraryService
) -> None:
    root = tmp_path / "movies"
    touch(root / "Heat (1995)" / "Heat.mkv")
    os.makedirs(os.fsencode(root) + b"/Caf\xe9 Society (2016)")  # noqa: PTH103 - Latin-1 bytes, not UTF-8
    touch(Path(os.fsdecode(os.fsencode(root) + b"/Caf\xe9 Society (2016)")) / "movie.mkv")
    touch(root / "Odd Year (2001)" / "movie.mkv")
    touch(root / "Odd Year (2001)" / "movie.nfo", "<movie><title>Odd Year</title><year>²³</year></movie>")
    touch(root / "Huge Id (2002)" / "movie.mkv")
    touch(root / "Huge Id (2002)" / "movie.nfo", "<movie><tmdbid>12345678901234567890</tmdbid></movie>")
    fifo = root / "Fifo (2003)"
    touch(fifo / "movie.mkv")
    os.mkfifo(fifo / "movie.nfo")
    report = await library.scan(root)
    titles = sorted((m.title, m.year) for m in await library.all())
    assert titles == [("Fifo", 2003), ("Heat", 1995), ("Huge Id", 2002), ("Odd Year", 2001)]
    assert any("not valid UTF-8" in w and "Caf\\xe9" in w for w in report.warnings)
    assert any("not a regular file" in w for w in report.warnings)
    assert len(report.added) == 4


def test_an_oversized_nfo_is_not_read(tmp_path: Path) -> None:
    touch(tmp_path / "Big (1988)" / "big.mkv")
    touch(tmp_path / "Big (1988)" / "movie.nfo", "<movie>" + " " * (2 * 1024 * 1024) + "</movie>")
    walk = walk_library(tmp_path)
    assert movies(walk, tmp_path) == {"Big (1988)": ("Big", 1988, None)}
    assert "larger than 1 MB" in walk.warnings[0]


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_links_leaving_the_scanned_folder_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "movies"
    outside = tmp_path / "elsewhere"
    touch(outside / "Secret (2000)" / "secret.mkv")
    touch(root / "Heat (1995)" / "heat.mkv")
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "inside").symlink_to(root / "Heat (1995)", target_is_directory=True)
    touch(root / "Alien (1979)" / "alien.mkv")
    (root / "Alien (1979)" / "movie.nfo").symlink_to("/dev/zero")
    walk = walk_library(root)
    assert sorted(movies(walk, root)) == ["Alien (1979)", "Heat (1995)"]  # "inside" is Heat again
    assert any("outside the scanned folder; not followed" in w for w in walk.warnings)
    followed = walk_library(root, follow_links=True)
    assert str(Path("escape", "Secret (2000)")) in movies(followed, root)
