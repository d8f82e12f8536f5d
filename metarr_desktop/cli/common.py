"""What every command shares: the context, errors with exit codes, JSON and table output."""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
import sys
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any
from typing import NoReturn
from typing import TypeAlias

from metarr_desktop import __version__
from metarr_desktop.providers.registry import ProviderRegistry
from metarr_desktop.services.context import AppServices
from metarr_desktop.store.profile import Profile

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as a shell reports it


def data_dir_argument(text: str) -> str:
    """`--data-dir` of both programs: an empty value (an unset shell variable) is bad input, never
    the default profile."""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a folder, got an empty string")
    return text


def add_profile_options(parser: argparse.ArgumentParser, program: str) -> None:
    """The options both programs start with: ``--version`` and ``--data-dir``."""
    parser.add_argument("--version", action="version", version=f"{program} {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", type=data_dir_argument, help="the profile folder (created if missing)"
    )


def add_log_level_option(parser: argparse.ArgumentParser) -> None:
    """``--log-level``, of both programs: what goes to stderr."""
    parser.add_argument(
        "--log-level",
        default="WARNING",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="what goes to stderr (default WARNING)",
    )


# -- the shapes every command group repeats -----------------------------------------------------------

SubCommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

#: The help of ``--json`` where it turns the whole output into one JSON document.
JSON_HELP = "one JSON document on stdout"


def add_json_option(parser: argparse.ArgumentParser, help: str | None = JSON_HELP) -> None:
    """``--json``: the command prints JSON instead of lines for people."""
    parser.add_argument("--json", action="store_true", help=help)


def add_command_group(commands: SubCommands, name: str, help: str) -> SubCommands:
    """``metarr NAME SUBCOMMAND``: a command that is only a group of subcommands (one is required;
    the chosen one's name lands in ``NAME_command``)."""
    parser = commands.add_parser(name, help=help)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="SUBCOMMAND")


def add_subcommand(
    sub: SubCommands, name: str, help: str, handler: Callable[..., Any], **defaults: Any
) -> argparse.ArgumentParser:
    """One subcommand of a group, run by `handler` (with `defaults` set on its arguments)."""
    parser = sub.add_parser(name, help=help)
    parser.set_defaults(handler=handler, **defaults)
    return parser


def add_listing(sub: SubCommands, name: str, help: str, handler: Callable[..., Any]) -> None:
    """A subcommand that only shows something (``list``, ``show``): lines, or ``--json``."""
    add_json_option(add_subcommand(sub, name, help, handler))


# -- argument types: bad input is a one-line usage error (exit 2), never an internal error ----------

#: SQLite's largest INTEGER: a larger id or count cannot be stored or even looked up.
SQLITE_INT_MAX = 2**63 - 1


def whole_number(
    text: str, *, minimum: int = 0, maximum: int = SQLITE_INT_MAX, what: str = "a whole number"
) -> int:
    """`text` as an int in [minimum, maximum]: ASCII digits only (never "²" or "1e3")."""
    stripped = text.strip()
    digits = stripped[1:] if stripped[:1] in "+-" else stripped
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    number = int(stripped)
    if not minimum <= number <= maximum:
        raise argparse.ArgumentTypeError(f"expected {what} from {minimum} to {maximum}, got {text!r}")
    return number


def positive_int(text: str) -> int:
    """A movie id, a count or a limit: 1 to 2**63-1."""
    return whole_number(text, minimum=1, what="a positive whole number")


def external_id(text: str) -> str:
    """A TMDB or TheTVDB id: a positive whole number SQLite can store (given back as text)."""
    return str(whole_number(text, minimum=1, what="a positive whole-number id"))


def year_number(text: str) -> int:
    """A year as typed on the command line (its plausibility is the service's to judge)."""
    return whole_number(text, minimum=-SQLITE_INT_MAX, what="a year")


