"""API keys: in the OS keyring (`keyring`), or in a private file of the profile where there is none.

The keyring is used when it offers a real, encrypting backend (macOS Keychain, Windows Credential
Locker, Secret Service, KWallet). When only keyring's "fail" or "null" backend exists, or only a
keyrings.alt file backend (plaintext, or one that asks for a password on a terminal), keys go to
``secrets.json`` in the profile, created with mode 0600, and `warning` says so in words the window
and `metarr providers list` show.

A key is never logged, never put in an exception message and never written to the database.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
from keyring.errors import PasswordDeleteError

from metarr_desktop.logsetup import register_secret

log = logging.getLogger(__name__)

SERVICE = "metarr-desktop"


class KeyStorage(StrEnum):
    """Where API keys are kept (the ``key_storage`` of `metarr providers list --json`)."""

    KEYRING = "keyring"
    FILE = "file (unencrypted)"


class SecretStoreError(OSError):
    """The keyring or the key file failed (an environment error; the message holds no key)."""


def keyring_is_usable(backend: Any) -> bool:
    """True when `backend` keeps secrets encrypted without asking on a terminal."""
    children = getattr(backend, "backends", None)
    if children is not None:  # keyring's ChainerBackend: usable when one of its backends is
        return any(keyring_is_usable(child) for child in children)
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file")):
        return False
    if "plaintext" in type(backend).__name__.lower():
        return False
    try:
        priority = float(backend.priority)
    except Exception:  # a backend whose priority check fails is not viable
        return False
    return priority > 0


class SecretStore:
    """API keys by provider id.

    Attributes:
        storage: `KeyStorage.KEYRING` or `KeyStorage.FILE`.
        fallback_path: the private file used when there is no usable keyring.
    """

    def __init__(self, fallback_path: Path, backend: Any | None = None) -> None:
        self.fallback_path = fallback_path
        self._backend = backend if backend is not None else keyring.get_keyring()
        self.storage = KeyStorage.KEYRING if keyring_is_usable(self._backend) else KeyStorage.FILE
        #: The (size, mtime) of an unreadable key file already warned about: once per state, not per key.
        self._told_unreadable: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"<SecretStore {self.storage.value}>"

    @property
    def warning(self) -> str | None:
        """A sentence for the user when keys are not encrypted, else None."""
        if self.storage is KeyStorage.KEYRING:
            return None
        return (
            f"API keys are stored unencrypted in {self.fallback_path} (readable only by your user account): "
            "no system keyring is available"
        )

    # -- the interface -------------------------------------------------------------------------------

    def get(self, provider_id: str) -> str | None:
        if self.storage is KeyStorage.KEYRING:
            try:
                value = self._backend.get_password(SERVICE, provider_id)
            except Exception as exc:  # any backend failure is an environment error
                raise self._failure("read", provider_id, exc) from None
            if value:
                register_secret(str(value))
                return str(value)
        value = self._read_file().get(provider_id)
        register_secret(value)  # masked in every log record and error text from now on
        return value

    def has(self, provider_id: str) -> bool:
        return bool(self.get(provider_id))

    def set(self, provider_id: str, key: str) -> None:
        if not key or any(c.isspace() for c in key):
            raise ValueError("an API key must be non-empty and contain no spaces")
        self.set_secret(provider_id, key)

    def set_secret(self, name: str, value: str) -> None:
        """Store any non-empty secret under `name` (a player's password may contain spaces)."""
        if not value:
            raise ValueError("a secret must not be empty")
        provider_id, key = name, value
        register_secret(key)
        if self.storage is KeyStorage.KEYRING:
            try:
                self._backend.set_password(SERVICE, provider_id, key)
            except Exception as exc:
                raise self._failure("store", provider_id, exc) from None
            self._remove_from_file(provider_id)
            return
        keys = self._read_file()
        keys[provider_id] = key
        self._write_file(keys)

    def delete(self, provider_id: str) -> None:
        if self.storage is KeyStorage.KEYRING:
            try:
                self._backend.delete_password(SERVICE, provider_id)
            except PasswordDeleteError:
                pass  # there was none
            except Exception as exc:
                raise self._failure("delete", provider_id, exc) from None
        self._remove_from_file(provider_id)

    # -- the fallback file ---------------------------------------------------------------------------

    def _failure(self, action: str, provider_id: str, exc: BaseException) -> SecretStoreError:
        # The backend's message is left out on purpose: some backends echo what they were given.
        return SecretStoreError(
            f"the system keyring could not {action} the API key of {provider_id} ({type(exc).__name__})"
        )

    def _read_file(self) -> dict[str, str]:
        path = self.fallback_path
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(f"cannot read the key file {path}: {exc.strerror or exc}") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            log.warning("the key file %s was readable by others; making it private", path)
            with contextlib.suppress(OSError):
                path.chmod(0o600)
        keys = self._parse_file()
        if keys is None:
            state = _state_of(path)
            if state != self._told_unreadable:
                self._told_unreadable = state
                log.warning("the key file %s is unreadable; its keys are ignored until it is repaired", path)
            return {}
        return keys

    def _parse_file(self) -> dict[str, str] | None:
        """The file's keys ({} without a file), or None when it is not a key file we can read."""
        path = self.fallback_path
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(f"cannot read the key file {path}: {exc.strerror or exc}") from None
        except ValueError:
            return None
        keys = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(keys, dict):
            return None
        return {str(k): str(v) for k, v in keys.items() if isinstance(v, str) and v}

    def _set_aside_unreadable(self) -> None:
        """Before a new key file replaces an unreadable one, keep the old one beside it (as
        ``secrets.json.unreadable-<n>``, private): the keys it held may still be recovered by hand."""
        path = self.fallback_path
        if self._parse_file() is not None:
            return
        number = 1
        while (aside := path.with_name(f"{path.name}.unreadable-{number}")).exists():
            number += 1
        try:
            path.replace(aside)
        except OSError as exc:
            reason = exc.strerror or exc
            raise SecretStoreError(f"cannot set the unreadable key file {path} aside: {reason}") from None
        log.warning("the unreadable key file %s is kept as %s; a new key file is written", path, aside)

    def _write_file(self, keys: dict[str, str]) -> None:
        """Write the keys atomically through a fresh private temporary file in the same folder.

        `tempfile.mkstemp` creates the file with O_EXCL and mode 0600 under a random name, so a
        symlink planted beside the key file is never followed; `os.replace` then swaps it in.
        """
        path = self.fallback_path
        self._set_aside_unreadable()
        data = json.dumps({"version": 1, "keys": keys}, indent=2).encode("utf-8")
        temporary: Path | None = None
        try:
            descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temporary = Path(name)
            with os.fdopen(descriptor, "wb") as handle:
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), 0o600)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.replace(path)
            temporary = None
        except OSError as exc:
            raise SecretStoreError(f"cannot write the key file {path}: {exc.strerror or exc}") from None
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()

    def _remove_from_file(self, provider_id: str) -> None:
        if not self.fallback_path.exists():
            return
        keys = self._read_file()
        if provider_id in keys:
            del keys[provider_id]
            self._write_file(keys)


def _state_of(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring kept in memory (counts as a usable, encrypting one): the demo profile's, so that
    demo keys never reach the user's real keyring, and the tests'.

    Attributes:
        passwords: (service, user) -> secret.
    """

    priority = 10

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")
