"""The Add movie dialog: title, year and optional IMDb / TMDB ids, checked as the user types.

Each field says what is wrong with it right under it (once the user has typed in it, or tried to
add), and Add stays disabled until every field is valid. Adding goes through `LibraryService.add`;
a movie already in the library with the same id is refused with its name, and any refusal of the
service is shown inline: the dialog stays open with everything typed still there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from metarr_desktop.core.ids import ExternalIds, IdType, InvalidIdError, parse_imdb_id, parse_numeric_id
from metarr_desktop.core.records import MovieRecord
from metarr_desktop.services.library import LibraryError, LibraryService
from metarr_desktop.store.database import describe_db_error, is_db_error
from metarr_desktop.ui.common.safe_text import plain_label
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


def check_imdb(text: str) -> tuple[str | None, str]:
    text = text.strip()
    if not text:
        return None, ""
    try:
        return parse_imdb_id(text), ""
    except InvalidIdError:
        return None, "An IMDb id is tt and 7 or more digits (tt0133093), or its IMDb page's address."


def check_tmdb(text: str) -> tuple[int | None, str]:
    text = text.strip()
    if not text:
        return None, ""
    try:
        return parse_numeric_id(text, IdType.TMDB), ""
    except InvalidIdError:
        return None, "A TMDB id is a positive whole number (603)."


class AddMovieDialog(QDialog):
    """Asks for one movie and adds it to the library.

    Attributes:
        added: the movie once added (the dialog is then accepted).
        title_edit, year_edit, imdb_edit, tmdb_edit: the fields.
        errors: field name -> the label under it that says what is wrong.
        add_button: enabled while every field is valid.
        form_error: a refusal of the whole form (already in the library, database error).
    """

    def __init__(
        self,
        library: LibraryService,
        *,
        find_existing: Callable[[ExternalIds], list[MovieRecord]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("add-movie-dialog")
        self.setWindowTitle("Add movie")
        self.library = library
        self.find_existing = find_existing
        self.added: MovieRecord | None = None
        self._touched: set[str] = set()

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("The Matrix")
        self.year_edit = QLineEdit()
        self.year_edit.setPlaceholderText("1999 (optional)")
        self.year_edit.setMaxLength(4)
        self.imdb_edit = QLineEdit()
        self.imdb_edit.setPlaceholderText("tt0133093 (optional)")
        self.tmdb_edit = QLineEdit()
        self.tmdb_edit.setPlaceholderText("603 (optional)")
        edits = {
            "title": self.title_edit,
            "year": self.year_edit,
            "imdb": self.imdb_edit,
            "tmdb": self.tmdb_edit,
        }
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        labels = {"title": "&Title:", "year": "&Year:", "imdb": "&IMDb id:", "tmdb": "T&MDB id:"}
        for name, edit in edits.items():
            edit.setObjectName(f"add-movie-{name}")
            edit.setMinimumWidth(280)
            error = plain_label(QLabel())
            error.setObjectName(f"add-movie-{name}-error")
            error.setWordWrap(True)
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

        note = QLabel(
            "The movie is added unidentified; enriching it identifies it (an id makes that certain)."
        )
        note.setWordWrap(True)
        self.form_error = plain_label(QLabel())
        self.form_error.setObjectName("add-movie-error")
        self.form_error.setWordWrap(True)
        self.form_error.setStyleSheet(f"color: {error_colour().name()};")
        self.form_error.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = QPushButton("Add")
        self.add_button.setDefault(True)
        self.buttons.addButton(self.add_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self._refresh()

    # -- validation ------------------------------------------------------------------------------

    def _edited(self, name: str) -> None:
        self._touched.add(name)
        self.form_error.hide()
        self._refresh()

    def problems(self) -> dict[str, str]:
        """field name -> what is wrong with it (every field, touched or not)."""
        found: dict[str, str] = {}
        if not self.title_edit.text().strip():
            found["title"] = "A title is needed."
        for name, check, edit in (
            ("year", check_year, self.year_edit),
            ("imdb", check_imdb, self.imdb_edit),
            ("tmdb", check_tmdb, self.tmdb_edit),
        ):
            _value, why = check(edit.text())
            if why:
                found[name] = why
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
        return MovieInput(self.title_edit.text().strip(), year, ExternalIds(tmdb=tmdb, imdb=imdb))

    # -- adding ----------------------------------------------------------------------------------

    def submit(self) -> None:
        """Add the movie and close, or say inline why not (nothing typed is lost)."""
        self._touched.update(self.errors)
        self._refresh()
        if self.problems():
            return
        movie = self.value()
        if self.find_existing is not None and not movie.ids.is_empty():
            existing = self.find_existing(movie.ids)
            if existing:
                first = existing[0]
                year = f" ({first.year})" if first.year else ""
                self._refuse(f"Already in the library: {first.title}{year}, with the same id.")
                return
        try:
            self.added = self.library.add(movie.title, year=movie.year, ids=movie.ids)
        except LibraryError as exc:
            self._refuse(str(exc))
            return
        except Exception as exc:
            if not is_db_error(exc):
                raise
            self._refuse(f"The movie could not be added: {describe_db_error(exc)}.")
            return
        self.accept()

    def _refuse(self, text: str) -> None:
        self.form_error.setText(text)
        self.form_error.show()
        self.adjustSize()
