"""The fixtures shared by every test folder, loaded as a plugin by tests/conftest.py
(`pytest_plugins`). One name, one meaning:

- `clock`: a `VirtualClock` (nothing sleeps for real).
- `memory_keyring`: an empty in-memory keyring installed as *the* keyring (`keyring.set_keyring`);
  `no_keyring`: a keyring that fails every call.
- `data_dir` / `profile_dir`: a profile folder under `tmp_path` (not created).
- `fake_app`: every `AppServices.open` (as the CLI does it) uses the fake providers, their mock
  transport and a virtual clock; returns the providers' remote side (`FakeServices`).
- `fake_providers`: the fake providers (`FakeServices`) alone, for fixtures that open services.
- `api`: `ProviderApi`, every provider's host in memory; `services`: `AppServices` opened on
  `profile_dir` over `api`; `ctx`: the window's `UiContext` on those services; `window`: the main
  window over `ctx`, shown, its first page loaded.
- `library_page_factory`: makes a shown `LibraryPage` (1000x620) over a given `UiContext`.

A folder's conftest may still override one of these with the same meaning (tests/services opens
`services` over `fake_providers`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import httpx
import keyring
import keyring.backends.fail
import pytest

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.services.context import AppServices
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import fake_registry
from tests.helpers.provider_api import ProviderApi

if TYPE_CHECKING:  # Qt only for the tests that ask for `ctx` or `window`
    from metarr_desktop.ui.context import UiContext
    from metarr_desktop.ui.library.page import LibraryPage
    from metarr_desktop.ui.main_window import MainWindow

#: `open_services(**overrides)` -> `AppServices` (see tests/services/conftest.py).
Opener = Callable[..., AppServices]


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Never touch the real keyring: an empty in-memory one for the test."""
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
def profile_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def fake_providers() -> FakeServices:
    return FakeServices()


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> FakeServices:
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


@pytest.fixture
def api() -> ProviderApi:
    return ProviderApi()


@pytest.fixture
async def services(profile_dir: Path, api: ProviderApi, clock: VirtualClock) -> AsyncIterator[AppServices]:
    opened = AppServices.open(
        profile_dir, clock=clock, transport=httpx.MockTransport(api), keyring_backend=MemoryKeyring()
    )
    try:
        yield opened
    finally:
        await opened.aclose()


@pytest.fixture
def ctx(services: AppServices) -> Iterator[UiContext]:
    from metarr_desktop.ui.context import UiContext

    yield UiContext.from_services(services)


@pytest.fixture
async def window(qtbot: Any, ctx: UiContext, tmp_path: Path) -> AsyncIterator[MainWindow]:
    # `qtbot` makes the QApplication. The window is not given to qtbot.addWidget: pytest-qt would
    # delete it before this fixture's teardown runs, and the window must stop listening to the
    # engine (dispose) before it goes, as at shutdown.
    from metarr_desktop.ui.main_window import MainWindow
    from metarr_desktop.ui.main_window import Page
    from metarr_desktop.ui.main_window import window_settings
    from tests.helpers.qt import until

    widget = MainWindow(ctx, settings=window_settings(tmp_path))
    widget.show()
    # Showing selects the first page, whose data loads in a task: let it finish on the loop.
    await until(lambda: Page.LIBRARY in widget._loaded)
    yield widget
    widget.dispose()
    widget.hide()
    widget.deleteLater()


@pytest.fixture
def library_page_factory(qtbot: Any) -> Callable[[UiContext], LibraryPage]:
    from metarr_desktop.ui.library.page import LibraryPage

    def make(ctx: UiContext) -> LibraryPage:
        page = LibraryPage(ctx)
        qtbot.addWidget(page)
        page.resize(1000, 620)
        page.show()
        return page

    return make
