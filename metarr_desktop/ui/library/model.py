"""The library list's item model: 100,000 movies, filtered as the user types and sorted by column.

`LibraryModel` holds the light rows of `MovieRepository.list_rows` and filters and sorts them itself
(no `QSortFilterProxyModel`, whose per-row Python callbacks cost seconds at this size): every row's
search key (title and year, case-folded, accents dropped) is computed once when the rows arrive, a
filter is one pass of substring tests over those keys (only over the rows already shown when the text
grew), and a column's sort order is computed once and kept until the rows change. The view shows
``_view``, a list of indexes into the rows; ``data()`` is a couple of list lookups and returns
strings and pixmaps built once and cached.

Posters come from the window's `ImageLoader` and are requested only when the view asks for a row's
decoration, which it does for the rows it paints; when ``loaded(url)`` arrives the rows waiting for
that URL are repainted. Without a loader, before an image arrives and for movies without a poster, a
drawn placeholder stands in.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from itertools import compress
from itertools import repeat
from operator import contains
from typing import Any

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QObject
from PySide6.QtCore import QPointF
from PySide6.QtCore import QRectF
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtGui import QGuiApplication
from PySide6.QtGui import QPainter
from PySide6.QtGui import QPainterPath
from PySide6.QtGui import QPalette
from PySide6.QtGui import QPen
from PySide6.QtGui import QPixmap

from metarr_desktop.core.names import sort_key
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRow
from metarr_desktop.services.formatting import DisplayStatus
from metarr_desktop.services.formatting import relative_time
from metarr_desktop.services.formatting import resets_in
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.models import ROOT
from metarr_desktop.ui.common.models import HeadedTableModel
from metarr_desktop.ui.common.models import Index
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.safe_text import plain_tip
from metarr_desktop.ui.common.theme import blank_pixmap
from metarr_desktop.ui.common.theme import is_dark
from metarr_desktop.ui.common.theme import status_pixmap
from metarr_desktop.ui.library.presenter import Column

__all__ = ["Column", "LibraryModel", "RowState", "row_state"]

#: The poster thumbnails' box (2:3) and the row height that fits it.
THUMB_SIZE = QSize(26, 39)
POSTER_ROW_HEIGHT = 45

#: Above this many movies under persistent indexes a layout change maps rows through a dict, not list.index.
_FEW_PERSISTENT = 16
#: Above this many changed rows `update_rows` repaints the whole view instead of row by row.
_FEW_CHANGED = 8
#: Filter results kept for the current sort order (deleting a letter shows one again at once).
_RECENT_FILTERS = 8


HEADERS = ("Title", "Year", "Status", "Last enriched")


class RowState(StrEnum):
    """What the Status column says about a movie, most urgent first."""

    NEEDS_IDENTIFICATION = "needs_identification"
    INCOMPLETE = "incomplete"
    NOT_ENRICHED = "not_enriched"
    ENRICHED = "enriched"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    RowState.NEEDS_IDENTIFICATION: "Needs identification",
    RowState.INCOMPLETE: "Incomplete",
    RowState.NOT_ENRICHED: "Not enriched yet",
    RowState.ENRICHED: "Enriched",
}
_STATE_RANK = {state: rank for rank, state in enumerate(RowState)}
_STATE_GLYPH = {
    RowState.NEEDS_IDENTIFICATION: DisplayStatus.DEGRADED,
    RowState.INCOMPLETE: DisplayStatus.RATE_LIMITED,
    RowState.NOT_ENRICHED: DisplayStatus.DISABLED,
    RowState.ENRICHED: DisplayStatus.HEALTHY,
}


def row_state(row: MovieRow) -> RowState:
    if row.status is IdentificationStatus.NEEDS_IDENTIFICATION:
        return RowState.NEEDS_IDENTIFICATION
    if row.incomplete_providers:
        return RowState.INCOMPLETE
    if row.last_enriched_at is None:
        return RowState.NOT_ENRICHED
    return RowState.ENRICHED


def search_text(text: str) -> str:
    """`text` as the filter compares it: case-folded, accents dropped (only non-ASCII text pays)."""
    folded = text.casefold()
    return folded if folded.isascii() else _strip_accents(folded)


def _strip_accents(folded: str) -> str:
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _folded_titles(rows: Sequence[MovieRow]) -> list[str]:
    """`search_text` of every title, written out for speed (100,000 titles on every open)."""
    folded = [row.title.casefold() for row in rows]
    return [title if title.isascii() else _strip_accents(title) for title in folded]


def _search_keys(rows: Sequence[MovieRow], titles: Sequence[str]) -> list[str]:
    """What the filter searches: the folded title, and the year after it."""
    return [
        title if row.year is None else f"{title} {row.year}" for row, title in zip(rows, titles, strict=True)
    ]


# --------------------------------------------------------------------------------------------------
# Pixmaps, painted once per size and colour scheme
# --------------------------------------------------------------------------------------------------

_GLYPH = 16
_status_cache: dict[tuple[RowState, bool, bool], QPixmap] = {}
_placeholder_cache: dict[tuple[int, int, bool], QPixmap] = {}


def _lock_pixmap(size: int, dark: bool) -> QPixmap:
    pixmap = blank_pixmap(size, size)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor("#e0b050" if dark else "#8a6100")
    s = float(size)
    painter.setPen(QPen(colour, max(1.5, s / 9)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    shackle = QPainterPath(QPointF(0.32 * s, 0.48 * s))
    shackle.lineTo(QPointF(0.32 * s, 0.32 * s))
    shackle.arcTo(QRectF(0.32 * s, 0.12 * s, 0.36 * s, 0.38 * s), 180, -180)
    shackle.lineTo(QPointF(0.68 * s, 0.48 * s))
    painter.drawPath(shackle)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(QRectF(0.2 * s, 0.44 * s, 0.6 * s, 0.46 * s), 0.08 * s, 0.08 * s)
    painter.end()
    return pixmap


def status_glyphs(state: RowState, locked: bool, palette: QPalette | None = None) -> QPixmap:
    """The Status column's decoration: the state's circle, then a padlock when fields are locked."""
    dark = is_dark(palette)
    key = (state, locked, dark)
    cached = _status_cache.get(key)
    if cached is not None:
        return cached
    width = _GLYPH * 2 + 4 if locked else _GLYPH
    pixmap = blank_pixmap(width, _GLYPH)
    painter = QPainter(pixmap)
    painter.drawPixmap(0, 0, status_pixmap(_STATE_GLYPH[state], _GLYPH, palette))
    if locked:
        painter.drawPixmap(_GLYPH + 4, 0, _lock_pixmap(_GLYPH, dark))
    painter.end()
    _status_cache[key] = pixmap
    return pixmap


#: What a placeholder card shows: drawn by (painter, width, height, dark) over the card, with the
#: card's edge as the pen.
CardMotif = Callable[[QPainter, float, float, bool], None]


def placeholder_card(
    cache: dict[tuple[int, int, bool], QPixmap],
    size: QSize,
    palette: QPalette | None,
    *,
    edge: tuple[str, str],
    radius: float,
    motif: CardMotif,
) -> QPixmap:
    """A neutral card of `size` with rounded corners (`radius`), edged in `edge` (its dark and
    light colours), with `motif` drawn on it; painted once per size and colour scheme (`cache`)."""
    dark = is_dark(palette)
    key = (size.width(), size.height(), dark)
    cached = cache.get(key)
    if cached is not None:
        return cached
    w, h = float(size.width()), float(size.height())
    pixmap = blank_pixmap(w, h)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor(edge[0] if dark else edge[1]), 1))
    painter.setBrush(QColor("#3a3d42" if dark else "#e4e6ea"))
    painter.drawRoundedRect(QRectF(0.5, 0.5, w - 1, h - 1), radius, radius)
    motif(painter, w, h, dark)
    painter.end()
    cache[key] = pixmap
    return pixmap


def poster_placeholder(size: QSize, palette: QPalette | None = None) -> QPixmap:
    """A neutral card with a small film-frame outline, shown where a poster is missing or loading."""
    return placeholder_card(
        _placeholder_cache, size, palette, edge=("#5a5d63", "#b8bcc4"), radius=3, motif=_film_frame
    )


def _film_frame(painter: QPainter, w: float, h: float, _dark: bool) -> None:
    painter.setBrush(Qt.BrushStyle.NoBrush)
    frame = QRectF(w * 0.25, h * 0.36, w * 0.5, h * 0.28)
    painter.drawRoundedRect(frame, 1.5, 1.5)
    for x in (0.35, 0.5, 0.65):
        painter.drawPoint(QPointF(w * x, h * 0.32))
        painter.drawPoint(QPointF(w * x, h * 0.68))


# --------------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------------


class LibraryModel(HeadedTableModel):
    """The library's movies: Title (with the poster), Year, Status (icon and label), Last enriched.

    Attributes:
        rows: every movie, in the order they were read (by id); the view shows a filtered, sorted
            selection of them.
        images: the poster loader, or None (placeholders only).
        provider_names: provider id -> display name, for tooltips.
        now: the current time, for "2 h ago" and retry times.
        posters: whether the Title column shows poster thumbnails.
    """

    HEADERS = HEADERS
    #: The metadata language whose leading articles the title sort skips (None: every language's).
    sort_language: str | None = None

    def __init__(
        self,
        *,
        images: ImageLoader | None = None,
        provider_names: Mapping[str, str] | None = None,
        now: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.rows: list[MovieRow] = []
        self.images = images
        self.provider_names: dict[str, str] = dict(provider_names or {})
        self.now: Callable[[], datetime] = now or (lambda: datetime.now().astimezone())
        self.posters = True
        self._titles: list[str] = []
        self._keys: list[str] = []
        self._position: dict[int, int] | None = None
        self._view: list[int] = []
        self._orders: dict[tuple[Column, bool], tuple[list[int], list[str]]] = {}
        self._recent: dict[str, list[int]] = {}
        self._sort: tuple[Column, Qt.SortOrder] | None = None
        self._needle = ""
        self._words: list[str] = []
        self._years: dict[int, str] = {}
        self._waiting: dict[str, set[int]] = {}
        self._failed: set[str] = set()
        if images is not None:
            images.loaded.connect(self._image_loaded)
            images.failed.connect(self._image_failed)

    # -- reading the rows in ---------------------------------------------------------------------

    def set_rows(self, rows: Sequence[MovieRow]) -> None:
        """Replace every row; the current filter and sort order are applied to the new rows."""
        self.beginResetModel()
        self.rows = list(rows)
        self._titles = _folded_titles(self.rows)
        self._keys = _search_keys(self.rows, self._titles)
        self._position = None
        self._forget_orders()
        self._waiting.clear()
        self._view = self._match(*self._ordered(), self._words)
        self.endResetModel()

    def _positions(self) -> dict[int, int]:
        """movie id -> row number (built on first use: opening the page does not need it)."""
        if self._position is None:
            self._position = {row.id: number for number, row in enumerate(self.rows)}
        return self._position

    def _forget_orders(self) -> None:
        self._orders.clear()
        self._recent.clear()

    def update_rows(self, rows: Iterable[MovieRow], removed: Iterable[int] = ()) -> None:
        """Fresh rows for some movies (new ones are added at the end); `removed` ids are dropped.

        Rows keep their places until the next sort or filter, so that a list the user is reading
        does not reorder itself while an enrichment runs.
        """
        positions = self._positions()
        gone = {movie_id for movie_id in removed if movie_id in positions}
        if gone:
            keep = [row for row in self.rows if row.id not in gone]
            fresh = {row.id: row for row in rows}
            self.set_rows([fresh.pop(row.id, row) for row in keep] + list(fresh.values()))
            return
        changed: list[int] = []
        added: list[int] = []
        for row in rows:
            number = positions.get(row.id)
            title = search_text(row.title)
            key = title if row.year is None else f"{title} {row.year}"
            if number is None:
                number = len(self.rows)
                self.rows.append(row)
                self._titles.append(title)
                self._keys.append(key)
                positions[row.id] = number
                added.append(number)
            else:
                self.rows[number] = row
                self._titles[number] = title
                self._keys[number] = key
                changed.append(number)
        if not changed and not added:
            return
        self._forget_orders()
        if changed and self._view:
            self._repaint(changed)
        shown = self._match(added, None, self._words)
        if shown:
            first = len(self._view)
            self.beginInsertRows(ROOT, first, first + len(shown) - 1)
            self._view = [*self._view, *shown]
            self.endInsertRows()
            if self._sort is not None:
                self._change_layout(self._with_sorted_places(shown))

    def _with_sorted_places(self, added: list[int]) -> list[int]:
        """The view with the `added` rows (shown at its end) moved to their places in the current
        sort order; the other rows keep theirs (the list being read does not reorder itself)."""
        fresh = set(added)
        old = [number for number in self._view if number not in fresh]
        position = {number: index for index, number in enumerate(old)}
        after: dict[int, list[int]] = {}
        anchor = -1
        for number in self._ordered()[0]:
            if number in fresh:
                after.setdefault(anchor, []).append(number)
            elif number in position:
                anchor = position[number]
        view = list(after.get(-1, []))
        for index, number in enumerate(old):
            view.append(number)
            view.extend(after.get(index, ()))
        return view

    def _repaint(self, numbers: list[int]) -> None:
        """dataChanged for these rows; for many, one signal over every row (the view then repaints
        what it shows, instead of looking each row up)."""
        last = len(HEADERS) - 1
        if len(numbers) > _FEW_CHANGED:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._view) - 1, last))
            return
        for number in numbers:
            try:
                view_row = self._view.index(number)
            except ValueError:
                continue
            self.dataChanged.emit(self.index(view_row, 0), self.index(view_row, last))

    # -- what is shown ---------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Every movie of the library (the filter's "of N")."""
        return len(self.rows)

    @property
    def filter_text(self) -> str:
        return self._needle

    def row_at(self, view_row: int) -> MovieRow:
        return self.rows[self._view[view_row]]

    def movie_id(self, view_row: int) -> int:
        return self.rows[self._view[view_row]].id

    def state_at(self, view_row: int) -> RowState:
        return row_state(self.rows[self._view[view_row]])

    def view_row_of(self, movie_id: int) -> int:
        """Where the movie is shown, or -1 (filtered out or unknown)."""
        number = self._positions().get(movie_id)
        if number is None:
            return -1
        try:
            return self._view.index(number)
        except ValueError:
            return -1

    def ids(self) -> list[int]:
        """Every movie's id, by id."""
        return [row.id for row in self.rows]

    def shown_ids(self, start: int = 0, stop: int | None = None) -> list[int]:
        """The ids shown, in view order (of view rows `start` to `stop`, excluded: all by default)."""
        rows = self.rows
        return [rows[number].id for number in self._view[start:stop]]

    def set_posters(self, shown: bool) -> None:
        if shown != self.posters:
            self.posters = shown
            self.column_changed(Column.TITLE, [Qt.ItemDataRole.DecorationRole])

    # -- filtering -------------------------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        """Show only movies whose title (or year) contains every word of `text`, ignoring case and
        accents. Typing more letters filters the rows already shown when they are few; deleting
        some reuses a recent result when there is one; anything else is one pass over every row."""
        words = search_text(text).split()
        needle = " ".join(words)
        if words == self._words:
            return
        view = self._recent.get(needle)
        if view is None:
            narrowing = bool(self._words) and needle.startswith(self._needle)
            if narrowing and len(self._view) * 2 <= len(self.rows):
                view = self._match(self._view, None, words)
            else:
                view = self._match(*self._ordered(), words)
            if needle:
                if len(self._recent) >= _RECENT_FILTERS:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[needle] = view
        self._needle, self._words = needle, words
        self._change_layout(view)

    def _match(
        self, candidates: Sequence[int], keys: Sequence[str] | None, words: Sequence[str]
    ) -> list[int]:
        """The candidates whose search key contains every word (`keys`: the candidates' keys in
        the same order, when at hand).

        The loops run in C (`compress` over `map` of `operator.contains`); the longest word goes
        first, over keys kept in view order when possible, and the others only over its matches.
        """
        if not words:
            return list(candidates)
        first, *others = sorted(words, key=len, reverse=True)
        every_key = self._keys
        if keys is None:
            keys = list(map(every_key.__getitem__, candidates))
        matched = list(compress(candidates, map(contains, keys, repeat(first))))
        for word in others:
            matched = list(
                compress(matched, map(contains, map(every_key.__getitem__, matched), repeat(word)))
            )
        return matched

    # -- sorting ---------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(HEADERS):
            return
        self._sort = (Column(column), order)
        self._recent.clear()
        self._change_layout(self._match(*self._ordered(), self._words))

    @property
    def sort_column(self) -> Column | None:
        return None if self._sort is None else self._sort[0]

    def _ordered(self) -> tuple[list[int], list[str]]:
        """Every row number in the current sort order, and their search keys in the same order
        (computed once per column and direction)."""
        if self._sort is None:
            return list(range(len(self.rows))), self._keys
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        cached = self._orders.get((column, descending))
        if cached is None:
            numbers = self._sorted(column, descending)
            keys = self._keys
            cached = self._orders[(column, descending)] = (numbers, [keys[n] for n in numbers])
        return cached

    def _sorted(self, column: Column, descending: bool) -> list[int]:
        """Stable orders (ties keep the id order); movies without a year or never enriched come
        last whichever the direction."""
        rows = self.rows
        numbers = range(len(rows))
        if column is Column.TITLE:
            # The sort title (a leading article skipped: "The Matrix" under M), then the year, so
            # that films of the same title are in the order they came out.
            keys = [
                (
                    sort_key(row.sort_title or row.title, self.sort_language),
                    row.year if row.year is not None else 9999,
                    row.id,
                )
                for row in rows
            ]
            return sorted(numbers, key=keys.__getitem__, reverse=descending)
        if column is Column.STATUS:
            ranks = [_STATE_RANK[row_state(row)] for row in rows]
            return sorted(numbers, key=ranks.__getitem__, reverse=descending)
        if column is Column.YEAR:
            known = [n for n in numbers if rows[n].year is not None]
            missing = [n for n in numbers if rows[n].year is None]
            return sorted(known, key=lambda n: rows[n].year or 0, reverse=descending) + missing
        enriched = [n for n in numbers if rows[n].last_enriched_at is not None]
        never = [n for n in numbers if rows[n].last_enriched_at is None]
        return sorted(enriched, key=lambda n: rows[n].last_enriched_at, reverse=descending) + never  # type: ignore[arg-type,return-value]

    def _change_layout(self, view: list[int]) -> None:
        """Show `view`, keeping selected and current rows on the same movies (PySide's signals take
        no layout hint, so the plain signals are emitted)."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        if old:
            shown = len(self._view)
            sources = [self._view[index.row()] if 0 <= index.row() < shown else -1 for index in old]
            wanted = set(sources) - {-1}
            if len(wanted) <= _FEW_PERSISTENT:
                # Usually one or two movies (the current and selected rows, one index per column).
                positions = dict.fromkeys(wanted, -1)
                for number in wanted:
                    with contextlib.suppress(ValueError):
                        positions[number] = view.index(number)
            else:
                positions = {number: row for row, number in enumerate(view)}
            new = []
            for index, number in zip(old, sources, strict=True):
                row = positions.get(number, -1)
                new.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
            self._view = view
            self.changePersistentIndexList(old, new)
        else:
            self._view = view
        self._waiting.clear()
        self.layoutChanged.emit()

    # -- posters ---------------------------------------------------------------------------------

    def _poster(self, view_row: int, row: MovieRow) -> QPixmap:
        url = row.poster
        images = self.images
        if url is None or images is None or url in self._failed:
            return poster_placeholder(THUMB_SIZE)
        pixmap = images.cached(url, THUMB_SIZE)
        if pixmap is not None:
            return pixmap
        waiting = self._waiting.get(url)
        if waiting is None:
            self._waiting[url] = {view_row}
            images.request(url, THUMB_SIZE)
        else:
            waiting.add(view_row)
        return poster_placeholder(THUMB_SIZE)

    def _image_loaded(self, url: str) -> None:
        for view_row in self._waiting.pop(url, ()):
            if view_row < len(self._view):
                index = self.index(view_row, Column.TITLE)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def _image_failed(self, url: str) -> None:
        self._failed.add(url)
        self._waiting.pop(url, None)

    # -- Qt model API ----------------------------------------------------------------------------

    def row_count(self) -> int:
        return len(self._view)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        view_row = index.row()
        if not index.isValid() or not 0 <= view_row < len(self._view):
            return None
        row = self.rows[self._view[view_row]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.TITLE:
                return row.title
            if column == Column.YEAR:
                return self._year_text(row.year)
            if column == Column.STATUS:
                state = row_state(row)
                label = state.label
                if state is RowState.INCOMPLETE:
                    label = f"{label}: {self._provider_list(row.incomplete_providers)}"
                if row.locked_fields:
                    label = f"{label} · {row.locked_fields} locked"
                return label
            if column == Column.ENRICHED:
                when = row.last_enriched_at
                return "" if when is None else relative_time(when, self.now())
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if column == Column.TITLE and self.posters:
                return self._poster(view_row, row)
            if column == Column.STATUS:
                return status_glyphs(row_state(row), row.locked_fields > 0, QGuiApplication.palette())
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(self._tooltip(row, row_state(row), column))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.YEAR:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.MOVIE_ID:
            return row.id
        if role == Role.ROW_STATE:
            return row_state(row).value
        if role == Role.POSTER_URL:
            return row.poster
        if role == Qt.ItemDataRole.AccessibleTextRole and column == Column.STATUS:
            return self._tooltip(row, row_state(row), column)
        return None

    def _provider_list(self, providers: Iterable[str]) -> str:
        names = self.provider_names
        return ", ".join(sorted(names.get(p, p) for p in providers))

    def _year_text(self, year: int | None) -> str:
        if year is None:
            return ""
        text = self._years.get(year)
        if text is None:
            text = self._years[year] = str(year)
        return text

    def _tooltip(self, row: MovieRow, state: RowState, column: int) -> str:
        if column == Column.TITLE:
            return row.title if row.year is None else f"{row.title} ({row.year})"
        now = self.now()
        if column == Column.ENRICHED:
            if row.last_enriched_at is None:
                return "Never enriched"
            local = row.last_enriched_at.astimezone().strftime("%Y-%m-%d %H:%M")
            return f"Last enriched {relative_time(row.last_enriched_at, now)} ({local})"
        if column != Column.STATUS:
            return ""
        lines: list[str] = []
        if state is RowState.NEEDS_IDENTIFICATION:
            lines.append(
                "Needs identification: the providers did not confirm which film this is. "
                "Choose it with Identify."
            )
        elif row.status is IdentificationStatus.UNIDENTIFIED:
            lines.append("Not identified or enriched yet: enriching it identifies it first.")
        elif row.last_enriched_at is None:
            lines.append("Identified, not enriched yet.")
        else:
            lines.append(f"Enriched {relative_time(row.last_enriched_at, now)}.")
        for provider, retry_at in sorted(row.incomplete_providers.items()):
            name = self.provider_names.get(provider, provider)
            wait = resets_in(retry_at, now)
            when = "due now" if wait == "now" else f"in {wait}"
            lines.append(f"Incomplete: {name} did not answer; retried {when}.")
        if row.locked_fields:
            noun = "field is" if row.locked_fields == 1 else "fields are"
            lines.append(f"{row.locked_fields} locked {noun} never changed by enrichment.")
        if not row.monitored:
            lines.append("Not monitored: the daily enrichment skips it.")
        return "\n".join(lines)
