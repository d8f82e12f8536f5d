"""`metarr identify ID [--select PROVIDER:ID]`: automated identification, or the user's choice.

`--select` takes an id kind or a provider: ``tmdb:27205``, ``imdb:tt1375666``, ``tvdb:81189``, and
``omdb:tt1375666`` (OMDb's ids are IMDb ids) or ``fanart:27205`` / ``fanart:tt1375666`` (fanart.tv
knows films by their TMDB or IMDb id). When the identification could not be made (no provider could
answer, or none knows the chosen id) nothing is changed, the reason is one line on stderr, the exit
code is 1, and ``--json`` still prints one document: the movie as it stands (its unchanged ``ids``;
``status`` in identify's own terms, ``identified`` or ``needs_identification``, never the library's
``unidentified``), the ``reason`` (``failed`` when no provider could answer, ``not_found``,
``locked``), no candidates, the providers that ``failed`` and the ``error``.

A choice that would change a locked id (``metarr lock ID tmdb_id``) is refused the same way (exit 1,
nothing changed), with the command that unlocks it. After a choice is committed the movie is
enriched at once from the answers the look-up fetched (they are in the cache: no second request), so
``show`` has its fields and its last refresh; ``--json`` then also has ``"enrichment"`` (the
`metarr enrich` result of that movie). Every document has a ``"why"``: how the decision was made.
"""

from __future__ import annotations

import argparse
from typing import Any

from metarr_desktop.cli.common import EXIT_FAILED
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import say
from metarr_desktop.cli.common import selected_id
from metarr_desktop.cli.common import terminal_text
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import require_movie
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.identification import LockedIdError
from metarr_desktop.services.identification import SelectionError
from metarr_desktop.services.identification import SelectionNotFoundError


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("identify", help="work out which film a library movie is")
    parser.add_argument("movie_id", type=positive_int, metavar="ID")
    parser.add_argument(
        "--select",
        metavar="PROVIDER:ID",
        type=selected_id,
        help="the user's choice, e.g. tmdb:27205, imdb:tt1375666, omdb:tt1375666 or tvdb:81189",
    )
    add_json_option(parser)
    parser.set_defaults(handler=cmd_identify)


def selection(choice: str) -> str:
    """`choice` with a provider name turned into the id kind that provider's ids are."""
    provider, sep, value = choice.partition(":")
    provider = provider.strip().lower()
    value = value.strip()
    if not sep or not value:
        return choice
    if provider == "omdb":
        return f"imdb:{value}"
    if provider == "fanart":
        return f"{'imdb' if value.lower().startswith('tt') else 'tmdb'}:{value}"
    return choice


def failure_json(
    movie: MovieRecord, message: str, failures: list[FailedProvider], reason: str | None
) -> dict[str, Any]:
    """The `--json` document of an identification that could not be made (nothing was changed).
    Its status is one identify prints (CONTRACT.md): a movie that is not identified still needs
    identification, whether or not it was ever tried."""
    identified = movie.status is IdentificationStatus.IDENTIFIED
    status = IdentificationStatus.IDENTIFIED if identified else IdentificationStatus.NEEDS_IDENTIFICATION
    return {
        "movie_id": movie.id,
        "status": status.value,
        "reason": reason,
        "ids": movie.ids.to_json(),
        "candidates": [],
        "failed": [f.to_json() for f in failures],
        "error": message,
        "why": {"outcome": "failed", "rule": message},
    }


async def cmd_identify(args: argparse.Namespace, ctx: CliContext) -> int:
    enrichment: EnrichResult | None = None
    async with open_suite(ctx) as suite:
        movie = require_movie(suite, args.movie_id)
        try:
            if args.select is not None:
                result = await suite.identification.select(args.movie_id, selection(args.select))
                # Finish the job from the answers just fetched (fresh in the cache: no request).
                enrichment = await suite.enrichment.enrich(args.movie_id, EnrichOptions(mode=Mode.MANUAL))
            else:
                result = await suite.identification.identify(args.movie_id)
        except SelectionError as exc:
            raise CliError(str(exc)) from exc
        except LockedIdError as exc:
            if args.json:
                emit_json(failure_json(movie, str(exc), [], "locked"))
            raise CliError(str(exc), EXIT_FAILED) from exc
        except SelectionNotFoundError as exc:
            if args.json:
                emit_json(failure_json(movie, str(exc), [], "not_found"))
            raise CliError(str(exc), EXIT_FAILED) from exc
        except IdentificationError as exc:
            details = "; ".join(f"{f.provider}: {f.error}" for f in exc.failures)
            message = f"{exc.message}; nothing was changed ({details})"
            if args.json:
                emit_json(failure_json(movie, message, exc.failures, "failed"))
            raise CliError(message, EXIT_FAILED) from exc
    if args.json:
        document = result.to_json()
        if enrichment is not None:
            document["enrichment"] = enrichment.to_json()
        emit_json(document)
        return 0
    ids = ", ".join(f"{kind.value} {value}" for kind, value in result.ids.known().items()) or "none"
    rule = result.why.get("rule")
    if result.identified:
        say(f"movie {result.movie_id}: identified ({ids})" + (f": {rule}" if rule else ""))
        if enrichment is not None:
            changed = len(enrichment.changes.changed_fields)
            say(f"movie {result.movie_id}: {enrichment.status.value}, {changed} fields changed")
    else:
        say(f"movie {result.movie_id}: needs identification ({result.reason}); ids: {ids}")
        if rule:
            say(f"  why: {terminal_text(str(rule))}")
        runner_up = result.why.get("runner_up")
        if isinstance(runner_up, dict) and runner_up.get("lost_because"):
            say(f"  runner-up: {terminal_text(str(runner_up['lost_because']))}")
        for candidate in result.candidates[:10]:
            known = candidate.external_ids
            choice = f"tmdb:{known.tmdb}" if known.tmdb else f"imdb:{known.imdb}" if known.imdb else "?"
            facts = [str(candidate.year)] if candidate.year else []
            facts += [f"{candidate.runtime} min"] if candidate.runtime else []
            facts += [candidate.director] if candidate.director else []
            facts += ["TV film"] if candidate.tv_film else []
            extra = f" ({', '.join(facts)})" if facts else ""
            shown = terminal_text(candidate.title + extra)
            say(f"  {candidate.confidence:5.1f}  {shown}  --select {choice}")
    return 0
