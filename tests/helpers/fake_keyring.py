"""Keyring backends for tests: the in-memory one (the product's own, used by the demo), one that
refuses to store, and one that always fails."""

from __future__ import annotations

from keyring.errors import KeyringError

from metarr_desktop.store.secrets import MemoryKeyring


class ReadOnlyKeyring(MemoryKeyring):
    """A keyring that reads but refuses to store (the message echoes the secret, as some do)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"refused to store {password}")


class BrokenKeyring(ReadOnlyKeyring):
    """A keyring that looks usable but fails on every call (a locked or unreachable keychain)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError(f"cannot reach the keyring for {username}")


__all__ = ["BrokenKeyring", "MemoryKeyring", "ReadOnlyKeyring"]
