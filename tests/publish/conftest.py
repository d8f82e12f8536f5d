"""Fixtures of the library-files tests: the app on a temporary profile over the sandbox, with the
artwork hosts answered by the sandbox's image route, and a movie folder to publish into."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from keyring.backends import null

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from metarr_desktop.sandbox.images import sandbox_image_transport
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.library_suite import LibrarySuite
from tests.helpers.sandbox import sandbox_factory  # noqa: F401 - a fixture


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:  # noqa: F811
    return sandbox_factory()


SuiteFactory = Callable[..., Awaitable[LibrarySuite]]


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


def movie_folder(root: Path, name: str = "Inception (2010)", video: str = "Inception.mkv") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / video).write_bytes(b"\x1a\x45\xdf\xa3 not really a film")
    return folder


async def enriched_movie(suite: LibrarySuite, folder: Path, *, imdb: str = "tt1375666") -> int:
    record = suite.library.add("Inception", year=2010, ids=ExternalIds(imdb=imdb), path=str(folder))
    result = await suite.enrichment.enrich(record.id)
    assert result.status.value == "enriched", result.error
    return record.id


async def published_movie(suite: LibrarySuite, root: Path) -> tuple[Path, int]:
    """Inception in its folder under `root`, enriched and published once: the folder and the movie's id."""
    folder = movie_folder(root)
    movie_id = await enriched_movie(suite, folder)
    await suite.app.publish.publish([movie_id])
    return folder, movie_id
