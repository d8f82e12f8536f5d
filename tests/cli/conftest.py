"""Fixtures of the CLI tests: a throw-away keyring for every test. `fake_app` (fake providers behind
the CLI's own `AppServices.open`), `data_dir` and `no_keyring` are shared: tests/helpers/fixtures.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from keyring.backends import null

from metarr_desktop.cli import suite as cli_suite
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.sandbox import Cli
from tests.helpers.sandbox import cli_on


@pytest.fixture(autouse=True)
def _memory_keyring(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    """Never touch the real keyring: every CLI test gets an empty in-memory one."""
    return memory_keyring


@pytest.fixture
async def cli(
    tmp_path: Path,
    sandbox_factory: Callable[..., SandboxServer],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    """`metarr` against the demo sandbox on loopback, on a profile pointed at it: `cli(*argv,
    code=0)` runs one command and returns its JSON (with --json) or its text."""
    server = sandbox_factory("demo")
    profile = tmp_path / "profile"
    await configure_profile(profile, server)
    monkeypatch.setitem(cli_suite.OPEN_OPTIONS, "keyring_backend", null.Keyring())  # type: ignore[no-untyped-call]
    call = cli_on(profile, capsys)
    call.server = server  # type: ignore[attr-defined]
    return call
