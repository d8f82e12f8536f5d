"""benchmarks/publish.py at a small size, so that the benchmark keeps working: enrich and publish a
synthetic library over the sandbox, then publish it twice more without writing anything."""

from __future__ import annotations

import pytest

from benchmarks.publish import parse_args
from benchmarks.publish import run

pytestmark = pytest.mark.slow


async def test_the_publish_benchmark_runs_and_a_second_publish_writes_nothing() -> None:
    result = await run(parse_args(["--movies", "5", "--rate-scale", "50"]))

    assert result["movies"] == 5 and result["failed"] == 0
    assert result["files_written"] == 5 * 10  # the NFO, eight artwork kinds and one extra fanart each
    assert result["bytes_downloaded"] > 0
    for later in ("second", "third"):
        assert result[f"{later}_files_written"] == 0, result["second_written_sample"]
        assert result[f"{later}_ms_per_movie"] > 0 and result[f"{later}_cpu_ms_per_movie"] >= 0
    assert result["second_bytes_downloaded"] == 0
