"""Tests on a real X server (Xvfb), driven by a real pointer (xdotool).

`test_real_drag.py` runs in the normal (offscreen) session: it starts Xvfb and runs `drag_session.py`
as a separate pytest session on it, with Qt's xcb platform. The window fixtures (tests/helpers/fixtures.py,
loaded by tests/conftest.py) serve that inner session too.
"""

from __future__ import annotations
