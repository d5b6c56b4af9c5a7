"""The sync begins by itself: the first run is due at once, an overdue one runs at start, and
nothing but the end of a run (or a new interval) moves the deadline."""

from __future__ import annotations

from pathlib import Path

import pytest
import shell_fixtures
from PySide6.QtCore import QDateTime

from plx_desktop.gui.scheduler import SyncScheduler
from plx_desktop.paths import database_path
from plx_desktop.store import open_store

pytestmark = pytest.mark.gui
make_window = shell_fixtures.make_window


def test_a_scheduler_that_never_saw_a_run_is_due_as_soon_as_it_is_active(qtbot):
    scheduler = SyncScheduler(interval_s=300)
    scheduler.set_last_run_end(None)
    assert scheduler.next_run is None  # not connected yet
    with qtbot.waitSignal(scheduler.due, timeout=1000):
        scheduler.set_active(True)


def test_an_overdue_run_is_due_at_once(qtbot):
    scheduler = SyncScheduler(interval_s=300)
    scheduler.set_last_run_end(QDateTime.currentDateTime().addSecs(-3600))
    with qtbot.waitSignal(scheduler.due, timeout=1000):
        scheduler.set_active(True)


def test_after_a_run_the_next_is_an_interval_later_and_edits_do_not_move_it(qtbot):
    scheduler = SyncScheduler(interval_s=300)
    scheduler.set_active(True)
    scheduler.hold()  # the run started
    assert scheduler.next_run is None
    scheduler.run_ended()
    deadline = scheduler.next_run
    assert 295 <= QDateTime.currentDateTime().secsTo(deadline) <= 300
    # What profile edits, previews and card refreshes do: none of it postpones the run.
    scheduler.hold()
    scheduler.release()
    scheduler.set_active(True)
    scheduler.arm()
    scheduler.set_paused(True)
    assert scheduler.next_run is None
    scheduler.set_paused(False)
    assert scheduler.next_run == deadline
    scheduler.set_interval(600)
    assert scheduler.next_run == deadline.addSecs(300)


def test_a_preview_that_outlasts_the_deadline_lets_the_run_start_when_it_ends(qtbot):
    scheduler = SyncScheduler(interval_s=300)
    scheduler.set_last_run_end(QDateTime.currentDateTime().addSecs(-299))
    scheduler.set_active(True)
    scheduler.hold()
    scheduler.set_last_run_end(QDateTime.currentDateTime().addSecs(-400))  # time went by
    assert scheduler.next_run is None  # still held
    with qtbot.waitSignal(scheduler.due, timeout=1000):
        scheduler.release()


def test_the_window_starts_the_first_sync_by_itself(qtbot, make_window):
    window = make_window(start_due_run=True)
    # Both sandbox accounts are connected at start and nothing ever ran: the run starts now.
    qtbot.waitUntil(lambda: window.runner.running or bool(window.store.log.runs(limit=1)),
                    timeout=5000)

    def ended() -> bool:
        runs = window.store.log.runs(limit=1)
        return not window.runner.running and bool(runs) and runs[0].status != "running"

    qtbot.waitUntil(ended, timeout=120_000)
    assert window.store.log.runs(limit=1)[0].status == "completed"
    deadline = window.scheduler.next_run
    assert deadline is not None and QDateTime.currentDateTime().secsTo(deadline) > 250
    # Editing the profile (switch to Custom, turn a step off) leaves the deadline alone.
    window.profile_combo.setCurrentIndex(1)
    window.steps_model.setData(window.steps_model.index(0, 0), False, 10)  # CheckStateRole
    assert window.scheduler.next_run == deadline


def test_a_window_opened_long_after_the_last_run_syncs_at_once(qtbot, make_window, tmp_path: Path):
    with open_store(database_path(tmp_path)) as store:
        run_id = store.log.start_run("default")
        store.log.finish_run(run_id, "completed")
        # A run that ended an hour ago: the 5-minute interval is long past.
        store.db.execute_sql("UPDATE run SET finished_at = ? WHERE id = ?",
                             ("2020-01-01T00:00:00.000000Z", run_id))
    window = make_window(start_due_run=True)
    qtbot.waitUntil(lambda: window.runner.running or len(window.store.log.runs()) > 1,
                    timeout=5000)
    window.runner.stop_and_wait()


def test_a_window_opened_soon_after_the_last_run_waits_for_the_interval(qtbot, make_window,
                                                                        tmp_path: Path):
    with open_store(database_path(tmp_path)) as store:
        store.log.finish_run(store.log.start_run("default"), "completed")
    window = make_window(start_due_run=True)
    assert not window.runner.running
    assert QDateTime.currentDateTime().secsTo(window.scheduler.next_run) > 250
