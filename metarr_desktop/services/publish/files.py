# ruff: noqa: PTH101, PTH103, PTH105, PTH108, PTH110, PTH116, PTH118, PTH120, PTH123
# Paths are plain strings (as stored, and as the ledger keys them): os.path on strings, one rule set.
"""Writing one library file safely, and deciding whether it may be written at all.

`atomic_write` writes to a temporary file in the same folder, flushes and fsyncs it, then renames it
over the target with `os.replace` (atomic on POSIX and Windows): a crash or a full disk leaves the
old file, never half a file. The temporary file is removed on any failure. The file keeps the
permission bits of the file it replaces; a new file gets those any program's new file gets
(``0o666`` less the umask, which the system applies: the umask is never read nor changed), so that a
player or a file server running as another user reads what Metarr wrote. A backup keeps the
original's permission bits.

`decide` applies the ledger's rules to one planned file:

- no file there: ``created``;
- a file Metarr wrote (its hash matches the ledger): ``unchanged`` when the new bytes are the same
  (unless forced), else ``updated``;
- a file Metarr wrote that someone changed since (hash differs): ``kept``, and reported;
- a file Metarr did not write: an NFO is round-tripped (``updated``, the original backed up once
  beside it as ``<name>.metarr-backup``); any other kind is ``kept`` unless the user allowed
  replacing that kind; a file already holding exactly the new bytes is ``unchanged`` and adopted.

`erasable` says which managed tags a merge into an NFO may drop when Metarr no longer has a value
for them: none in an NFO Metarr has not written (no ledger row), every one in an NFO it created (no
backup beside it), and in an NFO it adopted those whose elements are not the backup's own.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from enum import StrEnum

from metarr_desktop.core.nfo_writer import erasable_tags
from metarr_desktop.store.publish import LedgerEntry

BACKUP_SUFFIX = ".metarr-backup"


class Action(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    WOULD_CREATE = "would_create"
    WOULD_UPDATE = "would_update"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_existing(path: str) -> bytes | None:
    """The current bytes at `path`, or None when there is no file (a folder there is an error)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


#: How the temporary file is opened: a new file only (never through a link), binary on Windows.
_CREATE_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)


def file_mode(path: str) -> int | None:
    """The permission bits of the file at `path`, None when there is none."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return None


def _temporary_file(folder: str) -> tuple[int, str]:
    """A new, empty temporary file in `folder` opened for writing, with the permission bits a new
    file gets (``0o666`` less the umask; `tempfile.mkstemp` would make it ``0o600``)."""
    while True:
        temporary = os.path.join(folder, f".metarr-{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temporary, _CREATE_FLAGS, 0o666), temporary
        except FileExistsError:
            continue


def atomic_write(path: str, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename. The file
    gets the permission bits `mode`; by default those of the file it replaces, or those of a new
    file."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    if mode is None:
        mode = file_mode(path)
    fd, temporary = _temporary_file(folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if mode is not None:
                with contextlib.suppress(OSError):  # a file system without permission bits
                    os.chmod(temporary, mode)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError, AttributeError):  # the rename itself, durable (POSIX only)
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def backup_once(path: str, data: bytes) -> str | None:
    """Keep the original of a file Metarr did not write, once: ``<path>.metarr-backup``, with the
    original's permission bits."""
    backup = path + BACKUP_SUFFIX
    if os.path.exists(backup):
        return None
    atomic_write(backup, data, mode=file_mode(path))
    return backup


def erasable(path: str, existing: bytes | None, entry: LedgerEntry | None) -> frozenset[str]:
    """The managed tags a merge into the NFO at `path` (holding `existing`) may drop (see the module's
    rules)."""
    if entry is None or existing is None:
        return frozenset()
    return erasable_tags(existing, read_existing(path + BACKUP_SUFFIX))


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    reason: str | None = None
    backup: bool = False
    adopt: bool = False


def decide(
    *,
    existing: bytes | None,
    new: bytes,
    ledger: LedgerEntry | None,
    is_nfo: bool,
    replace_foreign: bool,
    force: bool,
) -> Decision:
    """What to do with one planned file (see the module's rules)."""
    if existing is None:
        return Decision(Action.CREATED)
    current = sha256(existing)
    same = existing == new
    if ledger is not None:
        if ledger.sha256 != current:
            return Decision(Action.KEPT, "changed since Metarr wrote it; left alone")
        if same and not force:
            return Decision(Action.UNCHANGED)
        return Decision(Action.UPDATED)
    if same:
        return Decision(Action.UPDATED if force else Action.UNCHANGED, adopt=True)
    if is_nfo:
        return Decision(Action.UPDATED, "not written by Metarr: merged, original backed up", backup=True)
    if replace_foreign:
        return Decision(Action.UPDATED, "not written by Metarr: replaced as the settings allow", backup=True)
    return Decision(Action.KEPT, "not written by Metarr; left alone")
