"""Set-ups of the library-files tests: a movie folder to publish into, the movie enriched in it, and
published once (the app over the sandbox comes from tests/publish/conftest.py's `suite`)."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from pathlib import Path

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.services.library_suite import LibrarySuite

#: `await suite_factory(image_transport=...)`: the app over the sandbox (tests/publish/conftest.py).
SuiteFactory = Callable[..., Awaitable[LibrarySuite]]


def movie_folder(root: Path, name: str = "Inception (2010)", video: str = "Inception.mkv") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / video).write_bytes(b"\x1a\x45\xdf\xa3 not really a film")
    return folder


async def enriched_movie(suite: LibrarySuite, folder: Path, *, imdb: str = "tt1375666") -> int:
    record = suite.library.add("Inception", year=2010, ids=ExternalIds(imdb=imdb), path=str(folder))
    result = await suite.enrichment.enrich(record.id)
    assert result.status.value == "enriched", result.error
    return record.id


async def published_movie(suite: LibrarySuite, root: Path) -> tuple[Path, int]:
    """Inception in its folder under `root`, enriched and published once: the folder and the movie's id."""
    folder = movie_folder(root)
    movie_id = await enriched_movie(suite, folder)
    await suite.app.publish.publish([movie_id])
    return folder, movie_id
