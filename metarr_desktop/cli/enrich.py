"""`metarr enrich (ID ... | --all)`: bring movies up to date from every provider.

Listed ids default to manual mode at user priority; ``--all`` to auto mode (unmonitored movies are
skipped) at background priority, and records the run as the daily schedule's (so that the window does
not catch it up again). Progress goes to stderr; Ctrl-C stops the run, keeps every movie already
finished and still prints the report (exit code 130). Exit code 1 when every movie failed.

``--preview`` writes no field: it prints the change set each movie would get (the answers fetched on
the way are cached), and for several movies a summary by field. A following ``enrich ID`` applies it
from the fresh cache; ``--cache-only`` guarantees no request at all (every provider's cached answer,
however old); ``--fields a,b`` writes only those fields.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from typing import Any

from metarr_desktop.cli.common import EXIT_FAILED, CliContext, CliError, emit_json, emit_table
from metarr_desktop.cli.suite import open_suite, progress, require_movie
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.preview import summarise
from metarr_desktop.core.providers import Priority
from metarr_desktop.services.enrichment import (
    DEFAULT_CONCURRENCY,
    EnrichOptions,
    EnrichReport,
    EnrichResult,
    Mode,
)

EXIT_INTERRUPTED = 130


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("enrich", help="fetch, merge and store metadata for movies")
    parser.add_argument("movie_ids", type=int, nargs="*", metavar="ID")
    parser.add_argument("--all", action="store_true", help="every movie of the library")
    parser.add_argument("--mode", choices=[m.value for m in Mode], help="auto skips unmonitored movies")
    parser.add_argument("--force", action="store_true", help="ignore the cache and ask every provider")
    parser.add_argument("--priority", choices=[p.value for p in Priority])
    parser.add_argument("--providers", metavar="a,b", help="ask only these providers")
    parser.add_argument(
        "--preview", action="store_true", help="show the changes and write no field (answers are cached)"
    )
    parser.add_argument("--fields", metavar="a,b", help="write (or preview) only these fields")
    parser.add_argument(
        "--cache-only", action="store_true", help="use cached answers however old; send no request"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help=f"movies enriched at once (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.set_defaults(handler=cmd_enrich)


class _Progress:
    """Prints one line per movie for small runs, otherwise at most one line every two seconds."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.every_movie = total <= 20
        self.last = 0.0

    def __call__(self, report: EnrichReport, result: EnrichResult) -> None:
        done = len(report.results)
        if self.every_movie:
            detail = f" ({result.error})" if result.error else ""
            progress(f"enrich {done}/{self.total}: movie {result.movie_id} {result.status.value}{detail}")
            return
        now = time.monotonic()
        if now - self.last >= 2.0 or done == self.total:
            self.last = now
            summary = report.summary()
            progress(
                f"enrich {done}/{self.total}: {summary['enriched']} enriched, {summary['unchanged']} "
                f"unchanged, {summary['skipped']} skipped, {summary['needs_identification']} need "
                f"identification, {summary['failed']} failed"
            )


def _fields(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in ALL_FIELDS]
    if unknown or not names:
        raise CliError(
            f"unknown field {', '.join(unknown) or '(none given)'} (fields: {', '.join(ALL_FIELDS)})"
        )
    return frozenset(names)


def _options(args: argparse.Namespace, providers: tuple[str, ...] | None) -> EnrichOptions:
    if args.all:
        mode, priority = Mode.AUTO, Priority.BACKGROUND
    else:
        mode, priority = Mode.MANUAL, Priority.USER
    return EnrichOptions(
        mode=Mode(args.mode) if args.mode else mode,
        priority=Priority(args.priority) if args.priority else priority,
        force=args.force,
        providers=providers,
        preview=args.preview,
        cache_only=args.cache_only,
        fields=_fields(args.fields),
    )


#: The per-result lists of provider ids (and of failures, by their "provider") in the JSON document.
PROVIDER_LISTS = ("providers", "cached", "rate_limited", "timed_out", "not_found")


