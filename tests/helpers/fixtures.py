"""The fixtures shared by every test folder, loaded as a plugin by tests/conftest.py
(`pytest_plugins`). One name, one meaning:

- `clock`: a `VirtualClock` (nothing sleeps for real).
- `memory_keyring`: an empty in-memory keyring installed as *the* keyring (`keyring.set_keyring`);
  `no_keyring`: a keyring that fails every call; `keyring_backend`: an empty in-memory keyring to
  hand to the services (`AppServices.open(..., keyring_backend=...)`), not installed.
- `data_dir` / `profile_dir`: a profile folder under `tmp_path` (not created).
- `fake_app`: every `AppServices.open` (as the CLI does it) uses the fake providers, their mock
  transport and a virtual clock; returns the providers' remote side (`FakeServices`).
- `fake_providers`: the fake providers (`FakeServices`) alone, for fixtures that open services.
- `fake_ctx`: the window's `UiContext` over a fresh profile whose providers are the fakes of a
  `FakeServices`, with that and its `VirtualClock` (a `FakeCtx`).
- `gated_ctx`: the window's `UiContext` over a fresh profile whose providers are the fakes of a
  `GatedServices` (answers held back in simulated time), with that and its `VirtualClock`.
- `api`: `ProviderApi`, every provider's host in memory; `services`: `AppServices` opened on
  `profile_dir` over `api`; `ctx`: the window's `UiContext` on those services; `window`: the main
  window over `ctx`, shown, its first page loaded.
- `library_page_factory`: makes a shown `LibraryPage` (1000x620) over a given `UiContext`.
- `sandbox_ctx`: the window's `UiContext` over a fresh profile pointed at the `sandbox` (see
  tests/helpers/sandbox.py), with `sandbox_images` as its image loader (`PaintedImages` of
  tests/helpers/movie_page.py; a module overrides `sandbox_images` to show other pictures, or none).
- `movie_page_factory`: makes a shown `MovieDetailPage` (1010x720) over a given `UiContext`, deleted on
  the Qt thread when the test ends; `inception_page`: such a page over `sandbox_ctx` showing
  Inception, added with its ids and enriched (the page and the movie's id).
- `scheme`: the test runs once in the light and once in the dark colour scheme (a `Scheme`), applied
  to the application by a `ThemeController` (which sets the Fusion style); light again afterwards.
- `shots`: the folder the GUI tests save the pictures of their screens in (created), to be looked at.
- `collect_on_the_qt_thread`: collects the earlier tests' garbage before the test, on the Qt thread
  (a module asks for it with `pytest.mark.usefixtures`).

A folder's conftest may still override one of these with the same meaning (tests/services opens
`services` over `fake_providers`).
"""

from __future__ import annotations

import gc
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
from tests.helpers.fake_services import GatedServices
from tests.helpers.fake_services import fake_registry
from tests.helpers.provider_api import ProviderApi

if TYPE_CHECKING:  # Qt only for the tests that ask for `ctx`, `window` or a page
    from PySide6.QtWidgets import QApplication

    from metarr_desktop.sandbox import SandboxServer
    from metarr_desktop.ui.common.theme import Scheme
    from metarr_desktop.ui.context import UiContext
    from metarr_desktop.ui.library.page import LibraryPage
    from metarr_desktop.ui.main_window import MainWindow
    from metarr_desktop.ui.movie.page import MovieDetailPage

#: `open_services(**overrides)` -> `AppServices` (see tests/services/conftest.py).
Opener = Callable[..., AppServices]

#: The `fake_ctx` fixture: the window's context, the fake providers' remote side and the clock.
FakeCtx = tuple["UiContext", FakeServices, VirtualClock]


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
def keyring_backend() -> MemoryKeyring:
    return MemoryKeyring()


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
async def fake_ctx(tmp_path: Path) -> AsyncIterator[FakeCtx]:
    from tests.helpers.ui_context import fake_ui_context

    fake = FakeServices()
    clock = VirtualClock()
    async with fake_ui_context(tmp_path / "profile", fake, clock) as opened:
        yield opened, fake, clock


@pytest.fixture
async def gated_ctx(tmp_path: Path) -> AsyncIterator[tuple[UiContext, GatedServices, VirtualClock]]:
    from tests.helpers.ui_context import fake_ui_context

    clock = VirtualClock()
    fake = GatedServices(clock)
    async with fake_ui_context(tmp_path / "profile", fake, clock) as opened:
        yield opened, fake, clock


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


@pytest.fixture
def sandbox_images() -> Any:
    from tests.helpers.movie_page import PaintedImages

    return PaintedImages()


@pytest.fixture
async def sandbox_ctx(
    tmp_path: Path, sandbox: SandboxServer, sandbox_images: Any
) -> AsyncIterator[UiContext]:
    from tests.helpers.ui_context import sandbox_ui_context

    async with sandbox_ui_context(tmp_path / "profile", sandbox, sandbox_images) as opened:
        yield opened


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[Scheme]:
    from metarr_desktop.ui.common.theme import Scheme
    from metarr_desktop.ui.common.theme import ThemeController

    chosen = Scheme(request.param)
    theme = ThemeController(qapp, chosen)
    yield chosen
    theme.set_scheme(Scheme.LIGHT)
    qapp.setStyle("Fusion")


@pytest.fixture
def shots() -> Path:
    from tests.helpers.qt import SHOTS

    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.fixture
def collect_on_the_qt_thread() -> None:
    """Collect the previous tests' garbage here, on the Qt thread.

    A closed qasync loop keeps Qt timers registered until they fire; if the collector frees it on
    another thread (a sandbox thread allocating), its timers cannot be unregistered there and fire
    later on freed memory.
    """
    gc.collect()


@pytest.fixture
def movie_page_factory(qtbot: Any) -> Iterator[Callable[[UiContext], MovieDetailPage]]:
    """Pages shown as top-level windows, deleted on the Qt thread when the test ends.

    Deleted explicitly rather than left to the garbage collector: a page is in a reference cycle
    (its model calls back into it), and a collection on another thread (the sandbox's) would
    destroy it there, leaving its timers registered on the Qt thread.
    """
    import shiboken6

    from metarr_desktop.ui.movie.page import MovieDetailPage

    pages: list[MovieDetailPage] = []

    def make(ctx: UiContext) -> MovieDetailPage:
        page = MovieDetailPage(ctx)
        page.resize(1010, 720)
        page.show()
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.timer.stop()
        page.close()
        shiboken6.delete(page)


@pytest.fixture
async def inception_page(
    sandbox_ctx: UiContext, movie_page_factory: Callable[[UiContext], MovieDetailPage]
) -> tuple[MovieDetailPage, int]:
    from tests.helpers.movie_page import enriched_inception

    page = movie_page_factory(sandbox_ctx)
    movie_id = await enriched_inception(sandbox_ctx)
    await page.load_movie(movie_id)
    return page, movie_id
