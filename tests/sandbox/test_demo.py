"""The window's demo mode: a temporary profile pointed at the in-process sandbox and demo players."""

from __future__ import annotations

from metarr_desktop.sandbox.demo import DEMO_KEYS
from metarr_desktop.sandbox.demo import DemoSetup
from metarr_desktop.services.context import AppServices


async def test_the_demo_profile_talks_to_the_sandbox_and_is_deleted_at_the_end() -> None:
    demo = DemoSetup()
    try:
        demo.start_server()
        assert set(demo.urls) == set(DEMO_KEYS)
        assert all(url.startswith("http://127.0.0.1:") for url in demo.urls.values())
        services = AppServices.open(demo.data_dir, keyring_backend=demo.keyring)
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
