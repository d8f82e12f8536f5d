"""The key file is written through a fresh private temporary file: a planted symlink is never followed."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring.backends.fail

from metarr_desktop.store.secrets import SecretStore


def test_a_planted_symlink_at_the_old_temporary_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    key_file = tmp_path / "secrets.json"
    (tmp_path / "secrets.json.tmp").symlink_to(victim)
    secrets = SecretStore(key_file, keyring.backends.fail.Keyring())
    secrets.set("tmdb", "k3y-0123456789abcdef")
    assert victim.read_text(encoding="utf-8") == "precious"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not key_file.is_symlink()
    assert secrets.get("tmdb") == "k3y-0123456789abcdef"
    expected = {"victim.txt", "secrets.json", "secrets.json.tmp"}
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in expected]
    assert leftovers == []


def test_a_symlinked_key_file_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    key_file = tmp_path / "secrets.json"
    key_file.symlink_to(victim)
    secrets = SecretStore(key_file, keyring.backends.fail.Keyring())
    secrets._write_file({"tmdb": "k3y-0123456789abcdef"})
    assert victim.read_text(encoding="utf-8") == "precious"
