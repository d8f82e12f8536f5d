"""`metarr undo ID`: revert the latest refresh of a movie (`services.undo`).

The fields that refresh changed get their old values (and sources) back and are locked, so the next
refresh does not bring the undone values back; fields changed by hand since are kept and listed. The
undo has its own history entry. A second undo in a row says there is nothing left to undo (exit 0).
"""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.inspect import plain
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import require_movie


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("undo", help="revert the latest refresh of a movie")
    parser.add_argument("movie_id", type=int, metavar="ID")
    parser.add_argument(
        "--no-lock", action="store_true", help="leave restored fields unlocked (a refresh may redo them)"
    )
    add_json_option(parser)
    parser.set_defaults(handler=cmd_undo)


async def cmd_undo(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        require_movie(suite, args.movie_id)
        result = await suite.undo.undo(args.movie_id, lock=not args.no_lock)
    if args.json:
        emit_json(result.to_json())
        return 0
    print(result.message)
    if result.restored:
        emit_table(
            ["field", "undone", "restored", "source"],
            [[c.field, plain(c.old, 40), plain(c.new, 40), c.source or "-"] for c in result.restored],
        )
    for kept in result.kept:
        print(f"kept {kept.field} ({kept.reason}): {plain(kept.value)}")
    if result.republished is not None:
        print(f"library files republished: {result.republished.get('status')}")
    if result.publish_error:
        print(f"the files could not be republished: {result.publish_error}")
    return 0
