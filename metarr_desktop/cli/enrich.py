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
import sys
import textwrap
import time
from collections.abc import Callable
from typing import Any

from metarr_desktop.cli.common import EXIT_FAILED
from metarr_desktop.cli.common import EXIT_INTERRUPTED
from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import SubCommands
from metarr_desktop.cli.common import add_json_option
from metarr_desktop.cli.common import emit_json
from metarr_desktop.cli.common import emit_table
from metarr_desktop.cli.common import json_text
from metarr_desktop.cli.common import positive_int
from metarr_desktop.cli.common import say
from metarr_desktop.cli.common import terminal_text
from metarr_desktop.cli.suite import open_suite
from metarr_desktop.cli.suite import progress
from metarr_desktop.cli.suite import require_movie
from metarr_desktop.core.fields import ALL_FIELDS
from metarr_desktop.core.preview import summarise
from metarr_desktop.core.providers import Priority
from metarr_desktop.services.enrichment import DEFAULT_CONCURRENCY
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Mode
from metarr_desktop.services.library_suite import LibrarySuite


def register(commands: SubCommands) -> None:
    parser = commands.add_parser("enrich", help="fetch, merge and store metadata for movies")
    parser.add_argument("movie_ids", type=positive_int, nargs="*", metavar="ID")
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
        type=positive_int,
        default=DEFAULT_CONCURRENCY,
        help=f"movies enriched at once (default {DEFAULT_CONCURRENCY})",
    )
    add_json_option(parser)
    parser.set_defaults(handler=cmd_enrich)


class _Progress:
    """Prints one line per movie for small runs, otherwise at most one line every two seconds."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.every_movie = total <= 20
        self.last = 0.0

    def __call__(self, report: EnrichReport, result: EnrichResult) -> None:
        done = report.finished
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


async def _nfo_diffs(suite: LibrarySuite, report: EnrichReport) -> dict[int, str | None]:
    """Each previewed movie's NFO diff (its NFO on disk against the one Metarr would write after
    applying the preview); None when its files are not published and publishing is off, or when the
    NFO would not be written (a file the user changed). A dry run of the NFO alone: cheap."""
    publish = suite.app.publish
    diffs: dict[int, str | None] = {}
    for result in report.results:
        diffs[result.movie_id] = None
        changes = result.changes.changed_fields
        if not changes or not (publish.enabled or publish.has_published(result.movie_id)):
            continue
        planned = await publish.nfo_preview(result.movie_id, {c.field: c.new for c in changes})
        diffs[result.movie_id] = planned.diff
    return diffs


def report_json(report: EnrichReport, priority: list[str]) -> dict[str, Any]:
    """The report as CONTRACT.md shows it, with each result's provider lists in the providers'
    priority order (the service lists them in the order they happened to finish, which varies from
    run to run; a fixed order lets scripts compare lists)."""
    document = report.to_json()
    document["results"] = [result_json(result, priority) for result in report.results]
    return document


def result_json(result: EnrichResult, priority: list[str]) -> dict[str, Any]:
    """One result of the report's ``results``, its provider lists in priority order."""
    rank = by_priority(priority)
    document = result.to_json()
    for key in PROVIDER_LISTS:
        if key in document:
            document[key] = sorted(document[key], key=rank)
    document["failed"] = sorted(document["failed"], key=lambda failure: rank(failure["provider"]))
    document["skipped"] = sorted(document["skipped"], key=lambda skip: rank(skip["provider"]))
    return document


HEADERS = ["id", "status", "changed", "providers", "note"]


