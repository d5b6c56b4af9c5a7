"""The worker bridge: a real sync through run_sync against the sandbox, in a child process,
reported through queued signals; cooperative cancel; a child that does not stop is ended; a
child that fails reported as `failed`."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from autogroup import KERNEL_HAS_AUTOGROUP, autogroup
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


def test_an_exception_in_the_child_arrives_as_failed(qtbot, tmp_path):
    # A real child that really fails: its database is not a database, so opening it raises
    # before the run can record anything; the bridge says so in one line.
    from plx_desktop.paths import database_path
    from plx_desktop.sync.service import Connections

    database_path(tmp_path).write_bytes(b"this is not an SQLite file " * 100)
    runner = SyncRunner(tmp_path)
    with qtbot.waitSignal(runner.failed, timeout=60_000) as failed, \
            qtbot.assertNotEmitted(runner.finished):
        runner.start(Connections(None, None))
    assert failed.args == ["An unexpected error stopped the run (DatabaseError: file is not a "
                           "database); details in the log file"]
    qtbot.waitUntil(lambda: not runner.running, timeout=30_000)


def test_the_run_is_in_a_child_process_that_is_ended_if_it_does_not_stop(qtbot, sandbox,
                                                                          data_dir):
    # Every API call takes 3 s, longer than the run is given to stop: closing the window must
    # not wait for it, so the child is terminated (a thread could not be) and nothing is left.
    import multiprocessing

    from plx_desktop.sync.service import sandbox_connections

    services = (sandbox.salesforce, sandbox.peoplelinx)
    for service in services:
        service.faults.configure(latency_ms=3_000)
    runner = SyncRunner(data_dir)
    failures = []
    runner.failed.connect(failures.append)
    with qtbot.assertNotEmitted(runner.finished):
        assert runner.start(sandbox_connections(data_dir), profile="default")
        qtbot.waitUntil(lambda: sum(s.calls.snapshot()["total"] for s in services) > 0,
                        timeout=30_000)
        assert runner.stop_and_wait(500)
        assert not runner.running
        qtbot.waitUntil(lambda: bool(failures))
    assert failures == ["The sync process was stopped (signal 15) before it could finish."]
    assert not [p for p in multiprocessing.active_children() if p.name == "plx-sync"]


def test_closing_the_window_right_after_a_run_does_not_wait_for_ever(qtbot, data_dir):
    # The window closes on `finished`, while the bridge is still seeing its child out.
    from plx_desktop.sync.service import sandbox_connections

    runner = SyncRunner(data_dir)
    with qtbot.waitSignal(runner.finished, timeout=120_000):
        assert runner.start(sandbox_connections(data_dir), profile="default")
    assert runner.stop_and_wait(60_000)
    assert not runner.running
    runner.cancel()  # nothing running: nothing happens


def test_a_cancel_gives_its_reason_to_the_log(qtbot, sandbox, data_dir):
    # The run reaches its next safe point within the (long) grace: the engine itself says why.
    from plx_desktop.paths import database_path
    from plx_desktop.store import open_store
    from plx_desktop.sync.service import sandbox_connections

    for service in (sandbox.salesforce, sandbox.peoplelinx):
        service.faults.configure(latency_ms=100)
    runner = SyncRunner(data_dir)
    summaries = []
    runner.finished.connect(summaries.append)
    with qtbot.waitSignals([runner.finished, runner.stopped], timeout=120_000):
        assert runner.start(sandbox_connections(data_dir), profile="default")
        qtbot.waitUntil(lambda: sandbox.salesforce.calls.snapshot()["total"] > 0, timeout=30_000)
        runner.stop_soon("The window was closed", grace_ms=120_000)
    [summary] = summaries
    assert (summary.status, summary.reason) == ("stopped", "The window was closed")
    assert summary.steps  # the engine's own summary, not the bridge's
    with open_store(database_path(data_dir)) as store:
        assert store.log.runs(limit=1)[0].message == "The window was closed"
        assert store.log.read(limit=1)[0].message == "The run stopped: The window was closed"


def _niceness(pid: int) -> int:
    import os

    return os.getpriority(os.PRIO_PROCESS, pid)


def test_the_sync_process_gives_way_to_the_window(qtbot, sandbox, data_dir):
    # The child is nicer than the window, and on Linux with autogroup it is also in a session
    # (so a scheduling group) of its own, nicer than the window's: a nice value counts only
    # within its group, and sharing the window's group let the sync take the window's share.
    import os

    from plx_desktop.sync.service import sandbox_connections

    for service in (sandbox.salesforce, sandbox.peoplelinx):
        service.faults.configure(latency_ms=300)  # the run is still going while we look
    runner = SyncRunner(data_dir)
    with qtbot.waitSignals([runner.finished, runner.stopped], timeout=120_000), \
            qtbot.assertNotEmitted(runner.failed):
        runner.start(sandbox_connections(data_dir), profile="default")
        qtbot.waitUntil(lambda: runner.child_pid is not None, timeout=30_000)
        pid = runner.child_pid
        mine = _niceness(0)
        qtbot.waitUntil(lambda: _niceness(pid) == min(19, mine + 5), timeout=30_000)
        window_group = autogroup()
        if window_group is not None:
            def own_nicer_group() -> bool:  # setsid comes first, then the group's nice
                child_group = autogroup(pid)
                return child_group is not None and child_group[0] != window_group[0] and \
                    child_group[1] == min(19, window_group[1] + 5)

            qtbot.waitUntil(lambda: os.getsid(pid) != os.getsid(0), timeout=30_000)
            qtbot.waitUntil(own_nicer_group, timeout=30_000)
        elif KERNEL_HAS_AUTOGROUP:
            # the window is in the default group (a CI container): there nice values compete
            # one to one, and a session of its own would give the child a group that competes
            # with the window's whole group as an equal, so the child stays where it is
            assert os.getsid(pid) == os.getsid(0) and autogroup(pid) is None
        runner.cancel()
