"""The library pages over the sandbox paint a poster per movie (`sandbox_images`), and `demo_page`
shows the demo library in one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library.page import LibraryPage
from tests.helpers.library_page import PosterImages
from tests.helpers.library_page import demo_library


@pytest.fixture
def sandbox_images() -> PosterImages:
    return PosterImages()


@pytest.fixture
async def demo_page(
    sandbox_ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage]
) -> LibraryPage:
    """The demo library (`demo_library`) in a shown page, not loaded yet: a test sizes it first."""
    await demo_library(sandbox_ctx)
    return library_page_factory(sandbox_ctx)
