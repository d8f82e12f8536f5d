# ruff: noqa: PTH100, PTH112, PTH116, PTH118, PTH119, PTH120, PTH122
# The walk uses os.scandir/os.path on plain strings: a Path object per entry would slow the scan of a
# large library for nothing (paths are stored as text anyway).
"""The walk of a library scan: which movies a folder tree holds (blocking; run it on a thread).

Layouts, as Kodi, Jellyfin, Emby, Plex and Radarr document them:

- one movie per folder ("Alien (1979)/Alien.1979.1080p.mkv"): the folder is the movie; its NFO
  (``movie.nfo``, ``<video file>.nfo`` or ``<folder>.nfo``) and both names say what it is. The
  folder's title is combined with the file's year only when both names are of the same film
  (`core.names.same_film`); otherwise the better-named one wins (``Bad/Alien (1979).mkv`` is Alien);
- several movies loose in one folder (and in the scanned folder itself, or in a generic container
  such as "Movies", "Films", "Downloads"): one movie per video file; a container's name is never a
  title;
- a movie split over files (``cd1``/``cd2``, ``part1``, ``pt2``, ``disc2``): one movie;
- a DVD (``VIDEO_TS``) or Blu-ray (``BDMV``) folder: one movie, the folder above it;
- editions (``{edition-Director's Cut}``, "Extended Edition", "Theatrical Cut"), in their own
  folders or side by side in one: one entry each, with the edition recorded;
- extras are never movies: folders ``Extras``, ``Featurettes``, ``Behind The Scenes``, ``Trailers``,
  ``Samples``, ... and files ending ``-trailer``, ``-sample``, ``-featurette``, ...; each one skipped
  is counted in `WalkResult.extras` (a folder once: it is not walked);
- TV series (a ``Season 01`` folder, ``S01E01`` files, a ``tvshow.nfo``): set aside with a warning,
  counted in `WalkResult.tv`.

Bad entries never stop the walk; each is one warning: a name that is not valid UTF-8, an unreadable
folder, an NFO that is not a regular file (a FIFO named ``movie.nfo`` would block a plain read) or is
larger than `MAX_NFO_BYTES`, a malformed NFO (the names are used instead), a symbolic-link loop.
Symbolic links that lead outside the scanned folder are not followed unless asked
(``follow_links=True``): a link to ``/`` would otherwise walk the whole disk.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path

from metarr_desktop.core.matching import normalise_title
from metarr_desktop.core.names import NameInfo
from metarr_desktop.core.names import is_episode
from metarr_desktop.core.names import is_generic_folder
from metarr_desktop.core.names import is_season_folder
from metarr_desktop.core.names import parse_name
from metarr_desktop.core.names import same_film
from metarr_desktop.core.nfo import FolderInfo
from metarr_desktop.core.nfo import NfoError
from metarr_desktop.core.nfo import folder_info
from metarr_desktop.core.nfo import parse_nfo

#: File name endings of video files (Jellyfin's list, abridged to what holds a film).
VIDEO_EXTENSIONS = frozenset(
    {
        ".mkv", ".mp4", ".m4v", ".avi", ".mov", ".wmv", ".mpg", ".mpeg", ".ts", ".m2ts", ".mts",
        ".iso", ".webm", ".flv", ".divx", ".vob", ".ogm", ".ogv", ".mk3d", ".rmvb", ".wtv", ".strm",
        ".img", ".xvid", ".3gp", ".asf", ".m2v", ".dvr-ms",
    }
)  # fmt: skip

#: Folder names that hold extras rather than movies (Kodi, Plex, Jellyfin and Emby conventions);
#: each one skipped is counted in `WalkResult.extras`.
EXTRAS_FOLDERS = frozenset(
    {
        "extras", "extra", "featurettes", "featurette", "behind the scenes", "behindthescenes",
        "deleted scenes", "deletedscenes", "interviews", "scenes", "shorts", "trailers", "trailer",
        "sample", "samples", "other", "others", "clips", "backdrops", "theme-music", "specials extras",
    }
)  # fmt: skip

#: Folder names that are never walked: the extras' folders, and folders of other programs that are
#: never movies (not counted as extras).
EXTRA_FOLDERS = EXTRAS_FOLDERS | frozenset(
    {
        "subs", "subtitles", "@eadir", "#recycle", "$recycle.bin", "lost+found", ".actors",
        "system volume information", "#snapshot", ".deletedbytmm", "plex versions",
    }
)  # fmt: skip

#: Disc structures: the folder holding one of these is one movie.
DISC_FOLDERS = frozenset({"video_ts", "bdmv", "hvdvd_ts"})

#: A file name stem ending like this is an extra, not the movie (Jellyfin's suffix rules).
EXTRA_SUFFIXES = (
    *(sep + word for word in ("trailer", "sample") for sep in ("-", ".", "_", " ")),
    "-featurette", "-behindthescenes", "-deleted", "-deletedscene", "-interview", "-scene", "-short",
    "-clip", "-other", "-extra",
)  # fmt: skip

#: Stems that are extras whole ("trailer.mkv", "sample.mkv").
EXTRA_STEMS = frozenset({"sample", "trailer", "theme"})

MAX_NFO_BYTES = 1024 * 1024

#: NFO files that describe a TV series rather than a movie.
TV_NFOS = frozenset({"tvshow.nfo"})


@dataclass(frozen=True, slots=True)
class FoundMovie:
    """A movie the walk found: where it is (its folder, or its file when it shares a folder) and what
    its NFO and names say about it (`FolderInfo.edition` holds its edition)."""

    path: str
    info: FolderInfo


@dataclass(slots=True)
class WalkResult:
    """Attributes:
    movies: every movie found, in walk order (folders sorted by name).
    warnings: one line per entry that could not be read as expected.
    tv: the TV series folders (and loose episode files) set aside.
    extras: the extras skipped beside the movies: their folders (``Extras``, ``Trailers``, …; not
        walked, so each counts once) and video files (``…-trailer.mkv``, ``sample.mkv``, …).
    root: the scanned folder, absolute.
    """

    root: str = ""
    movies: list[FoundMovie] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tv: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)


class LibraryError(ValueError):
    """Bad input to a library operation (an unreadable scan folder, an empty title): exit code 2."""


class WalkError(LibraryError):
    """The scanned folder itself is not a readable folder (bad input)."""


def shown(path: str) -> str:
    """A path as text fit for a message: undecodable bytes and control characters escaped."""
    text = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _valid_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in name


def is_video(name: str) -> bool:
    """A video file that can be a movie (not an extra, a sample or a trailer)."""
    stem, ext = os.path.splitext(name)
    return ext.lower() in VIDEO_EXTENSIONS and not _is_extra_stem(stem)


def is_extra_video(name: str) -> bool:
    """A video file that is an extra, a sample or a trailer (never a movie)."""
    stem, ext = os.path.splitext(name)
    return ext.lower() in VIDEO_EXTENSIONS and _is_extra_stem(stem)


def _is_extra_stem(stem: str) -> bool:
    lowered = stem.lower()
    return lowered in EXTRA_STEMS or lowered.endswith(EXTRA_SUFFIXES)


def read_nfo(path: str, warnings: list[str]) -> FolderInfo | None:
    """The NFO at `path`, or None (with a warning) when it is not a regular file, is too large, cannot
    be read or parsed. Opened without blocking (a FIFO would block a plain open for ever)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        warnings.append(f"{shown(path)}: cannot read the NFO file ({exc.strerror or exc}); using the name")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            warnings.append(f"{shown(path)}: the NFO is not a regular file; skipped, using the name")
            return None
        if info.st_size > MAX_NFO_BYTES:
            warnings.append(f"{shown(path)}: the NFO file is larger than 1 MB; using the name")
            return None
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_NFO_BYTES:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        warnings.append(f"{shown(path)}: cannot read the NFO file ({exc.strerror or exc}); using the name")
        return None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > MAX_NFO_BYTES:
        warnings.append(f"{shown(path)}: the NFO file is larger than 1 MB; using the name")
        return None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8", errors="replace")
    try:
        return parse_nfo(text)
    except NfoError as exc:
        warnings.append(f"{shown(path)}: {exc}; using the name")
        return None
    except (ValueError, RecursionError) as exc:  # defusedxml/expat limits on hostile input
        warnings.append(f"{shown(path)}: the NFO file cannot be read ({type(exc).__name__}); using the name")
        return None


