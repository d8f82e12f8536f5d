"""Fixtures of the CLI tests: a throw-away keyring, and (`fake_app`) fake providers behind the CLI.

The CLI opens `AppServices` itself; `fake_app` makes that open use the fake providers, their mock
transport and a virtual clock, so `metarr` commands run end to end without a network.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.services.context import AppServices
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.fake_services import FakeServices, fake_registry


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Never touch the real keyring: every CLI test gets an empty in-memory one."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeServices:
    """Make every `AppServices.open` use the fake providers (and return their remote side)."""
    services = FakeServices()
    clock = VirtualClock()
    original = AppServices.open

    def open_with_fakes(data_dir: str | Path | None = None, **kwargs: Any) -> AppServices:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("transport", services.transport)
        kwargs.setdefault("registry", fake_registry())
        return original(data_dir, **kwargs)

    monkeypatch.setattr(AppServices, "open", staticmethod(open_with_fakes))
    return services
