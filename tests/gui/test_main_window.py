"""The main window on the sandbox: banner and cards, the profile switch and Default immutability,
remembered window state, Run now to completion, and closing during a run."""

from __future__ import annotations

from pathlib import Path

import pytest
import shell_fixtures
from PySide6.QtCore import Qt, QTimer

from plx_desktop.domain.profile import ProfileKind
from plx_desktop.paths import database_path
from plx_desktop.store import open_store

pytestmark = pytest.mark.gui
make_window = shell_fixtures.make_window


def test_sandbox_window_shows_banner_connections_and_locked_default(make_window):
    window = make_window()
    assert window.banner.isVisible()
    assert window.banner.text() == ("Sandbox: you are working against local stand-ins, "
                                    "not real accounts")
    assert window.salesforce_card.status.text() == "Connected"
    assert window.peoplelinx_card.status.text() == "Connected"
    assert window.profile_combo.currentText() == "Default profile"
    assert window.locked_hint.isVisible()
    assert window.locked_hint.text() == ("The Default profile is locked. Choose Custom profile to "
                                         "add, change or reorder steps.")
    assert not window.steps_tab.add_button.isEnabled()
    assert window.steps_model.rowCount() == 12
    assert window.run_controls.interval.value() == 300
    assert window.run_controls.run_button.isEnabled()
    window.grab().save(str(Path("/tmp/gui") / "test_main.png")) if Path("/tmp/gui").is_dir() else None


def test_profile_switch_keeps_custom_steps_and_window_state(qtbot, make_window):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    assert not window.locked_hint.isVisible()
    assert window.steps_tab.add_button.isEnabled()
    added = window.steps_model.add_step("calls_to_lead_tasks", 0)
    window.profile_combo.setCurrentIndex(0)
    assert window.steps_model.rowCount() == 12 and window.session.profile.read_only
    window.profile_combo.setCurrentIndex(1)
    assert window.steps_model.step_at(0).uid == added.uid  # switching back finds them as left
    window.tabs.setCurrentIndex(1)
    # The offscreen screen is 800 pixels wide, and restoreGeometry keeps a window on its screen:
    # the height is what can be checked here.
    window.resize(window.width(), 650)
    window.run_controls.interval.setValue(90)
    qtbot.waitUntil(lambda: window.height() == 650)
    size_before = window.size()
    window.close()

    again = make_window()
    assert again.profile_combo.currentText() == "Custom profile"
    assert again.steps_model.step_at(0).uid == added.uid
    assert again.tabs.currentIndex() == 1
    assert again.height() == size_before.height() == 650
    assert again.run_controls.interval.value() == 90
    settings_text = (again.data_dir / "window.ini").read_text()
    assert "api_key" not in settings_text.lower() and "token" not in settings_text.lower()
    again.close()
    with open_store(database_path(again.data_dir)) as store:
        assert store.profiles.active_kind() is ProfileKind.CUSTOM


def test_run_now_completes_and_updates_the_status_bar(qtbot, make_window):
    window = make_window()
    with qtbot.waitSignal(window.sync.run_finished, timeout=120_000), \
            qtbot.assertNotEmitted(window.sync.run_failed):
        qtbot.mouseClick(window.run_controls.run_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.runner.running or window.status.state.text() != "Idle")
    assert window.status.state.text().startswith("Completed")
    assert "created" in window.status.progress_text.text()
    assert window.status.api_usage.text() != "Salesforce API: –"
    qtbot.waitUntil(lambda: not window.runner.running)
    assert window.run_controls.run_button.text() == "Run now"
    assert window.status.next_run.text().startswith("Next run at")
    window.grab().save("/tmp/gui/main_after_run.png") if Path("/tmp/gui").is_dir() else None


def _slow_run(window, sandbox, qtbot, latency_ms: int = 3_000):
    """A run whose every API call takes `latency_ms`, caught in its first call."""
    services = (sandbox.salesforce, sandbox.peoplelinx)
    for service in services:
        service.faults.configure(latency_ms=latency_ms)
    assert window.sync.run_now()
    # The run's own record and calls, not the window's: at start it asks Salesforce itself
    # (Check org, who is signed in), and a child ended before it recorded its run leaves no
    # record to close.
    qtbot.waitUntil(lambda: _run_recorded(window), timeout=60_000)
    qtbot.waitUntil(lambda: sum(s.calls.snapshot()["total"] for s in services) > 0,
                    timeout=30_000)


def _run_recorded(window) -> bool:
    runs = window.store.log.runs(limit=1)
    return bool(runs) and runs[0].status == "running"


