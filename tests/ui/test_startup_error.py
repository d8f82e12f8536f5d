"""The window on a profile whose database cannot be used: it does not start on an empty library by
itself. The start-up dialog says which file and why, and offers to set it aside and start a new
library (Close is the default); with ``--screenshot`` (no dialog) it exits 1 with one line."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QMessageBox

from metarr_desktop.app import startup_error_dialog
from metarr_desktop.core.errors import DamagedDatabaseError
from metarr_desktop.core.errors import StoreError
from tests.helpers.damaged import snapshot
from tests.helpers.damaged import truncated_database
from tests.helpers.qt import until

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

ROOT = Path(__file__).resolve().parents[2]
START_OVER = "Set it aside and start a new library"
NULL_KEYRING = "keyring.backends.null.Keyring"


def shown_box() -> QMessageBox | None:
    return next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None
    )


async def answer(error: Exception, button: str | None) -> tuple[bool, QMessageBox]:
    """Show the start-up dialog of `error` and click `button` (None: the default, or the only one)."""
    chosen = asyncio.ensure_future(startup_error_dialog(error))
    await until(lambda: shown_box() is not None)
    box = shown_box()
    assert box is not None
    if button is None:
        target = box.defaultButton() or box.buttons()[0]
    else:
        target = next(b for b in box.buttons() if b.text() == button)
    target.click()
    return await chosen, box


async def test_a_damaged_database_offers_to_start_over_and_close_is_the_default(tmp_path: Path) -> None:
    error = DamagedDatabaseError(tmp_path / "metarr.sqlite3", "the database file is damaged")
    started_over, box = await answer(error, START_OVER)
    assert started_over is True
    assert str(tmp_path / "metarr.sqlite3") in box.text() and "restore it from a backup" in box.text()
    started_over, box = await answer(error, None)
    assert started_over is False
    assert box.clickedButton() is box.button(QMessageBox.StandardButton.Close)


async def test_any_other_start_up_error_offers_nothing_but_to_close() -> None:
    error = StoreError("cannot open the database x: the disk is full", environment=True)
    started_over, box = await answer(error, None)
    assert started_over is False
    assert START_OVER not in [b.text() for b in box.buttons()]


def test_the_window_on_a_damaged_database_exits_1_with_one_line_and_leaves_it(tmp_path: Path) -> None:
    profile = tmp_path / "profile"
    truncated_database(profile / "metarr.sqlite3")
    before = snapshot(profile)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "metarr_desktop",
            "--data-dir",
            str(profile),
            "--screenshot",
            str(tmp_path / "x.png"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(
        f"metarr-desktop: the database {profile / 'metarr.sqlite3'} cannot be used ("
    )
    assert snapshot(profile) == before
    assert not (tmp_path / "x.png").exists()
