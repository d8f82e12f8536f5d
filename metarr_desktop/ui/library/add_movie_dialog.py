"""The Add movie dialog: a title and year, or an id alone (IMDb, TMDB or TheTVDB), checked as the
user types.

Each field says what is wrong with it right under it (once the user has typed in it, or tried to
add), and Add stays disabled until every field is valid. With a title, adding goes through
`LibraryService.add`. With an id and no title, the id is looked up first (`look_up`, the
identification's lookup): the movie is added with the title and year the providers give, and
identified by that lookup; without a lookup (or when no provider can answer now) it is added under
its id, and the identification fills the title in later. A movie already in the library with the
same id is refused with its name, never added twice, and any refusal of the service is shown
inline: the dialog stays open with everything typed still there.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from typing import TypeVar

from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.errors import StoreError
from metarr_desktop.core.ids import ExternalIds
from metarr_desktop.core.ids import IdType
from metarr_desktop.core.ids import InvalidIdError
from metarr_desktop.core.ids import parse_imdb_id
from metarr_desktop.core.ids import parse_numeric_id
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.core.records import UnknownEntityError
from metarr_desktop.engine.identify import IdentificationError
from metarr_desktop.engine.identify import LookupResult
from metarr_desktop.services.identification import IdentifyResult
from metarr_desktop.services.identification import LockedIdError
from metarr_desktop.services.identification import SelectionError
from metarr_desktop.services.identification import SelectionNotFoundError
from metarr_desktop.services.library import LibraryError
from metarr_desktop.services.library import LibraryService
from metarr_desktop.ui.common.bridge import spawn
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.theme import error_colour

#: The years `LibraryService.add` accepts.
FIRST_YEAR, LAST_YEAR = 1870, 2200


@dataclass(frozen=True, slots=True)
class MovieInput:
    """What the dialog's fields say, once valid."""

    title: str
    year: int | None
    ids: ExternalIds


def check_year(text: str) -> tuple[int | None, str]:
    """(year, "") or (None, why it is not a year); an empty field is no year."""
    text = text.strip()
    if not text:
        return None, ""
    if not text.isdigit():
        return None, "The year is a number such as 1999."
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None, f"The year must be between {FIRST_YEAR} and {LAST_YEAR}."
    return year, ""


class IdLookup(Protocol):
    """What the dialog needs of `IdentificationService` to add a movie by an id alone."""

    async def look_up(self, choice: str) -> LookupResult: ...

    def commit_lookup(self, movie_id: int, lookup: LookupResult) -> IdentifyResult: ...


_Id = TypeVar("_Id", str, int)


def _without_prefix(text: str, kind: IdType) -> str:
    """``tmdb:603`` as ``603`` (the kind's own prefix is accepted in its field)."""
    text = text.strip()
    prefix = f"{kind.value}:"
    return text[len(prefix) :].strip() if text.lower().startswith(prefix) else text


def _check_id(text: str, kind: IdType, parse: Callable[[str], _Id], why: str) -> tuple[_Id | None, str]:
    """(the `kind` id `parse` reads in `text`, "") or (None, `why` it is not one); an empty field is
    no id."""
    text = _without_prefix(text, kind)
    if not text:
        return None, ""
    try:
        return parse(text), ""
    except InvalidIdError:
        return None, why


def check_imdb(text: str) -> tuple[str | None, str]:
    return _check_id(
        text,
        IdType.IMDB,
        parse_imdb_id,
        "An IMDb id is tt and 7 or more digits (tt0133093), or its IMDb page's address.",
    )


def _check_numeric(text: str, kind: IdType, why: str) -> tuple[int | None, str]:
    return _check_id(text, kind, lambda t: parse_numeric_id(t, kind), why)


def check_tmdb(text: str) -> tuple[int | None, str]:
    return _check_numeric(text, IdType.TMDB, "A TMDB id is a positive whole number (603).")


def check_tvdb(text: str) -> tuple[int | None, str]:
    return _check_numeric(text, IdType.TVDB, "A TheTVDB id is a positive whole number (tvdb:700046).")


def lookup_choice(ids: ExternalIds) -> str | None:
    """The id to look a movie up by: TMDB, else IMDb, else TheTVDB (``"tmdb:603"``)."""
    for kind in (IdType.TMDB, IdType.IMDB, IdType.TVDB):
        value = ids.get(kind)
        if value is not None:
            return f"{kind.value}:{value}"
    return None


