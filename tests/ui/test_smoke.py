from __future__ import annotations

import pytest

from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.main_window import MainWindow, Page

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


async def test_window_loads_every_page(qtbot, ctx: UiContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    for page in Page:
        await window.load_page(page)
        window.show_page(page)
        window.grab().save(f"/tmp/metarr-shots/smoke-{page.value}.png")
    window.dispose()
