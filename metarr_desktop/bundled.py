"""The files Metarr Desktop ships besides code (the top-level ``resources/`` folder), by name.

``resources/`` is installed as the package ``metarr_desktop.resources`` (see setup.py): the same
names work from a checkout (editable install), an installed wheel and the PyInstaller bundle. No Qt
here: the window turns these paths into icons and pixmaps.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The application's id: the desktop file's name, the AppStream component id and the icon's name.
APP_ID = "io.github.metarr.MetarrDesktop"
#: The sizes of the PNG icons under ``resources/icons/hicolor`` (rendered from the SVG).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
#: Providers with an attribution mark in ``resources/attribution`` (``<id>.svg``).
ATTRIBUTION_PROVIDERS = ("tmdb", "omdb", "tvdb", "fanart")


def resources_dir() -> Path:
    """The installed ``resources`` folder."""
    return Path(str(files("metarr_desktop.resources")))


def icons_dir() -> Path:
    """The icon theme tree (``hicolor/<size>/apps/<APP_ID>.<ext>``), as installed under share/icons."""
    return resources_dir() / "icons" / "hicolor"


def icon_svg() -> Path:
    return icons_dir() / "scalable" / "apps" / f"{APP_ID}.svg"


def icon_png(size: int) -> Path:
    if size not in ICON_SIZES:
        raise ValueError(f"no {size} px icon (sizes: {', '.join(map(str, ICON_SIZES))})")
    return icons_dir() / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def attribution_mark(provider_id: str) -> Path:
    """A provider's attribution mark (an SVG text mark, see resources/attribution/README.md)."""
    if provider_id not in ATTRIBUTION_PROVIDERS:
        raise ValueError(f"no attribution mark for {provider_id!r}")
    return resources_dir() / "attribution" / f"{provider_id}.svg"
