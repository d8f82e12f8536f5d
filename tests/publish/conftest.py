"""Fixtures of the library-files tests: the app on a temporary profile over the sandbox, with the
artwork hosts answered by the sandbox's image route (the movie folders and movies to publish:
tests/helpers/publishing.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from keyring.backends import null

from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from metarr_desktop.sandbox.images import sandbox_image_transport
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.library_suite import LibrarySuite
from tests.helpers.publishing import SuiteFactory
from tests.helpers.sandbox import sandbox_factory  # noqa: F401 - a fixture


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:  # noqa: F811
    return sandbox_factory()


@pytest.fixture
async def suite_factory(tmp_path: Path, server: SandboxServer) -> AsyncIterator[SuiteFactory]:
    """`await suite_factory(image_transport=...)`: the app over the sandbox; artwork from the sandbox
    unless another transport is given."""
    opened: list[AppServices] = []

    async def open_suite(image_transport: httpx.AsyncBaseTransport | None = None) -> LibrarySuite:
        profile = tmp_path / f"profile{len(opened)}"
        await configure_profile(profile, server)
        app = AppServices.open(
            profile,
            keyring_backend=null.Keyring(),  # type: ignore[no-untyped-call]
            image_transport=image_transport or sandbox_image_transport(server.urls["tmdb"]),
        )
        opened.append(app)
        return LibrarySuite.create(app)

    yield open_suite
    for app in opened:
        await app.aclose()


@pytest.fixture
async def suite(suite_factory: SuiteFactory) -> LibrarySuite:
    return await suite_factory()
