"""`metarr show ID`: a movie's fields with their sources and locks, its ratings, enrichment state and
latest identification decision (with its `why`)."""

from __future__ import annotations

import argparse
from typing import Any

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import say
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import require_movie
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.merge import ratings


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("show", help="a movie's fields, sources, locks and ratings")
    parser.add_argument("movie_id", type=positive_int, metavar="ID")
    add_json_option(parser)
    parser.set_defaults(handler=cmd_show)


async def cmd_show(args: argparse.Namespace, ctx: CliContext) -> int:
    async with open_suite(ctx) as suite:
        movie = require_movie(suite, args.movie_id)
        sources = suite.app.movies.field_sources(movie.id)
        locked = suite.app.movies.locked_fields(movie.id)
    fields: dict[str, dict[str, Any]] = {}
    for name in ALL_FIELDS:
        source = sources.get(name)
        fields[name] = {
            "value": movie.fields.get(name),
            "source": source.provider if source else None,
            "locked": name in locked,
        }
    document: dict[str, Any] = {
        "id": movie.id,
        "title": movie.title,
        "year": movie.year,
        "ids": movie.ids.to_json(),
        "status": movie.status.value,
        "monitored": movie.monitored,
        "path": movie.path,
        "fields": fields,
        "ratings": ratings(movie.fields),
        "last_enriched_at": movie.last_enriched_at.isoformat() if movie.last_enriched_at else None,
        "last_enriched_providers": list(movie.last_enriched_providers),
        "incomplete_providers": {p: t.isoformat() for p, t in movie.incomplete_providers.items()},
        "identification": movie.identification.to_json() if movie.identification else None,
    }
    if args.json:
        emit_json(document)
        return 0
    say(f"{movie.title}" + (f" ({movie.year})" if movie.year else "") + f"  [{movie.status.value}]")
    rows = []
    for name, entry in fields.items():
        if entry["value"] is None and not entry["locked"]:
            continue
        value = entry["value"]
        text = (
            ", ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
            if isinstance(value, list)
            else str(value)
        )
        rows.append([name, text[:80], entry["source"] or "", "locked" if entry["locked"] else ""])
    emit_table(["field", "value", "source", ""], rows)
    for rating in ratings(movie.fields):
        votes = f" ({rating['votes']} votes)" if rating["votes"] else ""
        say(f"rating {rating['source']}: {rating['value']}{votes}")
    say(
        f"last enriched: {document['last_enriched_at'] or 'never'} "
        f"from {', '.join(movie.last_enriched_providers) or '-'}"
    )
    decision = movie.identification
    if decision is not None:
        rule = decision.why.get("rule")
        outcome = decision.status + (f" ({decision.reason})" if decision.reason else "")
        when = decision.decided_at.isoformat() if decision.decided_at else "-"
        say(f"identification: {outcome} at {when}" + (f": {rule}" if rule else ""))
    return 0