def choose_name(folder: NameInfo | None, file: NameInfo | None) -> NameInfo:
    """What the folder's and the file's names say together (see the module docstring)."""
    if folder is None or (folder.title is None and folder.ids.is_empty()):
        return file or NameInfo()
    if file is None or (file.title is None and file.ids.is_empty()):
        return folder
    if same_film(folder, file):
        return replace(
            folder,
            year=folder.year if folder.year is not None else file.year,
            ids=folder.ids.merged(file.ids),
            edition=folder.edition or file.edition,
        )
    if folder.year is not None or not folder.ids.is_empty():
        return folder
    if file.year is not None or not file.ids.is_empty():
        return file
    return folder


def combine(nfo: FolderInfo | None, name: FolderInfo) -> FolderInfo:
    """The NFO's ids, title, year and edition first; the name fills what it lacks. A name's ids
    that disagree with the NFO's are left out (the NFO was written for this film)."""
    if nfo is None:
        return name
    ids = nfo.ids
    for kind, value in name.ids.known().items():
        if ids.get(kind) is None:
            ids = ids.with_id(kind, value)
    same = (
        nfo.title is None or name.title is None or normalise_title(nfo.title) == normalise_title(name.title)
    )
    return FolderInfo(
        title=nfo.title or name.title,
        year=nfo.year if nfo.year is not None else (name.year if same else None),
        ids=ids,
        edition=nfo.edition or name.edition,
        original_title=nfo.original_title,
        tv=nfo.tv,
    )


