"""Library rows for the library model's tests: one `MovieRow` as a test writes it, and thousands of
varied ones (`synthetic`), as of `NOW`."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRow

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
IDENTIFIED = IdentificationStatus.IDENTIFIED


def movie(
    movie_id: int,
    title: str,
    year: int | None = 2000,
    *,
    status: IdentificationStatus = IDENTIFIED,
    enriched: datetime | None = None,
    incomplete: dict[str, datetime] | None = None,
    locked: int = 0,
    poster: str | None = None,
    monitored: bool = True,
) -> MovieRow:
    return MovieRow(movie_id, title, year, status, monitored, enriched, incomplete or {}, locked, poster)


def synthetic(count: int) -> list[MovieRow]:
    words = ("Star", "Night", "Lost", "City", "Blue", "King", "Love", "War", "Dark", "Day")
    rows = []
    for n in range(count):
        title = f"{words[n % 10]} {words[(n // 10) % 10]} {n}"
        rows.append(
            movie(
                n + 1,
                title,
                1950 + n % 75,
                enriched=NOW - timedelta(minutes=n) if n % 3 else None,
                incomplete={"omdb": NOW + timedelta(hours=1)} if n % 97 == 0 else None,
                locked=n % 5 == 0,
                status=IdentificationStatus.NEEDS_IDENTIFICATION if n % 89 == 0 else IDENTIFIED,
            )
        )
    return rows
