"""One provider order: the providers list and the field-authority priority never drift apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from metarr_desktop.cli.main import run

Capture = pytest.CaptureFixture[str]


def out(capsys: Capture, data_dir: Path, *args: str) -> Any:
    capsys.readouterr()
    assert run(["--data-dir", str(data_dir), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def provider_order(capsys: Capture, data_dir: Path) -> list[str]:
    return [row["id"] for row in out(capsys, data_dir, "providers", "list")]


def test_moving_a_provider_moves_it_in_the_authority_priority(data_dir: Path, capsys: Capture) -> None:
    assert run(["--data-dir", str(data_dir), "providers", "set", "fanart", "--priority", "1"]) == 0
    assert provider_order(capsys, data_dir) == ["fanart", "omdb", "tmdb", "tvdb"]
    assert out(capsys, data_dir, "authority", "show")["provider_priority"] == [
        "fanart",
        "omdb",
        "tmdb",
        "tvdb",
    ]


def test_setting_the_authority_priority_reorders_the_providers(
    data_dir: Path, capsys: Capture, tmp_path: Path
) -> None:
    rules = out(capsys, data_dir, "authority", "show")
    rules["provider_priority"] = ["tmdb", "omdb"]  # tvdb and fanart left out of the global priority
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules))
    assert run(["--data-dir", str(data_dir), "authority", "set", str(path)]) == 0
    assert provider_order(capsys, data_dir) == ["tmdb", "omdb", "tvdb", "fanart"]
    assert run(["--data-dir", str(data_dir), "providers", "set", "omdb", "--priority", "1"]) == 0
    # the left-out providers stay out; the listed ones follow the new order
    assert out(capsys, data_dir, "authority", "show")["provider_priority"] == ["omdb", "tmdb"]
    assert run(["--data-dir", str(data_dir), "authority", "reset"]) == 0
    assert provider_order(capsys, data_dir) == ["omdb", "tmdb", "tvdb", "fanart"]
