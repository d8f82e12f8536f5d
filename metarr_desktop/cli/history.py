"""`metarr history ID`: the enrichment log of a movie, newest first."""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import require_movie


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("history", help="the enrichment log of a movie, newest first")
    parser.add_argument("movie_id", type=positive_int, metavar="ID")
    parser.add_argument("--limit", type=positive_int, help="only the newest N entries")
    add_json_option(parser)
    parser.set_defaults(handler=cmd_history)


async def cmd_history(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.limit is not None and args.limit < 1:
        raise CliError("--limit must be at least 1")
    async with open_suite(ctx) as suite:
        require_movie(suite, args.movie_id)
        entries = suite.app.enrichment_log.for_entity("movie", args.movie_id, limit=args.limit)
    if args.json:
        emit_json([entry.to_json() for entry in entries])
        return 0
    emit_table(
        ["when", "mode", "providers", "changed", "player sync"],
        [
            [
                entry.enriched_at.isoformat(timespec="seconds"),
                entry.mode,
                ",".join(entry.providers),
                ", ".join(str(c.get("field")) for c in entry.changed_fields) or "-",
                entry.sync_reason or "",
            ]
            for entry in entries
        ],
    )
    return 0
