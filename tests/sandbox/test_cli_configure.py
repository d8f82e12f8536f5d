"""`metarr sandbox --configure`: one command serves the sandbox and points the profile at it with
the demo keys; a profile holding the user's own key is left alone."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.null
import pytest

from metarr_desktop.cli.main import run
from tests.helpers.processes import default_sigint

ROOT = Path(__file__).resolve().parents[2]
NULL_KEYRING = "keyring.backends.null.Keyring"


@pytest.fixture(autouse=True)
def null_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No usable system keyring, in this process as in the child: the demo keys go to the file.
    (The environment variable alone does not reach a keyring another test already set.)"""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", NULL_KEYRING)
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())  # type: ignore[no-untyped-call]
    yield
    keyring.set_keyring(previous)


def metarr_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert run(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_configure_points_the_profile_at_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", NULL_KEYRING)
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [sys.executable, "-m", "metarr_desktop.cli", "--data-dir", str(profile), "sandbox", "--configure"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        preexec_fn=default_sigint,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        urls = json.loads(process.stdout.readline())
        process.stderr.readline()  # "serving catalog demo ..."
        assert "now uses this sandbox with the demo keys" in process.stderr.readline()
        providers = metarr_json(capsys, "--data-dir", str(profile), "providers", "list", "--json")
        assert {p["id"]: p["base_url"] for p in providers} == urls
        assert all(p["has_api_key"] for p in providers)
        found = metarr_json(
            capsys, "--data-dir", str(profile), "search", "The Matrix", "--year", "1999", "--json"
        )
        assert any(c["external_ids"]["imdb"] == "tt0133093" for c in found)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_configure_leaves_a_profile_with_your_own_key_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", NULL_KEYRING)
    profile = str(tmp_path / "profile")
    assert run(["--data-dir", profile, "providers", "set", "omdb", "--api-key", "my-own-key"]) == 0
    before = metarr_json(capsys, "--data-dir", profile, "providers", "list", "--json")
    assert run(["--data-dir", profile, "sandbox", "--configure"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "holds your own API key for omdb" in captured.err and "Traceback" not in captured.err
    assert metarr_json(capsys, "--data-dir", profile, "providers", "list", "--json") == before
