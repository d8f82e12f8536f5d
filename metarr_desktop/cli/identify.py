"""`metarr identify ID [--select PROVIDER:ID]`: automated identification, or the user's choice."""

from __future__ import annotations

import argparse

from metarr_desktop.cli.common import EXIT_FAILED, CliContext, CliError, emit_json
from metarr_desktop.cli.suite import open_suite, require_movie
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.services.identification import SelectionError, SelectionNotFoundError


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("identify", help="work out which film a library movie is")
    parser.add_argument("movie_id", type=int, metavar="ID")
    parser.add_argument(
        "--select",
        metavar="PROVIDER:ID",
        help="the user's choice, e.g. tmdb:27205, imdb:tt1375666 or tvdb:81189",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.set_defaults(handler=cmd_identify)


async def cmd_identify(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        require_movie(suite, args.movie_id)
        try:
            if args.select is not None:
                result = await suite.identification.select(args.movie_id, args.select)
            else:
                result = await suite.identification.identify(args.movie_id)
        except SelectionError as exc:
            raise CliError(str(exc)) from exc
        except SelectionNotFoundError as exc:
            raise CliError(str(exc), EXIT_FAILED) from exc
        except IdentificationError as exc:
            details = "; ".join(f"{f.provider}: {f.error}" for f in exc.failures)
            raise CliError(f"{exc.message}; nothing was changed ({details})", EXIT_FAILED) from exc
    if args.json:
        emit_json(result.to_json())
        return 0
    ids = ", ".join(f"{kind.value} {value}" for kind, value in result.ids.known().items()) or "none"
    if result.identified:
        print(f"movie {result.movie_id}: identified ({ids})")
    else:
        print(f"movie {result.movie_id}: needs identification ({result.reason}); ids: {ids}")
        for candidate in result.candidates[:10]:
            known = candidate.external_ids
            choice = f"tmdb:{known.tmdb}" if known.tmdb else f"imdb:{known.imdb}" if known.imdb else "?"
            year = f" ({candidate.year})" if candidate.year else ""
            print(f"  {candidate.confidence:5.1f}  {candidate.title}{year}  --select {choice}")
    return 0
