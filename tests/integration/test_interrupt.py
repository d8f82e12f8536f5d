"""Ctrl-C during `metarr enrich --all`: finished movies are kept, the report is printed, exit 130.

A real process gets a real SIGINT, against a slow sandbox on loopback (this one takes a few seconds
of real time because the interruption itself is what is under test).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from metarr_desktop.cli.main import run
from metarr_desktop.sandbox import SandboxServer
from metarr_desktop.sandbox.demo import configure_profile
from tests.helpers.processes import interruptible_cli

TMDB_IDS = [550, 146, 27205, 603, 278, 238, 680, 155, 13, 157336, 841, 438631, 693134, 1091]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_interrupting_enrich_all_keeps_finished_work(
    sandbox_factory: Callable[..., SandboxServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    server = sandbox_factory("demo", latency="250")
    data_dir = tmp_path / "profile"
    asyncio.run(configure_profile(data_dir, server))
    for tmdb_id in TMDB_IDS:
        assert (
            run(
                [
                    "--data-dir",
                    str(data_dir),
                    "library",
                    "add",
                    "--title",
                    f"#{tmdb_id}",
                    "--tmdb",
                    str(tmdb_id),
                ]
            )
            == 0
        )

    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    child = interruptible_cli(
        "--data-dir", str(data_dir), "enrich", "--all", "--json", "--concurrency", "2", env=env
    )
    assert child.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some movies are done, then press Ctrl-C
        line = child.stderr.readline()
        seen.append(line)
        if sum("enriched" in s or "unchanged" in s for s in seen) >= 2:
            break
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, "".join(seen) + err
    report: dict[str, Any] = json.loads(out)
    assert report["summary"]["interrupted"] is True
    done = [r["movie_id"] for r in report["results"] if r["status"] == "enriched"]
    assert 2 <= len(done) < len(TMDB_IDS)
    assert "Traceback" not in err

    listing = subprocess.run(
        [
            sys.executable,
            "-m",
            "metarr_desktop.cli",
            "--data-dir",
            str(data_dir),
            "library",
            "list",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    listed = {m["id"]: m for m in json.loads(listing.stdout)}
    for movie_id in done:  # finished work survived the interruption
        assert listed[movie_id]["last_enriched_at"] is not None
        assert listed[movie_id]["status"] == "identified"
