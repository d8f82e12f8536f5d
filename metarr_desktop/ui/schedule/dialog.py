"""The daily enrichment inside the window, and the dialog that sets it.

The window runs the suite's `DailySchedule`, the one ``metarr schedule`` configures (time of day,
enabled, last run: one settings table), but each run is a job of the window's tracker, so it shows its
progress in the status bar and the Activity page and its Cancel button stops it (the movies already
finished are kept). A run missed while the app was closed is caught up at start, as the schedule's
own rule says.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTime
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox
from PySide6.QtWidgets import QDialog
from PySide6.QtWidgets import QDialogButtonBox
from PySide6.QtWidgets import QFormLayout
from PySide6.QtWidgets import QLabel
from PySide6.QtWidgets import QPushButton
from PySide6.QtWidgets import QTimeEdit
from PySide6.QtWidgets import QVBoxLayout
from PySide6.QtWidgets import QWidget

from metarr_desktop.services.enrich_job import EnrichJobReporter
from metarr_desktop.services.enrich_job import run_summary
from metarr_desktop.services.enrichment import EnrichReport
from metarr_desktop.services.jobs import Job
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobTracker
from metarr_desktop.services.library_suite import SCHEDULED
from metarr_desktop.services.library_suite import LibrarySuite
from metarr_desktop.services.schedule import DailySchedule

DAILY_TITLE = "Daily enrichment"
RETRY_TITLE = "Retry incomplete movies"


class WindowSchedule:
    """The daily schedule whose runs are jobs of the window.

    Attributes:
        schedule: the suite's Qt-free schedule (time of day, catch-up, retries), its runs made jobs.
        last_job: the job of the latest run, if any ran in this session.
    """

    def __init__(self, suite: LibrarySuite, jobs: JobTracker) -> None:
        self._suite = suite
        self._jobs = jobs
        self.last_job: Job | None = None
        self.schedule: DailySchedule = suite.schedule
        self.schedule.run_with(self._daily, retry=self._retry)

    async def _run(self, title: str, movie_ids: list[int] | None) -> EnrichReport | None:
        enrichment = self._suite.enrichment

        async def body(handle: JobHandle) -> EnrichReport:
            report = EnrichReport()

            def name(movie_id: int) -> str:
                movie = self._suite.find_movie(movie_id)
                if movie is None:
                    return f"movie {movie_id}"
                return f"{movie.title} ({movie.year})" if movie.year else movie.title

            reporter = EnrichJobReporter(handle, name, self._suite.provider_names())

            try:
                if movie_ids is None:
                    await enrichment.enrich_all(
                        SCHEDULED,
                        on_progress=reporter.on_result,
                        report=report,
                        progress_of=reporter.progress_of,
                    )
                else:
                    await enrichment.enrich_many(
                        movie_ids,
                        SCHEDULED,
                        on_progress=reporter.on_result,
                        report=report,
                        progress_of=reporter.progress_of,
                    )
            finally:
                handle.note(run_summary(report))
            return report

        job = self._jobs.start(title, body)
        self.last_job = job
        result = await self._jobs.wait(job)
        return result if isinstance(result, EnrichReport) else None

    async def _daily(self) -> EnrichReport | None:
        return await self._run(DAILY_TITLE, None)

    async def _retry(self) -> EnrichReport | None:
        due = self._suite.enrichment.due_for_retry()
        return await self._run(RETRY_TITLE, due) if due else None

    def start(self) -> None:
        self.schedule.start()

    async def stop(self) -> None:
        await self.schedule.stop()


def _local_text(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%a %d %b %Y, %H:%M") if moment else "never"


class ScheduleDialog(QDialog):
    """Daily enrichment: on/off, time of day, last and next run, and Run now.

    Signals:
        runNowRequested(): the user asked for a run at once (the window starts it).
    """

    runNowRequested = Signal()

    def __init__(self, schedule: DailySchedule, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schedule = schedule
        self.setWindowTitle("Daily enrichment")
        self.setObjectName("schedule-dialog")

        intro = QLabel(
            "Once a day the whole library is refreshed in the background: unmonitored movies are "
            "skipped and a movie whose cached answers are fresh costs no request. A run missed while "
            "the app was closed is made up at the next start."
        )
        intro.setWordWrap(True)
        self.enabled = QCheckBox("Enrich the library every day")
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName("Time of day")
        self.last_run = QLabel()
        self.next_run = QLabel()
        self.run_now = QPushButton("Run now")
        self.run_now.setToolTip("Start the daily enrichment at once (it shows in Activity)")
        self.run_now.clicked.connect(self._on_run_now)

        form = QFormLayout()
        form.addRow(self.enabled)
        form.addRow("Time of day (local):", self.time)
        form.addRow("Last run:", self.last_run)
        form.addRow("Next run:", self.next_run)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.addButton(self.run_now, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.enabled.toggled.connect(self.time.setEnabled)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
        self.load()

    def load(self) -> None:
        at = self.schedule.time_of_day()
        self.enabled.setChecked(self.schedule.enabled())
        self.time.setTime(QTime(at.hour, at.minute))
        self.time.setEnabled(self.enabled.isChecked())
        self.last_run.setText(_local_text(self.schedule.last_run()))
        self.next_run.setText(
            _local_text(self.schedule.next_run_time()) if self.schedule.enabled() else "off"
        )

    def save(self) -> None:
        chosen = self.time.time()
        self.schedule.set_time_of_day(f"{chosen.hour():02d}:{chosen.minute():02d}")
        self.schedule.set_enabled(self.enabled.isChecked())

    def accept(self) -> None:
        self.save()
        super().accept()

    def _on_run_now(self) -> None:
        self.runNowRequested.emit()
        self.reject()
