"""The menu bar and what it opens, on the sandbox: Sync settings saved to the store and read back,
Export / Import profile (a bad file changes nothing), Config history reloading the steps after a
roll back, and Record history / Conflict details from a log entry."""

from __future__ import annotations

import json

import pytest
import shell_fixtures
from PySide6.QtCore import Qt

from plx_desktop.domain.profile import ProfileKind
from plx_desktop.store import Conflict, LogEntry
from plx_desktop.store.settings import API_USAGE_CAP, FOLLOW_CONVERTED_LEADS

pytestmark = pytest.mark.gui
make_window = shell_fixtures.make_window


def test_every_menu_entry_has_a_shortcut_and_a_tip(make_window):
    window = make_window()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:4] == ["&File", "S&ync", "&View", "Settin&gs"] and "&Help" in titles
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.isSeparator():
                continue
            assert not action.shortcut().isEmpty() or "\t" in action.text(), action.text()
            assert action.toolTip() and action.toolTip() != action.text().replace("&", "")


def test_sync_settings_round_trip_through_the_store(qtbot, make_window):
    window = make_window()
    assert window.store.settings.get(API_USAGE_CAP) == 0.9
    window.menus.settings_action.trigger()
    dialog = window.sync_settings_dialog
    assert dialog.cap.value() == 90 and not dialog.follow.isChecked()
    assert (dialog.cap.minimum(), dialog.cap.maximum()) == (10, 100)
    dialog.cap.setValue(75)
    dialog.follow.setChecked(True)
    dialog.reject()  # Cancel keeps what was stored
    assert window.store.settings.get(API_USAGE_CAP) == 0.9
    assert window.store.settings.get(FOLLOW_CONVERTED_LEADS) is False

    window.menus.settings_action.trigger()
    dialog = window.sync_settings_dialog
    dialog.cap.setValue(75)
    dialog.follow.setChecked(True)
    assert dialog.save()
    assert window.store.settings.get(API_USAGE_CAP) == 0.75
    assert window.store.settings.get(FOLLOW_CONVERTED_LEADS) is True
    window.close()

    again = make_window()  # read back from the store, by a new window
    again.menus.settings_action.trigger()
    assert again.sync_settings_dialog.cap.value() == 75
    assert again.sync_settings_dialog.follow.isChecked()
    ini = (again.data_dir / "window.ini").read_text()
    assert "cap" not in ini.lower() and "converted" not in ini.lower()  # never QSettings


def test_export_then_import_profile_and_a_bad_file_changes_nothing(qtbot, make_window, tmp_path):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    file = tmp_path / "profile.json"
    assert window.menus.export_action.isEnabled()
    from plx_desktop.gui.profile_files import export_profile, import_profile

    assert export_profile(window, file) == file
    exported = json.loads(file.read_text())
    assert len(exported["steps"]) == 12
    window.steps_model.remove_step(0)
    assert window.steps_model.rowCount() == 11

    bad = tmp_path / "bad.json"
    broken = dict(exported, steps=[{"kind": "no_such_kind"}, *exported["steps"][1:]])
    bad.write_text(json.dumps(broken))
    assert import_profile(window, bad) is False
    assert "nothing was changed" in window.last_message.text()
    assert "steps[0]" in window.last_message.informativeText()
    assert window.steps_model.rowCount() == 11
    assert len(window.store.profiles.load("custom").steps) == 11

    assert import_profile(window, file) is True
    assert window.steps_model.rowCount() == 12  # shown at once
    assert len(window.store.profiles.load("custom").steps) == 12


def test_config_history_roll_back_reloads_the_steps(qtbot, make_window):
    window = make_window()
    assert not window.menus.config_history_action.isEnabled()  # Default profile
    window.profile_combo.setCurrentIndex(1)
    assert window.menus.config_history_action.isEnabled()
    window.steps_model.remove_step(0)
    assert window.steps_model.rowCount() == 11
    window.menus.config_history_action.trigger()
    dialog = window.config_history_dialog
    dialog._confirm = lambda text: True
    dialog.select(1)
    with qtbot.waitSignal(dialog.restored):
        assert dialog.roll_back()
    assert window.steps_model.rowCount() == 12
    assert window.session.profile is window.steps_model.profile
    window.steps_model.remove_step(0)  # edits after the roll back are saved as usual
    assert len(window.store.profiles.load(ProfileKind.CUSTOM).steps) == 11