def _movie_key(info: NameInfo) -> tuple[str, int | None, str]:
    return (normalise_title(info.title or ""), info.year, normalise_title(info.edition or ""))


def _first(folder: str, files: dict[str, str], candidates: Iterable[str]) -> str | None:
    for candidate in candidates:
        actual = files.get(candidate.lower())
        if actual is not None:
            return os.path.join(folder, actual)
    return None


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@dataclass(slots=True)
class _Listing:
    files: list[str] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)
    specials: list[str] = field(default_factory=list)  # FIFOs, sockets, devices


def _list(folder: str, real_top: str, follow_links: bool, warnings: list[str]) -> _Listing | None:
    listing = _Listing()
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if not _valid_name(name):
                    warnings.append(f"{shown(entry.path)}: the name is not valid UTF-8; skipped")
                    continue
                if name.startswith("."):
                    continue
                try:
                    if entry.is_symlink() and not follow_links:
                        target = os.path.realpath(entry.path)
                        if not _inside(target, real_top):
                            warnings.append(
                                f"{shown(entry.path)}: a link to {shown(target)}, outside the scanned "
                                "folder; not followed"
                            )
                            continue
                    if entry.is_dir():
                        listing.dirs.append(name)
                    elif entry.is_file():
                        listing.files.append(name)
                    elif not entry.is_symlink():
                        listing.specials.append(name)
                except OSError as exc:
                    warnings.append(f"{shown(entry.path)}: cannot be read ({exc.strerror or exc}); skipped")
    except OSError as exc:
        warnings.append(f"{shown(folder)}: cannot read the folder ({exc.strerror or exc}); skipped")
        return None
    listing.files.sort()
    listing.dirs.sort()
    return listing


def walk_library(root: str | Path, *, follow_links: bool = False) -> WalkResult:
    """Every movie under `root` and the warnings met on the way (see the module docstring).

    Raises `WalkError` when `root` itself is not a readable folder.
    """
    top = os.path.abspath(os.fspath(root))
    if not os.path.isdir(top):
        raise WalkError(f"not a folder: {shown(top)}")
    try:
        os.scandir(top).close()
    except OSError as exc:
        raise WalkError(f"cannot read the folder {shown(top)}: {exc.strerror or exc}") from exc
    real_top = os.path.realpath(top)
    result = WalkResult(root=top)
    seen: dict[tuple[int, int], str] = {}
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
        except OSError as exc:
            result.warnings.append(
                f"{shown(folder)}: cannot read the folder ({exc.strerror or exc}); skipped"
            )
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            result.warnings.append(
                f"{shown(folder)}: leads back to {shown(seen[key])} (a symbolic link loop or a second "
                "link); skipped"
            )
            continue
        seen[key] = folder
        listing = _list(folder, real_top, follow_links, result.warnings)
        if listing is None:
            continue
        try:
            subfolders = _visit(folder, top, listing, result)
        except (OSError, ValueError, OverflowError, RecursionError) as exc:
            result.warnings.append(f"{shown(folder)}: could not be read ({exc}); skipped")
            continue
        stack.extend(os.path.join(folder, name) for name in reversed(subfolders))
    return result


