"""The Identify dialog (documents 2 and 3): find which film a library movie is, then commit it.

Two ways in, as document 2's two modes:

- **Search** (title, optional year): searched as the user types, 300 ms after the last keystroke.
  Each edit cancels the running search (``Task.cancel``) and a search's answer is shown only if it
  is still the latest one, so a slow, stale answer can never replace a newer one. The candidates
  (merged across providers and scored, best first) are listed with their poster, year, overview,
  the providers that found them and the match confidence. Choosing one runs
  `IdentificationService.select` with its best id (TMDB, else IMDb, else TVDB): lookup,
  cross-reference, commit.
- **Lookup** (an id in the id box: ``tt0116191``, ``tmdb:9870``, a themoviedb.org address,
  ``tvdb:700046``): the id is looked up (`look_up`, nothing written) and the film shown as the only
  candidate; choosing it commits that lookup (`commit_lookup`, no second request).

Everything the user needs to know is said inline: searching, no results, a provider that failed
while others answered, no provider could search, a bad year or id, a failed identification. The
dialog is opened with ``open()`` through `ui.bridge.dialog_result`; Cancel (or Escape) cancels any
running search or lookup.

While a search or a lookup runs, a row of chips above the list shows each provider's part of it as
it happens ("searching…", "3 results", "no match", "failed: <short reason>" with the whole error in
its tooltip, "skipped: rate limited", "looking up…", "found"), from the identification's progress
events (`QueryProgress`). Every search gets its own `QueryProgress`, bound to the search's
generation: an edit detaches the running one, so the late events of a stale search never reach the
chips, as its late answer never reaches the list. The chips keep their places while the user types
(each provider "waiting" until the next search asks it).
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QRegularExpression,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QRegularExpressionValidator,
    QResizeEvent,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from metarr_desktop.core.formatting import DisplayStatus
from metarr_desktop.core.ids import IdType, InvalidIdError, parse_imdb_id
from metarr_desktop.core.matching import Candidate
from metarr_desktop.core.records import IdentificationStatus, MovieRecord, UnknownEntityError
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.events import FetchProgress, IdentifyStep, ProviderOutcome
from metarr_desktop.engine.identify import IdentificationError, LookupResult, SearchOutcome
from metarr_desktop.services.identification import (
    IdentifyResult,
    SelectionError,
    SelectionNotFoundError,
    parse_selection,
)
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.images import ImageLoader
from metarr_desktop.ui.common.safe_text import plain_label
from metarr_desktop.ui.common.theme import error_colour, status_colour, warning_colour
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.movie.models import ProviderProgress, ProviderState
from metarr_desktop.ui.movie.page import Chip, ChipRow, outcome_state, provider_state_colour

#: Milliseconds of quiet typing before a search starts.
DEBOUNCE_MS = 300
MIN_YEAR, MAX_YEAR = 1870, 2100
#: Poster thumbnails in the list (2:3).
THUMB = QSize(48, 72)
ID_FORMS = "tt0116191, tmdb:9870, a themoviedb.org address or tvdb:700046"
#: At most this many characters of a failure's reason on its chip (the whole error is in the tooltip);
#: fewer when the row would not fit the dialog.
REASON_CHARS = 28

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
_TMDB_URL = re.compile(r"themoviedb\.org/(?:[a-z]{2}(?:-[a-z]{2})?/)?movie/(\d+)")
_TMDB_ORIGINAL = "image.tmdb.org/t/p/original/"


class Identification(Protocol):
    """What the dialog needs of `IdentificationService` (a fake stands in for it in tests).

    `progress` receives each provider's part of the work as it happens (it may send nothing).
    """

    async def search(
        self, query: str, year: int | None = None, *, progress: FetchProgress | None = None
    ) -> SearchOutcome: ...

    async def select(
        self, movie_id: int, choice: str, *, progress: FetchProgress | None = None
    ) -> IdentifyResult: ...

    async def look_up(self, choice: str, *, progress: FetchProgress | None = None) -> LookupResult: ...

    def commit_lookup(self, movie_id: int, lookup: LookupResult) -> IdentifyResult: ...


# --------------------------------------------------------------------------------------------------
# Plain helpers (no widgets)
# --------------------------------------------------------------------------------------------------


def parse_id_input(text: str) -> str | None:
    """The choice (``"imdb:tt0116191"``, ``"tmdb:9870"``, ``"tvdb:700046"``) that the id box's text
    names, or None when it is empty. Raises `InvalidIdError` or `SelectionError` with a message for
    the user.

    Accepted: an IMDb id or IMDb address, ``imdb:``/``tmdb:``/``tvdb:`` followed by the id, a
    themoviedb.org movie address. A bare number is refused: it could be a TMDB or a TVDB id.
    """
    text = text.strip()
    if not text:
        return None
    lower = text.lower()
    if "themoviedb.org" in lower:
        match = _TMDB_URL.search(lower)
        if match is None:
            raise InvalidIdError(
                f"not a TMDB movie address: {text} (expected …themoviedb.org/movie/9870-emma)"
            )
        return f"tmdb:{int(match.group(1))}"
    if "imdb.com" in lower or lower.startswith("tt"):
        return f"imdb:{parse_imdb_id(text)}"
    if text.isdigit():
        raise SelectionError(f"{text} could be a TMDB or a TVDB id: type tmdb:{text} or tvdb:{text}")
    if ":" not in text:
        raise SelectionError(f"not an id: {text!r} (expected {ID_FORMS})")
    kind, value = next(iter(parse_selection(text).known().items()))
    return f"{kind.value}:{value}"


def best_choice(candidate: Candidate) -> str | None:
    """The id to identify a candidate by: TMDB, else IMDb, else TVDB (``"tmdb:9870"``)."""
    for kind in (IdType.TMDB, IdType.IMDB, IdType.TVDB):
        value = candidate.external_ids.get(kind)
        if value is not None:
            return f"{kind.value}:{value}"
    return None


def thumbnail_url(url: str) -> str:
    """A small rendition of a poster where the provider offers one (TMDB's ``w185`` instead of the
    multi-megabyte original); other URLs are returned unchanged."""
    return url.replace(_TMDB_ORIGINAL, "image.tmdb.org/t/p/w185/", 1)


def candidate_from_lookup(lookup: LookupResult, order: Sequence[str]) -> Candidate:
    """The film a lookup found, as a list entry: fields from the first provider (in `order`) that
    has each one; confidence 100 (an id is an exact answer)."""
    answers = [lookup.answers[p] for p in order if p in lookup.answers]
    answers += [a for p, a in lookup.answers.items() if p not in order]

    def first(*names: str) -> Any:
        for answer in answers:
            for name in names:
                value = answer.fields.get(name)
                if value:
                    return value
        return None

    year = first("year")
    poster = first("poster")
    return Candidate(
        providers=tuple(a.provider for a in answers),
        external_ids=lookup.ids,
        title=str(first("title") or best_label(lookup)),
        original_title=first("original_title"),
        year=int(year) if isinstance(year, int | str) and str(year).isdigit() else None,
        release_date=first("release_date"),
        overview=first("plot", "outline"),
        poster_url=str(poster) if poster else None,
        confidence=100.0,
    )


def best_label(lookup: LookupResult) -> str:
    known = lookup.ids.known()
    return ", ".join(f"{kind.value} {value}" for kind, value in known.items()) or "unknown film"


def describe_failures(failures: Sequence[FailedProvider], names: dict[str, str]) -> str:
    return "; ".join(f"{names.get(f.provider, f.provider)}: {f.error}" for f in failures)


def friendly_date(text: str) -> str:
    """``1996-08-02`` as ``2 Aug 1996``; anything else unchanged."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{day.day} {day:%b %Y}"


