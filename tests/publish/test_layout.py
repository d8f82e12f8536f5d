# ruff: noqa: PTH118
# The layout returns plain relative paths (os.path.join), as the ledger stores them.
"""Where library files go: NFO and artwork names for each folder shape and player."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from metarr_desktop.services.publish.layout import Flavour
from metarr_desktop.services.publish.layout import LayoutError
from metarr_desktop.services.publish.layout import NfoName
from metarr_desktop.services.publish.layout import artwork_kinds
from metarr_desktop.services.publish.layout import artwork_name
from metarr_desktop.services.publish.layout import contained
from metarr_desktop.services.publish.layout import extrafanart_names
from metarr_desktop.services.publish.layout import locate
from metarr_desktop.services.publish.layout import movie_layout
from metarr_desktop.services.publish.layout import nfo_names


def make(root: Path, *files: str) -> Path:
    for name in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * (len(name)))
    return root


@pytest.mark.parametrize(
    ("nfo_name", "expected"),
    [
        (NfoName.VIDEO, ["Heat.nfo"]),
        (NfoName.MOVIE, ["movie.nfo"]),
        (NfoName.BOTH, ["Heat.nfo", "movie.nfo"]),
    ],
)
def test_a_movie_in_its_own_folder(tmp_path: Path, nfo_name: NfoName, expected: list[str]) -> None:
    folder = make(tmp_path / "Heat (1995)", "Heat.mkv", "Heat-sample.mkv")
    layout = movie_layout(str(folder))
    assert layout.video_stem == "Heat-sample" or layout.video_stem == "Heat"
    layout = movie_layout(str(make(tmp_path / "Solo", "Heat.mkv")))
    assert nfo_names(layout, Flavour.BOTH, nfo_name) == expected
    assert artwork_name(layout, "poster") == "poster.jpg"
    assert artwork_name(layout, "clearlogo") == "clearlogo.png"
    assert extrafanart_names(layout, 2) == [
        os.path.join("extrafanart", "fanart1.jpg"),
        os.path.join("extrafanart", "fanart2.jpg"),
    ]


def test_a_folder_of_several_movies_uses_the_video_name_and_never_movie_nfo(tmp_path: Path) -> None:
    folder = make(tmp_path / "Films", "Heat.mkv", "Ronin.mkv")
    layout = movie_layout(str(folder / "Heat.mkv"))
    assert layout.shared_folder
    assert nfo_names(layout, Flavour.BOTH, NfoName.BOTH) == ["Heat.nfo"]
    assert artwork_name(layout, "poster") == "Heat-poster.jpg"
    assert artwork_name(layout, "discart") == "Heat-discart.png"
    assert extrafanart_names(layout, 3) == []


def test_a_dvd_folder(tmp_path: Path) -> None:
    folder = make(tmp_path / "Heat (1995)", "VIDEO_TS/VIDEO_TS.IFO", "VIDEO_TS/VTS_01_1.VOB")
    for path in (folder, folder / "VIDEO_TS"):
        layout = movie_layout(str(path))
        assert layout.folder == str(folder) and layout.disc is not None
        assert nfo_names(layout, Flavour.BOTH, NfoName.VIDEO) == [os.path.join("VIDEO_TS", "VIDEO_TS.nfo")]
        assert artwork_name(layout, "poster") == "poster.jpg"


def test_a_blu_ray_folder_per_player(tmp_path: Path) -> None:
    folder = make(tmp_path / "Heat (1995)", "BDMV/index.bdmv", "BDMV/STREAM/00000.m2ts")
    layout = movie_layout(str(folder))
    assert nfo_names(layout, Flavour.KODI, NfoName.VIDEO) == [os.path.join("BDMV", "index.nfo")]
    assert nfo_names(layout, Flavour.JELLYFIN, NfoName.VIDEO) == ["Heat (1995).nfo"]
    assert nfo_names(layout, Flavour.BOTH, NfoName.BOTH) == [
        os.path.join("BDMV", "index.nfo"),
        "Heat (1995).nfo",
        "movie.nfo",
    ]


def test_keyart_is_written_for_kodi_only() -> None:
    kinds = ["poster", "keyart", "bogus"]
    assert artwork_kinds(kinds, Flavour.KODI) == ["poster", "keyart"]
    assert artwork_kinds(kinds, Flavour.JELLYFIN) == ["poster"]


def test_nothing_lands_outside_the_movie_folder(tmp_path: Path) -> None:
    folder = make(tmp_path / "movie", "a.mkv")
    (tmp_path / "secret").write_bytes(b"s")
    (folder / "poster.jpg").symlink_to(tmp_path / "secret")
    with pytest.raises(LayoutError):
        contained(str(folder), "poster.jpg")
    with pytest.raises(LayoutError):
        contained(str(folder), "../escape.jpg")
    assert contained(str(folder), "fanart.jpg") == str((folder / "fanart.jpg").resolve())


def test_a_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LayoutError, match="no folder"):
        movie_layout(None)
    with pytest.raises(LayoutError, match="missing"):
        movie_layout(str(tmp_path / "gone"))


def test_locate_stats_the_file_and_resolves_a_link_like_contained(tmp_path: Path) -> None:
    folder = make(tmp_path / "movie", "a.mkv", "poster.jpg")
    root = os.path.realpath(folder)
    path, info = locate(root, "poster.jpg")
    assert path == os.path.join(root, "poster.jpg") and info is not None and info.st_size == len("poster.jpg")
    assert locate(root, os.path.join("extrafanart", "fanart1.jpg")) == (
        os.path.join(root, "extrafanart", "fanart1.jpg"),
        None,
    )
    (folder / "fanart.jpg").symlink_to(folder / "poster.jpg")  # a link inside: its target
    path, info = locate(root, "fanart.jpg")
    assert path == os.path.join(root, "poster.jpg") and info is not None
    (tmp_path / "secret").write_bytes(b"s")
    (folder / "extrafanart").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(LayoutError):
        locate(root, os.path.join("extrafanart", "secret"))
    with pytest.raises(LayoutError):
        locate(root, "../escape.jpg")
