"""The "Language and region" page: the metadata language, its fallbacks, the certification
countries and style, and the artwork languages. The logic is `LanguagePresenter`.

Its edits are unsaved changes as the Providers page's are (`PageView.is_dirty`): the window shows
"* " in its title while there are some and asks about them before leaving the page or quitting."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.core.settings import SettingValueError
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.pages import title_label
from metarr_desktop.ui.common.theme import error_colour
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.language.presenter import LABELS
from metarr_desktop.ui.language.presenter import LanguageForm
from metarr_desktop.ui.language.presenter import LanguagePresenter


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


class LanguagePage(PageView):
    """Edit the language settings; Save stores them (checked), Revert reloads them."""

    unsaved_changes = "the Language and region page"

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.presenter = LanguagePresenter(ctx.suite.user_settings if ctx.suite is not None else None)
        self._baseline = LanguageForm()

        title = title_label("Language and region")

        self.language = QLineEdit()
        self.language.setPlaceholderText("e.g. de-DE, pt-BR, fr-CA")
        self.fallbacks = QLineEdit()
        self.fallbacks.setPlaceholderText("e.g. original, en")
        self.countries = QLineEdit()
        self.countries.setPlaceholderText("e.g. DE, US")
        self.style_box = QComboBox()
        for key, text in self.presenter.styles():
            self.style_box.addItem(f"{key}: {text}", key)
        self.artwork = QLineEdit()
        self.artwork.setPlaceholderText("empty: the metadata language, then none, then en")
        self.chain_note = _plain(QLabel())
        self.artwork_note = _plain(QLabel())
        for note in (self.chain_note, self.artwork_note):
            note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        form = QFormLayout()
        form.addRow(LABELS["language"], self.language)
        form.addRow(LABELS["fallbacks"], self.fallbacks)
        form.addRow("", self.chain_note)
        form.addRow(LABELS["countries"], self.countries)
        form.addRow(LABELS["style"], self.style_box)
        form.addRow(LABELS["artwork"], self.artwork)
        form.addRow("", self.artwork_note)

        self.help = _plain(
            QLabel(
                "Titles, plots and taglines are taken field by field from the first language of the "
                "chain that has them; 'original' stands for the film's own language. OMDb answers in "
                "English only, so its text never replaces a value in your language (see Providers, "
                "'Prefer my language'). In the artwork languages 'none' means textless; logos always "
                "have text. TMDB tags images by language only: pt-BR and pt-PT artwork look alike.\n"
                "Changes apply at the next refresh; movies enriched before need a refresh with Force."
            )
        )
        self.help.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.problems = wrapped_label("problems")  # in the error colour, as the other pages' problems
        self.problems.hide()
        self.revert_button = QPushButton("Revert")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.revert_button.clicked.connect(self._on_revert)
        self.save_button.clicked.connect(self._on_save)
        actions = QHBoxLayout()
        actions.addWidget(self.problems, 1)
        actions.addStretch(0)  # keeps the buttons their size while there is no problem to show
        actions.addWidget(self.revert_button, 0, Qt.AlignmentFlag.AlignTop)
        actions.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.help)
        layout.addStretch(1)
        layout.addLayout(actions)

        for edit in (self.language, self.fallbacks, self.countries, self.artwork):
            edit.textChanged.connect(self._on_changed)
        self.style_box.currentIndexChanged.connect(self._on_changed)
        self._baseline = self.form()  # nothing to save before `load()` shows the settings
        self._on_changed()

    # -- the form -----------------------------------------------------------------------------------

    def form(self) -> LanguageForm:
        return LanguageForm(
            language=self.language.text(),
            fallbacks=self.fallbacks.text(),
            countries=self.countries.text(),
            style=str(self.style_box.currentData() or ""),
            artwork=self.artwork.text(),
        )

    def set_form(self, form: LanguageForm) -> None:
        self.language.setText(form.language)
        self.fallbacks.setText(form.fallbacks)
        self.countries.setText(form.countries)
        self.style_box.setCurrentIndex(max(0, self.style_box.findData(form.style)))
        self.artwork.setText(form.artwork)

    def is_dirty(self) -> bool:
        return self.form() != self._baseline

    async def load(self) -> None:
        self._baseline = self.presenter.load()
        self.set_form(self._baseline)
        self._on_changed()
        self.loaded.emit()

    def _on_changed(self, *_args: object) -> None:
        form = self.form()
        problems = self.presenter.check(form)
        self._show_problems(list(problems.values()))
        chain = self.presenter.chain_preview(form)
        self.chain_note.setText(f"Asked in this order: {chain}" if chain else "")
        artwork = self.presenter.artwork_preview(form)
        self.artwork_note.setText(f"Artwork order: {artwork}" if artwork else "")
        self.save_button.setEnabled(not problems and self.is_dirty())
        self.revert_button.setEnabled(self.is_dirty())
        self._report_dirty()

    def _show_problems(self, problems: list[str]) -> None:
        """Each problem on a line of its own, marked and in the error colour."""
        self.problems.setStyleSheet(f"color: {error_colour(self.palette()).name()};")
        self.problems.setText("\n".join(f"✗ {problem}" for problem in problems))
        self.problems.setVisible(bool(problems))

    def _on_revert(self) -> None:
        self.set_form(self._baseline)
        self._on_changed()

    def _on_save(self) -> None:
        self.store()

    async def save(self) -> bool:
        return self.store()

    def store(self) -> bool:
        """Store the form (Save, and the window's question on quitting); False when a value is
        refused (nothing is stored, the problems are shown)."""
        try:
            changed = self.presenter.save(self.form())
        except SettingValueError as exc:
            self.message.emit(f"Not saved: {exc}")
            return False
        self._baseline = self.presenter.load()
        self.set_form(self._baseline)
        self._on_changed()
        self.message.emit(
            f"Language settings saved ({len(changed)} changed)." if changed else "Nothing to save."
        )
        return True