def looked_up_title(lookup: LookupResult) -> tuple[str | None, int | None]:
    """The title and year the lookup's first answer with a title gives."""
    for data in lookup.answers.values():
        title = data.fields.get("title")
        if isinstance(title, str) and title.strip():
            year = data.fields.get("year")
            if isinstance(year, str) and year.isdigit():
                year = int(year)
            return title.strip(), year if isinstance(year, int) and not isinstance(year, bool) else None
    return None, None


def already_text(record: MovieRecord) -> str:
    year = f" ({record.year})" if record.year else ""
    return f"Already in the library: {record.title}{year}, with the same id."


class AddMovieDialog(QDialog):
    """Asks for one movie and adds it to the library.

    Attributes:
        added: the movie once added (the dialog is then accepted).
        title_edit, year_edit, imdb_edit, tmdb_edit, tvdb_edit: the fields.
        errors: field name -> the label under it that says what is wrong.
        add_button: enabled while every field is valid.
        form_error: a refusal of the whole form (already in the library, database error).
        task: the lookup of an id running now (an id alone), if any.
    """

    def __init__(
        self,
        library: LibraryService,
        *,
        find_existing: Callable[[ExternalIds], list[MovieRecord]] | None = None,
        look_up: IdLookup | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("add-movie-dialog")
        self.setWindowTitle("Add movie")
        self.library = library
        self.find_existing = find_existing
        self.look_up = look_up
        self.added: MovieRecord | None = None
        self.task: asyncio.Task[None] | None = None
        self._touched: set[str] = set()
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_form())
        layout.addWidget(self._build_note())
        layout.addWidget(self._build_form_error())
        layout.addWidget(self._build_buttons())
        self._refresh()

    def _build_form(self) -> QFormLayout:
        """Each field with the line under it that says what is wrong with it."""
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("The Matrix (not needed with an id)")
        self.year_edit = QLineEdit()
        self.year_edit.setPlaceholderText("1999 (optional)")
        self.year_edit.setMaxLength(4)
        self.imdb_edit = QLineEdit()
        self.imdb_edit.setPlaceholderText("tt0133093 (optional)")
        self.tmdb_edit = QLineEdit()
        self.tmdb_edit.setPlaceholderText("603 or tmdb:603 (optional)")
        self.tvdb_edit = QLineEdit()
        self.tvdb_edit.setPlaceholderText("tvdb:700046 (optional)")
        edits = {
            "title": self.title_edit,
            "year": self.year_edit,
            "imdb": self.imdb_edit,
            "tmdb": self.tmdb_edit,
            "tvdb": self.tvdb_edit,
        }
        labels = {
            "title": "&Title:",
            "year": "&Year:",
            "imdb": "&IMDb id:",
            "tmdb": "T&MDB id:",
            "tvdb": "The&TVDB id:",
        }
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, edit in edits.items():
            edit.setObjectName(f"add-movie-{name}")
            edit.setMinimumWidth(280)
            error = wrapped_label(f"add-movie-{name}-error")
            error.setStyleSheet(f"color: {error_colour().name()};")
            error.hide()
            self.errors[name] = error
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(error)
            label = QLabel(labels[name])
            label.setBuddy(edit)
            form.addRow(label, column)
            edit.textEdited.connect(lambda _text, n=name: self._edited(n))
        return form

    def _build_note(self) -> QLabel:
        note = QLabel(
            "With a title, the movie is added unidentified; enriching it identifies it (an id makes "
            "that certain). With an id alone, the id is looked up and the movie is added with its "
            "title, identified."
        )
        note.setWordWrap(True)
        return note

    def _build_form_error(self) -> QLabel:
        self.form_error = wrapped_label("add-movie-error")
        self.form_error.setStyleSheet(f"color: {error_colour().name()};")
        self.form_error.hide()
        return self.form_error

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = QPushButton("Add")
        self.add_button.setDefault(True)
        self.buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    # -- validation ------------------------------------------------------------------------------

    def _edited(self, name: str) -> None:
        self._touched.add(name)
        self.form_error.hide()
        self._refresh()

    def problems(self) -> dict[str, str]:
        """field name -> what is wrong with it (every field, touched or not)."""
        found: dict[str, str] = {}
        checks: tuple[tuple[str, Callable[[str], tuple[object, str]], QLineEdit], ...] = (
            ("year", check_year, self.year_edit),
            ("imdb", check_imdb, self.imdb_edit),
            ("tmdb", check_tmdb, self.tmdb_edit),
            ("tvdb", check_tvdb, self.tvdb_edit),
        )
        some_id = False
        for name, check, edit in checks:
            value, why = check(edit.text())
            if why:
                found[name] = why
            elif value is not None and name != "year":
                some_id = True
        if not self.title_edit.text().strip() and not some_id:
            found["title"] = "A title is needed, or an id alone (IMDb, TMDB or TheTVDB)."
        return found

    def _refresh(self) -> None:
        problems = self.problems()
        for name, label in self.errors.items():
            why = problems.get(name, "") if name in self._touched else ""
            label.setText(why)
            label.setVisible(bool(why))
        self.add_button.setEnabled(not problems)
        self.adjustSize()

    def value(self) -> MovieInput:
        """The fields as a movie (call only when `problems()` is empty)."""
        year, _ = check_year(self.year_edit.text())
        imdb, _ = check_imdb(self.imdb_edit.text())
        tmdb, _ = check_tmdb(self.tmdb_edit.text())
        tvdb, _ = check_tvdb(self.tvdb_edit.text())
        ids = ExternalIds(tmdb=tmdb, imdb=imdb, tvdb=tvdb)
        return MovieInput(self.title_edit.text().strip(), year, ids)

    # -- adding ----------------------------------------------------------------------------------

    def submit(self) -> None:
        """Add the movie and close, or say inline why not (nothing typed is lost). An id alone is
        looked up first (`task`)."""
        if self.task is not None and not self.task.done():
            return
        self._touched.update(self.errors)
        self._refresh()
        if self.problems():
            return
        movie = self.value()
        if self.find_existing is not None and not movie.ids.is_empty():
            existing = self.find_existing(movie.ids)
            if existing:
                self._refuse(already_text(existing[0]))
                return
        if not movie.title:
            self.task = spawn(self.add_by_id(movie))
            return
        try:
            self.added = self.library.add(movie.title, year=movie.year, ids=movie.ids)
        except LibraryError as exc:
            self._refuse(str(exc))
            return
        except StoreError as exc:
            self._refuse(f"The movie could not be added: {exc.reason}.")
            return
        self.accept()

    async def add_by_id(self, movie: MovieInput) -> None:
        """Add a movie given by its ids alone: looked up (title, year and the other ids), added unless
        a movie with any of those ids is already there, and identified by that lookup. Without a
        lookup, or when no provider can answer now, it is added under its id."""
        choice = lookup_choice(movie.ids)
        if choice is None:
            return
        lookup: LookupResult | None = None
        if self.look_up is not None:
            self._set_busy(f"Looking {choice} up…")
            try:
                lookup = await self.look_up.look_up(choice)
            except SelectionNotFoundError:
                self._set_busy("")
                self._refuse(f"No provider knows {choice}. Check the id, or give a title.")
                return
            except (IdentificationError, SelectionError, InvalidIdError):
                lookup = None  # no provider could answer now: added under its id
            self._set_busy("")
        title, year = looked_up_title(lookup) if lookup is not None else (None, None)
        ids = lookup.ids.merged(movie.ids) if lookup is not None else movie.ids
        try:
            result = self.library.add_unique(title, year=movie.year or year, ids=ids)
        except LibraryError as exc:
            self._refuse(str(exc))
            return
        if result.existing:
            self._refuse(already_text(result.record))
            return
        record = result.record
        if lookup is not None and self.look_up is not None:
            try:
                self.look_up.commit_lookup(record.id, lookup)
                record = self.library.get(record.id)
            except (LockedIdError, UnknownEntityError):
                pass  # added; the identification is left to the enrichment
        self.added = record
        self.accept()

    def _set_busy(self, text: str) -> None:
        """While an id is looked up: say so, and keep Add from starting a second one."""
        self.add_button.setEnabled(not text)
        if text:
            self.form_error.setText(text)
            self.form_error.setStyleSheet("")
            self.form_error.show()
        else:
            self.form_error.hide()
            self.form_error.setStyleSheet(f"color: {error_colour().name()};")

    def done(self, code: int) -> None:
        """Cancel a running lookup first."""
        task = self.task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
        super().done(code)

    def _refuse(self, text: str) -> None:
        self.form_error.setText(text)
        self.form_error.show()
        self.adjustSize()
