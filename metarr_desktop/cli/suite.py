"""Opening the library's services for one command: `open_suite(ctx)` yields a `LibrarySuite` over an
opened `AppServices` and closes it afterwards (the providers' state is saved, the clients closed).
A database failure inside the command (locked by another program, disk full, read-only) is a
`StoreError`, which `main` reports as a one-line environment error (exit code 1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from metarr_desktop.cli.common import CliContext
from metarr_desktop.cli.common import CliError
from metarr_desktop.cli.common import say
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.library_suite import LibrarySuite

#: Extra keyword arguments for `AppServices.open` (tests inject a clock or a keyring backend here).
OPEN_OPTIONS: dict[str, Any] = {}


@asynccontextmanager
async def open_suite(ctx: CliContext) -> AsyncIterator[LibrarySuite]:
    app = AppServices.open(ctx.data_dir, **OPEN_OPTIONS)
    try:
        for warning in app.warnings:
            say(f"metarr: warning: {warning}", err=True)
        yield LibrarySuite.create(app)
        # Players told about published changes finish before the command ends (what they could
        # not take stays queued for `metarr sync --pending`).
        await app.players.drain()
    finally:
        await app.aclose()


def require_movie(suite: LibrarySuite, movie_id: int) -> MovieRecord:
    """The movie, or a one-line usage error (exit code 2)."""
    record = suite.app.movies.get(movie_id)
    if record is None:
        raise CliError(f"unknown movie id {movie_id}")
    return record


def progress(message: str) -> None:
    """One progress line on stderr (never on stdout, which holds the JSON document)."""
    say(f"metarr: {message}", err=True)
