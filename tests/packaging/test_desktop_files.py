"""What a desktop needs to show the app: one application id everywhere, the icons at every size,
a desktop file and AppStream metadata that pass their validators, and `make install-desktop`."""

from __future__ import annotations

import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from metarr_desktop.bundled import APP_ID
from metarr_desktop.bundled import ICON_SIZES
from metarr_desktop.bundled import icon_png
from metarr_desktop.bundled import icon_svg
from metarr_desktop.bundled import resources_dir

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_resources_are_the_top_level_folder_in_a_checkout() -> None:
    assert resources_dir().resolve() == (ROOT / "resources").resolve()


def test_every_icon_size_is_rendered() -> None:
    assert icon_svg().is_file()
    for size in ICON_SIZES:
        assert png_size(icon_png(size)) == (size, size)


def test_one_application_id_everywhere() -> None:
    entry = dict(
        line.split("=", 1) for line in DESKTOP.read_text(encoding="utf-8").splitlines() if "=" in line
    )
    assert entry["Icon"] == APP_ID and entry["Exec"] == "metarr-desktop"
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    assert f"APP_ID := {APP_ID}" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_the_metainfo_has_what_software_centres_show() -> None:
    component = ET.parse(METAINFO).getroot()
    for tag in (
        "name",
        "summary",
        "description",
        "developer",
        "content_rating",
        "launchable",
        "screenshots",
        "releases",
        "metadata_license",
        "project_license",
    ):
        assert component.find(tag) is not None, tag
    assert component.find("content_rating").get("type") == "oars-1.1"  # type: ignore[union-attr]
    from metarr_desktop import __version__

    assert component.find("releases/release").get("version") == __version__  # type: ignore[union-attr]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_the_desktop_file_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_the_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_install_desktop_puts_launcher_metadata_and_icons_under_the_prefix(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "-s", "install-desktop", f"PREFIX={tmp_path}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    share = tmp_path / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in ICON_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
