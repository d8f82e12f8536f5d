"""Database files that cannot be used, as a user's profile may hold them: random bytes, and a real
database of ours cut short (the first 50 KB of a copy)."""

from __future__ import annotations

import random
from pathlib import Path

from metarr_desktop.store.database import Database
from metarr_desktop.store.models import Movie


def random_bytes(path: Path) -> None:
    """64 KB of random bytes where the database should be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(7).randbytes(64 * 1024))


def truncated_database(path: Path) -> None:
    """The first 50 KB of a real database of ours, with 300 movies in it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    whole = path.with_name("whole.sqlite3")
    database = Database.open(whole)
    for number in range(300):
        Movie.create(title=f"Movie {number} " + "x" * 200, created_at="x", updated_at="x")
    database.close()
    path.write_bytes(whole.read_bytes()[:50_000])
    whole.unlink()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of `folder` with its bytes: a profile left exactly as it was compares equal."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
