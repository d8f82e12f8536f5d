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

Under the chips, the why of the automatic decision, as `metarr identify --json` gives it (the
rule, the titles compared as normalised, the year rule, the ids cross-checked, why the runner-up
lost), in plain text: the engine's own why from the movie's last identification when it answers
what the fields ask (the same title and year, or an id it looked up; it may have probed look-alikes
and settled an ambiguity), else the decision over the candidates shown. Each candidate's line gives
its runtime, director, original title and a TV film mark where it carries them. Enter in a field
chooses the selected candidate, as the footer says, once the list answers what the fields ask
(otherwise it searches now). The texts are composed in ``presenter.py``; the list, its model and the
chips are modules of their own.

Everything the user needs to know is said inline: searching, no results, a provider that failed
while others answered, no provider could search, a bad year or id, a failed identification. The
dialog is opened with ``open()`` through `ui.bridge.dialog_result`; Cancel (or Escape) cancels any
running search or lookup.

While a search or a lookup runs, a row of chips above the list shows each provider's part of it as
it happens ("searching…", "3 results", "no match", "search failed: <short reason>" with the whole
error in its tooltip, "skipped: rate limited", "looking up…", "found"), from the identification's
progress events (`QueryProgress`, on the one per-provider state machine and chip-text table of
`services.progress`, so the chips read as the movie page's do). Every search gets its own
`QueryProgress`, bound to the search's generation: an edit detaches the running one, so the late
events of a stale search never reach the chips, as its late answer never reaches the list. The
chips keep their places while the user types (each provider "waiting" until the next search asks
it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Protocol

from PySide6.QtCore import QRegularExpression
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtGui import QFont
from PySide6.QtGui import QPalette
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QGridLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QProgressBar
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.core.results import FailedProvider
from metarr_desktop.engine.events import FetchProgress
from metarr_desktop.engine.events import IdentifyStep
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.engine.identify import LookupResult
from metarr_desktop.engine.identify import SearchOutcome
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.identification import SelectionError
from metarr_desktop.services.identification import SelectionNotFoundError
from metarr_desktop.services.progress import ProviderState
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.safe_text import plain_label
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.common.theme import warning_colour
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.identify.candidate_list import CandidateDelegate
from metarr_desktop.ui.identify.candidate_list import CandidateList
from metarr_desktop.ui.identify.candidate_list import InputField
from metarr_desktop.ui.identify.chips import ProviderChips
from metarr_desktop.ui.identify.model import THUMB
from metarr_desktop.ui.identify.model import CandidateModel
from metarr_desktop.ui.identify.presenter import DEBOUNCE_MS
from metarr_desktop.ui.identify.presenter import ID_FORMS
from metarr_desktop.ui.identify.presenter import MAX_YEAR
from metarr_desktop.ui.identify.presenter import MIN_YEAR
from metarr_desktop.ui.identify.presenter import REASON_CHARS
from metarr_desktop.ui.identify.presenter import LookupRequest
from metarr_desktop.ui.identify.presenter import Request
from metarr_desktop.ui.identify.presenter import SearchRequest
from metarr_desktop.ui.identify.presenter import best_choice
from metarr_desktop.ui.identify.presenter import candidate_from_lookup
from metarr_desktop.ui.identify.presenter import describe_failures
from metarr_desktop.ui.identify.presenter import describe_movie
from metarr_desktop.ui.identify.presenter import doing_text
from metarr_desktop.ui.identify.presenter import engine_why
from metarr_desktop.ui.identify.presenter import failure_note
from metarr_desktop.ui.identify.presenter import found_status
from metarr_desktop.ui.identify.presenter import read_request
from metarr_desktop.ui.identify.presenter import search_why
from metarr_desktop.ui.identify.presenter import step_of
from metarr_desktop.ui.identify.presenter import title_with_year
from metarr_desktop.ui.identify.presenter import why_text
from metarr_desktop.ui.identify.progress import QueryProgress
from metarr_desktop.ui.movie.chips import Chip
from metarr_desktop.ui.movie.chips import provider_state_colour

#: How a provider's part ended, in the note under the chips (the chip says why).
_FAILURE_WORDS = {
    ProviderState.FAILED: "failed",
    ProviderState.TIMEOUT: "timed out",
    ProviderState.RATE_LIMITED: "rate limited",
    ProviderState.SKIPPED: "not asked",
}


class Identification(Protocol):
    """What the dialog needs of `IdentificationService` (a fake stands in for it in tests).

    `progress` receives each provider's part of the work as it happens (it may send nothing);
    `latest` is the engine's last identification of a movie (its `why` is shown when it answers
    what the dialog asks).
    """

    async def search(
        self, query: str, year: int | None = None, *, progress: FetchProgress | None = None
    ) -> SearchOutcome: ...

    async def select(
        self, movie_id: int, choice: str, *, progress: FetchProgress | None = None
    ) -> IdentifyResult: ...

    async def look_up(self, choice: str, *, progress: FetchProgress | None = None) -> LookupResult: ...

    def commit_lookup(self, movie_id: int, lookup: LookupResult) -> IdentifyResult: ...

    def latest(self, movie_id: int) -> IdentifyResult | None: ...


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
        self.why: dict[str, object] = {}

        self.setWindowTitle(f"Identify {self.movie.title}")
        self.setObjectName("identify-dialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumSize(760, 600)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        self._build_heading(layout)
        layout.addSpacing(4)
        layout.addLayout(self._build_form())
        layout.addLayout(self._build_status())
        layout.addWidget(self.provider_chips)
        layout.addWidget(self.note)
        layout.addWidget(self.why_label)
        layout.addWidget(self._build_list(ctx), 1)
        layout.addLayout(self._build_buttons())
        self._build_debounce()
        self._update_buttons()
        self._inputs_changed()

    # -- building ----------------------------------------------------------------------------------

    def _build_heading(self, layout: QVBoxLayout) -> None:
        """The question ("Which film is …?") and how the movie stands now."""
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
        layout.addWidget(heading)
        layout.addWidget(self.subtitle)

    def _build_form(self) -> QGridLayout:
        """Title, year and id, and the line that says what is wrong with them."""
        self.title_edit = InputField(self.movie.title)
        self.title_edit.setPlaceholderText("Title to search for")
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setClearButtonEnabled(True)
        self.year_edit = InputField("" if self.movie.year is None else str(self.movie.year))
        self.year_edit.setPlaceholderText("any")
        self.year_edit.setAccessibleName("Year")
        self.year_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}"), self))
        self.year_edit.setMaximumWidth(84)
        self.year_edit.setToolTip(f"Optional: the release year ({MIN_YEAR}-{MAX_YEAR})")
        self.id_edit = InputField()
        self.id_edit.setPlaceholderText(ID_FORMS)
        self.id_edit.setAccessibleName("Id")
        self.id_edit.setClearButtonEnabled(True)
        self.id_edit.setToolTip("An id is looked up directly instead of searching by title")
        self.input_error = wrapped_label("input-error")
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
        return form

    def _build_status(self) -> QHBoxLayout:
        """The busy bar and status line; also the providers' chips, the note about providers that
        failed and the why of the automatic decision (placed by `__init__`)."""
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedSize(72, 8)
        self.busy.setAccessibleName("Working")
        self.busy.hide()
        self.status = wrapped_label("status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status_row = QHBoxLayout()
        status_row.setSpacing(10)
        status_row.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignVCenter)
        status_row.addWidget(self.status, 1)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.92)
        self.note = wrapped_label("note")
        self.note.setFont(small)
        self._colour(self.note, warning_colour(self.palette()))
        self.note.hide()
        self.why_label = plain_label(QLabel())
        self.why_label.setObjectName("why")
        self.why_label.setAccessibleName("Why")
        self.why_label.setWordWrap(True)
        self.why_label.setFont(small)
        self.why_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.why_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why_label.hide()
        self.provider_chips = ProviderChips()
        self.provider_chips.setObjectName("provider-progress")
        self.provider_chips.setAccessibleName("Providers")
        self.provider_chips.hide()
        return status_row

    def _build_list(self, ctx: UiContext) -> CandidateList:
        self.model = CandidateModel(ctx.images, self.names, self)
        self.view = CandidateList()
        self.view.setModel(self.model)
        self.view.setItemDelegate(CandidateDelegate(self.view))
        self.view.setMinimumHeight(3 * (THUMB.height() + 2 * CandidateDelegate.PADDING) + 4)
        self.view.chosen.connect(self._on_chosen)
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        return self.view

    def _build_buttons(self) -> QHBoxLayout:
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
        return buttons

    def _build_debounce(self) -> None:
        """The timer that searches once the typing pauses; the fields' signals."""
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(self.search_now)
        for edit in (self.title_edit, self.year_edit, self.id_edit):
            edit.textChanged.connect(self._inputs_changed)
            edit.returnPressed.connect(self._return_pressed)
            edit.downPressed.connect(self._focus_list)

    # -- reading the inputs ------------------------------------------------------------------------

    @staticmethod
    def _load_movie(ctx: UiContext, movie_id: int) -> MovieRecord:
        if ctx.library is not None:
            return ctx.library.get(movie_id)
        if ctx.suite is not None:
            return ctx.suite.library.get(movie_id)
        raise UnknownEntityError(movie_id)

    def _describe_movie(self) -> str:
        return describe_movie(self.movie)

    def request(self) -> Request | None:
        """What the inputs ask for, or None (nothing to search, or an input error, which is shown)."""
        request, error = read_request(self.id_edit.text(), self.title_edit.text(), self.year_edit.text())
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
            self._show_why({})
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
        self.view.set_placeholder("Looking it up…" if isinstance(request, LookupRequest) else "Searching…")
        self._show_note("")  # it spoke of the providers of the search the chips no longer show
        self._show_why({})
        self._set_progress(self._new_progress(step_of(request)))
        self.debounce.start()

    def _doing(self, request: Request) -> str:
        return doing_text(request)

    def _return_pressed(self) -> None:
        """Enter in a field chooses the selected candidate, as the footer says, when the list shows
        the answer to what the fields ask now; otherwise (a search pending or running, or no
        candidate selected) it searches now."""
        settled = not self.debounce.isActive() and not self._busy
        if settled and self.view.currentIndex().isValid():
            self._on_chosen(self.view.currentIndex().row())
        else:
            self.search_now()

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
        progress = self._new_progress(step_of(request))
        self._set_progress(progress)
        if isinstance(request, LookupRequest):
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
        shortened until it fits, down to the shared text alone ("search failed"; the whole error is
        in each chip's tooltip), and the chips wrap to a second line when even that is not enough."""
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

        shown = chips(18)  # on two lines, if even the chips without reasons do not fit on one
        for limit in (REASON_CHARS, 18, 10, 0):
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
        if outcome is None:
            self.model.clear()
            self.view.set_placeholder("The search failed; see above.")
            self._show_status(f"{error}. Try again later, or paste an id.", error=True)
            self._show_note("")
            self._show_why({})
        else:
            self.model.set_candidates(outcome.candidates)
            text, is_error = found_status(len(outcome.candidates), title, year)
            if outcome.candidates:
                self.view.setCurrentIndex(self.model.index(0))
            else:
                self.view.set_placeholder("No films found.")
            self._show_status(text, error=is_error)
            self._show_note(self._failure_note(outcome.failures, "search", progress))
            local = search_why(outcome.candidates, title, year) if outcome.candidates else {}
            self._show_why(self._engine_why(SearchRequest(title, year)) or local)
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
            self._show_why({})
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
            self._show_why(self._engine_why(LookupRequest(choice)))
        self._update_buttons()
        self.searchFinished.emit()

    def _failure_note(self, failures: Sequence[FailedProvider], what: str, progress: QueryProgress) -> str:
        """What the providers that failed mean for the list (`presenter.failure_note`), with how
        each one's part ended as its chip shows it."""
        ended: dict[str, str] = {}
        for failure in failures:
            state = progress.states.get(failure.provider)
            word = _FAILURE_WORDS.get(state.state) if state is not None else None
            if word:
                ended[failure.provider] = word
        return failure_note(failures, what, self.names, ended)

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
        if by_id and not self._selecting and (self.title_edit.hasFocus() or self.year_edit.hasFocus()):
            self._follow_into_id_box()
        self.title_edit.setEnabled(not self._selecting and not by_id)
        self.year_edit.setEnabled(not self._selecting and not by_id)
        self.id_edit.setEnabled(not self._selecting)
        self.view.setEnabled(not self._selecting)
        self._update_buttons()

    def _follow_into_id_box(self) -> None:
        """Text arrived in the id box (a paste or a drop) while the cursor was in Title or Year,
        which are about to grey out: the cursor follows it to the end of the id. Left to Qt, the
        focus would move on as Tab moves it, selecting the whole id, and the next keystroke would
        replace what was pasted."""
        self.id_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.id_edit.deselect()
        self.id_edit.end(False)

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

    def _engine_why(self, request: Request) -> dict[str, Any]:
        """The `why` of the engine's own identification of the movie when it answers `request` (it
        may have probed look-alikes and settled an ambiguity the candidates alone leave open)."""
        latest = self.service.latest(self.movie_id)
        return engine_why(latest.why if latest is not None else {}, request)

    def _show_why(self, why: Mapping[str, object]) -> None:
        """The why of the automatic decision over the candidates shown (plain text; empty hides it)."""
        self.why = dict(why)
        text = why_text(why)
        self.why_label.setText(text)
        self.why_label.setVisible(bool(text))

    @staticmethod
    def _colour(label: QLabel, colour: QColor) -> None:
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        label.setPalette(palette)

    @property
    def is_busy(self) -> bool:
        return self._busy
