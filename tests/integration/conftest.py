"""Fixtures of the integration tests: the app on a temporary profile, pointed at the sandbox.

The sandbox is a real HTTP server on loopback (`tests.helpers.sandbox`), serving the demo catalog
plus two films that share a title and a year (the ambiguity case). Keys go to the profile's own
file (a null keyring backend), never to the system keyring.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from collections.abc import Callable
from pathlib import Path

import pytest

from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.catalog import Catalog
from metarr_desktop.sandbox.catalog import load_demo
from metarr_desktop.services.library_suite import LibrarySuite
from tests.helpers.sandbox import TWINS
from tests.helpers.sandbox import open_on_sandbox
from tests.helpers.sandbox import sandbox_factory  # noqa: F401 - a fixture


def catalog_with_twins() -> Catalog:
    demo = load_demo()
    template = next(t for t in demo.titles if t.title == "Inception")
    twins = [
        dataclasses.replace(
            template,
            title=TWINS[0],
            original_title=None,
            year=TWINS[1],
            released=f"{TWINS[1]}-0{n}-01",
            tmdb=990000 + n,
            imdb=f"tt099000{n}",
            tvdb=880000 + n,
            plot=f"Twin number {n}.",
        )
        for n in (1, 2)
    ]
    return Catalog([*demo.titles, *twins], name="demo+twins")


@pytest.fixture
def server(sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:  # noqa: F811
    return sandbox_factory(catalog_with_twins())


@pytest.fixture
async def suite(tmp_path: Path, server: SandboxServer) -> AsyncIterator[LibrarySuite]:
    app = await open_on_sandbox(tmp_path / "profile", server)
    try:
        yield LibrarySuite.create(app)
    finally:
        await app.aclose()
