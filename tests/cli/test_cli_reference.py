"""docs/cli.md stays complete: every command, subcommand and option of `metarr` is documented."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

from metarr_desktop.cli.main import build_parser

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def commands(parser: argparse.ArgumentParser, prefix: str = "metarr") -> Iterator[tuple[str, list[str]]]:
    """(command line, its option strings) for every command that has no subcommands."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        flags = (o for a in parser._actions for o in a.option_strings)
        options = [o for o in flags if o.startswith("--") and o != "--help"]
        yield prefix, options
        return
    for name, child in subparsers[0].choices.items():
        yield from commands(child, f"{prefix} {name}")


def documented(command: str, headings: list[str]) -> bool:
    """A heading names the command: "### `metarr schedule show ..." or "`metarr schedule enable|disable`"."""
    parent, _, name = command.rpartition(" ")
    for heading in headings:
        if f"`{command}" in heading:
            return True
        if f"`{parent} " in heading and name in re.split(r"[\s|`]+", heading):
            return True
    return False


def test_every_command_and_option_is_in_the_reference() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    missing = []
    for command, options in commands(build_parser()):
        if not documented(command, headings):
            missing.append(command)
        for option in options:
            if not re.search(rf"{re.escape(option)}(?![\w-])", text):
                missing.append(f"{command} {option}")
    assert not missing, "not in docs/cli.md: " + ", ".join(missing)
