"""`PublishSettings`: the ``publish.*`` settings read as typed values and written back."""

from __future__ import annotations

from dataclasses import replace

from metarr_desktop.services.context import AppServices
from metarr_desktop.services.publish.layout import Flavour
from metarr_desktop.services.publish.layout import NfoName
from metarr_desktop.services.publish.options import PublishSettings
from metarr_desktop.services.publish.options import options_from_settings


def test_the_declared_defaults_are_read_as_typed_values(services: AppServices) -> None:
    chosen = PublishSettings.read(services.user_settings)
    assert chosen.enabled is False and chosen.after_enrichment is True
    assert chosen.flavour is Flavour.BOTH and chosen.nfo_name is NfoName.VIDEO
    assert chosen.artwork[0] == "poster" and chosen.extrafanart == 3
    assert chosen.replace_foreign == frozenset()


def test_only_the_changed_values_are_stored_as_their_declared_types(services: AppServices) -> None:
    settings = services.user_settings
    heard: list[tuple[str, object]] = []
    settings.subscribe(lambda key, value: heard.append((key, value)))
    chosen = PublishSettings.read(settings)
    replace(chosen, flavour=Flavour.KODI, replace_foreign=frozenset({"poster", "banner"})).write(settings)
    assert heard == [("publish.flavour", "kodi"), ("publish.replace_foreign", ["banner", "poster"])]
    assert type(heard[0][1]) is str
    assert not settings.is_stored("publish.enabled") and not settings.is_stored("publish.artwork")
    assert PublishSettings.read(settings).flavour is Flavour.KODI


def test_the_options_of_a_publish_follow_the_settings(services: AppServices) -> None:
    settings = services.user_settings
    settings.set("publish.nfo_name", "movie")
    settings.set("publish.artwork", ["fanart", "poster"])
    options = options_from_settings(settings)
    assert options.nfo_name is NfoName.MOVIE and options.artwork == ("fanart", "poster")
    assert options.extrafanart == 3 and options.replace_foreign == frozenset()
