"""What the window reads of the application services through the suite (never `suite.app` itself)."""

from __future__ import annotations

from metarr_desktop.services.context import AppServices
from metarr_desktop.services.library_suite import LibrarySuite


def test_the_suite_gives_the_window_what_it_reads_of_the_services(services: AppServices) -> None:
    suite = LibrarySuite.create(services)
    assert suite.user_settings is services.user_settings
    assert suite.publish is services.publish
    assert suite.cache_stats is services.cache.stats
    assert suite.provider_names() == services.providers.names()
    movie = suite.library.add("Heat", year=1995)
    assert suite.find_movie(movie.id) == movie
    assert suite.find_movie(movie.id + 1) is None


def test_a_setting_is_stored_only_once_the_user_set_it(services: AppServices) -> None:
    settings = services.user_settings
    assert not settings.is_stored("publish.enabled")
    assert settings.get("publish.enabled") is False  # the default alone
    settings.set("publish.enabled", False)
    assert settings.is_stored("publish.enabled")
