"""Every item model of the window, checked with qtmodeltester and through its own API."""

from __future__ import annotations

import asyncio
from datetime import UTC
from datetime import datetime

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from metarr_desktop.core.clock import VirtualClock
from metarr_desktop.core.fields import label
from metarr_desktop.core.records import IdentificationStatus
from metarr_desktop.core.records import MovieRow
from metarr_desktop.engine.health import HealthStatus
from metarr_desktop.engine.health import ProviderHealth
from metarr_desktop.services.jobs import EventKind
from metarr_desktop.services.jobs import JobHandle
from metarr_desktop.services.jobs import JobTracker
from metarr_desktop.ui.activity.models import JobsModel
from metarr_desktop.ui.common.roles import Role
from metarr_desktop.ui.health.models import HealthModel
from metarr_desktop.ui.library.page import LibraryModel
from metarr_desktop.ui.providers.models import FieldAuthorityModel
from metarr_desktop.ui.providers.models import OverrideRow
from metarr_desktop.ui.providers.models import ProviderOrderModel
from metarr_desktop.ui.providers.models import ProviderRow

pytestmark = pytest.mark.gui

ROWS = [
    ProviderRow("omdb", "OMDb", True),
    ProviderRow("tmdb", "TMDB", True),
    ProviderRow("tvdb", "TheTVDB", False, "no API key"),
    ProviderRow("fanart", "fanart.tv", True),
]


def test_provider_order_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = ProviderOrderModel(ROWS)
    qtmodeltester.check(model)
    assert model.pairs() == [("omdb", True), ("tmdb", True), ("tvdb", False), ("fanart", True)]
    assert model.index(0).data() == "1.  OMDb"
    assert model.index(2).data(Role.HINT) == "no API key"
    assert model.index(1).data(Role.PRIORITY) == 2


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        (0, 3, ["tmdb", "tvdb", "fanart", "omdb"]),
        (3, 0, ["fanart", "omdb", "tmdb", "tvdb"]),
        (1, 2, ["omdb", "tvdb", "tmdb", "fanart"]),
        (2, 1, ["omdb", "tvdb", "tmdb", "fanart"]),
    ],
)
def test_move_puts_the_row_at_its_target(
    qtmodeltester: ModelTester, source: int, target: int, expected: list[str]
) -> None:
    model = ProviderOrderModel(ROWS)
    qtmodeltester.check(model)
    assert model.move(source, target) is True
    assert model.ids() == expected
    assert model.index(target).data(Role.PROVIDER_ID) == ROWS[source].id
    assert model.index(0).data().startswith("1.  ")


def test_move_rows_follows_qt_conventions(qtbot: QtBot) -> None:
    model = ProviderOrderModel(ROWS)
    with qtbot.waitSignal(model.rowsMoved, timeout=100):
        # Qt's destination is "before row 4", i.e. the end.
        assert model.moveRows(QModelIndex(), 0, 2, QModelIndex(), 4) is True
    assert model.ids() == ["tvdb", "fanart", "omdb", "tmdb"]
    assert model.moveRows(QModelIndex(), 0, 1, QModelIndex(), 1) is True  # onto itself: no-op
    assert model.ids() == ["tvdb", "fanart", "omdb", "tmdb"]
    assert model.moveRows(QModelIndex(), 3, 1, QModelIndex(), 9) is False
    assert model.move(0, 0) is False


def test_check_state_is_the_enabled_switch(qtmodeltester: ModelTester) -> None:
    model = ProviderOrderModel(ROWS)
    qtmodeltester.check(model)
    index = model.index(2)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.pairs()[2] == ("tvdb", True)
    assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled


def test_drop_mime_data_moves_rows(qtmodeltester: ModelTester) -> None:
    model = ProviderOrderModel(ROWS)
    mime = model.mimeData([model.index(3)])
    assert model.dropMimeData(mime, Qt.DropAction.MoveAction, 0, 0, QModelIndex()) is False  # moved here
    assert model.ids() == ["fanart", "omdb", "tmdb", "tvdb"]
    qtmodeltester.check(model)


