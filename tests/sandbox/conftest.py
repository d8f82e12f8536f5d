"""Fixtures of the sandbox tests: the in-process sandbox."""

from tests.helpers.sandbox import sandbox
from tests.helpers.sandbox import sandbox_factory

__all__ = ["sandbox", "sandbox_factory"]
