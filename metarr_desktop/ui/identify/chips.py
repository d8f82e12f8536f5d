"""The providers' chips above the Identify dialog's list: one chip per provider, wrapped to lines."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence

from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.ui.movie.chips import Chip
from metarr_desktop.ui.movie.chips import ChipRow


class ProviderChips(QWidget):
    """The providers' chips above the list: `ChipRow` lines, wrapped to the width given.

    Attributes:
        chips: every chip shown, in order.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips: list[Chip] = []
        self._rows: list[ChipRow] = []
        self._probe = ChipRow()  # never shown: measures a line
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)

    def line_width(self, chips: Sequence[Chip]) -> int:
        """The width `chips` take on one line."""
        self._probe.set_chips(chips)
        return self._probe.sizeHint().width()

    def set_chips(self, chips: Iterable[Chip], width: int) -> None:
        """Show `chips`, starting a new line where the next chip would pass `width` pixels."""
        self.chips = list(chips)
        lines: list[list[Chip]] = []
        for chip in self.chips:
            if lines and self.line_width([*lines[-1], chip]) <= width:
                lines[-1].append(chip)
            else:
                lines.append([chip])
        while len(self._rows) < len(lines):
            row = ChipRow()
            self._rows.append(row)
            self._layout.addWidget(row)
        for index, row in enumerate(self._rows):
            row.set_chips(lines[index] if index < len(lines) else [])
            row.setVisible(index < len(lines))
        self.setAccessibleDescription("; ".join(f"{c.text} {c.secondary}".strip() for c in self.chips))

    @property
    def lines(self) -> int:
        """How many lines the chips take."""
        return sum(1 for row in self._rows if row.chips)

    def chip(self, key: str) -> Chip | None:
        return next((c for c in self.chips if c.key == key), None)
