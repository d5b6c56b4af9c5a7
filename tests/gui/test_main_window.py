"""The main window on the sandbox: banner and cards, the profile switch and Default immutability,
remembered window state, Run now to completion, and closing during a run."""

from __future__ import annotations

from pathlib import Path

import pytest
import shell_fixtures
from PySide6.QtCore import Qt

from plx_desktop.domain.profile import ProfileKind
from plx_desktop.paths import database_path
from plx_desktop.store import open_store

pytestmark = pytest.mark.gui
qloop = shell_fixtures.qloop  # the session's qasync loop (a fixture)
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
    assert window.run_controls.run_button.text() == "Run &now"
    assert window.status.next_run.text().startswith("Next run at")
    window.grab().save("/tmp/gui/main_after_run.png") if Path("/tmp/gui").is_dir() else None


def test_closing_during_a_run_stops_the_worker(qtbot, make_window):
    window = make_window()
    assert window.sync.run_now()
    thread = window.runner._thread
    window.close()
    assert not window.runner.running
    assert thread.isFinished()


def test_pause_stops_the_timer(qtbot, make_window):
    window = make_window()
    assert window.scheduler.next_run is not None
    window.run_controls.pause_button.click()
    assert window.scheduler.next_run is None and window.run_controls.pause_button.text() == "&Resume"
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
