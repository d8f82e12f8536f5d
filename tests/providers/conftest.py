"""Fixtures of the provider tests: the sandbox (hand-made answers and the recording transport are
in tests/helpers/recorder.py)."""

from __future__ import annotations

from tests.helpers.sandbox import sandbox
from tests.helpers.sandbox import sandbox_factory

__all__ = ["sandbox", "sandbox_factory"]