def positive_float(text: str) -> float:
    """A finite number above zero (seconds): never NaN, infinity or 1e309."""
    try:
        number = float(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite positive number, got {text!r}")
    return number


def bool_argument(text: str) -> bool:
    """``true|false`` (also yes/no, on/off, 1/0), as `parse_bool` reads it."""
    try:
        return parse_bool(text)
    except CliError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def selected_id(text: str) -> str:
    """`identify --select KIND:ID`: a numeric id must be one SQLite can store."""
    _kind, sep, value = text.partition(":")
    value = value.strip()
    if sep and value and not value.lower().startswith("tt"):
        whole_number(value, minimum=1, what="a positive whole-number id after the colon")
    return text


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2 (both front ends use it)."""

    def error(self, message: str) -> NoReturn:
        say(f"{self.prog}: error: {message}", err=True)
        raise SystemExit(EXIT_USAGE)


class CliError(Exception):
    """A failure to report as one line on stderr with an exit code (2: bad usage or input)."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass
class CliContext:
    """Built once per invocation; heavier parts are opened on first use."""

    data_dir: Path | None
    _profile: Profile | None = field(default=None, init=False)
    _registry: ProviderRegistry | None = field(default=None, init=False)
    _services: AppServices | None = field(default=None, init=False)

    @property
    def profile(self) -> Profile:
        if self._profile is None:
            self._profile = Profile.open(self.data_dir)
        return self._profile

    @property
    def registry(self) -> ProviderRegistry:
        if self._registry is None:
            self._registry = self._services.registry if self._services else ProviderRegistry.default()
        return self._registry

    @property
    def services(self) -> AppServices:
        """The application services, opened on first use; opening warnings go to stderr."""
        if self._services is None:
            self._services = AppServices.open(self.data_dir)
            for warning in self._services.warnings:
                say(f"metarr: warning: {warning}", err=True)
        return self._services

    async def aclose(self) -> None:
        """Close the services if they were opened (saves provider state, closes clients and database)."""
        if self._services is not None:
            services, self._services = self._services, None
            await services.aclose()


Handler = Callable[[Any, CliContext], Awaitable[int]]


def uses_services(handler: Handler) -> Handler:
    """Wrap a command that uses `ctx.services`: the services are closed when the command ends. (A
    database failure is a `StoreError`, which `main` reports in one line, exit code 1.)"""

    @functools.wraps(handler)
    async def wrapper(args: Any, ctx: CliContext) -> int:
        try:
            return await handler(args, ctx)
        finally:
            await ctx.aclose()

    return wrapper


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    if hasattr(value, "to_json"):
        return value.to_json()
    raise TypeError(f"cannot encode {type(value).__name__}")


def json_text(document: Any) -> str:
    """`document` as the CLI writes JSON: indented, UTF-8 text, never the non-standard NaN or
    Infinity (allow_nan=False: a ValueError, that is a bug, instead)."""
    return json.dumps(document, default=_default, ensure_ascii=False, indent=2, allow_nan=False)


def emit_json(document: Any) -> None:
    """Exactly one JSON document on stdout."""
    sys.stdout.write(json_text(document) + "\n")


# -- human-readable output: provider text never drives the terminal ---------------------------------

# C0 controls (NUL, ESC, BEL, CR...), DEL, C1 controls (CSI, OSC...) and the bidirectional overrides.
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(value: object, *, newlines: bool = True) -> str:
    """`value` as text safe to print on a terminal: control characters (ESC sequences, NUL, C1,
    DEL) are shown escaped (``\\x1b``), lone surrogates as U+FFFD; newlines are kept unless
    `newlines` is False (a table cell). Every human-readable printer uses this; JSON does not."""
    text = str(value)
    if any("\ud800" <= c <= "\udfff" for c in text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _TERMINAL_UNSAFE.sub(_escaped, text)
    return text if newlines else text.replace("\n", "\\n")


def say(text: object = "", *, err: bool = False) -> None:
    """One human-readable line on stdout (stderr with `err`), made terminal-safe: a newline inside
    `text` is shown as ``\\n``, so a message stays one line."""
    stream = sys.stderr if err else sys.stdout
    stream.write(terminal_text(text, newlines=False) + "\n")
    if err:
        stream.flush()


def emit_rows(
    rows: Sequence[Mapping[str, Any]],
    as_json: bool,
    headers: Sequence[str],
    cells: Callable[[Mapping[str, Any]], Sequence[Any]],
) -> None:
    """A listing: the rows as one JSON document, or as a table of `headers` with `cells(row)`."""
    if as_json:
        emit_json(rows)
    else:
        emit_table(headers, [cells(row) for row in rows])


def report_check(as_json: bool, document: Any, ok: bool, line: str, *, failure_also_on_stderr: bool) -> int:
    """A ``test`` command's outcome: `document` as JSON, or `line` on stdout when the check passed;
    `line` on stderr when it failed (even with JSON when `failure_also_on_stderr`). Exit 1 on failure."""
    if as_json:
        emit_json(document)
    elif ok:
        say(line)
    if not ok and (failure_also_on_stderr or not as_json):
        say(f"metarr: {line}", err=True)
    return EXIT_OK if ok else EXIT_FAILED


def emit_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    text_rows = [
        [("" if cell is None else terminal_text(cell, newlines=False)) for cell in row] for row in rows
    ]
    widths = [max([len(h), *(len(r[i]) for r in text_rows)]) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    sys.stdout.write(line.rstrip() + "\n")
    for row in text_rows:
        sys.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "yes", "on", "1"}:
        return True
    if lowered in {"false", "no", "off", "0"}:
        return False
    raise CliError(f"expected true or false, got {text!r}")
