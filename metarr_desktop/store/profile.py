"""The profile: one folder holding the database, secrets fallback, image cache and logs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "metarr-desktop"


class ProfileError(OSError):
    """The profile folder cannot be created or written (an environment error, shown to the user)."""


@dataclass(frozen=True, slots=True)
class Profile:
    root: Path

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> Profile:
        """The profile at `data_dir`, or the platform's user data folder; created if missing."""
        root = Path(data_dir).expanduser() if data_dir else Path(platformdirs.user_data_dir(APP_NAME))
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProfileError(f"cannot create the data folder {root}: {exc.strerror or exc}") from exc
        if not root.is_dir():
            raise ProfileError(f"the data folder {root} is not a folder")
        return cls(root.resolve())

    @property
    def database_path(self) -> Path:
        return self.root / "metarr.sqlite3"

    @property
    def secrets_path(self) -> Path:
        return self.root / "secrets.json"

    @property
    def image_cache_dir(self) -> Path:
        return self.root / "images"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"
