"""The activity view: running and recent jobs, each with its per-provider events, and Cancel.

Cancel really stops a job: `JobTracker.cancel` cancels its asyncio task, and the engine's
cancellation reaches the HTTP requests in flight.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtCore import QPersistentModelIndex
from PySide6.QtCore import QRect
from PySide6.QtCore import QSize
from PySide6.QtCore import Qt
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPainter
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import QAbstractItemView
from PySide6.QtWidgets import QApplication
from PySide6.QtWidgets import QHBoxLayout
from PySide6.QtWidgets import QHeaderView
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QStyle
from PySide6.QtWidgets import QStyledItemDelegate
from PySide6.QtWidgets import QStyleOptionProgressBar
from PySide6.QtWidgets import QStyleOptionViewItem
from PySide6.QtWidgets import QTreeView
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobState
from metarr_desktop.ui.activity.models import JobsModel
from metarr_desktop.ui.common import shortcuts
from metarr_desktop.ui.common.bridge import JobBridge
from metarr_desktop.ui.common.page import PageView
from metarr_desktop.ui.common.pages import title_label
from metarr_desktop.ui.common.roles import Role

#: Job changes are shown at most this often (milliseconds).
COALESCE_MS = 100


class ProgressDelegate(QStyledItemDelegate):
    """Draws a running job's status cell as a progress bar (busy when the total is unknown)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 8)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if index.data(Role.JOB_STATE) != JobState.RUNNING.value:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The row's own background (selected or not), then the bar in the normal colours, so that
        # its text stays readable on a selected row.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        fraction = index.data(Role.PROGRESS)
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(3, 2, -3, -2))
        bar.minimum = 0
        bar.maximum = 1000 if fraction is not None and fraction >= 0 else 0
        bar.progress = int((fraction or 0) * 1000) if bar.maximum else 0
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole))
        bar.textVisible = True
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.palette = widget.palette() if widget is not None else QApplication.palette()
        bar.fontMetrics = option.fontMetrics
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)


class ActivityPage(PageView):
    """Jobs and their events, newest first, with Cancel and Clear finished.

    Attributes:
        model: the jobs tree.
        bridge: the job tracker's changes as Qt signals.

    Signals:
        loaded(): the jobs are shown.
        message(str): a status message for the window.
    """

    def __init__(self, bridge: JobBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setObjectName("activity-page")
        self.model = JobsModel(self)
        self._pending: dict[int, Job] = {}
        self.flush_timer = QTimer(self)
        self.flush_timer.setSingleShot(True)
        self.flush_timer.setInterval(COALESCE_MS)
        self.flush_timer.timeout.connect(self.flush_pending)
        bridge.jobAdded.connect(self._on_job_added)
        bridge.jobEvent.connect(self._on_job_changed)
        bridge.jobUpdated.connect(self._on_job_changed)
        bridge.jobRemoved.connect(self._on_job_removed)

        title = title_label("Activity")

        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Jobs")
        self.tree.setItemDelegateForColumn(JobsModel.STATUS, ProgressDelegate(self.tree))
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(JobsModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(JobsModel.STATUS, QHeaderView.ResizeMode.Interactive)
        # Fixed widths: "resize to contents" would read every row on every change.
        header.setSectionResizeMode(JobsModel.TIME, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(JobsModel.STATUS, 220)
        header.resizeSection(JobsModel.TIME, 90)

        self.empty = QLabel(
            "No jobs yet. Refreshing metadata, checking keys and scans show up here while they run."
        )
        self.empty.setEnabled(False)
        self.empty.setWordWrap(True)

        self.cancel_button = QPushButton("Cancel job")
        self.cancel_button.setToolTip("Stop the selected running job (Ctrl+.)")
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.clear_button = QPushButton("Clear finished")
        self.clear_button.clicked.connect(self.clear_finished)
        QShortcut(shortcuts.CANCEL_JOB.sequence(), self, self.cancel_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

        self.tree.selectionModel().currentChanged.connect(self._sync_buttons)
        self.model.rowsInserted.connect(self._sync_buttons)
        self.model.rowsRemoved.connect(self._sync_buttons)
        self.model.modelReset.connect(self._sync_buttons)
        self._sync_buttons()

    async def load(self) -> None:
        self.model.set_jobs(list(self.bridge.tracker.jobs))
        for row in range(self.model.rowCount()):
            if row == 0 or self.model.jobs[row].state is JobState.RUNNING:
                self.tree.expand(self.model.index(row, 0))
        if self.model.rowCount() and not self.tree.currentIndex().isValid():
            self.tree.setCurrentIndex(self.model.index(0, 0))
        self.loaded.emit()

    def _on_job_added(self, job: Job) -> None:
        self.model.add_job(job)
        self.tree.expand(self.model.job_index(job))
        if not self.tree.currentIndex().isValid():
            self.tree.setCurrentIndex(self.model.job_index(job))

    def _on_job_changed(self, job: Job, _event: object = None) -> None:
        """Events and progress are shown in batches (at most every `COALESCE_MS`): a busy job
        reports thousands of events, and inserting them one by one would starve the event loop."""
        self._pending[job.id] = job
        if not self.flush_timer.isActive():
            self.flush_timer.start()

    def _on_job_removed(self, job: Job) -> None:
        self._pending.pop(job.id, None)
        self.model.remove_job(job)

    def flush_pending(self) -> None:
        """Show every event and state change received since the last flush."""
        self.flush_timer.stop()
        pending, self._pending = self._pending, {}
        for job in pending.values():
            self.model.add_event(job)
            self.model.update_job(job)
        self._sync_buttons()

    def selected_job(self) -> Job | None:
        return self.model.job_at(self.tree.currentIndex())

    def cancel_selected(self) -> bool:
        job = self.selected_job()
        if job is None:
            return False
        if self.bridge.tracker.cancel(job.id):
            self.message.emit(f"Cancelling {job.title}…")
            return True
        return False

    def clear_finished(self) -> None:
        for job in [j for j in self.model.jobs if j.state.finished]:
            self.bridge.tracker.forget(job.id)

    def _sync_buttons(self, *_args: object) -> None:
        job = self.selected_job()
        self.cancel_button.setEnabled(job is not None and job.state is JobState.RUNNING)
        self.clear_button.setEnabled(any(j.state.finished for j in self.model.jobs))
        self.empty.setVisible(self.model.rowCount() == 0)
