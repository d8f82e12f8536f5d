"""`metarr sync (ID ... | --pending) [--json]`: tell the players about these movies, or work off
everything they are owed (for cron). Exit 1 when a sync failed; ``deferred`` (a player is playing)
is not a failure: it stays queued for the next run."""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import EXIT_FAILED
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import say
from metarr_desktop.cli.common import uses_services


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("sync", help="tell the media players about changed movies")
    parser.add_argument(
        "ids", metavar="ID", type=positive_int, nargs="*", help="movie ids (see `metarr library list`)"
    )
    parser.add_argument("--pending", action="store_true", help="everything the players are owed")
    add_json_option(parser)
    parser.set_defaults(handler=cmd_sync)


@uses_services
async def cmd_sync(args: argparse.Namespace, ctx: CliContext) -> int:
    if bool(args.ids) == bool(args.pending):
        raise CliError("give movie ids or --pending (not both)")
    players = ctx.services.players
    if args.pending:
        report = await players.sync_pending()
    else:
        ids = list(args.ids)
        for movie_id in ids:
            if ctx.services.movies.get(movie_id) is None:
                raise CliError(f"there is no movie {movie_id} (see `metarr library list`)")
        report = await players.sync(ids)
    if args.json:
        emit_json(report.to_json())
    elif report.results:
        emit_table(
            ["movie", "player", "action", "error"],
            [[r.movie_id, r.player, r.action.value, r.error or ""] for r in report.results],
        )
    else:
        say("nothing to sync")
    return EXIT_FAILED if report.failed else 0
