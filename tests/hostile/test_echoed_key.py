"""A key the provider echoes back in an error is masked everywhere: JSON output, logs, the database."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from metarr_desktop.cli.main import run
from tests.helpers.fake_services import FakeServices

KEY = "echoed-secret-key-5550123"


class EchoingServices(FakeServices):
    """Refuses every key with a message that repeats it (as some real services do)."""

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        given = request.url.params.get("key", "")
        return httpx.Response(401, json={"error": f"Invalid API key: {given} (key={given})"})


def test_an_echoed_key_appears_nowhere(
    data_dir: Path,
    fake_app: FakeServices,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    echoing = EchoingServices()
    monkeypatch.setattr(fake_app.transport, "handler", echoing.handle)
    caplog.set_level(logging.DEBUG)
    metarr = ["--data-dir", str(data_dir)]
    assert run([*metarr, "providers", "set", "tmdb", "--api-key", KEY]) == 0
    assert run([*metarr, "library", "add", "--title", "Heat", "--year", "1995", "--tmdb", "949"]) == 0
    capsys.readouterr()
    outputs = []
    for argv in (["providers", "test", "tmdb"], ["enrich", "1"], ["providers", "health"], ["show", "1"]):
        run([*metarr, *argv, "--json"])
        run([*metarr, *argv])
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    assert echoing.requests, "the fake service was never asked"
    health = json.loads(_first_json(outputs[2]))
    tmdb = next(row for row in health if row["id"] == "tmdb")
    assert tmdb["last_error"] and "***" in tmdb["last_error"]
    for text in outputs:
        assert KEY not in text
    for record in caplog.records:
        assert KEY not in record.getMessage()
        assert KEY not in (record.exc_text or "")
    for file in data_dir.rglob("*"):
        if file.is_file():
            assert KEY.encode() not in file.read_bytes() or file.name == "secrets.json", file


def _first_json(text: str) -> str:
    """The JSON document at the start of `text` (the human output follows it)."""
    decoder = json.JSONDecoder()
    document, _ = decoder.raw_decode(text)
    return json.dumps(document)
