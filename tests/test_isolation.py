"""The test session never writes into the user's own folders (tests/helpers/session.py redirects them)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest

from tests.helpers.session import SESSION_HOME
from tests.helpers.session import XDG_DIRS


def test_every_xdg_folder_is_the_sessions() -> None:
    for variable in XDG_DIRS:
        assert Path(os.environ[variable]).is_relative_to(SESSION_HOME), variable
    assert (Path(os.environ["XDG_RUNTIME_DIR"]).stat().st_mode & 0o777) == 0o700
    assert Path(platformdirs.user_data_dir("metarr-desktop")).is_relative_to(SESSION_HOME)


@pytest.mark.gui
def test_qt_settings_go_to_the_session_folder(qapp: object) -> None:
    from PySide6.QtCore import QSettings

    # Where QFileDialog keeps its last folder ("QtProject.conf"), in both formats.
    for settings in (
        QSettings("QtProject"),
        QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "QtProject"),
    ):
        assert Path(settings.fileName()).is_relative_to(SESSION_HOME), settings.fileName()
