"""Fixtures of the window tests. The services over a temporary profile (`services`, `ctx`, `api`,
`clock`, `profile_dir`) are the shared ones of tests/helpers/fixtures.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _keep_the_loop_when_a_window_closes(qapp: Any) -> Iterator[None]:
    """As in the app (``setQuitOnLastWindowClosed(False)``): closing a test's last window must not
    quit the application, which would stop the qasync loop the async tests run on."""
    before = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    yield
    qapp.setQuitOnLastWindowClosed(before)
