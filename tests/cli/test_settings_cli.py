"""`metarr settings show|set|reset`: every declared setting, checked before anything is stored."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from metarr_desktop.cli.main import run
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.settings import SETTINGS
from metarr_desktop.services.context import AppServices
from metarr_desktop.services.schedule import DailySchedule
from tests.helpers.fake_services import FakeServices

Capture = pytest.CaptureFixture[str]


def show(capsys: Capture, data_dir: Path) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert run(["--data-dir", str(data_dir), "settings", "show", "--json"]) == 0
    document: dict[str, dict[str, object]] = json.loads(capsys.readouterr().out)
    return document


def test_show_lists_every_declared_setting_with_value_default_and_description(
    fake_app: FakeServices, data_dir: Path, capsys: Capture
) -> None:
    document = show(capsys, data_dir)
    assert list(document) == list(SETTINGS)
    ttl = document["cache.ttl_days"]
    assert ttl["value"] == ttl["default"] == 7.0
    assert ttl["type"] == "float"
    assert isinstance(ttl["description"], str) and ttl["description"]


def test_set_stores_the_value_and_the_running_cache_follows(
    fake_app: FakeServices, data_dir: Path, capsys: Capture
) -> None:
    assert run(["--data-dir", str(data_dir), "settings", "set", "cache.ttl_days", "2"]) == 0
    assert "cache.ttl_days = 2.0" in capsys.readouterr().out
    assert show(capsys, data_dir)["cache.ttl_days"]["value"] == 2.0
    services = AppServices.open(data_dir)
    try:
        assert services.cache.ttl.days == 2
        services.user_settings.set("cache.ttl_days", 1)
        assert services.cache.ttl.days == 1
    finally:
        asyncio.run(services.aclose())


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("cache.ttl_days", "abc", "expected a number"),
        ("cache.ttl_days", "-3", "at least"),
        ("cache.ttl_days", "1e309", "finite"),
        ("schedule.time", "25:00", "HH:MM"),
        ("no.such.key", "1", "unknown setting"),
    ],
)
def test_a_wrong_value_or_key_is_bad_input_and_changes_nothing(
    fake_app: FakeServices, data_dir: Path, capsys: Capture, key: str, value: str, reason: str
) -> None:
    before = show(capsys, data_dir)
    assert run(["--data-dir", str(data_dir), "settings", "set", key, value]) == 2
    err = capsys.readouterr().err
    assert reason in err
    assert len(err.strip().splitlines()) == 1
    assert show(capsys, data_dir) == before


def test_reset_puts_the_default_back(fake_app: FakeServices, data_dir: Path, capsys: Capture) -> None:
    assert run(["--data-dir", str(data_dir), "settings", "set", "schedule.time", "04:30"]) == 0
    assert show(capsys, data_dir)["schedule.time"]["value"] == "04:30"
    assert run(["--data-dir", str(data_dir), "settings", "reset", "schedule.time"]) == 0
    assert show(capsys, data_dir)["schedule.time"]["value"] == "03:00"


def test_the_schedule_reads_the_declared_setting(
    fake_app: FakeServices, data_dir: Path, capsys: Capture
) -> None:
    assert run(["--data-dir", str(data_dir), "settings", "set", "schedule.time", "5:15"]) == 0
    services = AppServices.open(data_dir)
    try:

        async def job() -> None:
            return None

        schedule = DailySchedule(job, services.settings, VirtualClock())
        assert schedule.time_of_day().strftime("%H:%M") == "05:15"
    finally:
        asyncio.run(services.aclose())
