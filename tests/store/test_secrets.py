"""API keys: the keyring when a usable one exists, else a private file with a visible warning."""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest

from metarr_desktop.store.secrets import SERVICE
from metarr_desktop.store.secrets import KeyStorage
from metarr_desktop.store.secrets import SecretStore
from metarr_desktop.store.secrets import SecretStoreError
from metarr_desktop.store.secrets import keyring_is_usable
from tests.helpers.fake_keyring import BrokenKeyring
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.fake_keyring import PlaintextKeyring

KEY = "s3cr3t-key-0123456789abcdef"


class ChainerLike:
    def __init__(self, *backends: object) -> None:
        self.backends = list(backends)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "secrets.json"


def test_a_usable_keyring_keeps_the_keys(key_file: Path) -> None:
    backend = MemoryKeyring()
    secrets = SecretStore(key_file, backend)
    assert secrets.storage is KeyStorage.KEYRING
    assert secrets.warning is None
    secrets.set("tmdb", KEY)
    assert backend.passwords == {(SERVICE, "tmdb"): KEY}
    assert secrets.get("tmdb") == KEY and secrets.has("tmdb")
    assert not key_file.exists()
    secrets.delete("tmdb")
    secrets.delete("tmdb")  # deleting nothing is fine
    assert secrets.get("tmdb") is None and not secrets.has("tmdb")


@pytest.mark.parametrize(
    "backend",
    [
        keyring.backends.fail.Keyring(),
        keyring.backends.null.Keyring(),  # type: ignore[no-untyped-call]
        PlaintextKeyring(),
        ChainerLike(keyring.backends.fail.Keyring()),
        ChainerLike(),
    ],
    ids=["fail", "null", "plaintext", "chainer-of-fail", "empty-chainer"],
)
def test_without_a_usable_keyring_keys_go_to_a_private_file(key_file: Path, backend: object) -> None:
    secrets = SecretStore(key_file, backend)
    assert secrets.storage is KeyStorage.FILE
    assert secrets.storage.value == "file (unencrypted)"
    assert (
        secrets.warning is not None and "unencrypted" in secrets.warning and str(key_file) in secrets.warning
    )
    secrets.set("omdb", KEY)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert SecretStore(key_file, backend).get("omdb") == KEY
    secrets.delete("omdb")
    assert secrets.get("omdb") is None


def test_usability_detection() -> None:
    assert keyring_is_usable(MemoryKeyring())
    assert keyring_is_usable(ChainerLike(keyring.backends.fail.Keyring(), MemoryKeyring()))
    assert not keyring_is_usable(keyring.backends.fail.Keyring())


def test_a_key_file_readable_by_others_is_made_private(key_file: Path) -> None:
    key_file.write_text('{"version": 1, "keys": {"tmdb": "abc"}}')
    key_file.chmod(0o644)
    secrets = SecretStore(key_file, keyring.backends.fail.Keyring())
    assert secrets.get("tmdb") == "abc"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_unreadable_key_file_counts_as_empty(key_file: Path) -> None:
    key_file.write_text("{broken")
    secrets = SecretStore(key_file, keyring.backends.fail.Keyring())
    assert secrets.get("tmdb") is None
    secrets.set("tmdb", KEY)
    assert secrets.get("tmdb") == KEY


def test_a_new_key_never_overwrites_an_unreadable_key_file(
    key_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The damaged file may still hold the other providers' keys: it is kept beside the new one, and
    the user is told once, not at every key read."""
    damaged = '{"version": 1, "keys": {"omdb": "omdb-key", "tvdb": "tvdb-k'
    key_file.write_text(damaged)
    secrets = SecretStore(key_file, keyring.backends.fail.Keyring())
    with caplog.at_level(logging.WARNING, logger="metarr_desktop.store.secrets"):
        assert [secrets.get(p) for p in ("tmdb", "omdb", "tvdb")] == [None, None, None]
        secrets.set("tmdb", KEY)
    aside = key_file.with_name(f"{key_file.name}.unreadable-1")
    assert aside.read_text() == damaged
    assert stat.S_IMODE(aside.stat().st_mode) == 0o600
    assert secrets.get("tmdb") == KEY
    unreadable = [r for r in caplog.records if "is unreadable" in r.getMessage()]
    kept = [r for r in caplog.records if "is kept as" in r.getMessage()]
    assert len(unreadable) == 1 and len(kept) == 1


def test_a_key_left_in_the_file_is_still_found_and_moves_to_the_keyring(key_file: Path) -> None:
    SecretStore(key_file, keyring.backends.fail.Keyring()).set("tmdb", "old-key")
    backend = MemoryKeyring()
    secrets = SecretStore(key_file, backend)
    assert secrets.get("tmdb") == "old-key"
    secrets.set("tmdb", KEY)
    assert secrets.get("tmdb") == KEY
    assert "old-key" not in key_file.read_text()


def test_keyring_failures_are_environment_errors_without_the_key(key_file: Path) -> None:
    secrets = SecretStore(key_file, BrokenKeyring())
    with pytest.raises(SecretStoreError) as caught:
        secrets.set("tmdb", KEY)
    assert KEY not in str(caught.value) and caught.value.__cause__ is None
    assert "could not store the API key of tmdb" in str(caught.value)
    with pytest.raises(SecretStoreError, match="could not read"):
        secrets.get("tmdb")


@pytest.mark.parametrize("bad", ["", " padded ", "two words"])
def test_malformed_keys_are_refused(key_file: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        SecretStore(key_file, MemoryKeyring()).set("tmdb", bad)


@pytest.fixture
def system_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def test_the_system_keyring_is_used_by_default(key_file: Path, system_keyring: None) -> None:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    SecretStore(key_file).set("tvdb", KEY)
    assert backend.passwords[(SERVICE, "tvdb")] == KEY
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert SecretStore(key_file).storage is KeyStorage.FILE