def title_with_year(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


def confidence_status(confidence: float) -> DisplayStatus:
    """The colour of a confidence bar: green for a strong match, amber for a fair one."""
    if confidence >= 80:
        return DisplayStatus.HEALTHY
    if confidence >= 60:
        return DisplayStatus.DEGRADED
    return DisplayStatus.UNKNOWN


# --------------------------------------------------------------------------------------------------
# Each provider's part of one search or lookup (Qt-free)
# --------------------------------------------------------------------------------------------------


def short_reason(detail: str, limit: int = REASON_CHARS) -> str:
    """The gist of a provider's error for its chip: the text before its parenthesised details, cut
    at a word to at most `limit` characters ("the API key was refused (Invalid API key…)" is "the
    API key was refused"); empty when `limit` is 0."""
    gist = detail.split(" (", 1)[0].strip().rstrip(".:;,")
    if limit <= 0:
        return ""
    if len(gist) <= limit:
        return gist
    cut = gist[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


#: A chip's text for a provider's state within a step (failures and skips add their reason).
_CHIP_TEXT = {
    (IdentifyStep.SEARCH, ProviderState.RUNNING): "searching…",
    (IdentifyStep.SEARCH, ProviderState.DONE): "answered",
    (IdentifyStep.SEARCH, ProviderState.NOT_FOUND): "no match",
    (IdentifyStep.LOOKUP, ProviderState.RUNNING): "looking up…",
    (IdentifyStep.LOOKUP, ProviderState.DONE): "found",
    (IdentifyStep.LOOKUP, ProviderState.NOT_FOUND): "not found",
}

#: A chip's tooltip for a provider's state within a step; ``{name}`` and ``{detail}`` are filled in.
_CHIP_TIP = {
    (IdentifyStep.SEARCH, ProviderState.WAITING): "{name} has not been asked to search yet.",
    (IdentifyStep.SEARCH, ProviderState.RUNNING): "{name} is searching for the title…",
    (IdentifyStep.SEARCH, ProviderState.DONE): "{name} answered the search: {detail}.",
    (IdentifyStep.SEARCH, ProviderState.NOT_FOUND): "{name} found no film with this title.",
    (IdentifyStep.SEARCH, ProviderState.FAILED): "{name} could not search: {detail}",
    (IdentifyStep.LOOKUP, ProviderState.WAITING): "{name} has not been asked to look the id up yet.",
    (IdentifyStep.LOOKUP, ProviderState.RUNNING): "{name} is looking the id up…",
    (IdentifyStep.LOOKUP, ProviderState.DONE): "{name} knows this film: {detail}.",
    (IdentifyStep.LOOKUP, ProviderState.NOT_FOUND): "{name} does not know this id.",
    (IdentifyStep.LOOKUP, ProviderState.FAILED): "{name} could not look the id up: {detail}",
}

_COMMON_TIP = {
    ProviderState.RETRY: "{name} failed and is being asked again ({detail}).",
    ProviderState.TIMEOUT: "{name} did not answer in time: {detail}",
    ProviderState.RATE_LIMITED: "{name} was not asked: {detail}. It is asked again after its reset.",
    ProviderState.SKIPPED: "{name} was not asked: {detail}.",
}


class QueryProgress(FetchProgress):
    """Each provider's part of one search or lookup of the dialog, from the identification's events.

    The dialog makes one for every search, lookup or choice and shows only the newest one's states;
    `detach()` makes an older one ignore every event from then on (a cancelled search that still
    reports something). `listener()` is called after every change while attached.

    A new one may start from the providers the previous one showed (`waiting`, with its `step`), so
    the chips keep their places while the user types; the first step the search announces replaces
    them with exactly the providers it asks.

    Attributes:
        generation: the dialog's search generation this progress belongs to.
        step: the step running, or the one expected before any is announced.
        states: provider -> its progress, in the order first heard of.
        steps: provider -> the step its state belongs to.
        attached: False once detached.
    """

    def __init__(
        self,
        generation: int,
        step: IdentifyStep,
        *,
        waiting: Iterable[str] = (),
        listener: Callable[[], None] | None = None,
    ) -> None:
        self.generation = generation
        self.step = step
        self.states: dict[str, ProviderProgress] = {p: ProviderProgress(p) for p in waiting}
        self.steps: dict[str, IdentifyStep] = dict.fromkeys(self.states, step)
        self.attached = True
        self._listener = listener
        self._placeholders = set(self.states)
        self._settled: set[str] = set()

    def detach(self) -> None:
        """Ignore every later event (the search this belongs to is stale)."""
        self.attached = False
        self._listener = None

    @property
    def finished(self) -> bool:
        return all(progress.state.finished for progress in self.states.values())

    def _set(self, provider: str, state: ProviderState, **extra: Any) -> None:
        self._placeholders.discard(provider)
        self.states[provider] = ProviderProgress(provider, state, **extra)
        self.steps[provider] = self.step
        if self._listener is not None:
            self._listener()

    # -- events ------------------------------------------------------------------------------------

    def on_identify_step(self, step: IdentifyStep, providers: Sequence[str]) -> None:
        if not self.attached:
            return
        self.step = step
        for provider in [p for p in self._placeholders if p not in providers]:
            del self.states[provider], self.steps[provider]
        self._placeholders.clear()
        for provider in providers:
            self._settled.discard(provider)
            self._set(provider, ProviderState.WAITING)

    def on_provider_start(self, provider: str) -> None:
        if self.attached:
            self._settled.discard(provider)
            self._set(provider, ProviderState.RUNNING)

    def on_provider_retry(self, provider: str, attempt: int, max_retries: int) -> None:
        if self.attached:
            self._set(provider, ProviderState.RETRY, attempt=attempt, max_retries=max_retries)

    def on_provider_timeout(self, provider: str) -> None:
        if self.attached:
            self._set(provider, ProviderState.TIMEOUT, detail="its request was cancelled")

    def on_provider_outcome(
        self, provider: str, step: IdentifyStep, outcome: ProviderOutcome, detail: str
    ) -> None:
        if not self.attached:
            return
        self.step = step
        self._settled.add(provider)
        self._set(provider, outcome_state(outcome), detail=detail)

    def on_provider_complete(self, provider: str, success: bool) -> None:
        if not self.attached or provider in self._settled:
            return  # its outcome said more than `success` can
        current = self.states.get(provider)
        if success:
            self._set(provider, ProviderState.DONE)
        elif current is None or current.state is not ProviderState.TIMEOUT:
            self._set(provider, ProviderState.FAILED)

    def finish(
        self,
        *,
        answered: Iterable[str] = (),
        not_found: Iterable[str] = (),
        failures: Sequence[FailedProvider] = (),
    ) -> None:
        """The search or lookup ended: providers still waiting from the previous one (never asked)
        are dropped, and what the result says settles any provider whose end was not reported."""
        if not self.attached:
            return
        for provider in list(self._placeholders):
            del self.states[provider], self.steps[provider]
        self._placeholders.clear()
        errors = {f.provider: f.error for f in failures}
        unknown = set(not_found)
        for provider in dict.fromkeys([*answered, *unknown, *errors]):
            current = self.states.get(provider)
            if current is not None and current.state.finished:
                continue
            if provider in errors:
                self._set(provider, ProviderState.FAILED, detail=errors[provider])
            elif provider in unknown:
                self._set(provider, ProviderState.NOT_FOUND)
            else:
                self._set(provider, ProviderState.DONE)
        for provider, progress in list(self.states.items()):
            if not progress.state.finished:  # its end was never reported
                self._set(provider, ProviderState.SKIPPED, detail="no answer reported")
        if self._listener is not None:
            self._listener()

    # -- what a chip says --------------------------------------------------------------------------

    def text_of(self, provider: str, reason_chars: int = REASON_CHARS) -> str:
        """The chip text of `provider`'s state: "searching…", "3 results", "failed: <reason>"."""
        progress = self.states[provider]
        step = self.steps.get(provider, self.step)
        state = progress.state
        if state is ProviderState.DONE and step is IdentifyStep.SEARCH and progress.detail:
            return progress.detail  # "3 results"
        if state in (ProviderState.FAILED, ProviderState.SKIPPED):
            reason = short_reason(progress.detail, reason_chars)
            return f"{state.value}: {reason}" if reason else state.value
        return _CHIP_TEXT.get((step, state), progress.text)

    def tooltip_of(self, provider: str, name: str) -> str:
        """A sentence about `provider`'s state with the whole of its error (rich text)."""
        progress = self.states[provider]
        step = self.steps.get(provider, self.step)
        template = _CHIP_TIP.get((step, progress.state)) or _COMMON_TIP.get(progress.state)
        detail = progress.detail
        if progress.state is ProviderState.RETRY:
            detail = f"retry {progress.attempt} of {progress.max_retries}"
        if template is None:
            text = f"{name}: {self.text_of(provider)}"
        elif detail:
            text = template.format(name=name, detail=detail)
        else:
            text = template.replace(": {detail}", "").replace(" ({detail})", "").format(name=name)
        return f"<qt>{html.escape(text)}</qt>"


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


# --------------------------------------------------------------------------------------------------
# The candidates model
# --------------------------------------------------------------------------------------------------


class CandidateRole(IntEnum):
    CANDIDATE = Qt.ItemDataRole.UserRole + 1
    CONFIDENCE = Qt.ItemDataRole.UserRole + 2
    PROVIDER_NAMES = Qt.ItemDataRole.UserRole + 3
    CHOICE = Qt.ItemDataRole.UserRole + 4
    EXACT = Qt.ItemDataRole.UserRole + 5
    DETAILS = Qt.ItemDataRole.UserRole + 6


class CandidateModel(QAbstractListModel):
    """The candidates of one search (best first), or the one film an id lookup found.

    Posters are asked of the image loader when the candidates are set; the rows whose poster
    arrives are repainted (`DecorationRole` is the pixmap, or None for the placeholder).

    Attributes:
        candidates: the rows.
        exact: True when the rows come from an id lookup rather than a search.
    """

    def __init__(
        self,
        images: ImageLoader | None = None,
        names: dict[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.candidates: list[Candidate] = []
        self.exact = False
        self.images = images
        self.names = dict(names or {})
        if images is not None:
            images.loaded.connect(self._poster_loaded)

    def set_candidates(self, candidates: Sequence[Candidate], *, exact: bool = False) -> None:
        self.beginResetModel()
        self.candidates = list(candidates)
        self.exact = exact
        self.endResetModel()
        if self.images is not None:
            for url in dict.fromkeys(u for c in self.candidates if (u := self.poster_url(c))):
                if self.images.cached(url, THUMB) is None:
                    self.images.request(url, THUMB)

    def clear(self) -> None:
        self.set_candidates([])

    def candidate(self, row: int) -> Candidate:
        return self.candidates[row]

    @staticmethod
    def poster_url(candidate: Candidate) -> str | None:
        return thumbnail_url(candidate.poster_url) if candidate.poster_url else None

    def _poster_loaded(self, url: str) -> None:
        for row, candidate in enumerate(self.candidates):
            if self.poster_url(candidate) == url:
                index = self.index(row)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def provider_names(self, candidate: Candidate) -> list[str]:
        return [self.names.get(p, p) for p in candidate.providers]

    def details(self, candidate: Candidate) -> str:
        """The line under the title: release date and ids."""
        parts: list[str] = []
        if candidate.release_date:
            parts.append(f"released {friendly_date(candidate.release_date)}")
        if candidate.original_title and candidate.original_title != candidate.title:
            parts.append(f"original title {candidate.original_title}")
        parts.extend(f"{kind.value} {value}" for kind, value in candidate.external_ids.known().items())
        return "  ·  ".join(parts)

    # -- Qt model API ------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.candidates)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.candidates):
            return None
        candidate = self.candidates[index.row()]
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
            match = "found by its id" if self.exact else f"{candidate.confidence:.0f} percent match"
            providers = ", ".join(self.provider_names(candidate))
            return f"{title_with_year(candidate.title, candidate.year)}, {match}, found by {providers}"
        if role == CandidateRole.CANDIDATE:
            return candidate
        if role == CandidateRole.CONFIDENCE:
            return candidate.confidence
        if role == CandidateRole.PROVIDER_NAMES:
            return self.provider_names(candidate)
        if role == CandidateRole.CHOICE:
            return best_choice(candidate)
        if role == CandidateRole.EXACT:
            return self.exact
        if role == CandidateRole.DETAILS:
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


# --------------------------------------------------------------------------------------------------
# The candidate list: delegate and view
# --------------------------------------------------------------------------------------------------


def elide_lines(text: str, font: QFont, width: int, lines: int) -> list[str]:
    """`text` laid out in at most `lines` lines of `width` pixels, the last one elided."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    out: list[str] = []
    metrics = QFontMetrics(font)
    while len(out) < lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        start, length = line.textStart(), line.textLength()
        if len(out) == lines - 1:
            rest = text[start:].replace("\n", " ")
            out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))
            break
        out.append(text[start : start + length].rstrip())
    layout.endLayout()
    return out


class CandidateDelegate(QStyledItemDelegate):
    """Paints one candidate: poster, title and year, provider chips and ids, two lines of the
    overview, and the confidence as a percentage over a bar."""

    PADDING = 8
    SCORE_WIDTH = 96

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(480, THUMB.height() + 2 * self.PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        candidate = index.data(CandidateRole.CANDIDATE)
        if not isinstance(candidate, Candidate):
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        palette: QPalette = option.palette
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        soft_colour = QColor(text_colour) if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        if selected:
            soft_colour.setAlpha(200)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pad = self.PADDING
        poster = QRect(rect.left() + pad, rect.top() + pad, THUMB.width(), THUMB.height())
        self._paint_poster(painter, poster, index.data(Qt.ItemDataRole.DecorationRole), candidate, palette)

        score = QRect(
            rect.right() - self.SCORE_WIDTH - pad, rect.top() + pad, self.SCORE_WIDTH, THUMB.height()
        )
        self._paint_score(
            painter, score, candidate, bool(index.data(CandidateRole.EXACT)), palette, text_colour
        )

        left = poster.right() + 14
        width = score.left() - 14 - left
        base = QFont(option.font)
        title_font = QFont(base)
        title_font.setBold(True)
        title_font.setPointSizeF(base.pointSizeF() * 1.1)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.88)
        title_metrics = QFontMetrics(title_font)
        y = rect.top() + pad

        # Title, then the year in a lighter colour.
        year_text = f"  {candidate.year}" if candidate.year else ""
        year_width = QFontMetrics(base).horizontalAdvance(year_text)
        title = title_metrics.elidedText(
            candidate.title, Qt.TextElideMode.ElideRight, max(40, width - year_width)
        )
        painter.setFont(title_font)
        painter.setPen(text_colour)
        title_rect = QRect(left, y, width, title_metrics.height())
        painter.drawText(title_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title)
        if year_text:
            painter.setFont(base)
            painter.setPen(soft_colour)
            after = left + title_metrics.horizontalAdvance(title)
            painter.drawText(
                QRect(after, y, year_width + 4, title_metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                year_text,
            )
        y += title_metrics.height() + 3

        # Provider chips, then the release date and ids.
        painter.setFont(small)
        small_metrics = QFontMetrics(small)
        chip_height = small_metrics.height() + 2
        x = left
        for name in index.data(CandidateRole.PROVIDER_NAMES) or []:
            chip_width = small_metrics.horizontalAdvance(name) + 12
            if x + chip_width > left + width:
                break
            chip = QRectF(x, y, chip_width, chip_height)
            if selected:
                fill = QColor(palette.color(QPalette.ColorRole.HighlightedText))
                fill.setAlpha(55)
            else:
                fill = QColor(palette.color(QPalette.ColorRole.Highlight))
                fill.setAlpha(38)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(chip, chip_height / 2, chip_height / 2)
            painter.setPen(text_colour)
            painter.drawText(chip, int(Qt.AlignmentFlag.AlignCenter), name)
            x += chip_width + 4
        details = str(index.data(CandidateRole.DETAILS) or "")
        if details and x < left + width - 40:
            painter.setPen(soft_colour)
            painter.drawText(
                QRect(x + 6, y, left + width - x - 6, chip_height),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                small_metrics.elidedText(details, Qt.TextElideMode.ElideRight, left + width - x - 6),
            )
        y += chip_height + 4

        # Two lines of the overview (the whole of it is in the tooltip).
        painter.setFont(base)
        base_metrics = QFontMetrics(base)
        overview = candidate.overview or "No overview."
        painter.setPen(text_colour if candidate.overview else soft_colour)
        for line in elide_lines(overview, base, width, 2):
            painter.drawText(
                QRect(left, y, width, base_metrics.height()),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                line,
            )
            y += base_metrics.height()
        painter.restore()

    @staticmethod
    def _paint_poster(
        painter: QPainter, rect: QRect, pixmap: object, candidate: Candidate, palette: QPalette
    ) -> None:
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.scaled(
                rect.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(rect.center())
            painter.drawPixmap(target, scaled)
            return
        painter.save()  # the initial's big font must not reach the score painted next
        fill = QColor(palette.color(QPalette.ColorRole.Mid))
        fill.setAlpha(70)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(rect), 4, 4)
        font = QFont(painter.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        initial = next((ch for ch in candidate.title if ch.isalnum()), "?").upper()
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), initial)
        painter.restore()

    def _paint_score(
        self,
        painter: QPainter,
        rect: QRect,
        candidate: Candidate,
        exact: bool,
        palette: QPalette,
        text_colour: QColor,
    ) -> None:
        confidence = max(0.0, min(100.0, candidate.confidence))
        colour = status_colour(DisplayStatus.HEALTHY if exact else confidence_status(confidence), palette)
        font = QFont(painter.font())
        big = QFont(font)
        big.setBold(True)
        big.setPointSizeF(font.pointSizeF() * 1.25)
        big_height = QFontMetrics(big).height()
        top = rect.top() + (rect.height() - big_height - 22) // 2
        painter.setFont(big)
        painter.setPen(text_colour)
        label = "exact" if exact else f"{confidence:.0f}%"
        painter.drawText(
            QRect(rect.left(), top, rect.width(), big_height),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            label,
        )
        bar = QRectF(rect.left() + 8, top + big_height + 4, rect.width() - 8, 6)
        track = QColor(palette.color(QPalette.ColorRole.Mid))
        track.setAlpha(90)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(bar, 3, 3)
        filled = QRectF(
            bar.left(), bar.top(), max(bar.height(), bar.width() * confidence / 100.0), bar.height()
        )
        painter.setBrush(colour)
        painter.drawRoundedRect(filled, 3, 3)
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(small)
        soft = QColor(text_colour)
        soft.setAlpha(150)
        painter.setPen(soft)
        painter.drawText(
            QRect(rect.left(), int(bar.bottom()) + 2, rect.width(), QFontMetrics(small).height()),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
            "found by id" if exact else "match",
        )


class CandidateList(QListView):
    """The candidates; Enter or a double click chooses the current one. While there are none, a
    short placeholder says why ("Searching…", "No films found").

    Attributes:
        placeholder: the text shown while the list is empty.

    Signals:
        chosen(int): the row the user chose.
    """

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder = ""
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlternatingRowColors(True)
        self.setMouseTracking(True)
        self.setAccessibleName("Candidates")

    def set_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if not self.placeholder or (model is not None and model.rowCount() > 0):
            return
        painter = QPainter(self.viewport())
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.placeholder)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.currentIndex().isValid():
                self.chosen.emit(self.currentIndex().row())
            event.accept()
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            self.setCurrentIndex(index)
            self.chosen.emit(index.row())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)


class _Field(QLineEdit):
    """A line edit whose Down arrow moves to the candidate list."""

    downPressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.downPressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


# --------------------------------------------------------------------------------------------------
# The dialog
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Search:
    title: str
    year: int | None


@dataclass(frozen=True, slots=True)
class _Lookup:
    choice: str


#: How a provider's part ended, in the note under the chips (the chip says why).
_FAILURE_WORDS = {
    ProviderState.FAILED: "failed",
    ProviderState.TIMEOUT: "timed out",
    ProviderState.RATE_LIMITED: "rate limited",
    ProviderState.SKIPPED: "not asked",
}


def _step_of(request: _Search | _Lookup) -> IdentifyStep:
    return IdentifyStep.LOOKUP if isinstance(request, _Lookup) else IdentifyStep.SEARCH


class IdentifyDialog(QDialog):
    """Identify one library movie: search or look an id up, choose, commit.

    Attributes:
        movie_id: the movie identified.
        movie: the movie as it was when the dialog opened.
        service: the identification use cases (`IdentificationService`).
        model: the candidates shown.
        identify_result: the committed identification after a successful choice, else None.
        debounce: the timer that starts a search after the typing pauses.
        progress: each provider's part of the newest search, lookup or choice (what the chips
            show), None while there is nothing to search.
        provider_chips: one chip per provider asked, above the list.

    Signals:
        identified(int): the movie was identified (its id); the dialog then accepts.
        searchFinished(): a search or lookup finished and its outcome is shown (never emitted for
            a cancelled or stale one).
    """

    identified = Signal(int)
    searchFinished = Signal()

    def __init__(
        self,
        ctx: UiContext,
        movie_id: int,
        parent: QWidget | None = None,
        *,
        service: Identification | None = None,
    ) -> None:
        super().__init__(parent)
        if service is None:
            if ctx.suite is None:
                raise ValueError("the Identify dialog needs the library suite (ctx.suite)")
            service = ctx.suite.identification
        self.ctx = ctx
        self.movie_id = movie_id
        self.service: Identification = service
        self.movie: MovieRecord = self._load_movie(ctx, movie_id)
        self.identify_result: IdentifyResult | None = None
        views = ctx.providers.all()
        self.names = {view.id: view.spec.name for view in views}
        self.order = [view.id for view in views]
        self._task: asyncio.Task[None] | None = None
        self._select_task: asyncio.Task[None] | None = None
        self._generation = 0
        self._looked_up: tuple[str, LookupResult] | None = None
        self._busy = False
        self._selecting = False
        self.progress: QueryProgress | None = None

        self.setWindowTitle(f"Identify {self.movie.title}")
        self.setObjectName("identify-dialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumSize(760, 600)

        wanted = title_with_year(self.movie.title, self.movie.year)
        heading = plain_label(QLabel(f"Which film is “{wanted}”?"))
        heading_font = QFont(heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.3)
        heading_font.setBold(True)
        heading.setFont(heading_font)
        heading.setWordWrap(True)
        self.subtitle = plain_label(QLabel(self._describe_movie()))
        self.subtitle.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.subtitle.setWordWrap(True)

        self.title_edit = _Field(self.movie.title)
        self.title_edit.setPlaceholderText("Title to search for")
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setClearButtonEnabled(True)
        self.year_edit = _Field("" if self.movie.year is None else str(self.movie.year))
        self.year_edit.setPlaceholderText("any")
        self.year_edit.setAccessibleName("Year")
        self.year_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}"), self))
        self.year_edit.setMaximumWidth(84)
        self.year_edit.setToolTip(f"Optional: the release year ({MIN_YEAR}-{MAX_YEAR})")
        self.id_edit = _Field()
        self.id_edit.setPlaceholderText(ID_FORMS)
        self.id_edit.setAccessibleName("Id")
        self.id_edit.setClearButtonEnabled(True)
        self.id_edit.setToolTip("An id is looked up directly instead of searching by title")
        self.input_error = plain_label(QLabel())
        self.input_error.setObjectName("input-error")
        self.input_error.setWordWrap(True)
        self._colour(self.input_error, error_colour(self.palette()))
        self.input_error.hide()

        form = QGridLayout()
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(8)
        title_label = QLabel("&Title")
        title_label.setBuddy(self.title_edit)
        year_label = QLabel("&Year")
        year_label.setBuddy(self.year_edit)
        id_label = QLabel("or &id")
        id_label.setBuddy(self.id_edit)
        form.addWidget(title_label, 0, 0)
        form.addWidget(self.title_edit, 0, 1)
        form.addWidget(year_label, 0, 2)
        form.addWidget(self.year_edit, 0, 3)
        form.addWidget(id_label, 1, 0)
        form.addWidget(self.id_edit, 1, 1, 1, 3)
        form.addWidget(self.input_error, 2, 1, 1, 3)
        form.setColumnStretch(1, 1)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedSize(72, 8)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        self.status = plain_label(QLabel())
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status_row = QHBoxLayout()
        status_row.setSpacing(10)
        status_row.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignVCenter)
        status_row.addWidget(self.status, 1)
        self.note = plain_label(QLabel())
        self.note.setObjectName("note")
        self.note.setWordWrap(True)
        note_font = QFont(self.note.font())
        note_font.setPointSizeF(note_font.pointSizeF() * 0.92)
        self.note.setFont(note_font)
        self._colour(self.note, warning_colour(self.palette()))
        self.note.hide()
        self.provider_chips = ProviderChips()
        self.provider_chips.setObjectName("provider-progress")
        self.provider_chips.setAccessibleName("Providers")
        self.provider_chips.hide()

        self.model = CandidateModel(ctx.images, self.names, self)
        self.view = CandidateList()
        self.view.setModel(self.model)
        self.view.setItemDelegate(CandidateDelegate(self.view))
        self.view.setMinimumHeight(3 * (THUMB.height() + 2 * CandidateDelegate.PADDING) + 4)
        self.view.chosen.connect(self._on_chosen)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)

        hint = QLabel("↑ ↓ to move, Enter or a double click to choose")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.choose_button = QPushButton("Identify as this")
        self.choose_button.setAutoDefault(False)
        bold = QFont(self.choose_button.font())
        bold.setBold(True)
        self.choose_button.setFont(bold)
        self.choose_button.setToolTip("Look the chosen film up, complete its ids and save them")
        self.choose_button.clicked.connect(self._on_choose_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.choose_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.subtitle)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addLayout(status_row)
        layout.addWidget(self.provider_chips)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.search_now)
        for edit in (self.title_edit, self.year_edit, self.id_edit):
            edit.textChanged.connect(self._inputs_changed)
            edit.returnPressed.connect(self.search_now)
            edit.downPressed.connect(self._focus_list)
        self._update_buttons()
        self._inputs_changed()

    # -- reading the inputs ------------------------------------------------------------------------

    @staticmethod
    def _load_movie(ctx: UiContext, movie_id: int) -> MovieRecord:
        if ctx.library is not None:
            return ctx.library.get(movie_id)
        if ctx.suite is not None:
            return ctx.suite.app.movies.require(movie_id)
        raise UnknownEntityError(movie_id)

    def _describe_movie(self) -> str:
        movie = self.movie
        if movie.status is IdentificationStatus.IDENTIFIED:
            known = ", ".join(f"{k.value} {v}" for k, v in movie.ids.known().items())
            state = f"Identified now as {known}; choosing another film replaces these ids."
        elif movie.status is IdentificationStatus.NEEDS_IDENTIFICATION:
            state = "Needs identification: the automatic match found no film or more than one."
        else:
            state = "Not identified yet."
        return f"{state}  Folder: {movie.path}" if movie.path else state

    def request(self) -> _Search | _Lookup | None:
        """What the inputs ask for, or None (nothing to search, or an input error, which is shown)."""
        error = ""
        request: _Search | _Lookup | None = None
        try:
            choice = parse_id_input(self.id_edit.text())
        except (InvalidIdError, SelectionError) as exc:
            error = f"{exc} — or clear the id to search by title."
        else:
            if choice is not None:
                request = _Lookup(choice)
            else:
                year_text = self.year_edit.text().strip()
                year = int(year_text) if year_text else None
                title = self.title_edit.text().strip()
                if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
                    error = f"The year must be between {MIN_YEAR} and {MAX_YEAR}, or left empty."
                elif title:
                    request = _Search(title, year)
        self.input_error.setText(error)
        self.input_error.setVisible(bool(error))
        return request

    # -- searching and looking up ------------------------------------------------------------------

    @property
    def task(self) -> asyncio.Task[None] | None:
        """The running (or last) search or lookup."""
        return self._task

    def _inputs_changed(self) -> None:
        """An edit: whatever is running is stale now; search again once the typing pauses."""
        if self._selecting:
            return
        self._cancel_task()
        request = self.request()
        self._sync_inputs()
        if request is None:
            self.debounce.stop()
            self.model.clear()
            self._looked_up = None
            self._set_busy(False)
            self._show_note("")
            self._set_progress(None)
            if self.input_error.isVisible():
                self._show_status("Nothing is searched until the input above is fixed.")
                self.view.set_placeholder("Fix the input above to search.")
            else:
                self._show_status("Type a title to search, or paste an id.")
                self.view.set_placeholder("Type a title to search, or paste an id.")
            self._update_buttons()
            return
        self._set_busy(True)
        self._show_status(self._doing(request))
        self.view.set_placeholder("Looking it up…" if isinstance(request, _Lookup) else "Searching…")
        self._show_note("")  # it spoke of the providers of the search the chips no longer show
        self._set_progress(self._new_progress(_step_of(request)))
        self.debounce.start()

    def _doing(self, request: _Search | _Lookup) -> str:
        if isinstance(request, _Lookup):
            return f"Looking up {request.choice}…"
        return f"Searching for “{title_with_year(request.title, request.year)}”…"

    def search_now(self) -> None:
        """Start the search (or lookup) the inputs ask for now, cancelling the running one."""
        self.debounce.stop()
        if self._selecting:
            return
        self._cancel_task()
        request = self.request()
        if request is None:
            return
        generation = self._generation
        self._set_busy(True)
        self._show_status(self._doing(request))
        progress = self._new_progress(_step_of(request))
        self._set_progress(progress)
        if isinstance(request, _Lookup):
            self._task = spawn(self._look_up(generation, request.choice, progress))
        else:
            self._task = spawn(self._search(generation, request.title, request.year, progress))

    def _cancel_task(self) -> None:
        """Cancel the running search or lookup; any answer it may still produce is stale, and so is
        any progress event it may still send (its progress is detached)."""
        self._generation += 1
        if self.progress is not None:
            self.progress.detach()
        if self._task is not None and not self._task.done():
            self._task.cancel()

    # -- the providers' chips ----------------------------------------------------------------------

    def _new_progress(self, step: IdentifyStep) -> QueryProgress:
        """The progress of a new search (or lookup) of the current generation; it starts from the
        providers the chips show now when they did the same kind of work (so they keep their
        places, "waiting")."""
        generation = self._generation
        previous = self.progress
        waiting = list(previous.states) if previous is not None and previous.step is step else []
        return QueryProgress(
            generation, step, waiting=waiting, listener=lambda: self._progress_changed(generation)
        )

    def _set_progress(self, progress: QueryProgress | None) -> None:
        if self.progress is not None and self.progress is not progress:
            self.progress.detach()
        self.progress = progress
        self._show_chips()

    def _progress_changed(self, generation: int) -> None:
        """A provider's state changed; shown only if it belongs to the newest search."""
        if generation != self._generation or self.progress is None:
            return
        if self.progress.generation != generation:
            return
        self._show_chips()

    def _show_chips(self) -> None:
        """One chip per provider, in priority order, on one line if it can be: failure reasons are
        shortened until it fits (the whole error is in each chip's tooltip), and the chips wrap to a
        second line when even that is not enough."""
        progress = self.progress
        if progress is None or not progress.states:
            self.provider_chips.set_chips([], 0)
            self.provider_chips.hide()
            return
        rank = {provider: index for index, provider in enumerate(self.order)}
        providers = sorted(progress.states, key=lambda p: rank.get(p, len(rank)))
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else self.contentsMargins()
        available = self.width() - margins.left() - margins.right()
        palette = self.palette()

        def chips(limit: int) -> list[Chip]:
            return [
                Chip(
                    self.names.get(provider, provider),
                    progress.text_of(provider, limit),
                    dot=provider_state_colour(progress.states[provider].state, palette),
                    tooltip=progress.tooltip_of(provider, self.names.get(provider, provider)),
                    key=provider,
                )
                for provider in providers
            ]

        shown = chips(18)  # on two lines, if even the shortest reasons do not fit on one
        for limit in (REASON_CHARS, 18, 10):
            candidate = chips(limit)
            if self.provider_chips.line_width(candidate) <= available:
                shown = candidate
                break
        self.provider_chips.set_chips(shown, available)
        self.provider_chips.show()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.progress is not None:
            self._show_chips()

    async def _search(self, generation: int, title: str, year: int | None, progress: QueryProgress) -> None:
        error = ""
        outcome: SearchOutcome | None = None
        failures: Sequence[FailedProvider] = ()
        try:
            outcome = await self.service.search(title, year, progress=progress)
        except SelectionError as exc:
            error = str(exc)
        except IdentificationError as exc:
            failures = exc.failures
            error = f"No provider could search: {describe_failures(exc.failures, self.names)}"
        if generation != self._generation:
            return  # an answer to an older question: never shown
        if outcome is not None:
            progress.finish(answered=outcome.answered, failures=outcome.failures)
        else:
            progress.finish(failures=failures)
        self._set_busy(False)
        self._looked_up = None
        query = title_with_year(title, year)
        if outcome is None:
            self.model.clear()
            self.view.set_placeholder("The search failed; see above.")
            self._show_status(f"{error}. Try again later, or paste an id.", error=True)
            self._show_note("")
        else:
            self.model.set_candidates(outcome.candidates)
            count = len(outcome.candidates)
            if count:
                films = "One film" if count == 1 else f"{count} films"
                self._show_status(f"{films} found for “{query}”, best match first.")
                self.view.setCurrentIndex(self.model.index(0))
            else:
                self.view.set_placeholder("No films found.")
                hint = " Try without the year," if year is not None else " Try"
                self._show_status(
                    f"No results for “{query}”.{hint} another spelling, or paste an id.", error=True
                )
            self._show_note(self._failure_note(outcome.failures, "search", progress))
        self._update_buttons()
        self.searchFinished.emit()

    async def _look_up(self, generation: int, choice: str, progress: QueryProgress) -> None:
        lookup: LookupResult | None = None
        error = ""
        failures: Sequence[FailedProvider] = ()
        try:
            lookup = await self.service.look_up(choice, progress=progress)
        except SelectionNotFoundError:
            error = f"No provider knows {choice}. Check the id, or clear it to search by title."
        except IdentificationError as exc:
            failures = exc.failures
            error = f"No provider could look {choice} up: {describe_failures(exc.failures, self.names)}"
        except (SelectionError, InvalidIdError) as exc:
            error = str(exc)
        if generation != self._generation:
            return
        if lookup is not None:
            progress.finish(answered=lookup.answers, not_found=lookup.not_found, failures=lookup.failures)
        else:
            progress.finish(failures=failures)
        self._set_busy(False)
        if lookup is None:
            self._looked_up = None
            self.model.clear()
            self.view.set_placeholder("Nothing found for this id.")
            self._show_status(error, error=True)
            self._show_note("")
        else:
            candidate = candidate_from_lookup(lookup, self.order)
            self._looked_up = (choice, lookup)
            self.model.set_candidates([candidate], exact=True)
            self.view.setCurrentIndex(self.model.index(0))
            self._show_status(
                f"{choice} is “{title_with_year(candidate.title, candidate.year)}”. "
                "Choose it to identify the movie as this film."
            )
            self._show_note(self._failure_note(lookup.failures, "answer", progress))
        self._update_buttons()
        self.searchFinished.emit()

    def _failure_note(self, failures: Sequence[FailedProvider], what: str, progress: QueryProgress) -> str:
        """What the providers that failed mean for the list ("shown without TheTVDB"). A provider's
        reason is said by its chip (and its tooltip); the note repeats only how its part ended, and
        gives the reason of a provider that has no chip."""
        if not failures:
            return ""
        parts = []
        for failure in failures:
            name = self.names.get(failure.provider, failure.provider)
            state = progress.states.get(failure.provider)
            word = _FAILURE_WORDS.get(state.state) if state is not None else None
            parts.append(f"{name}: {word or failure.error}")
        providers = ", ".join(self.names.get(f.provider, f.provider) for f in failures)
        return f"Not every provider could {what} ({'; '.join(parts)}); shown without {providers}."

    # -- choosing ----------------------------------------------------------------------------------

    def _on_choose_clicked(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._on_chosen(index.row())

    def _on_chosen(self, row: int) -> None:
        if self._selecting or not 0 <= row < self.model.rowCount():
            return
        self._select_task = spawn(self.choose(row))

    async def choose(self, row: int) -> bool:
        """Identify the movie as the candidate in `row`; True when it was committed (the dialog then
        accepts), False when it failed (the reason is shown and nothing changed)."""
        candidate = self.model.candidate(row)
        label = title_with_year(candidate.title, candidate.year)
        choice = best_choice(candidate)
        looked_up = self._looked_up[1] if self.model.exact and self._looked_up is not None else None
        self.debounce.stop()
        self._cancel_task()
        progress: QueryProgress | None = None
        if looked_up is None and choice is not None:
            progress = self._new_progress(IdentifyStep.LOOKUP)
            self._set_progress(progress)
        self._selecting = True
        self._sync_inputs()
        self._set_busy(True)
        if looked_up is not None:
            self._show_status(f"Identifying as “{label}”: saving its ids…")
        else:
            self._show_status(f"Identifying as “{label}”: looking {choice} up and completing its ids…")
        error = ""
        result: IdentifyResult | None = None
        try:
            if looked_up is not None:
                result = self.service.commit_lookup(self.movie_id, looked_up)
            elif choice is None:
                error = "This candidate carries no id to identify it by; choose another one."
            else:
                result = await self.service.select(self.movie_id, choice, progress=progress)
        except SelectionNotFoundError:
            error = f"No provider knows {choice} any more; nothing was changed."
        except IdentificationError as exc:
            details = describe_failures(exc.failures, self.names)
            error = (
                f"Could not identify as “{label}”: no provider could look it up ({details}). "
                "Nothing was changed."
            )
        except (SelectionError, InvalidIdError, UnknownEntityError) as exc:
            error = f"Could not identify as “{label}”: {exc}"
        finally:
            # No widget is touched here: on Cancel the dialog may already be deleted.
            self._selecting = False
            self._select_task = None
        self._set_busy(False)
        if result is None:
            if progress is not None and progress.attached:
                progress.finish()
            self._sync_inputs()
            self._show_status(error, error=True)
            self._update_buttons()
            return False
        self.identify_result = result
        self._show_status(f"Identified as “{label}”.")
        self.identified.emit(self.movie_id)
        self.accept()
        return True

    # -- closing -----------------------------------------------------------------------------------

    def done(self, code: int) -> None:
        """Accept or Cancel: a running search, lookup or identification is cancelled first."""
        self.debounce.stop()
        self._cancel_task()
        if self._select_task is not None and not self._select_task.done():
            self._select_task.cancel()
        self._select_task = None
        super().done(code)

    # -- small view helpers ------------------------------------------------------------------------

    def _focus_list(self) -> None:
        if self.model.rowCount():
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.model.index(0))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)

    def _sync_inputs(self) -> None:
        """Nothing is editable while a choice is being saved; title and year are unused (greyed)
        while the id box holds something."""
        by_id = bool(self.id_edit.text().strip())
        self.title_edit.setEnabled(not self._selecting and not by_id)
        self.year_edit.setEnabled(not self._selecting and not by_id)
        self.id_edit.setEnabled(not self._selecting)
        self.view.setEnabled(not self._selecting)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        self.choose_button.setEnabled(not self._selecting and self.view.currentIndex().isValid())

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        if error:
            self._colour(self.status, error_colour(self.palette()))
        else:
            self.status.setPalette(self.palette())

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    @staticmethod
    def _colour(label: QLabel, colour: QColor) -> None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        label.setPalette(palette)

    @property
    def is_busy(self) -> bool:
        return self._busy
