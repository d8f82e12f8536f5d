"""Proving a library file unchanged from the ledger's (size, mtime_ns) state, without reading it.

A file whose ledger row holds its (size, mtime_ns) as last verified against the hash, and whose
input is the same (the same asset; for an NFO, the same `source_hash`), is unchanged
(`known_unchanged`). A file that was read instead and matched its row gets that state noted for the
next publish (`note_verified`) once its modification time is older than `RACY_NS`. The files a
publish writes wait in a `WrittenBacklog` until they are `RACY_NS` old, then are read back
(`still_as_written`) so the next publish need not read them.
"""

from __future__ import annotations

import os
import stat
import time
from collections import deque
from dataclasses import dataclass

from metarr_desktop.services.publish.files import read_existing
from metarr_desktop.services.publish.files import sha256
from metarr_desktop.services.publish.planning import PlannedFile
from metarr_desktop.store.publish import LedgerEntry
from metarr_desktop.store.publish import VerifiedFile

#: A file's (size, mtime_ns) is stored for the next publish only once the mtime is this much older
#: than the check of its bytes: a change within the file system's timestamp step after that check
#: (a jiffy on Linux, 2 s on FAT) could otherwise leave both as they were.
RACY_NS = 2_000_000_000
#: The written files remembered for `PublishService._verify_written` (older ones are read next time).
WRITTEN_BACKLOG = 100_000


def known_unchanged(item: PlannedFile, source: str) -> bool:
    """The ledger proves the file unchanged without reading it: its (size, mtime_ns) are those last
    verified, and what it is made of is the same (the asset; an NFO's source)."""
    entry, info = item.entry, item.info
    if entry is None or info is None or entry.mtime_ns is None or not stat.S_ISREG(info.st_mode):
        return False
    if info.st_size != entry.size or info.st_mtime_ns != entry.mtime_ns:
        return False
    if item.kind == "nfo":
        return entry.source == source
    return item.asset is not None and entry.asset_id == item.asset.id


def same_as_recorded(item: PlannedFile, entry: LedgerEntry) -> bool:
    """The bytes read are those the ledger says Metarr wrote."""
    return (
        item.existing is not None
        and len(item.existing) == entry.size
        and sha256(item.existing) == entry.sha256
    )


def note_verified(
    item: PlannedFile, entry: LedgerEntry, source: str | None, now_ns: int, out: list[VerifiedFile]
) -> None:
    """Note what reading an unchanged file proved, when the ledger does not hold it yet: its mtime
    (once older than `RACY_NS`; its size was read before the bytes) and an NFO's source."""
    info = item.info
    mtime: int | None = None
    if (
        info is not None
        and stat.S_ISREG(info.st_mode)
        and info.st_size == entry.size
        and info.st_mtime_ns < now_ns - RACY_NS
    ):
        mtime = info.st_mtime_ns
    if source is None:
        source = entry.source
    if (mtime, source) != (entry.mtime_ns, entry.source):
        out.append(VerifiedFile(item.path, entry.sha256, mtime, source))


@dataclass(frozen=True, slots=True)
class WrittenFile:
    path: str
    sha256: str
    size: int
    source: str | None
    written_ns: int


class WrittenBacklog:
    """The files written, oldest first, until they are old enough to be read back."""

    def __init__(self) -> None:
        self._written: deque[WrittenFile] = deque(maxlen=WRITTEN_BACKLOG)

    def append(self, written: WrittenFile) -> None:
        self._written.append(written)

    def due(self) -> list[WrittenFile]:
        """Take the files written at least `RACY_NS` ago."""
        due: list[WrittenFile] = []
        limit = time.time_ns() - RACY_NS
        while self._written and self._written[0].written_ns < limit:
            due.append(self._written.popleft())
        return due


def still_as_written(due: list[WrittenFile]) -> list[VerifiedFile]:
    """The files of `due` that still hold what was written, with their mtime (blocking)."""
    now = time.time_ns()
    verified = []
    for written in due:
        try:
            info = os.lstat(written.path)
            if not stat.S_ISREG(info.st_mode) or info.st_size != written.size:
                continue
            if (
                info.st_mtime_ns >= now - RACY_NS
                or sha256(read_existing(written.path) or b"") != written.sha256
            ):
                continue
        except OSError:
            continue
        verified.append(VerifiedFile(written.path, written.sha256, info.st_mtime_ns, written.source))
    return verified


__all__ = [
    "RACY_NS",
    "WRITTEN_BACKLOG",
    "WrittenBacklog",
    "WrittenFile",
    "known_unchanged",
    "note_verified",
    "same_as_recorded",
    "still_as_written",
]
