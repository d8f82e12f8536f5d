"""The library pages over the sandbox paint a poster per movie (`sandbox_images`), and
`open_demo_page(size)` shows the demo library in one."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSize

from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.library.page import LibraryPage
from tests.helpers.library_page import OpenDemoPage
from tests.helpers.library_page import PosterImages
from tests.helpers.library_page import demo_library


@pytest.fixture
def sandbox_images() -> PosterImages:
    return PosterImages()


@pytest.fixture
def open_demo_page(
    sandbox_ctx: UiContext, library_page_factory: Callable[[UiContext], LibraryPage]
) -> OpenDemoPage:
    """`open_demo_page(size)`: the demo library (`demo_library`) in a shown page of that size, loaded."""

    async def open_page(size: QSize) -> LibraryPage:
        await demo_library(sandbox_ctx)
        page = library_page_factory(sandbox_ctx)
        page.resize(size)
        await page.load()
        return page

    return open_page
