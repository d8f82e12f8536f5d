"""The Players page: the players table on the left, the editor of the selected one on the right.

Add, edit and remove a player (kind, name, URL, credentials, path mappings); Test connection shows
the player's name and version; the table shows each player's status, pending count, last sync and
last error; the mapping tester takes one library movie and shows whether the player knows its path.
Switching to another player (or to a new one) clears what the editor said about the previous one,
and the late answer of a save, test or check started before the switch is not shown on the new form.
Player names are the user's text: shown literally (no markup, no mnemonic).
Everything it does goes through `PlayersPresenter` (Qt-free); the page refreshes itself whenever the
service reports a change (a run finished, a player was edited).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QComboBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QGroupBox
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QLineEdit
from PySide6.QtWidgets import QMessageBox
from PySide6.QtWidgets import QPlainTextEdit
from PySide6.QtWidgets import QSplitter
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.players import DISPLAY_NAMES
from metarr_desktop.players import USES_PASSWORD
from metarr_desktop.players import PlayerKind
from metarr_desktop.ui.common.bridge import async_slot
from metarr_desktop.ui.common.bridge import dialog_result
from metarr_desktop.ui.common.controls import STRETCH
from metarr_desktop.ui.common.controls import lay_out
from metarr_desktop.ui.common.controls import push_button
from metarr_desktop.ui.common.controls import wrapped_label
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.pages import row_table
from metarr_desktop.ui.common.pages import title_label
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.common.safe_text import no_mnemonic
from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.players.models import Column
from metarr_desktop.ui.players.models import PlayersModel
from metarr_desktop.ui.players.presenter import PlayerForm
from metarr_desktop.ui.players.presenter import PlayersPresenter
from metarr_desktop.ui.players.presenter import secret_label
from metarr_desktop.ui.players.presenter import url_placeholder

#: What the mapping tester says before a check.
MAPPING_HINT = "Take one library movie and see whether this player knows its path."


class PlayersPage(PageView):
    """The media players.

    Attributes:
        presenter: the page's logic (None when the window has no player service).
        model: the players table.
        player_id: the player in the editor (None: a new one).

    Signals:
        loaded(): the players are shown.
        message(str): a status message for the window.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("players-page")
        self.presenter = PlayersPresenter(ctx.players, ctx.clock) if ctx.players is not None else None
        self.model = PlayersModel(self)
        self.player_id: int | None = None
        #: The player whose form the editor shows (None: a new one); -1 before the first form.
        self._shown: int | None = -1
        #: Bumped whenever the editor shows a form: an answer started under an older one is stale.
        self._form_token = 0
        #: The running mapping check (a newer check or another form makes it stale).
        self._check: object | None = None
        self._unsubscribe = ctx.players.subscribe(self.refresh) if ctx.players is not None else None

        title = title_label("Players")
        note = QLabel(
            "Kodi, Jellyfin and Plex are told about each movie whose player-visible fields changed, "
            "and only those. A player that is off is caught up when it returns; a Kodi that is playing "
            "is never interrupted."
        )
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        players = self._build_list()
        self.editor = self._build_editor()
        splitter = QSplitter()
        splitter.addWidget(players)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.unavailable = QLabel("Players are not available in this window.")
        self.unavailable.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.unavailable.setVisible(self.presenter is None)
        splitter.setVisible(self.presenter is not None)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addWidget(self.unavailable)
        layout.addWidget(splitter, 1)
        self.new_player()

    # -- building ------------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        """The players table over Add player and Sync pending now."""
        self.table = row_table("players-table", self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(Column.LAST_ERROR, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _: self._select_row(current.row())
        )
        self.add_button = push_button("Add player", clicked=self.new_player)
        self.sync_button = push_button(
            "Sync pending now", "Tell every player about everything it is owed", clicked=self._on_sync_clicked
        )
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(lay_out(QHBoxLayout(), self.add_button, STRETCH, self.sync_button))
        return left

    def _build_editor(self) -> QWidget:
        box = QGroupBox("New player")
        box.setObjectName("player-editor")
        self.kind_box = QComboBox()
        for kind in PlayerKind:
            self.kind_box.addItem(DISPLAY_NAMES[kind], kind.value)
        self.kind_box.currentIndexChanged.connect(lambda _: self._on_kind_changed())
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Living room")
        self.url_edit = QLineEdit()
        self.username_edit = QLineEdit()
        self.username_label = QLabel("User name")
        self.secret_edit = QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_label = QLabel("Password")
        self.mappings_edit = QPlainTextEdit()
        self.mappings_edit.setObjectName("player-mappings")
        self.mappings_edit.setPlaceholderText("/mnt/media = smb://nas/media/\n/data/movies = D:\\Movies")
        self.mappings_edit.setFixedHeight(72)
        self.enabled_box = QCheckBox("Enabled")
        form = QFormLayout()
        form.addRow("Kind", self.kind_box)
        form.addRow("Name", self.name_edit)
        form.addRow("URL", self.url_edit)
        form.addRow(self.username_label, self.username_edit)
        form.addRow(self.secret_label, self.secret_edit)
        form.addRow("Path mappings", self.mappings_edit)
        form.addRow("", self.enabled_box)

        self.save_button = push_button("Add", clicked=self._on_save_clicked)
        self.save_button.setDefault(True)
        self.test_button = push_button("Test connection", clicked=self._on_test_clicked)
        self.remove_button = push_button("Remove", clicked=self._on_remove_clicked)
        actions = lay_out(QHBoxLayout(), self.save_button, self.test_button, STRETCH, self.remove_button)
        self.result_label = wrapped_label("player-result")

        tester = QGroupBox("Mapping tester")
        self.movie_box = QComboBox()
        self.movie_box.setObjectName("mapping-movie")
        self.movie_box.setMinimumContentsLength(24)
        self.check_button = push_button("Check", clicked=self._on_check_clicked)
        row = QHBoxLayout()
        row.addWidget(self.movie_box, 1)
        row.addWidget(self.check_button)
        self.check_label = wrapped_label("mapping-result")
        self.check_label.setText(MAPPING_HINT)
        self.check_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_label.setMinimumHeight(self.check_label.fontMetrics().lineSpacing() * 3)
        self.check_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        tester_layout = QVBoxLayout(tester)
        tester_layout.addLayout(row)
        tester_layout.addWidget(self.check_label)

        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.result_label)
        layout.addWidget(tester)
        layout.addStretch(1)
        self.editor_box = box
        return box

    # -- loading ----------------------------------------------------------------------------------

    async def load(self) -> None:
        self.refresh()
        if self.player_id is None and self.model.rows:  # open on the first player
            self.select_player(self.model.rows[0].id)
        await self._load_movies()
        self.loaded.emit()

    def select_player(self, player_id: int) -> None:
        row = self.model.row_of(player_id)
        if row is not None:
            self.table.selectRow(row)
            self._select_row(row)

    def refresh(self) -> None:
        """Show the players as the service has them now (keeps the selection)."""
        if self.presenter is None:
            return
        keep = self.player_id
        self.model.set_rows(self.presenter.rows())
        if keep is not None:
            row = self.model.row_of(keep)
            if row is None:
                self.new_player()
            else:
                self.table.selectionModel().setCurrentIndex(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )

    async def _load_movies(self) -> None:
        """The mapping tester's choice: library movies that have a path (the first 500)."""
        self.movie_box.clear()
        library = self.ctx.library
        if library is None:
            return
        movies = [movie for movie in await library.all() if movie.path]
        for movie in movies[:500]:
            if movie.path:
                title = f"{movie.title} ({movie.year})" if movie.year else movie.title
                self.movie_box.addItem(title, movie.id)
        if self.movie_box.count() == 0:
            self.movie_box.addItem("No library movie has a path yet", None)

    # -- the editor ---------------------------------------------------------------------------------

    def _select_row(self, row: int) -> None:
        if row < 0 or self.presenter is None:
            return
        player_id = int(self.model.index(row, 0).data(Role.PLAYER_ID))
        if player_id == self._shown:
            return
        self.player_id = player_id
        self._show_form(self.presenter.form(player_id))

    def new_player(self) -> None:
        self.player_id = None
        self.table.selectionModel().clear()  # the current row too: clicking it again reopens it
        self._show_form(PlayerForm())

    def _show_form(self, form: PlayerForm) -> None:
        """Show `form` for `player_id`, with nothing left of what was said about the previous one."""
        self._shown = self.player_id
        self._form_token += 1
        self._check = None
        existing = self.player_id is not None
        self.editor_box.setTitle(no_mnemonic(form.name) if existing else "New player")
        self.kind_box.setCurrentIndex(list(PlayerKind).index(form.kind))
        self.kind_box.setEnabled(not existing)
        self.name_edit.setText(form.name)
        self.url_edit.setText(form.url)
        self.username_edit.setText(form.username)
        self.secret_edit.clear()
        self.mappings_edit.setPlainText(form.mappings)
        self.enabled_box.setChecked(form.enabled)
        self.save_button.setText("Save" if existing else "Add")
        self.test_button.setEnabled(existing)
        self.remove_button.setEnabled(existing)
        self.check_button.setEnabled(existing)
        self.result_label.clear()
        self.check_label.setText(MAPPING_HINT)
        self._on_kind_changed()

    def _on_kind_changed(self) -> None:
        kind = self.current_kind()
        uses_password = USES_PASSWORD[kind]
        self.username_label.setVisible(uses_password)
        self.username_edit.setVisible(uses_password)
        self.secret_label.setText(secret_label(kind))
        self.url_edit.setPlaceholderText(url_placeholder(kind))
        existing = self.player_id is not None
        self.secret_edit.setPlaceholderText("unchanged" if existing else "")

    def current_kind(self) -> PlayerKind:
        return PlayerKind(str(self.kind_box.currentData()))

    def read_form(self) -> PlayerForm:
        return PlayerForm(
            kind=self.current_kind(),
            name=self.name_edit.text(),
            url=self.url_edit.text(),
            username=self.username_edit.text(),
            secret=self.secret_edit.text(),
            mappings=self.mappings_edit.toPlainText(),
            enabled=self.enabled_box.isChecked(),
        )

    # -- actions (thin slots over plain coroutines that tests await) -------------------------------

    @async_slot()
    async def _on_save_clicked(self) -> None:
        await self.save()

    async def save(self) -> bool:
        if self.presenter is None:
            return False
        token = self._form_token
        view, text = await self.presenter.save(self.player_id, self.read_form())
        if token != self._form_token:  # the editor moved on: the table and the status bar say it
            if view is not None:
                self.refresh()
                self.message.emit(text)
            return view is not None
        self.result_label.setText(text)
        if view is None:
            return False
        self.player_id = view.id
        self.refresh()
        self._show_form(self.presenter.form(view.id))
        self.result_label.setText(text)
        self.message.emit(text)
        return True

    @async_slot()
    async def _on_test_clicked(self) -> None:
        await self.test_connection()

    async def test_connection(self) -> bool:
        if self.presenter is None or self.player_id is None:
            return False
        token = self._form_token
        self.result_label.setText("Testing…")
        self.test_button.setEnabled(False)
        try:
            ok, text = await self.presenter.test(self.player_id)
        finally:
            if token == self._form_token:  # else the form shown now has set the button itself
                self.test_button.setEnabled(True)
        if token == self._form_token:
            self.result_label.setText(text)
        self.refresh()
        return ok

    @async_slot()
    async def _on_remove_clicked(self) -> None:
        if self.presenter is None or self.player_id is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove player",
            f"Remove {self.name_edit.text()} and forget what it is owed?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the name is the user's text, never markup
        if await dialog_result(box) == QMessageBox.StandardButton.Yes:
            await self.remove()

    async def remove(self) -> None:
        if self.presenter is None or self.player_id is None:
            return
        text = await self.presenter.remove(self.player_id)
        self.new_player()
        self.refresh()
        self.message.emit(text)

    @async_slot()
    async def _on_check_clicked(self) -> None:
        await self.check_mapping()

    async def check_mapping(self) -> bool | None:
        """Ask the player about the chosen movie's path and show its answer; the answer (None when
        it could not be asked, or came after a newer check or another player's form)."""
        movie_id = self.movie_box.currentData()
        if self.presenter is None or self.player_id is None or movie_id is None:
            self.check_label.setText("Choose a player and a movie with a path first.")
            return None
        self.check_label.setText("Asking the player…")
        check = self._check = object()
        known, text = await self.presenter.check_mapping(self.player_id, int(movie_id))
        if check is not self._check:
            return None
        self.check_label.setText(("✓ " if known else "✗ " if known is False else "") + text)
        return known

    @async_slot()
    async def _on_sync_clicked(self) -> None:
        await self.sync_pending()

    async def sync_pending(self) -> str:
        if self.presenter is None:
            return ""
        self.sync_button.setEnabled(False)
        try:
            text = await self.presenter.sync_pending()
        finally:
            self.sync_button.setEnabled(True)
        self.message.emit(text)
        return text

    def dispose(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
