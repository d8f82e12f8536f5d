"""`metarr search QUERY [--year Y]`: candidates from every provider that can search (never cached).

When no provider could search, the reason is one line on stderr and the exit code 1; ``--json``
still prints one document then: an empty list.
"""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import EXIT_FAILED
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.common import year_number
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.services.identification import SelectionError

#: The years `--year` accepts (those `library add --year` accepts); anything else is bad input.
PLAUSIBLE_YEARS = range(1870, 2201)


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("search", help="search every provider for a title (never cached)")
    parser.add_argument("query", metavar="QUERY")
    parser.add_argument("--year", type=year_number)
    add_json_option(parser)
    parser.set_defaults(handler=cmd_search)


async def cmd_search(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.year is not None and args.year not in PLAUSIBLE_YEARS:
        raise CliError(f"not a plausible year: {args.year}")
    async with open_suite(ctx) as suite:
        try:
            outcome = await suite.identification.search(args.query, args.year)
        except SelectionError as exc:
            raise CliError(str(exc)) from exc
        except IdentificationError as exc:
            details = "; ".join(f"{f.provider}: {f.error}" for f in exc.failures)
            if args.json:
                emit_json([])
            raise CliError(f"{exc.message} ({details})", EXIT_FAILED) from exc
    if args.json:
        emit_json([c.to_json() for c in outcome.candidates])
        return 0
    emit_table(
        ["confidence", "title", "year", "tmdb", "imdb", "providers"],
        [
            [
                round(c.confidence, 1),
                c.title,
                c.year,
                c.external_ids.tmdb,
                c.external_ids.imdb,
                ",".join(c.providers),
            ]
            for c in outcome.candidates
        ],
    )
    return 0
