"""Bad numbers on the command line are bad input: exit 2 and one line, never an internal error, and
nothing non-standard (NaN, Infinity) is ever stored or printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metarr_desktop.cli.main import run
from metarr_desktop.core.providers import RateLimit

HUGE = "99999999999999999999"


def metarr(data_dir: Path, *argv: str) -> int:
    """The exit code of one command (argparse exits by itself on a malformed value)."""
    try:
        return run(["--data-dir", str(data_dir), *argv])
    except SystemExit as exit_:
        return int(exit_.code or 0)


BAD = [
    ["show", HUGE],
    ["show", "²"],
    ["enrich", HUGE],
    ["enrich", "--all", "--concurrency", HUGE],
    ["lock", HUGE, "plot"],
    ["unlock", HUGE, "plot"],
    ["history", HUGE],
    ["history", "1", "--limit", HUGE],
    ["assets", HUGE],
    ["identify", HUGE],
    ["identify", "1", "--select", f"tmdb:{HUGE}"],
    ["identify", "1", "--select", "tvdb:²"],
    ["library", "monitor", HUGE, "true"],
    ["library", "add", "--title", "X", "--tmdb", HUGE],
    ["library", "add", "--title", "X", "--tmdb", "²"],
    ["library", "add", "--title", "X", "--tvdb", HUGE],
    ["library", "add", "--title", "X", "--year", HUGE],
    ["search", "Heat", "--year", HUGE],
    ["providers", "set", "tmdb", "--rate", f"{HUGE}/1"],
    ["providers", "set", "tmdb", "--rate", "1/nan"],
    ["providers", "set", "tmdb", "--rate", "1/1e309"],
    ["providers", "set", "tmdb", "--rate", "1/inf"],
    ["providers", "set", "tmdb", "--rate", "1/-1"],
    ["providers", "set", "tmdb", "--daily-quota", HUGE],
    ["providers", "set", "tmdb", "--priority", HUGE],
    ["providers", "set", "tmdb", "--user-timeout", "nan"],
    ["providers", "set", "tmdb", "--background-timeout", "1e309"],
]


@pytest.mark.parametrize("argv", BAD, ids=[" ".join(a) for a in BAD])
def test_bad_numbers_exit_2_with_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert run(["--data-dir", str(data_dir), "library", "add", "--title", "Heat"]) == 0
    capsys.readouterr()
    assert metarr(data_dir, *argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert "internal error" not in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_providers_list_never_prints_nan_or_infinity(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for rate in ("1/nan", "1/1e309"):
        metarr(data_dir, "providers", "set", "tmdb", "--rate", rate)
    capsys.readouterr()
    assert run(["--data-dir", str(data_dir), "providers", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert "Infinity" not in out and "NaN" not in out
    tmdb = next(r for r in json.loads(out) if r["id"] == "tmdb")
    assert (
        tmdb["rate_limit"] == {"requests": 40, "window_seconds": 1}
        or tmdb["rate_limit"]["window_seconds"] > 0
    )


@pytest.mark.parametrize("window", [float("nan"), float("inf"), 0.0, -1.0])
def test_a_rate_limit_needs_a_finite_positive_window(window: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        RateLimit(1, window)
