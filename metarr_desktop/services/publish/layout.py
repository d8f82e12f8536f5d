# ruff: noqa: PTH100, PTH112, PTH113, PTH118, PTH119, PTH120, PTH122, PTH202, PTH208, PTH116, PTH206
# Paths are plain strings (as stored, and as the ledger keys them): os.path on strings, one rule set.
"""Where a movie's library files go: the NFO names and artwork names Kodi and Jellyfin both read.

A movie's stored path is its folder (one movie per folder) or its video file (a folder holding
several movies). From it and the folder's listing, `movie_layout` works out:

- the movie folder, every file is written in (or in its ``extrafanart/`` subfolder, or, for a disc
  structure, in its ``VIDEO_TS/`` or ``BDMV/`` folder);
- the video file's name without extension (``<video>.nfo``, ``<video>-poster.jpg``);
- a DVD (``VIDEO_TS``) or Blu-ray (``BDMV``) structure;
- whether the folder holds several movies (the ``<video>-poster.jpg`` forms are then used).

NFO names (`nfo_names`), after the players' readers: Kodi reads ``<video>.nfo`` always and
``movie.nfo`` for a movie in its own folder; for a DVD ``VIDEO_TS/VIDEO_TS.nfo`` and for a Blu-ray
``BDMV/index.nfo``. Jellyfin reads ``movie.nfo`` (own folder) and ``<video>.nfo``; for a DVD
``VIDEO_TS/VIDEO_TS.nfo`` and for a Blu-ray ``<folder>/<folder name>.nfo``.

Artwork names (`artwork_name`): ``poster.jpg``, ``fanart.jpg``, ``clearlogo.png``, ``clearart.png``,
``discart.png``, ``banner.jpg``, ``landscape.jpg``, ``keyart.jpg`` and ``extrafanart/fanartN.jpg``
in a folder of its own; ``<video>-poster.jpg`` (and so on) in a shared folder, where extra fanart
is not written (an ``extrafanart/`` folder would belong to every movie there). Jellyfin does not
read ``keyart``; it is written only for Kodi.

No provider text ever becomes a path: every name here comes from this table and the movie's own
file name, and `contained` checks the resolved result stays inside the movie folder.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from enum import StrEnum

VIDEO_EXTENSIONS = frozenset(
    {".mkv", ".mp4", ".m4v", ".avi", ".mov", ".wmv", ".mpg", ".mpeg", ".ts", ".m2ts", ".iso", ".webm", ".flv"}
)


class Flavour(StrEnum):
    KODI = "kodi"
    JELLYFIN = "jellyfin"
    BOTH = "both"


class NfoName(StrEnum):
    VIDEO = "video"
    MOVIE = "movie"
    BOTH = "both"


class Disc(StrEnum):
    DVD = "dvd"
    BLURAY = "bluray"


#: Artwork kinds Metarr writes, their file name stem and extension, and the asset type they come from.
ARTWORK_FILES: dict[str, tuple[str, str]] = {
    "poster": ("poster", "jpg"),
    "fanart": ("fanart", "jpg"),
    "clearlogo": ("clearlogo", "png"),
    "clearart": ("clearart", "png"),
    "discart": ("discart", "png"),
    "banner": ("banner", "jpg"),
    "landscape": ("landscape", "jpg"),
    "keyart": ("keyart", "jpg"),
}
#: Kinds only Kodi reads.
KODI_ONLY: frozenset[str] = frozenset({"keyart"})
EXTRAFANART = "extrafanart"


@dataclass(frozen=True, slots=True)
class MovieLayout:
    folder: str
    video_stem: str | None
    disc: Disc | None
    shared_folder: bool

    @property
    def prefix(self) -> str:
        """``<video>-`` in a folder holding several movies, else nothing."""
        return f"{self.video_stem}-" if self.shared_folder and self.video_stem else ""


class LayoutError(ValueError):
    """The movie has no usable path (none stored, or it does not exist)."""


def _videos(folder: str) -> list[str]:
    try:
        names = os.listdir(folder)
    except OSError as exc:
        raise LayoutError(f"cannot read the folder {folder}: {exc.strerror or exc}") from exc
    return sorted(
        n
        for n in names
        if os.path.splitext(n)[1].lower() in VIDEO_EXTENSIONS and os.path.isfile(os.path.join(folder, n))
    )


def _disc_in(folder: str) -> Disc | None:
    if os.path.isdir(os.path.join(folder, "VIDEO_TS")):
        return Disc.DVD
    if os.path.isdir(os.path.join(folder, "BDMV")):
        return Disc.BLURAY
    return None


def movie_layout(path: str | None) -> MovieLayout:
    """The layout of the movie stored at `path` (its folder or its video file)."""
    if not path:
        raise LayoutError("the movie has no folder or file in the library (add one with a scan)")
    path = os.path.abspath(path)
    if os.path.isfile(path):
        folder = os.path.dirname(path)
        own = os.path.splitext(os.path.basename(path))[0]
        others = [v for v in _videos(folder) if os.path.splitext(v)[0] != own]
        return MovieLayout(folder, own, None, shared_folder=bool(others))
    if not os.path.isdir(path):
        raise LayoutError(f"the movie's folder or file is missing: {path}")
    name = os.path.basename(path)
    if name.upper() in ("VIDEO_TS", "BDMV"):
        path = os.path.dirname(path)
    disc = _disc_in(path)
    if disc is not None:
        return MovieLayout(path, None, disc, shared_folder=False)
    videos = _videos(path)
    stem: str | None = None
    if videos:
        largest = max(videos, key=lambda v: (os.path.getsize(os.path.join(path, v)), v))
        stem = os.path.splitext(largest)[0]
    return MovieLayout(path, stem, None, shared_folder=False)


def nfo_names(layout: MovieLayout, flavour: Flavour, nfo_name: NfoName) -> list[str]:
    """The NFO files to write, relative to the movie folder (first: the one the Files tab shows)."""
    kodi = flavour in (Flavour.KODI, Flavour.BOTH)
    jellyfin = flavour in (Flavour.JELLYFIN, Flavour.BOTH)
    names: list[str] = []
    video = nfo_name in (NfoName.VIDEO, NfoName.BOTH)
    movie = nfo_name in (NfoName.MOVIE, NfoName.BOTH) and not layout.shared_folder
    if layout.disc is Disc.DVD:
        if video:
            names.append(os.path.join("VIDEO_TS", "VIDEO_TS.nfo"))
    elif layout.disc is Disc.BLURAY:
        if video and kodi:
            names.append(os.path.join("BDMV", "index.nfo"))
        if video and jellyfin:
            names.append(os.path.basename(layout.folder) + ".nfo")
    elif video and layout.video_stem:
        names.append(layout.video_stem + ".nfo")
    if movie or not names:
        names.append("movie.nfo")
    return list(dict.fromkeys(names))


def artwork_kinds(kinds: list[str], flavour: Flavour) -> list[str]:
    """The artwork kinds of the setting that the chosen player(s) read, in the setting's order."""
    out = []
    for kind in kinds:
        if kind not in ARTWORK_FILES:
            continue
        if kind in KODI_ONLY and flavour is Flavour.JELLYFIN:
            continue
        out.append(kind)
    return out


