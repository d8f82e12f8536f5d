"""Path mappings between this computer and a media player: the same file, seen from two places.

Metarr sees ``/mnt/media/Movies/Alien (1979)``; Kodi sees ``smb://nas/media/Movies/Alien (1979)/``;
a Windows Jellyfin sees ``D:\\Movies\\Alien (1979)``. A mapping is a pair of prefixes (``local`` =
``remote``). Translating a path takes the longest local prefix that matches whole path components,
keeps the rest of the path component by component and joins it with the remote side's separator.

Windows paths (``C:\\...``, ``\\\\server\\share``) and network URLs (``smb://``, ``nfs://``) compare
without regard to case; POSIX paths compare exactly. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DRIVE = re.compile(r"^[A-Za-z]:([\\/]|$)")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class PathMapping:
    """One prefix pair: `local` (as Metarr sees it) = `remote` (as the player sees it)."""

    local: str
    remote: str

    def to_json(self) -> dict[str, str]:
        return {"local": self.local, "remote": self.remote}

    @classmethod
    def parse(cls, text: str) -> PathMapping:
        """``LOCAL=REMOTE`` (the first ``=`` splits; both sides non-empty)."""
        local, sep, remote = text.partition("=")
        if not sep or not local.strip() or not remote.strip():
            raise ValueError(f"expected LOCAL=REMOTE, got {text!r}")
        return cls(local.strip(), remote.strip())


def is_windows_path(path: str) -> bool:
    return bool(_DRIVE.match(path)) or path.startswith("\\\\")


def is_url(path: str) -> bool:
    return bool(_URL.match(path))


def case_insensitive(path: str) -> bool:
    """Windows paths and network shares ignore case; POSIX paths do not."""
    return is_windows_path(path) or is_url(path)


def separator(path: str) -> str:
    return "\\" if is_windows_path(path) else "/"


def split_path(path: str) -> tuple[str, list[str]]:
    """(root, components): ``smb://nas/media/`` -> (``smb://``, [nas, media]); ``D:\\A`` -> (``D:``, [A])."""
    if is_url(path):
        scheme_end = path.index("://") + 3
        root, rest = path[:scheme_end], path[scheme_end:]
    elif path.startswith("\\\\"):
        root, rest = "\\\\", path[2:]
    elif _DRIVE.match(path):
        root, rest = path[:2], path[2:]
    elif path.startswith("/"):
        root, rest = "/", path
    else:
        root, rest = "", path
    parts = [p for p in re.split(r"[\\/]+", rest) if p and p != "."]
    return root, parts


def join_path(root: str, parts: list[str], *, like: str) -> str:
    """Join components under `root` (from `split_path`) in the notation of `like`."""
    if root.endswith("://"):
        return root + "/".join(parts)
    if root == "\\\\":
        return root + "\\".join(parts)
    if _DRIVE.match(root):
        return root + "\\" + "\\".join(parts)
    if root == "/":
        return "/" + "/".join(parts)
    return separator(like).join(parts)


def _key(text: str, fold: bool) -> str:
    return text.casefold() if fold else text


def same_path(a: str, b: str) -> bool:
    """Equal as paths: same components, separators and trailing slashes ignored, case as the side says."""
    fold = case_insensitive(a) or case_insensitive(b)
    root_a, parts_a = split_path(a)
    root_b, parts_b = split_path(b)
    return _key(root_a, fold) == _key(root_b, fold) and [_key(p, fold) for p in parts_a] == [
        _key(p, fold) for p in parts_b
    ]


def _strip_prefix(path: str, prefix: str) -> list[str] | None:
    """The components of `path` below `prefix`, or None when `prefix` is not a whole-component prefix."""
    fold = case_insensitive(path) or case_insensitive(prefix)
    root, parts = split_path(path)
    proot, pparts = split_path(prefix)
    if _key(root, fold) != _key(proot, fold) or len(parts) < len(pparts):
        return None
    if [_key(p, fold) for p in parts[: len(pparts)]] != [_key(p, fold) for p in pparts]:
        return None
    return parts[len(pparts) :]


def to_remote(path: str, mappings: list[PathMapping]) -> str:
    """`path` as the player sees it (unchanged when no mapping applies)."""
    best: tuple[int, PathMapping, list[str]] | None = None
    for mapping in mappings:
        rest = _strip_prefix(path, mapping.local)
        if rest is None:
            continue
        depth = len(split_path(mapping.local)[1])
        if best is None or depth > best[0]:
            best = (depth, mapping, rest)
    if best is None:
        return path
    _, mapping, rest = best
    root, base = split_path(mapping.remote)
    return join_path(root, base + rest, like=mapping.remote)


def to_local(path: str, mappings: list[PathMapping]) -> str:
    """The player's `path` as Metarr sees it (the reverse of `to_remote`)."""
    reverse = [PathMapping(m.remote, m.local) for m in mappings]
    return to_remote(path, reverse)


def parent(path: str) -> str:
    """The folder that holds `path` (a file or a folder), in the same notation."""
    root, parts = split_path(path)
    return join_path(root, parts[:-1], like=path) if parts else path


def as_folder(path: str) -> str:
    """`path` with one trailing separator (Kodi's notation for a folder: ``smb://nas/Movies/A/``)."""
    sep = "/" if is_url(path) else separator(path)
    return path if path.endswith(("/", "\\")) else path + sep


def is_within(path: str, folder: str) -> bool:
    """True when `path` is `folder` or lies below it."""
    return _strip_prefix(path, folder) is not None


def path_key(path: str) -> tuple[str, ...]:
    """A hashable form of `path` for lookups: equal keys are `same_path` (case folded on the sides
    that ignore case)."""
    fold = case_insensitive(path)
    root, parts = split_path(path)
    return tuple(_key(p, fold) for p in [root, *parts])
