"""Entry point of `metarr`: global options, dispatch, and the mapping of failures to exit codes.

Exit codes (CONTRACT.md): 0 done; 1 the operation ran and failed; 2 bad usage or bad input, with one
line on stderr. Environment errors (provider down, disk full, database locked) are one-line messages;
only bugs are logged with a traceback, and even then the user sees a line, not the traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from metarr_desktop.cli import assets
from metarr_desktop.cli import authority
from metarr_desktop.cli import database
from metarr_desktop.cli import edit
from metarr_desktop.cli import enrich
from metarr_desktop.cli import history
from metarr_desktop.cli import identify
from metarr_desktop.cli import inspect as inspect_command
from metarr_desktop.cli import library
from metarr_desktop.cli import locks
from metarr_desktop.cli import players
from metarr_desktop.cli import providers
from metarr_desktop.cli import publish
from metarr_desktop.cli import sandbox
from metarr_desktop.cli import schedule
from metarr_desktop.cli import search
from metarr_desktop.cli import settings
from metarr_desktop.cli import show
from metarr_desktop.cli import sync
from metarr_desktop.cli import undo
from metarr_desktop.cli.common import EXIT_FAILED
from metarr_desktop.cli.common import EXIT_INTERRUPTED
from metarr_desktop.cli.common import EXIT_USAGE
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import OneLineErrorParser
from metarr_desktop.cli.common import add_log_level_option
from metarr_desktop.cli.common import add_profile_options
from metarr_desktop.cli.common import say
from metarr_desktop.core.errors import DamagedDatabaseError
from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.logsetup import configure_logging
from metarr_desktop.providers.errors import ProviderError
from metarr_desktop.store.profile import ProfileError

log = logging.getLogger("metarr")

#: Modules that add a command; each has `register(subparsers)` and sets `handler` on its parsers.
COMMAND_MODULES = [providers, authority, assets, sandbox]
COMMAND_MODULES += [library, search, identify, enrich, show, locks, history, schedule, settings, publish]
COMMAND_MODULES += [players, sync]
COMMAND_MODULES += [edit]
COMMAND_MODULES += [inspect_command, undo]
COMMAND_MODULES += [database]


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog="metarr", description="Metadata and artwork for your movie library.")
    add_profile_options(parser, "metarr")
    add_log_level_option(parser)
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineErrorParser
    )
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> NoReturn:
    sys.exit(run(argv))


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.log_level)
    ctx = CliContext(data_dir=args.data_dir)
    try:
        outcome = args.handler(args, ctx)
        if inspect.iscoroutine(outcome):
            outcome = asyncio.run(outcome)
        return int(outcome or 0)
    except CliError as exc:
        say(f"metarr: {exc.message}", err=True)
        return exc.exit_code
    except (InvalidIdError, KeyError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        say(f"metarr: {message}", err=True)
        return EXIT_USAGE
    except ProviderError as exc:
        say(f"metarr: {exc}", err=True)
        return EXIT_FAILED
    except DamagedDatabaseError as exc:
        say(f"metarr: {exc.advice(database.start_over(args.data_dir))}", err=True)
        return EXIT_FAILED
    except StoreError as exc:
        if exc.is_bug:
            return _internal_error(exc)
        say(f"metarr: {exc.message}", err=True)
        return EXIT_FAILED
    except (ProfileError, OSError) as exc:
        say(f"metarr: {exc}", err=True)
        return EXIT_FAILED
    except KeyboardInterrupt:
        say("metarr: interrupted", err=True)
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    """A bug: keep the traceback in the log, give the user one line."""
    log.debug("unexpected error", exc_info=exc)
    say(f"metarr: internal error: {type(exc).__name__}: {exc} (run with --log-level DEBUG)", err=True)
    return EXIT_FAILED
