"""`metarr sandbox` from the command line: the first stdout line, serving, a clean Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import httpx
import pytest

from metarr_desktop.cli.main import run
from tests.helpers.processes import interruptible_cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "argv",
    [
        ["--catalog", "synthetic:x"],
        ["--faults", "tmdb:teapot"],
        ["--latency-ms", "200-50"],
        ["--port", "70000"],
        ["--limit-scale", "0"],
    ],
)
def test_bad_options_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sandbox", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("metarr: ") and "Traceback" not in captured.err


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serves_until_interrupted(stop_signal: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = interruptible_cli(
        "sandbox", "--port", "0", "--catalog", "demo", "--seed", "1", env=env, cwd=ROOT
    )
    try:
        assert process.stdout is not None
        urls = json.loads(process.stdout.readline())
        assert set(urls) == {"tmdb", "omdb", "tvdb", "fanart"}
        assert urls["tmdb"].startswith("http://127.0.0.1:") and urls["tmdb"].endswith("/tmdb/3")
        answer = httpx.get(
            f"{urls['omdb']}/", params={"apikey": "sandbox-omdb-key", "i": "tt0133093"}, timeout=5
        )
        assert answer.json()["Title"] == "The Matrix"
        process.send_signal(stop_signal)
        assert process.wait(timeout=10) == 0
        assert "Traceback" not in (process.stderr.read() if process.stderr else "")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
