"""`metarr library add --path`: the folder is stored as an absolute path, whatever the current folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from metarr_desktop.cli.main import run


def test_a_relative_path_is_stored_as_an_absolute_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "films" / "new"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    data = tmp_path / "profile"
    args = ["--data-dir", str(data), "library", "add", "--title", "Heat"]
    args += ["--path", "../Heat (1995)", "--json"]
    assert run(args) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["path"] == str(tmp_path / "films" / "Heat (1995)")