def artwork_name(layout: MovieLayout, kind: str) -> str:
    stem, extension = ARTWORK_FILES[kind]
    return f"{layout.prefix}{stem}.{extension}"


def extrafanart_names(layout: MovieLayout, count: int) -> list[str]:
    """``extrafanart/fanart1.jpg`` ... (none in a folder shared by several movies)."""
    if layout.shared_folder or count <= 0:
        return []
    return [os.path.join(EXTRAFANART, f"fanart{n}.jpg") for n in range(1, count + 1)]


def contained(folder: str, relative: str) -> str:
    """The absolute path of `relative` in `folder`, symlinks resolved; raises `LayoutError` when it
    would land outside the (resolved) folder."""
    root = os.path.realpath(folder)
    target = os.path.realpath(os.path.join(root, relative))
    if os.path.commonpath([root, target]) != root or target == root:
        raise LayoutError(f"{relative} would be written outside the movie folder ({target})")
    return target


def locate(root: str, relative: str) -> tuple[str, os.stat_result | None]:
    """`contained` for a folder already resolved (`root`: its real path), with what is there: the
    `lstat` of the file (None when nothing is). Without a symlink on the way that is one `lstat` per
    name of `relative` (a realpath would stat every folder up to ``/`` for every file); with one,
    the full resolution of `contained`, and the `stat` of its target."""
    parts = relative.split(os.sep)
    if any(part in ("", ".", "..") for part in parts) or (os.altsep and os.altsep in relative):
        return _located(contained(root, relative))
    path = root
    info: os.stat_result | None = None
    for part in parts:
        path = os.path.join(path, part)
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return os.path.join(root, relative), None  # nothing there: no link on the way either
        if stat.S_ISLNK(info.st_mode):
            return _located(contained(root, relative))
    return path, info


def _located(path: str) -> tuple[str, os.stat_result | None]:
    try:
        return path, os.stat(path)
    except FileNotFoundError:
        return path, None
