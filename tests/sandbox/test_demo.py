"""The window's demo mode: a temporary profile pointed at the in-process sandbox and demo players."""

from __future__ import annotations

from pathlib import Path

from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.sandbox.demo import DEMO_KEYS
from metarr_desktop.sandbox.demo import DemoSetup
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.publish.files import Action


async def test_the_demo_profile_talks_to_the_sandbox_and_is_deleted_at_the_end() -> None:
    demo = DemoSetup()
    try:
        demo.start_server()
        assert set(demo.urls) == set(DEMO_KEYS)
        assert all(url.startswith("http://127.0.0.1:") for url in demo.urls.values())
        services = demo.open_services()
        try:
            await demo.configure(services)
            for view in services.providers.all():
                if view.id in demo.urls:
                    assert view.config.base_url == demo.urls[view.id] and view.has_api_key
            titles = [m.title for m in services.movies.all()]
            assert titles == [t for t, _ in (*DemoSetup.MOVIES, *DemoSetup.BY_NAME)]
            assert {p.kind for p in services.players.all()} == {"kodi", "jellyfin"}
        finally:
            await services.aclose()
    finally:
        demo.stop()
    assert not demo.data_dir.exists()


async def test_the_demo_writes_its_artwork_from_the_sandbox(tmp_path: Path) -> None:
    """Write files in the demo downloads every picture from the sandbox, never from the real image
    hosts (which an offline machine cannot reach and the demo must not ask)."""
    demo = DemoSetup()
    try:
        demo.start_server()
        services = demo.open_services()
        try:
            await demo.configure(services)
            services.user_settings.set("publish.extrafanart", 0)
            folder = tmp_path / "Inception (2010)"
            folder.mkdir()
            (folder / "Inception.mkv").write_bytes(b"not really a film")
            suite = LibrarySuite.create(services)
            ids = ExternalIds(imdb="tt1375666")
            movie = suite.library.add("Inception", year=2010, ids=ids, path=str(folder))
            assert (await suite.enrichment.enrich(movie.id)).status.value == "enriched"
            report = await services.publish.publish([movie.id])
            files = report.results[0].files
            assert [f.path for f in files if f.action is not Action.CREATED] == [], report.to_json()
            assert any(f.kind == "poster" for f in files) and report.bytes_downloaded > 0
        finally:
            await services.aclose()
    finally:
        demo.stop()
