"""The declared settings: each coerces what fits its type and refuses the rest with a reason."""

from __future__ import annotations

import math

import pytest

from metarr_desktop.core.settings import SETTINGS
from metarr_desktop.core.settings import Setting
from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.core.settings import setting


def test_every_default_fits_its_own_declaration() -> None:
    for key, declared in SETTINGS.items():
        assert declared.key == key
        assert declared.coerce(declared.default) == declared.default
        assert declared.description.strip()


def test_unknown_key_is_refused_with_a_hint() -> None:
    with pytest.raises(SettingValueError, match="unknown setting 'nope'"):
        setting("nope")


@pytest.mark.parametrize("bad", ["abc", True, math.inf, math.nan, -1, 0, 1e9, None, [1]])
def test_float_setting_refuses_what_is_not_a_number_in_range(bad: object) -> None:
    with pytest.raises(SettingValueError):
        setting("cache.ttl_days").coerce(bad)


def test_float_setting_takes_whole_numbers_as_floats() -> None:
    assert setting("cache.ttl_days").coerce(3) == 3.0
    assert setting("cache.ttl_days").parse_text("2.5") == 2.5


@pytest.mark.parametrize(("text", "expected"), [("3:05", "03:05"), ("23:59", "23:59"), ("00:00", "00:00")])
def test_time_setting_normalises_hh_mm(text: str, expected: str) -> None:
    assert setting("schedule.time").parse_text(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "noon", "1230", "", "12:5"])
def test_time_setting_refuses_what_is_not_a_time_of_day(text: str) -> None:
    with pytest.raises(SettingValueError, match="HH:MM"):
        setting("schedule.time").parse_text(text)


def test_bool_setting_reads_json_and_words() -> None:
    declared = setting("schedule.enabled")
    assert declared.parse_text("false") is False
    assert declared.parse_text("yes") is True
    with pytest.raises(SettingValueError):
        declared.parse_text("maybe")


def test_list_and_choice_kinds() -> None:
    listed = Setting("x.list", "list", ["a"], "a list", choices=("a", "b", "none"))
    assert listed.parse_text("b, none") == ["b", "none"]
    assert listed.parse_text('["a"]') == ["a"]
    with pytest.raises(SettingValueError, match="unknown c"):
        listed.parse_text("a,c")
    with pytest.raises(SettingValueError, match="twice"):
        listed.coerce(["a", "a"])
    choice = Setting("x.choice", "choice", "kodi", "a choice", choices=("kodi", "jellyfin"))
    assert choice.parse_text("jellyfin") == "jellyfin"
    with pytest.raises(SettingValueError, match="one of kodi, jellyfin"):
        choice.parse_text("plex")


def test_check_adds_a_rule_of_its_own() -> None:
    declared = Setting(
        "x.lang", "str", "en", "a language", check=lambda v: None if v.isalpha() else "letters"
    )
    assert declared.coerce("de") == "de"
    with pytest.raises(SettingValueError, match=r"x\.lang: letters"):
        declared.coerce("d3")
