"""The CLI fixtures of tests/cli (a throw-away keyring, fake providers behind the CLI) for these tests."""

from tests.cli.conftest import data_dir, fake, memory_keyring

__all__ = ["data_dir", "fake", "memory_keyring"]
