"""What a publish reports: each file's action (`FileResult`), each movie's outcome (`MovieResult`)
and the whole run (`PublishReport`), as the CLI's JSON and the window's Files tab show them."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any

from metarr_desktop.services.publish.files import Action


class MovieStatus(StrEnum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(slots=True)
class FileResult:
    """One file of a movie's publish (one entry of ``files``).

    Attributes:
        old, new: the bytes on disk before and the bytes Metarr writes (or would), for the Files
            tab's diff and thumbnails; never in the JSON.
        size: the bytes Metarr writes (``bytes`` in the JSON).
    """

    path: str
    kind: str
    action: Action
    size: int | None = None
    sha256: str | None = None
    asset_id: int | None = None
    reason: str | None = None
    old: bytes | None = None
    new: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "action": self.action.value,
            "bytes": self.size,
            "sha256": self.sha256,
        }
        if self.asset_id is not None:
            document["asset_id"] = self.asset_id
        if self.reason:
            document["reason"] = self.reason
        return document


@dataclass(slots=True)
class MovieResult:
    movie_id: int
    status: MovieStatus
    folder: str | None = None
    files: list[FileResult] = field(default_factory=list)
    diff: str | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "movie_id": self.movie_id,
            "status": self.status.value,
            "folder": self.folder,
            "files": [f.to_json() for f in self.files],
            "diff": self.diff,
            "error": self.error,
        }


@dataclass(slots=True)
class PublishReport:
    """Every movie's result of a run, filled in as movies finish (so that an interrupted run still
    holds what was done); `interrupted`: the run was cancelled before every movie was done."""

    results: list[MovieResult] = field(default_factory=list)
    bytes_downloaded: int = 0
    interrupted: bool = False

    @property
    def files_written(self) -> int:
        return sum(1 for r in self.results for f in r.files if f.action in (Action.CREATED, Action.UPDATED))

    @property
    def any_failed(self) -> bool:
        return any(r.status is MovieStatus.FAILED for r in self.results)

    def summary(self) -> dict[str, int]:
        counts = {status.value: 0 for status in MovieStatus}
        for result in self.results:
            counts[result.status.value] += 1
        return {**counts, "bytes_downloaded": self.bytes_downloaded}

    def to_json(self) -> dict[str, Any]:
        summary = {**self.summary(), "interrupted": self.interrupted}
        return {"results": [r.to_json() for r in self.results], "summary": summary}


def nfo_diff(old: bytes | None, new: bytes, name: str) -> str:
    """A unified diff of an NFO, from what is on disk (nothing: an empty file) to what is written."""
    before = (old or b"").decode("utf-8", errors="replace").splitlines(keepends=True)
    after = new.decode("utf-8", errors="replace").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"{name} (on disk)", f"{name} (Metarr)"))


__all__ = ["FileResult", "MovieResult", "MovieStatus", "PublishReport", "nfo_diff"]
