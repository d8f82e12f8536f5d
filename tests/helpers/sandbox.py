"""The in-process sandbox as pytest fixtures: a real loopback server on a free port, no latency.

`sandbox` is a running `SandboxServer` with the demo catalog, default limits and no faults;
`sandbox_factory(**options)` starts one with other options. Both are stopped after the test.
`open_on_sandbox(profile, server)` opens the application's services on a fresh profile pointed at one;
`cli_on(profile, capsys)` runs `metarr` commands on a profile.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import null

from metarr_desktop.cli.main import run
from metarr_desktop.sandbox import DEMO_KEYS
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from metarr_desktop.services.context import AppServices


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., SandboxServer]]:
    started: list[SandboxServer] = []

    def start(catalog: Any = "demo", **options: Any) -> SandboxServer:
        options.setdefault("seed", 1)
        server = SandboxServer(catalog, **options)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return sandbox_factory()


async def open_on_sandbox(profile: Path, server: SandboxServer) -> AppServices:
    """The application's services on the profile at `profile`, every provider pointed at `server`
    with its demo key (kept in the profile's key file: a null keyring, never the system's)."""
    await configure_profile(profile, server)
    return AppServices.open(profile, keyring_backend=null.Keyring())  # type: ignore[no-untyped-call]


def client_for(server: SandboxServer, provider_cls: Any, **options: Any) -> Any:
    """A provider client pointed at the sandbox with the demo key."""
    options.setdefault("api_key", DEMO_KEYS[provider_cls.id])
    return provider_cls(base_url=server.urls[provider_cls.id], **options)


#: The demo catalogue's extra twin (same title and year) that tests/integration adds.
TWINS = ("Twin Peaks Motel", 2005)

#: The `cli` fixture of tests/cli: runs one `metarr` command against the sandbox.
Cli = Callable[..., Any]


def cli_on(profile: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """`cli(*argv, code=0)`: runs one `metarr` command on `profile`, checks its exit code and returns
    its JSON (with --json) or its text; `cli.err` is what it wrote to stderr. What was captured
    before is dropped."""
    capsys.readouterr()

    def call(*argv: str, code: int = 0) -> Any:
        assert run(["--data-dir", str(profile), *argv]) == code
        captured = capsys.readouterr()
        call.err = captured.err  # type: ignore[attr-defined]
        return json.loads(captured.out) if "--json" in argv and captured.out else captured.out

    return call
