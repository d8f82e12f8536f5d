"""Hostile-input tests run like the CLI tests: a throw-away keyring for every test (`fake_app`,
`data_dir` are the shared fixtures of tests/helpers/fixtures.py)."""

from __future__ import annotations

import pytest

from tests.helpers.fake_keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def _memory_keyring(memory_keyring: MemoryKeyring) -> MemoryKeyring:
    return memory_keyring