def test_closing_during_a_run_asks_then_stops_it_without_freezing(qtbot, make_window, sandbox):
    from plx_desktop.gui.main_window import CLOSED_DURING_RUN

    window = make_window()
    _slow_run(window, sandbox, qtbot)
    assert not window.close()  # returns at once: the window stays while it asks
    box = window.close_question
    assert box is not None and box.isVisible() and window.isVisible()
    [stop] = [b for b in box.buttons() if b.text() == "&Stop and quit"]
    assert [b.text() for b in box.buttons() if b.text().startswith("&Wait")] == [
        "&Wait for the run to finish"]
    ticks = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(50)
    stop.click()
    assert window.status.state.text() == "Stopping the sync…"
    # Each call takes 3 s, and the run is given 1.5 s to reach a safe point: it is ended.
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=8_000)
    assert len(ticks) >= 10  # the GUI thread kept turning while the run stopped
    assert not window.runner.running
    with open_store(database_path(window.data_dir)) as store:
        [run] = store.log.runs(limit=1)
        assert (run.status, run.message) == ("stopped", CLOSED_DURING_RUN)
        assert store.log.read(limit=1)[0].message == f"The run stopped: {CLOSED_DURING_RUN}"


def test_a_sync_process_that_dies_shows_the_run_failed(qtbot, make_window, sandbox):
    # A real crash: the run's child process is killed, as the OS might; the window says so.
    import os
    import signal

    window = make_window()
    for service in (sandbox.salesforce, sandbox.peoplelinx):
        service.faults.configure(latency_ms=500)  # the run is still going when it is killed
    failures = []
    window.sync.run_failed.connect(failures.append)
    with qtbot.waitSignal(window.runner.stopped, timeout=60_000), \
            qtbot.assertNotEmitted(window.sync.run_finished):
        assert window.sync.run_now()
        qtbot.waitUntil(lambda: window.runner.child_pid is not None, timeout=30_000)
        os.kill(window.runner.child_pid, signal.SIGKILL)
    assert failures == ["The sync process was stopped (signal 9) before it could finish."]
    assert window.status.state.text().startswith("Failed at ")
    assert window.status.progress_text.text() == failures[0]
    assert window.run_controls.run_button.text() == "Run now"


def test_wait_for_the_run_closes_the_window_when_it_has_finished(qtbot, make_window, sandbox):
    window = make_window()
    _slow_run(window, sandbox, qtbot, latency_ms=50)
    window.close()
    [wait] = [b for b in window.close_question.buttons() if b.text().startswith("&Wait")]
    wait.click()
    assert window.isVisible() and window.runner.running
    assert window.status.state.text() == "Quitting when the run has finished…"
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=120_000)
    with open_store(database_path(window.data_dir)) as store:
        assert store.log.runs(limit=1)[0].status == "completed"


def test_cancel_keeps_the_window_and_the_run(qtbot, make_window, sandbox):
    window = make_window()
    _slow_run(window, sandbox, qtbot, latency_ms=50)
    window.close()
    qtbot.keyClick(window.close_question, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.close_question is None or not window.close_question.isVisible())
    assert window.isVisible() and window.runner.running
    window.runner.stop_and_wait()


def test_pause_stops_the_timer(qtbot, make_window):
    window = make_window()
    assert window.scheduler.next_run is not None
    window.run_controls.pause_button.click()
    assert window.scheduler.next_run is None and window.run_controls.pause_button.text() == "Res&ume"
    assert window.status.next_run.text() == "Automatic sync paused"
    window.run_controls.pause_button.click()
    assert window.scheduler.next_run is not None


def test_settings_button_opens_the_step_settings_dialog(qtbot, make_window):
    window = make_window()
    dialog = window.open_step_settings(0)
    assert dialog.read_only  # Default profile: shown, not changeable
    dialog.reject()
    window.profile_combo.setCurrentIndex(1)
    dialog = window.open_step_settings(0, "actions")
    assert not dialog.read_only and dialog.sections["actions"].is_expanded()
    dialog.reject()


def test_cards_show_org_and_account_and_the_log_links_to_the_instance(qtbot, make_window):
    window = make_window()
    instance = window.state.salesforce.instance_url
    assert window.log_tab.model.instance_url == instance.rstrip("/")
    assert window.health_tab.instance_url == instance.rstrip("/")
    # Filled off the GUI thread (userinfo, GET /v1/me): wait for them, never block.
    qtbot.waitUntil(lambda: window.salesforce_card.org.text().startswith("00D"), timeout=10_000)
    qtbot.waitUntil(lambda: window.peoplelinx_card.account.text() not in ("", "–"),
                    timeout=10_000)
    assert window.salesforce_card.user.text() != "–"
    assert window.salesforce_card.instance.text() == instance
    window.state.set_salesforce(None)
    assert window.log_tab.model.instance_url == ""
    assert window.salesforce_card.org.text() == "–"
    assert window.salesforce_card.status.text() == "Not connected"
    assert not window.salesforce_card.disconnect_button.isEnabled()
    assert window.run_controls.run_button.toolTip() == "Connect Salesforce first."


def test_closing_as_the_run_ends_does_not_ask(qtbot, make_window):
    # The run has reported its end; only its process is still exiting (the self-test's case).
    window = make_window()
    closed = []
    window.runner.finished.connect(lambda _summary: closed.append(window.close()))
    assert window.sync.run_now()
    qtbot.waitUntil(lambda: bool(closed), timeout=120_000)
    assert closed == [True] and window.close_question is None
    assert not window.runner.running
