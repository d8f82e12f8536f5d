"""The About box: icon, name and version, what the app does, and each provider's credit with its
mark and a link to the provider's site."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLayout
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.about.presenter import AboutInfo
from metarr_desktop.ui.about.presenter import ProviderCredit
from metarr_desktop.ui.about.presenter import about_info
from metarr_desktop.ui.common.pages import PAGE_TITLE_SCALE
from metarr_desktop.ui.common.pages import bold_font

#: The size of a provider's mark in the dialog (the SVGs are 240 x 64).
MARK_SIZE = QSize(120, 32)


def svg_pixmap(path: Path, size: QSize, ratio: float = 1.0) -> QPixmap:
    """An SVG drawn at `size` (sharp on high-density screens); an empty pixmap if unreadable."""
    renderer = QSvgRenderer(str(path))
    if not renderer.isValid():
        return QPixmap()
    image = QImage(size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    image.setDevicePixelRatio(ratio)
    return QPixmap.fromImage(image)


def plain_label(text: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def link_label(url: str) -> QLabel:
    """A link that opens in the browser; the visible text is the site's host and path."""
    shown = url.removeprefix("https://").removeprefix("www.").rstrip("/")
    label = QLabel(f'<a href="{html.escape(url, quote=True)}">{html.escape(shown)}</a>')
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setOpenExternalLinks(True)
    label.setToolTip(url)
    return label


class AboutDialog(QDialog):
    """Help › About Metarr Desktop.

    Attributes:
        info: what it shows.
        credit_rows: provider id -> (mark, credit text, link) labels, in the order shown.
    """

    def __init__(self, parent: QWidget | None = None, info: AboutInfo | None = None) -> None:
        super().__init__(parent)
        self.info = info or about_info()
        self.setWindowTitle(f"About {self.info.name}")
        self.credit_rows: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        ratio = self.devicePixelRatioF()

        icon = QLabel()
        icon.setPixmap(
            QPixmap(str(self.info.icon)).scaled(
                64, 64, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
        icon.setFixedSize(72, 72)
        self.title_label = plain_label(self.info.title, wrap=False)
        self.title_label.setFont(bold_font(self.title_label, PAGE_TITLE_SCALE))
        heading = QVBoxLayout()
        heading.addWidget(self.title_label)
        heading.addWidget(plain_label(self.info.summary))
        heading.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        sources = QGroupBox("Data and artwork")
        grid = QGridLayout(sources)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        for row, credit in enumerate(self.info.credits):
            self.credit_rows[credit.provider_id] = self._add_credit(grid, row, credit, ratio)
        grid.setColumnStretch(1, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(sources)
        layout.addWidget(plain_label(self.info.license))
        layout.addWidget(buttons)
        sources.setMinimumWidth(540)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)  # fits its text, no gaps

    def _add_credit(
        self, grid: QGridLayout, row: int, credit: ProviderCredit, ratio: float
    ) -> tuple[QLabel, QLabel, QLabel]:
        mark = QLabel()
        mark.setPixmap(svg_pixmap(credit.mark, MARK_SIZE, ratio))
        mark.setFixedSize(MARK_SIZE)
        mark.setAccessibleName(credit.name)
        mark.setToolTip(credit.name)
        text = plain_label(credit.text)
        link = link_label(credit.url)
        details = QVBoxLayout()
        details.setSpacing(2)
        details.addWidget(text)
        details.addWidget(link)
        grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(details, row, 1)
        return mark, text, link
