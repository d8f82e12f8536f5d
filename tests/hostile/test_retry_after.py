"""Retry-After is capped (a day), garbage is read as absent, nothing raises, and Re-enable clears
every block (the wait, a reported reset, the day's count and the circuit)."""

from __future__ import annotations

import json
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from metarr_desktop.cli.main import run
from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.engine.runtime import ProviderPool
from metarr_desktop.providers.base import parse_retry_after
from metarr_desktop.providers.errors import MAX_RETRY_AFTER_S
from metarr_desktop.providers.errors import RateLimitedError
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import FakeTmdb

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
DAY = 24 * 3600.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "30"}, 30.0),
        ({"Retry-After": "100000"}, DAY),  # 27 h: capped to a day
        ({"Retry-After": "1e8"}, None),  # three years: garbage
        ({"Retry-After": "1e12"}, None),
        ({"Retry-After": "1e309"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": "-inf"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "-5"}, None),
        ({"Retry-After": "9" * 400}, None),
        ({"Retry-After": "Thu, 01 Jan 2099 00:00:00 GMT"}, None),
        ({"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}, None),
        ({"Retry-After": "Thu, 01 Jan 2026 13:00:00 GMT"}, 3600.0),
        ({"Retry-After": "Thu, 01 Jan 2026 11:00:00 GMT"}, 0.0),  # just past: now
        ({"Retry-After": "Mon, 99 Foo 2026 99:99:99 GMT"}, None),
        ({"Retry-After": "soon"}, None),
        ({"retry-after-ms": "1e400"}, None),
        ({"retry-after-ms": "1500"}, 1.5),
    ],
)
def test_retry_after_is_capped_and_garbage_is_absent(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(headers, NOW) == expected


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), -1.0])
def test_a_rate_limit_error_never_holds_an_unusable_wait(seconds: float) -> None:
    assert RateLimitedError("tmdb", retry_after=seconds).retry_after is None


def test_a_rate_limit_error_caps_its_wait() -> None:
    assert RateLimitedError("tmdb", retry_after=1e12).retry_after == MAX_RETRY_AFTER_S


def test_a_saved_block_in_2099_is_a_day_at_most_after_a_restart() -> None:
    clock = VirtualClock(NOW)
    pool = ProviderPool(clock)
    runtime = pool.add(FakeTmdb())
    state = runtime.to_state()
    state["blocked_until"] = "2099-01-01T00:00:00+00:00"
    state["quota"]["exhausted_until"] = "2099-01-01T00:00:00+00:00"
    runtime.restore(state)
    until = runtime.gate.rate_limited_until()
    assert until is not None and until <= NOW + timedelta(days=1)


def test_reenable_clears_every_block() -> None:
    clock = VirtualClock(NOW)
    pool = ProviderPool(clock)
    runtime = pool.add(FakeTmdb())
    runtime.gate.note_rate_limited(RateLimitedError("tmdb", retry_after=3600))
    runtime.gate.note_rate_limited(
        RateLimitedError("tmdb", quota_exhausted=True, reset_at=NOW + timedelta(hours=5))
    )
    for _ in range(5):
        runtime.breaker.record_failure()
    assert runtime.unavailable_reason() is not None
    pool.reenable("tmdb")
    assert runtime.gate.rate_limited_until() is None
    assert runtime.breaker.is_closed
    assert runtime.unavailable_reason() is None
    assert runtime.health_snapshot().rate_limited_until is None


@pytest.mark.parametrize("value", ["1e12", "inf", "nan", "1e8", "Thu, 01 Jan 2099 00:00:00 GMT", "-3"])
def test_a_429_with_garbage_retry_after_never_blocks_for_long(
    data_dir: Path, fake_app: FakeServices, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    fake_app.status["tmdb"] = 429
    fake_app.headers["tmdb"] = {"Retry-After": value}
    metarr = ["--data-dir", str(data_dir)]
    assert run([*metarr, "library", "add", "--title", "Heat", "--year", "1995", "--tmdb", "949"]) == 0
    capsys.readouterr()
    code = run([*metarr, "enrich", "1", "--json"])
    captured = capsys.readouterr()
    assert code in (0, 1) and "Traceback" not in captured.err and "internal error" not in captured.err
    json.loads(captured.out)
    assert run([*metarr, "providers", "health", "--json"]) == 0
    tmdb = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == "tmdb")
    if tmdb["rate_limited_until"] is not None:
        until = datetime.fromisoformat(tmdb["rate_limited_until"])
        assert until - datetime.fromisoformat(tmdb["last_request_at"]) <= timedelta(days=1, minutes=1)
