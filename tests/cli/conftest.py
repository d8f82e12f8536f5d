"""Fixtures of the CLI tests: a throw-away keyring for every test. `fake_app` (fake providers behind
the CLI's own `AppServices.open`), `data_dir` and `no_keyring` are shared: tests/helpers/fixtures.py."""

from __future__ import annotations

import pytest

from tests.helpers.fake_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def _memory_keyring(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    """Never touch the real keyring: every CLI test gets an empty in-memory one."""
    return memory_keyring
