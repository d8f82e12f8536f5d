"""Rescans and Add folder never duplicate a film; moved folders keep their movie; gone ones are
marked missing; removing a movie never touches its files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.services.library import LibraryError
from metarr_desktop.services.library import LibraryService
from metarr_desktop.store.library import MovieRepository
from tests.helpers.files import touch


def heat_nfo() -> str:
    return '<movie><title>Heat</title><year>1995</year><uniqueid type="tmdb">949</uniqueid></movie>'


def six_films(root: Path) -> None:
    touch(root / "Heat (1995)" / "Heat.mkv")
    touch(root / "Heat (1995)" / "movie.nfo", heat_nfo())
    touch(root / "Alien (1979) [imdbid-tt0078748]" / "alien.mkv")
    touch(root / "Inception (2010)" / "Inception.2010.1080p.mkv")
    touch(root / "1917 (2019)" / "1917.mkv")
    touch(root / "Mad Max - Fury Road (2015)" / "Mad.Max.Fury.Road.2015.mkv")
    touch(root / "Dune - Part Two (2024)" / "dune2.mkv")


async def scanned_six_films(library: LibraryService, root: Path) -> Path:
    """The six films under `root`, scanned into the library once: `root`."""
    six_films(root)
    await library.scan(root)
    return root


async def test_a_rescan_and_add_folder_never_add_a_film_twice(
    tmp_path: Path, library: LibraryService
) -> None:
    root = tmp_path / "movies"
    six_films(root)
    first = await library.scan(root)
    assert len(first.added) == 6 and first.existing == []
    again = await library.scan(root)
    assert again.added == [] and sorted(again.existing) == sorted(first.added)
    # "Add folder" on a subfolder of what is already there
    sub = await library.scan(root / "Heat (1995)")
    assert sub.added == [] and len(sub.existing) == 1
    titles = sorted(m.title for m in await library.all())
    assert titles == ["1917", "Alien", "Dune: Part Two", "Heat", "Inception", "Mad Max: Fury Road"]


async def test_a_second_copy_with_the_same_ids_is_not_added(tmp_path: Path, library: LibraryService) -> None:
    touch(tmp_path / "a" / "Heat (1995)" / "Heat.mkv")
    touch(tmp_path / "a" / "Heat (1995)" / "movie.nfo", heat_nfo())
    touch(tmp_path / "b" / "Heat.1995.1080p {tmdb-949}" / "heat.mkv")
    first = await library.scan(tmp_path / "a")
    second = await library.scan(tmp_path / "b")
    assert second.added == [] and second.existing == first.added
    assert any("the same film as movie" in w for w in second.warnings)


async def test_editions_are_two_entries_with_the_same_ids(tmp_path: Path, library: LibraryService) -> None:
    nfo = '<movie><title>Blade Runner</title><uniqueid type="tmdb">78</uniqueid></movie>'
    touch(tmp_path / "Blade Runner (1982) {edition-Final Cut}" / "br.mkv")
    touch(tmp_path / "Blade Runner (1982) {edition-Final Cut}" / "movie.nfo", nfo)
    touch(tmp_path / "Blade Runner (1982) {edition-Theatrical Cut}" / "br.mkv")
    touch(tmp_path / "Blade Runner (1982) {edition-Theatrical Cut}" / "movie.nfo", nfo)
    report = await library.scan(tmp_path)
    assert len(report.added) == 2
    records = await library.all()
    assert {r.edition for r in records} == {"Final Cut", "Theatrical Cut"}
    assert {r.ids for r in records} == {ExternalIds(tmdb=78)}
    assert (await library.scan(tmp_path)).added == []


async def test_a_moved_folder_keeps_its_movie(
    tmp_path: Path, library: LibraryService, movies: MovieRepository
) -> None:
    root = await scanned_six_films(library, tmp_path / "movies")
    heat = next(m for m in await library.all() if m.title == "Heat")
    movies.lock(heat.id, "plot")
    movies.set_fields(heat.id, {"plot": "A thief and a detective."}, {"plot": "user"})
    # renamed (its NFO says which film it is) ...
    (root / "Heat (1995)").rename(root / "Heat.1995.1080p.BluRay")
    # ... and one without ids moved into another folder (its title and year say which film it is)
    touch(root / "Thrillers" / ".keep")
    shutil.move(str(root / "Inception (2010)"), str(root / "Thrillers" / "Inception (2010)"))
    report = await library.scan(root)
    assert report.added == []
    assert sorted(report.moved) == sorted(
        [heat.id, next(m.id for m in await library.all() if m.title == "Inception")]
    )
    moved = movies.require(heat.id)
    assert moved.path == str(root / "Heat.1995.1080p.BluRay")
    assert moved.fields["plot"] == "A thief and a detective." and "plot" in movies.locked_fields(heat.id)
    assert not moved.missing


async def test_a_gone_folder_is_marked_missing_not_deleted(
    tmp_path: Path, library: LibraryService, movies: MovieRepository
) -> None:
    root = await scanned_six_films(library, tmp_path / "movies")
    alien = next(m for m in await library.all() if m.title == "Alien")
    shutil.move(str(root / "Alien (1979) [imdbid-tt0078748]"), str(tmp_path / "away"))
    report = await library.scan(root)
    assert report.missing == [alien.id] and report.added == []
    assert movies.require(alien.id).missing
    assert len(await library.all()) == 6
    shutil.move(str(tmp_path / "away"), str(root / "Alien (1979) [imdbid-tt0078748]"))
    back = await library.scan(root)
    assert back.found_again == [alien.id] and not movies.require(alien.id).missing


def test_add_by_hand_is_not_duplicated_and_accepts_an_id_alone(library: LibraryService) -> None:
    first = library.add_unique("Heat", year=1995, ids=ExternalIds(tmdb=949))
    second = library.add_unique(None, ids=ExternalIds(tmdb=949))
    assert not first.existing and second.existing and second.record.id == first.record.id
    only_id = library.add_unique(None, ids=ExternalIds(imdb="tt0078748"))
    assert not only_id.existing and only_id.record.title == "imdb:tt0078748"
    with pytest.raises(LibraryError, match="title or an id"):
        library.add_unique("  ")


async def test_a_scan_gives_a_hand_added_movie_its_folder(tmp_path: Path, library: LibraryService) -> None:
    added = library.add_unique(None, ids=ExternalIds(tmdb=949)).record
    touch(tmp_path / "Heat (1995)" / "Heat.mkv")
    touch(tmp_path / "Heat (1995)" / "movie.nfo", heat_nfo())
    report = await library.scan(tmp_path)
    assert report.added == [] and report.existing == [added.id]
    assert library.get(added.id).path == str(tmp_path / "Heat (1995)")


async def test_remove_deletes_the_movie_and_never_its_files(tmp_path: Path, library: LibraryService) -> None:
    touch(tmp_path / "Heat (1995)" / "Heat.mkv")
    touch(tmp_path / "Heat (1995)" / "movie.nfo", heat_nfo())
    [movie_id] = (await library.scan(tmp_path)).added
    library.remove(movie_id)
    with pytest.raises(UnknownEntityError):
        library.get(movie_id)
    assert sorted(p.name for p in (tmp_path / "Heat (1995)").iterdir()) == ["Heat.mkv", "movie.nfo"]
    with pytest.raises(UnknownEntityError):
        library.remove(movie_id)
