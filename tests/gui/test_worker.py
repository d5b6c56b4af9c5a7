"""The worker bridge: a real sync through run_sync against the sandbox, on a worker thread,
reported through queued signals; cooperative cancel; a failure reported as `failed`."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from shell_fixtures import sandbox_data_dir

from plx_desktop.gui.worker import SyncRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def data_dir(sandbox, tmp_path: Path) -> Path:
    return sandbox_data_dir(sandbox, tmp_path)[0]


def test_a_real_sync_reports_progress_and_finishes(qtbot, data_dir):
    from plx_desktop.sync.service import sandbox_connections

    runner = SyncRunner(data_dir)
    progress, entries, threads, summaries = [], [], [], []
    runner.finished.connect(summaries.append)
    runner.progress.connect(lambda p: (progress.append(p), threads.append(threading.get_ident())))
    runner.log_entries.connect(entries.extend)
    with qtbot.waitSignals([runner.finished, runner.stopped], timeout=120_000,
                           raising=True), \
            qtbot.assertNotEmitted(runner.failed):
        assert runner.start(sandbox_connections(data_dir), profile="default")
        assert runner.running
        assert not runner.start(sandbox_connections(data_dir))  # one run at a time
    [summary] = summaries
    assert summary.status == "completed", summary.reason
    assert progress and {p.run_id for p in progress} == {summary.run_id}
    assert set(threads) == {threading.get_ident()}  # delivered on the GUI thread
    assert sum(s.created for s in summary.steps) > 0
    assert entries, "the log entries of the run reach the GUI"
    assert not runner.running


def test_cancel_stops_the_run_cleanly(qtbot, data_dir):
    from plx_desktop.sync.service import sandbox_connections

    runner = SyncRunner(data_dir)
    summaries = []
    runner.finished.connect(summaries.append)
    with qtbot.waitSignals([runner.finished, runner.stopped], timeout=120_000), \
            qtbot.assertNotEmitted(runner.failed):
        runner.start(sandbox_connections(data_dir), profile="default")
        runner.cancel()
    assert [s.status for s in summaries] == ["stopped"]


def test_stop_and_wait_ends_the_thread(qtbot, data_dir):
    from plx_desktop.sync.service import sandbox_connections

    runner = SyncRunner(data_dir)
    runner.start(sandbox_connections(data_dir), profile="default")
    thread: QThread = runner._thread
    assert runner.stop_and_wait(60_000)
    assert thread.isFinished() and not runner.running


def test_an_exception_in_the_engine_arrives_as_failed(qtbot, tmp_path):
    # Not the engine under test here: the bridge's handling of a crash inside whatever it runs.
    def crashing_run(*args, **kwargs):
        raise RuntimeError("the database is locked")

    runner = SyncRunner(tmp_path, run_sync=crashing_run)
    with qtbot.waitSignal(runner.failed, timeout=10_000) as failed, \
            qtbot.assertNotEmitted(runner.finished):
        runner.start(connections=None)
    assert failed.args == ["the database is locked"]
    qtbot.waitUntil(lambda: not runner.running)
