"""The Qt-free presenters of the inspector, the preview dialogs and the undo button, over the real
services and the fake providers (no widget is made)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from metarr_desktop.core.changes import ChangeSet
from metarr_desktop.core.changes import FieldChange
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.preview import change_set
from metarr_desktop.core.preview import summarise
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.preview import BulkPreview
from metarr_desktop.ui.inspect.presenter import InspectorPresenter
from metarr_desktop.ui.preview.presenter import BulkPreviewPresenter
from metarr_desktop.ui.preview.presenter import PreviewPresenter
from metarr_desktop.ui.undo.presenter import UndoPresenter
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import services_on_fakes
from tests.helpers.library_suite import MATRIX

NAMES = {"tmdb": "TMDB", "omdb": "OMDb", "tvdb": "TheTVDB", "fanart": "fanart.tv"}


@pytest.fixture
def fake() -> FakeServices:
    return FakeServices()


@pytest.fixture
async def suite(tmp_path: Path, fake: FakeServices) -> AsyncIterator[LibrarySuite]:
    async with services_on_fakes(tmp_path / "profile", fake, VirtualClock()) as app:
        yield LibrarySuite.create(app)


async def test_the_inspector_presenter_names_rows_rules_and_actions(suite: LibrarySuite) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    await suite.enrichment.enrich(movie.id)
    presenter = InspectorPresenter(suite.inspect, movie.id, "plot", names=NAMES, now=suite.app.clock.now)
    presenter.load()
    assert presenter.title == "Plot: where its value comes from"
    assert presenter.rule_line() == "Rule: authority: TMDB > OMDb"
    assert presenter.chosen_text() == "Plot of 603 from tmdb  (TMDB)"
    assert [r.name for r in presenter.rows] == ["TMDB", "OMDb", "TheTVDB", "fanart.tv"]
    assert (
        presenter.rows[0].verdict == "Chosen" and presenter.rows[1].why == "Ranked below TMDB for this field."
    )
    assert presenter.rows[0].fetched == "just now"
    assert presenter.can_use(1) and not presenter.can_prefer(0) and presenter.can_prefer(1)
    assert presenter.pending() == ""

    text = presenter.use(1)
    assert text == "Plot now holds OMDb's value, and is locked so that no refresh changes it."
    assert presenter.rule_line() == "Rule: locked" and not presenter.can_use(
        next(i for i, r in enumerate(presenter.rows) if r.provider == "omdb")
    )
    text = presenter.prefer(next(i for i, r in enumerate(presenter.rows) if r.provider == "tvdb"))
    assert text.startswith("Field authority changed: Plot now comes from TheTVDB first, then TMDB, OMDb")


async def test_the_preview_presenter_accepts_the_ticked_fields_without_a_request(
    suite: LibrarySuite, fake: FakeServices
) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    result = await suite.preview.preview(movie.id)
    presenter = PreviewPresenter(suite.preview, result, title="The Matrix", names=NAMES)
    assert presenter.heading().startswith("A refresh of The Matrix would change ")
    assert [r.field for r in presenter.rows][:3] == ["title", "plot", "genres"]
    plot = presenter.rows[1]
    assert (plot.old, plot.new, plot.source_name) == ("(empty)", "Plot of 603 from tmdb", "TMDB")
    assert presenter.sync_note().startswith("A media player showing this movie would need to resync it")
    presenter.set_all(False)
    assert not presenter.can_accept()
    presenter.set_checked("genres", True)
    sent = fake.count()
    text = await presenter.accept()
    assert fake.count() == sent
    assert text == "Applied 1 field from the cache (no new request)."
    assert suite.app.movies.require(movie.id).fields["genres"] == ["Drama"]
    assert "plot" not in suite.app.movies.require(movie.id).fields
    assert presenter.discard() == "Preview of The Matrix discarded: nothing was changed."


async def test_the_bulk_presenter_leaves_fields_out_across_movies(
    suite: LibrarySuite, fake: FakeServices
) -> None:
    ids = [
        suite.library.add("The Matrix", year=1999, ids=MATRIX).id,
        suite.library.add("Inception", year=2010, ids=ExternalIds(tmdb=27205)).id,
    ]
    bulk = await suite.preview.preview_many(ids)
    presenter = BulkPreviewPresenter(suite.preview, bulk, titles={ids[0]: "The Matrix", ids[1]: "Inception"})
    assert presenter.summary_text() == "Previewed 2 movies. Would change Title: 2 movies, Plot: 2, Genres: 2."
    assert [r.title for r in presenter.movie_rows] == ["The Matrix", "Inception"]
    presenter.set_included("title", False)
    presenter.set_included("genres", False)
    assert presenter.included() == ["plot"] and presenter.movies() == ids
    assert presenter.accept_text() == "Accepting writes 1 field to 2 movies, from the cache."
    sent = fake.count()
    assert await presenter.accept() == "Applied the preview to 2 movies from the cache (no new request)."
    assert fake.count() == sent
    assert suite.app.movies.require(ids[1]).fields["title"] == "Inception"


def _changes(*fields: str) -> ChangeSet:
    return change_set(FieldChange(name, None, f"new {name}", "tmdb") for name in fields)


async def test_the_preview_s_sync_note_names_the_fields_by_their_labels(suite: LibrarySuite) -> None:
    result = EnrichResult(1, Status.ENRICHED, changes=_changes("plot", "tagline", "release_date", "poster"))
    presenter = PreviewPresenter(suite.preview, result, title="Inception", names=NAMES)
    assert presenter.sync_note() == (
        "A media player showing this movie would need to resync it (Changed: Plot, Release date, Poster)."
    )
    assert result.changes.sync_reason == "Changed: plot, release_date, poster"  # stored and printed as is


def _bulk(suite: LibrarySuite, fields_by_movie: dict[int, tuple[str, ...]]) -> BulkPreviewPresenter:
    changes = {movie_id: _changes(*fields) for movie_id, fields in fields_by_movie.items()}
    report = EnrichReport(results=[EnrichResult(m, Status.ENRICHED, changes=c) for m, c in changes.items()])
    bulk = BulkPreview(report, summarise(changes))
    return BulkPreviewPresenter(suite.preview, bulk, titles={m: f"Movie {m}" for m in changes})


async def test_the_bulk_summary_counts_in_the_singular_and_the_plural(suite: LibrarySuite) -> None:
    seven = ("title", "plot", "outline", "tagline", "collection", "poster", "clearart")
    presenter = _bulk(suite, {1: seven, 2: seven[1:]})
    assert presenter.summary_text() == (
        "Previewed 2 movies. Would change Title: 1 movie, Plot: 2, Outline: 2, Tagline: 2, Collection: 2, "
        "Poster: 2, and 1 more field."
    )
    presenter = _bulk(suite, {1: (*seven, "runtime"), 2: seven})
    assert presenter.summary_text().endswith(
        "Title: 2 movies, Plot: 2, Outline: 2, Tagline: 2, Runtime: 1, Collection: 2, and 2 more fields."
    )


async def test_the_undo_presenter_follows_the_history(suite: LibrarySuite) -> None:
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX)
    await suite.enrichment.enrich(movie.id)
    presenter = UndoPresenter(suite.undo)
    presenter.show(movie.id, suite.library.movie_detail(movie.id).history)
    assert presenter.enabled and "(Title, Plot, Genres)" in presenter.tooltip()
    text = await presenter.undo()
    assert text.startswith("Undid the refresh of ") and "restored Title, Plot, Genres (locked" in text
    presenter.show(movie.id, suite.library.movie_detail(movie.id).history)
    assert not presenter.enabled and presenter.tooltip().startswith("Nothing to undo")
    assert (await presenter.undo()).startswith("Nothing left to undo")


def _movie_folder(root: Path) -> Path:
    folder = root / "The Matrix (1999)"
    folder.mkdir(parents=True)
    (folder / "The Matrix.mkv").write_bytes(b"\x1a\x45\xdf\xa3")
    return folder


async def test_the_preview_presenter_shows_the_nfo_diff_of_the_ticked_fields_once_published(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder = _movie_folder(tmp_path / "lib")
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX, path=str(folder))
    publish = suite.app.publish
    nfo_only = replace(publish.options(), artwork=(), extrafanart=0)
    await publish.publish_one(movie.id, options=nfo_only)  # the NFO Metarr wrote before the refresh
    on_disk = (folder / "The Matrix.nfo").read_bytes()
    result = await suite.preview.preview(movie.id)
    presenter = PreviewPresenter(suite.preview, result, title="The Matrix", names=NAMES, publish=publish)
    assert presenter.shows_nfo()  # published, although publishing is off

    diff = await presenter.nfo_diff()
    assert diff.startswith("--- The Matrix.nfo (on disk)\n+++ The Matrix.nfo (Metarr)\n")
    assert "+  <plot>Plot of 603 from tmdb</plot>" in diff
    presenter.set_checked("plot", False)
    assert "<plot>" not in await presenter.nfo_diff()
    presenter.set_all(False)
    assert "would not change" in await presenter.nfo_diff()
    assert (folder / "The Matrix.nfo").read_bytes() == on_disk  # a preview writes nothing
    assert sorted(p.name for p in folder.iterdir()) == ["The Matrix.mkv", "The Matrix.nfo"]


async def test_the_nfo_diff_is_shown_only_when_the_files_are_published_or_publishing_is_on(
    suite: LibrarySuite, tmp_path: Path
) -> None:
    folder = _movie_folder(tmp_path / "lib")
    movie = suite.library.add("The Matrix", year=1999, ids=MATRIX, path=str(folder))
    result = await suite.preview.preview(movie.id)
    presenter = PreviewPresenter(
        suite.preview, result, title="The Matrix", names=NAMES, publish=suite.app.publish
    )
    assert not presenter.shows_nfo()
    assert not PreviewPresenter(suite.preview, result, title="The Matrix", names=NAMES).shows_nfo()
    suite.app.user_settings.set("publish.enabled", True)
    assert presenter.shows_nfo()
    diff = await presenter.nfo_diff()
    assert diff.startswith("--- The Matrix.nfo (on disk)") and "+  <plot>Plot of 603 from tmdb</plot>" in diff
    assert sorted(p.name for p in folder.iterdir()) == ["The Matrix.mkv"]
