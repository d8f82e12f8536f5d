"""Path mappings: prefixes by whole components, separators and case as each side needs."""

from __future__ import annotations

import pytest

from metarr_desktop.core.player_paths import PathMapping
from metarr_desktop.core.player_paths import as_folder
from metarr_desktop.core.player_paths import is_within
from metarr_desktop.core.player_paths import parent
from metarr_desktop.core.player_paths import same_path
from metarr_desktop.core.player_paths import to_local
from metarr_desktop.core.player_paths import to_remote

MAPPINGS = [
    PathMapping("/mnt/media", "smb://nas/media/"),
    PathMapping("/data/movies", "D:\\Movies"),
    PathMapping("/mnt/media/Kids", "nfs://kids/share"),
]


@pytest.mark.parametrize(
    ("local", "remote"),
    [
        ("/mnt/media/Movies/Alien (1979)", "smb://nas/media/Movies/Alien (1979)"),
        ("/mnt/media/Movies/Alien (1979)/Alien.mkv", "smb://nas/media/Movies/Alien (1979)/Alien.mkv"),
        ("/data/movies/Heat (1995)/Heat.mkv", "D:\\Movies\\Heat (1995)\\Heat.mkv"),
        ("/mnt/media/Kids/Up (2009)", "nfs://kids/share/Up (2009)"),  # the longest prefix wins
        ("/mnt/mediaX/Up", "/mnt/mediaX/Up"),  # whole components only
        ("/elsewhere/A", "/elsewhere/A"),
    ],
)
def test_local_paths_map_to_the_players_notation(local: str, remote: str) -> None:
    assert to_remote(local, MAPPINGS) == remote


def test_windows_and_network_paths_map_back_without_regard_to_case() -> None:
    assert to_local("SMB://NAS/Media/Movies/X", MAPPINGS) == "/mnt/media/Movies/X"
    assert to_local("d:\\movies\\A\\a.mkv", MAPPINGS) == "/data/movies/A/a.mkv"
    assert to_local("D:/Movies/A", MAPPINGS) == "/data/movies/A"


def test_posix_paths_keep_their_case() -> None:
    assert to_remote("/MNT/media/A", MAPPINGS) == "/MNT/media/A"
    assert not same_path("/a/B", "/a/b")
    assert same_path("D:\\Movies\\A\\", "d:/movies/a")


def test_folders_parents_and_containment() -> None:
    assert as_folder("smb://nas/media/A") == "smb://nas/media/A/"
    assert as_folder("D:\\Movies\\A") == "D:\\Movies\\A\\"
    assert parent("smb://nas/media/A/a.mkv") == "smb://nas/media/A"
    assert parent("D:\\Movies\\A\\a.mkv") == "D:\\Movies\\A"
    assert is_within("/data/movies/A", "/data/movies")
    assert not is_within("/data/moviesX/A", "/data/movies")


def test_a_mapping_parses_from_local_equals_remote() -> None:
    assert PathMapping.parse("/data/movies=D:\\Movies") == PathMapping("/data/movies", "D:\\Movies")
    with pytest.raises(ValueError, match="LOCAL=REMOTE"):
        PathMapping.parse("/data/movies")
