"""Terminal control characters in provider text are shown escaped in human-readable output (show,
library list, history, enrich and error lines); the JSON output keeps the text as it is."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from metarr_desktop.cli.common import terminal_text
from metarr_desktop.cli.main import run
from tests.helpers.fake_services import FakeServices
from tests.helpers.fake_services import answer

EVIL = "Heat\x1b[2J\x1b]0;pwned\x07\x00\x9b31m\x7f\u202e"


class EvilServices(FakeServices):
    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/movie"):
            self.requests.append(request)
            body = answer(request.url.host.split(".")[0], request.url.params.get("id", ""))
            body["fields"].update({"title": EVIL, "plot": f"line one\n{EVIL}", "genres": [EVIL]})
            return httpx.Response(200, json=body)
        return await super().handle(request)


def assert_terminal_safe(text: str) -> None:
    for bad in ("\x1b", "\x00", "\x07", "\x9b", "\x7f", "\u202e"):
        assert bad not in text, repr(text)


def test_terminal_text() -> None:
    assert terminal_text(EVIL) == "Heat\\x1b[2J\\x1b]0;pwned\\x07\\x00\\x9b31m\\x7f\\u202e"
    assert terminal_text("a\nb") == "a\nb" and terminal_text("a\nb", newlines=False) == "a\\nb"
    assert terminal_text("x\ud800y") == "x\ufffdy"
    assert terminal_text("Amélie — 東京") == "Amélie — 東京"


def test_human_output_escapes_control_characters_and_json_keeps_them(
    data_dir: Path,
    fake_app: FakeServices,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evil = EvilServices()
    monkeypatch.setattr(fake_app.transport, "handler", evil.handle)
    metarr = ["--data-dir", str(data_dir)]
    assert run([*metarr, "library", "add", "--title", EVIL, "--tmdb", "949"]) == 0
    assert run([*metarr, "enrich", "1"]) == 0
    for argv in (["show", "1"], ["library", "list"], ["history", "1"], ["enrich", "1", "--force"]):
        assert run([*metarr, *argv]) == 0
    assert run([*metarr, "lock", "1", f"no-such-field{EVIL}"]) == 2
    captured = capsys.readouterr()
    assert "\\x1b[2J" in captured.out
    assert_terminal_safe(captured.out)
    assert_terminal_safe(captured.err)
    assert run([*metarr, "show", "1", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["title"] == EVIL or document["fields"]["title"]["value"] == EVIL
