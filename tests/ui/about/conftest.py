"""The window fixtures of tests/ui, for the About box's window test."""

from __future__ import annotations

from tests.ui.conftest import api, clock, ctx, profile_dir, services

__all__ = ["api", "clock", "ctx", "profile_dir", "services"]
