"""The test session's stand-in for the user's home folders.

`tests/conftest.py` calls `redirect_user_folders` at import, before any QApplication exists, so no
test writes into the user's own configuration, data, cache, state or runtime folders. Child processes
inherit the environment, hence the same folders.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

#: The session's stand-in for the user's home folders (removed when the session ends).
SESSION_HOME = Path(tempfile.mkdtemp(prefix="metarr-tests-home-"))
atexit.register(shutil.rmtree, SESSION_HOME, ignore_errors=True)

#: Each XDG variable and its folder under `SESSION_HOME`.
XDG_DIRS = {
    "XDG_CONFIG_HOME": "config",
    "XDG_DATA_HOME": "data",
    "XDG_CACHE_HOME": "cache",
    "XDG_STATE_HOME": "state",
    "XDG_RUNTIME_DIR": "runtime",
}


def redirect_user_folders() -> None:
    """Point every XDG folder into `SESSION_HOME`, and Qt's settings paths with them (QFileDialog,
    for one, remembers its last folder in ``QtProject.conf``)."""
    for variable, name in XDG_DIRS.items():
        folder = SESSION_HOME / name
        folder.mkdir(mode=0o700, exist_ok=True)  # Qt insists on 0700 for the runtime folder
        os.environ[variable] = str(folder)
    from PySide6.QtCore import QSettings

    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(settings_format, scope, os.environ["XDG_CONFIG_HOME"])