def test_field_authority_model(qtmodeltester: ModelTester) -> None:
    model = FieldAuthorityModel({"omdb": "OMDb", "tmdb": "TMDB"})
    model.set_rows([OverrideRow("imdb_rating", ("omdb",), True), OverrideRow("plot", ("tmdb", "omdb"))])
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "IMDb rating"
    assert model.index(1, 1).data() == "TMDB > OMDb"
    assert model.index(0, 2).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.setData(model.index(1, 2), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.setData(model.index(1, 1), ["omdb"], Role.PROVIDERS)
    assert model.authorities()["plot"].to_json() == {"providers": ["omdb"], "exclusive": True}
    assert model.add(OverrideRow("poster", ("tmdb",))) == 2
    assert model.add(OverrideRow("poster", ("omdb",))) == 2  # replaces
    assert model.remove(0) is True
    assert model.fields() == ["plot", "poster"]
    assert model.remove(5) is False
    qtmodeltester.check(model)


def test_field_labels_come_from_the_one_field_table() -> None:
    # The authority editor and the movie page name a field the same way.
    assert label("imdb_rating") == "IMDb rating"
    assert label("rotten_tomatoes_score") == "Rotten Tomatoes"
    assert label("tmdb_id") == "TMDB id"


def snapshot(pid: str, status: HealthStatus, **changes: object) -> ProviderHealth:
    values: dict[str, object] = {
        "id": pid,
        "enabled": True,
        "status": status,
        "auto_disabled": False,
        "uptime_percent": 99.0,
        "avg_latency_ms": 80.0,
        "consecutive_failures": 0,
        "last_request_at": datetime(2026, 1, 1, tzinfo=UTC),
        "last_error": None,
        "rate_limited_until": None,
        "requests_today": 3,
        "daily_quota": 1000,
    }
    values.update(changes)
    return ProviderHealth(**values)  # type: ignore[arg-type]


def test_health_model(qtmodeltester: ModelTester, qtbot: QtBot) -> None:
    model = HealthModel({"omdb": "OMDb", "tmdb": "TMDB"})
    model.set_rows([snapshot("omdb", HealthStatus.HEALTHY)])
    qtmodeltester.check(model)
    assert model.index(0).data() == "OMDb: Healthy"
    with qtbot.waitSignal(model.dataChanged, timeout=100):
        model.update(snapshot("omdb", HealthStatus.DOWN, auto_disabled=True, last_error="boom"))
    assert model.index(0).data(Role.DISPLAY_STATUS) == "auto_disabled"
    assert model.index(0).data(Qt.ItemDataRole.ToolTipRole) == "boom"
    with qtbot.waitSignal(model.rowsInserted, timeout=100):
        assert model.update(snapshot("tmdb", HealthStatus.RATE_LIMITED)) == 1
    assert model.health("tmdb").status is HealthStatus.RATE_LIMITED
    qtmodeltester.check(model)


async def test_jobs_model_follows_the_tracker(qtmodeltester: ModelTester) -> None:
    tracker = JobTracker(VirtualClock())
    model = JobsModel()
    qtmodeltester.check(model)

    async def body(handle: JobHandle) -> None:
        handle.progress.on_provider_start("tmdb")
        handle.progress.on_provider_retry("tmdb", 1, 2)
        handle.progress.on_provider_complete("tmdb", True)

    job = tracker.start("Refresh metadata", body, total=2)
    model.add_job(job)
    await tracker.wait(job)
    model.add_event(job)
    model.update_job(job)
    qtmodeltester.check(model)
    top = model.index(0, 0)
    assert top.data() == "Refresh metadata"
    assert model.rowCount(top) == 3
    assert model.index(1, 0, top).data() == "tmdb: retry 1 of 2"
    assert model.index(1, 1, top).data(Role.EVENT_KIND) == EventKind.RETRY.value
    assert model.parent(model.index(1, 0, top)) == top
    assert model.job_at(model.index(2, 0, top)) is job
    assert model.index(0, 1).data(Role.PROGRESS) == 1.0
    second = tracker.start("Second", body)
    model.add_job(second)
    assert model.index(0, 0).data() == "Second"
    await tracker.wait(second)
    model.remove_job(job)
    assert model.rowCount() == 1
    qtmodeltester.check(model)


def test_library_model(qapp: QApplication, qtmodeltester: ModelTester) -> None:
    model = LibraryModel()  # it paints pixmaps: needs the application
    model.set_rows([MovieRow(1, "Inception", 2010, IdentificationStatus.IDENTIFIED, True, None, {}, 0, None)])
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "Inception"
    assert model.index(0, 3).data() == ""


async def test_jobs_model_shows_a_window_of_the_latest_events(qtmodeltester: ModelTester) -> None:
    tracker = JobTracker(VirtualClock())
    model = JobsModel(events_shown=5)
    qtmodeltester.check(model)
    release = asyncio.Event()

    async def body(handle: JobHandle) -> None:
        await release.wait()

    job = tracker.start("Long job", body)
    model.add_job(job)
    top = model.index(0, 0)
    for batch in (3, 4, 9):
        for _ in range(batch):
            tracker.record(job, EventKind.NOTE, message=f"note {len(job.events)}")
        model.add_event(job)
        qtmodeltester.check(model)
    assert model.rowCount(top) == 5
    assert [model.index(r, 0, top).data() for r in range(5)] == [f"note {n}" for n in range(11, 16)]
    assert model.hidden_events(job) == 11
    release.set()
    await tracker.wait(job)
