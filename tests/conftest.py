"""Shared test configuration.

Async tests run on a plain asyncio loop, except tests marked `gui`, which run on a qasync loop over
the QApplication (pytest-qt does not drive qasync by itself; see STYLE.md).

No test writes into the user's own folders: at import, before any QApplication exists, every XDG
folder (configuration, data, cache, state, runtime) points into one temporary folder for the session,
and so do Qt's settings paths (`tests.helpers.session`).
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

import pytest

from tests.helpers.session import redirect_user_folders

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: The shared fixtures (one name, one meaning): see tests/helpers/fixtures.py and the sandbox's,
#: tests/helpers/sandbox.py.
pytest_plugins = ["tests.helpers.fixtures", "tests.helpers.sandbox"]

redirect_user_folders()


def _qasync_loop() -> asyncio.AbstractEventLoop:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    # Collect the previous tests' garbage here, on the Qt thread: left to chance, the collector may
    # run in a worker or sandbox thread and destroy old loops' Qt timers there ("Timers cannot be
    # stopped from another thread"), which can crash the process.
    gc.collect()
    return qasync.QEventLoop(app)  # type: ignore[no-any-return]


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], Any]]:
    if item.get_closest_marker("gui") is not None:
        return {"qasync": _qasync_loop}
    return {"asyncio": asyncio.new_event_loop}


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything alive after collection (the imported modules, Qt's bindings, the test
    functions) out of the collector's reach: the per-test `gc.collect()` above then walks only what
    the tests made since, not the whole heap again (it was about a third of a GUI test's time)."""
    gc.collect()
    gc.freeze()
