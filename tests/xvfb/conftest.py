"""Tests on a real X server (Xvfb), driven by a real pointer (xdotool).

`test_real_drag.py` runs in the normal (offscreen) session: it starts Xvfb and runs `drag_session.py`
as a separate pytest session on it, with Qt's xcb platform. The window fixtures of tests/ui are
shared with that inner session.
"""

from __future__ import annotations

from tests.ui.conftest import api, clock, ctx, profile_dir, services

__all__ = ["api", "clock", "ctx", "profile_dir", "services"]
