"""The Identify dialog's candidates: one search's films (best first), or the one film an id lookup
found."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt

from metarr_desktop.core.matching import Candidate
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.models import RowListModel
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.identify.presenter import accessible_text
from metarr_desktop.ui.identify.presenter import best_choice
from metarr_desktop.ui.identify.presenter import candidate_details
from metarr_desktop.ui.identify.presenter import thumbnail_url
from metarr_desktop.ui.identify.presenter import title_with_year

#: Poster thumbnails in the list (2:3).
THUMB = QSize(48, 72)


class CandidateModel(RowListModel[Candidate]):
    """The candidates of one search (best first), or the one film an id lookup found.

    Posters are asked of the image loader when the candidates are set; the rows whose poster
    arrives are repainted (`DecorationRole` is the pixmap, or None for the placeholder).

    Attributes:
        rows: the candidates (also `candidates`).
        exact: True when the rows come from an id lookup rather than a search.
    """

    def __init__(
        self,
        images: ImageLoader | None = None,
        names: dict[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.exact = False
        self.images = images
        self.names = dict(names or {})
        if images is not None:
            images.loaded.connect(self._poster_loaded)

    @property
    def candidates(self) -> list[Candidate]:
        return self.rows

    def set_candidates(self, candidates: Sequence[Candidate], *, exact: bool = False) -> None:
        self.exact = exact
        self.set_rows(candidates)
        if self.images is not None:
            for url in dict.fromkeys(u for c in self.rows if (u := self.poster_url(c))):
                if self.images.cached(url, THUMB) is None:
                    self.images.request(url, THUMB)

    def clear(self) -> None:
        self.set_candidates([])

    def candidate(self, row: int) -> Candidate:
        return self.rows[row]

    @staticmethod
    def poster_url(candidate: Candidate) -> str | None:
        return thumbnail_url(candidate.poster_url) if candidate.poster_url else None

    def _poster_loaded(self, url: str) -> None:
        self.rows_changed(
            lambda candidate: self.poster_url(candidate) == url, [Qt.ItemDataRole.DecorationRole]
        )

    def provider_names(self, candidate: Candidate) -> list[str]:
        return [self.names.get(p, p) for p in candidate.providers]

    def details(self, candidate: Candidate) -> str:
        """The line under the title: release date, runtime, director, original title, TV film, ids."""
        return candidate_details(candidate)

    # -- Qt model API ------------------------------------------------------------------------------

    def row_data(self, candidate: Candidate, index: Index, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return title_with_year(candidate.title, candidate.year)
        if role == Qt.ItemDataRole.DecorationRole:
            url = self.poster_url(candidate)
            if url is None or self.images is None:
                return None
            return self.images.cached(url, THUMB)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(candidate)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return accessible_text(candidate, self.exact, self.provider_names(candidate))
        if role == Role.CANDIDATE:
            return candidate
        if role == Role.CONFIDENCE:
            return candidate.confidence
        if role == Role.PROVIDER_NAMES:
            return self.provider_names(candidate)
        if role == Role.CHOICE:
            return best_choice(candidate)
        if role == Role.EXACT:
            return self.exact
        if role == Role.DETAILS:
            return self.details(candidate)
        return None

    def _tooltip(self, candidate: Candidate) -> str:
        heading = html.escape(title_with_year(candidate.title, candidate.year))
        overview = html.escape(candidate.overview or "No overview.")
        providers = html.escape(", ".join(self.provider_names(candidate)))
        details = html.escape(self.details(candidate))
        return (
            f"<qt><b>{heading}</b><p>{overview}</p>"
            f"<p style='color: gray'>Found by {providers}<br>{details}</p></qt>"
        )
