"""Window contexts for tests: over the fake providers (simulated time), or over a profile pointed at a
running sandbox (real data)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.ui.context import UiContext
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import open_on_fakes
from tests.helpers.sandbox import open_on_sandbox


@asynccontextmanager
async def fake_ui_context(profile: Path, fake: FakeServices, clock: VirtualClock) -> AsyncIterator[UiContext]:
    """A window context over a fresh profile whose providers are the fakes answered by `fake`, on
    `clock`; jobs cancelled and services closed afterwards."""
    services = open_on_fakes(profile, fake, clock)
    ctx = UiContext.from_services(services)
    try:
        yield ctx
    finally:
        await ctx.jobs.cancel_all()
        await services.aclose()


@asynccontextmanager
async def sandbox_ui_context(profile: Path, server: SandboxServer, images: Any) -> AsyncIterator[UiContext]:
    """A window context over a fresh profile pointed at `server`, with `images` standing in for the
    image loader; jobs cancelled and services closed afterwards."""
    services = await open_on_sandbox(profile, server)
    ctx = UiContext.from_services(services)
    ctx.images = images
    try:
        yield ctx
    finally:
        await ctx.jobs.cancel_all()
        await services.aclose()
