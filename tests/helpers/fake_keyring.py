"""Keyring backends for tests: the in-memory one (the product's own, used by the demo), one that
counts its reads, one named like keyrings.alt's plaintext backend, one that refuses to store, and one
that always fails."""

from __future__ import annotations

from keyring.errors import KeyringError

from metarr_desktop.store.secrets import MemoryKeyring


class CountingKeyring(MemoryKeyring):
    """The in-memory keyring, counting the secrets read from it."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        return super().get_password(service, username)


class PlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's plaintext backend (by name)."""


class ReadOnlyKeyring(MemoryKeyring):
    """A keyring that reads but refuses to store (the message echoes the secret, as some do)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"refused to store {password}")


class BrokenKeyring(ReadOnlyKeyring):
    """A keyring that looks usable but fails on every call (a locked or unreachable keychain)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError(f"cannot reach the keyring for {username}")


__all__ = ["BrokenKeyring", "CountingKeyring", "MemoryKeyring", "PlaintextKeyring", "ReadOnlyKeyring"]