def test_record_history_and_conflict_details_from_the_log(qtbot, make_window):
    window = make_window()
    store = window.store
    store.log.append_many([
        LogEntry(outcome="created", step_uid="s1", step_label="Contact → People",
                 sf_id="003000000000001AAA", plx_id="per_1", record_label="Ada <ada@x.example>",
                 message="Created in PeopleLinx"),
        LogEntry(outcome="conflict", step_uid="s1", step_label="Contact → People",
                 sf_id="003000000000001AAA", plx_id="per_1", record_label="Ada <ada@x.example>",
                 message="Both sides changed title"),
    ])
    store.conflicts.add_many([Conflict(
        step_uid="s1", sf_id="003000000000001AAA", plx_id="per_1", field="title",
        salesforce_value="CTO", peoplelinx_value="CEO", winner="salesforce", rule="two_way",
        record_label="Ada <ada@x.example>")])
    tab = window.log_tab
    tab.model.reload()
    window.tabs.setCurrentIndex(1)
    view = tab.view
    view.setCurrentIndex(tab.model.index(1, 0))  # the "created" entry
    assert tab.history_action.isEnabled() and not tab.conflict_action.isEnabled()
    window.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    history = window.record_history_dialog
    assert history is not None and history.history.found
    assert history.events.rowCount() == 2
    history.close()

    view.setCurrentIndex(tab.model.index(0, 0))  # the conflict entry
    assert tab.conflict_action.isEnabled()
    tab.conflict_action.trigger()
    details = window.conflict_dialog
    assert details.details.model.rowCount() == 1
    details.close()
    qtbot.waitUntil(lambda: window.conflict_dialog is None)
    view.doubleClicked.emit(tab.model.index(0, 4))  # a double-click on a conflict entry
    assert window.conflict_dialog is not None

    window.menus.record_history_action.trigger()  # the search box (email or id)
    search = window.record_history_dialog
    assert search.history is None and search.search("003000000000001AAA").found


def test_help_opens_the_log_folder(qtbot, make_window):
    from PySide6.QtCore import QObject, QUrl, Slot
    from PySide6.QtGui import QDesktopServices

    class FileManager(QObject):  # plays the desktop's file manager, which Qt asks to open it
        def __init__(self):
            super().__init__()
            self.opened: list[str] = []

        @Slot(QUrl)
        def open(self, url):
            self.opened.append(url.toLocalFile())

    window = make_window()
    manager = FileManager()
    QDesktopServices.setUrlHandler("file", manager, "open")
    try:
        window.menus.log_folder_action.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert manager.opened == [str(window.data_dir / "logs")]
    assert (window.data_dir / "logs").is_dir()


def test_import_names_the_fields_the_connected_org_does_not_have(qtbot, make_window, tmp_path):
    from plx_desktop.gui.profile_files import export_profile, import_profile

    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    file = tmp_path / "profile.json"
    export_profile(window, file)
    document = json.loads(file.read_text())
    step = next(s for s in document["steps"] if s["kind"] == "people_to_lead")
    step["mappings"].append(dict(step["mappings"][0], salesforce_field="Persona__c",
                                 peoplelinx_field="title", mandatory=False))
    file.write_text(json.dumps(document))
    before = window.store.profiles.load("custom")
    assert import_profile(window, file) is False
    assert "does not have; nothing was changed" in window.last_message.text()
    details = window.last_message.informativeText()
    assert "(People → Lead): Salesforce has no field Persona__c on Lead" in details
    assert window.store.profiles.load("custom") == before


def test_the_logs_step_filter_tells_steps_of_the_same_kind_apart(qtbot, make_window):
    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    window.steps_model.clone_step(0)
    window.steps_model.rename_step(0, "EMEA contacts")
    step_filter = window.log_tab.step_filter
    texts = [step_filter.itemText(i) for i in range(step_filter.count())]
    first, clone = window.steps_model.step_at(0), window.steps_model.step_at(1)
    assert texts[step_filter.findData(first.uid)] == "EMEA contacts"
    assert texts[step_filter.findData(clone.uid)] == clone.kind.label
    assert len(set(texts)) == len(texts)


def test_a_new_mapping_offers_to_reach_the_linked_records(qtbot, make_window):
    from PySide6.QtWidgets import QMessageBox

    from plx_desktop.domain import FieldMapping
    from plx_desktop.gui import mapping_reach_offer
    from plx_desktop.store import RecordLink

    window = make_window()
    window.profile_combo.setCurrentIndex(1)
    window.store.links.upsert_many(
        RecordLink(sf_id=f"003{n:015d}", sf_object="Contact", plx_id=f"per_{n}",
                   plx_object="person", step_uid="x") for n in range(450))
    profile = window.session.profile
    before = next(s for s in profile.steps if s.kind.key == "contact_to_people")
    after = profile.add_mapping(before.uid, FieldMapping("Title", "title", "string", "string"))
    assert mapping_reach_offer.offer(window, after, after) is None  # nothing new: no question
    box = mapping_reach_offer.offer(window, before, after)
    assert box is not None and box.isVisible()
    assert box.text().startswith("450 linked records were synced before this mapping existed "
                                 "(Title ↔ title)")
    assert "at most 3 Salesforce API calls and 1 PeopleLinx call" in box.informativeText()
    apply = next(b for b in box.buttons()
                 if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    apply.click()
    assert len(window.store.health.retry_requests(after.uid)) == 450
    assert "450 linked records" in window.statusBar().currentMessage()
