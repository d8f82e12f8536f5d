"""Reordering providers by a real drag and drop in the real window, on a real X server.

Run by `test_real_drag.py` as its own pytest session under Xvfb with QT_QPA_PLATFORM=xcb (the
file name keeps the normal, offscreen session from collecting it). The X pointer is moved by
xdotool, so `QDrag.exec()` sees the same events as with a person's mouse.

Nothing here may hang: each gesture has a deadline in the test (then Escape cancels the drag) and a
watchdog thread that cancels it even if the Qt thread is stuck; pytest-timeout and the outer test's
own limit come after these.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QListView
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.main_window import MainWindow
from metarr_desktop.ui.main_window import Page
from metarr_desktop.ui.main_window import window_settings
from metarr_desktop.ui.providers.page import ProvidersPage
from tests.helpers.qt import arm_signal
from tests.helpers.qt import until
from tests.xvfb.pointer import Watchdog
from tests.xvfb.pointer import XPointer
from tests.xvfb.pointer import click_gesture
from tests.xvfb.pointer import drag_gesture

if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
    pytest.skip("runs only on an X server, inside test_real_drag.py's Xvfb session", allow_module_level=True)

pytestmark = [pytest.mark.gui, pytest.mark.xvfb, pytest.mark.qt_log_ignore("propagateSizeHints")]

#: Longest a gesture may take before it counts as stuck (it takes about 0.6 s).
GESTURE_LIMIT = 6.0
#: Where the window sits on the virtual screen (no window manager moves it).
WINDOW_AT = QPoint(40, 30)


@pytest.fixture
def pointer() -> XPointer:
    return XPointer(os.environ["DISPLAY"])


@pytest.fixture
async def window(ctx: UiContext, tmp_path: Path) -> AsyncIterator[MainWindow]:
    assert QGuiApplication.platformName() == "xcb"
    widget = MainWindow(ctx, settings=window_settings(tmp_path))
    widget.move(WINDOW_AT)
    widget.show()
    widget.show_page(Page.PROVIDERS)
    await until(
        lambda: (
            Page.PROVIDERS in widget._loaded
            and widget.windowHandle() is not None
            and widget.windowHandle().isExposed()
            and widget.providers_page.list.viewport().isVisible()
        )
    )
    yield widget
    # Closed here, on the loop, once unsaved changes are discarded (not by qtbot after the loop:
    # closing a window with unsaved changes then raises in closeEvent, which crashes PySide on xcb).
    await widget.providers_page.load()
    widget.dispose()
    widget.close()
    widget.deleteLater()


def on_screen(widget: QWidget, point: QPoint) -> QPoint:
    """A widget's point in the X screen's pixels."""
    scale = widget.devicePixelRatioF()
    global_point = widget.mapToGlobal(point)
    return QPoint(round(global_point.x() * scale), round(global_point.y() * scale))


def row_point(view: QListView, row: int, height_fraction: float) -> QPoint:
    """A point on a row's grip and name (left of the Settings button), `height_fraction` down it."""
    rect = view.visualRect(view.model().index(row, 0))
    return on_screen(
        view.viewport(), QPoint(rect.left() + 40, rect.top() + round(rect.height() * height_fraction))
    )


async def drag_row(pointer: XPointer, page: ProvidersPage, source: int, target: int, where: float) -> None:
    """Drag row `source` by its grip onto row `target`, released `where` down that row (below its
    middle drops after it, above drops before it), and wait until the drop is done."""
    view = page.list
    before = page.order.ids()
    start = row_point(view, source, 0.5)
    end = row_point(view, target, where)

    def dropped() -> bool:
        return (
            pointer.finished()
            and page.order.ids() != before
            and view.state() == QAbstractItemView.State.NoState
        )

    with Watchdog(pointer, GESTURE_LIMIT + 2) as watchdog:
        pointer.start(drag_gesture(start, end))
        try:
            await until(dropped, timeout=GESTURE_LIMIT)
        except TimeoutError:
            pointer.cancel_drag()
            await until(lambda: view.state() == QAbstractItemView.State.NoState, timeout=2)
            pytest.fail(
                f"dragging row {source} from {start.toTuple()} to {target} at {end.toTuple()} did not "
                f"drop within {GESTURE_LIMIT} s (cancelled with Escape); order {page.order.ids()}, "
                f"xdotool finished: {pointer.finished()} {pointer.output()!r}"
            )
    assert not watchdog.fired, "the watchdog had to cancel the drag"
    assert pointer.running is not None and pointer.running.returncode == 0, pointer.output()


def stored_order(ctx: UiContext) -> list[str]:
    return [view.id for view in ctx.providers.all()]


async def test_dragging_rows_reorders_providers_then_save_stores_it(
    window: MainWindow, ctx: UiContext, pointer: XPointer
) -> None:
    page = window.providers_page
    assert page.order.ids() == stored_order(ctx) == ["omdb", "tmdb", "tvdb", "fanart"]
    assert not page.is_dirty()

    # Down: OMDb dropped on the lower part of TVDB lands just after it.
    await drag_row(pointer, page, source=0, target=2, where=0.8)
    assert page.order.ids() == ["tmdb", "tvdb", "omdb", "fanart"]
    assert page.list.currentIndex().row() == 2  # the moved row stays selected
    # Up: fanart.tv dropped on the upper part of TMDB lands just before it, at the top.
    await drag_row(pointer, page, source=3, target=0, where=0.2)
    assert page.order.ids() == ["fanart", "tmdb", "tvdb", "omdb"]
    assert [page.order.index(row).data() for row in range(4)] == [
        "1.  fanart.tv",
        "2.  TMDB",
        "3.  TheTVDB",
        "4.  OMDb",
    ]
    assert all(enabled for _, enabled in page.order.pairs())  # dragging never toggles a switch

    # Unsaved: the page, its buttons and the window title say so; nothing is stored yet.
    assert page.is_dirty() and page.save_button.isEnabled() and page.revert_button.isEnabled()
    assert window.windowTitle().startswith("* Providers")
    assert stored_order(ctx) == ["omdb", "tmdb", "tvdb", "fanart"]

    # Save, clicked with the same pointer.
    saved = arm_signal(page.savedChanges)
    button = page.save_button
    pointer.start(click_gesture(on_screen(button, button.rect().center())))
    await until(lambda: saved.done(), timeout=GESTURE_LIMIT)
    assert stored_order(ctx) == ["fanart", "tmdb", "tvdb", "omdb"]
    assert ctx.authority.get().provider_priority == ["fanart", "tmdb", "tvdb", "omdb"]
    assert ctx.pool.get("fanart").settings.priority == 1  # the running engine follows
    assert not page.is_dirty() and not window.windowTitle().startswith("*")

    # Read back by a fresh load: the order is the stored one.
    await page.load()
    assert page.order.ids() == ["fanart", "tmdb", "tvdb", "omdb"]
