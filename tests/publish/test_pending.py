"""`publish --pending`: a movie stays pending from a change players must see until a publish of it
that did not fail, whatever refreshes come in between (the daily `enrich --all` then
`publish --pending` of a cron job must not lose a movie)."""

from __future__ import annotations

from pathlib import Path

from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.publish import MovieStatus
from tests.helpers.publishing import enriched_movie
from tests.helpers.publishing import movie_folder


async def test_a_refresh_that_changes_nothing_leaves_the_movie_pending(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    movie_id = await enriched_movie(suite, movie_folder(tmp_path / "lib"))
    assert suite.app.publish.pending() == [movie_id]

    again = await suite.enrichment.enrich(movie_id, EnrichOptions(force=True))

    assert again.status.value == "unchanged" and not again.changes.requires_player_sync
    assert suite.app.publish.pending() == [movie_id]
    await suite.app.publish.publish([movie_id])
    assert suite.app.publish.pending() == []
    await suite.enrichment.enrich(movie_id, EnrichOptions(force=True))
    assert suite.app.publish.pending() == []  # nothing new for the players since the publish


async def test_a_failed_publish_stays_pending(suite: LibrarySuite, tmp_path: Path) -> None:
    folder = movie_folder(tmp_path / "lib")
    movie_id = await enriched_movie(suite, folder)
    away = folder.rename(tmp_path / "away")

    failed = (await suite.app.publish.publish([movie_id])).results[0]
    assert failed.status is MovieStatus.FAILED
    assert suite.app.publish.pending() == [movie_id]
    failed = (await suite.app.publish.publish([movie_id])).results[0]  # and once more
    assert failed.status is MovieStatus.FAILED
    assert suite.app.publish.pending() == [movie_id]

    away.rename(folder)
    written = (await suite.app.publish.publish(suite.app.publish.pending())).results[0]
    assert written.status is MovieStatus.WRITTEN
    assert suite.app.publish.pending() == []


async def test_only_movies_with_a_change_for_players_are_pending(suite: LibrarySuite, tmp_path: Path) -> None:
    first = await enriched_movie(suite, movie_folder(tmp_path / "a"))
    second = await enriched_movie(suite, movie_folder(tmp_path / "b"), imdb="tt0133093")
    never = suite.library.add("Never enriched", year=2001, path=str(movie_folder(tmp_path / "c"))).id
    await suite.app.publish.publish([first, never])
    assert suite.app.publish.pending() == [second]
