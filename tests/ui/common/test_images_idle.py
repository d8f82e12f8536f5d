"""`ImageLoader.wait_idle`: what a screenshot waits on before it grabs the window."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QBuffer
from PySide6.QtCore import QByteArray
from PySide6.QtCore import QIODevice
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtGui import QImage

from metarr_desktop.ui.common.images import ImageLoader

pytestmark = pytest.mark.gui


def png() -> bytes:
    image = QImage(20, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]
    return bytes(data.data())


async def test_wait_idle_returns_once_requested_images_are_in_memory(tmp_path: Path) -> None:
    body = png()
    loader = ImageLoader(
        tmp_path, transport=httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    )
    try:
        assert await loader.wait_idle(0.01)  # nothing to wait for
        size = QSize(40, 60)
        loader.request("https://img.example/a.png", size)
        loader.request("https://img.example/b.png", size)
        assert await loader.wait_idle(5)
        assert loader.cached("https://img.example/a.png", size) is not None
        assert loader.cached("https://img.example/b.png", size) is not None
    finally:
        await loader.aclose()
