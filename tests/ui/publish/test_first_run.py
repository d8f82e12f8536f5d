"""The first-run question about library files is asked until the user answers it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from metarr_desktop.ui.context import UiContext
from metarr_desktop.ui.publish.first_run import first_run_bar
from metarr_desktop.ui.publish.presenter import apply_first_run_choice

pytestmark = pytest.mark.gui


def test_the_question_is_asked_until_it_is_answered(qtbot: QtBot, ctx: UiContext) -> None:
    assert ctx.suite is not None
    bar = first_run_bar(ctx)
    assert bar is not None
    qtbot.addWidget(bar)
    apply_first_run_choice(ctx.suite.user_settings, None)
    assert first_run_bar(ctx) is None


def test_a_window_without_the_library_asks_nothing(ctx: UiContext) -> None:
    ctx.suite = None
    assert first_run_bar(ctx) is None