def _unanswered(result: EnrichResult, priority: list[str]) -> list[str]:
    """Every provider that did not answer and why, in priority order: "tmdb: failed (invalid API
    key)", "tvdb: timed out", "omdb: rate limited until 2026-12-04T05:00:00+00:00"."""
    why: dict[str, str] = {f.provider: f"failed ({f.error})" for f in result.failed}
    why.update({provider: "timed out" for provider in result.timed_out})
    why.update({provider: "rate limited" for provider in result.rate_limited})
    for skip in result.skipped:  # the reason a refused provider was not asked, and until when
        until = f" until {skip.until.isoformat(timespec='seconds')}" if skip.until else ""
        why[skip.provider] = skip.reason.value.replace("_", " ") + until
    return [f"{provider}: {why[provider]}" for provider in sorted(why, key=by_priority(priority))]


def _row(result: EnrichResult, priority: list[str]) -> list[Any]:
    changed = ", ".join(c.field for c in result.changes.changed_fields)
    unanswered = _unanswered(result, priority)
    note = "; ".join([result.error, *unanswered] if result.error else unanswered)
    asked = ",".join(sorted(result.providers, key=by_priority(priority)))
    return [result.movie_id, result.status.value, changed or "-", asked, note]


class _Streamed:
    """`enrich --all`'s output, written as each movie finishes so that nothing but the summary is
    kept: with --json the one JSON document (the same as `emit_json` writes, its ``results``
    array written item by item), otherwise one line per movie."""

    WIDTHS = (7, 20)  # id, status: the other columns are as long as they are

    def __init__(self, priority: list[str], as_json: bool) -> None:
        self.priority = priority
        self.as_json = as_json
        self.written = 0

    def __call__(self, result: EnrichResult) -> None:
        if self.as_json:
            text = json_text(result_json(result, self.priority))
            head = '{\n  "results": [\n' if self.written == 0 else ",\n"
            sys.stdout.write(head + textwrap.indent(text, "    "))
        else:
            if self.written == 0:
                say(self._line(HEADERS))
            say(self._line(_row(result, self.priority)))
        self.written += 1

    def _line(self, cells: list[Any]) -> str:
        texts = [terminal_text("" if c is None else c, newlines=False) for c in cells]
        widths = [*self.WIDTHS, *(0 for _ in texts[len(self.WIDTHS) :])]
        return "  ".join(t.ljust(w) for t, w in zip(texts, widths, strict=True)).rstrip()

    def finish(self, report: EnrichReport) -> None:
        if self.as_json:
            head = '{\n  "results": [' if self.written == 0 else "\n  "
            summary = json_text(report.summary()).replace("\n", "\n  ")
            sys.stdout.write(f'{head}],\n  "summary": {summary}\n}}\n')
        else:
            _print_summary(report)


def _print(report: EnrichReport, priority: list[str]) -> None:
    emit_table(HEADERS, [_row(result, priority) for result in report.results])
    _print_summary(report)


def _print_summary(report: EnrichReport) -> None:
    summary = report.summary()
    say(
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
        # A preview keeps every result for its summary; a real --all run streams them.
        streamed = _Streamed(priority, args.json) if args.all and not args.preview else None
        if args.all:
            ids = await suite.app.movies.ids_async()  # only the ids: a large library is not read whole
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
                on_result=streamed,
            )
        except asyncio.CancelledError:
            report.interrupted = True
            progress(f"interrupted: {report.finished} of {len(ids)} movies were done and are kept")
        if args.all and not report.interrupted and not args.preview:
            suite.schedule.record_run(started)
        nfo_diffs = await _nfo_diffs(suite, report) if args.preview and args.json and not args.all else {}
    summary = summarise({r.movie_id: r.changes for r in report.results}) if args.preview else None
    if streamed is not None:
        streamed.finish(report)
    elif args.json:
        document = report_json(report, priority)
        for result in document["results"]:
            if result["movie_id"] in nfo_diffs:
                result["nfo_diff"] = nfo_diffs[result["movie_id"]]
        if summary is not None:
            document["preview"] = summary.to_json()
        emit_json(document)
    else:
        _print(report, priority)
        if summary is not None:
            say(f"preview, nothing written: {summary.text()}")
    if report.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if report.all_failed else 0