def by_priority(priority: list[str]) -> Callable[[str], tuple[int, str]]:
    """A sort key putting provider ids in `priority` order (unknown ones last, by name)."""

    def rank(provider: str) -> tuple[int, str]:
        return (priority.index(provider) if provider in priority else len(priority), provider)

    return rank


def report_json(report: EnrichReport, priority: list[str]) -> dict[str, Any]:
    """The report as CONTRACT.md shows it, with each result's provider lists in the providers'
    priority order (the service lists them in the order they happened to finish, which varies from
    run to run; a fixed order lets scripts compare lists)."""
    rank = by_priority(priority)
    document = report.to_json()
    for result in document["results"]:
        for key in PROVIDER_LISTS:
            if key in result:
                result[key] = sorted(result[key], key=rank)
        result["failed"] = sorted(result["failed"], key=lambda failure: rank(failure["provider"]))
    return document


def _print(report: EnrichReport, priority: list[str]) -> None:
    rows: list[list[Any]] = []
    for result in report.results:
        changed = ", ".join(c.field for c in result.changes.changed_fields)
        note = result.error or (
            f"rate limited: {', '.join(result.rate_limited)}" if result.rate_limited else ""
        )
        asked = ",".join(sorted(result.providers, key=by_priority(priority)))
        rows.append([result.movie_id, result.status.value, changed or "-", asked, note])
    emit_table(["id", "status", "changed", "providers", "note"], rows)
    summary = report.summary()
    print(
        f"{summary['enriched']} enriched, {summary['unchanged']} unchanged, {summary['skipped']} skipped, "
        f"{summary['needs_identification']} need identification, {summary['failed']} failed; "
        f"{summary['network_requests']} requests, {summary['cache_hits']} cache hits, "
        f"{summary['duration_s']:.1f} s"
    )


async def cmd_enrich(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.all == bool(args.movie_ids):
        raise CliError("give movie ids or --all (not both)")
    if args.concurrency < 1:
        raise CliError("--concurrency must be at least 1")
    if args.cache_only and args.force:
        raise CliError("--cache-only and --force contradict each other")
    _fields(args.fields)
    providers: tuple[str, ...] | None = None
    if args.providers is not None:
        providers = tuple(dict.fromkeys(p.strip() for p in args.providers.split(",") if p.strip()))
        if not providers:
            raise CliError("--providers needs at least one provider id")
    report = EnrichReport()
    async with open_suite(ctx) as suite:
        if providers is not None:
            known = [r.id for r in suite.app.pool.all()]
            unknown = [p for p in providers if p not in known]
            if unknown:
                raise CliError(f"unknown provider {', '.join(unknown)} (known: {', '.join(known)})")
        options = _options(args, providers)
        priority = [r.id for r in suite.app.pool.all()]
        if args.all:
            ids = [m.id for m in await suite.library.all()]
        else:
            ids = list(dict.fromkeys(args.movie_ids))
            for movie_id in ids:
                require_movie(suite, movie_id)
        started = suite.app.clock.now()
        try:
            await suite.enrichment.enrich_many(
                ids,
                options,
                concurrency=args.concurrency,
                on_progress=_Progress(len(ids)),
                report=report,
            )
        except asyncio.CancelledError:
            report.interrupted = True
            progress(f"interrupted: {len(report.results)} of {len(ids)} movies were done and are kept")
        if args.all and not report.interrupted and not args.preview:
            suite.schedule.record_run(started)
    summary = summarise({r.movie_id: r.changes for r in report.results}) if args.preview else None
    if args.json:
        document = report_json(report, priority)
        if summary is not None:
            document["preview"] = summary.to_json()
        emit_json(document)
    else:
        _print(report, priority)
        if summary is not None:
            print(f"preview, nothing written: {summary.text()}")
    if report.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if report.all_failed else 0
