"""`enrich --all` streams its results: nothing but the summary is kept, whatever the library's size.

The service hands each result on in the order of the ids (even when they finish out of order) and
keeps none; the CLI writes them as they come, with --json as the very document `emit_json` writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from metarr_desktop.cli.common import json_text
from metarr_desktop.cli.main import run
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.enrichment import EnrichOptions
from metarr_desktop.services.enrichment import EnrichResult
from metarr_desktop.services.enrichment import Status
from metarr_desktop.services.library_suite import LibrarySuite
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import fake_registry
from tests.helpers.fake_services import services_on_fakes

MOVIES = 25


class Staggered(FakeServices):
    """Movies with an even TMDB id answer 5 simulated seconds late (they finish out of order)."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__()
        self.clock = clock

    async def handle(self, request: httpx.Request) -> httpx.Response:
        movie = request.url.params.get("id", "")
        if movie.isdigit() and int(movie) % 2 == 0:
            await self.clock.sleep(5)
        return await super().handle(request)


def add_movies(app: AppServices, count: int) -> list[int]:
    return [
        app.movies.add(
            f"Movie {n}", year=2000, ids=ExternalIds(tmdb=n), status=IdentificationStatus.IDENTIFIED
        ).id
        for n in range(1, count + 1)
    ]


async def test_results_are_handed_on_in_order_and_not_kept(tmp_path: Path) -> None:
    clock = VirtualClock()
    fake = Staggered(clock)
    async with services_on_fakes(tmp_path / "profile", fake, clock) as app:
        suite = LibrarySuite.create(app)
        ids = add_movies(app, MOVIES)
        handed: list[EnrichResult] = []
        report = await suite.enrichment.enrich_many(
            ids, EnrichOptions(), concurrency=4, on_result=handed.append
        )
        assert report.results == []  # nothing kept
        assert [r.movie_id for r in handed] == ids
        assert report.finished == MOVIES and report.count(Status.ENRICHED) == MOVIES
        assert report.summary()["enriched"] == MOVIES and not report.all_failed
        again: list[EnrichResult] = []
        cached = await suite.enrichment.enrich_many(
            ids, EnrichOptions(), concurrency=4, on_result=again.append
        )
        assert cached.cache_hits == sum(r.cache_hits for r in again) > 0
        assert cached.summary()["unchanged"] == MOVIES


@pytest.fixture
def library(data_dir: Path, fake_app: FakeServices) -> Path:
    app = AppServices.open(data_dir, transport=fake_app.transport, registry=fake_registry())
    try:
        add_movies(app, MOVIES)
    finally:
        app.database.close()
    return data_dir


def test_enrich_all_json_is_one_document_written_as_it_goes(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--data-dir", str(library), "enrich", "--all", "--json"]) == 0
    out = capsys.readouterr().out
    document = json.loads(out)
    assert out == json_text(document) + "\n"  # exactly what emit_json would have written
    assert [r["movie_id"] for r in document["results"]] == list(range(1, MOVIES + 1))
    assert document["summary"]["enriched"] == MOVIES and document["summary"]["total"] == MOVIES
    assert set(document["results"][0]) >= {"movie_id", "status", "changed_fields", "providers", "failed"}


def test_enrich_all_prints_one_line_per_movie_and_the_summary(
    library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["--data-dir", str(library), "enrich", "--all"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "status", "changed", "providers", "note"]
    assert len(lines) == 1 + MOVIES + 1 and lines[1].split()[:2] == ["1", "enriched"]
    assert lines[-1].startswith(f"{MOVIES} enriched, 0 unchanged")


def test_an_empty_library_is_still_one_document(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--data-dir", str(data_dir), "enrich", "--all", "--json"]) == 0
    out = capsys.readouterr().out
    document = json.loads(out)
    assert document["results"] == [] and out == json_text(document) + "\n"
