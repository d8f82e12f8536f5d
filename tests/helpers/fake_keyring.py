"""Keyring backends for tests: an in-memory encrypted-like one, and one that always fails."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Stands in for a real system keyring (priority > 0, so it counts as usable)."""

    priority = 10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.passwords:
            raise PasswordDeleteError("no such password")
        del self.passwords[(service, username)]


class ReadOnlyKeyring(MemoryKeyring):
    """A keyring that reads but refuses to store (the message echoes the secret, as some do)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError(f"refused to store {password}")


class BrokenKeyring(ReadOnlyKeyring):
    """A keyring that looks usable but fails on every call (a locked or unreachable keychain)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError(f"cannot reach the keyring for {username}")