def _visit(folder: str, top: str, listing: _Listing, result: WalkResult) -> list[str]:
    """Find the movies of one folder; return the subfolders still to walk."""
    warnings = result.warnings
    files = {name.lower(): name for name in listing.files}
    for special in listing.specials:
        if special.lower().endswith(".nfo"):
            warnings.append(f"{shown(os.path.join(folder, special))}: the NFO is not a regular file; skipped")
    dirs = [d for d in listing.dirs if d.lower() not in EXTRA_FOLDERS]
    folder_name = os.path.basename(folder)
    is_top = folder == top
    generic = is_top or is_generic_folder(folder_name)
    lowered_dirs = {d.lower() for d in dirs}

    # TV series: season folders, episode files or a tvshow.nfo are set aside.
    videos = [name for name in listing.files if is_video(name)]
    episodes = [name for name in videos if is_episode(name)]
    seasons = [d for d in dirs if is_season_folder(d)]
    if not is_top and (seasons or "tvshow.nfo" in files or (episodes and len(episodes) == len(videos))):
        reason = f"{seasons[0]}/" if seasons else ("tvshow.nfo" if "tvshow.nfo" in files else episodes[0])
        result.tv.append(folder)
        warnings.append(f"{shown(folder)}: a TV series ({shown(reason)}); set aside, not a movie")
        return []
    result.extras.extend(os.path.join(folder, d) for d in listing.dirs if d.lower() in EXTRAS_FOLDERS)
    result.extras.extend(os.path.join(folder, name) for name in listing.files if is_extra_video(name))
    if episodes:
        for name in episodes:
            result.tv.append(os.path.join(folder, name))
            warnings.append(f"{shown(os.path.join(folder, name))}: a TV episode; set aside, not a movie")
        videos = [name for name in videos if name not in episodes]

    # A DVD or Blu-ray structure: the folder is one movie.
    if lowered_dirs & DISC_FOLDERS or "video_ts.ifo" in files or "index.bdmv" in files:
        target = os.path.dirname(folder) if folder_name.lower() in DISC_FOLDERS else folder
        name_info = parse_name(os.path.basename(target))
        nfo_path = _first(folder, files, ["movie.nfo", os.path.basename(target) + ".nfo"])
        nfo = read_nfo(nfo_path, warnings) if nfo_path else None
        _add(result, target, combine(nfo, folder_info(name_info)))
        return []

    if not videos and "movie.nfo" not in files:
        return dirs
    per_file = [(name, parse_name(os.path.splitext(name)[0])) for name in videos]
    groups: dict[tuple[str, int | None, str], list[tuple[str, NameInfo]]] = {}
    for name, parsed in per_file:
        groups.setdefault(_movie_key(parsed), []).append((name, parsed))
    titles = {(k[0], k[1]) for k in groups}
    if is_top and not is_generic_folder(folder_name):
        # The scanned folder is itself one movie's folder ("Add folder" on "Heat (1995)").
        alone = len(groups) == 1 and not dirs and same_film(parse_name(folder_name), per_file[0][1])
        generic = not ("movie.nfo" in files or alone)
    if not generic and ("movie.nfo" in files or len(groups) <= 1):
        # One movie in its own folder: the folder is the movie; its subfolders are its extras.
        folder_name_info = parse_name(folder_name)
        stems = [os.path.splitext(name)[0] + ".nfo" for name in videos]
        nfo_path = _first(folder, files, ["movie.nfo", *stems, folder_name + ".nfo"])
        nfo = read_nfo(nfo_path, warnings) if nfo_path else None
        first = per_file[0][1] if per_file else None
        _add(result, folder, combine(nfo, folder_info(choose_name(folder_name_info, first))))
        return []
    if not generic and len(titles) == 1 and len(groups) > 1:
        # Editions side by side in the movie's folder: one entry per edition, with the folder's NFO.
        folder_name_info = parse_name(folder_name)
        shared_path = _first(folder, files, ["movie.nfo", folder_name + ".nfo"])
        shared = read_nfo(shared_path, warnings) if shared_path else None
        for members in groups.values():
            name, parsed = members[0]
            own_path = _first(folder, files, [os.path.splitext(name)[0] + ".nfo"])
            nfo = read_nfo(own_path, warnings) if own_path else shared
            chosen = choose_name(folder_name_info, parsed)
            _add(
                result,
                os.path.join(folder, name),
                combine(nfo, folder_info(replace(chosen, edition=parsed.edition))),
            )
        return []
    # Several movies loose in one folder (or a generic container): one movie per file (parts joined).
    for members in groups.values():
        name, parsed = members[0]
        nfo_path = _first(folder, files, [os.path.splitext(n)[0] + ".nfo" for n, _ in members])
        nfo = read_nfo(nfo_path, warnings) if nfo_path else None
        _add(result, os.path.join(folder, name), combine(nfo, folder_info(parsed)))
    return dirs


def _add(result: WalkResult, path: str, info: FolderInfo) -> None:
    if info.tv:
        result.tv.append(path)
        result.warnings.append(f"{shown(path)}: its NFO describes a TV series or episode; set aside")
    elif info.title or not info.ids.is_empty():
        result.movies.append(FoundMovie(path, info))
    else:
        result.warnings.append(f"{shown(path)}: no title or id could be read from its name; skipped")
