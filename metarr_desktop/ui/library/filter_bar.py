"""The row above the library's movies: the filter box and its count, the list's Thumbnails switch,
the grid's Sort box and poster size, and the List / Posters switch."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QButtonGroup
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QSlider
from PySide6.QtWidgets import QToolButton
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.common.controls import Gap
from metarr_desktop.ui.common.controls import lay_out
from metarr_desktop.ui.library.poster_grid import MAX_POSTER_WIDTH
from metarr_desktop.ui.library.poster_grid import MIN_POSTER_WIDTH
from metarr_desktop.ui.library.poster_grid import POSTER_WIDTH_STEP
from metarr_desktop.ui.library.poster_grid import view_icon
from metarr_desktop.ui.library.presenter import GRID_SORTS


class FilterBar(QWidget):
    """The filter and view controls (the page connects them).

    Attributes:
        filter_edit, count_label: the filter box and "12 of 100,000 movies".
        posters_button: thumbnails in the list.
        sort_label, sort_combo, size_label, size_slider: the grid's order and poster size.
        list_button, grid_button, view_buttons: the List / Posters switch.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self._build_filter(row)
        row.addSpacing(12)
        self._build_grid_controls(row)
        row.addSpacing(12)
        row.addLayout(self._build_switch())
        self.paint_view_icons()

    def _build_filter(self, row: QHBoxLayout) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("library-filter")
        self.filter_edit.setPlaceholderText("Filter by title or year (Ctrl+F)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter movies")
        self.count_label = QLabel()
        self.count_label.setObjectName("library-count")
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.count_label)

    def _build_grid_controls(self, row: QHBoxLayout) -> None:
        self.posters_button = QToolButton()
        self.posters_button.setText("Thumbnails")
        self.posters_button.setCheckable(True)
        self.posters_button.setChecked(True)
        self.posters_button.setToolTip("Show poster thumbnails in the list (taller rows)")
        self.sort_label = QLabel("Sort:")
        self.sort_combo = QComboBox()
        self.sort_combo.setObjectName("library-grid-sort")
        self.sort_combo.setAccessibleName("Sort the posters")
        self.sort_combo.setToolTip("The order of the posters (the list's column order, in words)")
        for sort in GRID_SORTS:
            self.sort_combo.addItem(sort.label)
        self.size_label = QLabel("Size:")
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setObjectName("library-poster-size")
        self.size_slider.setAccessibleName("Poster size")
        self.size_slider.setToolTip("Poster size (or Ctrl+wheel over the posters)")
        self.size_slider.setRange(MIN_POSTER_WIDTH, MAX_POSTER_WIDTH)
        self.size_slider.setSingleStep(POSTER_WIDTH_STEP)
        self.size_slider.setPageStep(POSTER_WIDTH_STEP * 3)
        self.size_slider.setFixedWidth(110)
        lay_out(
            row,
            self.posters_button,
            self.sort_label,
            self.sort_combo,
            Gap(10),
            self.size_label,
            self.size_slider,
        )

    def _build_switch(self) -> QHBoxLayout:
        self.list_button = QToolButton()
        self.list_button.setText("List")
        self.list_button.setToolTip("Show the movies as a table (Ctrl+Shift+L)")
        self.grid_button = QToolButton()
        self.grid_button.setText("Posters")
        self.grid_button.setToolTip("Show the movies as a poster grid (Ctrl+Shift+P)")
        self.view_buttons = QButtonGroup(self)
        self.view_buttons.setExclusive(True)
        switch = QHBoxLayout()
        switch.setSpacing(0)
        for button in (self.list_button, self.grid_button):
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.view_buttons.addButton(button)
            switch.addWidget(button)
        self.list_button.setChecked(True)
        return switch

    def paint_view_icons(self) -> None:
        """The switch's icons in the palette's colours (again after a palette change)."""
        palette = self.palette()
        self.list_button.setIcon(QIcon(view_icon("list", palette)))
        self.grid_button.setIcon(QIcon(view_icon("posters", palette)))
