"""Preview (dry run) from the app, against the real sandbox: the Preview window fills with per-step
counts and the would-be entries (filtered by outcome), nothing is written anywhere, and a preview
and a sync never overlap. Also the step settings dialog's Preview (saved settings only)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from shell_fixtures import sandbox_data_dir

from plx_desktop.gui.main_window import MainWindow
from plx_desktop.gui.preview_dialog import NOTHING_WRITTEN
from plx_desktop.gui.preview_model import OUTCOME, WHY, PreviewModel
from plx_desktop.gui.step_settings.dialog import SAVE_TO_PREVIEW
from plx_desktop.store import LogEntry

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, qloop, sandbox, tmp_path: Path) -> MainWindow:
    data_dir, details = sandbox_data_dir(sandbox, tmp_path)
    window = MainWindow(data_dir, sandbox=details, start_due_run=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def sandbox_counts(sandbox) -> tuple[int, int, int]:
    """Contacts, leads and people, read over HTTPS from the sandbox's control endpoints."""
    http = requests.Session()
    http.trust_env = False
    http.verify = sandbox.info.ca_file

    def get(base: str, path: str):
        answer = http.get(f"{base}/__sandbox__/{path}", timeout=30)
        answer.raise_for_status()
        return answer.json()

    sf = sandbox.info.salesforce_instance_url
    people = get(sandbox.info.peoplelinx_base_url, "people")
    people = people["data"] if isinstance(people, dict) else people
    return (len(get(sf, "records/Contact")["records"]), len(get(sf, "records/Lead")["records"]),
            len(people))


def wait_for_preview(qtbot, window, start) -> object:
    with qtbot.waitSignal(window.preview.opened, timeout=120_000) as opened, \
            qtbot.assertNotEmitted(window.preview.failed):
        assert start()
    qtbot.waitUntil(lambda: not window.preview.runner.running)
    return opened.args[0]


def test_preview_of_the_profile_fills_the_window_and_writes_nothing(qtbot, window, sandbox,
                                                                   qtmodeltester):
    before = sandbox_counts(sandbox)
    sandbox.salesforce.calls.reset()
    button = window.steps_tab.preview_button
    assert button.isEnabled()
    dialog = wait_for_preview(qtbot, window, lambda: (button.click(), True)[1])
    qtmodeltester.check(dialog.model)
    assert dialog.windowTitle() == "Preview — the Default profile"
    assert dialog.nothing_written.text() == NOTHING_WRITTEN and dialog.nothing_written.isVisible()
    counts = dialog.step_counts()
    assert len(counts) == 12 and counts[0][0] == "Contact → People"
    assert int(counts[0][1].replace(",", "")) > 100  # would create
    assert dialog.model.rowCount() == dialog.model.count() > 0
    outcomes = {dialog.model.index(r, OUTCOME).data() for r in range(dialog.model.rowCount())}
    assert "Would create" in outcomes
    assert not any(dialog.model.index(r, WHY).data().startswith(("Preview", "Created"))
                   for r in range(dialog.model.rowCount()))

    dialog.outcome_filter.setCurrentIndex(dialog.outcome_filter.findData("created"))
    qtmodeltester.check(dialog.model)
    assert dialog.model.rowCount() == dialog.model.count("created") > 0
    assert {dialog.model.entry(r).outcome for r in range(dialog.model.rowCount())} == {"created"}

    # Nothing written anywhere: both services, and the local store.
    routes = sandbox.salesforce.calls.snapshot()["by_route"]
    assert not any("composite" in r or "upsert" in r or "create" in r for r in routes), routes
    assert sandbox_counts(sandbox) == before
    store = window.store
    assert store.log.count() == 0 and store.log.runs() == [] and store.links.count() == 0
    assert store.cursors.all() == {}
    assert window.log_tab.model.rowCount() == 0


def test_preview_of_the_selected_step(qtbot, window):
    tab = window.steps_tab
    tab.view.setCurrentIndex(window.steps_model.index(1))
    assert tab.preview_step_action.isEnabled()
    dialog = wait_for_preview(qtbot, window,
                              lambda: (tab.preview_step_action.trigger(), True)[1])
    assert [row[0] for row in dialog.step_counts()] == ["Lead → People"]
    assert {dialog.model.entry(r).step_label for r in range(dialog.model.rowCount())} == {
        "Lead → People"}
    assert "Lead → People" in dialog.windowTitle()


def test_a_preview_and_a_sync_never_overlap(qtbot, window):
    tab, controls = window.steps_tab, window.run_controls
    with qtbot.waitSignal(window.preview.opened, timeout=120_000):
        assert window.preview_steps()
        assert window.preview.runner.running
        assert not controls.run_button.isEnabled()  # no sync while a preview runs
        assert not window.menus.run_action.isEnabled()
        assert window.sync.run_now() is False  # nor by the timer's path
        assert not window.preview_steps()  # one preview at a time
    qtbot.waitUntil(lambda: not window.preview.runner.running and controls.run_button.isEnabled())
    window.preview.dialog.close()

    with qtbot.waitSignal(window.sync.run_finished, timeout=120_000):
        assert window.sync.run_now()
        assert not tab.preview_button.isEnabled()  # no preview while a sync runs
        assert not window.menus.preview_action.isEnabled()
        assert tab.preview_button.toolTip().startswith("A sync is running")
        assert not window.preview_steps()
    qtbot.waitUntil(lambda: tab.preview_button.isEnabled())
    assert window.menus.preview_action.isEnabled()


def test_step_settings_preview_runs_the_saved_step_and_asks_to_save_changes(qtbot, window):
    window.profile_combo.setCurrentIndex(1)  # Custom: editable
    dialog = window.open_step_settings(0)
    assert dialog.preview_button.isEnabled() and not dialog.preview_hint.isVisible()
    dialog.mappings.table.selectRow(3)
    dialog.mappings.remove_button.click()  # an unsaved change
    assert dialog.has_unsaved_changes()
    assert not dialog.preview_button.isEnabled()
    assert dialog.preview_hint.text() == SAVE_TO_PREVIEW
    dialog.reject()

    dialog = window.open_step_settings(0)
    assert dialog.preview_button.isEnabled()
    preview = wait_for_preview(qtbot, window, lambda: (dialog.preview_button.click(), True)[1])
    assert preview.parent() is dialog  # over the settings it was asked from
    assert [row[0] for row in preview.step_counts()] == ["Contact → People"]


def test_the_preview_model_filters_by_outcome(qtmodeltester):
    entries = [LogEntry(outcome=o, step_label="Contact → People", record_label=f"r{i}",
                        message=m)
               for i, (o, m) in enumerate([("created", "Preview: Created in PeopleLinx"),
                                           ("updated", "Preview: Updated email in PeopleLinx"),
                                           ("failed", "Preview: bad value")])]
    model = PreviewModel(entries)
    qtmodeltester.check(model)
    assert [model.index(r, WHY).data() for r in range(3)] == [
        "Would create in PeopleLinx", "Would update email in PeopleLinx", "Bad value"]
    model.set_outcome("failed")
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.index(0, OUTCOME).data() == "Would fail"
    model.set_outcome(None)
    assert model.rowCount() == 3
