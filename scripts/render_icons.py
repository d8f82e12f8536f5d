"""Render the application icon's PNGs from its SVG (run by `make icons`; the PNGs are committed).

Uses Qt's own SVG renderer (QtSvg, part of PySide6-Essentials), so no other tool is needed.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtGui import QImage
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgRenderer

from metarr_desktop.bundled import ICON_SIZES
from metarr_desktop.bundled import icon_png
from metarr_desktop.bundled import icon_svg


def render(size: int) -> QImage:
    renderer = QSvgRenderer(str(icon_svg()))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {icon_svg()}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    for size in ICON_SIZES:
        path = icon_png(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not render(size).save(str(path), "PNG"):
            sys.stderr.write(f"cannot write {path}\n")
            return 1
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
